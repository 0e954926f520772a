"""Helpers for AppTest page tests: a fresh database per test and signed-in sessions of any role."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from academy.accounts import auth

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
BROWSER_URL = "http://localhost:8501/"


def app(path: str = "app.py") -> AppTest:
    """An AppTest of the entry script; `path` other than app.py is reached with switch_page.

    Like a browser, it sends the address it uses (`st.context.url`): pages print it on attestations when
    ACADEMY_BASE_URL is not set.
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.context["url"] = BROWSER_URL
    return at


def open_page(path: str, token: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    """Run the Home page, then switch to `path` (signed in with `token` when given)."""
    at = app()
    if token:
        at.session_state["auth_token"] = token
    at.run()
    if path != "app.py":
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.switch_page(path).run()
    return at


def make_account(engine: Engine, role: str, email: str | None = None, name: str = "Camille Durand") -> auth.Account:
    """An account holding `role` (plus learner), created directly in the store."""
    email = email or f"{role}@example.org"
    return auth.add_user(engine, email=email, name=name, password="correct-horse-battery", roles={role, "learner"},
                         profession="medecin")


def token_for(engine: Engine, role: str) -> str:
    """A valid session token for a new account holding `role`."""
    return auth.create_session(engine, make_account(engine, role).id)


def texts(at: AppTest, element: str) -> list[str]:
    """The text of every element of a kind (`markdown`, `info`, `error`, `title`…)."""
    return [node.value for node in getattr(at, element)]
