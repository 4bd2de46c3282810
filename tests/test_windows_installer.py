"""The NSIS script compiles against a stand-in frozen layout, and keeps its deployment promises."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path, PureWindowsPath

import pytest
from PIL import Image

import ccassure
from tests.nsis_payload import solid_lzma_blocks, stub, utf16

SCRIPT = Path(__file__).resolve().parent.parent / "installer" / "windows" / "ccassure.nsi"
MAKENSIS = shutil.which("makensis")
PUBLISHER = "C&C Replacement Programme Assurance"
UNINSTALL_KEY = r"Software\Microsoft\Windows\CurrentVersion\Uninstall\uk.police.ccassure"

needs_makensis = pytest.mark.skipif(
    MAKENSIS is None, reason="makensis is not installed (Debian package nsis; ./dev test adds it)"
)


def stand_in_build(folder: Path) -> dict[str, bytes]:
    """A layout shaped like PyInstaller's one-folder output; returns each file's bytes."""
    files = {
        "ccassure.exe": b"MZ stand-in for the console executable",
        "ccassure-gui.exe": b"MZ stand-in for the windowed executable",
        "_internal/x.txt": b"stand-in for Python, Qt and the resources",
        "_internal/ccassure/resources/templates/dpia.json": b'{"stand-in": "template"}',
    }
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return files


def make_icon(path: Path) -> Path:
    Image.new("RGBA", (256, 256), (0, 82, 147, 255)).save(
        path, sizes=[(16, 16), (32, 32), (48, 48), (256, 256)]
    )
    return path


def makensis(*args: str | Path, script: Path = SCRIPT) -> subprocess.CompletedProcess[str]:
    """makensis exactly as build.ps1 runs it, but without -WX: the script itself must make
    every warning an error."""
    assert MAKENSIS is not None
    return subprocess.run(
        [MAKENSIS, "-V3", *map(str, args), str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    dist = tmp_path / "dist" / "ccassure"
    files = stand_in_build(dist)
    return dist, make_icon(tmp_path / "ccassure.ico"), files


def defines(dist: Path, icon: Path, out: Path, version: str = ccassure.__version__) -> list[str]:
    return [f"-DVERSION={version}", f"-DDIST={dist}", f"-DICON={icon}", f"-DOUT={out}"]


@needs_makensis
def test_installer_is_a_windows_executable_with_version_information(
    layout: tuple[Path, Path, dict[str, bytes]], tmp_path: Path
) -> None:
    dist, icon, _ = layout
    out = tmp_path / f"ccassure-setup-{ccassure.__version__}.exe"
    result = makensis(*defines(dist, icon, out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in (result.stdout + result.stderr).lower()
    installer = out.read_bytes()
    assert installer[:2] == b"MZ"
    (pe_offset,) = struct.unpack_from("<I", installer, 0x3C)
    assert installer[pe_offset : pe_offset + 4] == b"PE\0\0"
    header = stub(installer)
    for key, value in {
        "ProductName": "ccassure",
        "CompanyName": PUBLISHER,
        "FileVersion": ccassure.__version__,
        "ProductVersion": ccassure.__version__,
        "FileDescription": f"ccassure {ccassure.__version__} setup",
    }.items():
        assert utf16(key) in header and utf16(value) in header, key
    assert re.search(rb'requestedExecutionLevel\s+level="requireAdministrator"', header)


@needs_makensis
def test_installer_packs_the_whole_frozen_build_and_registers_it(
    layout: tuple[Path, Path, dict[str, bytes]], tmp_path: Path
) -> None:
    dist, icon, files = layout
    out = tmp_path / "ccassure-installer.exe"
    assert makensis(*defines(dist, icon, out)).returncode == 0
    script_header, *packed = solid_lzma_blocks(out.read_bytes())
    for name, content in files.items():
        assert content in packed, name
    assert icon.read_bytes() in packed
    # The compiled script names every folder and file it writes ($INSTDIR is a variable code).
    for text in ("\\_internal\\ccassure\\resources\\templates", "dpia.json", "ccassure-gui.exe"):
        assert utf16(text) in script_header, text
    for text in (UNINSTALL_KEY, "QuietUninstallString", '\\uninstall.exe" /S', "EstimatedSize"):
        assert utf16(text) in script_header, text
    assert utf16(PUBLISHER) in script_header


@needs_makensis
def test_any_warning_fails_the_build(
    layout: tuple[Path, Path, dict[str, bytes]], tmp_path: Path
) -> None:
    dist, icon, _ = layout
    probe = tmp_path / "probe.nsi"
    probe.write_text(f'!include "{SCRIPT}"\n!warning "a stray warning"\n', encoding="utf-8")
    out = tmp_path / "ccassure-probe.exe"
    result = makensis(*defines(dist, icon, out), script=probe)
    assert result.returncode != 0
    assert "a stray warning" in result.stdout
    assert "warning treated as error" in (result.stdout + result.stderr).lower()
    assert not out.exists()


@needs_makensis
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no DIST", "Pass the frozen one-folder build"),
        ("empty DIST", "ccassure.exe is missing: run PyInstaller"),
        ("no icon", "is missing: run installer\\make_icons.py"),
        ("version 0.1", "VERSION must be MAJOR.MINOR.PATCH"),
    ],
)
def test_a_missing_input_stops_the_build_with_its_reason(
    layout: tuple[Path, Path, dict[str, bytes]], tmp_path: Path, change: str, message: str
) -> None:
    dist, icon, _ = layout
    out = tmp_path / "ccassure-refused.exe"
    args = defines(dist, icon, out)
    if change == "no DIST":
        args = [a for a in args if not a.startswith("-DDIST=")]
    elif change == "empty DIST":
        (tmp_path / "empty").mkdir()
        args = defines(tmp_path / "empty", icon, out)
    elif change == "no icon":
        args = defines(dist, tmp_path / "absent.ico", out)
    else:
        args = defines(dist, icon, out, version="0.1")
    result = makensis(*args)
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert not out.exists()


@needs_makensis
@pytest.mark.skipif(
    not (shutil.which("osslsigncode") and shutil.which("openssl")),
    reason="osslsigncode and openssl sign and verify Authenticode on Linux; one is missing",
)
def test_sign_hook_signs_both_the_uninstaller_and_the_installer(
    layout: tuple[Path, Path, dict[str, bytes]], tmp_path: Path
) -> None:
    dist, icon, _ = layout
    key, cert, calls = tmp_path / "key.pem", tmp_path / "cert.pem", tmp_path / "calls.txt"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=ccassure test signer"),
            *("-addext", "extendedKeyUsage=codeSigning"),
        ],
        check=True,
        capture_output=True,
    )
    signer = tmp_path / "sign.sh"
    signer.write_text(
        "#!/bin/sh\nset -e\n"
        f'echo "$1" >> "{calls}"\n'
        f'osslsigncode sign -certs "{cert}" -key "{key}" -h sha256 -n ccassure'
        ' -in "$1" -out "$1.signed"\nmv "$1.signed" "$1"\n',
        encoding="utf-8",
    )
    signer.chmod(0o755)
    out = tmp_path / "ccassure-signed.exe"
    result = makensis(*defines(dist, icon, out), f'-DSIGN={signer} "%1"')
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(calls.read_text().splitlines()) == 2

    def verifies(executable: Path) -> bool:
        check = ["osslsigncode", "verify", "-CAfile", str(cert), "-in", str(executable)]
        return subprocess.run(check, capture_output=True, check=False).returncode == 0

    assert verifies(out)
    embedded = tmp_path / "embedded.exe"
    signed_inside = []
    for block in solid_lzma_blocks(out.read_bytes())[1:]:
        if block[:2] == b"MZ" and len(block) > 1024:
            embedded.write_bytes(block)
            signed_inside.append(verifies(embedded))
    assert True in signed_inside, "the uninstaller packed inside must carry its signature"


def script_code() -> list[str]:
    """The script's instructions, without comments (NSIS comments start with ; or #)."""
    lines = SCRIPT.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and line.strip()[0] not in ";#"]


