"""Command line: the composition root that builds services and runs one command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ccassure import __version__
from ccassure.domain.errors import CcassureError
from ccassure.domain.kinds import KINDS
from ccassure.services.paths import STORE_ENV, AppPaths, resolve_paths

EXIT_OK, EXIT_ERROR = 0, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"ccassure: {message} (see 'ccassure --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ccassure",
        description="Compliance assurance for the C&C "
        "replacement programme: DPIA, EIA, accessibility and environmental.",
    )
    parser.add_argument("--version", action="version", version=f"ccassure {__version__}")
    parser.add_argument(
        "--store",
        help="store file (or sqlite:///PATH); default: "
        "$CCASSURE_STORE, else ccassure.db in the data directory",
    )
    parser.add_argument("--data-dir", help="folder for the store, your templates and logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, text: str, json_flag: bool = False) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=text, description=text)
        if json_flag:
            p.add_argument("--json", action="store_true", help="machine-readable output")
        return p

    gui = command("gui", "open the desktop app")
    gui.add_argument("--demo", action="store_true", help="open on the demo programme")
    from ccassure.cli import parsers

    parsers.add_init(command)
    demo = command("demo", "create the C&C demo programme in the store")
    demo.add_argument(
        "--scale",
        type=int,
        default=0,
        metavar="N",
        help="also add N synthetic accessibility issues",
    )
    listing = command("list", "list assessments (latest versions)", json_flag=True)
    listing.add_argument("--kind", choices=KINDS)
    listing.add_argument("--all-versions", action="store_true", help="include earlier versions")
    show = command("show", "show one assessment version", json_flag=True)
    show.add_argument("id", type=int, metavar="ID")
    command("templates", "list checklist templates", json_flag=True)
    imp = command("import", "import an assessment document (as written by show --json)")
    imp.add_argument("file", type=Path, metavar="FILE")
    axe = command(
        "import-axe",
        "import axe-core results into an accessibility assessment's issue log",
        json_flag=True,
    )
    axe.add_argument("file", type=Path, metavar="FILE")
    axe.add_argument("--assessment", type=int, required=True, metavar="ID")
    axe.add_argument(
        "--include-incomplete",
        action="store_true",
        help="also import axe's 'incomplete' results, as issues that need review",
    )
    issues = command(
        "export-issues",
        "write an accessibility assessment's issue log to CSV or XLSX",
        json_flag=True,
    )
    issues.add_argument("id", type=int, metavar="ID")
    issues.add_argument("--format", required=True, choices=("csv", "xlsx"), dest="fmt")
    issues.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    issues.add_argument("--force", action="store_true", help="replace FILE if it exists")
    command("check", "check the store's integrity, seals and templates", json_flag=True)
    backup = command("backup", "copy the store, consistently, to a new file")
    backup.add_argument("dest", type=Path, metavar="DEST")
    restore = command("restore", "replace the store with a backup (current one kept first)")
    restore.add_argument("src", type=Path, metavar="SRC")
    selftest = command("self-test", "build a demo store in a work folder and check everything")
    selftest.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="keep the work folder (store, signed PDF) in a new folder here",
    )
    for add in (
        parsers.add_encryption,
        parsers.add_identity,
        parsers.add_workflow,
        parsers.add_signoff,
        parsers.add_export,
        parsers.add_pdf,
        parsers.add_packages,
        parsers.add_audit,
    ):
        add(command)
    return parser


def _run(args: argparse.Namespace, paths: AppPaths) -> int:
    name = args.command or "gui"
    if name == "gui":  # Qt and the window first; the heavy modules load behind the window
        from ccassure.ui.app import run_gui

        store_given = bool(args.store or os.environ.get(STORE_ENV))
        return run_gui(paths, demo=bool(getattr(args, "demo", False)), store_given=store_given)
    from ccassure.cli import commands, store_security
    from ccassure.services.context import build_context, load_template_set

    if name in ("init", "encrypt", "decrypt"):
        run_security = getattr(store_security, name)
        return int(run_security(args, paths))
    keys = store_security.key_request()
    if name == "templates":
        return commands.templates(load_template_set(paths), args.json)
    if name == "check":
        return commands.check(paths, args.json, keys)
    if name == "backup":
        return commands.backup(paths, args.dest, keys)
    if name == "restore":
        return commands.restore(paths, args.src, keys)
    if name == "self-test":
        return commands.self_test(Path(args.data_dir) if args.data_dir else None)
    if name in ("sign", "verify"):
        from ccassure.cli.pdf import run as run_pdf

        return run_pdf(args, paths, keys)
    mode = "open_or_create" if name == "demo" else "open"
    if name == "identity":
        from ccassure.cli.identity import run as run_identity

        mode = "open_or_create" if args.action in ("create", "import", "trust") else "open"
        context = build_context(paths, mode=mode, keys=keys)
        try:
            return run_identity(args, context)
        finally:
            context.close()
    context = build_context(paths, mode=mode, keys=keys)
    try:
        if name in ("submit", "withdraw", "new-version"):
            from ccassure.cli.workflow import run as run_workflow

            return run_workflow(args, context)
        if name in ("signoff", "signoffs"):
            from ccassure.cli.signoff import run as run_signoff

            return run_signoff(name, args, context)
        if name in ("pack", "unpack"):
            from ccassure.cli.packages import run as run_packages

            return run_packages(name, args, context)
        if name == "audit":
            from ccassure.cli.audit import run as run_audit

            return run_audit(args, context)
        if name in ("export", "summary"):
            from ccassure.cli.export import run as run_export

            return run_export(name, args, context)
        return commands.with_store(name, args, context)
    finally:
        context.close()


def one_line(text: str, limit: int = 400) -> str:
    """Errors are one line on stderr: later lines and control characters are dropped."""
    first = text.strip().splitlines()[0] if text.strip() else "unknown error"
    clean = "".join(c if c.isprintable() else "?" for c in first)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        paths = resolve_paths(args.store, args.data_dir, os.environ)
        return _run(args, paths)
    except CcassureError as exc:
        print(f"ccassure: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("ccassure: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: log it, say one line, never a trace
        from ccassure.cli.commands import log_unexpected

        try:
            where = str(log_unexpected(args.data_dir, exc))
        except Exception:  # even the log failed: still one line
            where = "no log (it could not be written)"
        text = one_line(f"{exc.__class__.__name__}: {exc}")
        print(f"ccassure: unexpected error ({text}); details in {where}", file=sys.stderr)
        return EXIT_ERROR
