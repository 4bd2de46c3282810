"""Assessment use cases: list, show, create, answer, review workflow, new versions."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import TYPE_CHECKING

from ccassure.domain.completeness import Completeness, completeness
from ccassure.domain.conformity import bulk_issue_problem, problems, status_problems
from ccassure.domain.document import (
    Action,
    AssessmentDocument,
    Attachment,
    ComponentRef,
    CustomItem,
    Header,
    Impact,
    Issue,
    Part,
    ProgrammeRef,
    Response,
    Risk,
    Signoff,
    Status,
    content_hash,
    part_key,
)
from ccassure.domain.kinds import KINDS
from ccassure.domain.signoff import roles_still_needed
from ccassure.domain.summary import AssessmentSummary
from ccassure.domain.templates import Template, TemplateSet
from ccassure.domain.workflow import WorkflowError, can_start_new_version, check_editable
from ccassure.domain.workflow import next_status as workflow_next_status
from ccassure.services.errors import ServiceError
from ccassure.store.store import Store

if TYPE_CHECKING:
    from ccassure.store.writer import StoreWriter


def header_as(document: AssessmentDocument, status: Status) -> Header:
    return document.assessment.model_copy(update={"status": status})


class AssessmentService:
    """Every read and write of assessments; writes are single all-or-nothing transactions."""

    def __init__(
        self, store: Store, templates: TemplateSet, today: Callable[[], date], actor: str = ""
    ) -> None:
        self.store = store
        self.templates = templates
        self._today = today
        self._actor = actor

    def list_summaries(
        self, kind: str | None = None, all_versions: bool = False
    ) -> list[AssessmentSummary]:
        if kind is not None and kind not in KINDS:
            raise ServiceError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
        return self.store.reader().list_assessments(kind, all_versions)

    def components(self) -> list[tuple[ProgrammeRef, ComponentRef]]:
        return self.store.reader().components()

    def versions(self, assessment_id: int) -> list[AssessmentSummary]:
        summary = self.summary(assessment_id)
        return self.store.reader().list_assessments(all_versions=True, uid=summary.uid)

    def summary(self, assessment_id: int) -> AssessmentSummary:
        found = self.store.reader().summary(assessment_id)
        if found is None:
            raise ServiceError(f"no assessment with id {assessment_id}", "missing")
        return found

    def document(self, assessment_id: int, with_issues: bool = True) -> AssessmentDocument:
        """with_issues=False leaves out accessibility issues (there may be 100,000)."""
        found = self.store.reader().document(assessment_id, with_issues)
        if found is None:
            raise ServiceError(f"no assessment with id {assessment_id}", "missing")
        return found

    def template_for(self, document: AssessmentDocument) -> Template:
        header = document.assessment
        template = self.templates.get(header.template_id, header.template_version)
        if template is None:
            raise ServiceError(
                f"template {header.template_id} version {header.template_version} is not "
                "installed; add it to your templates folder",
                "missing",
            )
        return template

    def completeness(self, assessment_id: int) -> Completeness:
        document = self.document(assessment_id)
        return completeness(self.template_for(document), document)

    def create(
        self,
        kind: str,
        title: str,
        programme: ProgrammeRef,
        component: ComponentRef,
        owner: str = "",
        template_id: str | None = None,
    ) -> int:
        template = self.templates.get(template_id) if template_id else self.templates.for_kind(kind)
        if template is None or template.kind != kind:
            raise ServiceError(f"no {kind} template is installed", "missing")
        header = Header(
            kind=template.kind,
            title=title,
            template_id=template.id,
            template_version=template.version,
            owner=owner,
            created_on=self._today(),
            programme=programme,
            component=component,
        )
        return self.add_document(AssessmentDocument(assessment=header), str(uuid.uuid4()), 1)

    def validate(self, document: AssessmentDocument) -> None:
        """Refuse a document that does not fit its template, naming the first problem."""
        found = problems(self.template_for(document), document)
        if found:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            raise ServiceError(f"{found[0]}{more}")

    def add_document(self, document: AssessmentDocument, uid: str, version: int) -> int:
        """Write a whole document as a new assessment version, in one transaction."""
        self.validate(document)
        status = document.assessment.status
        with self._write() as writer:
            new_id = writer.insert_document(document, uid, version, status)
            writer.audit("assessment.created", new_id, version=version, status=status)
        return new_id

    def set_response(self, assessment_id: int, response: Response) -> None:
        stamp = self._stamp(assessment_id)
        document = self.document_header_only(assessment_id)  # not 100,000 issues per keystroke
        self._check_editable(document)
        fixed = document.model_copy(update={"responses": (response,)})
        found = problems(self.template_for(document), fixed)
        if found:
            raise ServiceError(found[0])
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            writer.put_response(assessment_id, response)
            writer.audit("response.saved", assessment_id, item=response.item)

    def put_risk(self, assessment_id: int, risk: Risk) -> None:
        """Add a risk to the register, or change the one with the same ref."""
        self._put_part(assessment_id, "risk", "risks", risk)

    def remove_risk(self, assessment_id: int, ref: str) -> None:
        self._remove_part(assessment_id, "risk", ref)

    def put_action(self, assessment_id: int, action: Action) -> None:
        """Add an action, or change the one with the same ref."""
        self._put_part(assessment_id, "action", "actions", action)

    def remove_action(self, assessment_id: int, ref: str) -> None:
        self._remove_part(assessment_id, "action", ref)

    def add_attachment(self, assessment_id: int, attachment: Attachment) -> None:
        """Keep a file with the assessment: its bytes, SHA-256 and media type."""
        stamp = self._stamp(assessment_id)
        self._check_editable(self.document_header_only(assessment_id))
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            writer.add_attachment(assessment_id, attachment)
            writer.audit(
                "attachment.added",
                assessment_id,
                name=attachment.name,
                sha256=attachment.sha256,
                size=attachment.size,
            )

    def remove_attachment(self, assessment_id: int, attachment: Attachment) -> None:
        stamp = self._stamp(assessment_id)
        self._check_editable(self.document_header_only(assessment_id))
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            writer.remove_attachment(assessment_id, attachment.sha256, attachment.name)
            writer.audit("attachment.removed", assessment_id, name=attachment.name)

    def put_custom_item(self, assessment_id: int, item: CustomItem) -> None:
        """Add an item to this assessment's checklist, or change the one with the same key."""
        self._put_part(assessment_id, "custom_item", "custom_items", item)

    def remove_custom_item(self, assessment_id: int, key: str) -> None:
        """Remove a custom item and its answer, in one transaction."""
        stamp = self._stamp(assessment_id)
        self._check_editable(self.document_header_only(assessment_id))
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            writer.remove_response(assessment_id, key)
            writer.remove_part("custom_item", assessment_id, key)
            writer.audit("custom_item.removed", assessment_id, key=key)

    def put_impact(self, assessment_id: int, impact: Impact) -> None:
        """Set the impact on one protected characteristic (EIA)."""
        self._put_part(assessment_id, "impact", "impacts", impact)

    def _put_part(self, assessment_id: int, table: str, field: str, part: Part) -> None:
        stamp = self._stamp(assessment_id)
        document = self.document_header_only(assessment_id)
        self._check_editable(document)
        if isinstance(part, CustomItem):
            others = tuple(c for c in document.custom_items if c.key != part.key)
            changed = document.model_copy(update={field: (*others, part)})
        else:
            changed = document.model_copy(update={field: (part,)})
        found = problems(self.template_for(document), changed)
        if found:
            raise ServiceError(found[0])
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            writer.put_part(table, assessment_id, part)
            key = part_key(part)
            writer.audit(f"{table}.saved", assessment_id, key=key)

    def _remove_part(self, assessment_id: int, table: str, ref: str) -> None:
        stamp = self._stamp(assessment_id)
        self._check_editable(self.document_header_only(assessment_id))
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            writer.remove_part(table, assessment_id, ref)
            writer.audit(f"{table}.removed", assessment_id, ref=ref)

    def update_header(
        self,
        assessment_id: int,
        *,
        summary: str | None = None,
        review_due: date | None = None,
        title: str | None = None,
        owner: str | None = None,
    ) -> None:
        """Change the editable header fields of a draft; None leaves a field as it is."""
        stamp = self._stamp(assessment_id)
        document = self.document_header_only(assessment_id)
        self._check_editable(document)
        changes = {
            k: v
            for k, v in {
                "summary": summary,
                "review_due": review_due,
                "title": title,
                "owner": owner,
            }.items()
            if v is not None
        }
        updated = document.assessment.model_copy(update=changes)
        Header.model_validate(updated.model_dump())
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            writer.update_header(assessment_id, changes)
            writer.audit("assessment.updated", assessment_id, fields=sorted(changes))

    def add_issues(self, assessment_id: int, issues: Sequence[Issue]) -> None:
        stamp = self._stamp(assessment_id)
        document = self.document_header_only(assessment_id)
        self._check_editable(document)
        if document.assessment.kind != "accessibility":
            raise ServiceError("issues belong to accessibility assessments")
        found = problems(
            self.template_for(document), document.model_copy(update={"issues": tuple(issues)})
        )
        if found:
            raise ServiceError(found[0])
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            writer.add_issues(assessment_id, issues)
            writer.touch(assessment_id)
            writer.audit("issues.added", assessment_id, count=len(issues))

    def add_issue_rows(self, assessment_id: int, rows: Sequence[tuple[object, ...]]) -> None:
        """Bulk issues as value rows in ISSUE_FIELDS order (imports and scale tests)."""
        stamp = self._stamp(assessment_id)
        document = self.document_header_only(assessment_id)
        self._check_editable(document)
        template = self.template_for(document)
        if document.assessment.kind != "accessibility":
            raise ServiceError("issues belong to accessibility assessments")
        problem = bulk_issue_problem(template, rows)
        if problem:
            raise ServiceError(problem)
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            writer.add_issue_rows(assessment_id, rows)
            writer.touch(assessment_id)
            writer.audit("issues.added", assessment_id, count=len(rows))

    def document_header_only(self, assessment_id: int) -> AssessmentDocument:
        """The header and custom items: enough to check one answer or part against."""
        summary = self.summary(assessment_id)
        reader = self.store.reader()
        header = reader.header(summary.id)
        assert header is not None
        custom = tuple(reader.custom_items(summary.id))
        return AssessmentDocument(assessment=header, custom_items=custom)

    def transition(self, assessment_id: int, name: str, signoffs: Sequence[Signoff] = ()) -> str:
        """Move through the workflow; approving seals the version and records its sign-offs."""
        stamp = self._stamp(assessment_id)
        document = self.document(assessment_id)
        try:
            target = workflow_next_status(document.assessment.status, name)
        except WorkflowError as exc:
            raise ServiceError(str(exc), "workflow") from None
        template = self.template_for(document)
        if name == "submit":
            state = completeness(template, document)
            if not state.complete:
                raise ServiceError(
                    f"{len(state.missing)} required item(s) unanswered, first {state.missing[0]}",
                    "workflow",
                )
        sealed = None
        if target == "approved":
            sealed = content_hash(document)
            signoffs = [s.model_copy(update={"content_hash": sealed}) for s in signoffs]
            # Sign-offs already given on this content (signed, one by one) count as well.
            missing = roles_still_needed(template, (*document.signoffs, *signoffs), sealed)
            if missing:
                needed = "; ".join(role.label for role in missing)
                raise ServiceError(f"sign-off needed from: {needed}", "workflow")
            changed = document.model_copy(
                update={"signoffs": (*document.signoffs, *signoffs), "sealed_hash": sealed}
            )
            found = problems(template, changed) or status_problems(
                template, changed.model_copy(update={"assessment": header_as(changed, target)})
            )
            if found:
                raise ServiceError(found[0])
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            writer.set_status(assessment_id, target, sealed)
            for signoff in signoffs if target == "approved" else ():
                writer.add_signoff(assessment_id, signoff)
            writer.audit(f"workflow.{name}", assessment_id, status=target, sealed_hash=sealed)
        return target

    def start_new_version(self, assessment_id: int) -> int:
        """Copy an approved version into version n+1 as a draft; the approved one stays sealed."""
        document = self.document(assessment_id)
        header = document.assessment
        if not can_start_new_version(header.status):
            raise ServiceError(
                "only an approved version can be revised; edit this one instead", "workflow"
            )
        latest = self.store.reader().latest_version(header.uid or "")
        if latest != header.version:
            raise ServiceError(
                f"version {latest} already exists; revise the latest version", "workflow"
            )
        draft = document.model_copy(
            update={
                "assessment": header.model_copy(
                    update={"status": "draft", "version": header.version + 1}
                ),
                "sealed_hash": None,
                "signoffs": (),
            }
        )
        return self.add_document(draft, header.uid or str(uuid.uuid4()), header.version + 1)

    def remove_programme(self, key: str) -> None:
        """Delete a programme and everything in it (used to undo a failed demo build)."""
        with self._write() as writer:
            writer.delete_programme(key)
            writer.audit("programme.removed", None, programme=key)

    def today(self) -> date:
        return self._today()

    def check_editable(self, assessment_id: int) -> None:
        """Refuse (with the workflow's reason) a change to a version in review or approved."""
        self._check_editable(self.document_header_only(assessment_id))

    def stamp(self, assessment_id: int) -> str:
        """When the assessment last changed: take it before reading what a change is based on."""
        return self._stamp(assessment_id)

    @contextmanager
    def editing(self, assessment_id: int, stamp: str) -> Iterator[StoreWriter]:
        """One transaction on an editable assessment, refused if it changed since `stamp`."""
        self._check_editable(self.document_header_only(assessment_id))
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            yield writer

    def _stamp(self, assessment_id: int) -> str:
        stamp = self.store.reader().stamp(assessment_id)
        if stamp is None:
            raise ServiceError(f"no assessment with id {assessment_id}", "missing")
        return stamp

    def _check_editable(self, document: AssessmentDocument) -> None:
        try:
            check_editable(document.assessment.status)
        except WorkflowError as exc:
            raise ServiceError(str(exc), "workflow") from None

    def _write(self) -> AbstractContextManager[StoreWriter]:
        return self.store.transaction(self._actor)
