"""Time spent on lessons, estimated from page views: the time between opening a lesson and the next
page view, capped so that a tab left open overnight does not count."""

from __future__ import annotations

import time

import streamlit as st

from academy.learning import progress

from .resources import engine

MAX_SECONDS_PER_VIEW = 30 * 60
_CLOCK = "lesson_clock"


def track_lesson_time(user_id: int, module_id: str, lesson_id: str | None) -> None:
    """Credit the time since the previous lesson view to that lesson; start the clock for this one."""
    now = time.monotonic()
    previous = st.session_state.get(_CLOCK)
    current = (module_id, lesson_id)
    if previous is not None and tuple(previous[:2]) == current:
        return  # a rerun of the same lesson: keep counting
    views = []
    if previous is not None and previous[1] is not None:
        views.append((previous[0], previous[1], int(min(now - previous[2], MAX_SECONDS_PER_VIEW))))
    if lesson_id is None:
        st.session_state.pop(_CLOCK, None)
    else:
        views.append((module_id, lesson_id, 0))
        st.session_state[_CLOCK] = (module_id, lesson_id, now)
    if views:  # one write transaction for the lesson left and the lesson opened
        progress.record_lesson_views(engine(), user_id, views)
