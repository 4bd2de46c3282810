"""Entry point of the windowed twin (Windows, macOS): opens the app, never a console."""

import sys

sys.dont_write_bytecode = True

from ccassure.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["gui", *sys.argv[1:]]))
