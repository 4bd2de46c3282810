"""The four built-in templates, their content, and loading of users' own templates."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from ccassure.domain.templates import KINDS, TemplateError, load_template, load_templates

ROOT = Path(__file__).resolve().parent.parent
BUILTIN = ROOT / "resources" / "templates"
WCAG_CSV = ROOT.parent / "shared" / "reference" / "wcag22.csv"


def builtin(kind: str):  # type: ignore[no-untyped-def]
    found = load_templates(BUILTIN, None).for_kind(kind)
    assert found is not None, kind
    return found


def test_one_template_per_kind_loads() -> None:
    loaded = load_templates(BUILTIN, None)
    assert sorted(t.kind for t in loaded.templates) == sorted(KINDS)
    assert loaded.errors == ()


@pytest.mark.parametrize("kind", KINDS)
def test_item_keys_unique_and_every_item_has_a_reference(kind: str) -> None:
    template = builtin(kind)
    keys = [item.key for _, item in template.items()]
    assert len(keys) == len(set(keys))
    assert all(item.reference.strip() and item.prompt.strip() for _, item in template.items())
    assert template.signoff_roles


def test_wcag22_criteria_in_force_by_level() -> None:
    template = builtin("accessibility")
    criteria = [item.wcag for _, item in template.items() if item.wcag]
    assert len(criteria) == 86
    assert Counter(c.level for c in criteria) == {"A": 31, "AA": 24, "AAA": 31}
    assert "4.1.1" not in {c.number for c in criteria}
    required = {item.wcag.number for _, item in template.items() if item.wcag and item.required}
    assert len(required) == 55  # A + AA is the conformance target


@pytest.mark.skipif(not WCAG_CSV.exists(), reason="shared reference not beside the checkout")
def test_wcag22_criteria_match_the_reference_csv() -> None:
    with WCAG_CSV.open(encoding="utf-8") as handle:
        rows = {r["number"]: r for r in csv.DictReader(handle) if r["level"]}
    template = builtin("accessibility")
    ours = {item.wcag.number: item.wcag for _, item in template.items() if item.wcag}
    assert set(ours) == set(rows)
    for number, ref in ours.items():
        row = rows[number]
        assert (ref.level, ref.principle, ref.guideline) == (
            row["level"],
            row["principle"],
            row["guideline"],
        )


def test_dpia_has_the_ico_seven_steps_and_sign_off_rows() -> None:
    template = builtin("dpia")
    titles = [s.title for s in template.sections if s.key.startswith("step")]
    assert [t.split(":")[0] for t in titles] == [f"Step {n}" for n in range(1, 8)]
    assert "Identify and assess risks" in titles[4]
    roles = " | ".join(r.label.lower() for r in template.signoff_roles)
    for row in ("measures approved", "residual risks approved", "dpo advice", "kept under review"):
        assert row in roles
    assert len(template.signoff_roles) == 7
    assert set(template.scales["likelihood"].keys()) == {"remote", "possible", "probable"}
    assert set(template.scales["severity"].keys()) == {"minimal", "significant", "severe"}


def test_dpia_screening_covers_ico_list_and_wp248() -> None:
    template = builtin("dpia")
    screening = next(s for s in template.sections if s.key == "screening")
    assert len(screening.items) >= 19  # ten ICO types, nine WP248 criteria


def test_eia_has_nine_characteristics_and_three_aims() -> None:
    template = builtin("eia")
    characteristics = {c.key for c in template.lists["protected_characteristics"]}
    assert len(characteristics) == 9
    assert {"age", "disability", "race", "sex", "sexual_orientation"} <= characteristics
    assert len(template.lists["psed_aims"]) == 3
    assert len(template.lists["outcomes"]) == 4
    impact_items = {i.key for _, i in template.items() if i.key.startswith("impact.")}
    assert {f"impact.{c}" for c in characteristics} <= impact_items


def test_environmental_has_expiring_evidence() -> None:
    template = builtin("environmental")
    expiring = [item for _, item in template.items() if item.expires]
    assert expiring and all(item.answer == "date" for item in expiring)


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """
id = "{id}"
kind = "eia"
version = {version}
title = "Team check"
[[signoff_roles]]
key = "lead"
label = "Lead"
[[sections]]
key = "only"
title = "Only section"
[[sections.items]]
key = "q1"
prompt = "Question one"
answer = "text"
required = true
reference = "Local policy 1"
"""


def test_user_template_loads_beside_builtins(tmp_path: Path) -> None:
    _write(tmp_path, "team.toml", MINIMAL.format(id="team-eia", version=1))
    loaded = load_templates(BUILTIN, tmp_path)
    assert loaded.errors == ()
    assert loaded.get("team-eia") is not None
    assert len(loaded.templates) == 5


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (
            MINIMAL.format(id="x", version=1).replace('answer = "text"', 'answer = "essay"'),
            "sections.0.items.0.answer",
        ),
        (
            MINIMAL.format(id="x", version=1).replace('prompt = "Question one"\n', ""),
            "sections.0.items.0.prompt",
        ),
        (MINIMAL.format(id="x", version=0), "version"),
        ("id = [unclosed", "not valid TOML"),
        (MINIMAL.format(id="Bad Id", version=1), "id"),
    ],
)
def test_malformed_user_template_names_file_and_field(
    tmp_path: Path, text: str, field: str
) -> None:
    path = _write(tmp_path, "broken.toml", text)
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    message = str(caught.value)
    assert str(path) in message and field in message
    assert "\n" not in message
    loaded = load_templates(BUILTIN, tmp_path)
    assert len(loaded.templates) == 4 and len(loaded.errors) == 1
    assert str(path) in loaded.errors[0]


def test_user_template_cannot_replace_a_builtin_version(tmp_path: Path) -> None:
    _write(tmp_path, "clash.toml", MINIMAL.format(id="eia-psed", version=1))
    loaded = load_templates(BUILTIN, tmp_path)
    assert len(loaded.errors) == 1 and "already exists" in loaded.errors[0]
    assert loaded.get("eia-psed") == builtin("eia")


def test_duplicate_item_keys_are_refused(tmp_path: Path) -> None:
    text = MINIMAL.format(id="dup", version=1)
    item = text[text.index("[[sections.items]]") :]
    path = _write(tmp_path, "dup.toml", text + item)
    with pytest.raises(TemplateError, match="used twice"):
        load_template(path)


def test_matrix_must_fit_its_scales(tmp_path: Path) -> None:
    text = (BUILTIN / "dpia.toml").read_text(encoding="utf-8")
    row = '["low", "low", "medium"]'
    assert row in text
    for bad, why in (
        (row.replace('"low", "low"', '"low", "nil"'), "not a level of overall"),
        (row.replace(', "medium"', ""), "must have 3 rows of 3 cells"),
    ):
        path = _write(tmp_path, "dpia-broken.toml", text.replace(row, bad))
        with pytest.raises(TemplateError, match=why) as caught:
            load_template(path)
        assert "dpia-broken.toml" in str(caught.value) and "matrix" in str(caught.value)


def test_answers_read_as_labels() -> None:
    dpia, a11y = builtin("dpia"), builtin("accessibility")
    rating = next(i for _, i in a11y.items() if i.answer == "rating")
    level = a11y.scales[rating.scale or ""].levels[0]
    assert a11y.answer_label(rating.key, level.key) == level.label
    choice = next(i for _, i in dpia.items() if i.answer == "choice")
    assert dpia.answer_label(choice.key, choice.choices[0].key) == choice.choices[0].label
    yes_no = next(i for _, i in dpia.items() if i.answer == "yes_no_partly")
    assert dpia.answer_label(yes_no.key, "not_applicable") == "not applicable"
    assert dpia.answer_label("no-such-item", "x") == "x"
