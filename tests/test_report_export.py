"""Issue #6's acceptance end to end: each kind's demo report exported and signed by the real
command line, read back with poppler (pdftotext, pdfsig) and pypdf."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ccassure.domain.document import AssessmentDocument, content_hash
from ccassure.domain.errors import CcassureError
from ccassure.domain.templates import TemplateSet
from ccassure.services.context import load_template_set
from ccassure.services.paths import AppPaths
from tests.conftest import run_cli
from tests.pdf_helpers import pdfsig, signed_ranges
from tests.pdf_reading import flat, image_count, link_count, outline_tree, page_texts, page_words
from tests.signoff_helpers import PASS

SIGNER = "Łukasz Żółć"
OWNER = "Nguyễn Thị Minh"
HOSTILE = '<b>bold</b> <img src="/etc/passwd"> <a href="http://x">y</a> &amp;'
EVERY_REPORT = ("Executive summary", "Sign-off", "Version history")
HASH_SECTION = "Content hash and how to verify it"
KIND_SECTIONS = {
    "dpia": ("Risk register", "Prior consultation (UK GDPR Art 36 / DPA 2018 s65)", "Actions"),
    "eia": ("Impact matrix by protected characteristic", "Outcome", "Action plan"),
    "accessibility": ("Assistive-technology matrix", "Issue summary", "Issue log"),
    "environmental": ("Evidence with an expiry date", "Actions"),
}


@dataclass(frozen=True)
class Exported:
    """One kind's report as written by `export`, and its assessment as `show --json` gives it."""

    kind: str
    path: Path
    document: AssessmentDocument
    pages: list[str]
    reader: PdfReader

    @property
    def text(self) -> str:
        return flat(" ".join(self.pages))


class Cli:
    """The real command line on one store and data folder (keys in passphrase-protected files)."""

    def __init__(self, store: Path, data_dir: Path) -> None:
        self.base = ("--store", str(store), "--data-dir", str(data_dir))

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run_cli(*self.base, *args, check=check)

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)

    def new_identity(self, name: str, role: str) -> str:
        """Create an identity; its fingerprint."""
        self("identity", "create", "--name", name, "--role", role)
        return next(e["fingerprint"] for e in self.json("identity", "list") if e["name"] == name)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as patch:  # child processes: no OS keyring, key files
        patch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        patch.setenv("CCASSURE_PASSPHRASE", PASS)
        yield tmp_path_factory.mktemp("report-export")


@pytest.fixture(scope="module")
def cli(folder: Path, demo_store: Path) -> Cli:
    store = folder / "demo.db"
    shutil.copy(demo_store, store)
    return Cli(store, folder / "data")


@pytest.fixture(scope="module")
def kind_templates(folder: Path) -> TemplateSet:
    return load_template_set(AppPaths(folder / "data", folder / "demo.db"))


def _pick(cli: Cli, kind: str, status: str | None = None) -> int:
    listed = cli.json("list")
    return next(e["id"] for e in listed if e["kind"] == kind and status in (None, e["status"]))


def _hostile_eia(cli: Cli, folder: Path, templates: TemplateSet) -> int:
    """The demo EIA with a Vietnamese owner and markup in a text answer, imported as a copy."""
    data = cli.json("show", str(_pick(cli, "eia")))
    data["assessment"]["owner"] = OWNER
    template = templates.for_kind("eia")
    assert template is not None
    text_items = {item.key for _, item in template.items() if item.answer == "text"}
    answer = next(r for r in data["responses"] if r["item"] in text_items)
    answer["value"] = HOSTILE
    source = folder / "eia.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    found = re.search(r"id (\d+)", cli("import", str(source)).stdout)
    assert found is not None
    return int(found.group(1))


@pytest.fixture(scope="module")
def reports(cli: Cli, folder: Path, kind_templates: TemplateSet) -> dict[str, Exported]:
    """Each kind's report; the DPIA in review is signed off by SIGNER, exported and signed."""
    cli.new_identity(SIGNER, "Data Protection Officer")
    dpia = _pick(cli, "dpia", "in_review")
    cli("signoff", str(dpia), "--role", "measures-approved", "--decision", "approve")
    ids = {
        "dpia": dpia,
        "eia": _hostile_eia(cli, folder, kind_templates),
        "accessibility": _pick(cli, "accessibility"),
        "environmental": _pick(cli, "environmental", "approved"),
    }
    found = {}
    for kind, ident in ids.items():
        path = folder / f"{kind}.pdf"
        sign = ("--sign",) if kind == "dpia" else ()
        cli("export", str(ident), "--format", "pdf", "-o", str(path), *sign)
        document = AssessmentDocument.model_validate(cli.json("show", str(ident)))
        found[kind] = Exported(kind, path, document, page_texts(path), PdfReader(path))
    return found


