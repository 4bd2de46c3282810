"""Conformance terms from the evaluation grid: hand-made grids, and properties of every grid."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ccassure.domain.conformance import (
    LEVELS,
    OUTCOMES,
    Level,
    Outcome,
    conformance,
    grid_conformance,
    level_summaries,
)
from ccassure.domain.document import Evaluation, Sample, Scope
from ccassure.domain.evaluation import (
    Criterion,
    grid_rows,
    grid_text,
    move_evaluations,
    rename_problems,
    sample_mapping,
    scope_problems,
)

SAMPLES = ("Log-in", "Call queue", "Incident form", "Map view")


def term(level: Level, *outcomes: Outcome) -> str | None:
    return conformance(level, outcomes, len(outcomes)).term


def test_every_sample_passed_or_absent_supports() -> None:
    assert term("AA", "passed", "passed", "inapplicable", "passed") == "supports"
    assert conformance("AA", ["passed"] * 4, 4).label == "Supports"


def test_a_failure_among_passes_partially_supports_and_most_failing_does_not_support() -> None:
    assert term("A", "passed", "failed", "passed", "passed") == "partially_supports"
    assert term("A", "passed", "failed", "failed", "passed") == "partially_supports"  # a tie
    assert term("A", "failed", "failed", "failed", "passed") == "does_not_support"
    assert term("AA", "failed", "inapplicable", "inapplicable", "inapplicable") == (
        "does_not_support"
    )


def test_a_failure_is_known_before_the_grid_is_complete() -> None:
    result = conformance("AA", ["failed", "untested", "untested", "untested"], 4)
    assert result.term == "does_not_support"
    assert not result.final
    assert result.label == "Does Not Support (so far)"
    assert result.progress == "1 of 4 checked"


def test_gaps_without_failure_are_not_yet_evaluated_below_aaa_and_not_evaluated_at_aaa() -> None:
    gaps: tuple[Outcome, ...] = ("passed", "untested", "passed", "passed")
    assert term("A", *gaps) is None
    assert term("AA", *gaps) is None
    assert conformance("AA", gaps, 4).label == "not yet evaluated"
    assert term("AAA", *gaps) == "not_evaluated"
    assert conformance("AAA", gaps, 4).label == "Not Evaluated"


def test_cannot_tell_is_a_gap_counted_apart() -> None:
    result = conformance("AA", ["passed", "cant_tell", "passed", "passed"], 4)
    assert result.term is None
    assert result.progress == "3 of 4 checked, 1 cannot tell"


def test_content_present_nowhere_is_not_applicable() -> None:
    assert term("A", "inapplicable", "inapplicable") == "not_applicable"


def test_no_sample_means_nothing_can_be_judged() -> None:
    assert conformance("AA", [], 0).term is None
    assert conformance("AAA", [], 0).term == "not_evaluated"


def test_a_hand_made_grid_and_its_level_summary() -> None:
    levels: dict[str, Level] = {"1.4.3": "AA", "2.1.1": "A", "2.1.2": "A", "1.4.6": "AAA"}
    outcomes: dict[tuple[str, str], Outcome] = {
        ("1.4.3", "Call queue"): "failed",
        ("1.4.3", "Log-in"): "passed",
        **{("2.1.1", s): "passed" for s in SAMPLES},
        ("2.1.2", "Map view"): "passed",
    }
    results = grid_conformance(levels, SAMPLES, outcomes)
    assert results["1.4.3"].term == "partially_supports"
    assert results["2.1.1"].term == "supports"
    assert results["2.1.2"].term is None
    assert results["1.4.6"].term == "not_evaluated"
    summaries = {s.level: s.text() for s in level_summaries(results.values())}
    assert summaries["A"] == "Level A (2 criteria): 1 Supports, 1 not yet evaluated"
    assert summaries["AA"] == "Level AA (1 criteria): 1 Partially Supports"
    assert summaries["AAA"] == "Level AAA (1 criteria): 1 Not Evaluated"


def test_grid_rows_fill_missing_cells_as_untested_and_give_a_text_alternative() -> None:
    criterion = Criterion("1.4.3", "Contrast (Minimum)", "AA", "Perceivable", "1.4")
    scope = Scope(samples=tuple(Sample(name=s) for s in SAMPLES))
    found = Evaluation(criterion="1.4.3", sample="Map view", outcome="failed", notes="2.1:1")
    (row,) = grid_rows([criterion], scope, [found])
    assert [c.outcome for c in row.cells] == ["untested", "untested", "untested", "failed"]
    assert row.conformance.label == "Does Not Support (so far)"
    text = grid_text([row], 86, 4)
    assert text.startswith("Showing 1 of 86 criteria over 4 samples.")
    assert "Level AA (1 criteria): 1 Does Not Support." in text


def test_renaming_moves_evaluations_and_removing_takes_them_away() -> None:
    cells = [
        Evaluation(criterion="1.4.3", sample="Map view", outcome="failed"),
        Evaluation(criterion="1.4.3", sample="Log-in", outcome="passed"),
        Evaluation(criterion="2.1.1", sample="Search", outcome="passed"),
    ]
    mapping = sample_mapping(
        ["Map view", "Log-in", "Search"], ["Map", "Log-in"], {"Map view": "Map"}
    )
    kept, removed = move_evaluations(cells, mapping)
    assert [(e.criterion, e.sample) for e in kept] == [("1.4.3", "Map"), ("1.4.3", "Log-in")]
    assert [e.sample for e in removed] == ["Search"]


def test_two_samples_may_swap_names_and_a_taken_name_is_not_inherited() -> None:
    swap = sample_mapping(["A", "B"], ["A", "B"], {"A": "B", "B": "A"})
    assert swap == {"A": "B", "B": "A"}
    # A renamed to B while the old B was removed: B's results go, A's become B's
    assert sample_mapping(["A", "B"], ["B"], {"A": "B"}) == {"A": "B", "B": None}


def test_scope_and_rename_problems() -> None:
    twice = Scope(samples=(Sample(name="Map"), Sample(name="map ")))
    assert scope_problems(twice) == ["two samples are called 'map'"]
    assert rename_problems(["A"], ["B"], {"C": "B"}) == ["no sample 'C' to rename"]
    assert rename_problems(["A", "B"], ["C"], {"A": "C", "B": "C"}) == [
        "two samples are renamed to the same name"
    ]


outcome_lists = st.lists(st.sampled_from(OUTCOMES), min_size=1, max_size=12)
levels = st.sampled_from(LEVELS)


@given(levels, outcome_lists)
def test_any_failure_never_supports_nor_is_left_without_a_term(
    level: Level, outcomes: list[Outcome]
) -> None:
    result = conformance(level, outcomes, len(outcomes))
    if "failed" in outcomes:
        assert result.term in ("partially_supports", "does_not_support")


@given(levels, outcome_lists)
def test_terms_follow_the_acr_rules(level: Level, outcomes: list[Outcome]) -> None:
    result = conformance(level, outcomes, len(outcomes))
    if result.term == "supports":
        assert set(outcomes) <= {"passed", "inapplicable"} and "passed" in outcomes
    if result.term == "not_applicable":
        assert set(outcomes) == {"inapplicable"}
    if result.term == "not_evaluated":
        assert level == "AAA"
    if level != "AAA" and result.term is None:
        assert {"untested", "cant_tell"} & set(outcomes)
    assert 0 <= result.checked <= result.sample_size
    assert result.final == (result.checked == len(outcomes))


@given(levels, outcome_lists, st.randoms())
def test_the_order_of_the_samples_does_not_matter(
    level: Level, outcomes: list[Outcome], random: object
) -> None:
    shuffled = list(outcomes)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert conformance(level, outcomes, len(outcomes)) == conformance(
        level, shuffled, len(shuffled)
    )


@given(levels, outcome_lists, st.sampled_from(("passed", "inapplicable")))
def test_a_better_outcome_never_makes_the_term_worse(
    level: Level, outcomes: list[Outcome], better: Outcome
) -> None:
    rank = {
        "does_not_support": 0,
        "partially_supports": 1,
        None: 2,
        "not_evaluated": 2,
        "supports": 3,
        "not_applicable": 3,
    }
    before = conformance(level, outcomes, len(outcomes)).term
    improved = [better if o == "failed" else o for o in outcomes[:1]] + outcomes[1:]
    after = conformance(level, improved, len(improved)).term
    assert rank[after] >= rank[before]