def function_body(name: str) -> list[str]:
    code = script_code()
    start = code.index(f"Function {name}")
    return code[start : code.index("FunctionEnd", start)]


def test_script_never_reaches_the_network_nor_asks_for_a_reboot() -> None:
    code = "\n".join(script_code())
    assert re.findall(r"\w+::\w+", code) == [], "no plug-in calls (NSISdl, inetc, ...)"
    for forbidden in ("http", "NSISdl", "inetc", "Reboot"):
        assert forbidden.lower() not in code.lower(), forbidden
    assert not re.search(r"^(Exec|ExecWait|ExecShell|ExecShellWait)\b", code, re.MULTILINE)
    assert script_code()[0] == "!pragma warning error all"


def test_script_installs_per_machine_and_uninstalls_silently() -> None:
    code = script_code()
    assert "RequestExecutionLevel admin" in code
    assert 'InstallDir "${DEFAULT_DIR}"' in code
    assert '!define DEFAULT_DIR "$PROGRAMFILES64\\ccassure"' in code
    assert "${IfNot} ${RunningX64}" in function_body(".onInit")
    for function in (".onInit", "un.onInit"):
        assert {"SetRegView 64", "SetShellVarContext all"} <= set(function_body(function))
    quiet = '"QuietUninstallString" \'"$INSTDIR\\uninstall.exe" /S\''
    assert f'WriteRegStr HKLM "${{UNINSTALL_KEY}}" {quiet}' in code
    assert 'DeleteRegKey HKLM "${UNINSTALL_KEY}"' in code
    assert 'Delete "$SMPROGRAMS\\ccassure.lnk"' in code


