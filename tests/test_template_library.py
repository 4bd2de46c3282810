"""The template library: copies, saving users' templates safely, drafts, and reloading them."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from ccassure.domain.template_text import replace_top_level
from ccassure.domain.templates import TemplateError, load_templates, parse_template
from ccassure.services.context import Context
from ccassure.services.errors import ServiceError
from ccassure.services.paths import builtin_resources
from ccassure.services.template_library import TemplateLibrary
from tests.conftest import CORE, PROGRAMME

BUILTIN = builtin_resources() / "templates"


@pytest.fixture
def library(tmp_path: Path) -> TemplateLibrary:
    return TemplateLibrary(BUILTIN, tmp_path / "templates")


def user_files(library: TemplateLibrary) -> list[Path]:
    return sorted(library.user_dir.glob("*.toml")) if library.user_dir.is_dir() else []


def test_listing_says_where_each_template_comes_from(library: TemplateLibrary) -> None:
    library.save_user_template(library.copy_text("eia-psed"))
    entries = library.entries()
    assert [e.template.id for e in entries if e.builtin] == [
        "accessibility-wcag22",
        "dpia-ico",
        "eia-psed",
        "environmental-supplier",
    ]
    (mine,) = [e for e in entries if not e.builtin]
    assert mine.template.id == "eia-psed-copy"
    assert mine.path == library.user_dir / "eia-psed-copy.toml"


def test_copy_gets_a_new_id_title_and_version_and_keeps_comments(
    library: TemplateLibrary,
) -> None:
    original = (BUILTIN / "dpia.toml").read_text(encoding="utf-8")
    text = library.copy_text("dpia-ico")
    copy = parse_template(text, "copy")
    builtin = parse_template(original, "dpia")
    assert (copy.id, copy.version) == ("dpia-ico-copy", 1)
    assert copy.title == f"{builtin.title} (copy)"
    assert copy.sections == builtin.sections and copy.description == builtin.description
    assert text.splitlines()[:3] == original.splitlines()[:3]  # the heading comments stay
    assert len(text.splitlines()) == len(original.splitlines())


def test_each_copy_gets_its_own_id(library: TemplateLibrary) -> None:
    library.save_user_template(library.copy_text("dpia-ico"))
    second = parse_template(library.copy_text("dpia-ico"), "copy")
    assert second.id == "dpia-ico-copy-2"
    library.save_draft("dpia-ico-copy-2", "typed but not saved")
    from_copy = parse_template(library.copy_text("dpia-ico-copy"), "copy")
    assert from_copy.id == "dpia-ico-copy-3"
    assert from_copy.title.count("(copy)") == 1


def test_copying_an_unknown_template_is_refused(library: TemplateLibrary) -> None:
    with pytest.raises(TemplateError, match="no template 'nope'"):
        library.copy_text("nope")


def test_top_level_keys_are_rewritten_whatever_their_layout() -> None:
    text = (
        "# heading\n"
        'description = """\nid = "not this one"\n[not-a-table]\n"""\n'
        "'id' = 'old' # the id\n"
        'title = """Old\ntitle"""\n'
        "version = 7\n"
        'sources = [\n  "a ] b", # ]\n]\n'
        "[scales.x]\n"
        'id = "inner"\n'
    )
    rewritten = replace_top_level(text, {"id": "new", "title": 'A "quoted"\ttitle', "version": 1})
    data = tomllib.loads(rewritten)
    assert (data["id"], data["title"], data["version"]) == ("new", 'A "quoted"\ttitle', 1)
    assert data["description"] == 'id = "not this one"\n[not-a-table]\n'
    assert data["sources"] == ["a ] b"] and data["scales"]["x"]["id"] == "inner"
    assert "# the id\n" in rewritten and rewritten.startswith("# heading\n")


def test_a_missing_top_level_key_is_refused() -> None:
    with pytest.raises(TemplateError, match="no top-level title"):
        replace_top_level('id = "x"\n[t]\ntitle = "y"\n', {"title": "z"})


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda t: t.replace('id = "dpia-ico-copy"', 'id = "dpia-ico-copy'), "not valid TOML"),
        (lambda t: t.replace("version = 1", "version = 0", 1), "version"),
        (lambda t: t.replace('answer = "text"', 'answer = "essay"', 1), "answer"),
        (lambda t: t.replace('id = "dpia-ico-copy"', 'id = "dpia-ico"'), "built-in"),
    ],
)
def test_save_refuses_bad_templates_and_writes_nothing(
    library: TemplateLibrary,
    breakage,
    expected: str,  # type: ignore[no-untyped-def]
) -> None:
    text = breakage(library.copy_text("dpia-ico"))
    with pytest.raises(TemplateError) as caught:
        library.save_user_template(text)
    assert expected in str(caught.value) and "\n" not in str(caught.value)
    assert user_files(library) == []


def test_save_refuses_a_clash_with_another_user_file(library: TemplateLibrary) -> None:
    text = library.copy_text("eia-psed")
    library.user_dir.mkdir(parents=True)
    other = library.user_dir / "team.toml"
    other.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError, match=r"team\.toml"):
        library.save_user_template(text)
    assert user_files(library) == [other]


def test_saved_template_loads_with_the_builtins(library: TemplateLibrary) -> None:
    text = library.copy_text("dpia-ico").replace("(copy)", "for Acme")
    saved = library.save_user_template(text)
    loaded = load_templates(BUILTIN, library.user_dir)
    assert loaded.errors == ()
    assert loaded.get("dpia-ico-copy") == saved
    assert saved.title.endswith("for Acme")


def test_saving_again_overwrites_only_its_own_file_atomically(
    library: TemplateLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = library.copy_text("eia-psed")
    library.save_user_template(text)
    own = library.user_dir / "eia-psed-copy.toml"
    changed = text.replace("(copy)", "(team)")
    library.save_user_template(changed, editing=own)
    assert own.read_text(encoding="utf-8") == changed
    assert user_files(library) == [own]

    def full_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(ServiceError, match="No space left"):
        library.save_user_template(changed.replace("(team)", "(lost)"), editing=own)
    assert own.read_text(encoding="utf-8") == changed  # the old file is whole
    assert sorted(p.name for p in library.user_dir.iterdir()) == [own.name]  # no temp file


def test_a_new_version_never_replaces_an_older_one(library: TemplateLibrary) -> None:
    text = library.copy_text("eia-psed")
    library.save_user_template(text)
    first = library.user_dir / "eia-psed-copy.toml"
    library.save_user_template(text.replace("version = 1", "version = 2", 1), editing=first)
    assert first.read_text(encoding="utf-8") == text
    loaded = load_templates(BUILTIN, library.user_dir)
    assert sorted(t.version for t in loaded.templates if t.id == "eia-psed-copy") == [1, 2]


def test_a_file_holding_another_template_is_never_overwritten(library: TemplateLibrary) -> None:
    text = library.copy_text("eia-psed")
    library.user_dir.mkdir(parents=True)
    for name in ("eia-psed-copy.toml", "eia-psed-copy-v1.toml"):
        (library.user_dir / name).write_text("not a template [", encoding="utf-8")
    with pytest.raises(TemplateError, match="already hold other templates"):
        library.save_user_template(text)
    assert all(p.read_text() == "not a template [" for p in user_files(library))


def test_drafts_round_trip_and_are_never_loaded_as_templates(library: TemplateLibrary) -> None:
    assert library.load_draft("dpia-ico-copy") is None
    half_typed = 'id = "dpia-ico"\ntitle = "'  # not valid yet: kept all the same
    library.save_draft("dpia-ico-copy", half_typed)
    assert library.load_draft("dpia-ico-copy") == half_typed
    assert library.draft_names() == ["dpia-ico-copy"]
    assert load_templates(BUILTIN, library.user_dir).errors == ()
    library.discard_draft("dpia-ico-copy")
    library.discard_draft("dpia-ico-copy")  # already gone: fine
    assert library.load_draft("dpia-ico-copy") is None
    assert library.draft_names() == []


def test_a_draft_name_cannot_leave_the_drafts_folder(library: TemplateLibrary) -> None:
    library.save_draft("../../escape", "text")
    assert library.draft_path("../../escape").parent == library.drafts_dir
    assert not (library.user_dir.parent / "escape.toml").exists()


def test_reloading_gives_a_saved_template_to_every_service(context: Context) -> None:
    library = TemplateLibrary.for_paths(context.paths)
    library.save_user_template(library.copy_text("dpia-ico").replace("(copy)", "for Acme"))
    assert context.templates.get("dpia-ico-copy") is None
    reloaded = context.reload_templates()
    assert context.templates is reloaded
    assert context.assessments.templates is reloaded and context.dashboard.templates is reloaded
    new_id = context.assessments.create(
        "dpia", "Acme DPIA", PROGRAMME, CORE, template_id="dpia-ico-copy"
    )
    document = context.assessments.document(new_id)
    assert document.assessment.template_id == "dpia-ico-copy"
