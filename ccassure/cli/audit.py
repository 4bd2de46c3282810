"""The `audit` command: verify the trail's hash chain, and show one assessment's changes."""

from __future__ import annotations

import argparse
import json

from ccassure.cli.output import table
from ccassure.domain.audit_trail import entry_data, value_text
from ccassure.services.context import Context

EXIT_OK, EXIT_BROKEN = 0, 1
CELL = 60


def run(args: argparse.Namespace, context: Context) -> int:
    service = context.audit
    if args.action == "verify":
        verdict = service.verify()
        if args.json:
            print(json.dumps(verdict.to_data(), indent=2, sort_keys=True, ensure_ascii=False))
        else:
            print(verdict.message())
        return EXIT_OK if verdict.intact else EXIT_BROKEN
    entries = service.trail(args.id, args.limit)
    if args.json:
        data = [entry_data(e) for e in entries]
        print(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
        return EXIT_OK
    if not entries:
        print(f"No changes recorded for assessment {args.id}.")
        return EXIT_OK
    rows = [
        [
            e.at[:19].replace("T", " "),
            e.actor or "unknown",
            f"{e.action} {e.what()}" if e.entity else e.action,
            e.field or ("added" if e.old is None and e.new else "removed" if e.entity else ""),
            value_text(e.old, CELL) if e.entity else "",
            value_text(e.new, CELL) if e.entity else "",
        ]
        for e in entries
    ]
    print(table(rows, ["WHEN (UTC)", "WHO", "WHAT", "FIELD", "OLD", "NEW"]))
    print(f"{len(entries)} change(s), newest first.")
    return EXIT_OK
