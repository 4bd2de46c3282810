"""Review packages between two stores: the round trip, merging, conflicts and refusals."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccassure.domain.document import ComponentRef, ProgrammeRef, Response
from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from ccassure.store.package_log import PackageLog
from tests.conftest import CORE, PROGRAMME
from tests.keyrings import MemoryKeyring
from tests.package_helpers import PACKAGE_PASS, Pair, no_ask, store_bytes, trust, two_laptops
from tests.signoff_helpers import in_review


@pytest.fixture
def pair(tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[Pair]:
    with two_laptops(tmp_path) as both:
        yield both


def test_round_trip_officer_to_dpo_and_back(pair: Pair) -> None:
    officer, dpo = pair.officer, pair.dpo
    assessment = in_review(officer)
    sent = pair.folder / "for-dpo.ccpack"
    result = officer.packages.pack(
        assessment,
        sent,
        identity=pair.officer_id.fingerprint,
        passphrase=PACKAGE_PASS,
        note="For your advice",
        ask=no_ask,
    )
    assert result.encrypted and not result.has_base
    assert stat.S_IMODE(os.stat(sent).st_mode) == 0o600
    trust(dpo, officer, pair.officer_id.fingerprint, pair.folder)

    preview = dpo.packages.inspect(sent, PACKAGE_PASS)
    assert preview.is_new and preview.sender == "Olu Officer" and preview.note == "For your advice"
    unpacked = dpo.packages.unpack(sent, PACKAGE_PASS)
    assert unpacked.created and unpacked.status == "in_review"
    there = unpacked.assessment_id
    assert (
        dpo.assessments.document(there).assessment.uid
        == officer.assessments.document(assessment).assessment.uid
    )

    outcome = dpo.signoffs.sign_off(
        there,
        "dpo-advice-provided",
        "advice_given",
        "Proceed once M3 is in place.",
        pair.dpo_id.fingerprint,
        no_ask,
    )
    assert outcome.view.state == "valid"
    back = pair.folder / "from-dpo.ccpack"
    assert dpo.packages.pack(there, back, identity=pair.dpo_id.fingerprint, ask=no_ask).has_base

    with pytest.raises(ServiceError, match=r"Dana DPO.*not known in this store.*identity trust"):
        officer.packages.inspect(back)
    trust(officer, dpo, pair.dpo_id.fingerprint, pair.folder)
    preview = officer.packages.inspect(back)
    assert preview.plan is not None and preview.base_known
    assert not preview.conflicts and not preview.plan.incoming
    assert [s.name for s in preview.signoffs] == ["Dana DPO"]
    assert preview.plan.comments_to_add == ("Proceed once M3 is in place.",)
    merged = officer.packages.unpack(back)
    assert (merged.assessment_id, merged.signoffs_added, merged.created) == (assessment, 1, False)
    assert merged.backup.is_file()
    views = officer.signoffs.views(assessment)
    assert [(v.name, v.role, v.comments, v.state) for v in views] == [
        ("Dana DPO", "dpo-advice-provided", "Proceed once M3 is in place.", "valid")
    ]
    log = PackageLog(officer.store.reader()).entries(assessment)
    assert [e.action for e in log] == ["package_received", "package_sent"]
    again = officer.packages.inspect(back).plan
    assert again is not None and not again.changes_anything  # unpacking twice brings nothing twice


def test_a_conflict_is_listed_and_resolved_each_way(pair: Pair) -> None:
    officer, dpo = pair.officer, pair.dpo
    trust(dpo, officer, pair.officer_id.fingerprint, pair.folder)
    trust(officer, dpo, pair.dpo_id.fingerprint, pair.folder)
    service = officer.assessments
    assessment = service.create("dpia", "DPIA for call handling", *_where(), owner="IAO")
    item = _first_text_item(officer, assessment)
    service.set_response(assessment, Response(item=item, value="Callers' data"))
    out = pair.folder / "draft.ccpack"
    officer.packages.pack(assessment, out, identity=pair.officer_id.fingerprint, ask=no_ask)
    there = dpo.packages.unpack(out).assessment_id
    dpo.assessments.set_response(there, Response(item=item, value="Callers' and witnesses' data"))
    dpo.assessments.update_header(there, summary="DPO: add witnesses")
    back = pair.folder / "back.ccpack"
    dpo.packages.pack(there, back, identity=pair.dpo_id.fingerprint, ask=no_ask)
    service.set_response(assessment, Response(item=item, value="Callers' data only"))
    preview = officer.packages.inspect(back)
    (conflict,) = preview.conflicts
    assert conflict.key == f"responses[{item}].value"
    assert (conflict.base, conflict.local, conflict.remote) == (
        "Callers' data",
        "Callers' data only",
        "Callers' and witnesses' data",
    )
    before = store_bytes(officer)
    prompt = service.template_for(service.document(assessment)).item(item)
    assert prompt is not None
    assert preview.label(conflict) == f"Answer to “{prompt.prompt[:59]}…”: answer" or (
        preview.label(conflict) == f"Answer to “{prompt.prompt}”: answer"
    )
    first = rf"1 conflict.*first Answer to “.*\({re.escape(conflict.key)}\)"
    with pytest.raises(ServiceError, match=first):
        officer.packages.unpack(back)
    assert store_bytes(officer) == before
    officer.packages.unpack(back, choices={conflict.key: "mine"})
    kept = officer.assessments.document(assessment)
    assert {r.item: r.value for r in kept.responses}[item] == "Callers' data only"
    assert kept.assessment.summary == "DPO: add witnesses"  # only they changed it: taken

    second = pair.folder / "second.ccpack"
    dpo.assessments.set_response(there, Response(item=item, value="Witnesses too"))
    dpo.packages.pack(there, second, identity=pair.dpo_id.fingerprint, ask=no_ask)
    (again,) = officer.packages.inspect(second).conflicts
    officer.packages.unpack(second, choices={again.key: "theirs"})
    taken = officer.assessments.document(assessment)
    assert {r.item: r.value for r in taken.responses}[item] == "Witnesses too"


def _where() -> tuple[ProgrammeRef, ComponentRef]:
    return PROGRAMME, CORE


def _first_text_item(context: Context, assessment: int) -> str:
    service = context.assessments
    template = service.template_for(service.document(assessment))
    return next(item.key for _, item in template.items() if item.answer == "text")
