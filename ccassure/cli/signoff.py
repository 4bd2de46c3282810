"""The `signoff` and `signoffs` commands: sign a role's decision, list sign-offs and states."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from ccassure.cli.identity import ask_passphrase
from ccassure.cli.output import signoff_table, table
from ccassure.cli.parsers import DECISIONS
from ccassure.domain.decisions import Decision
from ccassure.domain.signoff import SignoffView
from ccassure.services.context import Context

EXIT_OK = 0
OPTION_OF: dict[Decision, str] = {decision: option for option, decision in DECISIONS.items()}


def view_data(view: SignoffView) -> dict[str, str]:
    return {**asdict(view), "state_text": view.state_text}


def run(name: str, args: argparse.Namespace, context: Context) -> int:
    service = context.signoffs
    if name == "signoff":
        outcome = service.sign_off(
            args.id,
            args.role,
            DECISIONS[args.decision],
            args.comments,
            args.identity,
            ask_passphrase,
        )
        if args.json:
            data = {
                "signoff": view_data(outcome.view),
                "status": outcome.status,
                "sealed_hash": outcome.sealed_hash,
                "still_needed": list(outcome.still_needed),
            }
            print(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
        else:
            print(outcome.message())
        return EXIT_OK
    views = service.views(args.id)
    needed = service.still_needed(args.id)
    history = service.history(args.id)
    if args.json:
        listing: dict[str, object] = {
            "signoffs": [view_data(v) for v in views],
            "still_needed": [key for key, _label in needed],
            "versions": [asdict(line) for line in history],
        }
        print(json.dumps(listing, indent=2, sort_keys=True, ensure_ascii=False))
        return EXIT_OK
    print(signoff_table(views) if views else "No sign-offs on this version.")
    status = context.assessments.summary(args.id).status
    if needed and status == "in_review":
        print("Still needed: " + "; ".join(f"{label} ({key})" for key, label in needed))
    open_roles = service.open_roles(args.id)
    if open_roles:
        print("Roles to sign, with their --decision values:")
        for role in open_roles:
            names = ", ".join(OPTION_OF[d] for d in role.decisions)
            optional = "" if role.required else ", optional"
            print(f"  {role.key} ({role.label}{optional}): {names}")
    rows = [
        [f"v{line.version}", line.status.replace("_", " "), line.created_on, str(line.signoffs),
         line.sealed_hash or "-"]
        for line in history
    ]  # fmt: skip
    print("\n" + table(rows, ["VERSION", "STATUS", "CREATED", "SIGN-OFFS", "SEALED SHA-256"]))
    return EXIT_OK
