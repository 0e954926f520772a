"""Content limits of the linter (academy/content/limits.py): each limit accepts content at the limit, refuses
one more at its `file:line`, and the table of docs/authoring.md names the same numbers."""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from academy.content import limits, messages, studio
from academy.content.catalog import Module, load_module
from academy.content.markdown_blocks import parse_markdown

ROOT = Path(__file__).resolve().parents[1]
VALID = Path(__file__).parent / "fixtures" / "content" / "valid" / "01-bases-ia"
LESSON_HEAD = "---\ntitle: Limites\n---\n\n"  # the lesson body starts on line 5
BODY_LINE = 5


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the valid fixture module, 01-bases-ia."""
    copy = tmp_path / "content" / "01-bases-ia"
    shutil.copytree(VALID, copy)
    return copy


def limit_message(code: str, **values: object) -> str:
    """The English message of limit `code` (what `Problem.message` gives)."""
    return messages.render(f"limit.{code}", values)


def problems(folder: Path) -> list[tuple[str, int, str]]:
    """(file relative to the module folder, line, message) of each problem of the module."""
    module = load_module(folder)
    return [(Path(p.path).relative_to(folder.resolve()).as_posix(), p.line, p.message) for p in module.problems]


def with_lesson(folder: Path, body: str, name: str = "03-bornes.md") -> list[tuple[str, int, str]]:
    (folder / name).write_text(LESSON_HEAD + body, encoding="utf-8")
    return problems(folder)


def nested(kind: str, depth: int) -> str:
    """Markdown whose innermost text sits inside `depth` quotes and/or lists, starting on its first line."""
    if kind == "quotes":
        return "> " * depth + "texte\n"
    if kind == "bullet lists":
        return "".join("  " * level + "- point\n" for level in range(depth))
    if kind == "ordered lists":
        return "".join("   " * level + "1. point\n" for level in range(depth))
    return "".join("> " if level % 2 == 0 else "- " for level in range(depth)) + "texte\n"  # mixed


def table(rows: int, columns: int) -> str:
    header = "|" + "|".join(f" c{n} " for n in range(columns)) + "|\n"
    rule = "|" + "---|" * columns + "\n"
    return header + rule + ("|" + " v |" * columns + "\n") * rows


NESTING = limit_message("nesting_too_deep", limit=limits.MAX_NESTING_DEPTH)


@pytest.mark.parametrize("kind", ["quotes", "bullet lists", "ordered lists", "mixed"])
def test_nesting_at_the_limit_is_accepted_and_one_level_more_is_refused(folder: Path, kind: str) -> None:
    assert with_lesson(folder, "Avant.\n\n" + nested(kind, limits.MAX_NESTING_DEPTH)) == []
    found = with_lesson(folder, "Avant.\n\n" + nested(kind, limits.MAX_NESTING_DEPTH + 1))
    deepest_line = BODY_LINE + 2 + (limits.MAX_NESTING_DEPTH if "lists" in kind else 0)
    assert found == [("03-bornes.md", deepest_line, NESTING)]


@contextmanager
def shallow_stack(frames: int) -> Iterator[None]:
    """Allow only `frames` more Python frames than the caller has: deep recursion raises RecursionError."""
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


@pytest.mark.parametrize("hostile", [
    "Fin de la leçon.\n\n" + ">" * 100_000 + "\n",
    "".join("  " * level + "- point\n" for level in range(900)),
    "> - " * 5_000 + "x\n",
], ids=["100k-quotes", "900-deep-list", "mixed-line"])
def test_hostile_nesting_is_refused_once_without_recursing_as_deep(hostile: str, tmp_path: Path) -> None:
    with shallow_stack(250):  # the depth of the input is in the thousands
        _, found = parse_markdown(hostile, tmp_path)
    assert [problem.message for problem in found] == [NESTING]


@pytest.mark.parametrize("text", [
    nested("mixed", limits.MAX_NESTING_DEPTH + 1),
    "a" * (limits.MAX_BLOCK_CHARS + 1),
    "Avant.\n\n" + table(limits.MAX_TABLE_ROWS + 1, 2),
], ids=["nesting", "paragraph", "table"])
def test_text_past_a_limit_has_nothing_to_draw(text: str, folder: Path) -> None:
    """Learners never see an invalid module, but the Studio previews what it edits: past a limit, nothing."""
    assert studio.preview_blocks(LESSON_HEAD + "Un texte sage.\n", folder) != []
    assert studio.preview_blocks(LESSON_HEAD + text, folder) == []
    (folder / "03-bornes.md").write_text(LESSON_HEAD + text, encoding="utf-8")
    assert load_module(folder).lesson("bornes").blocks == ()


def test_a_long_paragraph_or_code_block_is_refused(folder: Path) -> None:
    limit = limits.MAX_BLOCK_CHARS
    assert with_lesson(folder, "a" * limit + "\n") == []
    assert with_lesson(folder, "Court.\n\n" + "a" * (limit + 1) + "\n") == [
        ("03-bornes.md", BODY_LINE + 2, limit_message("block_too_long", size=limit + 1, limit=limit))]
    code = "```\n" + "x = 1\n" * (limit // 6 + 1) + "```\n"
    found = with_lesson(folder, code)
    assert [(path, line) for path, line, _ in found] == [("03-bornes.md", BODY_LINE)]
    assert found[0][2].startswith("this paragraph or code block holds 20,004 characters")


def test_tables_are_limited_in_rows_and_columns(folder: Path) -> None:
    rows, columns = limits.MAX_TABLE_ROWS, limits.MAX_TABLE_COLUMNS
    assert with_lesson(folder, table(rows, columns)) == []
    assert with_lesson(folder, "Texte.\n\n" + table(rows + 1, 2)) == [
        ("03-bornes.md", BODY_LINE + 2, limit_message("table_too_many_rows", rows=rows + 1, limit=rows))]
    assert with_lesson(folder, table(1, columns + 1)) == [
        ("03-bornes.md", BODY_LINE, limit_message("table_too_many_columns", columns=columns + 1, limit=columns))]


def test_a_file_over_the_size_limit_is_reported_and_not_read(folder: Path) -> None:
    paragraph = "Un paragraphe de texte.\n\n"  # ASCII: one byte a character
    body = paragraph * ((limits.MAX_FILE_BYTES - len(LESSON_HEAD)) // len(paragraph))
    body += "x" * (limits.MAX_FILE_BYTES - len(LESSON_HEAD) - len(body.encode()))
    assert with_lesson(folder, body) == []
    assert (folder / "03-bornes.md").stat().st_size == limits.MAX_FILE_BYTES

    found = with_lesson(folder, body + "y")
    size = limits.MAX_FILE_BYTES + 1
    assert found == [("03-bornes.md", 1, limit_message("file_too_large", size=size, limit=limits.MAX_FILE_BYTES))]
    assert [lesson.id for lesson in load_module(folder).lessons] == ["introduction", "limites"]  # not read


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def test_a_module_over_the_total_size_is_reported_on_module_md(folder: Path) -> None:
    missing = limits.MAX_MODULE_BYTES - folder_size(folder)
    chunk = limits.MAX_FILE_BYTES
    for index in range(missing // chunk):
        (folder / "images" / f"annexe-{index}.png").write_bytes(bytes(chunk))
    (folder / "images" / "reste.png").write_bytes(bytes(missing % chunk))
    assert folder_size(folder) == limits.MAX_MODULE_BYTES
    assert problems(folder) == []  # images nobody shows are not opened, only counted

    (folder / "images" / "un-de-trop.png").write_bytes(b"x")
    size = limits.MAX_MODULE_BYTES + 1
    assert problems(folder) == [
        ("module.md", 1, limit_message("module_too_large", size=size, limit=limits.MAX_MODULE_BYTES))]


def test_lessons_past_the_limit_are_reported_and_not_read(folder: Path) -> None:
    for order in range(3, limits.MAX_LESSONS + 1):
        (folder / f"{order:02d}-lecon-{order}.md").write_text(LESSON_HEAD + "Texte.\n", encoding="utf-8")
    module = load_module(folder)
    assert module.valid and len(module.lessons) == limits.MAX_LESSONS

    extra = f"{limits.MAX_LESSONS + 1:02d}-lecon-de-trop.md"
    (folder / extra).write_text(LESSON_HEAD + "Texte.\n", encoding="utf-8")
    count = limits.MAX_LESSONS + 1
    assert problems(folder) == [(extra, 1, limit_message("too_many_lessons", count=count, limit=limits.MAX_LESSONS))]
    assert len(load_module(folder).lessons) == limits.MAX_LESSONS


QUESTION = "## Question {n} {{#q{n} .qru}}\n\nQuelle réponse ?\n\n- [x] Oui\n- [ ] Non\n\n"


def quiz_with(count: int) -> str:
    return "---\npass_mark: 0.6\n---\n\n" + "".join(QUESTION.format(n=n) for n in range(1, count + 1))


def test_a_quiz_over_the_question_limit_is_reported_at_the_first_question_too_many(folder: Path) -> None:
    limit = limits.MAX_QUESTIONS
    (folder / "quiz.md").write_text(quiz_with(limit), encoding="utf-8")
    module: Module = load_module(folder)
    assert module.valid and module.quiz is not None and len(module.quiz.questions) == limit

    (folder / "quiz.md").write_text(quiz_with(limit + 1), encoding="utf-8")
    assert load_module(folder).quiz is None  # nobody is shown the questions (not even the Studio's preview)
    line = 5 + limit * QUESTION.count("\n")
    lines = (folder / "quiz.md").read_text(encoding="utf-8").split("\n")
    assert lines[line - 1].startswith(f"## Question {limit + 1} ")
    assert problems(folder) == [
        ("quiz.md", line, limit_message("too_many_questions", count=limit + 1, limit=limit))]


def test_quiz_stems_obey_the_block_limits(folder: Path) -> None:
    stem = "x" * (limits.MAX_BLOCK_CHARS + 1)
    quiz_md = "## Long {#long .qru}\n\n" + stem + "\n\n- [x] Oui\n- [ ] Non\n"
    (folder / "quiz.md").write_text(quiz_md, encoding="utf-8")
    assert problems(folder) == [("quiz.md", 3, limit_message(
        "block_too_long", size=limits.MAX_BLOCK_CHARS + 1, limit=limits.MAX_BLOCK_CHARS))]


def test_the_studio_editor_and_the_linter_share_the_file_limit() -> None:
    assert studio.MAX_EDIT_BYTES == limits.MAX_FILE_BYTES


def test_the_authoring_guide_lists_every_limit_with_its_number() -> None:
    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    section = text.split("### Limits", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\|[^|]+\| ([\d,]+) [^|]*\| `(MAX_[A-Z_]+)` \|$", section, flags=re.MULTILINE)
    documented = {name: int(number.replace(",", "")) for number, name in rows}
    constants = {name: value for name, value in vars(limits).items() if name.startswith("MAX_")}
    assert documented == constants
