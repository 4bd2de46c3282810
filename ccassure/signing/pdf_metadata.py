"""Document metadata (/Info, the catalog's /Lang and XMP) of a PDF revision, and what changed."""

from __future__ import annotations

import io
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.metadata import model
from pyhanko.pdf_utils.metadata.xmp_xml import parse_xmp
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader

# What signing itself rewrites (pyHanko stamps these on every revision it writes).
SIGNING_MAY_CHANGE = frozenset({"/ModDate", "/Producer"})
XMP_SIGNING_MAY_CHANGE = frozenset(
    {
        model.XMP_MODDATE,
        model.PDF_PRODUCER,
        model.ExpandedName(ns=model.NS["xmp"], local_name="MetadataDate"),
    }
)
UNREADABLE = "(unreadable)"


def _resolved(handler: HistoricalResolver, value: Any) -> Any:
    """Indirect objects read as of this revision (a trailer's references point at the latest)."""
    if isinstance(value, generic.IndirectObject):
        return handler.get_object(value.reference)
    return value


def _plain(handler: HistoricalResolver, value: Any) -> Any:
    value = _resolved(handler, value)
    if isinstance(value, generic.StreamObject):
        return bytes(value.data)
    if isinstance(value, generic.ArrayObject):
        return [_plain(handler, item) for item in value]
    return value


def _entry(handler: HistoricalResolver, holder: Any, key: str) -> Any:
    return _plain(handler, holder.raw_get(key)) if key in holder else None


def _xmp(handler: HistoricalResolver, catalog: Any) -> Any:
    """The XMP properties, less the ones signing rewrites; raw bytes if it does not parse."""
    if "/Metadata" not in catalog:
        return {}
    data = _plain(handler, catalog.raw_get("/Metadata"))
    if not isinstance(data, bytes):
        return UNREADABLE
    try:
        roots = parse_xmp(io.BytesIO(data))
    except Exception:  # any XML that pyHanko's parser refuses is compared byte for byte
        return data
    return {
        str(name): value
        for root in roots
        for name, value in root
        if name not in XMP_SIGNING_MAY_CHANGE
    }


def document_metadata(handler: HistoricalResolver) -> dict[str, Any]:
    """The revision's metadata that a reader shows or that carries the protective marking."""
    trailer = handler.trailer_view
    found: dict[str, Any] = {}
    info = _resolved(handler, trailer.raw_get("/Info")) if "/Info" in trailer else None
    if isinstance(info, generic.DictionaryObject):
        for key in info:
            if str(key) not in SIGNING_MAY_CHANGE:
                found[str(key).lstrip("/")] = _entry(handler, info, str(key))
    catalog = _resolved(handler, trailer.raw_get("/Root"))
    if isinstance(catalog, generic.DictionaryObject):
        found["Lang (document language)"] = _entry(handler, catalog, "/Lang")
        found["XMP metadata"] = _xmp(handler, catalog)
    return found


def metadata_changed_after(reader: PdfFileReader, signed_revision: int) -> list[str]:
    """The metadata entries any later revision changed from the signed one (sorted names)."""
    try:
        signed = document_metadata(reader.get_historical_resolver(signed_revision))
        later = [
            document_metadata(reader.get_historical_resolver(revision))
            for revision in range(signed_revision + 1, reader.xrefs.total_revisions)
        ]
    except Exception:  # a revision whose metadata cannot be read is not taken on trust
        return ["metadata (unreadable)"]
    changed = {
        key
        for revision in later
        for key in signed.keys() | revision.keys()
        if signed.get(key) != revision.get(key)
    }
    return sorted(changed)
