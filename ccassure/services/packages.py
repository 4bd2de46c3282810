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
)
from ccassure.domain.signoff import roles_still_needed, signed_payload, signoff_state
from ccassure.domain.summary import AssessmentSummary
from ccassure.interop.review_package import (
    PackageError,
    build_manifest,
    is_encrypted,
    read_package,
    write_package,
)
from ccassure.services.assessments import AssessmentService
from ccassure.services.errors import ServiceError
from ccassure.services.files import read_file
from ccassure.services.identities import NO_KEY, Ask, IdentityService
from ccassure.services.package_contents import BASE, DOCUMENT, document_files, read_document
from ccassure.services.package_results import PackagePreview, PackResult, UnpackResult
from ccassure.services.pdf_signing import write_atomically
from ccassure.services.signoffs import check_signature
from ccassure.services.stores import safety_backup
from ccassure.signing.errors import SigningError
from ccassure.signing.identity import read_certificate
from ccassure.signing.package_crypto import (
    open_package,
    seal_package,
    sign_manifest,
    verify_manifest,
)
from ccassure.store.identities import IdentityQueries
from ccassure.store.package_log import RECEIVED, SENT, PackageLog
from ccassure.store.package_writes import write_merged

if TYPE_CHECKING:
    from ccassure.store.writer import StoreWriter

MAX_PACKAGE_BYTES = 512 * 1024 * 1024
MIN_PACKAGE_PASSPHRASE = 8