@pytest.mark.parametrize("kind", KIND_SECTIONS)
def test_marking_top_and_bottom_and_page_x_of_y_on_every_page(
    reports: dict[str, Exported], kind: str
) -> None:
    report = reports[kind]
    marking = report.document.assessment.marking
    count = len(report.reader.pages)
    assert len(report.pages) == count > 2
    height = float(report.reader.pages[0].mediabox.height)
    words_per_page = page_words(report.path)
    for number, (text, words) in enumerate(zip(report.pages, words_per_page, strict=True), 1):
        top = [w.text for w in words if w.y_max < height * 0.1]
        bottom = [w.text for w in words if w.y_min > height * 0.9]
        for margin in (top, bottom):
            assert [t for t in margin if t.startswith("OFFICIAL")] == [marking], (number, margin)
        assert re.findall(r"Page (\d+) of (\d+)", text) == [(str(number), str(count))]


def test_both_markings_are_exercised(reports: dict[str, Exported]) -> None:
    markings = {r.document.assessment.marking for r in reports.values()}
    assert markings == {"OFFICIAL", "OFFICIAL-SENSITIVE"}


@pytest.mark.parametrize("kind", KIND_SECTIONS)
def test_outline_has_every_section_and_each_bookmark_finds_its_heading(
    reports: dict[str, Exported], kind_templates: TemplateSet, kind: str
) -> None:
    report = reports[kind]
    template = kind_templates.for_kind(kind)
    assert template is not None
    tree = outline_tree(report.reader)
    top = [title for title, _, _ in tree]
    expected = {*EVERY_REPORT, *(s.title for s in template.sections), *KIND_SECTIONS[kind]}
    assert expected <= set(top), expected - set(top)
    assert top[0] == "Executive summary" and top[-1] == HASH_SECTION
    for title, page, _ in tree:
        assert flat(title) in flat(report.pages[page]), (title, page)


@pytest.mark.parametrize("kind", KIND_SECTIONS)
def test_the_content_hash_printed_is_the_documents(reports: dict[str, Exported], kind: str) -> None:
    report = reports[kind]
    expected = content_hash(report.document)
    assert expected in flat(report.pages[0])  # the cover
    page = next(page for title, page, _ in outline_tree(report.reader) if title == HASH_SECTION)
    assert expected in flat(report.pages[page])  # how to verify it
    hashes = set(re.findall(r"\b[0-9a-f]{64}\b", report.text))
    assert hashes == {expected}


def test_dpia_risk_register_heat_maps_and_prior_consultation(
    reports: dict[str, Exported],
) -> None:
    report = reports["dpia"]
    text = report.text
    for stage in ("inherent", "residual"):
        assert f"({stage}) by likelihood and severity" in text
    assert image_count(report.reader) == 0  # the heat maps are vector drawings
    assert report.document.risks
    for risk in report.document.risks:
        assert re.search(rf"\b{re.escape(risk.ref)}\b", text), risk.ref
    assert "prior consultation" in text.lower()


def test_accessibility_conformance_tables_and_every_issue_logged(
    reports: dict[str, Exported],
) -> None:
    report = reports["accessibility"]
    for principle in ("Perceivable", "Operable", "Understandable", "Robust"):
        assert f"{principle}: conformance per criterion" in report.text
    assert len(report.document.issues) > 10
    for issue in report.document.issues:
        assert re.search(rf"\b{re.escape(issue.ref)}\b", report.text), issue.ref


def test_environmental_checklist_shows_evidence_and_expiry(
    reports: dict[str, Exported],
) -> None:
    report = reports["environmental"]
    evidence = [e for r in report.document.responses for e in r.evidence]
    assert evidence
    for item in evidence:
        assert flat(item) in report.text, item


