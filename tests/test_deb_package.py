"""The Debian package builder (installer/debian/build_deb.py) on a stand-in frozen build."""

from __future__ import annotations

import importlib.util
import shutil
import stat
import subprocess
import tarfile
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
APP_ID = "uk.police.ccassure"

pytestmark = pytest.mark.skipif(
    not (shutil.which("dpkg-deb") and shutil.which("desktop-file-validate")),
    reason="dpkg-deb and desktop-file-validate needed (./dev test installs desktop-file-utils)",
)


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def deb(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stand-in one-folder build: a real ELF executable and one bundled resource."""
    folder = tmp_path_factory.mktemp("deb")
    frozen = folder / "dist" / "ccassure"
    (frozen / "_internal" / "ccassure").mkdir(parents=True)
    shutil.copy("/bin/true", frozen / "ccassure")
    (frozen / "_internal" / "ccassure" / "note.txt").write_text("bundled\n")
    icons = folder / "icons"
    load(ROOT / "installer" / "make_icons.py").make_icons(
        ROOT / "resources" / "icons" / "ccassure.svg", icons
    )
    builder = load(ROOT / "installer" / "debian" / "build_deb.py")
    built: Path = builder.build_deb(frozen, icons, folder, "9.8.7")
    return built


def field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "--field", str(deb), name], capture_output=True, text=True, check=True
    ).stdout.strip()


def members(deb: Path) -> dict[str, tarfile.TarInfo]:
    data = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True).stdout
    out = Path(str(deb) + ".tar")
    out.write_bytes(data)
    with tarfile.open(out) as tar:
        return {m.name.removeprefix("./"): m for m in tar.getmembers()}


def test_control_fields_and_dependencies_from_the_binaries(deb: Path) -> None:
    assert deb.name.startswith("ccassure_9.8.7_")
    assert field(deb, "Package") == "ccassure" and field(deb, "Version") == "9.8.7"
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
    assert field(deb, "Architecture") == arch.stdout.strip()
    # /bin/true links only the C library: the dependency is found by ldd and dpkg -S.
    assert field(deb, "Depends").startswith("libc6 (>= 2.")
    assert int(field(deb, "Installed-Size")) > 0


def test_layout_symlink_desktop_entry_metadata_and_icons(deb: Path) -> None:
    found = members(deb)
    link = found["usr/bin/ccassure"]
    assert link.issym() and link.linkname == "/opt/ccassure/ccassure"
    program = found["opt/ccassure/ccassure"]
    assert program.mode & 0o777 == 0o755 and (program.uid, program.gid) == (0, 0)
    assert found["opt/ccassure/_internal/ccassure/note.txt"].mode & 0o777 == 0o644
    assert f"usr/share/applications/{APP_ID}.desktop" in found
    for size in SIZES:
        assert f"usr/share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png" in found
    assert f"usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg" in found
    assert "usr/share/doc/ccassure/copyright" in found
    assert "usr/share/doc/ccassure/third-party/INDEX.txt" in found


def test_metadata_carries_the_version_and_validates(deb: Path, tmp_path: Path) -> None:
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path)], check=True)
    info = tmp_path / f"usr/share/metainfo/{APP_ID}.metainfo.xml"
    assert '<release version="9.8.7"' in info.read_text()
    desktop = tmp_path / f"usr/share/applications/{APP_ID}.desktop"
    subprocess.run(["desktop-file-validate", str(desktop)], check=True)
    assert "Exec=ccassure gui" in desktop.read_text()
    if shutil.which("appstreamcli"):
        subprocess.run(["appstreamcli", "validate", "--no-net", str(info)], check=True)
    index = (tmp_path / "usr/share/doc/ccassure/third-party/INDEX.txt").read_text()
    assert "pyside6" in index.lower() and "python 3." in index


def test_maintainer_scripts_and_checksums(deb: Path, tmp_path: Path) -> None:
    subprocess.run(["dpkg-deb", "-e", str(deb), str(tmp_path)], check=True)
    postrm = tmp_path / "postrm"
    assert postrm.stat().st_mode & stat.S_IXUSR
    removals = [line for line in postrm.read_text().splitlines() if "rm " in line]
    assert removals and all("rm -rf /opt/ccassure ;;" in line for line in removals)
    lines = (tmp_path / "md5sums").read_text().splitlines()
    sums = {path: digest for digest, path in (line.split("  ", 1) for line in lines)}
    files = [n for n, m in members(deb).items() if m.isfile()]
    assert sorted(sums) == sorted(files)
