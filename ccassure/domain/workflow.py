"""The review workflow: which transitions are allowed, and when a version may be edited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ccassure.domain.errors import CcassureError

if TYPE_CHECKING:
    from ccassure.domain.document import Status


class WorkflowError(CcassureError):
    """A transition or edit the workflow refuses, with the reason."""


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[Status, ...]
    target: Status
    label: str


TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", ("draft", "changes_requested"), "in_review", "Submit for review"),
    Transition("withdraw", ("in_review",), "draft", "Withdraw from review"),
    Transition("approve", ("in_review",), "approved", "Approve and seal"),
    Transition("request_changes", ("in_review",), "changes_requested", "Request changes"),
)
EDITABLE: frozenset[Status] = frozenset({"draft", "changes_requested"})


def transition(name: str) -> Transition:
    found = next((t for t in TRANSITIONS if t.name == name), None)
    if found is None:
        names = ", ".join(t.name for t in TRANSITIONS)
        raise WorkflowError(f"unknown transition {name!r}; use one of {names}")
    return found


def next_status(current: Status, name: str) -> Status:
    """The status after applying a named transition, or WorkflowError if it is not allowed."""
    step = transition(name)
    if current not in step.source:
        allowed = ", ".join(t.name for t in available(current)) or "none (start a new version)"
        raise WorkflowError(
            f"cannot {step.name.replace('_', ' ')} an assessment that is "
            f"{current.replace('_', ' ')}; allowed: {allowed}"
        )
    return step.target


def available(current: Status) -> tuple[Transition, ...]:
    return tuple(t for t in TRANSITIONS if current in t.source)


def check_editable(current: Status) -> None:
    """Approved versions are sealed and versions in review are frozen for their reviewers."""
    if current == "approved":
        raise WorkflowError("this version is approved and sealed; start a new version to change it")
    if current not in EDITABLE:
        raise WorkflowError(
            f"this version is {current.replace('_', ' ')}; withdraw it from review to edit it"
        )


def can_start_new_version(current: Status) -> bool:
    return current == "approved"
