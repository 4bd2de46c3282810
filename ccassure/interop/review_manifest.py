"""A review package's manifest: canonical JSON, read strictly against format 1's schema."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any, Final

from ccassure.domain.errors import CcassureError

FORMAT: Final = "ccassure-review-package"
FORMAT_VERSION: Final = 1
DOCUMENT_NAME: Final = "document.json"
BASE_NAME: Final = "base.json"
ATTACHMENT_PREFIX: Final = "attachments/"
MAX_PACKAGE_BYTES: Final = 512 * 1024 * 1024
MAX_FILES: Final = 10_000
MAX_MANIFEST_BYTES: Final = 4 * 1024 * 1024
_FILE_NAME = re.compile(r"document\.json|base\.json|attachments/[0-9a-f]{64}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MANIFEST_KEYS: Final = frozenset(
    {
        "format",
        "format_version",
        "sender",
        "sender_fingerprint",
        "created_at",
        "assessment_uid",
        "version",
        "content_hash",
        "base_hash",
        "note",
        "files",
    }
)


class PackageError(CcassureError):
    """A review package refused (kind: not_package, damaged, too_large, unsupported,
    encrypted, or invalid for a package this program was asked to write)."""


def canonical_json(value: Any) -> bytes:
    """Sorted keys, UTF-8, no insignificant whitespace (as the domain's canonical documents)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def parse_manifest(manifest_bytes: bytes) -> dict[str, Any]:
    """The manifest, if it is canonical JSON of format 1 (PackageError otherwise)."""
    try:
        manifest = json.loads(
            manifest_bytes.decode("utf-8"),
            object_pairs_hook=_no_duplicate_keys,
            parse_float=_no_float,
            parse_constant=_no_float,
        )
    except (ValueError, RecursionError):
        raise PackageError("the package's manifest is not valid JSON", "damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackageError(
            "this is not a ccassure review package (unknown manifest)", "not_package"
        )
    version = manifest.get("format_version")
    if type(version) is int and version > FORMAT_VERSION:
        raise PackageError(
            f"the package was made by a newer ccassure (format {version}; this one reads "
            f"{FORMAT_VERSION})",
            "unsupported",
        )
    check_manifest(manifest)
    if canonical_json(manifest) != manifest_bytes:
        raise PackageError("the package's manifest is not in canonical form", "damaged")
    return manifest


def check_manifest(manifest: dict[str, Any]) -> None:
    """PackageError (damaged) unless the manifest has format 1's fields, each as it should be."""

    def refuse(what: str) -> PackageError:
        return PackageError(f"the package's manifest {what}", "damaged")

    if set(manifest) != _MANIFEST_KEYS:
        raise refuse("does not have the fields of format 1")
    if manifest["format_version"] != FORMAT_VERSION or type(manifest["format_version"]) is not int:
        raise refuse("has an unknown format version")
    for field in ("sender", "created_at", "assessment_uid", "note"):
        if not isinstance(manifest[field], str):
            raise refuse(f"has a {field} that is not text")
    for field in ("sender", "assessment_uid", "created_at"):
        if not manifest[field].strip():
            raise refuse(f"has an empty {field}")
    try:
        datetime.fromisoformat(manifest["created_at"])
    except ValueError:
        raise refuse("has a created_at that is not a date and time") from None
    for field in ("sender_fingerprint", "content_hash"):
        if not isinstance(manifest[field], str) or not _SHA256.fullmatch(manifest[field]):
            raise refuse(f"has a {field} that is not a SHA-256")
    base_hash = manifest["base_hash"]
    if base_hash is not None and not (isinstance(base_hash, str) and _SHA256.fullmatch(base_hash)):
        raise refuse("has a base_hash that is not a SHA-256")
    if type(manifest["version"]) is not int or manifest["version"] < 1:
        raise refuse("has a version that is not a positive whole number")
    _check_file_entries(manifest["files"])


def _check_file_entries(entries: Any) -> None:
    if not isinstance(entries, list) or len(entries) > MAX_FILES:
        raise PackageError("the package's manifest has no usable list of files", "damaged")
    names: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"name", "size", "sha256"}:
            raise PackageError("the package's manifest has a malformed file entry", "damaged")
        name, size, digest = entry["name"], entry["size"], entry["sha256"]
        if not isinstance(name, str) or not _FILE_NAME.fullmatch(name):
            raise PackageError(f"the package lists an unexpected file {shown(name)}", "damaged")
        if type(size) is not int or not 0 <= size <= MAX_PACKAGE_BYTES:
            raise PackageError(f"the package's manifest has a bad size for {name}", "damaged")
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise PackageError(f"the package's manifest has a bad SHA-256 for {name}", "damaged")
        if name.startswith(ATTACHMENT_PREFIX) and name != ATTACHMENT_PREFIX + digest:
            raise PackageError(f"the package's {name} is not named by its SHA-256", "damaged")
        names.append(name)
    if names != sorted(set(names)):
        raise PackageError("the package's manifest lists files out of order or twice", "damaged")
    if DOCUMENT_NAME not in names:
        raise PackageError("the package holds no assessment document", "damaged")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_float(text: str) -> Any:
    raise ValueError(f"not an exact number: {text}")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def shown(name: object) -> str:
    """A name from a file, quoted and escaped for a one-line message (control characters too)."""
    text = json.dumps(name if isinstance(name, str) else repr(name))
    return text if len(text) <= 80 else text[:77] + '..."'
