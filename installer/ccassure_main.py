"""Entry point of the frozen app: the same command line as the installed `ccassure` script."""

import os
import sys
from collections.abc import MutableMapping


def restore_library_path(environ: MutableMapping[str, str], frozen: bool) -> None:
    """Programs the app starts (xdg-open and the viewer of an attachment) must load their own
    libraries: the frozen Linux build runs with LD_LIBRARY_PATH set to its _internal folder,
    which holds Qt 6 and would replace a KDE or LXQt viewer's Qt. The loader read the path
    when this process started, so this process keeps finding its own libraries."""
    if not frozen or not sys.platform.startswith("linux"):
        return
    original = environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is None:
        environ.pop("LD_LIBRARY_PATH", None)
    else:
        environ["LD_LIBRARY_PATH"] = original


if __name__ == "__main__":
    # The install folder is read-only for users and owned by the package manager: Python must
    # not leave __pycache__ folders in it (alembic compiles the migration scripts it loads).
    sys.dont_write_bytecode = True
    restore_library_path(os.environ, getattr(sys, "frozen", False))
    from ccassure.cli import main

    sys.exit(main())
