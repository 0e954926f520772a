"""Curriculum search results on the Catalogue page: lessons with a highlighted excerpt and a link."""

from __future__ import annotations

import streamlit as st

from academy.content.catalog import Catalog
from academy.content.search import Hit, index_for, search

from .guard import Viewer
from .my_data import escape_markdown
from .widgets import module_link

MAX_LESSON_HITS = 10


def highlighted(hit: Hit) -> str:
    """The excerpt as Markdown: text escaped, matches in bold."""
    merged: list[list[int]] = []
    for start, end in sorted(hit.spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, cursor = [], 0
    for start, end in merged:
        parts += [escape_markdown(hit.excerpt[cursor:start]), f"**{escape_markdown(hit.excerpt[start:end])}**"]
        cursor = end
    parts.append(escape_markdown(hit.excerpt[cursor:]))
    return "".join(parts)


def matching_modules(catalog: Catalog, query: str) -> tuple[set[str] | None, list[Hit]]:
    """Ids of the modules the query finds (None when there is no query) and its lesson hits."""
    if not query.strip():
        return None, []
    hits = search(index_for(catalog), query, limit=200)
    return {hit.module_id for hit in hits}, [hit for hit in hits if hit.lesson_id][:MAX_LESSON_HITS]


def lesson_results(viewer: Viewer, catalog: Catalog, hits: list[Hit]) -> None:
    """The lessons a search found, best first, each with its excerpt and a link to open it."""
    if not hits:
        return
    st.subheader(viewer.t("search.in_lessons"))
    for hit in hits:
        module = catalog.module(hit.module_id)
        if module is None:
            continue
        with st.container(border=True):
            st.markdown(f"**{escape_markdown(hit.lesson_title or '')}** · {escape_markdown(hit.module_title)}")
            st.markdown(highlighted(hit))
            module_link(module, viewer.t("search.open_lesson"), lesson_id=hit.lesson_id)
