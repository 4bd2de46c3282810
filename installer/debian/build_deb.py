"""Builds the Debian package from the frozen one-folder build (dpkg-deb, no debhelper)."""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

APP_ID = "uk.police.ccassure"
PACKAGE = "ccassure"
PREFIX = Path("opt/ccassure")
HERE = Path(__file__).resolve().parent
SIZE_TARGET_MIB = 150  # of file sizes, as `du -sh --apparent-size` counts
# Build tools in the build venv, not part of what is shipped.
NOT_SHIPPED = {"pip", "setuptools", "pyinstaller", "pyinstaller-hooks-contrib", "altgraph"}
LICENCE_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)


def is_elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def needed(path: Path) -> set[str]:
    """The libraries an ELF file names itself (DT_NEEDED), not those they need in turn."""
    out = subprocess.run(["readelf", "-d", "--wide", str(path)], capture_output=True, text=True)
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out.stdout))


def system_libraries(folder: Path) -> tuple[set[Path], set[str]]:
    """Shared libraries the frozen build links to directly from the system (as
    dpkg-shlibdeps counts: each library's own package brings what it needs), and any that
    are missing here."""
    internal = folder / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=f"{internal}:{internal / 'PySide6/Qt/lib'}")
    found: set[Path] = set()
    missing: set[str] = set()
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file() or not is_elf(path):
            continue
        direct = needed(path)
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env)
        for line in out.stdout.splitlines():
            name, _, where = line.strip().partition(" => ")
            target = where.split(" (")[0].strip()
            if name not in direct:
                continue
            if target == "not found":
                missing.add(name)
            elif target.startswith("/") and not Path(target).resolve().is_relative_to(folder):
                found.add(Path(target))
    return found, missing


def _owner(path: Path) -> str | None:
    """The Debian package that installed a library (merged /usr: try both spellings)."""
    text = str(path)
    alternate = text.removeprefix("/usr") if text.startswith("/usr/") else "/usr" + text
    for candidate in (text, alternate, str(path.resolve())):
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.split(":")[0].strip()
    return None


def depends(libraries: set[Path]) -> str:
    packages = {owner for lib in libraries if (owner := _owner(lib))}
    glibc = subprocess.run(["ldd", "--version"], capture_output=True, text=True).stdout
    version = re.search(r"(\d+\.\d+)\s*$", glibc.splitlines()[0])
    entries = []
    for name in sorted(packages):
        if name == "libc6" and version:
            entries.append(f"libc6 (>= {version.group(1)})")
        else:
            entries.append(name)
    return ", ".join(entries)


def is_shared_library(path: Path) -> bool:
    return path.name.endswith(".so") or ".so." in path.name


def _normalise_modes(root: Path) -> None:
    """Folders and programs 0755; everything else, shared libraries included, 0644."""
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        program = path.stat().st_mode & 0o111 and not is_shared_library(path)
        path.chmod(0o755 if path.is_dir() or program else 0o644)


def _gzip(data: bytes, target: Path) -> None:
    """Compressed as Debian wants its documentation: best compression, no name or time."""
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed:
        packed.write(data)


def _manual_page(program: Path, target: Path) -> bool:
    """ccassure(1) from the program's own --help and --version (help2man), if installed."""
    if not shutil.which("help2man"):
        print("note: help2man is not installed; the package has no manual page")
        return False
    page = subprocess.run(
        [
            "help2man",
            "--no-info",
            "--section=1",
            "--name=compliance assurance for a police technology programme",
            str(program),
        ],
        capture_output=True,
        check=True,
    ).stdout
    target.parent.mkdir(parents=True)
    _gzip(page, target)
    return True


def _field(dist: metadata.Distribution, key: str) -> str:
    return str((dist.metadata.get_all(key) or [""])[0])


def _third_party_licences(target: Path) -> int:
    """Licence texts shipped by every library the app bundles (and Python's own), with an
    index naming each library, its version and its declared licence."""
    count, index = 0, []
    for dist in sorted(metadata.distributions(), key=lambda d: _field(d, "Name").lower()):
        name = _field(dist, "Name").lower()
        if not name or name in NOT_SHIPPED or name == PACKAGE:
            continue
        declared = _field(dist, "License-Expression") or _field(dist, "License") or "?"
        index.append(f"{name} {dist.version}: {declared.splitlines()[0]}\n")
        for file in dist.files or []:
            if LICENCE_FILE.search(file.name):
                source = Path(str(dist.locate_file(file)))
                if source.is_file():
                    dest = target / name / file.name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, dest)
                    count += 1
    python_licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    if python_licence.is_file():
        (target / "python").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(python_licence, target / "python" / "LICENSE.txt")
        index.append(f"python {sys.version.split()[0]}: PSF-2.0\n")
        count += 1
    (target / "INDEX.txt").write_text("".join(index), encoding="utf-8")
    return count


