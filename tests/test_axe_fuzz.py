"""axe-core import under fuzzing: mutated scans, bytes and JSON are read or refused, no more."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ccassure.domain.axe import AxeError, parse_axe
from tests.test_axe import PAGES, data, raw


# Fuzzing. Bases are the real scans without their (large, unread) passes and inapplicable lists.
def _small(name: str) -> str:
    results = data(name)
    for key in ("passes", "inapplicable"):
        results[key] = results[key][:1]
    return json.dumps(results)


BASES = [_small(page) for page in PAGES]
BYTES = [raw("login-later"), raw("units")]
READ_KEYS = {"testEngine", "url", "violations", "incomplete", "nodes", "target", "html", "tags"}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_or_refuse(payload: bytes, include_incomplete: bool) -> None:
    try:
        scan = parse_axe(payload, "fuzz.json", include_incomplete=include_incomplete)
    except AxeError as error:
        assert "\n" not in str(error) and str(error).startswith("fuzz.json ")
        event("refused")
        return
    event("read")
    for finding in scan.findings:
        assert finding.rule_id and finding.url and finding.occurrences is not None
        assert finding.severity in ("critical", "serious", "moderate", "minor")
        texts = [finding.help, finding.description, finding.help_url, *finding.tags]
        for occurrence in finding.occurrences:
            texts += [occurrence.target, occurrence.html, occurrence.failure_summary]
        "".join(texts).encode("utf-8")


@st.composite
def mutated_documents(draw: st.DrawFn) -> bytes:
    document = json.loads(draw(st.sampled_from(BASES)))
    if draw(st.booleans()):
        document = [document, json.loads(draw(st.sampled_from(BASES)))]
    parent: Any = None
    key: Any = None
    node: Any = document
    for _ in range(draw(st.integers(0, 7))):
        if not isinstance(node, dict | list) or not node:
            break
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        read = [k for k in keys if k in READ_KEYS]
        parent, key = node, draw(st.sampled_from(read if read and draw(st.booleans()) else keys))
        node = node[key]
    action = draw(st.sampled_from(["replace", "delete", "wrap", "empty"]))
    if parent is None:
        return json.dumps(draw(JSON_VALUES) if action == "replace" else [document]).encode()
    if action == "delete":
        del parent[key]
    elif action == "wrap":
        parent[key] = [node]
    elif action == "empty":
        parent[key] = type(node)() if isinstance(node, dict | list | str) else None
    else:
        parent[key] = draw(JSON_VALUES)
    return json.dumps(document).encode()


@FUZZ
@given(payload=mutated_documents(), include_incomplete=st.booleans())
def test_mutated_structures_are_read_or_refused(payload: bytes, include_incomplete: bool) -> None:
    read_or_refuse(payload, include_incomplete)


@FUZZ
@given(
    base=st.sampled_from(BYTES),
    edits=st.lists(
        st.tuples(
            st.floats(0, 1),
            st.sampled_from(["flip", "insert", "delete", "cut"]),
            st.binary(min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=4,
    ),
    include_incomplete=st.booleans(),
)
def test_mutated_bytes_are_read_or_refused(
    base: bytes, edits: list[tuple[float, str, bytes]], include_incomplete: bool
) -> None:
    payload = bytearray(base)
    for where, kind, extra in edits:
        at = min(int(where * len(payload)), max(len(payload) - 1, 0))
        if kind == "flip" and payload:
            payload[at] ^= extra[0] or 1
        elif kind == "insert":
            payload[at:at] = extra
        elif kind == "delete":
            del payload[at : at + len(extra)]
        else:
            del payload[at:]
    read_or_refuse(bytes(payload), include_incomplete)


@FUZZ
@given(value=JSON_VALUES, prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"[", b'{"violations":']))
def test_arbitrary_json_is_read_or_refused(value: Any, prefix: bytes) -> None:
    read_or_refuse(prefix + json.dumps(value).encode(), include_incomplete=True)


@FUZZ
@given(payload=st.binary(max_size=300))
def test_arbitrary_bytes_are_read_or_refused(payload: bytes) -> None:
    read_or_refuse(payload, include_incomplete=False)
