"""The satisfaction survey of a passed module, or a thank-you line once it was filled in."""

from __future__ import annotations

import streamlit as st

from academy.i18n import t
from academy.learning import survey

from .resources import engine


def _key(module_id: str, field: str) -> str:
    """Session-state key of a survey field (``errors``: the field errors of the last submission)."""
    return f"survey:{module_id}:{field}"


def _submit(user_id: int, module_id: str, locale: str) -> None:
    state = st.session_state
    answers = {item: state.get(_key(module_id, item)) for item in survey.ITEMS}
    try:
        survey.save_evaluation(engine(), user_id, module_id, answers, state.get(_key(module_id, "comment"), ""))
    except survey.SurveyValidationError as err:
        state[_key(module_id, "errors")] = {field: t(key, locale) for field, key in err.errors.items()}
        return
    except survey.AlreadyEvaluatedError:
        pass  # a double click: the first submission was stored
    except survey.SurveyNotAllowedError:
        state[_key(module_id, "errors")] = {"form": t("survey.not_allowed", locale)}
        return
    state.pop(_key(module_id, "errors"), None)


def module_survey(user_id: int, module_id: str, locale: str) -> None:
    """The survey form for a learner who passed the module; a thank-you line once they answered it."""
    if survey.evaluation_for(engine(), user_id, module_id) is not None:
        st.success(t("survey.thanks", locale), icon=":material/thumb_up:")
        return
    errors: dict[str, str] = st.session_state.get(_key(module_id, "errors"), {})

    def field_error(name: str) -> None:
        if name in errors:
            st.error(errors[name], icon=":material/error:")

    with st.form(f"survey:{module_id}"):
        st.subheader(t("survey.title", locale))
        st.caption(t("survey.intro", locale))
        for item in survey.ITEMS:
            st.radio(t(f"survey.item.{item}", locale), survey.SCALE, index=None, horizontal=True,
                     key=_key(module_id, item), format_func=lambda value: t(f"survey.scale.{value}", locale))
            field_error(item)
        st.text_area(t("survey.comment", locale), key=_key(module_id, "comment"),
                     max_chars=survey.COMMENT_MAX_LENGTH, help=t("survey.comment_help", locale))
        field_error("comment")
        field_error("form")
        st.form_submit_button(t("survey.submit", locale), type="primary", icon=":material/send:",
                              on_click=_submit, args=(user_id, module_id, locale))
