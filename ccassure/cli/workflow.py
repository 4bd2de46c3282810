"""The workflow commands: submit for review, withdraw from review, start a new version."""

from __future__ import annotations

import argparse
import json

from ccassure.services.context import Context

EXIT_OK = 0


def run(args: argparse.Namespace, context: Context) -> int:
    service = context.assessments
    if args.command == "new-version":
        new_id = service.start_new_version(args.id)
        version = service.summary(new_id).version
        data: dict[str, object] = {"id": new_id, "version": version, "status": "draft"}
        text = f"Started version {version} as a draft: assessment {new_id}"
    else:
        status = service.transition(args.id, args.command)
        data = {"id": args.id, "status": status}
        text = f"Assessment {args.id} is now {status.replace('_', ' ')}"
    print(json.dumps(data, sort_keys=True) if args.json else text)
    return EXIT_OK
