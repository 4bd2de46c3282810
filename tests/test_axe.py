"""axe-core import: real scans of the fixture pages read into findings; bad input is AxeError."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ccassure.domain.axe import (
    AxeError,
    AxeRun,
    AxeScan,
    criteria_of,
    parse_axe,
    render_target,
    severity_for,
)
from ccassure.domain.errors import CcassureError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "axe"
DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo" / "cc-replacement.json"
PAGES = ("incidents", "login", "map", "units")
BASE = "http://127.0.0.1:8765/"


def raw(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


def data(name: str) -> Any:
    return json.loads(raw(name))


def scan_of(name: str, include_incomplete: bool = False) -> AxeScan:
    return parse_axe(raw(name), f"{name}.json", include_incomplete=include_incomplete)


def by_rule(scan: AxeScan, needs_review: bool = False) -> dict[str, Any]:
    return {f.rule_id: f for f in scan.findings if f.needs_review == needs_review}


def expected_criteria(tags: list[str]) -> tuple[str, ...]:
    numbers = sorted(
        tuple(int(part) for part in m.groups())
        for tag in set(tags)
        if (m := re.fullmatch(r"wcag(\d)(\d)(\d{1,2})", tag))
    )
    return tuple(".".join(map(str, n)) for n in numbers)


def render(target: list[Any]) -> str:
    return " > ".join(t if isinstance(t, str) else " >>> ".join(t) for t in target)


@pytest.mark.parametrize("page", PAGES)
def test_every_violated_rule_is_one_finding_with_every_node(page: str) -> None:
    results = data(page)
    scan = scan_of(page)
    findings = by_rule(scan)
    assert len(scan.findings) == len(findings) == len(results["violations"])
    for rule in results["violations"]:
        finding = findings[rule["id"]]
        assert finding.url == results["url"]
        assert (finding.impact, finding.help, finding.description, finding.help_url) == (
            rule["impact"],
            rule["help"],
            rule["description"],
            rule["helpUrl"],
        )
        assert finding.tags == tuple(rule["tags"])
        assert finding.criteria == expected_criteria(rule["tags"])
        assert [(o.target, o.html, o.failure_summary) for o in finding.occurrences] == [
            (render(node["target"]), node["html"], node["failureSummary"]) for node in rule["nodes"]
        ]
    engine = results["testEngine"]
    environment = results["testEnvironment"]
    assert scan.runs == (
        AxeRun(
            results["url"],
            results["timestamp"],
            engine["name"],
            engine["version"],
            environment["userAgent"],
        ),
    )
    assert scan.urls == (f"{BASE}{page}.html",)
    assert scan.source == f"{page}.json"


def test_known_facts_of_the_login_page() -> None:
    findings = by_rule(scan_of("login"))
    counts = {rule: len(f.occurrences) for rule, f in findings.items()}
    assert counts == {
        "autocomplete-valid": 1,
        "color-contrast": 6,
        "html-has-lang": 1,
        "image-alt": 1,
        "input-button-name": 1,
        "label": 2,
        "landmark-one-main": 1,
        "meta-viewport": 1,
        "region": 9,
        "select-name": 1,
    }
    contrast = findings["color-contrast"]
    assert (contrast.impact, contrast.severity, contrast.criteria) == (
        "serious",
        "serious",
        ("1.4.3",),
    )
    assert "wcag2aa" in contrast.tags
    assert findings["image-alt"].criteria == ("1.1.1",)
    assert findings["image-alt"].impact == "critical"
    assert findings["autocomplete-valid"].criteria == ("1.3.5",)
    assert findings["meta-viewport"].impact == "moderate"
    assert findings["region"].criteria == findings["landmark-one-main"].criteria == ()
    assert findings["label"].help_url.startswith("https://dequeuniversity.com/rules/axe/4.14/label")
    assert [o.target for o in findings["label"].occurrences] == [
        'input[type="text"]',
        'input[type="password"]',
    ]
    summary = findings["label"].occurrences[0].failure_summary
    assert summary.startswith("Fix any of the following:\n  ")


def test_best_practice_rules_name_no_criterion_and_several_criteria_are_sorted() -> None:
    findings = by_rule(scan_of("incidents"))
    for rule in ("empty-heading", "landmark-one-main", "page-has-heading-one", "region"):
        assert findings[rule].criteria == ()
        assert "best-practice" in findings[rule].tags
    assert findings["empty-heading"].impact == "minor"
    assert findings["link-name"].criteria == ("2.4.4", "4.1.2")
    assert by_rule(scan_of("map"))["input-image-alt"].criteria == ("1.1.1", "4.1.2")


def test_targets_inside_frames_and_shadow_roots_read_as_one_string() -> None:
    image_alt = by_rule(scan_of("map"))["image-alt"]
    targets = [o.target for o in image_alt.occurrences]
    assert len(targets) == 8
    assert 'iframe > img[src="tiles/15/16372/10896.png"]' in targets
    assert 'iframe > iframe > img[width="300"]' in targets
    assert "iframe > iframe" in [
        o.target for o in by_rule(scan_of("map"))["frame-title"].occurrences
    ]
    units = by_rule(scan_of("units"))
    assert [o.target for o in units["button-name"].occurrences] == [
        f'unit-card[callsign="{callsign}"] >>> button' for callsign in ("CW21", "CW24", "CW30")
    ]
    assert units["color-contrast"].occurrences[0].target == (
        'unit-card[callsign="CW21"] >>> status-badge[label="At scene"] >>> .b'
    )
    assert render_target(["iframe#map", ["map-view", "button"], "img"]) == (
        "iframe#map > map-view >>> button > img"
    )


def test_incomplete_results_only_when_asked_and_marked_for_review() -> None:
    results = data("incidents")
    assert by_rule(scan_of("incidents"), needs_review=True) == {}
    scan = scan_of("incidents", include_incomplete=True)
    review = by_rule(scan, needs_review=True)
    assert set(review) == {r["id"] for r in results["incomplete"]} == {"color-contrast"}
    contrast = review["color-contrast"]
    assert len(contrast.occurrences) == len(results["incomplete"][0]["nodes"]) == 7
    assert contrast.criteria == ("1.4.3",)
    assert by_rule(scan) == by_rule(scan_of("incidents"))
    bypass = by_rule(scan_of("map", include_incomplete=True), needs_review=True)["bypass"]
    assert bypass.occurrences[0].target == "iframe > html"


def test_null_impact_is_moderate_and_every_impact_keeps_its_name() -> None:
    assert severity_for(None) == "moderate"
    for impact in ("critical", "serious", "moderate", "minor"):
        assert severity_for(impact) == impact  # type: ignore[arg-type]
    results = data("incidents")
    results["incomplete"][0]["impact"] = None
    scan = parse_axe(json.dumps(results).encode(), "x.json", include_incomplete=True)
    contrast = by_rule(scan, needs_review=True)["color-contrast"]
    assert (contrast.impact, contrast.severity) == (None, "moderate")


def test_criteria_ignore_level_and_obsolete_tags() -> None:
    tags = ["wcag2a", "wcag21aa", "wcag22aa", "wcag2a-obsolete", "wcag1412", "wcag143", "wcag143"]
    assert criteria_of(tags) == ("1.4.3", "1.4.12")
    assert criteria_of(["best-practice", "cat.forms", "wcag", "wcag123456", "EN-9.1.1.1"]) == ()


def test_an_array_of_results_gives_each_page_its_findings() -> None:
    scan = scan_of("two-pages")
    assert scan.urls == (f"{BASE}incidents.html", f"{BASE}login.html")
    assert scan.findings == scan_of("incidents").findings + scan_of("login").findings
    assert scan.runs == scan_of("incidents").runs + scan_of("login").runs
    expected = Counter(
        (r["id"], res["url"]) for res in data("two-pages") for r in res["violations"]
    )
    assert Counter((f.rule_id, f.url) for f in scan.findings) == expected


def test_a_page_scanned_twice_in_one_file_is_one_finding_per_rule() -> None:
    both = [data("login"), data("login-later")]
    scan = parse_axe(json.dumps(both).encode(), "both.json")
    assert scan.urls == (f"{BASE}login.html",)
    assert len(scan.runs) == 2
    findings = by_rule(scan)
    for rule_id, finding in findings.items():
        expected = {
            render(node["target"])
            for results in both
            for rule in results["violations"]
            if rule["id"] == rule_id
            for node in rule["nodes"]
        }
        assert {o.target for o in finding.occurrences} == expected
        assert len(finding.occurrences) == len(expected)
    twice = parse_axe(json.dumps([data("login")] * 2).encode(), "twice.json")
    assert twice.findings == scan_of("login").findings


def test_the_later_scan_shows_what_was_fixed() -> None:
    before, after = by_rule(scan_of("login")), by_rule(scan_of("login-later"))
    assert scan_of("login-later").urls == scan_of("login").urls
    assert set(before) - set(after) >= {"label", "html-has-lang", "input-button-name"}
    assert len(after["color-contrast"].occurrences) < len(before["color-contrast"].occurrences)
    assert after["image-alt"].occurrences[0].target != before["image-alt"].occurrences[0].target
    assert "select-name" in after


def test_a_byte_order_mark_is_accepted() -> None:
    assert parse_axe(b"\xef\xbb\xbf" + raw("units"), "u.json").findings == scan_of("units").findings


def test_lone_surrogates_become_writable_text() -> None:
    text = raw("units").decode().replace("<ul role=", "<ul \\ud800 role=")
    finding = by_rule(parse_axe(text.encode(), "u.json"))["aria-required-children"]
    finding.occurrences[0].html.encode("utf-8")
    assert "<ul ? role=" in finding.occurrences[0].html


def assert_refused(payload: bytes, *words: str, source: str = "scan.json") -> str:
    with pytest.raises(AxeError) as caught:
        parse_axe(payload, source)
    message = str(caught.value)
    assert isinstance(caught.value, CcassureError)
    assert "\n" not in message and message.startswith(source.replace("\n", "?"))
    for word in words:
        assert word in message
    return message


def test_malformed_json_is_refused() -> None:
    assert_refused(b"", "is empty")
    assert_refused(b" \n", "is empty")
    assert_refused(b"{'violations': []}", "not valid JSON", "line 1, column 2")
    assert_refused(b"<html><body>axe report</body></html>", "not valid JSON")
    assert_refused(b"[" * 200_000, "nested too deeply")
    assert_refused(b"1" * 5000, "not valid JSON")
    assert_refused(b"{}", source="bad\nname.json")


def test_json_that_is_not_axe_output_is_refused() -> None:
    assert_refused(DEMO.read_bytes(), "not axe-core results", "has no testEngine")
    assert_refused(b'{"name": "ccassure", "version": "1.0"}', "not axe-core results")
    assert_refused(b"[]", "array is empty")
    assert_refused(b"[1, 2, 3]", "[0] must be an object")
    assert_refused(b'"axe"', "the top level must be an object")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda r: r.pop("violations"), "has no violations"),
        (lambda r: r.pop("url"), "has no url"),
        (lambda r: r.update(url=""), "url is empty"),
        (lambda r: r.update(testEngine="axe-core"), "testEngine must be an object"),
        (lambda r: r["testEngine"].pop("version"), "testEngine.version is missing"),
        (lambda r: r.update(violations={}), "violations must be an array"),
        (lambda r: r.update(passes=None), "passes must be an array"),
        (lambda r: r.update(timestamp=1700000000), "timestamp must be text"),
        (lambda r: r["violations"][2].update(impact="high"), "violations[2].impact must be"),
        (lambda r: r["violations"][0].update(tags=[1]), "violations[0].tags must be an array of"),
        (lambda r: r["violations"][0].pop("nodes"), "violations[0].nodes must be an array"),
        (lambda r: r["violations"][1].update(id=""), "violations[1].id is empty"),
        (lambda r: r["violations"][1]["nodes"][0].update(target="img"), "nodes[0].target must"),
        (
            lambda r: r["violations"][1]["nodes"][0].update(target=[["a", 1]]),
            "nodes[0].target must",
        ),
        (lambda r: r["violations"][1]["nodes"][0].update(target=[[]]), "nodes[0].target must"),
        (lambda r: r["violations"][1]["nodes"][0].pop("html"), "nodes[0].html is missing"),
    ],
)
def test_wrong_types_are_refused_with_where(change: Any, words: str) -> None:
    results = data("login")
    change(results)
    assert_refused(json.dumps(results).encode(), "not axe-core results", words)
    assert_refused(
        json.dumps([data("units"), results]).encode(), f"[1].{words}".replace(".has", " has")
    )


def test_invalid_utf8_is_refused() -> None:
    payload = raw("login")
    assert_refused(payload[:500] + b"\xff" + payload[500:], "not UTF-8", "offset 500")


def test_fifty_megabytes_of_random_bytes_are_refused() -> None:
    noise = random.Random(5).randbytes(50 * 1024 * 1024)
    assert_refused(noise, source="noise.bin")
    printable = noise.translate(bytes(32 + n % 95 for n in range(256)))
    assert_refused(b"[" + printable, "not valid JSON", source="noise.json")


@pytest.mark.parametrize("page", [*PAGES, "two-pages"])
def test_a_truncated_scan_is_refused(page: str) -> None:
    payload = raw(page).rstrip()
    for fraction in (0.01, 0.3, 0.5, 0.9, 0.9999):
        assert_refused(payload[: int(len(payload) * fraction)], "not valid JSON", "cut short")
    assert_refused(payload[:-1], "not valid JSON")
