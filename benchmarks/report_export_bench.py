"""Report export benchmark, end to end: a 500-item DPIA and a 10,000-issue accessibility report,
exported as PDF and signed through the app's services, each beside a floor from the same run.

Targets from issue #6: export and sign of a 500-item DPIA 1 s; of an accessibility report with
10,000 issues 20 s, with progress.

The store is the demo built by the real command line (`demo --scale N` puts N synthetic issues
on the accessibility assessment) plus a DPIA made through AssessmentService: every template item
answered and custom items to 500 answered items, answers of realistic length, 20 risks, actions,
then submitted and signed off by every role (so sealed, with a 7-row sign-off table). The signer
is an identity with a passphrase-protected key file (no OS keyring is used).

`*_export_sign_s` is ReportExportService.export(..., "pdf", sign=...) in this process: store
read, report content, drawing, key-file unlock (scrypt, `key_unlock_s` alone), PAdES signing and
the atomic write; the median of --repeat runs (`*_first_s`: the first, which also loads fonts and
modules). The phases come from the export's own progress milestones: `content_s` (reading and
building the Report), `draw_s` (reportlab), `sign_write_s` (unlock, sign, write).

Floors, measured in the same run with no ccassure code in the timed part: reportlab alone
building the same text as the app's Report (every Text as an escaped Paragraph, facts and table
rows as plain-string Table cells in 250-row Tables: unwrapped, less work than a correct layout;
`*_floor_paragraph_cells_s` wraps each cell in a Paragraph, reportlab's usual way, skipped with
--quick for the issues), then pyHanko signing that PDF with the same key (`*_floor_sign_s`).
`issues_read_floor_sqlite3_s` is plain sqlite3 fetching the assessment's issue rows.

    python benchmarks/report_export_bench.py [--repeat 3] [--issues 10000] [--quick]
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

# No OS keyring: keys in a passphrase-protected file (set before keyring is first used).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate
from reportlab.platypus import Table as RLTable

from ccassure.domain.document import Action, CustomItem, Response, Risk
from ccassure.domain.report import Facts, Report, Section, Table, Text
from ccassure.services.context import Context, build_context
from ccassure.services.paths import AppPaths, builtin_resources
from ccassure.services.report_export import SignWith

PASSPHRASE = "benchmark passphrase"
FONT = builtin_resources() / "fonts" / "DejaVuSans.ttf"
DPIA_ITEMS = 500
RISKS = 20
CHUNK = 250
WORDS = (
    "caller incident location despatch officer record retention access audit vetted handler "
    "gazetteer marker warning victim witness address telephone recording radio police national "
    "computer lawful basis Part 3 law-enforcement purpose necessity proportionate safeguard "
    "encryption supplier Leidos Frequentis review schedule MoPI"
)


def ask(_prompt: str) -> str:
    return PASSPHRASE


def prose(rng: random.Random, low: int, high: int) -> str:
    """Plausible answer text of low..high words, with a Unicode name now and then."""
    words = rng.choices(WORDS.split(), k=rng.randint(low, high))
    text = " ".join(words).capitalize() + "."
    return text + (" Confirmed with Łukasz Żółć and Nguyễn Thị Minh." if rng.random() < 0.2 else "")


def build_dpia(context: Context, rng: random.Random) -> int:
    """A DPIA with DPIA_ITEMS answered items and RISKS risks, submitted and signed off."""
    service = context.assessments
    programme, component = service.components()[0]
    dpia = service.create(
        "dpia", "DPIA: 500-item benchmark", programme, component, owner="Nguyễn Thị Minh"
    )
    template = service.template_for(service.document(dpia))
    answered = 0
    for _, item in template.items():
        if item.answer == "date":
            value = "2027-06-30"
        elif item.answer == "choice":
            value = (
                "both" if item.key == "step1.regime" else item.allowed_values(template.scales)[0]
            )
        elif item.answer == "text":
            value = prose(rng, 15, 60)
        else:
            value = rng.choice(("yes", "no", "partly"))
        comment = prose(rng, 5, 30) if item.answer != "text" and rng.random() < 0.5 else ""
        service.set_response(dpia, Response(item=item.key, value=value, comment=comment))
        answered += 1
    sections = [s.key for s in template.sections]
    for n in range(DPIA_ITEMS - answered):
        key = f"custom.bench-{n:03d}"
        prompt = f"Local check {n + 1}: " + prose(rng, 8, 20).rstrip(".") + "?"
        item = CustomItem(key=key, section=sections[n % len(sections)], prompt=prompt)
        service.put_custom_item(dpia, item)
        service.set_response(dpia, Response(item=key, value=prose(rng, 10, 50)))
    levels = ("remote", "possible", "probable")
    severities = ("minimal", "significant", "severe")
    for n in range(1, RISKS + 1):
        risk = Risk(
            ref=f"R{n:02d}",
            title=prose(rng, 6, 12).rstrip("."),
            description=prose(rng, 20, 50),
            source=prose(rng, 5, 15),
            likelihood=rng.choice(levels),
            severity=rng.choice(severities),
            measures=prose(rng, 15, 40),
            effect="reduced",
            residual_likelihood=rng.choice(levels[:2]),
            residual_severity=rng.choice(severities[:2]),
            measure_approved=True,
            owner="Łukasz Żółć",
        )
        service.put_risk(dpia, risk)
    for n in range(1, 9):
        action = Action(
            ref=f"A{n}",
            description=prose(rng, 10, 30),
            owner="Nguyễn Thị Minh",
            due=date(2027, 3, n),
        )
        service.put_action(dpia, action)
    service.transition(dpia, "submit")
    for role in template.signoff_roles:
        context.signoffs.sign_off(dpia, role.key, "approved", "", None, ask)
    return dpia


def floor_pdf(report: Report, *, paragraph_cells: bool = False) -> bytes:
    """reportlab alone: the report's text as escaped Paragraphs and Tables, no ccassure code."""
    body = ParagraphStyle("body", fontName="FloorSans", fontSize=10, leading=13)
    cell = ParagraphStyle("cell", fontName="FloorSans", fontSize=8, leading=9.6)
    grid = [("FONT", (0, 0), (-1, -1), "FloorSans", 8), ("GRID", (0, 0), (-1, -1), 0.5, "grey")]
    story: list[Flowable] = []

    def tables(headings: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> None:
        for start in range(0, max(len(rows), 1), CHUNK):
            data: list[list[Any]] = [list(headings)] if headings else []
            data += [list(row) for row in rows[start : start + CHUNK]]
            if paragraph_cells:
                data = [[Paragraph(escape(text), cell) for text in row] for row in data]
            story.append(RLTable(data, repeatRows=1 if headings else 0, style=grid))

    def walk(section: Section) -> None:
        story.append(Paragraph(escape(section.title), body))
        for block in section.blocks:
            if isinstance(block, Text):
                story.append(Paragraph(escape(block.text), body))
            elif isinstance(block, Facts):
                tables(None, block.pairs)
            elif isinstance(block, Table):
                story.append(Paragraph(escape(block.caption), body))
                tables(block.headings, block.rows)
            else:
                tables(block.column_labels, [[str(c) for c in row] for row in block.counts])
        for child in section.children:
            walk(child)

    for section in report.sections:
        walk(section)
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=report.title).build(story)
    return buffer.getvalue()


