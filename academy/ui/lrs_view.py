"""The Admin page's LRS section: where xAPI statements go, the outbox's backlog and the latest error."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from academy.interop import lrs

from .guard import Viewer
from .quiz_view import local_time
from .resources import engine


def _when(moment: datetime | None) -> str:
    return f"{local_time(moment):%d/%m/%Y %H:%M}" if moment is not None else "—"


def lrs_section(viewer: Viewer) -> None:
    """Backlog (waiting, failing, sent), next retry and latest error of the xAPI outbox; the push command."""
    state = lrs.status(engine())
    box = state.outbox
    st.subheader(viewer.t("admin.lrs.title"))
    if state.url is None:
        st.caption(viewer.t("admin.lrs.not_configured", variable=lrs.URL_ENV))
    else:
        st.caption(viewer.t("admin.lrs.url", url=state.url))
    waiting, failing, sent = st.columns(3)
    waiting.metric(viewer.t("admin.lrs.pending"), box.pending)
    failing.metric(viewer.t("admin.lrs.failing"), box.failing)
    sent.metric(viewer.t("admin.lrs.sent"), box.sent)
    if box.last_error:
        st.error(viewer.t("admin.lrs.last_error", at=_when(box.last_error_at), error=box.last_error),
                 icon=":material/cloud_off:")
        st.caption(viewer.t("admin.lrs.next_try", at=_when(box.next_try_at)))
    else:
        st.caption(viewer.t("admin.lrs.no_error", at=_when(box.last_sent_at)))
    st.caption(viewer.t("admin.lrs.how"))
