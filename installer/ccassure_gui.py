"""Entry point of the windowed twin (Windows, macOS): opens the app, never a console."""

import sys

GLOBAL_OPTIONS = ("--store", "--data-dir")  # ccassure's options that come before the command


def gui_command(argv: list[str]) -> list[str]:
    """`ccassure-gui --data-dir D --demo` as `ccassure --data-dir D gui --demo`: argparse takes
    the global options only before the command (a windowed program shows no usage error)."""
    leading: list[str] = []
    rest = list(argv)
    while rest and rest[0].split("=", 1)[0] in GLOBAL_OPTIONS:
        option = rest.pop(0)
        leading.append(option)
        if "=" not in option and rest:
            leading.append(rest.pop(0))
    return [*leading, "gui", *rest]


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    from ccassure.cli import main

    sys.exit(main(gui_command(sys.argv[1:])))