def floor_sign(pdf: bytes, signer: signers.SimpleSigner) -> bytes:
    """pyHanko alone: one PAdES B-B signature (SHA-256) in an incremental update."""
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1",
        reason="Benchmark",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    out = signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), meta, signer=signer)
    return out.getvalue()  # type: ignore[no-any-return]


def raw_signer(context: Context, fingerprint: str) -> signers.SimpleSigner:
    key_pem = context.identities.private_key(fingerprint, ask).encode("ascii")
    pem = context.identities.find(fingerprint).certificate_pem.encode("ascii")
    certificate = next(iter(load_certs_from_pemder_data(pem)))
    return signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=load_private_key_from_pemder_data(key_pem, None),
        cert_registry=SimpleCertificateStore.from_certs([certificate]),
    )


def median(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


class Milestones:
    """Progress calls of one export, with the time each export milestone was first reached."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []
        self.at: dict[int, float] = {}

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))
        self.at.setdefault(done, time.perf_counter())

    def phases(self) -> dict[str, float]:
        from ccassure.services.report_export import CONTENT, DRAWN, WHOLE

        at = self.at
        return {
            "content_s": round(at[CONTENT] - at[0], 3),
            "draw_s": round(at[DRAWN] - at[CONTENT], 3),
            "sign_write_s": round(at[WHOLE] - at[DRAWN], 3),
        }


def export_figures(
    context: Context, name: str, assessment_id: int, folder: Path, fingerprint: str, repeat: int
) -> tuple[dict[str, object], Milestones]:
    target = folder / f"{name}.pdf"
    sign = SignWith(fingerprint, ask)
    runs: list[tuple[float, Milestones]] = []
    for _ in range(repeat + 1):
        milestones = Milestones()
        started = time.perf_counter()
        context.report_export.export(
            assessment_id, "pdf", target, force=True, sign=sign, progress=milestones
        )
        runs.append((time.perf_counter() - started, milestones))
    first, *rest = runs
    times = [t for t, _ in rest]
    typical = sorted(rest, key=lambda run: run[0])[len(rest) // 2][1]
    data = target.read_bytes()
    verdict = context.pdf_signing.verify(data)
    figures: dict[str, object] = {
        f"{name}_first_s": round(first[0], 3),
        f"{name}_export_sign_s": round(statistics.median(times), 3),
        **{f"{name}_{key}": value for key, value in typical.phases().items()},
        f"{name}_pages": len(PdfReader(BytesIO(data)).pages),
        f"{name}_bytes": len(data),
        f"{name}_signature_valid": verdict.passes(require_trusted=True),
    }
    return figures, typical


def floor_figures(
    name: str, report: Report, signer: signers.SimpleSigner, repeat: int, paragraph_cells: bool
) -> dict[str, object]:
    pdf = floor_pdf(report)
    figures: dict[str, object] = {
        f"{name}_floor_render_s": median(lambda: floor_pdf(report), repeat),
        f"{name}_floor_sign_s": median(lambda: floor_sign(pdf, signer), repeat),
    }
    figures[f"{name}_floor_s"] = round(
        figures[f"{name}_floor_render_s"] + figures[f"{name}_floor_sign_s"],  # type: ignore[operator]
        3,
    )
    if paragraph_cells:
        figures[f"{name}_floor_paragraph_cells_s"] = median(
            lambda: floor_pdf(report, paragraph_cells=True), 1
        )
    return figures


def progress_figures(milestones: Milestones) -> dict[str, object]:
    done = [d for d, _ in milestones.calls]
    totals = {t for _, t in milestones.calls}
    return {
        "issues_progress_calls": len(done),
        "issues_progress_monotonic": all(a <= b for a, b in itertools.pairwise(done)),
        "issues_progress_last_is_total": bool(done) and totals == {done[-1]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="skip the Paragraph-cell floors")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ccassure-report-export-bench-") as where:
        folder = Path(where)
        store, data_dir = folder / "store.db", folder / "data"
        cli = [sys.executable, "-m", "ccassure.cli", "--store", str(store), "--data-dir"]
        demo = [*cli, str(data_dir), "demo", "--scale", str(args.issues)]
        started = time.perf_counter()
        subprocess.run(demo, check=True, capture_output=True)
        context = build_context(AppPaths(data_dir, store))
        me = context.identities.create("Łukasz Żółć", "Senior Responsible Owner", "MPS", ask)
        dpia = build_dpia(context, random.Random(6))
        a11y = next(s.id for s in context.assessments.list_summaries("accessibility"))
        result: dict[str, object] = {
            "rl_accel": importlib.util.find_spec("_rl_accel") is not None,
            "issues": args.issues,
            "setup_s": round(time.perf_counter() - started, 1),
        }
        document = context.assessments.document(dpia)
        result["dpia_answered_items"] = len(document.responses)
        result["dpia_risks"] = len(document.risks)
        result["dpia_status"] = document.assessment.status
        result["key_unlock_s"] = median(
            lambda: context.identities.private_key(me.fingerprint, ask), 3
        )

        figures, _ = export_figures(context, "dpia", dpia, folder, me.fingerprint, args.repeat)
        result.update(figures)
        pdfmetrics.registerFont(TTFont("FloorSans", str(FONT)))
        signer = raw_signer(context, me.fingerprint)
        result.update(
            floor_figures("dpia", context.reports.report(dpia), signer, args.repeat, True)
        )
        result["dpia_vs_floor"] = round(result["dpia_export_sign_s"] / result["dpia_floor_s"], 2)  # type: ignore[operator]
        result["dpia_target_s"] = 1.0

        figures, milestones = export_figures(context, "issues", a11y, folder, me.fingerprint, 1)
        result.update(figures)
        result.update(progress_figures(milestones))
        with sqlite3.connect(store) as db:
            read = "SELECT * FROM issue WHERE assessment_id = ?"
            result["issues_read_floor_sqlite3_s"] = median(
                lambda: db.execute(read, (a11y,)).fetchall(), 1
            )
        report = context.reports.report(a11y)
        result.update(floor_figures("issues", report, signer, 1, not args.quick))
        result["issues_vs_floor"] = round(
            result["issues_export_sign_s"] / result["issues_floor_s"],  # type: ignore[operator]
            2,
        )
        result["issues_target_s"] = 20.0
        context.close()
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