def _refuse(path: Path, exc: PackageError | SigningError) -> ServiceError:
    return ServiceError(f"{path}: {exc}", exc.kind)


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
                f"the package passphrase must be at least {MIN_PACKAGE_PASSPHRASE} characters"
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
                    "'identity create'"
                    if not usable
                    else f"{len(usable)} identities can sign here; choose one with --identity",
                    "missing" if not usable else "invalid",
                )
            fingerprint = usable[0].fingerprint
        record = self.identities.find(fingerprint)
        if not record.trusted:
            raise ServiceError(f"{record.name} is not trusted in this store; trust it first")
        return _Signer(record.name, record.fingerprint, record.certificate_pem)

    def inspect(self, path: Path, passphrase: str | None = None) -> PackagePreview:
        """Verify the package (integrity, signature, trusted sender) and plan the merge."""
        data = read_file(path, MAX_PACKAGE_BYTES, "for a review package")
        encrypted = is_encrypted(data)
        if encrypted:
            if not passphrase:
                raise ServiceError(
                    f"{path}: the package is encrypted; give its passphrase", "passphrase"
                )
            try:
                data = open_package(data, passphrase)
            except SigningError as exc:
                raise _refuse(path, exc) from None
        try:
            package = read_package(data)
        except PackageError as exc:
            raise _refuse(path, exc) from None
        manifest = package.manifest
        if not verify_manifest(package.certificate_pem, package.manifest_bytes, package.signature):
            raise ServiceError(
                f"{path}: the package's signature does not verify: it was altered", "altered"
            )
        sender = self._trusted_sender(path, package.certificate_pem)
        remote = read_document(package.files, DOCUMENT, str(path))
        header = remote.assessment
        if (header.uid, header.version, content_hash(remote)) != (
            manifest["assessment_uid"],
            manifest["version"],
            manifest["content_hash"],
        ):
            raise ServiceError(f"{path}: the document is not the one its manifest names", "damaged")
        base = None
        if manifest["base_hash"] is not None:
            base = read_document(package.files, BASE, str(path))
            if document_hash(base) != manifest["base_hash"]:
                raise ServiceError(
                    f"{path}: the base document is not the one its manifest names", "damaged"
                )
        self.assessments.template_for(remote)
        local, joins = self._local_version(remote)
        if local is None:
            return PackagePreview(
                path,
                sender,
                package.manifest["sender_fingerprint"],
                manifest["created_at"],
                manifest["note"],
                encrypted,
                remote,
                None,
                joins,
                None,
                False,
            )
        mine = self.assessments.document(local.id)
        known = self._base(local.id, manifest["base_hash"], base, mine)
        plan = plan_merge(known, mine, remote)
        preview = PackagePreview(
            path,
            sender,
            manifest["sender_fingerprint"],
            manifest["created_at"],
            manifest["note"],
            encrypted,
            remote,
            local,
            False,
            plan,
            known is not None,
        )
        if mine.assessment.status == "approved":
            self._sealed_only_signoffs(preview, mine)
        return preview

    def _trusted_sender(self, path: Path, certificate_pem: str) -> str:
        try:
            info = read_certificate(certificate_pem)
        except SigningError as exc:
            raise ServiceError(f"{path}: {exc}", "damaged") from None
        record = IdentityQueries(self.store.reader()).find(info.fingerprint)
        who = f"{info.name} (fingerprint {info.fingerprint})"
        if record is None:
            raise ServiceError(
                f"{path}: sent by {who}, who is not known in this store; ask them for their "
                "certificate ('ccassure identity export-cert') and trust it with "
                "'ccassure identity trust CERT_FILE' (Tools → Identities in the app) if you "
                "expect this package, then open it again",
                "untrusted",
            )
        if not record.trusted:
            raise ServiceError(
                f"{path}: sent by {who}, who is known here but not trusted; trust their "
                "certificate again with 'ccassure identity trust CERT_FILE' if you expect "
                "this package, then open it again",
                "untrusted",
            )
        return info.name

    def _local_version(self, remote: AssessmentDocument) -> tuple[AssessmentSummary | None, bool]:
        header = remote.assessment
        versions = self.store.reader().list_assessments(all_versions=True, uid=header.uid)
        same = next((v for v in versions if v.version == header.version), None)
        if same is not None or not versions:
            return same, False
        latest = versions[-1]
        if header.version == latest.version + 1 and latest.status == "approved":
            return None, True
        raise ServiceError(
            f"this store holds version {latest.version} ({latest.status.replace('_', ' ')}) of "
            f"that assessment; a package joins it only as the same version or the next one "
            "after an approved one",
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

    def _sealed_only_signoffs(self, preview: PackagePreview, mine: AssessmentDocument) -> None:
        plan = preview.plan
        assert plan is not None
        moved = [c for c in plan.changes if c.outcome != "keep_local"]
        if moved:
            raise ServiceError(
                f"{preview.path}: version {mine.assessment.version} is approved and sealed here; "
                f"the package would change it ({moved[0].label}); a sealed version never "
                "changes: start a new version and send that",
                "workflow",
            )
        signers = self._signers()
        for signoff in plan.signoffs_to_add:
            state = self._state(mine, signoff, mine.sealed_hash or "", signers)
            if state != "valid":
                raise ServiceError(
                    f"{preview.path}: the sign-off by {signoff.name} ({signoff.role}) is not "
                    f"valid for the sealed version here ({state.replace('_', ' ')}); nothing "
                    "was changed",
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
        if preview.plan is None:
            return self._add(preview)
        try:
            merged = apply(preview.plan, choices)
        except MergeError as exc:
            raise ServiceError(f"{path}: {exc}; nothing was changed", "conflict") from None
        merged = self._sealed_if_complete(merged, preview.plan)
        self._check(merged, preview.plan.signoffs_to_add)
        assert preview.local is not None
        local_id = preview.local.id
        stamp = self.assessments.stamp(local_id)
        backup = safety_backup(self.store.path, "before-unpack", self.store.key)
        with self.store.transaction(self.actor) as writer:
            writer.expect(local_id, stamp)
            write_merged(writer, local_id, preview.plan.local, merged)
            self._log_received(writer, local_id, path, preview.remote, len(preview.plan.incoming))
        return UnpackResult(
            local_id,
            False,
            len(preview.plan.incoming) + sum(1 for v in choices.values() if v == "theirs"),
            len(preview.plan.signoffs_to_add),
            merged.assessment.status,
            backup,
        )

    def _add(self, preview: PackagePreview) -> UnpackResult:
        remote = preview.remote
        self._check(remote, remote.signoffs)
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

    def _check(self, document: AssessmentDocument, arriving: tuple[Signoff, ...]) -> None:
        """The result fits its template and its status; every arriving signed record verifies."""
        template = self.assessments.template_for(document)
        found = status_problems(template, document)
        if found:
            raise ServiceError(found[0], "altered" if "altered" in found[0] else "invalid")
        self.assessments.validate(document)
        header = document.assessment
        for signoff in arriving:
            if signoff.signature and not check_signature(
                signoff, signed_payload(header.uid or "", header.version, signoff)
            ):
                raise ServiceError(
                    f"the sign-off by {signoff.name} ({signoff.role}) does not verify: the "
                    "record was altered; nothing was changed",
                    "altered",
                )

    def _sealed_if_complete(
        self, merged: AssessmentDocument, plan: MergePlan
    ) -> AssessmentDocument:
        """Sign-offs from both sides may complete the required roles between them: then the
        version is approved and sealed here, as the last sign-off would have done."""
        if merged.assessment.status != "in_review" or not plan.signoffs_to_add:
            return merged
        current = content_hash(merged)
        signers = self._signers()
        valid = [s for s in merged.signoffs if self._state(merged, s, current, signers) == "valid"]
        template = self.assessments.template_for(merged)
        if roles_still_needed(template, valid, current):
            return merged
        header = merged.assessment.model_copy(update={"status": "approved"})
        return merged.model_copy(update={"assessment": header, "sealed_hash": current})


@dataclass(frozen=True)
class _Signer:
    name: str
    fingerprint: str
    certificate_pem: str
