"""What packing and unpacking report: the package written, the preview, the result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ccassure.domain.document import AssessmentDocument, Signoff
from ccassure.domain.merge import Change, MergePlan
from ccassure.domain.summary import AssessmentSummary
from ccassure.services.package_reading import VerifiedPackage


@dataclass(frozen=True)
class PackResult:
    path: Path
    assessment_id: int
    title: str
    version: int
    sender: str
    fingerprint: str
    encrypted: bool
    size: int
    has_base: bool


@dataclass(frozen=True)
class PackagePreview:
    """A verified package and what unpacking it would do to this store."""

    package: VerifiedPackage
    local: AssessmentSummary | None  # the same version here, if any
    joins: bool  # a new version of an assessment this store holds
    plan: MergePlan | None  # None when the package brings a version this store lacks
    base_known: bool
    labels: Mapping[str, str] = field(default_factory=dict)  # Change.key → label for people

    @property
    def path(self) -> Path:
        return self.package.path

    @property
    def sender(self) -> str:
        return self.package.sender

    @property
    def sender_fingerprint(self) -> str:
        return self.package.sender_fingerprint

    @property
    def created_at(self) -> str:
        return self.package.created_at

    @property
    def note(self) -> str:
        return self.package.note

    @property
    def encrypted(self) -> bool:
        return self.package.encrypted

    @property
    def remote(self) -> AssessmentDocument:
        return self.package.remote

    def label(self, change: Change) -> str:
        """The change as people call it: an answer by its question, a risk by its title."""
        return self.labels.get(change.key, change.label)

    @property
    def is_new(self) -> bool:
        return self.plan is None

    @property
    def conflicts(self) -> tuple[Change, ...]:
        return self.plan.conflicts if self.plan else ()

    @property
    def signoffs(self) -> tuple[Signoff, ...]:
        return self.plan.signoffs_to_add if self.plan else self.remote.signoffs

    def message(self) -> str:
        header = self.remote.assessment
        what = f"“{header.title}” version {header.version} from {self.sender}"
        if self.plan is None:
            where = "a new version of an assessment here" if self.joins else "a new assessment"
            return f"{what}: {where}, with {len(self.remote.signoffs)} sign-off(s)."
        if not self.plan.changes_anything:
            return f"{what}: nothing new; this store already has everything in it."
        return (
            f"{what}: {len(self.plan.incoming)} change(s) to take, "
            f"{len(self.plan.signoffs_to_add)} sign-off(s) to add, "
            f"{len(self.plan.conflicts)} conflict(s) to choose"
            + ("" if self.base_known else " (the last exchange is not known here)")
            + "."
        )


@dataclass(frozen=True)
class UnpackResult:
    assessment_id: int
    created: bool
    changes_taken: int
    signoffs_added: int
    status: str
    backup: Path

    def message(self) -> str:
        if self.created:
            return f"Unpacked as assessment {self.assessment_id} ({self.status.replace('_', ' ')})."
        return (
            f"Merged into assessment {self.assessment_id}: {self.changes_taken} change(s) "
            f"taken, {self.signoffs_added} sign-off(s) added; now "
            f"{self.status.replace('_', ' ')}. Backup: {self.backup}"
        )
