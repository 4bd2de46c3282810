"""The HTML export: one accessible, self-contained page read back by an HTML parser, and the
export command that writes it."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ccassure.domain.document import Issue
from ccassure.domain.report import HeatMap, Report, Section, Table, Text
from ccassure.domain.reporting.build import build_report
from ccassure.reports.html import render_html
from ccassure.reports.plain_text import printable
from ccassure.services.context import Context
from tests.conftest import TODAY, run_cli
from tests.test_actions import open_copy

LOADS = {"script", "img", "link", "iframe", "object", "embed", "audio", "video", "source", "base"}
HOSTILE = '<script>alert("x")</script><img src="http://example.invalid/a.png"> & "quotes"'


class Page(HTMLParser):
    """Tags in order, their attributes, the text, and which table each caption/th is in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.table_children: list[list[str]] = []
        self.rows_in_tables: list[int] = []
        self.in_style = False
        self.style = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if self.table_children and self.stack and self.stack[-1] == "table":
            self.table_children[-1].append(tag)
        if tag == "table":
            self.table_children.append([])
            self.rows_in_tables.append(0)
        if tag == "tr" and self.rows_in_tables:
            self.rows_in_tables[-1] += 1
        self.in_style = tag == "style"
        if tag not in ("meta", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.style += data
        else:
            self.text.append(data)

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.tags if t == tag)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


@pytest.fixture(scope="module")
def demo(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Context:
    return open_copy(demo_store, tmp_path_factory.mktemp("html"))


def check_page(page: Page, report: Report) -> None:
    assert page.tags[0] == ("html", {"lang": "en-GB"})
    assert page.count("h1") == 1 and page.count("title") == 1
    assert not LOADS & {tag for tag, _ in page.tags}
    for tag, attrs in page.tags:
        assert "src" not in attrs and "style" not in attrs, tag
        assert not any(name.startswith("on") for name in attrs), tag
        if "href" in attrs:
            assert (attrs["href"] or "").startswith("#"), attrs
    assert "url(" not in page.style and "@import" not in page.style
    assert all(attrs.get("scope") in ("col", "row") for tag, attrs in page.tags if tag == "th")
    assert page.table_children and all(kids[0] == "caption" for kids in page.table_children)
    text = "".join(page.text)
    assert text.count(report.marking) >= 2
    headers = [attrs for tag, attrs in page.tags if tag in ("header", "footer")]
    assert len(headers) == 2
    levels = [int(tag[1]) for tag, _ in page.tags if tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_every_demo_report_is_an_accessible_self_contained_page(demo: Context) -> None:
    for summary in demo.assessments.list_summaries(all_versions=True):
        report = demo.reports.report(summary.id)
        page = parse(render_html(report))
        check_page(page, report)
        text = "".join(page.text)
        for section in report.sections:
            assert section.title in text
        heat = [b for s in report.sections for b in s.blocks if isinstance(b, HeatMap)]
        if summary.kind == "dpia":
            assert page.count("table") >= 2 and "risks" in text and "High" in text
        else:
            assert not heat


def test_markup_in_any_field_prints_literally() -> None:
    section = Section(
        HOSTILE,
        (
            Text(HOSTILE),
            Table(HOSTILE, (HOSTILE, "b"), [(HOSTILE, HOSTILE)]),
            HeatMap(HOSTILE, (HOSTILE,), (HOSTILE,), ((1,),), (("x\" onclick='y",),), ()),
        ),
    )
    report = Report(
        title=HOSTILE,
        kind_label=HOSTILE,
        programme=HOSTILE,
        component=HOSTILE,
        version=1,
        status="Draft",
        generated_on="today",
        marking="OFFICIAL",
        author=HOSTILE,
        subject=HOSTILE,
        content_hash="0" * 64,
        sections=(section,),
        language='en-GB" onload="x',
        cover=((HOSTILE, HOSTILE),),
    )
    page = parse(render_html(report))
    assert not LOADS & {tag for tag, _ in page.tags}
    assert not any(n.startswith("on") for _, attrs in page.tags for n in attrs)
    text = "".join(page.text)
    assert text.count(HOSTILE) >= 8


RLO, PDF, RLI, PDI = "\u202e", "\u202c", "\u2067", "\u2069"
RAW = f"Red\x1b[31m alert\x07 \x01one\x85 {RLO}evil\tgood\r\nline {PDI}stray {RLI}isolated"
CLEANED = f"Red[31m alert one {RLO}evil\tgood\nline stray {RLI}isolated{PDI}{PDF}"


def _bidi_balanced(text: str) -> bool:
    opened: list[str] = []
    for char in text:
        if char in "\u202a\u202b\u202d\u202e":
            opened.append(PDF)
        elif char in "\u2066\u2067\u2068":
            opened.append(PDI)
        elif char in (PDF, PDI) and (not opened or opened.pop() != char):
            return False
    return not opened


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (RAW, CLEANED),
        (f"{PDF}{PDI}plain", "plain"),
        (f"a{RLI}b{RLO}c{PDI}d", f"a{RLI}b{RLO}cd{PDF}{PDI}"),
        (f"ok {RLO}closed{PDF} here", f"ok {RLO}closed{PDF} here"),
        ("\ud800lone surrogate", "?lone surrogate"),
    ],
)
def test_printable_drops_controls_and_closes_direction_overrides(raw: str, cleaned: str) -> None:
    assert printable(raw) == cleaned
    assert _bidi_balanced(printable(raw))


