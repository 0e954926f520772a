"""The load benchmark's anchor script (bench/load_app/bare.py): one element, or as many as asked."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

SCRIPT = str(Path(__file__).resolve().parent.parent / "bench" / "load_app" / "bare.py")


def test_bare_script_draws_one_element(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BENCH_BARE_ELEMENTS", raising=False)
    app = AppTest.from_file(SCRIPT).run()
    assert [m.value for m in app.markdown] == ["Bonjour"]


def test_bare_script_draws_the_elements_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_BARE_ELEMENTS", "40")
    app = AppTest.from_file(SCRIPT).run()
    assert not app.exception
    assert len(app.markdown) == 40
    assert app.markdown[39].value.startswith("Ligne **39**")
