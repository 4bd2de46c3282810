"""Checklist templates: their schema, validation and loading from TOML files."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ccassure.domain.decisions import DEFAULT_DECISIONS, REJECTING, Decision
from ccassure.domain.errors import CcassureError

Kind = Literal["dpia", "eia", "accessibility", "environmental"]
KINDS: tuple[Kind, ...] = ("dpia", "eia", "accessibility", "environmental")
AnswerType = Literal["text", "choice", "yes_no_partly", "date", "rating"]
YES_NO_PARTLY: tuple[str, ...] = ("yes", "no", "partly", "not_applicable")
KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"


class TemplateError(CcassureError):
    """A template file that cannot be used, with a message naming the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    label: str = Field(min_length=1)
    description: str = ""


class Scale(_Strict):
    label: str = Field(min_length=1)
    levels: tuple[Choice, ...] = Field(min_length=2)

    def keys(self) -> tuple[str, ...]:
        return tuple(level.key for level in self.levels)


class Matrix(_Strict):
    """A lookup table: rows and columns are levels of two scales, cells levels of a third."""

    label: str = Field(min_length=1)
    rows: str
    columns: str
    result: str
    cells: tuple[tuple[str, ...], ...]


class WcagRef(_Strict):
    number: str = Field(pattern=r"^\d\.\d{1,2}\.\d{1,2}$")
    level: Literal["A", "AA", "AAA"]
    principle: Literal["Perceivable", "Operable", "Understandable", "Robust"]
    guideline: str = Field(min_length=1)