def test_no_control_character_or_open_override_reaches_the_page() -> None:
    section = Section(RAW, (Text(RAW), Table(RAW, (RAW, "b"), [(RAW, RAW)])))
    report = Report(
        title=RAW,
        kind_label=RAW,
        programme=RAW,
        component=RAW,
        version=1,
        status="Draft",
        generated_on="today",
        marking="OFFICIAL-SENSITIVE",
        author=RAW,
        subject=RAW,
        content_hash="0" * 64,
        sections=(section,),
        cover=((RAW, RAW),),
    )
    written = render_html(report)
    controls = {c for c in written if (ord(c) < 0x20 and c not in "\t\n") or 0x7F <= ord(c) < 0xA0}
    assert controls == set()
    page = parse(written)
    assert all(_bidi_balanced(run) for run in page.text)
    assert "".join(page.text).count(CLEANED) >= 8
    meta = [a for tag, a in page.tags if tag == "meta" and a.get("name") == "author"]
    assert meta == [{"name": "author", "content": CLEANED}]


def test_a_report_of_10000_issues_renders_every_row(demo: Context) -> None:
    summary = next(iter(demo.assessments.list_summaries("accessibility")))
    document = demo.assessments.document(summary.id)
    template = demo.assessments.template_for(document)
    severities = ("critical", "serious", "moderate", "minor")
    issues = tuple(
        Issue(
            ref=f"AT-{n:05d}",
            title=f"Finding {n} <b>{n}</b>",
            severity=severities[n % 4],
            status="open" if n % 3 else "closed",
            criteria=("1.4.3",),
            assistive_tech="JAWS",
            screen="Map view",
        )
        for n in range(10_000)
    )
    big = document.model_copy(update={"issues": issues})
    report = build_report(big, template, (), (), TODAY)
    page = parse(render_html(report))
    log = next(s for s in report.sections if s.title == "Issue log")
    table = log.blocks[0]
    assert isinstance(table, Table) and len(table.rows) == 10_000
    assert max(page.rows_in_tables) == 10_001  # the heading row and one per issue
    text = "".join(page.text)
    assert "Finding 9999 <b>9999</b>" in text
    counts = Counter(i.severity for i in issues)
    assert f"{counts['critical']:,} critical" in text


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.db"
    shutil.copy(demo_store, copy)
    return copy


def cli(store: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("--store", str(store), "--data-dir", str(store.parent / "data"), *args)
    return result.returncode, result.stdout, result.stderr


def test_export_writes_html_and_refuses_to_overwrite_without_force(store: Path) -> None:
    target = store.parent / "report.html"
    code, out, err = cli(store, "export", "1", "--format", "html", "-o", str(target))
    assert code == 0, err
    assert str(target) in out
    written = target.read_text(encoding="utf-8")
    assert written.startswith("<!DOCTYPE html>") and "Content hash and how to verify it" in written
    target.write_text("mine", encoding="utf-8")
    code, _out, err = cli(store, "export", "1", "--format", "html", "-o", str(target))
    assert code == 2 and "already exists" in err and len(err.strip().splitlines()) == 1
    assert target.read_text(encoding="utf-8") == "mine"
    code, _, err = cli(store, "export", "1", "--format", "html", "-o", str(target), "--force")
    assert code == 0 and target.read_text(encoding="utf-8") == written
    assert not [p for p in store.parent.iterdir() if p.name.endswith(".part")]


def test_export_refuses_signing_html_and_unknown_ids(store: Path) -> None:
    target = store.parent / "report.html"
    code, _, err = cli(store, "export", "1", "--format", "html", "-o", str(target), "--sign")
    assert code == 2 and "only a PDF report can be signed" in err and not target.exists()
    code, _, err = cli(store, "export", "999", "--format", "html", "-o", str(target))
    assert code == 2 and "no assessment with id 999" in err and not target.exists()


def test_export_and_summary_print_control_characters_escaped(store: Path) -> None:
    with sqlite3.connect(store) as db:
        db.execute("UPDATE assessment SET title = ? WHERE id = 1", ("Spoof\x1b[2J" + RLO,))
        db.execute("UPDATE programme SET name = ?", ("Programme\x1b]0;pwned\x07",))
    target = store.parent / "report.html"
    code, out, err = cli(store, "export", "1", "--format", "html", "-o", str(target))
    assert code == 0, err
    assert "\x1b" not in out and RLO not in out
    assert "Spoof\\x1b[2J\\u202e" in out
    written = target.read_text(encoding="utf-8")
    assert "\x1b" not in written and "Spoof[2J" in written
    code, out, err = cli(store, "summary")
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert out.startswith("Governance summary: Programme\\x1b]0;pwned\\x07\n")
