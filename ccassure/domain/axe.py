"""axe-core results (JSON) read into findings: one per rule and page, with every element found."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal, cast

from ccassure.domain.errors import CcassureError

Impact = Literal["critical", "serious", "moderate", "minor"]
IMPACTS: tuple[Impact, ...] = ("critical", "serious", "moderate", "minor")
SHADOW_SEPARATOR = " >>> "
FRAME_SEPARATOR = " > "

_CRITERION_TAG = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class AxeError(CcassureError):
    """A file that is not readable axe-core results; the message names the file."""


@dataclass(frozen=True, slots=True)
class AxeOccurrence:
    """One element a rule found: where it is, its markup, and what axe says to fix."""

    target: str
    html: str
    failure_summary: str


@dataclass(frozen=True, slots=True)
class AxeFinding:
    """One rule on one page, violated (or needing review), with the elements concerned."""

    rule_id: str
    url: str
    impact: Impact | None
    help: str
    description: str
    help_url: str
    tags: tuple[str, ...]
    criteria: tuple[str, ...]
    needs_review: bool
    occurrences: tuple[AxeOccurrence, ...]

    @property
    def severity(self) -> Impact:
        return severity_for(self.impact)


@dataclass(frozen=True, slots=True)
class AxeRun:
    """The metadata of one results object: which page, when, and which axe-core."""

    url: str
    timestamp: str
    engine_name: str
    engine_version: str
    user_agent: str


@dataclass(frozen=True, slots=True)
class AxeScan:
    """Everything read from one file: its runs (one per page scan) and the findings."""

    source: str
    runs: tuple[AxeRun, ...]
    findings: tuple[AxeFinding, ...]

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(run.url for run in self.runs))

    @property
    def engine_versions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(run.engine_version for run in self.runs))


def severity_for(impact: Impact | None) -> Impact:
    """The app's severity for an axe impact: the same name; no impact (needs review) is moderate.

    The app's scale adds "blocker" above critical; only a person assigns it, never axe.
    """
    return "moderate" if impact is None else impact


def criteria_of(tags: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """WCAG success criteria named by a rule's tags ("wcag1412" is 1.4.12), in numeric order."""
    found = {(int(m[1]), int(m[2]), int(m[3])) for tag in tags if (m := _CRITERION_TAG.match(tag))}
    return tuple(".".join(map(str, number)) for number in sorted(found))


def render_target(target: list[str | list[str]]) -> str:
    """A node's target as one stable string: frames joined by " > ", shadow roots by " >>> "."""
    return FRAME_SEPARATOR.join(
        level if isinstance(level, str) else SHADOW_SEPARATOR.join(level) for level in target
    )


