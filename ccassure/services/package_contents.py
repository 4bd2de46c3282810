"""What a review package carries, as files: the document, its base, and attachments by SHA-256."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping

from ccassure.domain.document import AssessmentDocument, DocumentError, parse_document
from ccassure.domain.merge import exchanged_json
from ccassure.interop.review_manifest import shown
from ccassure.interop.review_package import PackageFile
from ccassure.services.errors import ServiceError

DOCUMENT = "document.json"
BASE = "base.json"
ATTACHMENTS = "attachments/"


def document_files(
    document: AssessmentDocument, base: AssessmentDocument | None
) -> list[PackageFile]:
    """The document (and its base), each attachment's bytes once, under its SHA-256."""
    files = [PackageFile(DOCUMENT, _without_attachment_data(document))]
    attachments = {a.sha256: a for a in document.attachments}
    if base is not None:
        files.append(PackageFile(BASE, _without_attachment_data(base)))
        attachments.update({a.sha256: a for a in base.attachments})
    files.extend(
        PackageFile(f"{ATTACHMENTS}{sha}", a.data()) for sha, a in sorted(attachments.items())
    )
    return files


def _without_attachment_data(document: AssessmentDocument) -> bytes:
    data = json.loads(exchanged_json(document))
    for attachment in data.get("attachments", []):
        attachment["data_base64"] = ""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def read_document(files: Mapping[str, bytes], name: str) -> AssessmentDocument:
    """A document from the package's files, its attachments filled in from theirs; ServiceError
    (damaged) naming the file and what is wrong with it."""
    source = f"the package's {name}"
    try:
        data = json.loads(files[name])
        for attachment in data.get("attachments", []) if isinstance(data, dict) else []:
            raw = files.get(f"{ATTACHMENTS}{attachment.get('sha256')}")
            if raw is None:
                raise ServiceError(
                    f"{source} lists the attachment {shown(attachment.get('name'))}, which the "
                    "package does not hold",
                    "damaged",
                )
            attachment["data_base64"] = base64.b64encode(raw).decode("ascii")
        return parse_document(json.dumps(data, ensure_ascii=False), source)
    except KeyError:
        raise ServiceError(f"the package holds no {name}", "damaged") from None
    except (ValueError, TypeError, AttributeError, binascii.Error, RecursionError):
        raise ServiceError(f"{source} is not a readable assessment document", "damaged") from None
    except DocumentError as exc:
        raise ServiceError(str(exc), "damaged") from None
