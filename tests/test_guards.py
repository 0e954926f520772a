"""Every page refuses the roles it must refuse; a page without a declared guard fails this test."""

from __future__ import annotations

import ast

import pytest
from apptest_support import ROOT, open_page, token_for

from academy.accounts.roles import ADMINS, COORDINATORS, ROLES, SIGNED_IN, TRAINERS
from academy.i18n import t

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

SIGN_IN_REQUIRED = t("guard.sign_in_required")
FORBIDDEN = t("guard.forbidden")


def test_every_page_is_declared() -> None:
    on_disk = {f"pages/{path.name}" for path in (ROOT / "pages").glob("*.py")} | {"app.py"}
    assert on_disk == set(PAGE_ROLES), "declare each page's roles in PAGE_ROLES"


@pytest.mark.parametrize("path", sorted(PAGE_ROLES))
def test_every_page_starts_with_the_guard(path: str) -> None:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    body = [node for node in tree.body if not isinstance(node, ast.Import | ast.ImportFrom)]
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the module docstring
    first = body[0]
    assert isinstance(first, ast.Assign) and isinstance(first.value, ast.Call), f"{path}: guard first"
    assert getattr(first.value.func, "id", None) == "page", f"{path} must call page() before anything else"
    roles = next((kw.value for kw in first.value.keywords if kw.arg == "roles"), None)
    assert roles is not None, f"{path}: the guard call must name its roles"


@pytest.mark.parametrize("path", sorted(PAGE_ROLES))
def test_signed_out_visitors(path: str, app_env) -> None:
    at = open_page(path)
    assert not at.exception
    infos = [node.value for node in at.info]
    if PAGE_ROLES[path] is None:
        assert SIGN_IN_REQUIRED not in infos
    else:
        assert SIGN_IN_REQUIRED in infos


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", sorted(PAGE_ROLES))
def test_each_role(path: str, role: str, app_env) -> None:
    # A learner-only account is made by taking the role alone; others also hold "learner".
    token = token_for(app_env, role)
    at = open_page(path, token)
    assert not at.exception
    errors = [node.value for node in at.error]
    expected_refused = PAGE_ROLES[path] is not None and role not in PAGE_ROLES[path]
    assert (FORBIDDEN in errors) == expected_refused
    assert SIGN_IN_REQUIRED not in [node.value for node in at.info]

