"""Self-test: builds a demo store in a work folder and checks the whole chain on it."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ccassure.domain.document import content_hash, parse_document, without_identity
from ccassure.services.assessments import AssessmentService
from ccassure.services.context import Context, build_context
from ccassure.services.demo import build_demo
from ccassure.services.errors import ServiceError
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


def work_folder(data_dir: Path | None) -> AbstractContextManager[str]:
    """A new folder inside data_dir, kept afterwards for inspection; else a temporary one."""
    if data_dir is None:
        return tempfile.TemporaryDirectory(prefix="ccassure-self-test-")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        return nullcontext(tempfile.mkdtemp(prefix="self-test-", dir=data_dir))
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ServiceError(f"cannot make the self-test's folder in {data_dir}: {reason}") from None


def self_test(data_dir: Path | None = None) -> Iterator[Check]:
    """Every check in turn; with data_dir the work folder (store, signed PDF) is kept there."""
    with work_folder(data_dir) as folder:
        base = Path(folder)
        yield Check("work folder", True, f"{base}{'' if data_dir else ' (removed afterwards)'}")
        yield _run("resources", _resources)
        yield _run("keyring backend", _keyring)
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


def _resources() -> str:
    """Templates, fonts, icons and migrations are where the running program expects them."""
    from ccassure.store.engine import MIGRATIONS, script_revisions

    root = builtin_resources()
    wanted = {
        "templates": sorted((root / "templates").glob("*.toml")),
        "fonts": sorted((root / "fonts").glob("*.ttf")),
        "icons": sorted((root / "icons").glob("*.svg")),
        "migrations": sorted((MIGRATIONS / "versions").glob("*.py")),
    }
    missing = [name for name, found in wanted.items() if not found]
    if missing:
        raise AssertionError(f"none found under {root}: {', '.join(missing)}")
    if len(wanted["migrations"]) != len(script_revisions()):
        raise AssertionError(f"migration scripts unreadable in {MIGRATIONS}")
    frozen = " (frozen build)" if getattr(sys, "frozen", False) else ""
    counts = ", ".join(f"{len(found)} {name}" for name, found in wanted.items())
    return f"{counts} under {root}{frozen}; migrations in {MIGRATIONS}"


def _keyring() -> str:
    """Which OS keyring the program reaches (reported, not required: passphrases work without)."""
    from ccassure.credentials import backend

    found = backend()
    return f"{found.name} (usable)" if found.usable else f"{found.name} (not used: {found.reason})"


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
