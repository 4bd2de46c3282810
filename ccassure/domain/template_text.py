"""Rewriting the top-level keys of a template's TOML text, keeping its comments and layout."""

from __future__ import annotations

import re
import tomllib

from ccassure.domain.templates import TemplateError

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r"\"[^\"\\\n]*\"|'[^'\n]*'"
_PART = rf"(?:{_BARE}|{_QUOTED})"
_KEY_LINE = re.compile(rf"[ \t]*(?P<key>{_PART}(?:[ \t]*\.[ \t]*{_PART})*)[ \t]*=[ \t]*")
_BARE_VALUE = re.compile(r"[^\s#,\]}]+")
_CLOSERS = {"[": "]", "{": "}"}


def _string_end(text: str, start: int) -> int:
    """The offset just after the string that starts at `start`."""
    for delimiter in ('"""', "'''"):
        if text.startswith(delimiter, start):
            position = start + 3
            while True:
                found = text.find(delimiter, position)
                if found < 0:
                    return len(text)
                if delimiter == "'''" or not _escaped(text, found):
                    end = found + 3
                    while end < len(text) and text[end] == delimiter[0] and end - found < 5:
                        end += 1  # up to two quotes may end the content itself
                    return end
                position = found + 1
    quote = text[start]
    position = start + 1
    while position < len(text) and text[position] not in (quote, "\n"):
        position += 2 if quote == '"' and text[position] == "\\" else 1
    return position + 1


def _escaped(text: str, position: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= 0 and text[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _value_end(text: str, start: int) -> int:
    """The offset just after the TOML value (string, array, inline table, scalar) at `start`."""
    if start >= len(text):
        return start
    opener = text[start]
    if opener in "\"'":
        return _string_end(text, start)
    if opener in _CLOSERS:
        position, closer = start + 1, _CLOSERS[opener]
        while position < len(text):
            char = text[position]
            if char == closer:
                return position + 1
            if char in "\"'[{":
                position = _value_end(text, position)
            elif char == "#":
                line_end = text.find("\n", position)
                position = len(text) if line_end < 0 else line_end
            else:
                position += 1
        return len(text)
    bare = _BARE_VALUE.match(text, start)
    return bare.end() if bare else start


def _plain_key(key: str) -> str:
    return key[1:-1] if key[:1] in "\"'" else key


def top_level_spans(text: str) -> dict[str, tuple[int, int]]:
    """Where the value of each plain top-level key lies in the text (before the first table)."""
    spans: dict[str, tuple[int, int]] = {}
    position = 0
    while position < len(text):
        line_end = text.find("\n", position)
        line_end = len(text) if line_end < 0 else line_end
        if text[position:line_end].lstrip(" \t").startswith("["):
            break
        key_line = _KEY_LINE.match(text, position, line_end)
        if key_line:
            end = _value_end(text, key_line.end())
            spans.setdefault(_plain_key(key_line.group("key")), (key_line.end(), end))
            after = text.find("\n", end)
            line_end = len(text) if after < 0 else after
        position = line_end + 1
    return spans


def toml_value(value: str | int) -> str:
    """A TOML literal for a string (basic, escaped) or an integer."""
    if isinstance(value, int):
        return str(value)
    escaped = []
    for char in value:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def replace_top_level(text: str, values: dict[str, str | int]) -> str:
    """The text with each top-level key's value replaced; everything else stays as it was."""
    spans = top_level_spans(text)
    missing = [key for key in values if key not in spans]
    if missing:
        raise TemplateError(f"the template has no top-level {', '.join(missing)}")
    rewritten = text
    for key in sorted(values, key=lambda k: spans[k][0], reverse=True):
        start, end = spans[key]
        rewritten = rewritten[:start] + toml_value(values[key]) + rewritten[end:]
    try:
        data = tomllib.loads(rewritten)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"the rewritten template is not valid TOML: {exc}") from None
    if any(data.get(key) != value for key, value in values.items()):
        raise TemplateError("the template's top-level keys could not be rewritten")
    return rewritten
