"""Attack: hostile Markdown in content (scripts, event handlers, iframes, `javascript:`/`data:` links).

The checker (`academy check`, the Studio, publishing) refuses each payload in lessons, quiz stems, options and
explanations, and the glossary, at its file and line; a module with such a problem is withheld from
learners. What is rendered goes through `st.markdown` without `unsafe_allow_html` anywhere in the app.
Size limits and images: tests/security/test_hostile_content.py, tests/security/test_hostile_images.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from apptest_support import ROOT, make_account, open_page
from sqlalchemy import Engine

from academy.accounts import auth
from academy.content.catalog import load_catalog
from academy.content.glossary import parse_glossary
from academy.i18n import t

VALID = ROOT / "tests" / "fixtures" / "content" / "valid"
FOLDER = "01-bases-ia"
RAW_HTML = "raw HTML is not rendered"
LINK = "is refused: use an http(s) or mailto address, or a relative link"
IMAGE_URL = "is a URL"

PAYLOADS = {
    "script": ("<script>alert(document.cookie)</script>", RAW_HTML),
    "img-onerror": ("<img src=x onerror=alert(1)>", RAW_HTML),
    "iframe": ('<iframe src="https://evil.example/"></iframe>', RAW_HTML),
    "raw-html": ('<span style="color:red">gras</span>', RAW_HTML),
    "javascript-link": ("[cliquez ici](javascript:alert(1))", "link 'javascript:alert(1)' " + LINK),
    "javascript-entities": ("[ici](java&#x73;cript:alert(1))", "link 'javascript:alert(1)' " + LINK),
    "javascript-autolink": ("<javascript:alert(1)>", "link 'javascript:alert(1)' " + LINK),
    "data-link": ("[ouvrir](data:text/html;base64,PHNjcmlwdD4=)", "link 'data:text/html;base64,PHNjcmlwdD4=' " + LINK),
    "vbscript-link": ("[x](VBScript:msgbox)", "link 'VBScript:msgbox' " + LINK),
    "data-image": ("![schéma](data:image/svg+xml;base64,PHN2Zz4=)", IMAGE_URL),
}

# Where a payload goes: the file, and the line it is appended to (or a new paragraph at the end).
PLACES = {
    "lesson": ("01-introduction.md", None),
    "quiz-stem": ("quiz.md", "Quelle proposition définit le mieux l'apprentissage automatique ?"),
    "quiz-option": ("quiz.md", "- [x] Un programme qui ajuste ses paramètres à partir d'exemples."),
    "quiz-explanation": ("quiz.md",
                         "> L'apprentissage automatique ajuste les paramètres d'un modèle à partir de données."),
}


def inject(root: Path, filename: str, anchor: str | None, payload: str) -> int:
    """Put `payload` in a copy of the fixture module; return its 1-based line."""
    path = root / FOLDER / filename
    text = path.read_text(encoding="utf-8")
    if anchor is None:
        text = text.rstrip("\n") + f"\n\n{payload}\n"
    else:
        assert anchor in text
        text = text.replace(anchor, f"{anchor} {payload}", 1)
    path.write_text(text, encoding="utf-8")
    return next(number for number, line in enumerate(text.split("\n"), 1) if payload in line)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(VALID, root)
    return root


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize("place", sorted(PLACES))
def test_the_checker_refuses_the_payload_at_its_file_and_line(root: Path, place: str, payload: str) -> None:
    filename, anchor = PLACES[place]
    text, message = PAYLOADS[payload]
    line = inject(root, filename, anchor, text)
    catalog = load_catalog(root)
    found = [problem for problem in catalog.problems
             if problem.path.endswith(f"{FOLDER}/{filename}") and problem.line == line and message in problem.message]
    assert found, [str(problem) for problem in catalog.problems]
    assert re.match(rf".*{FOLDER}/{re.escape(filename)}:{line}: ", str(found[0]))
    assert catalog.modules == ()  # withheld from learners
    assert catalog.all_modules[0].valid is False


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
def test_the_glossary_refuses_the_payload_at_its_line(payload: str) -> None:
    text, message = PAYLOADS[payload]
    glossary = (ROOT / "content" / "glossaire.md").read_text(encoding="utf-8")
    assert not parse_glossary(glossary).problems
    anchor = "Logiciel avec lequel on dialogue en langage courant."
    hostile = glossary.replace(anchor, f"{anchor} {text}", 1)
    line = next(number for number, row in enumerate(hostile.split("\n"), 1) if text in row)
    found = [problem for problem in parse_glossary(hostile, source="glossaire.md").problems
             if message in problem.message]
    assert len(found) == 1 and str(found[0]).startswith(f"glossaire.md:{line}: ")


def test_safe_links_pass(root: Path) -> None:
    inject(root, "01-introduction.md", None,
           "[HAS](https://www.has-sante.fr) [écrire](mailto:formation@example.org) [haut](#intro) [suite](02-limites)")
    assert load_catalog(root).problems == ()


def test_no_page_renders_raw_html() -> None:
    sources = [*(ROOT / "academy").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]
    assert [str(path) for path in sources if "unsafe_allow_html" in path.read_text(encoding="utf-8")] == []


@pytest.fixture
def hostile_app(root: Path, app_env: Engine, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app serving the fixture module with a script and a `javascript:` link; a learner's token."""
    inject(root, "01-introduction.md", None, "<script>alert(1)</script> [cliquez](javascript:alert(1))")
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(root))
    return auth.create_session(app_env, make_account(app_env, "learner").id)


def test_a_learner_never_gets_the_hostile_module(hostile_app: str) -> None:
    at = open_page("pages/2_module.py", hostile_app, {"module": "bases-ia", "lesson": "introduction"})
    assert not at.exception
    assert [node.value for node in at.warning] == [t("module.unknown")]
    shown = " ".join(str(node.value) for node in at.markdown)
    assert "<script" not in shown and "javascript:" not in shown
    catalogue = open_page("pages/1_catalogue.py", hostile_app)
    assert "<script" not in " ".join(str(node.value) for node in catalogue.markdown)


def test_lesson_text_is_drawn_as_markdown_without_html(root: Path, app_env: Engine,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(root))
    token = auth.create_session(app_env, make_account(app_env, "learner").id)
    at = open_page("pages/2_module.py", token, {"module": "bases-ia", "lesson": "introduction"})
    assert not at.exception
    assert at.markdown and [node.value for node in at.markdown if node.allow_html] == []
