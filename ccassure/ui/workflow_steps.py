"""The assessment page's workflow steps: withdraw from review, start version n+1."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccassure.ui.main_window import MainWindow
    from ccassure.ui.tasks import TaskControl


def withdraw_from_review(window: MainWindow, assessment_id: int) -> None:
    """Back to a draft on the write worker; the page shows (and says) the new state."""
    context = window.context
    if context is None:
        return

    def withdraw(_control: TaskControl) -> str:
        context.assessments.transition(assessment_id, "withdraw")
        return context.assessments.summary(assessment_id).title

    def withdrawn(title: str) -> None:
        window.refresh(quiet=True)
        window.open_assessment(
            assessment_id,
            announce=f"Withdrew {title} from review: it is a draft again and can be edited",
        )

    window.say("Withdrawing from review…")
    window.runner.run("withdraw from review", withdraw, withdrawn, window.report, write=True)


def start_new_version(window: MainWindow, assessment_id: int) -> None:
    """Copy an approved version into a new draft on the write worker, and open it to edit."""
    context = window.context
    if context is None:
        return

    def start(_control: TaskControl) -> tuple[int, str, int]:
        new_id = context.assessments.start_new_version(assessment_id)
        summary = context.assessments.summary(new_id)
        return new_id, summary.title, summary.version

    def started(result: tuple[int, str, int]) -> None:
        new_id, title, version = result
        window.refresh(quiet=True)
        window.editing.edit(
            new_id,
            announce=(
                f"Started version {version} of {title} as a draft; editing it. "
                f"Version {version - 1} stays approved and sealed"
            ),
        )

    window.say("Starting a new version…")
    window.runner.run("start a new version", start, started, window.report, write=True)
