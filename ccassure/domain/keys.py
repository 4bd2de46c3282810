"""Keys made from names people type: lower-case ASCII, hyphens, unique among those taken."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection


def key_for(text: str, taken: Collection[str], prefix: str = "", fallback: str = "item") -> str:
    """'Łukasz's DPIA' -> 'lukasz-s-dpia'; '-2', '-3'… when the key is taken already."""
    plain = text.lower().replace("ł", "l").replace("đ", "d").replace("ø", "o")
    ascii_text = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:40].rstrip("-") or fallback
    key, number = f"{prefix}{stem}", 2
    while key in taken:
        key, number = f"{prefix}{stem}-{number}", number + 1
    return key
