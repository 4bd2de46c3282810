"""Architecture rules import-linter cannot express: the domain imports only an allow-list."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "ccassure" / "domain"
ALLOWED = set(sys.stdlib_module_names) | {"pydantic", "ccassure", "__future__"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_domain_imports_only_stdlib_and_pydantic() -> None:
    files = sorted(DOMAIN.glob("*.py"))
    assert len(files) >= 8
    strays = {f.name: imported_roots(f) - ALLOWED for f in files}
    assert {name: roots for name, roots in strays.items() if roots} == {}


def test_every_module_has_a_one_line_docstring() -> None:
    package = DOMAIN.parent
    missing = []
    for path in package.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        if not doc or not doc.splitlines()[0].strip():
            missing.append(str(path.relative_to(package)))
    assert missing == []
