"""axe-core scans into the issue log: one issue per rule and page, idempotent, all or nothing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ccassure.domain.document import Issue
from ccassure.services.axe_import import import_axe
from ccassure.services.context import Context, build_context
from ccassure.services.errors import ServiceError
from ccassure.services.paths import AppPaths
from tests.conftest import run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "axe"
SCANNED = "http://127.0.0.1:8765/"


@pytest.fixture
def demo(demo_store: Path, tmp_path: Path) -> Iterator[Context]:
    store = tmp_path / "demo.db"
    shutil.copy(demo_store, store)
    context = build_context(AppPaths(tmp_path / "data", store))
    yield context
    context.close()


def audit_id(context: Context) -> int:
    return next(s.id for s in context.assessments.list_summaries() if s.kind == "accessibility")


def axe_issues(context: Context, ident: int) -> list[Issue]:
    """The issues the fixtures' scans made (the demo has axe issues of its own, elsewhere)."""
    issues = context.assessments.document(ident).issues
    return [i for i in issues if i.source == "axe" and i.url.startswith(SCANNED)]


def violations(name: str) -> list[dict[str, Any]]:
    data = json.loads((FIXTURES / name).read_text("utf-8"))
    runs = data if isinstance(data, list) else [data]
    return [dict(rule, url=run["url"]) for run in runs for rule in run["violations"]]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_one_issue_per_rule_and_page_with_every_element(demo: Context) -> None:
    ident = audit_id(demo)
    result = import_axe(demo.assessments, ident, FIXTURES / "login.json")
    rules = violations("login.json")
    assert (result.created, result.updated, result.unchanged) == (len(rules), 0, 0)
    issues = {i.rule_id: i for i in axe_issues(demo, ident)}
    assert set(issues) == {r["id"] for r in rules}
    for rule in rules:
        issue = issues[rule["id"]]
        assert len(issue.occurrences) == len(rule["nodes"])
        assert issue.severity == rule["impact"]
        assert issue.url == rule["url"] and not issue.needs_review
        wcag = [t for t in rule["tags"] if t.startswith("wcag") and t[4:].isdigit()]
        assert len(issue.criteria) == len(wcag)
    if "color-contrast" in issues:
        assert issues["color-contrast"].criteria == ("1.4.3",)
    assert issues["label"].criteria == ("4.1.2",) or "1.3.1" in issues["label"].criteria
    refs = [i.ref for i in demo.assessments.document(ident).issues]
    assert len(refs) == len(set(refs)) and all(r.startswith("AT-") for r in refs)


def test_importing_the_same_scan_again_changes_nothing(demo: Context) -> None:
    ident = audit_id(demo)
    import_axe(demo.assessments, ident, FIXTURES / "two-pages.json")
    before = digest(demo.store.path)
    again = import_axe(demo.assessments, ident, FIXTURES / "two-pages.json")
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == len(violations("two-pages.json")) and again.backup is None
    assert digest(demo.store.path) == before


def test_a_later_scan_updates_its_issues_and_creates_no_duplicates(demo: Context) -> None:
    ident = audit_id(demo)
    import_axe(demo.assessments, ident, FIXTURES / "login.json")
    first = {i.rule_id: i for i in axe_issues(demo, ident)}
    later = import_axe(demo.assessments, ident, FIXTURES / "login-later.json")
    now = {i.rule_id: i for i in axe_issues(demo, ident)}
    keys = Counter((i.rule_id, i.url) for i in axe_issues(demo, ident))
    assert max(keys.values()) == 1  # no duplicates
    later_rules = {r["id"]: r for r in violations("login-later.json")}
    assert later.created == len(set(later_rules) - set(first))
    for rule_id, issue in now.items():
        targets_now = {o.target for o in issue.occurrences if not o.resolved}
        if rule_id not in later_rules:  # gone from the page: every element resolved
            assert targets_now == set() and issue.ref == first[rule_id].ref
        else:
            assert len(targets_now) == len(later_rules[rule_id]["nodes"])
    assert later.updated == sum(1 for r, i in first.items() if now[r].occurrences != i.occurrences)