def parse_axe(data: bytes, source: str, include_incomplete: bool = False) -> AxeScan:
    """Read axe-core results (one results object, or an array of them) from the file's bytes.

    Every problem with the input raises AxeError with one readable line naming `source`.
    """
    name = _display_name(source)
    if not data.strip():
        raise AxeError(f"{name} is empty; choose the JSON file axe-core wrote")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AxeError(
            f"{name} is not UTF-8 text (invalid byte at offset {error.start}); "
            "choose the JSON file axe-core wrote"
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise AxeError(
            f"{name} is not valid JSON, perhaps cut short or damaged "
            f"({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except ValueError as error:  # an integer longer than Python converts
        raise AxeError(f"{name} is not valid JSON ({_first_clause(error)})") from None
    except RecursionError:
        raise AxeError(f"{name} is nested too deeply to be axe-core results") from None
    del text
    return _Reader(name, include_incomplete).scan(document)


class _ShapeError(Exception):
    """A structural problem at a path inside the document; becomes an AxeError."""


def _clean(value: str) -> str:
    """The text, with any lone surrogate (left by a "\\ud800" escape) made a "?" UTF-8 can hold."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def _display_name(source: str) -> str:
    return _UNPRINTABLE.sub("?", source) or "the file"


def _first_clause(error: Exception) -> str:
    return str(error).split(":")[0].strip() or type(error).__name__


_Key = tuple[str, str, bool]


class _Reader:
    """Walks the parsed JSON, checking the shape of what it keeps and nothing more."""

    def __init__(self, name: str, include_incomplete: bool) -> None:
        self.name = name
        self.include_incomplete = include_incomplete
        self.criteria: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.runs: list[AxeRun] = []
        self.headers: dict[_Key, AxeFinding] = {}
        self.occurrences: dict[_Key, dict[str, AxeOccurrence]] = {}

    def scan(self, document: object) -> AxeScan:
        try:
            if isinstance(document, list):
                if not document:
                    raise _ShapeError("the array is empty; expected axe-core results objects")
                for index, results in enumerate(document):
                    self.results(results, f"[{index}]")
            else:
                self.results(document, "")
        except _ShapeError as problem:
            raise AxeError(f"{self.name} is not axe-core results: {problem}") from None
        findings = tuple(
            _with_occurrences(header, tuple(self.occurrences[key].values()))
            for key, header in self.headers.items()
        )
        return AxeScan(self.name, tuple(self.runs), findings)

    def results(self, value: object, path: str) -> None:
        results = _object(value, path, "an object with testEngine, url and violations")
        for key in ("testEngine", "url", "violations"):
            if key not in results:
                raise _ShapeError(f"{path or 'the top level'} has no {key}")
        engine = _object(results["testEngine"], _at(path, "testEngine"))
        environment = _object(results.get("testEnvironment", {}), _at(path, "testEnvironment"))
        url = self.text(results, "url", path, required=True)
        if not url:
            raise _ShapeError(f"{_at(path, 'url')} is empty")
        self.runs.append(
            AxeRun(
                url=url,
                timestamp=self.text(results, "timestamp", path),
                engine_name=self.text(engine, "name", _at(path, "testEngine")),
                engine_version=self.text(engine, "version", _at(path, "testEngine"), True),
                user_agent=self.text(environment, "userAgent", _at(path, "testEnvironment")),
            )
        )
        for key in ("passes", "inapplicable", "incomplete"):
            if key in results:
                _array(results[key], _at(path, key))
        self.rules(results["violations"], url, _at(path, "violations"), needs_review=False)
        if self.include_incomplete:
            incomplete = results.get("incomplete", [])
            self.rules(incomplete, url, _at(path, "incomplete"), needs_review=True)

    def rules(self, value: object, url: str, path: str, needs_review: bool) -> None:
        for index, item in enumerate(_array(value, path)):
            where = f"{path}[{index}]"
            rule = _object(item, where)
            header = self.header(rule, url, where, needs_review)
            if not header.rule_id:
                raise _ShapeError(f"{where}.id is empty")
            key = (header.rule_id, url, needs_review)
            self.headers.setdefault(key, header)
            found = self.occurrences.setdefault(key, {})
            for number, node in enumerate(_array(rule.get("nodes"), _at(where, "nodes"))):
                occurrence = self.occurrence(node, f"{where}.nodes[{number}]")
                found.setdefault(occurrence.target, occurrence)

    def header(
        self, rule: dict[str, object], url: str, where: str, needs_review: bool
    ) -> AxeFinding:
        impact = rule.get("impact")
        if impact is not None and impact not in IMPACTS:
            raise _ShapeError(f"{where}.impact must be one of {', '.join(IMPACTS)} or null")
        tags = tuple(_clean(tag) for tag in _strings(rule.get("tags", []), f"{where}.tags"))
        criteria = self.criteria.get(tags)
        if criteria is None:
            criteria = self.criteria[tags] = criteria_of(tags)
        return AxeFinding(
            rule_id=self.text(rule, "id", where, required=True),
            url=url,
            impact=impact,
            help=self.text(rule, "help", where, required=True),
            description=self.text(rule, "description", where),
            help_url=self.text(rule, "helpUrl", where),
            tags=tags,
            criteria=criteria,
            needs_review=needs_review,
            occurrences=(),
        )

    def occurrence(self, value: object, where: str) -> AxeOccurrence:
        node = _object(value, where)
        target = node.get("target")
        if not isinstance(target, list) or not target or not all(map(_is_level, target)):
            raise _ShapeError(
                f"{where}.target must be a list of CSS selectors (or lists of them, for shadow DOM)"
            )
        return AxeOccurrence(
            target=_clean(render_target(target)),
            html=self.text(node, "html", where, required=True),
            failure_summary=self.text(node, "failureSummary", where),
        )

    def text(
        self, container: dict[str, object], key: str, where: str, required: bool = False
    ) -> str:
        value = container.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            problem = "is missing" if value is None else "must be text"
            raise _ShapeError(f"{_at(where, key)} {problem}")
        return _clean(value)


def _with_occurrences(header: AxeFinding, occurrences: tuple[AxeOccurrence, ...]) -> AxeFinding:
    return AxeFinding(
        rule_id=header.rule_id,
        url=header.url,
        impact=header.impact,
        help=header.help,
        description=header.description,
        help_url=header.help_url,
        tags=header.tags,
        criteria=header.criteria,
        needs_review=header.needs_review,
        occurrences=occurrences,
    )


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _is_level(level: object) -> bool:
    if isinstance(level, str):
        return bool(level)
    return isinstance(level, list) and bool(level) and all(isinstance(s, str) and s for s in level)


def _object(value: object, where: str, what: str = "an object") -> dict[str, object]:
    if not isinstance(value, dict):
        raise _ShapeError(f"{where or 'the top level'} must be {what}")
    return value


def _array(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise _ShapeError(f"{where} must be an array")
    return value


def _strings(value: object, where: str) -> list[str]:
    items = _array(value, where)
    if not all(isinstance(item, str) for item in items):
        raise _ShapeError(f"{where} must be an array of text")
    return cast(list[str], items)
