"""The canonical assessment document: its model, canonical JSON and SHA-256 content hash."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from datetime import date
from typing import Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ccassure.domain.decisions import Decision as Decision
from ccassure.domain.errors import CcassureError
from ccassure.domain.kinds import Kind
from ccassure.domain.templates import KEY_PATTERN

FORMAT: Final = "ccassure.assessment"
FORMAT_VERSION: Final = 1
Severity = Literal["blocker", "critical", "serious", "moderate", "minor"]
IssueStatus = Literal["open", "fixed", "retest_passed", "retest_failed", "closed", "wont_fix"]
RetestOutcome = Literal["passed", "failed", "cannot_test"]
CRITERION_PATTERN = r"^\d\.\d{1,2}\.\d{1,2}$"
Status = Literal["draft", "in_review", "approved", "changes_requested"]
Marking = Literal["OFFICIAL", "OFFICIAL-SENSITIVE"]
IDENTITY_FIELDS = ("id", "uid")
SHA256_PATTERN = r"^[0-9a-f]{64}$"


class DocumentError(CcassureError):
    """An assessment document that cannot be read, with one readable reason."""


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, defer_build=True)


class ProgrammeRef(_Part):
    key: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1)


class ComponentRef(_Part):
    key: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1)
    supplier: str = ""
    description: str = ""


class Response(_Part):
    item: str = Field(pattern=KEY_PATTERN)
    value: str = ""
    comment: str = ""
    evidence: tuple[str, ...] = ()


CUSTOM_SECTION = "custom"
PROMPT_LIMIT = 2000
TITLE_LIMIT = 500


class CustomItem(_Part):
    """An item this assessment adds to its template's checklist."""

    key: str = Field(pattern=r"^custom\.[a-z0-9][a-z0-9._-]*$")
    section: str = Field(pattern=KEY_PATTERN)  # a template section's key, or "custom"
    prompt: str = Field(min_length=1, max_length=PROMPT_LIMIT)
    answer: Literal["text", "yes_no_partly", "date"] = "text"
    required: bool = False
    guidance: str = ""


class Risk(_Part):
    ref: str = Field(min_length=1)
    title: str = Field(min_length=1)
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
    status: Literal["open", "closed"] = "open"


class Impact(_Part):
    characteristic: str = Field(pattern=KEY_PATTERN)
    effect: str
    rating: str = ""
    rationale: str = ""
    evidence: str = ""
    mitigation: str = ""


class Action(_Part):
    ref: str = Field(min_length=1)
    description: str = Field(min_length=1)
    owner: str = ""
    due: date | None = None
    status: Literal["open", "in_progress", "done", "cancelled"] = "open"
    link: str = ""


Part = Risk | Action | Impact | CustomItem


def part_key(part: Part) -> str:
    """What identifies a part within its assessment."""
    if isinstance(part, Impact):
        return part.characteristic
    if isinstance(part, CustomItem):
        return part.key
    return part.ref


class Retest(_Part):
    tested_on: date
    outcome: RetestOutcome
    tester: str = ""
    assistive_tech: str = ""
    notes: str = ""


class Occurrence(_Part):
    """Where an automated finding was seen: an element of the page (axe-core's node)."""

    target: str = Field(min_length=1)
    html: str = ""
    failure_summary: str = ""
    resolved: bool = False


