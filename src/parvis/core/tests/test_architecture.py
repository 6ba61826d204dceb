"""The dependency arrows of ``docs/architecture.md``, checked on the source itself.

Imports are read with ``ast`` (those inside functions included), so a lazy import does
not slip past: ``core`` imports no other parvis module, and reads (``selectors``) never
import writes (``services``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3]  # .../src
PARVIS = SRC / "parvis"

# Selectors that import services. Empty: keep it so (move the read to selectors instead).
SELECTORS_IMPORTING_SERVICES_ALLOWED: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, source: str | None = None) -> Iterator[tuple[int, str]]:
    """``(line, imported module)`` for every import of the file; ``from a import b`` also
    yields ``a.b`` (``b`` may be a module)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if source is None:
        source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:
                yield node.lineno, f"{target}.{alias.name}"


def _sources(*, include_tests: bool) -> Iterator[Path]:
    for path in sorted(PARVIS.rglob("*.py")):
        if not include_tests and "tests" in path.relative_to(PARVIS).parts:
            continue
        yield path


def _is_selectors(module: str) -> bool:
    return "selectors" in module.split(".")[2:]


def _is_services(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "parvis" and "services" in parts[2:]


def test_core_imports_no_parvis_app():
    violations = [
        f"{path.relative_to(SRC)}:{line} imports {name}"
        for path in _sources(include_tests=False)
        if _module_name(path).startswith("parvis.core")
        for line, name in _imports(path)
        if (name == "parvis" or name.startswith("parvis."))
        and not (name == "parvis.core" or name.startswith("parvis.core."))
    ]
    assert not violations, "core depends on no parvis app:\n" + "\n".join(violations)


def test_selectors_never_import_services():
    found = set()
    violations = []
    for path in _sources(include_tests=False):
        module = _module_name(path)
        if not _is_selectors(module):
            continue
        for line, name in _imports(path):
            if not _is_services(name):
                continue
            imported = name[: name.index(".services") + len(".services")]
            found.add((module, imported))
            if (module, imported) not in SELECTORS_IMPORTING_SERVICES_ALLOWED:
                violations.append(f"{path.relative_to(SRC)}:{line} imports {name}")
    assert not violations, "selectors read, services write; reads never call writes:\n" + (
        "\n".join(violations)
    )
    stale = SELECTORS_IMPORTING_SERVICES_ALLOWED - found
    assert not stale, f"remove from the allow-list, it no longer happens: {sorted(stale)}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from parvis.voice.services import x", "parvis.voice.services"),
        ("from parvis.voice import services", "parvis.voice.services"),
        ("from . import services", "parvis.demo.services"),
        ("def f():\n    from .services import y", "parvis.demo.services"),
        ("import parvis.voice.services.digests", "parvis.voice.services.digests"),
    ],
)
def test_imports_are_resolved_even_inside_functions(source, expected):
    path = PARVIS / "demo" / "selectors.py"
    assert expected in {name for _, name in _imports(path, source)}
    assert _is_services(expected)
    assert _is_selectors(_module_name(path))
