"""Entry point of the frozen app: the same command line as the installed `ccassure` script."""

import sys

# The install folder is read-only for users and owned by the package manager: Python must not
# leave __pycache__ folders in it (alembic compiles the migration scripts it loads).
sys.dont_write_bytecode = True

from ccassure.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