def folder_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def stage(frozen: Path, icons: Path, root: Path, version: str) -> str:
    """Lay out the package's files under root; return the Depends line."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(frozen, root / PREFIX, symlinks=True)
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin" / PACKAGE).symlink_to(Path("/") / PREFIX / PACKAGE)
    share = root / "usr/share"
    shutil.copytree(icons / "hicolor", share / "icons/hicolor")
    (share / "applications").mkdir(parents=True)
    shutil.copyfile(HERE / f"{APP_ID}.desktop", share / f"applications/{APP_ID}.desktop")
    (share / "metainfo").mkdir(parents=True)
    info = (HERE / f"{APP_ID}.metainfo.xml").read_text(encoding="utf-8")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    info = info.replace("@VERSION@", version).replace("@DATE@", today)
    (share / f"metainfo/{APP_ID}.metainfo.xml").write_text(info, encoding="utf-8")
    doc = share / "doc" / PACKAGE
    doc.mkdir(parents=True)
    shutil.copyfile(HERE / "copyright", doc / "copyright")
    _gzip((HERE / "changelog").read_bytes(), doc / "changelog.gz")
    _manual_page(root / PREFIX / PACKAGE, share / "man/man1" / f"{PACKAGE}.1.gz")
    licences = _third_party_licences(doc / "third-party")
    print(f"{licences} licence files from the bundled libraries")
    libraries, missing = system_libraries(root / PREFIX)
    if missing:
        print(f"warning: not found on this machine: {', '.join(sorted(missing))}")
    return depends(libraries)


def control(root: Path, version: str, depends_line: str) -> None:
    debian = root / "DEBIAN"
    debian.mkdir()
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    installed_kib = (folder_bytes(root) + 1023) // 1024
    (debian / "control").write_text(
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        "Maintainer: C&C Replacement Programme Assurance <ccassure@invalid>\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {depends_line}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Description: compliance assurance for a police technology programme\n"
        " DPIAs, EIAs, accessibility and assistive-technology test results and supplier\n"
        " environmental evidence, taken through review and sign-off, with signed reports.\n"
        " Works offline; built for the keyboard and screen readers.\n",
        encoding="utf-8",
    )
    sums = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and "DEBIAN" not in path.parts:
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            sums.append(f"{digest}  {path.relative_to(root)}\n")
    (debian / "md5sums").write_text("".join(sums), encoding="utf-8")
    shutil.copy(HERE / "postrm", debian / "postrm")


def validate(root: Path) -> None:
    desktop = root / f"usr/share/applications/{APP_ID}.desktop"
    subprocess.run(["desktop-file-validate", str(desktop)], check=True)
    print(f"desktop-file-validate: {desktop.name} accepted")
    if shutil.which("appstreamcli"):
        info = root / f"usr/share/metainfo/{APP_ID}.metainfo.xml"
        subprocess.run(["appstreamcli", "validate", "--no-net", str(info)], check=True)


def build_deb(frozen: Path, icons: Path, out: Path, version: str) -> Path:
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    root = out / "deb-root"
    depends_line = stage(frozen, icons, root, version)
    control(root, version, depends_line)
    _normalise_modes(root)
    validate(root)
    deb = out / f"{PACKAGE}_{version}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)], check=True
    )
    return deb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("frozen", type=Path, help="the one-folder build (build/dist/ccassure)")
    parser.add_argument("icons", type=Path, help="icons made by installer/make_icons.py")
    parser.add_argument("out", type=Path, help="folder for the .deb and sizes.json")
    parser.add_argument("--version", help="package version (default: ccassure's own)")
    args = parser.parse_args()
    from ccassure import __version__

    deb = build_deb(args.frozen.resolve(), args.icons, args.out, args.version or __version__)
    sizes = {"one_folder_bytes": folder_bytes(args.frozen), "deb_bytes": deb.stat().st_size}
    mib = {k.replace("bytes", "mib"): round(v / 2**20, 1) for k, v in sizes.items()}
    (args.out / "sizes.json").write_text(json.dumps(sizes | mib, indent=2) + "\n")
    print(f"{deb}: {mib['deb_mib']} MiB; one-folder build {mib['one_folder_mib']} MiB")
    if mib["one_folder_mib"] >= SIZE_TARGET_MIB:
        print(f"build: the one-folder build is over the {SIZE_TARGET_MIB} MiB target")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
