"""User-supplied text in Markdown contexts: names, e-mail addresses, cohort names, comments, professions.

``st.markdown``, ``st.caption``, ``st.info``/``success``/``warning``/``error``/``toast``, titles and headers,
and widget labels all render Markdown: links and autolinks, emphasis, code, Streamlit's ``:red[…]`` and
``:material/…:`` directives, LaTeX between ``$``. Anything a person typed goes through
:func:`escape_markdown` before it reaches one of them, so that ``[lien](https://evil.example)`` shows as
those characters and never as a link. Tables (``st.dataframe``) and ``st.text`` show plain text and need
nothing; interface strings and the curriculum (trainers' Markdown) are not user input.
"""

from __future__ import annotations

import re
import unicodedata

# The ASCII punctuation Markdown gives a meaning (CommonMark lets a backslash escape any of them): emphasis,
# code, links and images, HTML and entities, headings, lists, quotes, tables, strikethrough, Streamlit's
# directives (:red[…], :material/…:) and math ($…$). Escaping ".", ":" and "@" also keeps GitHub-style
# autolinks (www.…, https://…, a@b.c) from forming.
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&:@])")
# Characters that reorder text on screen (Unicode Bidi_Control): dropped from what is shown.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _visible(character: str) -> str:
    if character in _BIDI_CONTROLS:
        return ""
    return " " if unicodedata.category(character) == "Cc" else character  # line breaks, tabs, NUL…


def escape_markdown(text: object) -> str:
    """``text`` shown literally by any Markdown-rendering Streamlit element, on one line.

    Markdown punctuation is backslash-escaped; control characters become spaces (a line break cannot start
    a heading or a list) and bidirectional overrides are dropped. Non-strings are converted with ``str``.
    """
    shown = "".join(_visible(character) for character in str(text))
    return _PUNCTUATION.sub(r"\\\1", shown)
