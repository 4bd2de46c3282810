"""Builds the services for one store: templates, store, assessment service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ccassure.domain.templates import TemplateSet, load_templates
from ccassure.services.assessments import AssessmentService
from ccassure.services.dashboard import DashboardService
from ccassure.services.paths import AppPaths, builtin_resources, demo_store_path
from ccassure.services.store_keys import KeyRequest, unlock
from ccassure.services.stores import create_store, open_store
from ccassure.store.cipher import StoreKey
from ccassure.store.store import Store

if TYPE_CHECKING:
    from ccassure.services.audit import AuditService
    from ccassure.services.evaluation import EvaluationService
    from ccassure.services.governance import GovernanceService
    from ccassure.services.identities import IdentityService
    from ccassure.services.issue_export import IssueExportService
    from ccassure.services.issues import IssueService
    from ccassure.services.packages import PackageService
    from ccassure.services.pdf_signing import PdfSigningService
    from ccassure.services.report_export import ReportExportService
    from ccassure.services.reports import ReportService
    from ccassure.services.signoffs import SignoffService


def load_template_set(paths: AppPaths) -> TemplateSet:
    return load_templates(builtin_resources() / "templates", paths.user_templates)


@dataclass
class Context:
    """Everything one command or window works with; close() releases the store."""

    paths: AppPaths
    templates: TemplateSet
    store: Store
    assessments: AssessmentService
    dashboard: DashboardService
    actor: str = ""

    # The accessibility workspace's services are built on first use: not on the start-up path.
    @cached_property
    def evaluations(self) -> EvaluationService:
        from ccassure.services.evaluation import EvaluationService

        return EvaluationService(self.assessments, self.actor)

    @cached_property
    def issues(self) -> IssueService:
        from ccassure.services.issues import IssueService

        return IssueService(self.store, self.templates, self.actor)

    @cached_property
    def issue_export(self) -> IssueExportService:
        from ccassure.services.issue_export import IssueExportService

        return IssueExportService(self.store)

    @cached_property
    def identities(self) -> IdentityService:
        from ccassure.services.identities import IdentityService

        return IdentityService(self.store, self.paths.data_dir, self.actor)

    @cached_property
    def signoffs(self) -> SignoffService:
        from ccassure.services.signoffs import SignoffService

        return SignoffService(self.assessments, self.identities, self.store, self.actor)

    @cached_property
    def reports(self) -> ReportService:
        from ccassure.services.reports import ReportService

        return ReportService(self.assessments, self.signoffs.views_of)

    @cached_property
    def report_export(self) -> ReportExportService:
        from ccassure.services.report_export import ReportExportService

        return ReportExportService(self.reports, lambda: self.pdf_signing)

    @cached_property
    def governance(self) -> GovernanceService:
        from ccassure.services.governance import GovernanceService

        return GovernanceService(self.assessments, self.signoffs.views)

    @cached_property
    def pdf_signing(self) -> PdfSigningService:
        from ccassure.services.pdf_signing import PdfSigningService

        return PdfSigningService(self.identities, self.store)

    @cached_property
    def packages(self) -> PackageService:
        from ccassure.services.packages import PackageService

        return PackageService(self.assessments, self.identities, self.actor)

    @cached_property
    def audit(self) -> AuditService:
        from ccassure.services.audit import AuditService

        return AuditService(self.store)

    def reload_templates(self) -> TemplateSet:
        """Read the templates again (after the user saved one) and give them to every service."""
        self.templates = load_template_set(self.paths)
        self.assessments.templates = self.templates
        self.dashboard.templates = self.templates
        self.issues.templates = self.templates
        return self.templates

    def close(self) -> None:
        self.store.close()


def build_context(
    paths: AppPaths,
    mode: str = "open",
    today: Callable[[], date] = date.today,
    store_path: Path | None = None,
    actor: str = "",
    keys: KeyRequest | None = None,
    new_key: StoreKey | None = None,
) -> Context:
    """mode: 'open' an existing store, 'create' a new one, or 'open_or_create'.

    An encrypted store opens with its key from the keyring, else the passphrase in `keys`;
    a store created here is encrypted with `new_key` when one is given.
    """
    templates = load_template_set(paths)
    target = store_path or paths.store
    if mode == "create" or (mode == "open_or_create" and not target.exists()):
        store = create_store(target, new_key)
    else:
        store = open_store(target, unlock(target, keys or KeyRequest()))
    assessments = AssessmentService(store, templates, today, actor)
    return Context(
        paths,
        templates,
        store,
        assessments,
        DashboardService(store, templates),
        actor,
    )


def build_demo_context(paths: AppPaths, today: Callable[[], date] = date.today) -> Context:
    """The demo store under the data directory, built on first use."""
    from ccassure.services.demo import build_demo

    context = build_context(paths, "open_or_create", today, demo_store_path(paths))
    try:
        if not context.assessments.list_summaries():
            build_demo(context.assessments, builtin_resources())
    except BaseException:
        context.close()
        raise
    return context