def test_incomplete_results_only_on_request_as_needing_review(demo: Context) -> None:
    ident = audit_id(demo)
    import_axe(demo.assessments, ident, FIXTURES / "map.json")
    assert not any(i.needs_review for i in axe_issues(demo, ident))
    result = import_axe(demo.assessments, ident, FIXTURES / "map.json", include_incomplete=True)
    data = json.loads((FIXTURES / "map.json").read_text("utf-8"))
    assert result.created == len(data["incomplete"]) > 0
    assert result.unchanged == len(data["violations"])
    review = [i for i in axe_issues(demo, ident) if i.needs_review]
    assert len(review) == len(data["incomplete"])


def _bad_inputs(folder: Path) -> dict[str, Path]:
    files = {
        "malformed": b'{"violations": [',
        "not axe": json.dumps({"format": "ccassure.assessment", "hello": [1, 2]}).encode(),
        "truncated": (FIXTURES / "login.json").read_bytes()[:5000],
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / f"{name.replace(' ', '-')}.json"
        paths[name].write_bytes(data)
    paths["random"] = folder / "random.bin"
    with paths["random"].open("wb") as handle:
        for _ in range(50):
            handle.write(os.urandom(1024 * 1024))
    paths["missing"] = folder / "nowhere.json"
    return paths


def test_bad_files_give_one_clear_message_and_leave_the_store_alone(
    demo: Context, tmp_path: Path
) -> None:
    ident = audit_id(demo)
    before = digest(demo.store.path)
    for what, path in _bad_inputs(tmp_path).items():
        with pytest.raises(ServiceError) as caught:
            import_axe(demo.assessments, ident, path)
        message = str(caught.value)
        assert str(path) in message or path.name in message, what
        assert "\n" not in message and len(message) < 300, what
        assert digest(demo.store.path) == before, what
    dpia = next(s.id for s in demo.assessments.list_summaries() if s.kind == "dpia")
    with pytest.raises(ServiceError, match="accessibility assessment"):
        import_axe(demo.assessments, dpia, FIXTURES / "login.json")
    assert digest(demo.store.path) == before


@pytest.mark.slow
def test_a_genuine_50_mb_scan_imports_with_progress(demo: Context, tmp_path: Path) -> None:
    scans = [json.loads((FIXTURES / f"{p}.json").read_text("utf-8")) for p in ("login", "map")]
    results, size, n = [], 0, 0
    while size < 50 * 1024 * 1024:
        scan = dict(scans[n % 2], url=f"https://cad.control-room.test/page-{n}")
        results.append(scan)
        size += len(json.dumps(scan))
        n += 1
    big = tmp_path / "big.json"
    big.write_text(json.dumps(results), "utf-8")
    seen: list[int] = []
    result = import_axe(demo.assessments, audit_id(demo), big, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 100 and len(seen) > 10
    expected = sum(len(s["violations"]) for s in results)
    assert (result.created, result.pages) == (expected, len(results))


def test_cli_import_axe_prints_the_counts(demo: Context, tmp_path: Path) -> None:
    store = str(demo.store.path)
    ident = str(audit_id(demo))
    demo.close()
    args = ("--store", store, "--data-dir", str(tmp_path / "d"), "import-axe")
    first = run_cli(*args, str(FIXTURES / "incidents.json"), "--assessment", ident, "--json")
    assert first.returncode == 0, first.stderr
    counts = json.loads(first.stdout)
    assert counts["created"] == len(violations("incidents.json"))
    again = run_cli(*args, str(FIXTURES / "incidents.json"), "--assessment", ident, "--json")
    assert {k: json.loads(again.stdout)[k] for k in ("created", "updated", "unchanged")} == {
        "created": 0,
        "updated": 0,
        "unchanged": counts["created"],
    }
    bad = run_cli(*args, "/nonexistent.json", "--assessment", ident)
    assert bad.returncode != 0 and bad.stderr.count("\n") == 1 and "no such file" in bad.stderr
