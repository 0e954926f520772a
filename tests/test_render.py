"""academy/ui/render.py: a lesson's blocks drawn with as few elements as the text allows, in order."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

LESSON = """Un premier paragraphe sur le [FHIR](glossaire#fhir).

Un second paragraphe.

| Critère | Valeur |
|---|---|
| Sensibilité | 0,9 |

> [!WARNING]
> Une mise en garde.

Un paragraphe après l'encadré.

- un point
- un autre point
"""


def test_consecutive_text_and_tables_are_one_markdown_element_and_callouts_split_them() -> None:
    def page(lesson: str) -> None:
        from pathlib import Path

        from academy.content.markdown_blocks import markdown_blocks
        from academy.ui.render import render_blocks

        render_blocks(markdown_blocks(lesson, Path(".")))

    at = AppTest.from_function(page, default_timeout=60, args=(LESSON,)).run()
    assert not at.exception, at.exception
    before, after = (node.value for node in at.markdown)
    assert len(at.markdown) == 2 and [node.value for node in at.warning] == ["Une mise en garde."]
    assert before.index("Un premier paragraphe") < before.index("Un second") < before.index("| Sensibilité | 0,9 |")
    assert "\n\n| Critère | Valeur |" in before  # a blank line before the table: it stays a table
    assert "(glossary#fhir)" in before  # glossary links still point at the Glossaire page
    assert after.startswith("Un paragraphe après l'encadré.") and after.endswith("- un autre point")
    main = at.main.children  # the warning sits between the two texts, as in the source
    kinds = [type(node).__name__ for node in main.values()]
    assert kinds == ["Markdown", "Warning", "Markdown"], kinds
