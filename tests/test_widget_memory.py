"""academy/ui/widget_memory.py: a long session that keeps drawing widgets with new keys (each quiz attempt's
widgets carry the attempt in their keys) keeps Streamlit's widget bookkeeping bounded."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

SCRIPT = '''
import streamlit as st
from streamlit.runtime.state.session_state_proxy import get_session_state

from academy.ui.widget_memory import forget_stale_widgets

if st.session_state.get("forget", True):
    forget_stale_widgets()
run = st.session_state.get("run", 0) + 1
st.session_state["run"] = run
for question in range(3):  # the widgets of "attempt" number `run`
    st.checkbox(f"option {question}", key=f"attempt-{run}-q{question}")
    st.button(f"suivant {question}", key=f"next-{run}-q{question}")
st.checkbox("à revoir", key="flag")  # a widget drawn on every run keeps its value
state = get_session_state()._state
st.session_state["sizes"] = (len(state._new_widget_state.widget_metadata),
                             len(state._key_id_mapper._key_id_mapping), len(state._key_id_mapper._id_key_mapping))
'''


def run_many(tmp_path: Path, *, forget: bool, runs: int = 30) -> tuple[AppTest, tuple[int, int, int]]:
    script = tmp_path / "widgets.py"
    script.write_text(SCRIPT, encoding="utf-8")
    at = AppTest.from_file(str(script))
    at.session_state["forget"] = forget
    at.run()
    at.checkbox(key="flag").check().run()
    for _ in range(runs):
        at.run()
    assert not at.exception
    return at, at.session_state["sizes"]


def test_the_bookkeeping_of_widgets_no_longer_drawn_is_dropped(tmp_path: Path) -> None:
    at, sizes = run_many(tmp_path, forget=True)
    # this run's 7 widgets, and at most the previous run's (still in the state being compacted)
    assert all(size <= 14 for size in sizes), sizes
    assert at.checkbox(key="flag").value is True  # a widget that stays keeps its value


def test_without_it_the_bookkeeping_grows_with_every_run(tmp_path: Path) -> None:
    _, sizes = run_many(tmp_path, forget=False)
    assert sizes[1] >= 30 * 6, sizes  # the key map keeps every widget ever drawn (Streamlit 1.67)
