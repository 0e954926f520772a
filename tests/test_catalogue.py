"""The Catalogue page (pages/1_catalogue.py): one card per module, each drawn with few elements (issue 15).

A card is a bordered container holding ONE Markdown element (title, status badge in Streamlit's badge syntax,
meta line and prerequisites as small grey text, summary), the progress bar and the link to the module. Every
element is a message of its own (built, queued, sent as a WebSocket frame): the card used to draw 7 or 8.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from apptest_support import ROOT, app, make_account, open_page
from attempt_support import pass_module
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from academy.accounts import auth
from academy.content.catalog import Catalog, load_catalog
from academy.i18n import t
from academy.learning import progress
from academy.ui.widgets import hours

CARD_ELEMENTS = ["markdown", "progress", "page_link"]


@pytest.fixture(scope="module")
def demo() -> Catalog:
    """The demo curriculum (content/), which an empty database is seeded with."""
    return load_catalog(ROOT / "content")


def cards(at: AppTest) -> list:
    """The module cards of the page: its bordered containers, in the order they are drawn."""
    found = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if node.type == "flex_container" and proto is not None and proto.flex_container.border:
            found.append(node)
            return
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return found


def card_texts(at: AppTest) -> list[str]:
    return [card.children[0].value for card in cards(at)]


def node_count(node) -> int:
    """The elements and layout blocks under `node`: one message each on a rerun."""
    return sum(1 + node_count(child) for child in getattr(node, "children", {}).values())


def token_of_learner(engine: Engine) -> str:
    return auth.create_session(engine, make_account(engine, "learner").id)


def meta(module, locale: str = "fr") -> str:
    return t("module.meta", locale, level=t(f"level.{module.level}", locale), minutes=module.duration_minutes,
             hours=hours(module.credits_hours))


def test_a_card_shows_title_status_meta_summary_prerequisites_and_link(app_env: Engine, demo: Catalog) -> None:
    account = make_account(app_env, "learner")
    first, second, third = demo.modules[:3]
    pass_module(app_env, account.id, first.id)
    progress.mark_lesson_complete(app_env, account.id, second.id, second.lessons[0].id)
    at = open_page("pages/1_catalogue.py", auth.create_session(app_env, account.id))
    assert not at.exception

    texts = card_texts(at)
    assert len(texts) == len(demo.modules)
    assert texts[0] == "\n\n".join([
        f"#### 01. {first.title}",
        ":green-badge[:material/verified: Validé]",
        f":gray[:small[{meta(first)}]]",
        first.summary,
    ])
    assert first.prerequisites == ()  # the first module has none: no prerequisites line
    assert texts[1] == "\n\n".join([
        f"#### 02. {second.title}",
        ":orange-badge[:material/pending: En cours]",
        f":gray[:small[{meta(second)}]]",
        second.summary,
        f":gray[:small[{t('catalogue.prerequisites', 'fr', names=f'« {first.title} »')}]]",
    ])
    assert meta(second) == "Intermédiaire · 42 min · 0,75 h créditées"
    assert first.title == "Fondamentaux de l’IA en santé"
    assert texts[2].startswith(f"#### 03. {third.title}\n\n:gray-badge[:material/radio_button_unchecked: Non commencé]")

    # each card ends with its progress bar and the link to its module; the order stays 01, 02, 03…
    for card, module in zip(cards(at), demo.modules, strict=True):
        bar, link = card.children[1], card.children[2]
        assert bar.type == "progress" and link.type == "page_link"
        assert link.proto.label == "Ouvrir le module" and link.proto.query_string == f"module={module.id}"
    # the badges and captions are no elements of their own any more
    assert [node.value for node in at.main.caption] == ["13 module(s)"]
    assert [node.value for node in at.main.markdown] == texts


def test_a_card_draws_three_elements_in_its_container(app_env: Engine, demo: Catalog) -> None:
    at = open_page("pages/1_catalogue.py", token_of_learner(app_env))
    assert not at.exception
    shown = cards(at)
    assert len(shown) == len(demo.modules) == 13
    assert [[child.type for child in card.children.values()] for card in shown] == [CARD_ELEMENTS] * 13
    # the whole main area: 4 messages per card, 3 layout blocks per row of two cards, and the page's head
    # (title, search and filters, count). The cards drew 7 or 8 messages each before issue 15 (133 in all).
    rows = (len(shown) + 1) // 2
    assert node_count(at.main) <= 4 * len(shown) + 3 * rows + 10 < 90


def test_cards_in_english(app_env: Engine, demo: Catalog) -> None:
    at = app()
    at.session_state["auth_token"] = token_of_learner(app_env)
    at.session_state["locale"] = "en"  # what the language switch sets
    at.run()
    at.switch_page("pages/1_catalogue.py").run()
    assert not at.exception
    second = card_texts(at)[1]
    assert ":gray-badge[:material/radio_button_unchecked: Not started]" in second
    assert f":gray[:small[{meta(demo.modules[1], 'en')}]]" in second
    assert second.endswith(f":gray[:small[Prerequisites: « {demo.modules[0].title} »]]")
    assert "Open the module" in [link.proto.label for link in at.get("page_link")]


def test_content_cannot_break_the_grey_text(tmp_path: Path, app_env: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A prerequisite's title with brackets or Markdown stays text inside `:gray[:small[…]]`."""
    fixture = ROOT / "tests" / "fixtures" / "content" / "valid" / "01-bases-ia"
    first, second = tmp_path / "01-bases-ia", tmp_path / "02-suite"
    shutil.copytree(fixture, first)
    shutil.copytree(fixture, second)
    hostile = "Les bases] :red[de l'IA] *en* [santé](https://evil.example)"
    module = first / "module.md"
    module.write_text(module.read_text(encoding="utf-8").replace("title: Les bases de l'IA en santé",
                                                                 f'title: "{hostile}"'), encoding="utf-8")
    module = second / "module.md"
    module.write_text(module.read_text(encoding="utf-8").replace(
        "title: Les bases de l'IA en santé", "title: La suite\nprerequisites:\n  - bases-ia"), encoding="utf-8")
    catalog = load_catalog(tmp_path)
    assert catalog.problems == () and [m.title for m in catalog.modules] == [hostile, "La suite"]
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(tmp_path))

    at = open_page("pages/1_catalogue.py", token_of_learner(app_env))
    assert not at.exception
    suite = card_texts(at)[1]
    escaped = r"Les bases\] \:red\[de l'IA\] \*en\* \[santé\]\(https\://evil\.example\)"
    assert suite.endswith(f":gray[:small[{t('catalogue.prerequisites', 'fr', names=f'« {escaped} »')}]]")
    line = suite.split("\n\n")[-1]
    assert line.count("]") - line.count(r"\]") == 2  # only the ends of the small text and of the grey text
