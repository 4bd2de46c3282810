"""`export` (a report as PDF, optionally signed, HTML or JSON) and `summary` (board paragraphs)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from ccassure.cli.identity import ask_passphrase
from ccassure.cli.output import safe
from ccassure.services.context import Context
from ccassure.services.report_export import SignWith

EXIT_OK = 0
Command = Callable[..., argparse.ArgumentParser]


def _export(args: argparse.Namespace, context: Context) -> int:
    show_progress = sys.stderr.isatty() and not args.json

    def progress(done: int, total: int) -> None:
        if show_progress and total:
            print(f"\rexporting: {100 * done // total}%", end="", file=sys.stderr, flush=True)

    sign = SignWith(args.identity, ask_passphrase, args.reason) if args.sign else None
    try:
        done = context.report_export.export(
            args.id, args.fmt, args.output, force=args.force, sign=sign, progress=progress
        )
    finally:
        if show_progress:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps(done.to_data(), indent=2, ensure_ascii=False))
        return EXIT_OK
    signed = f", signed by {done.signed_by}" if done.signed_by else ""
    print(
        safe(
            f"Exported the report of “{done.title}” (version {done.version}) "
            f"to {args.output} as {done.fmt.upper()}{signed}"
        )
    )
    return EXIT_OK


def run(name: str, args: argparse.Namespace, context: Context) -> int:
    if name == "export":
        return _export(args, context)
    found = context.governance.summary(args.programme)
    if args.json:
        print(json.dumps(found.to_data(), indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"Governance summary: {safe(found.programme)}")
    for heading, text in found.paragraphs:
        print(f"\n{heading}\n{'-' * len(heading)}\n{safe(text, keep_newlines=True)}")
    return EXIT_OK
