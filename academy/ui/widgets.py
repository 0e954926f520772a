"""Small shared widgets: links to modules, status badges, the provenance of a TCS item's panel."""

from __future__ import annotations

import altair as alt
import streamlit as st

from academy.content.catalog import Module
from academy.i18n import t, vega_locale
from academy.learning.overview import IN_PROGRESS, PASSED, ModuleOverview
from quiz import Question

from .text import escape_markdown

MODULE_PAGE = "pages/2_module.py"
QUIZ_PAGE = "pages/3_quiz.py"

_STATUS_BADGES = {
    PASSED: ("green", ":material/verified:"),
    IN_PROGRESS: ("orange", ":material/pending:"),
}


def module_link(module: Module, label: str, *, lesson_id: str | None = None) -> None:
    """A link to a module's page (at a given lesson when `lesson_id` is set)."""
    params = {"module": module.id} | ({"lesson": lesson_id} if lesson_id else {})
    st.page_link(MODULE_PAGE, label=label, icon=":material/arrow_forward:", query_params=params)


def _open_lesson(lesson_id: str | None) -> None:
    if lesson_id is None:
        st.query_params.pop("lesson", None)
    else:
        st.query_params["lesson"] = lesson_id


def lesson_button(label: str, lesson_id: str | None, *, icon: str, place: str, current: bool = False) -> None:
    """A link-like button that opens a lesson of the module shown (`None`: the overview).

    Navigation inside the Module page sets the query parameter server-side: a `page_link` to the page
    already shown does not keep its parameters on the following reruns in the browser.
    """
    st.button(label, key=f"open_lesson:{place}:{lesson_id}", icon=icon, type="secondary" if current else "tertiary",
              on_click=_open_lesson, args=(lesson_id,), width="stretch")


def quiz_link(module: Module, label: str, *, kind: str = "post") -> None:
    """A link to a module's quiz (`kind="pre"` for the pre-test)."""
    params = {"module": module.id} | ({"kind": "pre"} if kind == "pre" else {})
    st.page_link(QUIZ_PAGE, label=label, icon=":material/quiz:", query_params=params)


def status_badge_markdown(status: str, locale: str) -> str:
    """The learner's status in a module as Streamlit's Markdown badge (`:green-badge[:material/verified: Validé]`),
    written inside another element's text rather than as an element of its own."""
    color, icon = _STATUS_BADGES.get(status, ("gray", ":material/radio_button_unchecked:"))
    label = t(f"status.{status}", locale).replace("[", "\\[").replace("]", "\\]")  # as st.badge escapes it
    return f":{color}-badge[{icon} {label}]"


def small_print(text: str) -> str:
    """Markdown `text` (content already escaped) small and grey, as `st.caption` shows it, inside another element."""
    return f":gray[:small[{text}]]"


def module_card_text(overview: ModuleOverview, titles: dict[str, str], locale: str) -> str:
    """A catalogue card's text as one Markdown element: title, status badge, meta line, summary, prerequisites.

    Each Streamlit element is a message of its own (built, queued, sent as a WebSocket frame): one element
    instead of five or six per card (docs/performance.md). Prerequisite names are escaped, so that no
    bracket ends the grey text; the title stays on its heading's line.
    """
    module = overview.module
    meta = t("module.meta", locale, level=t(f"level.{module.level}", locale), minutes=module.duration_minutes,
             hours=hours(module.credits_hours))
    title = " ".join(module.title.split())
    parts = [f"#### {module.order:02d}. {title}", status_badge_markdown(overview.status, locale), small_print(meta),
             module.summary]
    if module.prerequisites:
        names = ", ".join(f"« {escape_markdown(titles.get(p, p))} »" for p in module.prerequisites)
        parts.append(small_print(t("catalogue.prerequisites", locale, names=names)))
    return "\n\n".join(parts)


def page_title(text: str) -> None:
    """The page's title, in a container whose key tells its length: on a phone the longer titles get a
    smaller size (academy/ui/guard.py's style), so that any title of the curriculum fits in two lines."""
    size = "s" if len(text) <= 40 else "m" if len(text) <= 60 else "l" if len(text) <= 75 else "xl"
    with st.container(key=f"page-title-{size}"):
        st.title(text)


def hours(value: float) -> str:
    """Hours with a French decimal comma, trimmed (0,75 ; 1 ; 1,5)."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def panel_note(question: Question, panel_source: str | None, locale: str) -> str | None:
    """Where a TCS item's reference panel comes from, in a sentence (None for other question types).

    `panel_source` is the quiz's `settings.panel_source`: `simule`, `experts` (the panel size is the sum of
    the item's counts) or None (not declared).
    """
    if question.type != "tcs":
        return None
    if panel_source == "experts":
        return t("tcs.panel.experts", locale, n=sum(option.panel for option in question.options))
    return t("tcs.panel.simule" if panel_source == "simule" else "tcs.panel.unknown", locale)


def tcs_panel_caption(question: Question, panel_source: str | None, locale: str) -> None:
    """Under a TCS item: where its reference panel comes from (nothing for other question types)."""
    note = panel_note(question, panel_source, locale)
    if note:
        st.caption(f":material/groups: {note}")


def draw_chart(chart: alt.TopLevelMixin, locale: str) -> None:
    """An Altair chart at full width, with the interface's number and date formats (« 0,05 », « 3 déc. »)."""
    st.altair_chart(chart.configure(locale=vega_locale(locale)), width="stretch")


def relabel(key: str, locale: str) -> None:
    """Call before drawing the select box `key` whose option labels are translated.

    Streamlit 1.67's browser keeps showing a select box's old label after a language switch (« Médecin » on
    the English page); giving the widget its own value again, once per language, makes the server send the
    choice with the new language's label.
    """
    marker = f"{key}:labels"
    if st.session_state.get(marker) != locale:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
        st.session_state[marker] = locale
