"""The Glossaire page (pages/16_glossary.py): terms in French alphabetical order, a filter, module links.

Each term is a subheader whose anchor is its id, so that `glossary#fhir` opens the page at « FHIR »: lessons
link there with `[FHIR](glossaire#fhir)` (academy/ui/render.py).
"""

from __future__ import annotations

import streamlit as st

from academy.content.catalog import Catalog
from academy.content.glossary import Glossary, Term, fold

from .guard import Viewer
from .render import render_blocks
from .widgets import module_link


def glossary_page(viewer: Viewer, cat: Catalog) -> None:
    """The whole page below the title: introduction, filter, letter index and the terms."""
    glossary = cat.glossary
    if glossary is None or not glossary.terms:
        st.info(viewer.t("glossary.empty"), icon=":material/menu_book:")
        return
    st.caption(viewer.t("glossary.caption"))
    query = st.text_input(viewer.t("glossary.filter"), placeholder=viewer.t("glossary.filter_placeholder"),
                          key="glossary_filter", icon=":material/search:")
    terms = glossary.search(query)
    st.caption(viewer.t("glossary.count", n=len(terms), total=len(glossary.terms)))
    if not terms:
        st.info(viewer.t("glossary.none"), icon=":material/search_off:")
        return
    letters = sorted({_letter(term) for term in terms})
    st.markdown(" · ".join(f"[{letter}](#lettre-{letter.lower()})" for letter in letters))
    current = ""
    for term in terms:
        if _letter(term) != current:
            current = _letter(term)
            st.header(current, anchor=f"lettre-{current.lower()}", divider="gray")
        _term(viewer, cat, glossary, term)


def _letter(term: Term) -> str:
    """The letter a term is filed under: « Éthique » under E."""
    first = next((ch for ch in fold(term.term) if ch.isalnum()), "#")
    return first.upper() if first.isalpha() else "#"


def _term(viewer: Viewer, cat: Catalog, glossary: Glossary, term: Term) -> None:
    st.subheader(term.label, anchor=term.id)
    render_blocks(glossary.blocks[term.id], glossary_url="")
    details = []
    if term.synonyms:
        avoided = ", ".join(f"«\u00a0{synonym}\u00a0»" for synonym in term.synonyms)
        details.append(f"**{viewer.t('glossary.avoid')}** {avoided}")
    related = [glossary.term(term_id) for term_id in term.see_also]
    if any(related):
        links = ", ".join(f"[{other.label}](#{other.id})" for other in related if other is not None)
        details.append(f"**{viewer.t('glossary.see_also')}** {links}")
    if term.source:
        details.append(f"**{viewer.t('glossary.source')}** {term.source}")
    if details:
        st.markdown("  \n".join(details))
    modules = [module for module_id in term.modules if (module := cat.module(module_id)) is not None]
    if modules:
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.caption(viewer.t("glossary.taught_in"), width="content")
            for module in modules:
                module_link(module, f"{module.order:02d}. {module.title}")
