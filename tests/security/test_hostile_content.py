"""Attack replay (issue 12): content built to hang or crash learners' pages is refused by the linter, through
`academy check`, a Studio save and a Studio zip upload alike, each time with its `file:line` and nothing written.

Seen before the fix: a lesson ending with 100,000 `>` took 34 s to draw and showed « RangeError: Maximum call
stack size exceeded »; a list nested 900 deep took 26 s; a 10.9 MB quiz.md of 9,000 questions installed
through a 5 MB zip and its attempt page never drew (while the attempt counted).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hostile_support import (
    FOLDER,
    check_output,
    content_copy,
    head,
    lesson,
    module_zip,
    next_line,
    snapshot,
    store_with,
    trainer_id,
)
from sqlalchemy import Engine

from academy.content import limits, messages, studio


def problem_message(code: str, **values: object) -> str:
    """The English message of problem `code` (what `Problem.message` and `academy check` give)."""
    return messages.render(code, values)

NESTING = problem_message("limit.nesting_too_deep", limit=limits.MAX_NESTING_DEPTH)
WORDS = ("patient", "modèle", "donnée", "biais", "seuil", "score", "risque", "image", "soin", "test", "valeur",
         "cohorte", "alerte", "dossier", "examen", "mesure", "erreur", "courbe", "classe", "signal")


def hostile_lessons() -> dict[str, tuple[str, int, str]]:
    """name → (text of 02-limites.md, line of the problem, message)."""
    base = lesson()
    return {
        "100k-quotes": (base + "\n" + ">" * 100_000 + "\n", next_line(base), NESTING),
        "900-deep-list": (base + "\n" + "".join("  " * level + "- point\n" for level in range(900)),
                          next_line(base) + limits.MAX_NESTING_DEPTH, NESTING),
    }


def many_questions(count: int, words_per_stem: int, seed: int = 9) -> str:
    """A quiz.md of `count` single-answer questions whose stems are random words (they compress like prose)."""
    pick = random.Random(seed).choice
    questions = (f"## Question {n} {{#q{n} .qru}}\n\n{' '.join(pick(WORDS) for _ in range(words_per_stem))} ?\n\n"
                 "- [x] Oui\n- [ ] Non\n\n" for n in range(1, count + 1))
    return "---\npass_mark: 0.6\n---\n\n" + "".join(questions)


@pytest.fixture(scope="module")
def huge_quiz() -> bytes:
    """The attack's quiz.md: 9,000 questions, 10.9 MB."""
    data = many_questions(9_000, 168).encode()
    assert 10_500_000 < len(data) < 11_500_000
    return data


@pytest.fixture(scope="module")
def long_quiz() -> tuple[bytes, int]:
    """9,000 short questions within the file size limit, and the line of question 201."""
    text = many_questions(9_000, 3)
    assert len(text.encode()) < limits.MAX_FILE_BYTES
    line = text.split("\n").index(next(row for row in text.split("\n") if row.startswith("## Question 201 "))) + 1
    return text.encode(), line