class Issue(_Part):
    ref: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    criteria: tuple[str, ...] = ()
    severity: Severity
    status: IssueStatus = "open"
    status_reason: str = ""  # why it won't be fixed, for one
    assistive_tech: str = ""
    at_version: str = ""
    os: str = ""
    browser: str = ""
    screen: str = ""
    steps: str = ""
    expected: str = ""
    actual: str = ""
    source: Literal["manual", "axe"] = "manual"
    rule_id: str = ""
    url: str = ""
    needs_review: bool = False  # axe-core "incomplete": a person must look
    found_on: date | None = None
    screenshots: tuple[str, ...] = ()  # SHA-256 of the assessment's attachments
    retests: tuple[Retest, ...] = ()
    occurrences: tuple[Occurrence, ...] = ()

    @field_validator("criteria")
    @classmethod
    def _criteria_are_numbers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for criterion in value:
            if not re.match(CRITERION_PATTERN, criterion):
                raise ValueError(f"{criterion!r} is not a WCAG criterion number such as 1.4.3")
        if len(set(value)) != len(value):
            raise ValueError("a criterion is listed twice")
        return value

    @field_validator("screenshots")
    @classmethod
    def _screenshots_are_hashes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not re.match(SHA256_PATTERN, sha) for sha in value):
            raise ValueError("screenshots are the SHA-256 of attachments")
        return value


ISSUE_FIELDS: tuple[str, ...] = tuple(
    name for name in Issue.model_fields if name not in ("retests", "occurrences")
)


class Evaluation(_Part):
    criterion: str = Field(pattern=CRITERION_PATTERN)
    sample: str = Field(min_length=1)
    outcome: Literal["passed", "failed", "cant_tell", "inapplicable", "untested"]
    notes: str = ""


class Attachment(_Part):
    name: str = Field(min_length=1)
    media_type: str = Field(min_length=3)
    sha256: str = Field(pattern=SHA256_PATTERN)
    size: int = Field(ge=0)
    data_base64: str

    def data(self) -> bytes:
        return base64.b64decode(self.data_base64, validate=True)

    @model_validator(mode="after")
    def _intact(self) -> Attachment:
        try:
            data = self.data()
        except binascii.Error:
            raise ValueError(f"attachment {self.name!r}: data is not valid base64") from None
        if base64.b64encode(data).decode("ascii") != self.data_base64:
            raise ValueError(f"attachment {self.name!r}: data is not in canonical base64")
        if len(data) != self.size or hashlib.sha256(data).hexdigest() != self.sha256:
            raise ValueError(f"attachment {self.name!r}: data does not match its size and SHA-256")
        return self

    @classmethod
    def of(cls, name: str, media_type: str, data: bytes) -> Attachment:
        return cls(
            name=name,
            media_type=media_type,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            data_base64=base64.b64encode(data).decode("ascii"),
        )


class Sample(_Part):
    """A screen or page in the evaluation's sample (WCAG-EM step 3)."""

    name: str = Field(min_length=1)
    description: str = ""


class AtCombination(_Part):
    """One line of the accessibility-support baseline: assistive technology, browser, OS."""

    assistive_tech: str = Field(min_length=1)
    at_version: str = ""
    browser: str = ""
    os: str = ""

    def label(self) -> str:
        parts = [f"{self.assistive_tech} {self.at_version}".strip(), self.browser, self.os]
        return " · ".join(part for part in parts if part)


class Scope(_Part):
    """The evaluation's scope (WCAG-EM step 1): target, conformance target, sample, baseline."""

    product: str = ""
    release: str = ""
    level: Literal["A", "AA", "AAA"] = "AA"
    samples: tuple[Sample, ...] = ()
    baseline: tuple[AtCombination, ...] = ()


class Link(_Part):
    """A finding here that bears on a line of another assessment (an EIA's disability impact)."""

    source: str = Field(pattern=r"^(issue|criterion):.+$")
    target_uid: str = Field(min_length=1)
    target: str = Field(pattern=r"^impact:[a-z0-9][a-z0-9._-]*$")


class Signoff(_Part):
    role: str = Field(pattern=KEY_PATTERN)
    name: str = Field(min_length=1)
    position: str = ""
    signed_on: date
    decision: Decision = "approved"
    notes: str = ""
    content_hash: str = Field(pattern=SHA256_PATTERN)
    signature: str = ""
    signed_at: str = ""
    fingerprint: str = ""
    certificate_pem: str = ""


