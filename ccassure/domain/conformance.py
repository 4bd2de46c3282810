"""Conformance of each WCAG criterion from the evaluation grid, in ACR / VPAT 2.5 terms.

How a criterion's outcomes over the sample become one term (our reading of the ITI VPAT 2.5
definitions and WCAG-EM step 4; the sample is the scope's screens, a missing cell is untested):

- Any *failed* sample: never Supports. **Does Not Support** when most of the samples where the
  content is present and was judged failed (failed > passed); otherwise **Partially Supports**.
  This holds even while other samples are unchecked, because a failure is already known; the
  term is then marked not final ("so far"), as later results may still move it.
- No failure, but a sample untested or *cannot tell*: the criterion is not yet evaluated. For
  Level AAA that is the ACR term **Not Evaluated**; for Level A and AA, where an ACR may not say
  Not Evaluated, there is no term yet and the progress says "not yet evaluated".
- Every sample judged, none failed: **Not Applicable** when the content is present on none of
  them (all *inapplicable*); otherwise **Supports**.
- With no sample in scope nothing can be judged: Not Evaluated (AAA) or not yet evaluated.

Progress is the number of samples judged (passed, failed or not present) of the sample size;
*cannot tell* is counted apart, as needing review.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final, Literal

Outcome = Literal["passed", "failed", "cant_tell", "inapplicable", "untested"]
Level = Literal["A", "AA", "AAA"]
Term = Literal[
    "supports", "partially_supports", "does_not_support", "not_applicable", "not_evaluated"
]
OUTCOMES: Final[tuple[Outcome, ...]] = ("passed", "failed", "cant_tell", "inapplicable", "untested")
LEVELS: Final[tuple[Level, ...]] = ("A", "AA", "AAA")
TERMS: Final[tuple[Term, ...]] = (
    "supports",
    "partially_supports",
    "does_not_support",
    "not_applicable",
    "not_evaluated",
)
TERM_LABELS: Final[dict[Term, str]] = {
    "supports": "Supports",
    "partially_supports": "Partially Supports",
    "does_not_support": "Does Not Support",
    "not_applicable": "Not Applicable",
    "not_evaluated": "Not Evaluated",
}
OUTCOME_LABELS: Final[dict[Outcome, str]] = {
    "passed": "Passed",
    "failed": "Failed",
    "cant_tell": "Cannot tell",
    "inapplicable": "Not present",
    "untested": "Not checked",
}
NOT_YET: Final = "not yet evaluated"


@dataclass(frozen=True)
class Conformance:
    """One criterion's outcome counts over the sample, its term (None: not yet) and progress."""

    level: Level
    sample_size: int
    passed: int = 0
    failed: int = 0
    cant_tell: int = 0
    inapplicable: int = 0
    term: Term | None = None

    @property
    def checked(self) -> int:
        """Samples judged: passed, failed or not present."""
        return self.passed + self.failed + self.inapplicable

    @property
    def final(self) -> bool:
        """Every sample is judged, so more testing cannot change the term."""
        return self.sample_size > 0 and self.checked == self.sample_size

    @property
    def label(self) -> str:
        """The term as an ACR says it, or 'not yet evaluated'; '(so far)' while not final."""
        if self.term is None:
            return NOT_YET
        text = TERM_LABELS[self.term]
        return text if self.final or self.term == "not_evaluated" else f"{text} (so far)"

    @property
    def progress(self) -> str:
        """'3 of 7 checked', with how many cannot be told yet."""
        text = f"{self.checked} of {self.sample_size} checked"
        return f"{text}, {self.cant_tell} cannot tell" if self.cant_tell else text


def conformance(level: Level, outcomes: Iterable[Outcome], sample_size: int) -> Conformance:
    """The conformance of one criterion from its outcomes, one per sample (missing = untested)."""
    counts = Counter(outcomes)
    found = Conformance(
        level=level,
        sample_size=sample_size,
        passed=counts["passed"],
        failed=counts["failed"],
        cant_tell=counts["cant_tell"],
        inapplicable=counts["inapplicable"],
    )
    return replace(found, term=_term(found))


def _term(found: Conformance) -> Term | None:
    if found.failed:
        return "does_not_support" if found.failed > found.passed else "partially_supports"
    if not found.final:
        return "not_evaluated" if found.level == "AAA" else None
    if found.inapplicable == found.sample_size:
        return "not_applicable"
    return "supports"


def grid_conformance(
    levels: Mapping[str, Level],
    samples: Sequence[str],
    outcomes: Mapping[tuple[str, str], Outcome],
) -> dict[str, Conformance]:
    """Every criterion's conformance from a grid of (criterion, sample) → outcome."""
    return {
        criterion: conformance(
            level, (outcomes.get((criterion, s), "untested") for s in samples), len(samples)
        )
        for criterion, level in levels.items()
    }


@dataclass(frozen=True)
class LevelSummary:
    """How many criteria of one level have each term, and how many are not yet evaluated."""

    level: Level
    criteria: int
    terms: tuple[tuple[Term, int], ...]
    not_yet: int

    def text(self) -> str:
        parts = [f"{count} {TERM_LABELS[term]}" for term, count in self.terms if count]
        if self.not_yet:
            parts.append(f"{self.not_yet} {NOT_YET}")
        return f"Level {self.level} ({self.criteria} criteria): " + (", ".join(parts) or "none")


def level_summaries(results: Iterable[Conformance]) -> tuple[LevelSummary, ...]:
    """Overall counts per level, for the levels that have criteria."""
    by_level: dict[Level, list[Conformance]] = {level: [] for level in LEVELS}
    for result in results:
        by_level[result.level].append(result)
    summaries = []
    for level, found in by_level.items():
        if not found:
            continue
        terms = Counter(r.term for r in found if r.term is not None)
        summaries.append(
            LevelSummary(
                level,
                len(found),
                tuple((term, terms[term]) for term in TERMS),
                sum(1 for r in found if r.term is None),
            )
        )
    return tuple(summaries)
