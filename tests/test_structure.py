"""The structure the layers promise, in the places `lint-imports` cannot look.

import-linter checks which module imports which, wherever the import is written. It does not say *where* it is
written: an import placed inside a function to get round a cycle passes it, and hides the cycle from the reader.
These tests hold the codebase to what `docs/architecture.md` says: imports at the top of the module, except in an
`AppConfig.ready()` (where an app registers its rules and contributions once the app registry is ready) or where a
comment just above says why it must be lazy.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "actionset"


def _our_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "tests" not in path.relative_to(PACKAGE).parts and "migrations" not in path.relative_to(PACKAGE).parts
    ]


def _imports_inside_functions(path: Path) -> list[str]:
    source = path.read_text()
    lines = source.splitlines()
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name == "ready" and path.name == "apps.py":
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            if not (module or "").startswith("actionset"):
                continue
            above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
            if not above.startswith("#"):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} imports {module}")
    return found


def test_no_import_of_ours_is_hidden_inside_a_function_without_a_comment_saying_why() -> None:
    hidden = [line for path in _our_modules() for line in _imports_inside_functions(path)]
    assert hidden == [], "move these to the top of the module, or say in a comment above why they must be lazy"


def test_core_names_no_app_of_ours() -> None:
    apps = sorted(
        p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists() and p.name not in ("core", "composition")
    )
    assert "sets" in apps  # the scan below looks at real app names
    naming = [
        f"{path.relative_to(PACKAGE.parent)}: {app}"
        for path in sorted((PACKAGE / "core").rglob("*.py"))
        if "tests" not in path.relative_to(PACKAGE).parts
        for app in apps
        if f"actionset.{app}" in path.read_text()
    ]
    assert naming == []
