"""The Linux one-folder build keeps Python's runtime and leaves system libraries to Depends."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.installer_scripts import installer_script

ROOT = Path(__file__).resolve().parent.parent


libraries = installer_script("bundled_libraries.py")
DYNLOAD = "/usr/lib/python3.11/lib-dynload"


@pytest.mark.parametrize(
    "entry",
    [
        # Debian's own Python (what `./dev build` picks on a clean Debian 12): without these
        # the frozen program stops with "Failed to load Python shared library".
        (
            "libpython3.11.so.1.0",
            "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0",
            "BINARY",
        ),
        (
            "python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so",
            f"{DYNLOAD}/_ssl.cpython-311-x86_64-linux-gnu.so",
            "EXTENSION",
        ),
        ("libQt6Core.so.6", "/opt/venv/lib/PySide6/Qt/lib/libQt6Core.so.6", "BINARY"),
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
    ],
)
def test_python_runtime_and_wheel_libraries_are_bundled(entry: tuple[str, str, str]) -> None:
    assert libraries.is_bundled(entry)


@pytest.mark.parametrize(
    "entry",
    [
        ("libssl.so.3", "/usr/lib/x86_64-linux-gnu/libssl.so.3", "BINARY"),
        ("libxcb.so.1", "/lib/x86_64-linux-gnu/libxcb.so.1", "BINARY"),
        ("libffi.so.8", "/usr/lib64/libffi.so.8", "BINARY"),
    ],
)
def test_distribution_libraries_are_left_to_the_package_dependencies(
    entry: tuple[str, str, str],
) -> None:
    assert not libraries.is_bundled(entry)


def test_the_spec_filters_with_this_module() -> None:
    spec = (ROOT / "installer" / "ccassure.spec").read_text(encoding="utf-8")
    assert "from bundled_libraries import is_bundled" in spec
    assert "is_bundled(e)" in spec
