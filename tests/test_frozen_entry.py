"""The frozen entry point hands programs it starts the library path they had before."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.installer_scripts import installer_script

ROOT = Path(__file__).resolve().parent.parent
INTERNAL = "/opt/ccassure/_internal"


pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="LD_LIBRARY_PATH is set by the Linux bootloader"
)


def test_the_bundle_folder_is_not_passed_on_when_there_was_no_path_before() -> None:
    # PyInstaller's bootloader sets LD_LIBRARY_PATH to _internal (which holds libQt6*.so.6)
    # and saves no _ORIG when the variable was unset.
    environ = {"LD_LIBRARY_PATH": INTERNAL, "HOME": "/home/u"}
    installer_script("ccassure_main.py").restore_library_path(environ, frozen=True)
    assert environ == {"HOME": "/home/u"}


def test_the_users_own_library_path_is_given_back() -> None:
    environ = {
        "LD_LIBRARY_PATH": f"{INTERNAL}:/usr/local/lib",
        "LD_LIBRARY_PATH_ORIG": "/usr/local/lib",
    }
    installer_script("ccassure_main.py").restore_library_path(environ, frozen=True)
    assert environ == {"LD_LIBRARY_PATH": "/usr/local/lib"}


def test_running_from_source_changes_nothing() -> None:
    environ = {"LD_LIBRARY_PATH": "/usr/local/lib"}
    installer_script("ccassure_main.py").restore_library_path(environ, frozen=False)
    assert environ == {"LD_LIBRARY_PATH": "/usr/local/lib"}


def test_the_entry_point_restores_the_path_before_anything_else_is_imported() -> None:
    source = (ROOT / "installer" / "ccassure_main.py").read_text(encoding="utf-8")
    body = source[source.index('if __name__ == "__main__":') :]
    assert body.index("restore_library_path(os.environ") < body.index("from ccassure.cli import")


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--demo"],
        ["--data-dir", "D:\\ccassure data", "--demo"],
        ["--store=C:\\stores\\team.db"],
        ["--store", "team.db", "--data-dir", "D"],
    ],
)
def test_the_windowed_twin_accepts_the_global_options(argv: list[str]) -> None:
    from ccassure.cli import build_parser

    args = build_parser().parse_args(installer_script("ccassure_gui.py").gui_command(argv))
    assert args.command == "gui"
    assert args.demo == ("--demo" in argv)
    for option, name in (("--data-dir", "data_dir"), ("--store", "store")):
        given = [a for i, a in enumerate(argv) if i and argv[i - 1] == option]
        given += [a.split("=", 1)[1] for a in argv if a.startswith(f"{option}=")]
        assert getattr(args, name) == (given[0] if given else None)
