"""The package layout and the page rules that import-linter cannot see (docs/architecture.md).

import-linter (``lint-imports``, run by ``make test`` and ``make lint``) checks the layers between the
``academy`` packages; pages are scripts, not importable modules, so their rules are checked here.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [*sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py"]
PACKAGES = {"store", "accounts", "content", "learning", "analytics", "coordination", "interop", "ui", "locales"}
TOP_LEVEL_MODULES = {"__init__.py", "__main__.py", "cli.py", "demo.py", "i18n.py", "settings.py", "serve.py"}
MAX_PAGE_LINES = 150


def imported_modules(path: Path) -> set[str]:
    """Every module a script imports (``import a.b`` and ``from a.b import c``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _module_exists(dotted: str) -> bool:
    path = ROOT / Path(*dotted.split("."))
    return path.with_suffix(".py").exists() or path.is_dir()


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_hold_no_sql(path: Path) -> None:
    """Pages reach the database only through academy functions: no store, no SQLAlchemy."""
    offending = {
        name for name in imported_modules(path) if name.startswith(("academy.store", "sqlalchemy"))
    }
    assert not offending, f"{path.name} imports {sorted(offending)}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_are_thin(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_PAGE_LINES, f"{path.name} has {lines} lines: move its logic into academy/ui or a domain package"


def test_academy_top_level_holds_only_the_named_modules() -> None:
    entries = {p.name for p in (ROOT / "academy").iterdir() if p.name != "__pycache__"}
    modules = {name for name in entries if name.endswith(".py")}
    folders = entries - modules
    assert modules == TOP_LEVEL_MODULES
    assert folders == PACKAGES


def test_every_path_named_in_the_architecture_doc_exists() -> None:
    """The "I want to change X → open Y" table and the layer picture stay true."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:academy|quiz|migrations|docs|tests|pages)/[\w/.-]*\.(?:py|md|toml))`", text))
    assert paths, "the architecture doc names no file"
    missing = sorted(p for p in paths if "*" not in p and "N_name" not in p and not (ROOT / p).exists())
    assert not missing, f"docs/architecture.md names files that do not exist: {missing}"
    dotted = set(re.findall(r"`(academy(?:\.\w+)+)`", text))
    unknown = sorted(name for name in dotted if not _module_exists(name))
    assert not unknown, f"docs/architecture.md names modules that do not exist: {unknown}"


def test_every_test_named_in_the_security_doc_exists() -> None:
    """Each control in docs/security.md names the tests that prove it: they must exist."""
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:tests|academy)/[\w/.-]*\.py)`", text))
    assert len(paths) > 15, "the security doc names too few files"
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"docs/security.md names files that do not exist: {missing}"
    assert {"tests/security/test_hostile_content.py", "tests/security/test_hostile_images.py"} <= paths
