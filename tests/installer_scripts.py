"""The installer's scripts (installer/, not a package) loaded as modules for their tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

INSTALLER = Path(__file__).resolve().parent.parent / "installer"


def installer_script(relative: str) -> ModuleType:
    """installer/<relative> (e.g. "debian/build_deb.py"), imported afresh."""
    path = INSTALLER / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
