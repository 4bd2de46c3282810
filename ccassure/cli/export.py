"""`export` (a report as HTML, or PDF once wired in) and `summary` (the governance paragraphs)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from ccassure.services.context import Context

EXIT_OK = 0
Command = Callable[..., argparse.ArgumentParser]


def add_parsers(command: Command) -> None:
    export = command("export", "write an assessment version's report as HTML (or PDF)")
    export.add_argument("id", type=int, metavar="ID")
    export.add_argument("--format", required=True, choices=("html", "pdf"), dest="fmt")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    summary = command(
        "summary",
        "the governance summary of a programme: equality, privacy and environmental comments",
        json_flag=True,
    )
    summary.add_argument(
        "--programme", metavar="KEY", help="the programme (when there are several)"
    )


def run(name: str, args: argparse.Namespace, context: Context) -> int:
    if name == "export":
        report = context.reports.export(args.id, args.fmt, args.output, args.force)
        print(
            f"Exported the report of “{report.title}” (version {report.version}) to {args.output}"
        )
        return EXIT_OK
    found = context.governance.summary(args.programme)
    if args.json:
        print(json.dumps(found.to_data(), indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"Governance summary: {found.programme}")
    for heading, text in found.paragraphs:
        print(f"\n{heading}\n{'-' * len(heading)}\n{text}")
    return EXIT_OK
