"""The `sign` and `verify` commands: PAdES signatures on PDF files."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ccassure.cli.identity import ask_passphrase
from ccassure.cli.output import safe, table
from ccassure.services.context import build_context
from ccassure.services.paths import AppPaths
from ccassure.services.pdf_signing import verify_file
from ccassure.services.store_keys import KeyRequest
from ccassure.signing.pdf_signatures_verdict import (
    EXPIRED,
    NOT_YET_VALID,
    PdfVerification,
    SignatureCheck,
)

EXIT_OK, EXIT_FAILED = 0, 1
AFTER_TEXT = {"nothing": "nothing", "signatures": "later signatures only", "other": "CHANGED"}
NOT_ASSESSED = "-"


def _yes(value: bool) -> str:
    return "yes" if value else "NO"


def _trusted(check: SignatureCheck) -> str:
    """Trust is not assessed for a signature that is not intact and valid."""
    if not check.trust_assessed:
        return NOT_ASSESSED
    if check.trusted:
        return "yes"
    if check.certificate_problem.startswith(EXPIRED):
        return "no (expired)"
    if check.certificate_problem.startswith(NOT_YET_VALID):
        return "no (not yet valid)"
    if check.certificate_problem:
        return "no (certificate)"
    return "no (known)" if check.known else "no"


def verification_text(path: Path, found: PdfVerification, require_trusted: bool) -> str:
    rows = [
        [
            str(number),
            s.signer,
            s.organisation or "-",
            s.signed_at or "-",
            _yes(s.intact),
            _yes(s.valid),
            _trusted(s),
            AFTER_TEXT[s.modified_after],
        ]
        for number, s in enumerate(found.signatures, 1)
    ]
    headings = ["#", "SIGNER", "ORGANISATION", "SIGNED AT", "INTACT", "VALID", "TRUSTED", "AFTER"]
    count = len(found.signatures)
    lines = [f"{safe(str(path))}: {count} signature{'s' if count != 1 else ''}"]
    if rows:
        lines.append(table(rows, headings))
    lines += [f"  {n}. {safe(s.state_text)}" for n, s in enumerate(found.signatures, 1)]
    lines += [f"  {n}. {safe(s.problem)}" for n, s in enumerate(found.signatures, 1) if s.problem]
    verdict = "PASS" if found.passes(require_trusted) else "FAIL"
    detail = found.state_text
    if found.state == "valid" and not found.all_trusted:
        detail += "; not every signer is trusted" + (
            " (required)" if require_trusted else " (not required)"
        )
    lines.append(f"{verdict}: {detail}")
    return "\n".join(lines)


def run(args: argparse.Namespace, paths: AppPaths, keys: KeyRequest) -> int:
    if args.command == "sign":
        context = build_context(paths, mode="open", keys=keys)
        try:
            done = context.pdf_signing.sign_file(
                args.file, args.identity, ask_passphrase, args.reason, args.output, args.force
            )
        finally:
            context.close()
        print(f"Signed {safe(str(done.path))} as {safe(done.signer)} ({done.fingerprint[:16]}…)")
        return EXIT_OK
    if paths.store.exists():
        context = build_context(paths, mode="open", keys=keys)
        try:
            found = context.pdf_signing.verify_file(args.file)
        finally:
            context.close()
    else:  # no store: nothing is trusted, and none is made just to verify
        found = verify_file(args.file)
    if args.json:
        data = {"file": str(args.file), "passes": found.passes(args.require_trusted)}
        data.update(found.to_data())
        print(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(verification_text(args.file, found, args.require_trusted))
    return EXIT_OK if found.passes(args.require_trusted) else EXIT_FAILED
