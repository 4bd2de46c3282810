"""Import and export of assessment documents (the `show --json` format), losslessly."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from ccassure.domain.conformity import status_problems
from ccassure.domain.document import AssessmentDocument, parse_document
from ccassure.domain.signoff import signed_payload
from ccassure.domain.templates import Template
from ccassure.services.assessments import AssessmentService
from ccassure.services.errors import ServiceError
from ccassure.services.signoffs import check_signature
from ccassure.services.stores import safety_backup

MAX_DOCUMENT_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    id: int
    uid: str
    version: int
    new_version_of_existing: bool
    backup: Path


def document_json(document: AssessmentDocument) -> str:
    """The document as people and tools read it: canonical key order, indented."""
    return json.dumps(document.to_data(), sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def read_document_file(path: Path) -> AssessmentDocument:
    try:
        if path.is_dir():
            raise ServiceError(f"{path}: is a folder, not a document")
        if not path.is_file():
            if not path.exists():
                raise ServiceError(f"{path}: no such file", "missing")
            raise ServiceError(f"{path}: not a regular file (a device or pipe?)")
        with path.open("rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ServiceError(
                f"{path}: too large for an assessment document "
                f"(over {MAX_DOCUMENT_BYTES // 2**20} MiB)"
            )
    except FileNotFoundError:
        raise ServiceError(f"{path}: no such file", "missing") from None
    except IsADirectoryError:
        raise ServiceError(f"{path}: is a folder, not a document") from None
    except OSError as exc:
        raise ServiceError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_document(data, str(path))


def import_document(service: AssessmentService, document: AssessmentDocument) -> ImportResult:
    """A next version (after an approved one) joins its assessment; anything else is new.

    The document must fit its template and satisfy what the workflow demands of its status
    (complete when in review; complete, sealed and signed off by every role when approved).
    """
    template = service.template_for(document)
    problems = status_problems(template, document)
    if problems:
        raise ServiceError(problems[0], "altered" if "altered" in problems[0] else "invalid")
    service.validate(document)
    _refuse_unverified(template, document)
    header = document.assessment
    reader = service.store.reader()
    versions = reader.list_assessments(all_versions=True, uid=header.uid) if header.uid else []
    uid = header.uid or str(uuid.uuid4())
    joins = False
    signed = any(s.signature for s in document.signoffs)
    same = next((v for v in versions if v.version == header.version), None)
    if signed and same is not None:
        raise ServiceError(
            f"this signed version is already in the store as assessment {same.id}", "exists"
        )
    if versions:
        latest = versions[-1]
        joins = header.version > latest.version
        if joins and (
            header.version != latest.version + 1
            or latest.status != "approved"
            or latest.kind != header.kind
        ):
            raise ServiceError(
                f"this store holds version {latest.version} ({latest.status.replace('_', ' ')}) "
                f"of that {latest.kind} assessment; a document joins it only as the next "
                "version after an approved one",
                "workflow",
            )
        if not joins and signed:
            raise ServiceError(
                f"this signed version {header.version} cannot be imported: the store holds "
                f"version {latest.version} of the same assessment, and a copy under a new uid "
                "would break its signatures",
                "exists",
            )
        if not joins:
            uid = str(uuid.uuid4())
    backup = safety_backup(service.store.path, "before-import", service.store.key)
    new_id = service.add_document(document, uid, header.version)
    return ImportResult(new_id, uid, header.version, joins, backup)


def _refuse_unverified(template: Template, document: AssessmentDocument) -> None:
    """Every signed record must verify with the certificate it carries, over this document's
    own uid and version: an edited name, decision or date is refused, not imported."""
    header = document.assessment
    labels = {role.key: role.label for role in template.signoff_roles}
    for signoff in document.signoffs:
        if not signoff.signature:
            continue  # unsigned records are allowed; they show as such
        payload = signed_payload(header.uid or "", header.version, signoff)
        if not check_signature(signoff, payload):
            raise ServiceError(
                f"sign-off by {signoff.name} for role “{labels.get(signoff.role, signoff.role)}” "
                "does not verify: the record was altered",
                "altered",
            )
