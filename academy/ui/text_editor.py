"""The Studio's Markdown editor: Ace (streamlit-code-editor) with line numbers, Markdown highlighting, the
problems' lines flagged in the gutter, and a way to move its cursor to a line.

The text lives in ``st.session_state[text_key]`` (a plain string, not the component's value): the save, check
and restore flows read it there, and AppTest, which cannot drive custom components, sets it there too. The
component reports its text when it loses focus (so before any click elsewhere on the page reaches a button
callback); :func:`sync` copies a report it has not seen yet into ``text_key``. Putting another text in the
editor (a reload, a restore) needs :func:`replace`, which mounts a fresh component.
"""

from __future__ import annotations

import json
from pathlib import Path

import code_editor
import streamlit as st
import streamlit.components.v1 as components

_BUILD = Path(code_editor.__file__).parent / "frontend" / "build"
# Where the component puts its Ace instance: the iframe Streamlit titles with the component's name, and the
# element react-ace names after its `name` prop.
_FRAME = 'iframe[title="academy.ui.text_editor.ace"]'
_ACE_ID = "REACT_ACE_EDITOR"


def _ace() -> components.CustomComponent:
    """streamlit-code-editor's front end, declared during the run: Streamlit registers a component (and
    serves its files) only when it is declared inside a script run, and asgi.py imports this module before
    any run (its own `code_editor` function, declared at import, would answer 404 there)."""
    return components.declare_component("ace", path=str(_BUILD))


def _widget_key(text_key: str) -> str:
    return f"{text_key}:ace:{st.session_state.get(f'{text_key}:revision', 0)}"


def sync(text_key: str) -> None:
    """Copy the component's newest report (a text the trainer typed) into ``text_key``, once."""
    report = st.session_state.get(_widget_key(text_key))
    seen_key = f"{text_key}:seen"
    if isinstance(report, dict) and report.get("id") and report["id"] != st.session_state.get(seen_key):
        st.session_state[seen_key] = report["id"]
        st.session_state[text_key] = report["text"]


def replace(text_key: str, text: str) -> None:
    """Put `text` in the editor: the next run mounts a new component showing it."""
    st.session_state[text_key] = text
    st.session_state[f"{text_key}:revision"] = st.session_state.get(f"{text_key}:revision", 0) + 1


def go_to_line(text_key: str, line: int) -> None:
    """Ask the next run to move the editor's cursor to `line` (1-based) and scroll it into view (callback)."""
    nonce = st.session_state.get(f"{text_key}:goto_nonce", 0) + 1
    st.session_state[f"{text_key}:goto_nonce"] = nonce
    st.session_state[f"{text_key}:goto"] = line


# Ace paints non-breaking spaces as red "invalid" boxes; French typography puts one before « : ; ! ? » and
# inside quotes, so they are shown as a discreet dotted underline instead.
_CSS = ".ace_invisible_space { background-color: transparent !important; border-bottom: 1px dotted #9aa0a6; }"


def text_editor(text_key: str, label: str, marks: list[tuple[int, str, str]]) -> str:
    """Draw the editor for the text in ``text_key`` and return that text.

    `marks` are (line, severity, message) flagged in the gutter (severity `error` or `warning`).
    """
    sync(text_key)
    annotations = [{"row": max(line - 1, 0), "column": 0, "type": severity, "text": message}
                   for line, severity, message in marks]
    st.caption(label)
    options = {"showLineNumbers": True, "wrap": True, "tabSize": 2, "useSoftTabs": True, "animatedScroll": False}
    props = {"annotations": annotations, "navigateToFileEnd": False, "enableLiveAutocompletion": False,
             "scrollMargin": [0, 0, 0, 0],  # the default top margin draws the gutter a line off once scrolled
             "enableSnippets": False}
    # The arguments streamlit-code-editor's own wrapper passes; no buttons, menu nor info bar (English chrome).
    _ace()(code=st.session_state[text_key], lang="markdown", theme="default", key=_widget_key(text_key),
           height=[24, 24], focus=False, shortcuts="vscode", snippets=["", ""], completions=[], keybindings={},
           buttons=[], options=options, props=props, editor_props={}, component_props={"globalCSS": _CSS}, menu={},
           info={},
           allow_reset=False, replace_completer=False, response_mode="blur", ghost_text="",
           default={"id": "", "type": "", "lang": "markdown", "text": "", "selected": "", "cursor": ""})
    sync(text_key)  # the value this run's component returned (AppTest: nothing new)
    line = st.session_state.pop(f"{text_key}:goto", None)
    if line is not None:
        _move_cursor(line, st.session_state.get(f"{text_key}:goto_nonce", 0))
    return st.session_state[text_key]


def _move_cursor(line: int, nonce: int) -> None:
    """Run, in the page, a script that puts the Ace cursor on `line` once the editor is there (it may be
    mounting), scrolls to it and focuses the editor. The component's iframe is same-origin."""
    script = f"""<script>/* go to line, request {nonce} */
(() => {{
  const line = {json.dumps(int(line))};
  let tries = 0;
  const go = () => {{
    for (const frame of document.querySelectorAll({json.dumps(_FRAME)})) {{
      const element = frame.contentDocument && frame.contentDocument.getElementById({json.dumps(_ACE_ID)});
      const editor = element && element.env && element.env.editor;
      if (editor) {{
        editor.gotoLine(line, 0, false);
        editor.scrollToLine(line - 1, true, false, () => {{}});
        frame.scrollIntoView({{block: "center"}});
        editor.focus();
        return;
      }}
    }}
    if (++tries < 100) setTimeout(go, 100);
  }};
  go();
}})();
</script>"""
    st.html(script, unsafe_allow_javascript=True)