def test_uninstaller_leaves_the_users_data_and_foreign_files_alone() -> None:
    code = "\n".join(script_code())
    assert not re.search(r"APPDATA|\$PROFILE|\$DOCUMENTS", code, re.IGNORECASE)
    recursive = re.findall(r'RMDir /r "([^"]+)"', code)
    assert recursive and set(recursive) == {"$INSTDIR\\_internal"}
    assert 'RMDir "$INSTDIR"' in code, "the folder goes only if nothing else is in it"


def test_build_script_passes_every_define_the_installer_requires() -> None:
    build = (SCRIPT.parent / "build.ps1").read_text(encoding="utf-8")
    passed = set(re.findall(r'"-D(\w+)=', build))
    required = set(re.findall(r"^!ifndef (\w+)\n\s*!error", SCRIPT.read_text(), re.MULTILINE))
    derived = {"VERSION_PATCH"}  # parsed from VERSION by the script itself
    assert required - derived == {"DIST", "VERSION", "ICON"}
    assert required - derived | {"OUT"} <= passed
    assert "& $MakeNsis -WX" in build
    assert "self-test" in build and "UNTESTED ON WINDOWS" in build


def test_build_script_renders_the_icon_it_then_packs(tmp_path: Path) -> None:
    """build.ps1 runs make_icons.py with the arguments it needs, from the repository root,
    and the .ico lands where the script and the spec then look for it."""
    build = (SCRIPT.parent / "build.ps1").read_text(encoding="utf-8")
    call = re.search(r"installer\\make_icons\.py([^}]*)\}", build)
    assert call is not None
    args = [Path(*PureWindowsPath(arg).parts) for arg in call.group(1).split()]
    master = Path("resources/icons/ccassure.svg")
    (tmp_path / master).parent.mkdir(parents=True)
    shutil.copyfile(SCRIPT.parents[2] / master, tmp_path / master)
    script = SCRIPT.parents[1] / "make_icons.py"
    result = subprocess.run(
        [sys.executable, str(script), *map(str, args)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '$Icon = Join-Path $Root "build\\icons\\ccassure.ico"' in build
    assert (tmp_path / "build" / "icons" / "ccassure.ico").is_file()
    spec = (SCRIPT.parents[1] / "ccassure.spec").read_text(encoding="utf-8")
    assert 'ICONS = ROOT / "build" / "icons"' in spec


def section_body(name: str) -> list[str]:
    code = script_code()
    start = next(i for i, line in enumerate(code) if line.startswith(f'Section "{name}"'))
    return code[start : code.index("SectionEnd", start)]


@pytest.mark.parametrize("section", ["ccassure", "Uninstall"])
def test_a_running_app_is_found_before_anything_is_removed(section: str) -> None:
    """Deleting _internal first and then finding a locked DLL left a half-removed program."""
    body = section_body(section)
    check = next(
        i for i, line in enumerate(body) if line.startswith("!insertmacro STOP_IF_RUNNING")
    )
    removal = next(i for i, line in enumerate(body) if line.startswith("RMDir /r"))
    assert check < removal
    code = script_code()
    macro = code[code.index("!macro STOP_IF_RUNNING AGAIN") :]
    macro = macro[: macro.index("!macroend")]
    for exe in ("ccassure.exe", "ccassure-gui.exe"):
        assert any(exe in line and "STOP_IF_LOCKED" in line for line in macro), exe
    locked = code[code.index("!macro STOP_IF_LOCKED FILE AGAIN") :]
    locked = locked[: locked.index("!macroend")]
    assert 'FileOpen $0 "${FILE}" a' in locked and "Abort" in locked
