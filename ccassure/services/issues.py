"""The accessibility issue log: filtered pages and facets, and every change to an issue."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, get_args

from ccassure.domain.conformity import problems
from ccassure.domain.document import (
    AssessmentDocument,
    Attachment,
    Issue,
    IssueStatus,
    Retest,
)
from ccassure.domain.issue_log import (
    Facets,
    IssueFilter,
    IssueLogPage,
    IssueSort,
    format_ref,
    status_after_retest,
)
from ccassure.domain.templates import TemplateSet
from ccassure.domain.workflow import WorkflowError, check_editable
from ccassure.services.errors import ServiceError
from ccassure.store.issue_log import SORT_KEYS, IssueLogQueries, LogShape
from ccassure.store.store import Store

if TYPE_CHECKING:
    from ccassure.store.writer import StoreWriter

MAX_PAGE = 1000
EVERY_ISSUE = IssueFilter()
BY_REF = IssueSort()
STATUSES: tuple[str, ...] = get_args(IssueStatus)


class IssueService:
    """One assessment's issue log; writes are all-or-nothing, checked, on editable versions."""

    def __init__(self, store: Store, templates: TemplateSet, actor: str = "") -> None:
        self.store = store
        self.templates = templates
        self._actor = actor
        self._shapes: dict[int, tuple[str, LogShape]] = {}  # by assessment: (stamp, shape)

    # --- reads ----------------------------------------------------------------------------
    def _queries(self) -> IssueLogQueries:
        return IssueLogQueries(self.store.reader())

    def _shape(self, assessment_id: int) -> LogShape:
        """Counted once per change of the assessment, not once per keystroke."""
        stamp = self._stamp(assessment_id)
        known = self._shapes.get(assessment_id)
        if known is not None and known[0] == stamp:
            return known[1]
        shape = self._queries().shape(assessment_id)
        self._shapes[assessment_id] = (stamp, shape)
        return shape

    def page(
        self,
        assessment_id: int,
        wanted: IssueFilter = EVERY_ISSUE,
        offset: int = 0,
        limit: int = 200,
        sort: IssueSort = BY_REF,
    ) -> IssueLogPage:
        """Rows from `offset` of the issues the filter keeps, with how many it keeps."""
        if sort.key not in SORT_KEYS:
            raise ServiceError(f"the issue log cannot be sorted by {sort.key!r}")
        if offset < 0 or not 0 < limit <= MAX_PAGE:
            raise ServiceError(f"a page starts at 0 or later and holds 1 to {MAX_PAGE} rows")
        shape = self._shape(assessment_id)
        queries = self._queries()
        rows = queries.rows(assessment_id, wanted, shape, sort, offset, limit)
        if offset == 0 and len(rows) < limit:
            total = len(rows)  # the first page holds them all: nothing more to count
        else:
            total = queries.count(assessment_id, wanted, shape)
        return IssueLogPage(tuple(rows), offset, total, shape.everything)

    def facets(self, assessment_id: int, wanted: IssueFilter = EVERY_ISSUE) -> Facets:
        """Each facet's values with how many issues choosing it would show."""
        return self._queries().facets(assessment_id, wanted, self._shape(assessment_id))

    def get(self, assessment_id: int, ref: str) -> Issue:
        found = self._queries().issue(assessment_id, ref)
        if found is None:
            raise ServiceError(f"no issue {ref} in this assessment", "missing")
        return found

    def next_ref(self, assessment_id: int) -> str:
        """AT- and four or more digits: one more than the highest in use."""
        return format_ref(self._queries().highest_ref_number(assessment_id) + 1)

    # --- writes ---------------------------------------------------------------------------
    def save(self, assessment_id: int, issue: Issue) -> None:
        """Add the issue, or change the one with the same ref."""
        stamp = self._editable(assessment_id)
        self._check(assessment_id, issue)
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            writer.put_issue(assessment_id, issue)
            writer.audit("issue.saved", assessment_id, ref=issue.ref)

    def add(self, assessment_id: int, draft: Issue) -> Issue:
        """Log a new issue under the next free ref (the draft's own ref is not used)."""
        stamp = self._editable(assessment_id)
        issue = draft.model_copy(update={"ref": self.next_ref(assessment_id)})
        self._check(assessment_id, issue)
        with self._write() as writer:
            writer.expect(assessment_id, stamp)  # no other ref can have been taken meanwhile
            writer.put_issue(assessment_id, issue)
            writer.audit("issue.added", assessment_id, ref=issue.ref)
        return issue

    def add_retest(self, assessment_id: int, ref: str, retest: Retest) -> Issue:
        """Record a retest; passed moves the issue to retest passed, failed to retest failed."""
        stamp = self._editable(assessment_id)
        issue = self.get(assessment_id, ref)
        status = status_after_retest(issue.status, retest.outcome)
        reason = issue.status_reason if status == issue.status else ""
        changed = issue.model_copy(
            update={"retests": (*issue.retests, retest), "status": status, "status_reason": reason}
        )
        self._check(assessment_id, changed)
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            writer.add_retest(assessment_id, ref, retest, status, reason)
            writer.audit("issue.retested", assessment_id, ref=ref, outcome=retest.outcome)
        return changed

    def set_status(
        self, assessment_id: int, refs: Sequence[str], status: str, reason: str = ""
    ) -> int:
        """Give several issues one status in one step; won't fix needs a reason."""
        if status not in STATUSES:
            raise ServiceError(f"{status!r} is not an issue status; use one of {STATUSES}")
        if status == "wont_fix" and not reason.strip():
            raise ServiceError("won't fix needs a reason")
        wanted = sorted(set(refs))
        if not wanted:
            raise ServiceError("choose at least one issue")
        stamp = self._editable(assessment_id)
        missing = set(wanted) - self._queries().refs(assessment_id, wanted)
        if missing:
            raise ServiceError(
                f"no issue {', '.join(sorted(missing)[:3])} in this assessment; nothing changed",
                "missing",
            )
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            count = writer.set_issue_statuses(assessment_id, wanted, status, reason.strip())
            writer.audit("issues.status", assessment_id, status=status, count=count)
        return count

    def attach_screenshot(self, assessment_id: int, ref: str, image: Attachment) -> Issue:
        """Keep an image with the assessment and link it to the issue, in one step."""
        stamp = self._editable(assessment_id)
        issue = self.get(assessment_id, ref)
        if image.sha256 in issue.screenshots:
            return issue
        changed = issue.model_copy(update={"screenshots": (*issue.screenshots, image.sha256)})
        kept = self._queries().attachments(assessment_id, [image.sha256])
        self._check(assessment_id, changed, extra=() if kept else (image,))
        with self._write() as writer:
            writer.expect(assessment_id, stamp)
            if not kept:
                writer.add_attachment(assessment_id, image)
            writer.put_issue(assessment_id, changed)
            writer.audit("issue.screenshot", assessment_id, ref=ref, sha256=image.sha256)
        return changed

    # --- checks ---------------------------------------------------------------------------
    def _stamp(self, assessment_id: int) -> str:
        stamp = self.store.reader().stamp(assessment_id)
        if stamp is None:
            raise ServiceError(f"no assessment with id {assessment_id}", "missing")
        return stamp

    def _editable(self, assessment_id: int) -> str:
        """The stamp of an accessibility assessment that may be changed, read before checking."""
        stamp = self._stamp(assessment_id)
        header = self.store.reader().header(assessment_id)
        assert header is not None
        if header.kind != "accessibility":
            raise ServiceError("issues belong to accessibility assessments")
        try:
            check_editable(header.status)
        except WorkflowError as exc:
            raise ServiceError(str(exc), "workflow") from None
        return stamp

    def _check(self, assessment_id: int, issue: Issue, extra: Sequence[Attachment] = ()) -> None:
        """The issue must fit the assessment's template (criteria, status reason, screenshots)."""
        reader = self.store.reader()
        header = reader.header(assessment_id)
        assert header is not None
        template = self.templates.get(header.template_id, header.template_version)
        if template is None:
            raise ServiceError(
                f"template {header.template_id} version {header.template_version} is not "
                "installed; add it to your templates folder",
                "missing",
            )
        attachments = (*self._queries().attachments(assessment_id, issue.screenshots), *extra)
        document = AssessmentDocument(
            assessment=header,
            custom_items=tuple(reader.custom_items(assessment_id)),
            issues=(issue,),
            attachments=attachments,
        )
        found = problems(template, document)
        if found:
            raise ServiceError(found[0])

    def _write(self) -> AbstractContextManager[StoreWriter]:
        return self.store.transaction(self._actor)
