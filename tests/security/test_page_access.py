"""Attack: opening a page by its URL without the role it needs.

Every page in `pages/` (and `app.py`) is opened signed out and with each role. A page a role may not open
shows the refusal and nothing else of the page: the main area holds only the refusal and the link home.
The matrix comes from the pages folder, so a new page that is not declared here, or whose guard is missing
or names other roles, fails this test.
"""

from __future__ import annotations

import ast

import pytest
from apptest_support import ROOT, open_page, token_for
from streamlit.testing.v1 import AppTest

from academy.accounts import roles as role_groups
from academy.accounts.roles import ADMINS, COORDINATORS, ROLES, SIGNED_IN, TRAINERS
from academy.i18n import t
from academy.ui.guard import NAVIGATION

# The roles each page admits (None: public). A new page must be added here with its roles.
PAGE_ROLES: dict[str, frozenset[str] | None] = {
    "app.py": None,
    "pages/1_catalogue.py": SIGNED_IN,
    "pages/2_module.py": SIGNED_IN,
    "pages/3_quiz.py": SIGNED_IN,
    "pages/4_progress.py": SIGNED_IN,
    "pages/5_review.py": SIGNED_IN,
    "pages/6_studio.py": TRAINERS,
    "pages/7_cohorts.py": COORDINATORS,
    "pages/8_dashboard.py": COORDINATORS,
    "pages/10_exports.py": COORDINATORS,
    "pages/11_attestations.py": COORDINATORS,
    "pages/12_verify.py": None,
    "pages/13_item_analysis.py": TRAINERS,
    "pages/14_password.py": None,
    "pages/15_unsubscribe.py": None,
    "pages/16_glossary.py": SIGNED_IN,
    "pages/15_profile.py": SIGNED_IN,
    "pages/9_admin.py": ADMINS,
    "pages/17_audit.py": ADMINS,
}

PAGES = sorted({f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py")} | {"app.py"})
SIGN_IN_REQUIRED = t("guard.sign_in_required")
FORBIDDEN = t("guard.forbidden")
GO_HOME = t("guard.go_home")


def _declared(path: str) -> frozenset[str] | None:
    assert path in PAGE_ROLES, f"{path}: declare the page's roles in PAGE_ROLES"
    return PAGE_ROLES[path]


def _guard_roles(path: str) -> ast.expr:
    """The `roles=` argument of the page's first statement, which must be the `page()` guard call."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    body = [node for node in tree.body if not isinstance(node, ast.Import | ast.ImportFrom)]
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the module docstring
    first = body[0]
    assert isinstance(first, ast.Assign) and isinstance(first.value, ast.Call), f"{path}: guard first"
    assert getattr(first.value.func, "id", None) == "page", f"{path} must call page() before anything else"
    roles = next((kw.value for kw in first.value.keywords if kw.arg == "roles"), None)
    assert roles is not None, f"{path}: the guard call must name its roles"
    return roles


def _main_area(at: AppTest) -> list[tuple[str, str]]:
    """What the page drew in its main area: (element type, text) of every element, blocks left out."""
    return [(node.type, str(getattr(node, "value", ""))) for node in at.main if not hasattr(node, "children")]


def test_every_page_is_declared() -> None:
    assert set(PAGES) == set(PAGE_ROLES), "declare each page's roles in PAGE_ROLES"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_starts_with_the_guard_naming_its_declared_roles(path: str) -> None:
    roles = _guard_roles(path)
    value = None if isinstance(roles, ast.Constant) and roles.value is None else getattr(role_groups, roles.id)
    assert value == _declared(path), f"{path}: its guard admits other roles than PAGE_ROLES says"


def test_the_navigation_shows_each_page_to_the_roles_its_guard_admits() -> None:
    for item in NAVIGATION:
        assert item.roles == _declared(item.path), item.path


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_visitors(path: str, app_env) -> None:
    at = open_page(path)
    assert not at.exception
    if _declared(path) is None:
        assert SIGN_IN_REQUIRED not in [node.value for node in at.info]
    else:
        assert _main_area(at) == [("info", SIGN_IN_REQUIRED), ("page_link", GO_HOME)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PAGES)
def test_each_role(path: str, role: str, app_env) -> None:
    # A learner-only account is made by taking the role alone; others also hold "learner".
    token = token_for(app_env, role)
    at = open_page(path, token)
    assert not at.exception
    drawn = _main_area(at)
    allowed = _declared(path) is None or role in _declared(path)
    if allowed:
        assert ("error", FORBIDDEN) not in drawn
        assert drawn, f"{path} drew nothing for an admitted {role}"
    else:
        assert drawn == [("error", FORBIDDEN), ("page_link", GO_HOME)]
    assert SIGN_IN_REQUIRED not in [node.value for node in at.info]
