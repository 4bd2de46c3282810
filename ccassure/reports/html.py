"""A report as one self-contained, accessible HTML5 page: headings, data tables, no scripts."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

from ccassure.domain.report import Block, Facts, HeatMap, Report, Section, Table, Text
from ccassure.reports.plain_text import printable

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;line-height:1.5;
color:#1b1b1b;background:#fff;margin:0 auto;max-width:72rem;padding:0 1.25rem}
header.marking,footer.marking{font-weight:700;text-align:center;letter-spacing:.08em;
border:2px solid #1b1b1b;padding:.25rem;margin:1rem 0}
h1{font-size:2rem;margin:.5rem 0}h2{margin-top:2.5rem;border-bottom:2px solid #1b1b1b}
h3,h4,h5,h6{margin-top:1.75rem}
table{border-collapse:collapse;margin:1rem 0;width:100%}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{border:1px solid #595959;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#e8e8e8}
td{white-space:pre-line;overflow-wrap:break-word}
dl{display:grid;grid-template-columns:minmax(10rem,max-content) 1fr;gap:.25rem 1rem}
dt{font-weight:700}dd{margin:0;white-space:pre-line;overflow-wrap:anywhere}
p{white-space:pre-line}
p.note{color:#3d3d3d;font-style:italic}
p.warning{border-left:.4rem solid #b00020;padding-left:.75rem;font-weight:700}
table.heatmap{width:auto}table.heatmap td{text-align:center;min-width:7rem}
td.rating-low{background:#d9f0d3}td.rating-medium{background:#fde9b5}
td.rating-high{background:#f6c3c3}
nav ol{padding-left:1.5rem}
a{color:#0b4f9c}
a:focus,a:hover{outline:3px solid #0b4f9c;outline-offset:2px}
@media print{header.marking,footer.marking{position:static}nav{display:none}}
""".replace("\n", "")


def render_html(report: Report) -> str:
    """The whole report; every string from the report is escaped, without control characters
    or unclosed direction overrides, and nothing loads from anywhere."""
    return "".join(_document(report))


def _text(value: str) -> str:
    """Escaped for element content and attribute values alike."""
    return escape(printable(value))


def _document(report: Report) -> Iterator[str]:
    marking = _text(report.marking)
    yield "<!DOCTYPE html>\n"
    yield f'<html lang="{_text(report.language)}">\n<head>\n<meta charset="utf-8">\n'
    yield '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    yield f"<title>{_text(report.title)} — {marking}</title>\n"
    yield f'<meta name="author" content="{_text(report.author)}">\n'
    yield f'<meta name="description" content="{_text(report.subject)}">\n'
    yield f"<style>{STYLE}</style>\n</head>\n<body>\n"
    yield f'<header class="marking" aria-label="Protective marking">{marking}</header>\n'
    yield "<main>\n"
    yield f"<h1>{_text(report.title)}</h1>\n"
    yield f"<p>{_text(report.kind_label)}</p>\n"
    yield from _pairs(report.cover, "Cover")
    yield from _contents(report.sections)
    for number, section in enumerate(report.sections, 1):
        yield from _section(section, 2, f"s{number}")
    yield "</main>\n"
    yield f'<footer class="marking" aria-label="Protective marking">{marking}</footer>\n'
    yield "</body>\n</html>\n"


def _contents(sections: tuple[Section, ...]) -> Iterator[str]:
    """In-page links only (fragments): nothing outside the page is referred to."""
    yield '<nav aria-labelledby="contents"><h2 id="contents">Contents</h2><ol>'
    for number, section in enumerate(sections, 1):
        yield f'<li><a href="#s{number}">{_text(section.title)}</a></li>'
    yield "</ol></nav>\n"


def _section(section: Section, depth: int, anchor: str) -> Iterator[str]:
    level = min(depth, 6)
    yield f'<section aria-labelledby="{anchor}">\n'
    yield f'<h{level} id="{anchor}">{_text(section.title)}</h{level}>\n'
    for block in section.blocks:
        yield from _block(block)
    for number, child in enumerate(section.children, 1):
        yield from _section(child, depth + 1, f"{anchor}-{number}")
    yield "</section>\n"


def _block(block: Block) -> Iterator[str]:
    if isinstance(block, Text):
        tone = "" if block.tone == "body" else f' class="{block.tone}"'
        prefix = "Warning: " if block.tone == "warning" else ""
        yield f"<p{tone}>{prefix}{_text(block.text)}</p>\n"
    elif isinstance(block, Facts):
        yield from _pairs(block.pairs)
    elif isinstance(block, Table):
        yield from _table(block)
    else:
        yield from _heat_map(block)


def _pairs(pairs: tuple[tuple[str, str], ...], label: str = "") -> Iterator[str]:
    if not pairs:
        return
    named = f' aria-label="{_text(label)}"' if label else ""
    yield f"<dl{named}>\n"
    for term, value in pairs:
        yield f"<dt>{_text(term)}</dt><dd>{_text(value)}</dd>\n"
    yield "</dl>\n"


def _table(table: Table) -> Iterator[str]:
    yield f"<table>\n<caption>{_text(table.caption)}</caption>\n<thead><tr>"
    yield "".join(f'<th scope="col">{_text(h)}</th>' for h in table.headings)
    yield "</tr></thead>\n<tbody>\n"
    # First cell of a row names it: a row header, so a screen reader says which row it is in.
    for row in table.rows:
        cells = iter(row)
        first = _text(next(cells, ""))
        rest = "".join(f"<td>{_text(cell)}</td>" for cell in cells)
        yield f'<tr><th scope="row">{first}</th>{rest}</tr>\n'
    yield "</tbody>\n</table>\n"


def _heat_map(heat: HeatMap) -> Iterator[str]:
    labels = dict(heat.rating_labels)
    yield f'<table class="heatmap">\n<caption>{_text(heat.caption)}</caption>\n<thead><tr>'
    corner = f"{heat.row_title} \\ {heat.column_title}"
    yield f'<th scope="col">{_text(corner)}</th>'
    yield "".join(f'<th scope="col">{_text(c)}</th>' for c in heat.column_labels)
    yield "</tr></thead>\n<tbody>\n"
    for label, counts, ratings in zip(heat.row_labels, heat.counts, heat.ratings, strict=True):
        yield f'<tr><th scope="row">{_text(label)}</th>'
        for count, rating in zip(counts, ratings, strict=True):
            word = labels.get(rating, rating)
            css = _text("".join(c for c in rating if c.isalnum() or c in "-_"))
            risks = "risk" if count == 1 else "risks"
            yield f'<td class="rating-{css}">{count} {risks}<br>{_text(word)}</td>'
        yield "</tr>\n"
    yield "</tbody>\n</table>\n"
