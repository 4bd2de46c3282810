"""Where things live: data directory, store, user templates, built-in resources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from ccassure.services.errors import ServiceError

STORE_FILE = "ccassure.db"
STORE_ENV = "CCASSURE_STORE"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    store: Path

    @property
    def user_templates(self) -> Path:
        return self.data_dir / "templates"

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"


def store_path(value: str) -> Path:
    """A store given as a path or an sqlite:/// URL; other databases come with the team server."""
    if "://" not in value:
        if not value.strip():
            raise ServiceError("the store path is empty")
        try:
            return Path(value).expanduser()
        except RuntimeError as exc:
            raise ServiceError(f"{value}: {exc}") from None
    url = urlparse(value)
    if url.scheme != "sqlite":
        raise ServiceError(
            f"{url.scheme}: stores of this kind are not supported yet; give an SQLite file path"
        )
    path = unquote(url.path)
    if value.startswith("sqlite:////"):
        return Path(path)
    return Path(path.lstrip("/"))


def resolve_paths(store: str | None, data_dir: str | None, env: Mapping[str, str]) -> AppPaths:
    """--store beats CCASSURE_STORE beats the data directory's default store file."""
    if data_dir:
        try:
            base = Path(data_dir).expanduser()
        except RuntimeError as exc:
            raise ServiceError(f"{data_dir}: {exc}") from None
    else:
        from platformdirs import user_data_path

        base = user_data_path("ccassure", appauthor=False)
    chosen = store or env.get(STORE_ENV) or ""
    return AppPaths(base, store_path(chosen) if chosen else base / STORE_FILE)


def demo_store_path(paths: AppPaths) -> Path:
    """Where the demo programme's own store lives, apart from the user's store."""
    return paths.data_dir / "demo" / "ccassure-demo.db"


def builtin_resources() -> Path:
    """Resources are packaged inside ccassure; a source checkout keeps them at the top level."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "resources"
    return packaged if packaged.is_dir() else here.parent / "resources"
