"""The `pack` and `unpack` commands: review packages between stores that share no network."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys

from ccassure.cli.identity import ask_passphrase
from ccassure.cli.output import table
from ccassure.domain.merge import OUTCOME_TEXT, Change, Choice, shown
from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from ccassure.services.package_results import PackagePreview

EXIT_OK, EXIT_CONFLICTS = 0, 1
PACKAGE_PASSPHRASE_ENV = "CCASSURE_PACKAGE_PASSPHRASE"  # noqa: S105 (the variable's name)


def package_passphrase(new: bool, what: str) -> tuple[str, bool]:
    """The package's own passphrase, and whether it came from the environment (scripts) rather
    than the terminal (asked twice for a new package). Never CCASSURE_PASSPHRASE: that opens
    this store and its keys, and a package travels to someone else."""
    given = os.environ.get(PACKAGE_PASSPHRASE_ENV)
    if given is not None:
        return given, True
    if not sys.stdin.isatty():
        raise ServiceError(
            f"{what} needs a passphrase of its own: set {PACKAGE_PASSPHRASE_ENV} "
            "(not CCASSURE_PASSPHRASE), or run in a terminal to be asked"
        )
    try:
        given = getpass.getpass("Package passphrase: ")
        if new and getpass.getpass("Again: ") != given:
            raise ServiceError("the two passphrases differ; no package was written")
    except EOFError:
        raise ServiceError("no passphrase given; nothing was changed") from None
    return given, False


def run(name: str, args: argparse.Namespace, context: Context) -> int:
    if name == "pack":
        result = context.packages.pack(
            args.id,
            args.output,
            identity=args.identity,
            passphrase=(
                package_passphrase(True, "an encrypted package")[0] if args.encrypt else None
            ),
            note=args.note,
            ask=ask_passphrase,
        )
        sealed = "encrypted, " if result.encrypted else ""
        print(
            f"Wrote {result.path} ({sealed}{result.size:,} bytes): “{result.title}” version "
            f"{result.version}, signed by {result.sender}"
        )
        return EXIT_OK
    return _unpack(args, context)


def _unpack(args: argparse.Namespace, context: Context) -> int:
    service = context.packages
    passphrase = None
    try:
        preview = service.inspect(args.file)
    except ServiceError as exc:
        if exc.kind != "passphrase":
            raise
        passphrase, from_env = package_passphrase(False, f"{args.file} is encrypted and")
        try:
            preview = service.inspect(args.file, passphrase)
        except ServiceError as wrong:
            if wrong.kind == "wrong_passphrase" and from_env:
                raise ServiceError(
                    f"{wrong} (the passphrase was read from {PACKAGE_PASSPHRASE_ENV})", wrong.kind
                ) from None
            raise
    choices = _choices(preview, args.take, args.choose or [])
    open_conflicts = [c for c in preview.conflicts if c.key not in choices]
    if args.json:
        print(json.dumps(_data(preview, choices), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        _print_preview(preview, choices)
    if open_conflicts:
        if not args.json:
            print(
                f"\n{len(open_conflicts)} conflict(s) need a choice; nothing was changed. "
                "Choose for all with --take mine|theirs, or one by one with "
                "--choose FIELD=mine|theirs (FIELD as listed above).",
                file=sys.stderr,
            )
        return EXIT_CONFLICTS
    if args.dry_run:
        return EXIT_OK
    result = service.unpack(args.file, passphrase, choices)
    if not args.json:
        print(result.message())
    return EXIT_OK


def _choices(preview: PackagePreview, take: Choice | None, chosen: list[str]) -> dict[str, Choice]:
    choices: dict[str, Choice] = (
        dict.fromkeys((c.key for c in preview.conflicts), take) if take else {}
    )
    keys = {c.key for c in preview.conflicts}
    for given in chosen:
        field, _, side = given.rpartition("=")
        if side not in ("mine", "theirs") or not field:
            raise ServiceError(f"--choose {given}: write FIELD=mine or FIELD=theirs")
        if field not in keys:
            raise ServiceError(f"--choose {given}: {field} is not one of this package's conflicts")
        choices[field] = "mine" if side == "mine" else "theirs"
    return choices


def _row(preview: PackagePreview, change: Change, choices: dict[str, Choice]) -> list[str]:
    outcome = OUTCOME_TEXT[change.outcome].split(" (")[0].split(":")[0]
    if change.key in choices:
        outcome += f" → {choices[change.key]}"
    mine, theirs = shown(change.local, 60), shown(change.remote, 60)
    return [change.key, preview.label(change), mine, theirs, outcome]


def _print_preview(preview: PackagePreview, choices: dict[str, Choice]) -> None:
    print(preview.message())
    if preview.note:
        print(f"Note from {preview.sender}: {preview.note}")
    for signoff in preview.signoffs:
        comments = f": {signoff.notes}" if signoff.notes else ""
        print(f"Sign-off to add: {signoff.role} — {signoff.decision} by {signoff.name}{comments}")
    plan = preview.plan
    if plan is None or not plan.changes:
        return
    rows = [_row(preview, c, choices) for c in plan.changes if c.outcome != "keep_local"]
    if rows:
        print("\n" + table(rows, ["FIELD", "WHAT", "MINE", "THEIRS", "OUTCOME"]))
    for conflict in preview.conflicts:
        if conflict.key in choices:
            continue
        print(f"\nConflict {conflict.key} ({preview.label(conflict)}):")
        print(f"  as last exchanged: {shown(conflict.base)}")
        print(f"  mine:              {shown(conflict.local)}")
        print(f"  theirs:            {shown(conflict.remote)}")


def _data(preview: PackagePreview, choices: dict[str, Choice]) -> dict[str, object]:
    header = preview.remote.assessment
    plan = preview.plan
    return {
        "sender": preview.sender,
        "sender_fingerprint": preview.sender_fingerprint,
        "created_at": preview.created_at,
        "note": preview.note,
        "encrypted": preview.encrypted,
        "title": header.title,
        "uid": header.uid,
        "version": header.version,
        "new": preview.is_new,
        "local_id": preview.local.id if preview.local else None,
        "base_known": preview.base_known,
        "signoffs": [
            s.model_dump(mode="json", exclude={"certificate_pem"}) for s in preview.signoffs
        ],
        "changes": [
            {
                "field": c.key,
                "what": preview.label(c),
                "base": c.base,
                "mine": c.local,
                "theirs": c.remote,
                "outcome": c.outcome,
                "choice": choices.get(c.key),
            }
            for c in (plan.changes if plan else ())
        ],
    }
