"""A merged document written over its version reads back exactly, in its order, reordered or not."""

from __future__ import annotations

import base64
import hashlib
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from ccassure.domain.document import (
    AssessmentDocument,
    Attachment,
    CustomItem,
    Risk,
    content_hash,
)
from ccassure.domain.merge import COLLECTIONS
from ccassure.services.context import Context, build_context
from ccassure.services.paths import AppPaths
from ccassure.services.stores import check_store
from ccassure.store.package_writes import write_merged
from tests.keyrings import MemoryKeyring
from tests.package_helpers import Pair, no_ask, two_laptops

ACCESSIBILITY, DPIA_IN_REVIEW, EIA_DRAFT = 5, 2, 4  # in the demo store


def attachment(name: str, text: str) -> Attachment:
    data = text.encode()
    return Attachment(
        name=name,
        media_type="text/plain",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data_base64=base64.b64encode(data).decode("ascii"),
    )


@pytest.fixture
def demo(tmp_path: Path, demo_store: Path) -> Iterator[Context]:
    shutil.copy(demo_store, tmp_path / "store.db")
    context = build_context(
        AppPaths(tmp_path / "data", tmp_path / "store.db"), today=lambda: date(2026, 11, 26)
    )
    yield context
    context.close()


def enriched(demo: Context) -> None:
    """Every kind of keyed part present at least twice: attachments, custom items, links."""
    service = demo.assessments
    for assessment in (ACCESSIBILITY, EIA_DRAFT):
        for n in (1, 2, 3):
            service.add_attachment(assessment, attachment(f"note-{n}.txt", f"evidence {n}"))
            service.put_custom_item(
                assessment,
                CustomItem(key=f"custom.q{n}", section="custom", prompt=f"Local question {n}?"),
            )
    eia_uid = service.document(EIA_DRAFT).assessment.uid or ""
    issues = service.document(ACCESSIBILITY).issues
    for issue in issues[:3]:
        demo.evaluations.link(ACCESSIBILITY, f"issue:{issue.ref}", eia_uid)


def reordered(document: AssessmentDocument) -> AssessmentDocument:
    """Every collection in reverse order (as a sender who re-added items would send them)."""
    update = {name: tuple(reversed(getattr(document, name))) for name in COLLECTIONS}
    update["responses"] = document.responses  # kept by item key, in key order
    return document.model_copy(update=update)


@pytest.mark.parametrize("assessment", [ACCESSIBILITY, DPIA_IN_REVIEW, EIA_DRAFT])
def test_a_reordered_document_is_rewritten_and_reads_back_exactly(
    demo: Context, assessment: int
) -> None:
    enriched(demo)
    local = demo.assessments.document(assessment)
    merged = reordered(local)
    moved = [n for n in COLLECTIONS if len(getattr(local, n)) > 1 and n != "responses"]
    assert moved  # each case reorders something
    with demo.store.transaction("test") as writer:
        write_merged(writer, assessment, local, merged)
    assert demo.assessments.document(assessment) == merged
    assert content_hash(demo.assessments.document(assessment)) == content_hash(merged)
    checked = check_store(demo.store.path, demo.templates, demo.store.key)
    assert not checked.problems, checked.problems


def test_a_sender_who_reordered_items_is_followed_exactly(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    with two_laptops(tmp_path) as pair:
        pair.trust_each_other()
        officer, dpo = pair.officer, pair.dpo
        draft = _draft_with_parts(pair)
        out = tmp_path / "draft.pk"
        officer.packages.pack(draft, out, identity=pair.officer_id.fingerprint, ask=no_ask)
        there = dpo.packages.unpack(out).assessment_id
        first_risk = dpo.assessments.document(there).risks[0]
        dpo.assessments.remove_risk(there, first_risk.ref)  # re-added: now last
        dpo.assessments.put_risk(there, first_risk.model_copy(update={"severity": "severe"}))
        first_file = dpo.assessments.document(there).attachments[0]
        dpo.assessments.remove_attachment(there, first_file)
        dpo.assessments.add_attachment(there, first_file)
        back = tmp_path / "back.pk"
        dpo.packages.pack(there, back, identity=pair.dpo_id.fingerprint, ask=no_ask)
        theirs = dpo.assessments.document(there)

        preview = officer.packages.inspect(back)
        assert preview.plan is not None and not preview.conflicts
        officer.packages.unpack(back)
        mine = officer.assessments.document(draft)
        assert [r.ref for r in mine.risks] == [r.ref for r in theirs.risks] == ["R2", "R3", "R1"]
        assert [a.name for a in mine.attachments] == [a.name for a in theirs.attachments]
        assert mine.risks[-1].severity == "severe"
        assert content_hash(mine) == content_hash(theirs)
        again = officer.packages.inspect(back).plan
        assert again is not None and not again.changes_anything


def _draft_with_parts(pair: Pair) -> int:
    service = pair.officer.assessments
    from tests.conftest import CORE, PROGRAMME

    draft = service.create("dpia", "DPIA for call handling", PROGRAMME, CORE, owner="IAO")
    for n in (1, 2, 3):
        service.put_risk(
            draft,
            Risk(ref=f"R{n}", title=f"Risk {n}", likelihood="possible", severity="significant"),
        )
        service.add_attachment(draft, attachment(f"evidence-{n}.txt", f"evidence {n}"))
    return draft
