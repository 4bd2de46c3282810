"""Self-test: builds a demo store in a temporary folder and checks the whole chain on it."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ccassure.domain.document import content_hash, parse_document, without_identity
from ccassure.services.assessments import AssessmentService
from ccassure.services.context import Context, build_context
from ccassure.services.demo import build_demo
from ccassure.services.paths import AppPaths, builtin_resources
from ccassure.services.stores import check_store
from ccassure.services.transfer import document_json, import_document


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _run(name: str, step: Callable[[], str]) -> Check:
    try:
        return Check(name, True, step())
    except Exception as exc:  # a self-test reports every failure rather than stopping
        return Check(name, False, f"{exc.__class__.__name__}: {exc}")


def self_test(user_templates: Path | None = None) -> Iterator[Check]:
    with tempfile.TemporaryDirectory(prefix="ccassure-self-test-") as folder:
        base = Path(folder)
        paths = AppPaths(base, base / "self-test.db")
        context = build_context(paths, mode="create")
        try:
            counts = {t.id: t.item_count for t in context.templates.templates}
            yield Check(
                "templates load",
                bool(counts),
                ", ".join(f"{k} ({v} items)" for k, v in counts.items()),
            )
            yield _run("demo programme builds", lambda: _demo(context.assessments))
            for summary in context.assessments.list_summaries():
                yield _run(
                    f"round trip of {summary.kind} {summary.id}",
                    partial(_round_trip, context.assessments, summary.id),
                )
            first = context.assessments.list_summaries()[0].id
            yield _run("signed PDF report", partial(_signed_report, context, first, base))
        finally:
            context.close()
        report = check_store(paths.store, context.templates)
        yield Check(
            "store check",
            report.ok,
            "; ".join(report.problems)
            or f"{sum(report.counts.values())} rows, schema {report.revision}",
        )
        yield _run("encrypted store", partial(_encrypted_copy, paths.store, base))


def _encrypted_copy(store: Path, folder: Path) -> str:
    """Copy the store under a throw-away passphrase (SQLCipher, no keyring), reopen, compare."""
    from ccassure.store.cipher import SQLITE_MAGIC, passphrase_key
    from ccassure.store.sqlite_file import convert_copy
    from ccassure.store.store import Store

    key = passphrase_key("ccassure self-test passphrase")
    target = folder / "self-test-encrypted.db"
    convert_copy(store, None, target, key)
    if target.read_bytes().startswith(SQLITE_MAGIC):
        raise AssertionError("the copy is not encrypted")
    plain, encrypted = Store(store), Store(target, key=key)
    try:
        expected, found = plain.reader().table_counts(), encrypted.reader().table_counts()
    finally:
        plain.close()
        encrypted.close()
    if expected != found:
        raise AssertionError("the encrypted copy does not hold every row")
    return f"SQLCipher copy reopened with its key: {sum(found.values())} rows"


def _signed_report(context: Context, assessment_id: int, folder: Path) -> str:
    """Draw a report, sign it with a throw-away identity (no keyring touched), verify it."""
    from ccassure.signing.identity import create_identity
    from ccassure.signing.pdf_signatures import sign_pdf, verify_pdf

    report = context.reports.report(assessment_id)
    pdf = context.report_export.pdf(report)
    signer = create_identity("ccassure self-test", "Self-test")
    certificate = signer.certificate.certificate_pem
    signed = sign_pdf(pdf, signer.key_pem, certificate, reason="self-test")
    (folder / "self-test.pdf").write_bytes(signed)
    found = verify_pdf(signed, [certificate])
    if not found.passes(require_trusted=True):
        raise AssertionError(found.state_text)
    return f"{len(signed):,} bytes, {len(found.signatures)} signature: {found.state_text}"


def _demo(service: AssessmentService) -> str:
    built = build_demo(service, builtin_resources(), 200)
    return f"{len(built.assessment_ids)} assessments, {built.synthetic_issues} synthetic issues"


def _round_trip(service: AssessmentService, assessment_id: int) -> str:
    original = service.document(assessment_id)
    text = document_json(original)
    result = import_document(service, parse_document(text, "self-test"))
    copy = service.document(result.id)
    if without_identity(copy.to_data()) != without_identity(original.to_data()):
        raise AssertionError("the imported copy differs from the original")
    if content_hash(copy) != content_hash(original):
        raise AssertionError("content hashes differ")
    return f"identical as assessment {result.id}, hash {content_hash(copy)[:12]}…"
