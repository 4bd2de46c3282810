"""Offline review packages: pack an assessment for a reviewer, inspect and unpack one (merging)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ccassure.domain.conformity import status_problems
from ccassure.domain.document import AssessmentDocument, Signoff, content_hash, parse_document
from ccassure.domain.merge import (
    Choice,
    MergeError,
    MergePlan,
    apply,
    document_hash,
    exchanged_json,
    plan_merge,
    unresolved,
)
from ccassure.domain.signoff import roles_still_needed, signed_payload, signoff_state
from ccassure.domain.summary import AssessmentSummary
from ccassure.domain.templates import Template
from ccassure.interop.review_package import PackageError, build_manifest, write_package
from ccassure.services.assessments import AssessmentService
from ccassure.services.errors import ServiceError
from ccassure.services.identities import NO_KEY, Ask, IdentityService
from ccassure.services.package_contents import document_files
from ccassure.services.package_labels import brief, change_labels, role_label
from ccassure.services.package_reading import read_verified, refusal
from ccassure.services.package_results import PackagePreview, PackResult, UnpackResult
from ccassure.services.package_signoffs import arriving_problem, rejected
from ccassure.services.pdf_signing import write_atomically
from ccassure.services.signoffs import check_signature
from ccassure.services.stores import safety_backup
from ccassure.signing.errors import SigningError
from ccassure.signing.package_crypto import seal_package, sign_manifest
from ccassure.store.identities import IdentityQueries
from ccassure.store.package_log import RECEIVED, SENT, PackageLog
from ccassure.store.package_writes import write_merged

if TYPE_CHECKING:
    from ccassure.store.writer import StoreWriter

MIN_PACKAGE_PASSPHRASE = 8
NOT_VALID_BECAUSE = {
    "stale": "it covers other content than the sealed version",
    "bad_signature": "its signature does not verify: the record was altered",
    "unknown_certificate": "the signer is not known in this store; trust their certificate "
    "('ccassure identity trust CERT_FILE') and open the package again",
    "untrusted": "the signer is known here but not trusted; trust their certificate again and "
    "open the package again",
    "unsigned": "it carries no digital signature",
}


class PackageService:
    """Review packages between stores that share no network; every unpack is all-or-nothing."""

    def __init__(
        self,
        assessments: AssessmentService,
        identities: IdentityService,
        actor: str = "",
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.assessments = assessments
        self.identities = identities
        self.store = assessments.store
        self.actor = actor
        self._now = now

    def pack(
        self,
        assessment_id: int,
        path: Path,
        *,
        identity: str | None = None,
        passphrase: str | None = None,
        note: str = "",
        ask: Ask,
    ) -> PackResult:
        """Write the version, its base (the last document exchanged) and its attachments, signed
        by the sender (and encrypted with `passphrase` if given) to `path`, atomically, 0600."""
        if passphrase is not None and len(passphrase) < MIN_PACKAGE_PASSPHRASE:
            raise ServiceError(
                f"the package passphrase is too short: use at least {MIN_PACKAGE_PASSPHRASE} "
                "characters (a few words are easiest to pass on); no package was written"
            )
        document = self.assessments.document(assessment_id)
        header = document.assessment
        signer = self._sender(identity)
        last = PackageLog(self.store.reader()).latest(assessment_id)
        base = parse_document(last.document, "the last package") if last else None
        files = document_files(document, base)
        manifest = build_manifest(
            sender=signer.name,
            sender_fingerprint=signer.fingerprint,
            created_at=self._now().isoformat(timespec="seconds"),
            assessment_uid=header.uid or "",
            version=header.version,
            content_hash=content_hash(document),
            base_hash=document_hash(base) if base else None,
            note=note,
            files=files,
        )
        try:
            key = self.identities.private_key(signer.fingerprint, ask)
            data = write_package(
                manifest, files, signer.certificate_pem, sign_manifest(key, manifest)
            )
            if passphrase is not None:
                data = seal_package(data, passphrase)
        except (SigningError, PackageError) as exc:
            raise ServiceError(str(exc), exc.kind) from None
        write_atomically(path, data)
        with self.store.transaction(self.actor) as writer:
            writer.audit(
                SENT,
                assessment_id,
                package=path.name,
                content_hash=content_hash(document),
                document_hash=document_hash(document),
                document=exchanged_json(document),
            )
        return PackResult(
            path,
            assessment_id,
            header.title,
            header.version,
            signer.name,
            signer.fingerprint,
            passphrase is not None,
            len(data),
            base is not None,
        )

    def _sender(self, fingerprint: str | None) -> _Signer:
        if fingerprint is None:
            usable = [v for v in self.identities.list() if v.key != NO_KEY]
            if len(usable) != 1:
                raise ServiceError(
                    "no identity with a private key on this computer; create one with "
                    "'ccassure identity create --name NAME --role ROLE'"
                    if not usable
                    else f"{len(usable)} identities can sign here; choose one with --identity",
                    "missing" if not usable else "invalid",
                )
            fingerprint = usable[0].fingerprint
        record = self.identities.find(fingerprint)
        if not record.trusted:
            raise ServiceError(
                f"{record.name} is not trusted in this store; trust the identity again "
                "before sending with it"
            )
        return _Signer(record.name, record.fingerprint, record.certificate_pem)

    def inspect(self, path: Path, passphrase: str | None = None) -> PackagePreview:
        """Verify the package (integrity, signature, trusted sender) and plan the merge."""
        package = read_verified(path, passphrase, IdentityQueries(self.store.reader()))
        template = self._template(path, package.remote)
        local, joins = self._local_version(path, package.remote)
        if local is None:
            return PackagePreview(package, None, joins, None, False)
        mine = self.assessments.document(local.id)
        known = self._base(local.id, package.base_hash, package.base, mine)
        plan = plan_merge(known, mine, package.remote)
        labels = change_labels(plan, template)
        preview = PackagePreview(package, local, False, plan, known is not None, labels)
        if mine.assessment.status == "approved":
            self._sealed_only_signoffs(preview, mine, template)
        return preview

    def _template(self, path: Path, document: AssessmentDocument) -> Template:
        try:
            return self.assessments.template_for(document)
        except ServiceError as exc:
            raise refusal(path, str(exc), exc.kind) from None

    def _local_version(
        self, path: Path, remote: AssessmentDocument
    ) -> tuple[AssessmentSummary | None, bool]:
        header = remote.assessment
        versions = self.store.reader().list_assessments(all_versions=True, uid=header.uid)
        same = next((v for v in versions if v.version == header.version), None)
        if same is not None or not versions:
            return same, False
        latest = versions[-1]
        if header.version == latest.version + 1 and latest.status == "approved":
            return None, True
        raise refusal(
            path,
            f"the package holds version {header.version} of “{brief(latest.title)}”, and this "
            f"store holds version {latest.version} ({latest.status.replace('_', ' ')}); a "
            "package joins an assessment only as the same version, or as the next one after "
            "an approved version: unpack the earlier packages first, or ask the sender which "
            "version to take",
            "workflow",
        )

    def _base(
        self,
        assessment_id: int,
        base_hash: str | None,
        base: AssessmentDocument | None,
        mine: AssessmentDocument,
    ) -> AssessmentDocument | None:
        """The last exchange both sides know: this store's own record of it, or the package's
        copy when this version has not changed since; otherwise none (all differences conflict)."""
        if base_hash is None:
            return None
        logged = PackageLog(self.store.reader()).find(assessment_id, base_hash)
        if logged is not None:
            return parse_document(logged.document, "the package log")
        return base if document_hash(mine) == base_hash else None

    def _sealed_only_signoffs(
        self, preview: PackagePreview, mine: AssessmentDocument, template: Template
    ) -> None:
        """A sealed version takes new sign-offs valid for its seal, and nothing else."""
        plan = preview.plan
        assert plan is not None
        sealed = f"version {mine.assessment.version} is approved and sealed here"
        moved = [c for c in plan.changes if c.outcome != "keep_local"]
        if moved:
            raise refusal(
                preview.path,
                f"{sealed}, and the package would change it ({preview.label(moved[0])}"
                + (f", and {len(moved) - 1} more" if len(moved) > 1 else "")
                + "); a "
                "sealed version never changes: changes go in a new version "
                "('ccassure new-version'); nothing was changed",
                "workflow",
            )
        signers = self._signers()
        for signoff in plan.signoffs_to_add:
            state = self._state(mine, signoff, mine.sealed_hash or "", signers)
            if state != "valid":
                raise refusal(
                    preview.path,
                    f"{sealed}, so it takes only sign-offs valid for it, and the sign-off by "
                    f"{signoff.name} ({role_label(template, signoff.role)}) is not: "
                    f"{NOT_VALID_BECAUSE.get(state, state.replace('_', ' '))}; nothing was "
                    "changed",
                    "invalid",
                )

    def _signers(self) -> dict[str, bool]:
        return {r.fingerprint: r.trusted for r in IdentityQueries(self.store.reader()).all()}

    @staticmethod
    def _state(
        document: AssessmentDocument, signoff: Signoff, current: str, signers: Mapping[str, bool]
    ) -> str:
        header = document.assessment
        payload = signed_payload(header.uid or "", header.version, signoff)
        return signoff_state(signoff, current, signers, lambda s: check_signature(s, payload))

    def unpack(
        self, path: Path, passphrase: str | None = None, choices: Mapping[str, Choice] | None = None
    ) -> UnpackResult:
        """Verify, back up, then write everything in one transaction; nothing on any refusal."""
        preview = self.inspect(path, passphrase)
        choices = dict(choices or {})
        plan = preview.plan
        if plan is None:
            return self._add(preview)
        missing = unresolved(plan, choices)
        if missing:
            raise refusal(
                path,
                f"{len(missing)} conflict(s) need a choice (mine or theirs), first "
                f"{preview.label(missing[0])} ({missing[0].key}); nothing was changed",
                "conflict",
            )
        try:
            merged = apply(plan, choices)
        except MergeError as exc:
            raise refusal(path, f"{exc}; nothing was changed", "conflict") from None
        template = self.assessments.template_for(merged)
        merged = self._status_from_signoffs(merged, plan)
        merged = self._sealed_if_complete(merged, plan, template)
        self._check(path, merged, plan.signoffs_to_add, template)
        assert preview.local is not None
        local_id = preview.local.id
        stamp = self.assessments.stamp(local_id)
        backup = safety_backup(self.store.path, "before-unpack", self.store.key)
        with self.store.transaction(self.actor) as writer:
            writer.expect(local_id, stamp)
            write_merged(writer, local_id, plan.local, merged)
            if merged.sealed_hash != plan.local.sealed_hash:
                writer.audit(
                    "workflow.approve", local_id, status="approved", sealed_hash=merged.sealed_hash
                )
            self._log_received(writer, local_id, path, preview.remote, len(plan.incoming))
        return UnpackResult(
            local_id,
            False,
            len(plan.incoming) + sum(1 for v in choices.values() if v == "theirs"),
            len(plan.signoffs_to_add),
            merged.assessment.status,
            backup,
        )

    def _add(self, preview: PackagePreview) -> UnpackResult:
        remote = preview.remote
        self._check(preview.path, remote, remote.signoffs, self.assessments.template_for(remote))
        backup = safety_backup(self.store.path, "before-unpack", self.store.key)
        header = remote.assessment
        with self.store.transaction(self.actor) as writer:
            new_id = writer.insert_document(remote, header.uid or "", header.version, header.status)
            writer.audit("assessment.created", new_id, version=header.version, status=header.status)
            self._log_received(writer, new_id, preview.path, remote, 0)
        return UnpackResult(new_id, True, 0, len(remote.signoffs), header.status, backup)

    @staticmethod
    def _log_received(
        writer: StoreWriter, assessment_id: int, path: Path, remote: AssessmentDocument, taken: int
    ) -> None:
        writer.audit(
            RECEIVED,
            assessment_id,
            package=path.name,
            content_hash=content_hash(remote),
            document_hash=document_hash(remote),
            document=exchanged_json(remote),
            changes_taken=taken,
        )

    def _check(
        self,
        path: Path,
        document: AssessmentDocument,
        arriving: tuple[Signoff, ...],
        template: Template,
    ) -> None:
        """The result fits its template and its status; every arriving signed record verifies."""
        cannot = "the package cannot be taken as it is:"
        found = status_problems(template, document)
        if found:
            kind = "altered" if "altered" in found[0] else "invalid"
            raise refusal(path, f"{cannot} {found[0]}; nothing was changed", kind)
        try:
            self.assessments.validate(document)
        except ServiceError as exc:
            raise refusal(path, f"{cannot} {exc}; nothing was changed", exc.kind) from None
        trusted = self._signers()
        for signoff in arriving:
            problem = arriving_problem(document, template, signoff, trusted)
            if problem:
                raise refusal(
                    path,
                    f"the sign-off by {signoff.name} ({role_label(template, signoff.role)}) "
                    f"cannot be taken: {problem}; nothing was changed",
                    "altered" if "altered" in problem else "invalid",
                )

    @staticmethod
    def _status_from_signoffs(merged: AssessmentDocument, plan: MergePlan) -> AssessmentDocument:
        """Status and seal are never taken from a package: they stay as here, unless the
        arriving sign-offs reject this content (changes requested) or complete it (below)."""
        status = plan.local.assessment.status
        if status == "in_review" and rejected(plan.signoffs_to_add, content_hash(merged)):
            status = "changes_requested"
        header = merged.assessment.model_copy(update={"status": status})
        return merged.model_copy(
            update={"assessment": header, "sealed_hash": plan.local.sealed_hash}
        )

    def _sealed_if_complete(
        self, merged: AssessmentDocument, plan: MergePlan, template: Template
    ) -> AssessmentDocument:
        """Sign-offs from both sides may complete the required roles between them: then the
        version is approved and sealed here, as the last sign-off would have done."""
        if merged.assessment.status != "in_review" or not plan.signoffs_to_add:
            return merged
        current = content_hash(merged)
        signers = self._signers()
        valid = [s for s in merged.signoffs if self._state(merged, s, current, signers) == "valid"]
        if roles_still_needed(template, valid, current):
            return merged
        header = merged.assessment.model_copy(update={"status": "approved"})
        return merged.model_copy(update={"assessment": header, "sealed_hash": current})


@dataclass(frozen=True)
class _Signer:
    name: str
    fingerprint: str
    certificate_pem: str
