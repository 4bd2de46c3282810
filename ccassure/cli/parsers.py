"""The command line's sub-commands and options: argparse only, so that parsing stays instant."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccassure.domain.decisions import Decision

Command = Callable[..., argparse.ArgumentParser]
FORMATS = ("pdf", "html", "json")
DECISIONS: dict[str, Decision] = {
    "approve": "approved",
    "approve-with-conditions": "approved_with_conditions",
    "reject": "rejected",
    "advice-given": "advice_given",
    "advice-accepted": "accepted",
    "advice-overruled": "overruled",
    "noted": "noted",
}
WORKFLOW_COMMANDS = {
    "submit": "submit a draft for review (every required item must be answered)",
    "withdraw": "take a version in review back to draft",
    "new-version": "start version n+1 of an approved assessment as a draft",
}


def add_identity(command: Command) -> None:
    """The `identity` command and its sub-commands."""
    parent = command("identity", "signing identities and trusted signers")
    sub = parent.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=type(parent)
    )
    create = sub.add_parser("create", help="a new key and self-signed certificate")
    create.add_argument("--name", required=True, help="your name, as signatures show it")
    create.add_argument("--role", required=True, help="for example 'Data Protection Officer'")
    create.add_argument("--organisation", default="", help="for example 'Metropolitan Police'")
    imp = sub.add_parser("import", help="an organisation's PKCS#12 file (.p12, .pfx)")
    imp.add_argument("file", metavar="P12")
    listing = sub.add_parser("list", help="known identities and where their keys are")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    export = sub.add_parser("export-cert", help="write a certificate (PEM) to a file")
    export.add_argument("--fingerprint", metavar="F", help="which identity (8+ characters)")
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    trust = sub.add_parser("trust", help="trust a signer's certificate file (PEM or DER)")
    trust.add_argument("file", metavar="CERT_FILE")
    untrust = sub.add_parser("untrust", help="keep a signer as known, but no longer trusted")
    untrust.add_argument("fingerprint", metavar="FINGERPRINT")
    delete = sub.add_parser("delete", help="forget an identity and delete its private key here")
    delete.add_argument("fingerprint", metavar="FINGERPRINT")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def add_pdf(command: Command) -> None:
    """`sign FILE` and `verify FILE`."""
    sign = command("sign", "sign (or countersign) a PDF file with one of your identities")
    sign.add_argument("file", type=Path, metavar="FILE")
    sign.add_argument("--identity", metavar="FP", help="which identity (8+ characters)")
    sign.add_argument("--reason", default="", help="why you sign (default: 'Approved by …')")
    sign.add_argument("-o", "--output", type=Path, metavar="OUT", help="write here, not FILE")
    sign.add_argument("--force", action="store_true", help="replace OUT if it exists")
    verify = command(
        "verify",
        "check a signed PDF: exit 0 all signatures valid, 1 invalid, altered or unsigned, "
        "2 unreadable",
        json_flag=True,
    )
    verify.add_argument("file", type=Path, metavar="FILE")
    verify.add_argument(
        "--require-trusted",
        action="store_true",
        help="also fail (exit 1) unless every signer is trusted in this store",
    )


def add_signoff(command: Command) -> None:
    """`signoff ID --role R --decision D` and `signoffs ID`."""
    sign = command(
        "signoff",
        "sign off a version in review in one of its template's roles, with your identity",
        json_flag=True,
    )
    sign.add_argument("id", type=int, metavar="ID")
    sign.add_argument("--role", required=True, help="the template's role key (see 'signoffs ID')")
    sign.add_argument(
        "--decision",
        required=True,
        choices=DECISIONS,
        help="each role takes its own decisions ('signoffs ID' lists them); "
        "approve-with-conditions, reject and advice-overruled need --comments",
    )
    sign.add_argument("--comments", default="", help="the conditions, reasons or advice")
    sign.add_argument("--identity", metavar="FP", help="which identity signs (8+ characters)")
    listing = command("signoffs", "list a version's sign-offs and their states", json_flag=True)
    listing.add_argument("id", type=int, metavar="ID")


def add_export(command: Command) -> None:
    export = command(
        "export", "write an assessment version's report as PDF (optionally signed), HTML or JSON"
    )
    export.add_argument("id", type=int, metavar="ID")
    export.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    export.add_argument("--sign", action="store_true", help="sign the PDF with your identity")
    export.add_argument("--identity", metavar="F", help="which identity signs (8+ characters)")
    export.add_argument("--reason", default="", help="why you sign (default: 'Approved by …')")
    export.add_argument("--json", action="store_true", help="machine-readable output")
    summary = command(
        "summary",
        "the governance summary of a programme: equality, privacy and environmental comments",
        json_flag=True,
    )
    summary.add_argument(
        "--programme", metavar="KEY", help="the programme (when there are several)"
    )


def add_workflow(command: Command) -> None:
    for name, text in WORKFLOW_COMMANDS.items():
        parser = command(name, text, json_flag=True)
        parser.add_argument("id", type=int, metavar="ID")


def add_encryption(command: Command) -> None:
    """`encrypt` and `decrypt` for an existing store (init's own flags are in add_init)."""
    encrypt = command("encrypt", "encrypt the store (key in the OS keyring, or a passphrase)")
    encrypt.add_argument(
        "--passphrase", action="store_true", help="use a passphrase, not the OS keyring"
    )
    command("decrypt", "store the store unencrypted (the encrypted one is kept as a backup)")


def add_init(command: Command) -> None:
    init = command("init", "create a new, empty store (encrypted where a keyring exists)")
    choice = init.add_mutually_exclusive_group()
    choice.add_argument(
        "--encrypt",
        action="store_true",
        default=None,
        help="encrypt it (the default where an OS keyring can keep the key)",
    )
    choice.add_argument(
        "--no-encrypt", dest="encrypt", action="store_false", help="leave it unencrypted"
    )
    init.add_argument(
        "--passphrase",
        action="store_true",
        help="encrypt with a passphrase (prompted, or $CCASSURE_PASSPHRASE), not the keyring",
    )


def add_packages(command: Command) -> None:
    """`pack ID -o FILE` and `unpack FILE`: offline review packages."""
    pack = command("pack", "write a signed review package of an assessment version for a reviewer")
    pack.add_argument("id", type=int, metavar="ID")
    pack.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    pack.add_argument(
        "--encrypt",
        action="store_true",
        help="encrypt with a passphrase (asked twice, or $CCASSURE_PACKAGE_PASSPHRASE)",
    )
    pack.add_argument("--identity", metavar="F", help="which identity signs (8+ characters)")
    pack.add_argument("--note", default="", help="a note for the reviewer")
    unpack = command(
        "unpack",
        "check a review package and merge it into this store (exit 1: conflicts to choose)",
        json_flag=True,
    )
    unpack.add_argument("file", type=Path, metavar="FILE")
    unpack.add_argument("--dry-run", action="store_true", help="show what would change, only")
    unpack.add_argument(
        "--take", choices=("mine", "theirs"), help="resolve every conflict the same way"
    )
    unpack.add_argument(
        "--choose",
        action="append",
        metavar="FIELD=mine|theirs",
        help="resolve one conflict (repeat for each)",
    )


def add_audit(command: Command) -> None:
    """`audit verify` and `audit show ID`."""
    parent = command("audit", "the tamper-evident audit trail of every change")
    sub = parent.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=type(parent)
    )
    verify = sub.add_parser(
        "verify",
        help="recompute the trail's hash chain: exit 0 intact, 1 altered, removed or "
        "reordered rows (the first bad one named), 2 unreadable",
    )
    verify.add_argument("--json", action="store_true", help="machine-readable output")
    show = sub.add_parser("show", help="one assessment version's changes, newest first")
    show.add_argument("id", type=int, metavar="ID")
    show.add_argument("--limit", type=int, metavar="N", help="at most N changes")
    show.add_argument("--json", action="store_true", help="machine-readable output")