@pytest.fixture
def store(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    return store_with(engine, tmp_path, monkeypatch)


# --- academy check -------------------------------------------------------------------------------------


@pytest.mark.parametrize("attack", sorted(hostile_lessons()))
def test_check_refuses_the_hostile_lessons(attack: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, line, message = hostile_lessons()[attack]
    root = content_copy(tmp_path, {"02-limites.md": text.encode()})
    code, output = check_output(root, monkeypatch)
    assert code == 1
    assert f"content/{FOLDER}/02-limites.md:{line}: {message}" in output


def test_check_refuses_the_huge_quiz_without_reading_it(
        huge_quiz: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = content_copy(tmp_path, {"quiz.md": huge_quiz})
    code, output = check_output(root, monkeypatch)
    assert code == 1
    too_large = problem_message("limit.file_too_large", size=len(huge_quiz), limit=limits.MAX_FILE_BYTES)
    assert f"content/{FOLDER}/quiz.md:1: {too_large}" in output
    assert any(line.startswith(f"content/{FOLDER}/module.md:1: the files of this module add up to") for line in output)


def test_check_refuses_nine_thousand_short_questions(
        long_quiz: tuple[bytes, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, line = long_quiz
    root = content_copy(tmp_path, {"quiz.md": data})
    code, output = check_output(root, monkeypatch)
    assert code == 1
    message = problem_message("limit.too_many_questions", count=9_000, limit=limits.MAX_QUESTIONS)
    assert f"content/{FOLDER}/quiz.md:{line}: {message}" in output


# --- Studio save ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("attack", sorted(hostile_lessons()))
def test_studio_save_refuses_the_hostile_lessons(attack: str, store: Engine) -> None:
    text, line, message = hostile_lessons()[attack]
    trainer, before = trainer_id(store), snapshot(store)
    result = studio.save_file(store, FOLDER, "02-limites.md", text, base_version=head(store), actor_id=trainer)
    assert result.status == studio.INVALID
    assert f"{FOLDER}/02-limites.md:{line}: {message}" in map(str, result.new_problems)
    assert snapshot(store) == before


def test_studio_save_refuses_the_huge_quiz_before_checking_it(huge_quiz: bytes, store: Engine) -> None:
    trainer, before = trainer_id(store), snapshot(store)
    with pytest.raises(studio.StudioError) as refused:
        studio.save_file(store, FOLDER, "quiz.md", huge_quiz.decode(), base_version=head(store), actor_id=trainer)
    assert refused.value.notice.code == "text_too_large"
    assert refused.value.message("fr") == "Le texte dépasse 1000 ko."
    assert snapshot(store) == before


def test_studio_save_refuses_nine_thousand_short_questions(long_quiz: tuple[bytes, int], store: Engine) -> None:
    data, line = long_quiz
    trainer, before = trainer_id(store), snapshot(store)
    result = studio.save_file(store, FOLDER, "quiz.md", data.decode(), base_version=head(store), actor_id=trainer)
    assert result.status == studio.INVALID
    message = problem_message("limit.too_many_questions", count=9_000, limit=limits.MAX_QUESTIONS)
    assert f"{FOLDER}/quiz.md:{line}: {message}" in map(str, result.new_problems)
    assert snapshot(store) == before


# --- Studio zip upload ------------------------------------------------------------------------------------


def refused_upload(store: Engine, archive: bytes) -> tuple[str, ...]:
    """The problems of an upload that must be refused, after checking that installing it writes nothing."""
    trainer, before = trainer_id(store), snapshot(store)
    check = studio.validate_upload(archive, store)
    assert check.refusals == () and not check.ok, check.refusals  # the archive is fine, its content is not
    result = studio.install_upload(archive, store, base_version=check.base_version, actor_id=trainer)
    assert result.status == studio.INVALID and not result.installed
    assert snapshot(store) == before
    return check.problems


@pytest.mark.parametrize("attack", sorted(hostile_lessons()))
def test_upload_refuses_the_hostile_lessons(attack: str, store: Engine) -> None:
    text, line, message = hostile_lessons()[attack]
    problems = refused_upload(store, module_zip({"02-limites.md": text.encode()}))
    assert f"{FOLDER}/02-limites.md:{line}: {message}" in map(str, problems)


def test_upload_refuses_the_huge_quiz_of_a_five_megabyte_zip(huge_quiz: bytes, store: Engine) -> None:
    archive = module_zip({"quiz.md": huge_quiz})
    assert 1_000_000 < len(archive) <= studio.DEFAULT_LIMITS.archive_bytes  # passes the archive's own limits
    problems = refused_upload(store, archive)
    too_large = problem_message("limit.file_too_large", size=len(huge_quiz), limit=limits.MAX_FILE_BYTES)
    assert f"{FOLDER}/quiz.md:1: {too_large}" in map(str, problems)


def test_upload_refuses_nine_thousand_short_questions(long_quiz: tuple[bytes, int], store: Engine) -> None:
    data, line = long_quiz
    problems = refused_upload(store, module_zip({"quiz.md": data}))
    message = problem_message("limit.too_many_questions", count=9_000, limit=limits.MAX_QUESTIONS)
    assert tuple(map(str, problems)) == (f"{FOLDER}/quiz.md:{line}: {message}",)