def test_unicode_names_print_and_markup_prints_literally(
    reports: dict[str, Exported],
) -> None:
    signoffs = reports["dpia"].text.split("Sign-offs of this version, by role")[1]
    assert re.search(
        rf"{SIGNER}, Data Protection Officer Approved \d+ \w+ \d{{4}}, \d\d:\d\d UTC", signoffs
    )
    eia = reports["eia"]
    assert OWNER in flat(eia.pages[0])
    assert HOSTILE in eia.text
    assert image_count(eia.reader) == 0
    for report in reports.values():
        assert link_count(report.reader) == 0, report.kind


def test_signed_export_verifies_with_ccassure_and_pdfsig(
    cli: Cli, reports: dict[str, Exported]
) -> None:
    path = reports["dpia"].path
    data = cli.json("verify", str(path))
    [signature] = data["signatures"]
    assert data["state"] == "valid" and data["all_trusted"]
    assert signature["signer"] == SIGNER and signature["intact"] and signature["valid"]
    assert signature["covers_whole_file"]
    [theirs] = pdfsig(path)
    assert theirs["Signature Validation"] == "Signature is Valid."
    assert theirs["Signer Certificate Common Name"] == SIGNER


def test_a_changed_byte_in_the_signed_range_fails_ccassure_and_pdfsig(
    cli: Cli, reports: dict[str, Exported], folder: Path
) -> None:
    signed = reports["dpia"].path.read_bytes()
    (start, end), _ = signed_ranges(signed)
    at = signed.index(b"stream", start + (end - start) // 2) + 40  # inside a page's content
    assert at < end
    changed = folder / "changed.pdf"
    changed.write_bytes(signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :])
    result = cli("verify", str(changed), check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL" in result.stdout
    [theirs] = pdfsig(changed)
    assert theirs["Signature Validation"] != "Signature is Valid."


def test_a_countersigned_report_has_two_valid_signatures(
    cli: Cli, reports: dict[str, Exported], folder: Path
) -> None:
    second = cli.new_identity(OWNER, "Senior Responsible Owner")
    both = folder / "countersigned.pdf"
    cli("sign", str(reports["dpia"].path), "-o", str(both), "--identity", second)
    data = cli.json("verify", str(both))
    assert data["state"] == "valid"
    assert [s["signer"] for s in data["signatures"]] == [SIGNER, OWNER]
    assert all(s["intact"] and s["valid"] for s in data["signatures"])
    theirs = pdfsig(both)
    assert [s["Signature Validation"] for s in theirs] == ["Signature is Valid."] * 2


def test_a_certificate_from_another_store_is_intact_but_untrusted(
    cli: Cli, reports: dict[str, Exported], folder: Path
) -> None:
    other = Cli(folder / "other.db", folder / "other-data")
    other("init")
    other.new_identity("Auditor Elsewhere", "External auditor")
    signed = folder / "stranger.pdf"
    other("sign", str(reports["environmental"].path), "-o", str(signed))
    data = cli.json("verify", str(signed))
    [signature] = data["signatures"]
    assert data["state"] == "valid" and signature["intact"] and signature["valid"]
    assert not signature["trusted"] and not signature["known"]
    assert cli("verify", str(signed), check=False).returncode == 0
    assert cli("verify", str(signed), "--require-trusted", check=False).returncode == 1
    [theirs] = pdfsig(signed)
    assert theirs["Signature Validation"] == "Signature is Valid."


def test_a_wrong_passphrase_fails_before_the_report_is_drawn(
    demo_store: Path, tmp_path: Path
) -> None:
    import keyring
    import keyring.backends.fail

    from ccassure.services.report_export import SignWith
    from tests.test_actions import open_copy

    context = open_copy(demo_store, tmp_path)
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        context.identities.create("A Person", "DPO", ask=lambda _p: PASS)
        steps: list[tuple[int, int]] = []
        target = tmp_path / "r.pdf"
        with pytest.raises(CcassureError, match="passphrase is wrong"):
            context.report_export.export(
                1,
                "pdf",
                target,
                sign=SignWith(None, lambda _p: "wrong passphrase"),
                progress=lambda done, total: steps.append((done, total)),
            )
        assert steps == [] and not target.exists()
        done = context.report_export.export(1, "pdf", target, sign=SignWith(None, lambda _p: PASS))
        assert done.signed_by == "A Person" and target.exists()
    finally:
        keyring.set_keyring(before)
        context.close()
