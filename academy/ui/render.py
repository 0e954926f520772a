"""Draw catalog blocks (lessons, overviews, quiz stems) with Streamlit elements; never raw HTML."""

from __future__ import annotations

import base64
import functools
from collections.abc import Iterable
from pathlib import Path

import streamlit as st

from academy.content.catalog import Block, markdown_blocks
from academy.content.glossary import link_terms
from academy.content.images import SVG_SUFFIX, read_image
from academy.i18n import DEFAULT_LOCALE, LOCALES, t

from .figures import draw_figure
from .text import escape_markdown

GLOSSARY_URL = "glossary"  # the URL path of pages/16_glossary.py, relative to any page of the app

_CALLOUTS = {
    "note": (st.info, ":material/info:"),
    "tip": (st.success, ":material/lightbulb:"),
    "important": (st.info, ":material/star:"),
    "warning": (st.warning, ":material/warning:"),
    "caution": (st.error, ":material/report:"),
}


def render_blocks(blocks: Iterable[Block], *, glossary_url: str = GLOSSARY_URL, scope: str = "") -> None:
    """Draw each block: Markdown text, callouts as Streamlit alerts, images, tables, interactive figures.

    Glossary links `[FHIR](glossaire#fhir)` point at the Glossaire page's anchor (`glossary_url=""`: on the
    Glossaire page itself, the anchor of this page). `scope` tells apart the widgets of figures drawn twice on
    one page (the studio shows a lesson's preview and its live edit side by side).
    """
    locale = st.session_state.get("locale", DEFAULT_LOCALE)
    locale = locale if locale in LOCALES else DEFAULT_LOCALE
    text: list[str] = []  # consecutive text and table blocks, drawn as one element (each costs a message)
    for block in blocks:
        if block.kind not in ("callout", "image") and not (block.kind == "figure" and block.figure is not None):
            text.append(link_terms(block.text, glossary_url))
            continue
        _flush(text)
        if block.kind == "callout":
            draw, icon = _CALLOUTS.get(block.callout, _CALLOUTS["note"])
            draw(link_terms(block.text, glossary_url), icon=icon)
        elif block.kind == "image":
            draw_image(block, locale)
        elif block.figure is not None:
            draw_figure(block.figure, locale, scope=scope)
    _flush(text)


def _flush(text: list[str]) -> None:
    """Draw the pending text blocks as one Markdown element, then forget them."""
    if text:
        st.markdown("\n\n".join(text))
        text.clear()


def draw_image(block: Block, locale: str) -> None:
    """Draw an image block from the bytes checked by `read_image`; a missing or refused file (changed after
    the lint) shows a placeholder with its alt text instead, so the rest of the page still draws."""
    data = read_image(block.src)[0] if block.src is not None else None
    if block.src is None or data is None:
        st.info(t("module.image_unavailable", locale, alt=escape_markdown(block.alt)), icon=":material/hide_image:")
        return
    if block.src.suffix.lower() == SVG_SUFFIX:  # a data URL: st.image would sniff the text to recognise an SVG
        st.image(f"data:image/svg+xml;base64,{base64.b64encode(data).decode('ascii')}", caption=block.text or block.alt)
    else:
        st.image(data, caption=block.text or block.alt)


def render_markdown(text: str, base_dir: Path, *, glossary_url: str = GLOSSARY_URL) -> None:
    """Draw a Markdown fragment (a quiz stem or explanation) whose images live under `base_dir`."""
    if text.strip():
        render_blocks(_blocks(text, base_dir), glossary_url=glossary_url)


@functools.lru_cache(maxsize=4096)
def _blocks(text: str, base_dir: Path) -> tuple[Block, ...]:
    """The blocks of a fragment, parsed once per process (a quiz redraws every stem on each answer)."""
    return tuple(markdown_blocks(text, base_dir))

