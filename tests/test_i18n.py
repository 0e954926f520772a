"""Interface strings: both locales present, same placeholders, and every key the code uses exists."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from academy.i18n import LOCALES, STRINGS, load_strings, t

ROOT = Path(__file__).resolve().parents[1]
KEY_USE = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.\-]+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_locales_with_the_same_placeholders(key: str) -> None:
    entry = STRINGS[key]
    assert set(entry) == set(LOCALES)
    assert placeholders(entry["fr"]) == placeholders(entry["en"])


def test_every_key_used_in_the_code_exists() -> None:
    sources = [*ROOT.glob("academy/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
    used = {key for path in sources for key in KEY_USE.findall(path.read_text(encoding="utf-8"))}
    assert used, "the scan found no key: the pattern is wrong"
    assert sorted(used - set(STRINGS)) == []


def test_lookup_formats_and_falls_back_to_french() -> None:
    assert t("quiz.intro", "en", n=3, pass_mark=70) == "3 question(s) · pass mark 70%"
    assert t("quiz.intro", "de", n=3, pass_mark=70) == "3 question(s) · seuil de réussite 70 %"
    assert t("no.such.key") == "no.such.key"


def test_a_key_defined_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('"x.y" = { fr = "a", en = "a" }\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('"x.y" = { fr = "b", en = "b" }\n', encoding="utf-8")
    with pytest.raises(ValueError, match="defined twice"):
        load_strings(tmp_path)


def _choice_widgets() -> list[tuple[str, int, str, set[str]]]:
    """Every st.selectbox / st.multiselect call in pages/ and academy/ui/: (file, line, kind, its keywords)."""
    found = []
    for path in sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("academy/ui/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("selectbox", "multiselect")):
                found.append((path.relative_to(ROOT).as_posix(), node.lineno, node.func.attr,
                              {keyword.arg for keyword in node.keywords}))
    return found


def test_every_choice_widget_has_our_placeholder_and_no_english_select_all() -> None:
    """Streamlit 1.67 draws « Choose an option » / « Choose options » without `placeholder=`, and its
    multiselect offers an English « Select all » unless `select_all=False`."""
    widgets = _choice_widgets()
    assert len(widgets) > 20  # the walk found them
    missing = [f"{path}:{line}" for path, line, _, keywords in widgets
               if "placeholder" not in keywords]
    select_all = [f"{path}:{line}" for path, line, kind, keywords in widgets
                  if kind == "multiselect" and "select_all" not in keywords]
    assert missing == []
    assert select_all == []


def test_every_roster_encoding_has_a_name_for_people() -> None:
    from academy.coordination.roster_import import ENCODINGS

    assert all(f"cohorts.encoding.{encoding}" in STRINGS for encoding in ENCODINGS)
    assert t("cohorts.encoding.utf-8-sig", "fr") == "UTF-8"  # not Python's « utf-8-sig »
