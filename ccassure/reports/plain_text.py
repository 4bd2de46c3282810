"""User text made harmless to show: no control characters, every direction override closed."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Each explicit embedding, override or isolate, and the character that closes it.
_CLOSER = {
    "\u202a": "\u202c",  # LRE
    "\u202b": "\u202c",  # RLE
    "\u202d": "\u202c",  # LRO
    "\u202e": "\u202c",  # RLO
    "\u2066": "\u2069",  # LRI
    "\u2067": "\u2069",  # RLI
    "\u2068": "\u2069",  # FSI
}
_CLOSERS = frozenset(_CLOSER.values())


def printable(text: str) -> str:
    """One kind of line break, tabs kept, other C0/C1 controls and lone surrogates dropped;
    a closing bidi character with nothing to close is dropped, and any embedding, override
    or isolate still open at the end is closed, so it cannot reorder the text after it."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not any(c in _CLOSER or c in _CLOSERS for c in text):
        return text
    kept: list[str] = []
    still_open: list[str] = []
    for char in text:
        if char in _CLOSER:
            still_open.append(_CLOSER[char])
        elif char in _CLOSERS:
            if not still_open or still_open[-1] != char:
                continue
            still_open.pop()
        kept.append(char)
    return "".join(kept) + "".join(reversed(still_open))
