"""The template library: built-in and user templates, copies, saving, and autosaved drafts."""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path

from ccassure.domain.template_text import replace_top_level
from ccassure.domain.templates import (
    Template,
    TemplateError,
    TemplateFile,
    TemplateSet,
    load_templates,
    parse_template,
)
from ccassure.services.errors import ServiceError
from ccassure.services.paths import AppPaths, builtin_resources

COPY_SUFFIX = re.compile(r"-copy(?:-\d+)?$")
TITLE_COPY = " (copy)"
UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class TemplateLibrary:
    """Reads templates from their files and writes the user's own (never a built-in one)."""

    def __init__(self, builtin_dir: Path, user_dir: Path) -> None:
        self.builtin_dir = builtin_dir
        self.user_dir = user_dir

    @classmethod
    def for_paths(cls, paths: AppPaths) -> TemplateLibrary:
        return cls(builtin_resources() / "templates", paths.user_templates)

    @property
    def drafts_dir(self) -> Path:
        return self.user_dir / "drafts"

    def load(self) -> TemplateSet:
        """Every template that loads, with its file; a message per user file that does not."""
        return load_templates(self.builtin_dir, self.user_dir)

    def entries(self) -> tuple[TemplateFile, ...]:
        return self.load().files

    def source_text(self, entry: TemplateFile) -> str:
        return _read(entry.path)

    def copy_text(self, template_id: str) -> str:
        """The TOML of a template with a new unique id, title "… (copy)" and version 1."""
        loaded = self.load()
        template = loaded.get(template_id)
        entry = next((f for f in loaded.files if f.template is template), None)
        if template is None or entry is None:
            raise TemplateError(f"there is no template {template_id!r} to copy", "missing")
        title = template.title.removesuffix(TITLE_COPY) + TITLE_COPY
        values: dict[str, str | int] = {
            "id": self._unused_id(template.id, loaded),
            "title": title,
            "version": 1,
        }
        text = replace_top_level(_read(entry.path), values)
        parse_template(text, f"the copy of {template_id}")
        return text

    def _unused_id(self, template_id: str, loaded: TemplateSet) -> str:
        taken = {t.id for t in loaded.templates} | set(self.draft_names())
        if self.user_dir.is_dir():
            taken |= {path.stem for path in self.user_dir.glob("*.toml")}
        base = COPY_SUFFIX.sub("", template_id) + "-copy"
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}-{number}"
        return candidate

    def save_user_template(self, text: str, editing: Path | None = None) -> Template:
        """Validate and write the user's template; `editing` is the file it was opened from.

        It goes over its own file only: the one being edited, `<id>.toml` or `<id>-v<version>.toml`
        when that holds the same id and version (a new version never replaces an older one,
        which assessments may use). An id and version another template has are refused.
        """
        template = parse_template(text, "the template")
        target = self._own_file(template, editing)
        for entry in self.load().files:
            same = (entry.template.id, entry.template.version) == (template.id, template.version)
            if same and (entry.builtin or entry.path.resolve() != target.resolve()):
                where = "a built-in template" if entry.builtin else f"the template in {entry.path}"
                raise TemplateError(
                    f"id: {template.id!r} version {template.version} is already used by "
                    f"{where}; give your template its own id or a higher version",
                    "exists",
                )
        write_atomically(target, text)
        return template

    def _own_file(self, template: Template, editing: Path | None) -> Path:
        identity = (template.id, template.version)
        if editing is not None and _file_identity(editing) == identity:
            return editing
        names = [f"{template.id}.toml", f"{template.id}-v{template.version}.toml"]
        for candidate in (self.user_dir / name for name in names):
            if not candidate.exists() or _file_identity(candidate) == identity:
                return candidate
        raise TemplateError(
            f"{self.user_dir / names[0]} and {names[1]} already hold other templates; "
            "give this one another id, or move those files away first",
            "exists",
        )

    # --- drafts: what is typed is kept even while it is not a valid template yet ---------------
    def draft_path(self, name: str) -> Path:
        safe = UNSAFE_NAME.sub("-", name).strip(".-") or "untitled"
        return self.drafts_dir / f"{safe}.toml"

    def save_draft(self, name: str, text: str) -> None:
        write_atomically(self.draft_path(name), text)

    def load_draft(self, name: str) -> str | None:
        path = self.draft_path(name)
        return _read(path) if path.is_file() else None

    def discard_draft(self, name: str) -> None:
        try:
            self.draft_path(name).unlink(missing_ok=True)
        except OSError as exc:
            raise ServiceError(f"{self.draft_path(name)}: cannot be removed ({exc})") from None

    def draft_names(self) -> list[str]:
        if not self.drafts_dir.is_dir():
            return []
        return sorted(path.stem for path in self.drafts_dir.glob("*.toml"))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ServiceError(f"{path}: cannot be read ({exc})") from None


def _file_identity(path: Path) -> tuple[object, object] | None:
    """The id and version a TOML file declares, or None when it cannot be read as TOML."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return data.get("id"), data.get("version")


def write_atomically(path: Path, text: str) -> None:
    """Write the whole file or nothing: a temporary file beside it, flushed, then renamed over."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ServiceError(f"{path}: cannot be written ({exc.strerror or exc})") from None
