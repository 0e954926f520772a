"""The content problems' message catalogue (academy/locales/problems.toml): every code in French and English
with the same values, every code the checkers use is in it, `academy check` speaks ACADEMY_LOCALE, and a
YAML error points at the line of the fault."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from academy.cli import cli
from academy.content import messages
from academy.content.catalog import load_module
from academy.content.frontmatter import parse_front_matter
from academy.i18n import STRINGS
from quiz.messages import MESSAGES

ROOT = Path(__file__).resolve().parents[1]
VALID = Path(__file__).parent / "fixtures" / "content" / "valid" / "01-bases-ia"
CHECKERS = [*sorted((ROOT / "academy" / "content").glob("*.py")), ROOT / "academy" / "cli.py"]
PREFIXES = ("catalog", "markdown", "front_matter", "figure", "glossary", "zone", "limit", "image")


def test_every_code_has_a_french_and_an_english_template_with_the_same_values() -> None:
    assert len(messages.CODES) > 200
    for code in messages.CODES:
        entry = STRINGS[messages.PREFIX + code]
        assert set(entry) == {"fr", "en"}, code
        assert messages.placeholders(entry["fr"]) == messages.placeholders(entry["en"]), code
        values = {name: "x" for name in messages.placeholders(entry["en"])}
        assert messages.render(code, values, "fr") and messages.render(code, values, "en")


def test_quiz_codes_are_the_quiz_engines_messages() -> None:
    quiz_codes = {code.removeprefix("quiz.") for code in messages.CODES if code.startswith("quiz.")}
    assert quiz_codes == set(MESSAGES)
    for code, template in MESSAGES.items():
        assert STRINGS[f"problem.quiz.{code}"]["en"] == template, code


def test_every_code_the_checkers_name_is_in_the_catalogue() -> None:
    """A static check of what the runtime check (`Problem.__post_init__`) sees only on the paths tests take."""
    named: set[str] = set()
    for path in CHECKERS:
        text = path.read_text(encoding="utf-8")
        named |= set(re.findall(rf'"((?:{"|".join(PREFIXES)})\.[a-z0-9_]+)"', text))
        named |= {f"image.{code.removeprefix('image_')}"
                  for code in re.findall(r'Issue\("([a-z0-9_]+)"', text)}
    parser = (ROOT / "quiz" / "parser.py").read_text(encoding="utf-8")
    named |= {f"quiz.{code}" for code in re.findall(r'self\.error\([^,]+, "([a-z0-9_]+)"', parser)}
    named |= {f"quiz.{code}" for code in re.findall(r'return "(zone_[a-z0-9_]+)", \{', parser)}
    named -= {name for name in named if name in STRINGS}  # interface strings of figures, not problems
    assert len(named) > 150
    assert named - messages.CODES == set()


def test_a_problem_renders_in_either_locale_with_french_numbers() -> None:
    text = messages.render("limit.block_too_long", {"size": 20001, "limit": 20000}, "fr")
    assert text == ("ce paragraphe ou bloc de code compte 20\u202f001 caractères ; 20\u202f000 au plus sont permis : "
                    "découpez-le en paragraphes plus courts")
    assert messages.render("limit.block_too_long", {"size": 20001, "limit": 20000}, "en").startswith(
        "this paragraph or code block holds 20,001 characters; at most 20,000")


@pytest.mark.parametrize(("front", "line"), [
    ('---\ntitle: "Les bases\nsummary: x\n---\n', 2),  # an unclosed quote, on line 2
    ("---\ntitle: ok\nsummary: [a, b\nlevel: initiation\n---\n", 3),  # a bracket left open
    ("---\ntitle: ok\n  summary: x\nlevel: initiation\n---\n", 3),  # where YAML trips
])
def test_a_yaml_error_points_at_the_line_of_the_fault(front: str, line: int) -> None:
    [(found, (code, _))] = parse_front_matter(front + "Texte.\n").errors
    assert (found, code) == (line, "front_matter.invalid_yaml")


def test_the_quiz_front_matter_error_points_at_the_unclosed_quote(tmp_path: Path) -> None:
    folder = tmp_path / "01-bases-ia"
    shutil.copytree(VALID, folder)
    quiz = folder / "quiz.md"
    body = quiz.read_text(encoding="utf-8").split("---\n", 2)[2]
    quiz.write_text('---\npass_mark: "0.7\nshuffle: true\n---\n' + body, encoding="utf-8")
    problems = [(Path(p.path).name, p.line, p.code) for p in load_module(folder).problems]
    assert problems == [("quiz.md", 2, "quiz.invalid_yaml")]


@pytest.mark.parametrize(("locale", "expected"), [
    (None, "missing required key `level`: add `level: …` to the front matter"),
    ("en", "missing required key `level`: add `level: …` to the front matter"),
    ("fr", "clé obligatoire `level` manquante : ajoutez `level: …` à l’en-tête"),
])
def test_check_prints_the_locale_of_academy_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   locale: str | None, expected: str) -> None:
    folder = tmp_path / "content" / "01-bases-ia"
    shutil.copytree(VALID, folder)
    module_md = folder / "module.md"
    module_md.write_text(module_md.read_text(encoding="utf-8").replace("level: initiation\n", ""),
                         encoding="utf-8")
    if locale is None:
        monkeypatch.delenv(messages.CLI_LOCALE_ENV, raising=False)
    else:
        monkeypatch.setenv(messages.CLI_LOCALE_ENV, locale)
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "content")])
    assert result.exit_code == 1
    assert f"01-bases-ia/module.md:1: {expected}" in result.stdout


def test_the_authoring_guide_lists_every_code() -> None:
    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    section = text.split("### Problem codes", 1)[1].split("\n#", 1)[0]
    assert set(re.findall(r"^\| `([a-z_.0-9]+)` \|", section, flags=re.MULTILINE)) == messages.CODES
