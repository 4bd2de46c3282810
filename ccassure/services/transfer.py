"""Import and export of assessment documents (the `show --json` format), losslessly."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from ccassure.domain.document import AssessmentDocument, content_hash, parse_document
from ccassure.services.assessments import AssessmentService
from ccassure.services.errors import ServiceError
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
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise ServiceError(f"{path}: too large for an assessment document ({size} bytes)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ServiceError(f"{path}: no such file", "missing") from None
    except IsADirectoryError:
        raise ServiceError(f"{path}: is a folder, not a document") from None
    except OSError as exc:
        raise ServiceError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_document(data, str(path))


def check_seal(document: AssessmentDocument) -> None:
    """An approved document must carry a seal that matches its content and its sign-offs."""
    sealed = document.sealed_hash
    if document.assessment.status == "approved" and sealed is None:
        raise ServiceError("an approved document must carry its sealed_hash")
    if sealed is None:
        if document.signoffs:
            raise ServiceError("sign-offs are only allowed on an approved, sealed document")
        return
    if document.assessment.status != "approved":
        raise ServiceError("only an approved document can carry a sealed_hash")
    actual = content_hash(document)
    if actual != sealed:
        raise ServiceError(
            "the document was altered after it was sealed (content hash "
            f"{actual[:12]}… does not match the seal {sealed[:12]}…)",
            "altered",
        )
    for signoff in document.signoffs:
        if signoff.content_hash != sealed:
            raise ServiceError(
                f"sign-off {signoff.role} was given for different content", "altered"
            )


def import_document(service: AssessmentService, document: AssessmentDocument) -> ImportResult:
    """A later version of a known assessment joins it; anything else is a new assessment."""
    check_seal(document)
    header = document.assessment
    service.validate(document)
    reader = service.store.reader()
    latest = reader.latest_version(header.uid) if header.uid else None
    joins = latest is not None and header.version > latest
    uid = header.uid if header.uid and (latest is None or joins) else str(uuid.uuid4())
    backup = safety_backup(service.store.path, "before-import")
    new_id = service.add_document(document, uid, header.version)
    return ImportResult(new_id, uid, header.version, joins, backup)