class Header(_Part):
    """The assessment's own fields; `id` and `uid` are identity and differ from store to store."""

    id: int | None = None
    uid: str | None = None
    kind: Kind
    title: str = Field(min_length=1, max_length=TITLE_LIMIT)
    template_id: str = Field(pattern=KEY_PATTERN)
    template_version: int = Field(ge=1)
    status: Status = "draft"
    version: int = Field(default=1, ge=1)
    owner: str = ""
    marking: Marking = "OFFICIAL"
    review_due: date | None = None
    created_on: date
    summary: str = ""
    programme: ProgrammeRef
    component: ComponentRef


OPTIONAL_PARTS = ("custom_items", "scope", "links")


class AssessmentDocument(_Part):
    """One version of an assessment with everything in it: the unit of export and import."""

    format: Literal["ccassure.assessment"] = FORMAT
    format_version: Literal[1] = FORMAT_VERSION
    assessment: Header
    sealed_hash: str | None = Field(default=None, pattern=SHA256_PATTERN)
    custom_items: tuple[CustomItem, ...] = ()
    responses: tuple[Response, ...] = ()
    risks: tuple[Risk, ...] = ()
    impacts: tuple[Impact, ...] = ()
    actions: tuple[Action, ...] = ()
    issues: tuple[Issue, ...] = ()
    scope: Scope | None = None
    evaluations: tuple[Evaluation, ...] = ()
    links: tuple[Link, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    signoffs: tuple[Signoff, ...] = ()

    @field_validator("responses")
    @classmethod
    def _responses_in_item_order(cls, value: tuple[Response, ...]) -> tuple[Response, ...]:
        """Responses are keyed by item, so one order (by item key) is the canonical one."""
        return tuple(sorted(value, key=lambda response: response.item))

    def to_data(self) -> dict[str, Any]:
        """Plain data; parts added after format 1 have no key when empty (older documents match)."""
        data = self.model_dump(mode="json")
        for optional in OPTIONAL_PARTS:
            if data[optional] in ([], None):
                del data[optional]
        return data


def canonical_json(data: Any) -> bytes:
    """Sorted keys, UTF-8, no insignificant whitespace; floats are refused (scores are exact)."""
    _refuse_floats(data)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _refuse_floats(data: Any) -> None:
    if isinstance(data, float):
        raise DocumentError("floats are not allowed in a canonical document")
    if isinstance(data, dict):
        for value in data.values():
            _refuse_floats(value)
    elif isinstance(data, list | tuple):
        for value in data:
            _refuse_floats(value)


def sealed_content(document: AssessmentDocument) -> dict[str, Any]:
    """What a seal covers: everything but identity, workflow status, the seal and the sign-offs."""
    data = document.to_data()
    header = data["assessment"]
    for field in (*IDENTITY_FIELDS, "status"):
        header.pop(field, None)
    data.pop("signoffs")
    data.pop("sealed_hash")
    return data


def content_hash(document: AssessmentDocument) -> str:
    return hashlib.sha256(canonical_json(sealed_content(document))).hexdigest()


def without_identity(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of a document's data with identity fields removed, for comparing two stores."""
    copy = json.loads(json.dumps(data))
    for field in IDENTITY_FIELDS:
        copy["assessment"].pop(field, None)
    return dict(copy)


class _DuplicateKeyError(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise _DuplicateKeyError(repr(key))
        data[key] = value
    return data


def parse_document(text: str | bytes, source: str) -> AssessmentDocument:
    """Read a document from JSON text; any problem raises DocumentError naming the field."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (json.JSONDecodeError, UnicodeError) as exc:
        raise DocumentError(f"{source}: not a JSON document ({exc})") from None
    except RecursionError:
        raise DocumentError(f"{source}: not a JSON document (nested too deeply)") from None
    except _DuplicateKeyError as exc:
        raise DocumentError(f"{source}: the key {exc} appears twice in one object") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DocumentError(
            f"{source}: not a ccassure assessment document (format is not {FORMAT})"
        )
    try:
        return AssessmentDocument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise DocumentError(f"{source}: {where}: {first['msg']}") from None