class Item(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    prompt: str = Field(min_length=1)
    guidance: str = ""
    answer: AnswerType
    required: bool
    reference: str = Field(min_length=1)
    choices: tuple[Choice, ...] = ()
    scale: str | None = None
    expires: bool = False
    wcag: WcagRef | None = None
    # DPIA screening: an ICO-list item (alone, or only with a WP248 criterion) or a WP248 one
    screening: Literal["ico", "ico_combined", "wp248"] | None = None

    @model_validator(mode="after")
    def _answer_needs(self) -> Item:
        if self.answer == "choice" and len(self.choices) < 2:
            raise ValueError("a 'choice' item needs at least two choices")
        if self.answer == "rating" and not self.scale:
            raise ValueError("a 'rating' item needs a 'scale'")
        return self

    def allowed_values(self, scales: dict[str, Scale]) -> tuple[str, ...] | None:
        """The closed set of answer values, or None when the answer is free text or a date."""
        if self.answer == "choice":
            return tuple(choice.key for choice in self.choices)
        if self.answer == "yes_no_partly":
            return YES_NO_PARTLY
        if self.answer == "rating" and self.scale:
            return scales[self.scale].keys()
        return None


class AppliesWhen(_Strict):
    """A section that applies only when another item has one of these answers."""

    item: str = Field(pattern=KEY_PATTERN)
    values: tuple[str, ...] = Field(min_length=1)


class Section(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    title: str = Field(min_length=1)
    guidance: str = ""
    reference: str = ""
    applies_when: AppliesWhen | None = None
    items: tuple[Item, ...] = Field(min_length=1)

    def applies(self, answers: Mapping[str, str]) -> bool:
        """Whether the section is part of this assessment, given its answers so far."""
        condition = self.applies_when
        return condition is None or answers.get(condition.item, "") in condition.values

    def condition_text(self, template: Template) -> str:
        """How a person reads the condition: 'applies when <prompt> is <labels>'."""
        condition = self.applies_when
        if condition is None:
            return ""
        item = template.item(condition.item)
        prompt = item.prompt if item else condition.item
        labels = " or ".join(
            f"“{template.answer_label(condition.item, v)}”" for v in condition.values
        )
        return f"Applies when “{prompt}” is answered {labels}."


class SignoffRole(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    label: str = Field(min_length=1)
    guidance: str = ""
    required: bool = True
    # The decisions this role may record (unset: approve, approve with conditions, reject).
    decisions: tuple[Decision, ...] | None = None
    # Roles that must be signed by someone else than whoever signs this one.
    separate_from: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _decisions_usable(self) -> SignoffRole:
        if self.decisions is None:
            return self
        if len(set(self.decisions)) != len(self.decisions):
            raise ValueError(f"role {self.key!r} names a decision twice")
        if not any(d != REJECTING for d in self.decisions):
            raise ValueError(f"role {self.key!r} needs at least one decision that approves")
        return self

    @property
    def allowed_decisions(self) -> tuple[Decision, ...]:
        return self.decisions if self.decisions is not None else DEFAULT_DECISIONS

    def approves(self, decision: str) -> bool:
        """Whether this decision, recorded in this role, counts as the role's approval."""
        return decision != REJECTING and decision in self.allowed_decisions


class Template(_Strict):
    id: str = Field(pattern=KEY_PATTERN)
    kind: Kind
    version: int = Field(ge=1)
    title: str = Field(min_length=1)
    description: str = ""
    sources: tuple[str, ...] = ()
    scales: dict[str, Scale] = {}
    matrices: dict[str, Matrix] = {}
    lists: dict[str, tuple[Choice, ...]] = {}
    signoff_roles: tuple[SignoffRole, ...] = Field(min_length=1)
    sections: tuple[Section, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Template:
        seen: set[str] = set()
        for section in self.sections:
            for item in section.items:
                if item.key in seen:
                    raise ValueError(f"item key {item.key!r} is used twice")
                seen.add(item.key)
                if item.scale is not None and item.scale not in self.scales:
                    raise ValueError(f"item {item.key!r} names unknown scale {item.scale!r}")
        for section in self.sections:
            _check_condition(self, section)
        roles = [role.key for role in self.signoff_roles]
        if len(set(roles)) != len(roles):
            raise ValueError("sign-off role keys must be unique")
        for role in self.signoff_roles:
            unknown = [k for k in role.separate_from if k not in roles or k == role.key]
            if unknown:
                raise ValueError(
                    f"role {role.key!r} separate_from names {unknown[0]!r}, "
                    "which must be another sign-off role of the template"
                )
        for name, matrix in self.matrices.items():
            _check_matrix(name, matrix, self.scales)
        return self

    def role(self, key: str) -> SignoffRole | None:
        return next((role for role in self.signoff_roles if role.key == key), None)

    def separated_from(self, key: str) -> tuple[SignoffRole, ...]:
        """Roles whose signer may not sign this one: named by either role (it works both ways)."""
        own = self.role(key)
        mine = own.separate_from if own else ()
        return tuple(
            role
            for role in self.signoff_roles
            if role.key != key and (key in role.separate_from or role.key in mine)
        )

    def items(self) -> Iterable[tuple[Section, Item]]:
        for section in self.sections:
            for item in section.items:
                yield section, item

    def item(self, key: str) -> Item | None:
        return next((item for _, item in self.items() if item.key == key), None)

    def answer_label(self, key: str, value: str) -> str:
        """How an answer reads to a person: a scale level's or a choice's label, or the text."""
        item = self.item(key)
        if item is None or not value:
            return value
        if item.answer == "rating" and item.scale:
            levels = self.scales[item.scale].levels
            return next((lv.label for lv in levels if lv.key == value), value)
        if item.answer == "choice":
            return next((c.label for c in item.choices if c.key == value), value)
        if item.answer == "yes_no_partly":
            return value.replace("_", " ")
        return value

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


def _check_matrix(name: str, matrix: Matrix, scales: dict[str, Scale]) -> None:
    for axis in (matrix.rows, matrix.columns, matrix.result):
        if axis not in scales:
            raise ValueError(f"matrix {name!r} names unknown scale {axis!r}")
    rows, columns = scales[matrix.rows].keys(), scales[matrix.columns].keys()
    results = set(scales[matrix.result].keys())
    if len(matrix.cells) != len(rows) or any(len(row) != len(columns) for row in matrix.cells):
        raise ValueError(
            f"matrix {name!r} must have {len(rows)} rows of {len(columns)} cells "
            f"({matrix.rows} x {matrix.columns})"
        )
    for row in matrix.cells:
        for cell in row:
            if cell not in results:
                raise ValueError(f"matrix {name!r} cell {cell!r} is not a level of {matrix.result}")


def _check_condition(template: Template, section: Section) -> None:
    condition = section.applies_when
    if condition is None:
        return
    item = template.item(condition.item)
    if item is None or any(i.key == item.key for i in section.items):
        raise ValueError(
            f"section {section.key!r} applies_when names {condition.item!r}, "
            "which must be an item of another section"
        )
    allowed = item.allowed_values(template.scales)
    wrong = [v for v in condition.values if allowed is not None and v not in allowed]
    if allowed is None or wrong:
        raise ValueError(
            f"section {section.key!r} applies_when: {condition.item!r} must be a closed "
            f"question and {wrong or list(condition.values)} among its answers"
        )


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    return f"{where}: {first['msg']}"


def parse_template(text: str, source: str) -> Template:
    """Parse and validate one template; any problem raises TemplateError naming source and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{source}: not valid TOML: {exc}") from None
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        raise TemplateError(f"{source}: {_describe(exc)}") from None


def load_template(path: Path) -> Template:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot be read: {exc}") from None
    return parse_template(text, str(path))


@dataclass(frozen=True)
class TemplateFile:
    """A template that loaded, the file it came from, and whether it is a built-in one."""

    template: Template
    path: Path
    builtin: bool


@dataclass(frozen=True)
class TemplateSet:
    """The templates that loaded, and one message per user template that did not."""

    templates: tuple[Template, ...]
    errors: tuple[str, ...]
    files: tuple[TemplateFile, ...] = ()

    def get(self, template_id: str, version: int | None = None) -> Template | None:
        matching = [t for t in self.templates if t.id == template_id]
        if version is not None:
            matching = [t for t in matching if t.version == version]
        return max(matching, key=lambda t: t.version, default=None)

    def for_kind(self, kind: str) -> Template | None:
        """The newest built-in-or-user template of a kind (built-ins first when versions tie)."""
        matching = [t for t in self.templates if t.kind == kind]
        return max(matching, key=lambda t: t.version, default=None)


def load_templates(builtin_dir: Path, user_dir: Path | None) -> TemplateSet:
    """Load every built-in template (errors raise) and every user template (errors are kept)."""
    files = [TemplateFile(load_template(p), p, True) for p in sorted(builtin_dir.glob("*.toml"))]
    errors: list[str] = []
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.toml")):
            try:
                template = load_template(path)
            except TemplateError as exc:
                errors.append(str(exc))
                continue
            if any(
                f.template.id == template.id and f.template.version == template.version
                for f in files
            ):
                errors.append(
                    f"{path}: id: template {template.id!r} version {template.version} "
                    "already exists; give your template its own id or a higher version"
                )
                continue
            files.append(TemplateFile(template, path, False))
    return TemplateSet(tuple(f.template for f in files), tuple(errors), tuple(files))
