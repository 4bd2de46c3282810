"""The `identity` commands: create, import, list, export, trust, untrust and delete identities."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from ccassure.cli.output import safe, table
from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from ccassure.services.identities import (
    KEYRING,
    NEW_KEY_FILE_PROMPT,
    PASSPHRASE_ENV,
    IdentityView,
)

EXIT_OK = 0


def ask_passphrase(prompt: str) -> str:
    """CCASSURE_PASSPHRASE in scripts, else a prompt on the terminal (never echoed)."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise ServiceError(f"a passphrase is needed: set {PASSPHRASE_ENV} or run in a terminal")
    try:
        given = getpass.getpass(prompt)
        if prompt.endswith(NEW_KEY_FILE_PROMPT) and getpass.getpass("Again: ") != given:
            raise ServiceError("the two passphrases differ; nothing was created")
    except EOFError:
        raise ServiceError("no passphrase given") from None
    return given


def _line(view: IdentityView) -> list[str]:
    return [
        view.fingerprint[:16],
        view.name,
        view.role,
        view.organisation or "-",
        view.not_after[:10],
        "yes" if view.trusted else "no",
        view.key,
    ]


def _report(done: str, view: IdentityView, key_file: Path) -> None:
    print(f"{done} {safe(view.name)} ({safe(view.role)}): fingerprint {view.fingerprint}")
    if view.key == KEYRING:
        print("  the private key is kept in the OS keyring")
    else:
        print(f"  no usable OS keyring: the private key is in {key_file}, encrypted")


def run(args: argparse.Namespace, context: Context) -> int:
    service = context.identities
    if args.action == "create":
        view = service.create(args.name, args.role, args.organisation, ask_passphrase)
        _report("Created", view, service.key_file(view.fingerprint))
    elif args.action == "import":
        view = service.import_pkcs12(Path(args.file), ask_passphrase)
        _report("Imported", view, service.key_file(view.fingerprint))
    elif args.action == "list":
        views = service.list()
        if args.json:
            data = [v.to_data() for v in views]
            print(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
        elif not views:
            print("No identities yet.")
        else:
            headings = ["FINGERPRINT", "NAME", "ROLE", "ORGANISATION", "EXPIRES", "TRUSTED", "KEY"]
            print(table([_line(v) for v in views], headings))
    elif args.action == "export-cert":
        view = service.export_certificate(Path(args.output), args.fingerprint, args.force)
        print(f"Wrote the certificate of {safe(view.name)} to {args.output}")
    elif args.action == "trust":
        view = service.trust_certificate(Path(args.file))
        print(f"Trusted {safe(view.name)}: fingerprint {view.fingerprint}")
    elif args.action == "untrust":
        view = service.untrust(args.fingerprint)
        print(f"{safe(view.name)} is known but no longer trusted: fingerprint {view.fingerprint}")
    else:
        view = service.view(args.fingerprint)
        if not args.yes:
            _confirm(f"Delete {safe(view.name)} ({view.fingerprint[:16]}…) and its private key?")
        print(safe(service.delete(view.fingerprint).message()))
    return EXIT_OK


def _confirm(question: str) -> None:
    if not sys.stdin.isatty():
        raise ServiceError("add --yes to delete without a question (nothing was deleted)")
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise ServiceError("nothing was deleted", "cancelled")
