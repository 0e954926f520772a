"""Review: the questions the learner missed come back when due (FSRS), one at a time, across modules."""

from typing import Any

import streamlit as st

import quiz
from academy.accounts.roles import SIGNED_IN
from academy.learning import review
from academy.ui.guard import page
from academy.ui.quiz_view import current_response, question_input, show_result, stem_text, widget_key
from academy.ui.render import render_markdown
from academy.ui.resources import catalog, engine
from academy.ui.widgets import tcs_panel_caption

viewer = page("nav.review", roles=SIGNED_IN)
account = viewer.account
eng = engine()
modules = catalog().modules
review.sync_cards(eng, account.id)
CHECKED = "review_checked"  # {"card": id, "response": …, "fraction": …} once the learner clicked "Check"
if st.session_state.pop("review_already_reviewed", False):
    st.toast(viewer.t("review.already_reviewed"), icon=":material/info:")


def namespace(card_id: int) -> int:
    """The widget-key namespace of a card's answer (negative, so never an attempt's)."""
    return -card_id


def ignore(question_id: str, response: Any) -> None:
    """Reviews are not autosaved: the answer is read when the learner checks it."""


def check(card_id: int, question: quiz.Question, order: list[str]) -> None:
    response = current_response(question, namespace(card_id), order)
    st.session_state[CHECKED] = {"card": card_id, "response": response, "fraction": quiz.grade(question, response)}


def rate(card_id: int, question: quiz.Question, rating: int | None) -> None:
    checked = st.session_state.pop(CHECKED, None)
    if checked is None or checked["card"] != card_id:
        return  # a second click on a card already rated
    try:
        review.record_review(eng, card_id, account.id, response=checked["response"], quiz_question=question,
                             rating=rating)
    except review.CardNotDueError:
        st.session_state["review_already_reviewed"] = True
    prefix = widget_key(namespace(card_id), question.id)
    for key in [k for k in st.session_state if k == prefix or str(k).startswith(f"{prefix}:")]:
        del st.session_state[key]  # the card starts blank when it comes back


st.title(viewer.t("review.title"))
st.caption(viewer.t("review.intro"))
due = review.due_cards(eng, account.id, catalog_modules=modules, limit=None)
st.metric(viewer.t("review.due_now"), len(due))
if due:
    card = due[0]
    module = catalog().module(card.module_id)
    question = module.quiz.question(card.question_id)
    order, rights = review.display_order(question, seed=int(card.due_at.timestamp()))
    checked = st.session_state.get(CHECKED)
    checked = checked if checked and checked["card"] == card.id else None
    with st.container(border=True):
        st.caption(viewer.t("review.from_module", title=module.title))
        if question.case:
            case = module.quiz.case(question.case)
            with st.expander(viewer.t("review.case", title=case.title)):
                render_markdown(case.vignette, module.folder)
        st.markdown(f"**{question.title}**")
        if stem_text(question).strip() != question.title.strip():
            render_markdown(stem_text(question), module.folder)
        tcs_panel_caption(question, module.quiz.settings.panel_source, viewer.locale)
        if checked is None or question.type != "zone":  # once checked, a zone's points show in the result
            question_input(question, attempt_id=namespace(card.id), order=order, rights=rights, saved=None,
                           locale=viewer.locale, save=ignore, disabled=checked is not None, base_dir=module.folder)
    if checked is None:
        st.button(viewer.t("review.check"), type="primary", icon=":material/fact_check:",
                  on_click=check, args=(card.id, question, order))
        st.caption(viewer.t("review.check_help"))
    else:
        show_result(question, checked["response"], checked["fraction"], base_dir=module.folder,
                    locale=viewer.locale)
        if checked["fraction"] >= review.FULL_MARKS:
            st.markdown(viewer.t("review.rate_prompt"))
            for column, rating in zip(st.columns(len(review.Rating)), map(int, review.Rating), strict=True):
                column.button(viewer.t(f"review.rating.{rating}"), help=viewer.t(f"review.rating_help.{rating}"),
                              key=f"rate:{card.id}:{rating}", on_click=rate, args=(card.id, question, rating),
                              width="stretch")
        else:
            st.info(viewer.t("review.missed"), icon=":material/replay:")
            st.button(viewer.t("review.continue"), type="primary", icon=":material/arrow_forward:",
                      on_click=rate, args=(card.id, question, None))

tz = review.viewer_timezone(st.context.timezone)
following = None if due else review.next_due(eng, account.id, catalog_modules=modules)
if not due:
    st.success(viewer.t("review.none_due"), icon=":material/task_alt:")
    if following is None:
        st.caption(viewer.t("review.no_cards"))
    else:
        local = following.astimezone(tz)
        st.markdown(viewer.t("review.next_due", date=local.strftime("%d/%m/%Y"), time=local.strftime("%H:%M")))
if due or following is not None:
    st.subheader(viewer.t("review.forecast"))
    forecast = review.upcoming(eng, account.id, tz=tz, catalog_modules=modules)
    st.altair_chart(review.forecast_chart(forecast, viewer.locale), width="stretch")
