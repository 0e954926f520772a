"""Curriculum search: lesson text, accents and case ignored, word prefixes, excerpts with highlights."""

from __future__ import annotations

import pytest
from apptest_support import make_account, open_page
from sqlalchemy import Engine

from academy.accounts import auth
from academy.content.catalog import Catalog, load_catalog
from academy.content.search import Hit, build_index, fold, search
from academy.ui.resources import PROJECT_ROOT
from academy.ui.search_view import highlighted


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(PROJECT_ROOT / "content")


def test_fold_keeps_offsets_and_drops_accents_and_case() -> None:
    text = "Éthique, ÉVALUATION et sûreté"
    assert fold(text) == "ethique, evaluation et surete"
    assert len(fold(text)) == len(text)


def test_lesson_text_is_searched(catalog: Catalog) -> None:
    hits = search(build_index(catalog), "mammographie")
    lessons = {(hit.module_id, hit.lesson_id) for hit in hits}
    assert ("ia-imagerie-medicale", "depistage-cancer-sein") in lessons
    for hit in hits:
        for start, end in hit.spans:
            assert fold(hit.excerpt[start:end]) == "mammographie"[: end - start]


def test_accents_and_case_do_not_matter(catalog: Catalog) -> None:
    index = build_index(catalog)
    plain = [(h.module_id, h.lesson_id) for h in search(index, "ethique")]
    assert plain and plain == [(h.module_id, h.lesson_id) for h in search(index, "ÉTHIQUE")]
    assert ("ethique-regulation", None) in plain


def test_every_word_must_match_as_a_word_prefix(catalog: Catalog) -> None:
    index = build_index(catalog)
    both = search(index, "valeur prédictive")
    assert both and both[0].module_id == "evaluer-ia-sante"
    assert all(fold(h.excerpt[a:b]) in ("valeur", "predictive") for h in both for a, b in h.spans)
    assert search(index, "valeur zzzqx") == []
    assert search(index, "thique") == []  # a prefix of a word, not any substring
    assert search(index, "  ") == []


def test_titles_rank_first(catalog: Catalog) -> None:
    hits = search(build_index(catalog), "générative")
    assert hits[0].module_id == "ia-generative-pratique-clinique"


def test_highlighted_escapes_the_excerpt_and_bolds_matches() -> None:
    hit = Hit("m", "M", "l", "L", 1.0, "a *b* [x](y) risque", ((13, 19),))
    assert highlighted(hit) == r"a \*b\* \[x\]\(y\) **risque**"


def test_catalogue_search_finds_a_lesson_by_its_text_without_accents(app_env: Engine) -> None:
    account = make_account(app_env, "learner")
    at = open_page("pages/1_catalogue.py", token=auth.create_session(app_env, account.id))
    at.text_input[0].input("mammographie").run()
    assert not at.exception
    markdown = "\n".join(node.value for node in at.markdown)
    assert "Dans les leçons" in [node.value for node in at.subheader]
    assert "**mammographie" in markdown.casefold()
    lesson_links = [link.proto for link in at.get("page_link") if link.proto.label == "Ouvrir la leçon"]
    assert any("module=ia-imagerie-medicale" in link.query_string and "lesson=depistage-cancer-sein"
               in link.query_string for link in lesson_links)
    at.text_input[0].input("ethique").run()
    titles = [node.value for node in at.markdown if node.value.startswith("#### ")]
    assert any("Éthique" in title for title in titles)
