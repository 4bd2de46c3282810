"""SQLModel tables: the store's schema at the head revision (migrations build the same)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


def _parent(table: str) -> int:
    return Field(foreign_key=f"{table}.id", ondelete="CASCADE", index=True)  # type: ignore[no-any-return]


class ProgrammeRow(SQLModel, table=True):
    __tablename__ = "programme"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    name: str


class ComponentRow(SQLModel, table=True):
    __tablename__ = "component"
    __table_args__ = (UniqueConstraint("programme_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = _parent("programme")
    key: str
    name: str
    supplier: str = ""
    description: str = ""


class AssessmentRow(SQLModel, table=True):
    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("uid", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(index=True)
    kind: str = Field(index=True)
    title: str
    component_id: int = _parent("component")
    template_id: str
    template_version: int
    status: str
    version: int
    owner: str = ""
    marking: str = "OFFICIAL"
    review_due: date | None = None
    created_on: date
    summary: str = ""
    sealed_hash: str | None = None
    updated_at: str = ""


class ResponseRow(SQLModel, table=True):
    __tablename__ = "response"
    __table_args__ = (UniqueConstraint("assessment_id", "item"),)
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = _parent("assessment")
    item: str
    value: str = ""
    comment: str = ""
    evidence_json: str = "[]"


class CustomItemRow(SQLModel, table=True):
    __tablename__ = "custom_item"
    __table_args__ = (UniqueConstraint("assessment_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = _parent("assessment")
    key: str
    section: str
    prompt: str
    answer: str = "text"
    required: bool = False
    guidance: str = ""


class RiskRow(SQLModel, table=True):
    __tablename__ = "risk"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = _parent("assessment")
    ref: str
    title: str
    description: str = ""
    source: str = ""
    likelihood: str
    severity: str
    measures: str = ""
    effect: str = ""
    residual_likelihood: str = ""
    residual_severity: str = ""
    measure_approved: bool = False
    owner: str = ""
    status: str = "open"


class ImpactRow(SQLModel, table=True):
    __tablename__ = "impact"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = _parent("assessment")
    characteristic: str
    effect: str
    rating: str = ""
    rationale: str = ""
    evidence: str = ""
    mitigation: str = ""


class ActionRow(SQLModel, table=True):
    __tablename__ = "action"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = _parent("assessment")
    ref: str
    description: str
    owner: str = ""
    due: date | None = None
    status: str = "open"
    link: str = ""


class IssueRow(SQLModel, table=True):
    __tablename__ = "issue"
    __table_args__ = (
        Index("ix_issue_assessment_severity_status", "assessment_id", "severity", "status"),
        Index("ix_issue_assessment_status", "assessment_id", "status"),
        Index("ix_issue_assessment_assistive_tech", "assessment_id", "assistive_tech"),
        Index("ix_issue_assessment_screen", "assessment_id", "screen"),
        Index("ix_issue_assessment_rule_url", "assessment_id", "rule_id", "url"),
        Index("ix_issue_assessment_ref", "assessment_id", "ref"),
    )
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = _parent("assessment")
    ref: str
    title: str
    description: str = ""
    criteria: str = ""  # space-separated, for display; issue_criterion is for finding
    severity: str
    status: str = "open"
    status_reason: str = ""
    assistive_tech: str = ""
    at_version: str = ""
    os: str = ""
    browser: str = ""
    screen: str = ""
    steps: str = ""
    expected: str = ""
    actual: str = ""
    source: str = "manual"
    rule_id: str = ""
    url: str = ""
    needs_review: bool = False
    found_on: date | None = None
    screenshots: str = ""  # space-separated SHA-256 of attachments


class IssueCriterionRow(SQLModel, table=True):
    __tablename__ = "issue_criterion"
    __table_args__ = (
        Index("ix_issue_criterion_criterion", "criterion", "issue_id"),
        UniqueConstraint("issue_id", "criterion"),
    )
    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = _parent("issue")
    criterion: str


class OccurrenceRow(SQLModel, table=True):
    __tablename__ = "occurrence"
    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = _parent("issue")
    target: str
    html: str = ""
    failure_summary: str = ""
    resolved: bool = False


class RetestRow(SQLModel, table=True):
    __tablename__ = "retest"
    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = _parent("issue")
    tested_on: date
    outcome: str
    tester: str = ""
    assistive_tech: str = ""
    notes: str = ""


class ScopeRow(SQLModel, table=True):
    __tablename__ = "scope"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", unique=True)
    product: str = ""
    release: str = ""
    level: str = "AA"


class SampleRow(SQLModel, table=True):
    __tablename__ = "sample"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = _parent("assessment")
    name: str
    description: str = ""


class AtCombinationRow(SQLModel, table=True):
    __tablename__ = "at_combination"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = _parent("assessment")
    assistive_tech: str
    at_version: str = ""
    browser: str = ""
    os: str = ""


class LinkRow(SQLModel, table=True):
    __tablename__ = "link"
    __table_args__ = (Index("ix_link_target_uid", "target_uid"),)
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = _parent("assessment")
    source: str
    target_uid: str
    target: str


class EvaluationRow(SQLModel, table=True):
    __tablename__ = "evaluation"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = _parent("assessment")
    criterion: str
    sample: str
    outcome: str
    notes: str = ""


class AttachmentRow(SQLModel, table=True):
    __tablename__ = "attachment"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = _parent("assessment")
    name: str
    media_type: str
    sha256: str
    size: int
    data: bytes = Field(sa_type=LargeBinary)


class SignoffRow(SQLModel, table=True):
    __tablename__ = "signoff"
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = _parent("assessment")
    role: str
    name: str
    position: str = ""
    signed_on: date
    decision: str = "approved"
    notes: str = ""
    content_hash: str
    signature: str = ""
    signed_at: str = ""
    fingerprint: str = ""
    certificate_pem: str = ""


class IdentityRow(SQLModel, table=True):
    __tablename__ = "identity"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    email: str = ""
    fingerprint: str = Field(unique=True)
    certificate_pem: str
    created_at: str
    trusted: bool = False


class AuditEventRow(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: str = Field(index=True)
    actor: str = ""
    action: str
    assessment_id: int | None = Field(default=None, index=True)
    detail_json: str = "{}"
    # Field-level change (migration 0007): entity and key say what changed; the values are
    # JSON text, None where the thing did not exist. The hash chain is in store/audit.py.
    entity: str | None = None
    entity_key: str | None = None
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None
    prev_hash: str = ""
    hash: str = ""


class AuditHeadRow(SQLModel, table=True):
    """The audit trail's one-row head: where the chain ends, so removed last rows are seen."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="ck_audit_head_one_row"),)
    id: int | None = Field(default=None, primary_key=True)
    last_id: int
    count: int
    hash: str
