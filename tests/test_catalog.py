"""The content catalog: module folders, front matter, lessons, quizzes, blocks, problems and the cache."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import quiz
from academy.content.catalog import (
    Block,
    Catalog,
    Problem,
    cached_catalog,
    load_catalog,
    load_content,
    load_module,
    markdown_blocks,
    parse_markdown,
    tree_fingerprint,
)
from academy.content.frontmatter import parse_front_matter
from academy.content.markdown_blocks import check_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "content"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"

MODULE_MD = """---
title: Module de test
summary: Un résumé.
duration_minutes: 30
objectives:
  - Un objectif.
level: initiation
---

Présentation.
"""
LESSON_MD = """---
title: Une leçon
---

Texte.
"""

BuildTree = Callable[..., Path]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BuildTree:
    """Build `content/` in tmp_path (the working directory): the valid tree plus broken cases."""
    monkeypatch.chdir(tmp_path)

    def build(*cases: str) -> Path:
        content = Path("content")
        shutil.copytree(VALID, content)
        for case in cases:
            shutil.copytree(BROKEN / case, content, dirs_exist_ok=True)
        return content

    return build


def write_module(folder: Path, module_md: str = MODULE_MD, files: dict[str, str] | None = None) -> Path:
    """A module folder with module.md and the given other files (name -> text)."""
    folder.mkdir(parents=True)
    (folder / "module.md").write_text(module_md, encoding="utf-8")
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def problem_strings(catalog: Catalog) -> list[str]:
    return [str(problem) for problem in catalog.problems]


# --- the valid module ---------------------------------------------------------------------------


def test_valid_module_loads_with_every_field(tree: BuildTree) -> None:
    catalog = load_catalog(tree())
    assert catalog.problems == ()
    assert [module.id for module in catalog.modules] == ["bases-ia"]
    module = catalog.module("bases-ia")
    assert module is not None and module.valid
    assert module.order == 1
    assert module.folder == Path("content/01-bases-ia")
    assert module.title == "Les bases de l'IA en santé"
    assert module.summary.startswith("Vocabulaire, principes")
    assert module.duration_minutes == 45
    assert module.objectives == (
        "Définir l'apprentissage automatique.",
        "Identifier les limites d'un modèle.",
    )
    assert module.level == "initiation"
    assert module.credits_hours == 1.0
    assert module.competencies == ("Culture numérique en santé",)
    assert module.prerequisites == ()
    assert module.pass_mark == 0.8
    assert module.authors == ("Dr Claire Martin",)
    assert module.version == "1.0"
    assert module.updated == dt.date(2025, 2, 15)
    assert module.language == "fr"
    assert len(module.references) == 1
    assert module.overview == (
        Block(
            kind="markdown",
            text="Ce module présente les **notions de base** de l'intelligence artificielle en santé.",
        ),
    )


def test_valid_module_lessons_and_quiz(tree: BuildTree) -> None:
    module = load_catalog(tree()).module("bases-ia")
    assert module is not None
    assert [(lesson.id, lesson.order, lesson.title) for lesson in module.lessons] == [
        ("introduction", 1, "Qu'est-ce que l'IA ?"),
        ("limites", 2, "Les limites d'un modèle"),
    ]
    assert module.reading_minutes == 35
    assert module.lesson("limites") is module.lessons[1]
    assert module.lesson("absente") is None
    intro = module.lessons[0]
    assert intro.path == Path("content/01-bases-ia/01-introduction.md")
    assert [block.kind for block in intro.blocks] == ["markdown", "callout", "image", "table", "markdown"]
    image = intro.blocks[2]
    assert image.src == Path("content/01-bases-ia/images/schema.png").resolve()
    assert image.alt == "Schéma d'un flux de données"
    assert image.text == "Flux de données d'un projet d'IA"
    assert module.quiz is not None
    assert [question.id for question in module.quiz.questions] == ["definition", "pratiques", "sigle"]
    assert module.quiz.settings.pretest is True


def test_module_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_module(Path("content/03-minimal"), files={"01-lecon.md": LESSON_MD})
    module = load_catalog(Path("content")).module("minimal")
    assert module is not None
    assert module.credits_hours == 0.5  # duration_minutes / 60
    assert module.pass_mark == 0.7
    assert module.language == "fr"
    assert (module.competencies, module.prerequisites, module.authors, module.references) == ((), (), (), ())
    assert (module.version, module.updated, module.quiz) == (None, None, None)
    assert module.lessons[0].duration_minutes is None
    assert module.reading_minutes == 0


# --- broken trees: each broken in exactly one way -----------------------------------------------

BROKEN_CASES = [
    # case, broken module id, file (relative to the working directory), line, words the message contains
    ("missing-title", "sans-titre", "content/02-sans-titre/module.md", 1, ["title"]),
    ("bad-level", "niveau-invalide", "content/02-niveau-invalide/module.md", 7, ["level", "expert"]),
    (
        "unknown-prerequisite",
        "prerequis-inconnu",
        "content/02-prerequis-inconnu/module.md",
        10,
        ["module-inexistant"],
    ),
    ("bad-yaml", "yaml-invalide", "content/02-yaml-invalide/module.md", 2, ["yaml"]),
    ("lesson-without-title", "lecon-sans-titre", "content/02-lecon-sans-titre/01-lecon.md", 1, ["title"]),
    (
        "missing-image",
        "image-manquante",
        "content/02-image-manquante/01-lecon.md",
        8,
        ["absente.png", "not found"],
    ),
    ("image-without-alt", "image-sans-alt", "content/02-image-sans-alt/01-lecon.md", 8, ["alt text"]),
    ("raw-html", "html-brut", "content/02-html-brut/01-lecon.md", 8, ["raw html"]),
    ("bad-objective", "objectif-invalide", "content/02-objectif-invalide/quiz.md", 12, ["objective", "q2"]),
    ("duplicate-question-id", "id-duplique", "content/02-id-duplique/quiz.md", 12, ["duplicate", "q1"]),
    (
        "qru-two-correct",
        "qru-deux-reponses",
        "content/02-qru-deux-reponses/quiz.md",
        12,
        ["qru", "exactly one"],
    ),
    ("unknown-question-type", "type-inconnu", "content/02-type-inconnu/quiz.md", 12, ["unknown type", "qcm"]),
]


@pytest.mark.parametrize(
    ("case", "module_id", "path", "line", "words"), BROKEN_CASES, ids=[case[0] for case in BROKEN_CASES]
)
def test_broken_tree_reports_one_problem_and_keeps_the_valid_module(
    tree: BuildTree, case: str, module_id: str, path: str, line: int, words: list[str]
) -> None:
    catalog = load_catalog(tree(case))
    assert len(catalog.problems) == 1, problem_strings(catalog)
    problem = catalog.problems[0]
    assert (problem.path, problem.line) == (path, line)
    assert str(problem) == f"{path}:{line}: {problem.message}"
    for word in words:
        assert word in problem.message.lower()
    assert [module.id for module in catalog.modules] == ["bases-ia"]
    assert [module.id for module in catalog.all_modules] == ["bases-ia", module_id]
    broken = catalog.all_modules[1]
    assert not broken.valid and broken.problems == (problem,)
    assert catalog.module(module_id) is None


def test_every_broken_case_at_once_is_sorted_by_file_and_line(tree: BuildTree) -> None:
    catalog = load_catalog(tree(*(case[0] for case in BROKEN_CASES)))
    assert [(problem.path, problem.line) for problem in catalog.problems] == sorted(
        (case[2], case[3]) for case in BROKEN_CASES
    )
    assert [module.id for module in catalog.modules] == ["bases-ia"]


# --- more problems, built in tmp_path ---------------------------------------------------------


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty `content/` in tmp_path, which is the working directory."""
    monkeypatch.chdir(tmp_path)
    root = Path("content")
    root.mkdir()
    return root


def test_folder_names_hidden_and_draft_folders(content: Path) -> None:
    write_module(content / "01-bon")
    write_module(content / "Mauvais_Nom")
    write_module(content / "_brouillon")
    write_module(content / ".cache")
    (content / "README.md").write_text("Le contenu.", encoding="utf-8")
    catalog = load_catalog(content)
    assert [module.id for module in catalog.modules] == ["bon"]
    assert [module.id for module in catalog.all_modules] == ["bon", "Mauvais_Nom"]
    assert len(catalog.problems) == 1
    assert str(catalog.problems[0]).startswith(
        "content/Mauvais_Nom:1: folder name `Mauvais_Nom` is not NN-slug"
    )


def test_modules_and_lessons_follow_their_number(content: Path) -> None:
    write_module(content / "10-dix")
    write_module(content / "2-deux", files={"10-b.md": LESSON_MD, "2-a.md": LESSON_MD})
    catalog = load_catalog(content)
    assert [(module.order, module.id) for module in catalog.modules] == [(2, "deux"), (10, "dix")]
    assert [lesson.id for lesson in catalog.modules[0].lessons] == ["a", "b"]


def test_missing_module_md(content: Path) -> None:
    (content / "04-vide").mkdir()
    (content / "04-vide" / "01-lecon.md").write_text(LESSON_MD, encoding="utf-8")
    catalog = load_catalog(content)
    assert problem_strings(catalog) == [
        "content/04-vide/module.md:1: missing module.md: every module folder needs one, with a front matter "
        "giving title, summary, duration_minutes, objectives and level"
    ]
    assert catalog.all_modules[0].id == "vide" and not catalog.all_modules[0].valid


def test_duplicate_module_id(content: Path) -> None:
    write_module(content / "01-ethique")
    write_module(content / "05-ethique")
    catalog = load_catalog(content)
    assert [(p.path, p.line) for p in catalog.problems] == [("content/05-ethique/module.md", 1)]
    assert "already used by content/01-ethique" in catalog.problems[0].message
    assert [module.folder.name for module in catalog.modules] == ["01-ethique"]


def test_unknown_key_suggests_the_right_one(content: Path) -> None:
    write_module(
        content / "01-typo", MODULE_MD.replace("level: initiation", "level: initiation\nlevle: avance")
    )
    catalog = load_catalog(content)
    assert [(p.line, p.message.split(":")[0]) for p in catalog.problems] == [
        (8, "unknown key `levle` (did you mean `level`?)")
    ]


def test_front_matter_errors(content: Path) -> None:
    write_module(content / "01-liste", "---\n- a\n- b\n---\n")
    write_module(content / "02-sans-front-matter", "# Titre\n")
    write_module(content / "03-non-ferme", "---\ntitle: x\n")
    write_module(
        content / "04-doublon", MODULE_MD.replace("level: initiation", "level: initiation\ntitle: Bis")
    )
    catalog = load_catalog(content)
    assert [(p.path, p.line) for p in catalog.problems] == [
        ("content/01-liste/module.md", 2),
        ("content/02-sans-front-matter/module.md", 1),
        ("content/03-non-ferme/module.md", 1),
        ("content/04-doublon/module.md", 8),
    ]
    messages = [p.message for p in catalog.problems]
    assert "key: value" in messages[0]
    assert "missing front matter" in messages[1]
    assert "not closed" in messages[2]
    assert "duplicate key `title` (first on line 2)" in messages[3]


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("duration_minutes: 30", "duration_minutes: 0", 4, "greater than 0"),
        ("duration_minutes: 30", "duration_minutes: trente", 4, "whole number"),
        ("level: initiation", "level: intermédiaire", 7, "without accents"),
        ("objectives:\n  - Un objectif.", "objectives: []", 5, "at least one"),
        (
            "objectives:\n  - Un objectif.",
            "objectives:\n  - Un objectif.\n  - 42",
            7,
            "item 2 of `objectives`",
        ),
        ("level: initiation", "level: initiation\npass_mark: 70", 8, "between 0 and 1"),
        ("level: initiation", "level: initiation\nupdated: février 2025", 8, "YYYY-MM-DD"),
        ("level: initiation", "level: initiation\nupdated: 2025-02-30", 8, "invalid value for `updated`"),
        ("level: initiation", "level: initiation\nversion: 1.10", 8, "between quotes"),
        ("level: initiation", "level: initiation\nauthors: Dr Martin", 8, "must be a list"),
        ("level: initiation", "level: initiation\nlanguage: français", 8, "language code"),
        ("level: initiation", "level: initiation\ncredits_hours: -1", 8, "greater than 0"),
    ],
)
def test_bad_values_point_at_their_key(content: Path, old: str, new: str, line: int, words: str) -> None:
    write_module(content / "01-valeurs", MODULE_MD.replace(old, new))
    catalog = load_catalog(content)
    assert len(catalog.problems) == 1, problem_strings(catalog)
    assert catalog.problems[0].line == line
    assert words in catalog.problems[0].message


def test_file_not_in_utf8(content: Path) -> None:
    folder = write_module(content / "01-encodage")
    (folder / "01-lecon.md").write_bytes("---\ntitle: Leçon\n---\n\nCaf\xe9\n".encode("latin-1"))
    catalog = load_catalog(content)
    assert problem_strings(catalog) == [
        "content/01-encodage/01-lecon.md:2: the file is not UTF-8 text: save it with the UTF-8 encoding"
    ]


def test_lesson_file_names_and_ids(content: Path) -> None:
    write_module(
        content / "01-lecons",
        files={"01-intro.md": LESSON_MD, "02-intro.md": LESSON_MD, "notes.md": "x", "README.md": "x"},
    )
    (content / "01-lecons" / "schema.png").write_bytes(b"")
    catalog = load_catalog(content)
    assert [(p.path, p.line) for p in catalog.problems] == [
        ("content/01-lecons/02-intro.md", 1),
        ("content/01-lecons/notes.md", 1),
    ]
    assert "already used by 01-intro.md" in catalog.problems[0].message
    assert "NN-slug.md" in catalog.problems[1].message
    assert [lesson.id for lesson in catalog.all_modules[0].lessons] == ["intro"]


def test_hidden_files_crlf_and_bom(content: Path) -> None:
    folder = write_module(content / "01-fichiers", files={".#01-a.md": "verrou d'éditeur"})
    (folder / "01-a.md").write_bytes(("\ufeff" + LESSON_MD).replace("\n", "\r\n").encode("utf-8"))
    catalog = load_catalog(content)
    assert catalog.problems == ()
    assert catalog.modules[0].lessons[0].title == "Une leçon"


def test_a_quiz_engine_crash_is_a_problem_not_an_exception(
    tree: BuildTree, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(text: str, source: str = "quiz.md") -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(quiz, "parse", crash)
    catalog = load_catalog(tree())
    assert problem_strings(catalog) == [
        "content/01-bases-ia/quiz.md:1: the quiz could not be read (internal error RuntimeError: boom)"
    ]


def test_lesson_unknown_key_and_bad_duration(content: Path) -> None:
    write_module(
        content / "01-lecon", files={"01-a.md": "---\ntitle: A\nduree: 10\nduration_minutes: -5\n---\n"}
    )
    catalog = load_catalog(content)
    assert [(p.line, p.message[:20]) for p in catalog.problems] == [
        (3, "unknown key `duree`:"),
        (4, "`duration_minutes` m"),
    ]


def test_prerequisites_self_and_cycle(content: Path) -> None:
    write_module(
        content / "01-a", MODULE_MD.replace("level: initiation", "level: initiation\nprerequisites: [b]")
    )
    write_module(
        content / "02-b", MODULE_MD.replace("level: initiation", "level: initiation\nprerequisites:\n  - a")
    )
    write_module(
        content / "03-c", MODULE_MD.replace("level: initiation", "level: initiation\nprerequisites: [c]")
    )
    catalog = load_catalog(content)
    assert [(p.path, p.line) for p in catalog.problems] == [
        ("content/01-a/module.md", 8),
        ("content/02-b/module.md", 9),
        ("content/03-c/module.md", 8),
    ]
    assert "cycle (a → b → a)" in catalog.problems[0].message
    assert "cycle (b → a → b)" in catalog.problems[1].message
    assert "own prerequisite" in catalog.problems[2].message


def test_valid_prerequisite(content: Path) -> None:
    write_module(content / "01-a")
    write_module(
        content / "02-b", MODULE_MD.replace("level: initiation", "level: initiation\nprerequisites: [a]")
    )
    catalog = load_catalog(content)
    assert catalog.problems == ()
    assert catalog.modules[1].prerequisites == ("a",)


def test_quiz_images_and_html_are_checked(content: Path) -> None:
    quiz_md = (VALID / "01-bases-ia" / "quiz.md").read_text(encoding="utf-8")
    quiz_md = quiz_md.replace("images/schema.png", "images/absente.png").replace(
        "Informer le patient", "Informer <b>le patient</b>"
    )
    folder = content / "01-bases-ia"
    shutil.copytree(VALID / "01-bases-ia", folder)
    (folder / "quiz.md").write_text(quiz_md, encoding="utf-8")
    catalog = load_catalog(content)
    assert [(p.path, p.line) for p in catalog.problems] == [
        ("content/01-bases-ia/quiz.md", 19),
        ("content/01-bases-ia/quiz.md", 24),
    ]
    assert "absente.png" in catalog.problems[0].message
    assert "raw HTML" in catalog.problems[1].message


def test_problem_paths_outside_the_working_directory_stay_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "elsewhere"
    write_module(root / "01-x", MODULE_MD.replace("level: initiation", "level: expert"))
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    catalog = load_catalog(root)
    assert catalog.problems[0].path == str(root / "01-x" / "module.md")


def test_missing_root_is_a_problem(tmp_path: Path) -> None:
    catalog = load_catalog(tmp_path / "absent")
    assert catalog.all_modules == ()
    assert "content folder not found" in catalog.problems[0].message


def test_load_module_and_load_content(content: Path) -> None:
    write_module(content / "01-a")
    write_module(
        content / "02-b", MODULE_MD.replace("level: initiation", "level: initiation\nprerequisites: [a, z]")
    )
    module = load_module(content / "02-b")
    assert [(p.line, "`z`" in p.message) for p in module.problems] == [(8, True)]
    assert load_module(content / "02-b", known_ids={"a", "z"}).valid
    single = load_content(content / "01-a")
    assert [module.id for module in single.all_modules] == ["a"]
    assert single.root == content
    assert [module.id for module in load_content(content).all_modules] == ["a", "b"]


# --- front matter -------------------------------------------------------------------------------


def test_front_matter_lines() -> None:
    front = parse_front_matter("---\ntitle: A\nobjectives:\n  - un\n\n  - deux\n---\n\nCorps\n")
    assert front.present and front.errors == ()
    assert front.data == {"title": "A", "objectives": ["un", "deux"]}
    assert front.key_lines == {"title": 2, "objectives": 3}
    assert front.item_lines == {"objectives": (4, 6)}
    assert (front.body, front.body_line) == ("\nCorps\n", 8)


def test_front_matter_absent_and_bad_yaml() -> None:
    assert parse_front_matter("# Titre\n").present is False
    front = parse_front_matter("---\ntitle: a\nsummary: [x\n---\nCorps")
    assert front.errors and front.errors[0][0] in (3, 4)
    assert front.body == "Corps"


# --- markdown blocks ----------------------------------------------------------------------------


@pytest.fixture
def module_dir(tmp_path: Path) -> Path:
    (tmp_path / "images").mkdir()
    shutil.copy(VALID / "01-bases-ia" / "images" / "schema.png", tmp_path / "images" / "schema.png")
    return tmp_path


def test_markdown_runs_keep_their_source(module_dir: Path) -> None:
    text = "# Titre\n\nUn *paragraphe* avec [un lien][ref].\n\n- un\n- deux\n\n[ref]: https://example.org\n"
    blocks = markdown_blocks(text, module_dir)
    assert blocks == [Block(kind="markdown", text=text.rstrip())]


@pytest.mark.parametrize("kind", ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION", "note"])
def test_callouts(module_dir: Path, kind: str) -> None:
    text = f"Avant.\n\n> [!{kind}]\n> Premier **paragraphe**\nsuite paresseuse\n>\n> > citation\n\nAprès.\n"
    blocks, problems = parse_markdown(text, module_dir)
    assert problems == []
    assert blocks == [
        Block(kind="markdown", text="Avant."),
        Block(
            kind="callout",
            callout=kind.lower(),
            text="Premier **paragraphe**\nsuite paresseuse\n\n> citation",
        ),
        Block(kind="markdown", text="Après."),
    ]


def test_plain_blockquote_unknown_and_empty_callouts(module_dir: Path) -> None:
    text = "> Une citation.\n\n> [!INFO]\n> Texte.\n\n> [!TIP]\n"
    blocks, problems = parse_markdown(text, module_dir, source="lecon.md", first_line=10)
    assert [block.kind for block in blocks] == ["markdown", "callout"]
    assert blocks[0].text == "> Une citation.\n\n> [!INFO]\n> Texte."
    assert [str(problem) for problem in problems] == [
        "lecon.md:12: unknown callout type [!INFO]: use one of "
        "[!NOTE], [!TIP], [!IMPORTANT], [!WARNING], [!CAUTION]",
        "lecon.md:15: callout [!TIP] is empty: write its text on the following `>` lines",
    ]


def test_image_block(module_dir: Path) -> None:
    blocks, problems = parse_markdown('![Un *schéma*](images/schema.png "Légende")\n', module_dir)
    assert problems == []
    assert blocks == [
        Block(
            kind="image",
            src=(module_dir / "images" / "schema.png").resolve(),
            alt="Un schéma",
            text="Légende",
        )
    ]


def test_table_block(module_dir: Path) -> None:
    text = "| Terme | Définition |\n|:--|--:|\n| **Biais** | Erreur `systématique` |\n| IA | |\n"
    blocks, problems = parse_markdown(text, module_dir)
    assert problems == []
    assert blocks == [
        Block(
            kind="table",
            text=text.rstrip(),
            header=("Terme", "Définition"),
            rows=(("**Biais**", "Erreur `systématique`"), ("IA", "")),
        )
    ]


@pytest.mark.parametrize(
    ("src", "words"),
    [
        ("images/absente.png", "not found"),
        ("https://example.org/a.png", "is a URL"),
        ("/etc/passwd", "absolute path"),
        ("../images/schema.png", "outside the module folder"),
        ("images/../../x.png", "outside the module folder"),
    ],
)
def test_bad_image_paths(module_dir: Path, src: str, words: str) -> None:
    blocks, problems = parse_markdown(
        f"Texte.\n\n![Figure]({src})\n", module_dir, source="l.md", first_line=5
    )
    assert [(problem.line, words in problem.message) for problem in problems] == [(7, True)]
    assert [block.kind for block in blocks] == ["markdown"]  # never an image block outside the module


def test_images_must_stand_alone_in_lessons_but_not_in_quizzes(module_dir: Path) -> None:
    text = "Voir ![Figure](images/schema.png) ici.\n\n- ![Figure](images/schema.png)\n"
    problems = parse_markdown(text, module_dir)[1]
    assert [(problem.line, "would not be displayed" in problem.message) for problem in problems] == [
        (1, True),
        (3, True),
    ]
    assert check_markdown(text, module_dir) == []


def test_raw_html_is_reported_at_its_line(module_dir: Path) -> None:
    text = "Texte\nsur deux <span>lignes</span>.\n\n<!-- note -->\n\n<div>\nx\n</div>\n"
    problems = parse_markdown(text, module_dir, source="l.md")[1]
    assert [str(problem) for problem in problems] == [
        "l.md:2: raw HTML is not rendered; use Markdown instead of `<span>`",
        "l.md:4: raw HTML is not rendered: remove the HTML comment `<!-- note -->`",
        "l.md:6: raw HTML is not rendered; use Markdown instead of `<div>`",
    ]


def test_problem_str_is_english_and_render_gives_the_locale() -> None:
    problem = Problem("content/01-a/module.md", 3, "catalog.missing_key", {"key": "level"})
    assert str(problem) == ("content/01-a/module.md:3: missing required key `level`: add `level: …` to the "
                            "front matter")
    assert problem.render("fr") == "content/01-a/module.md:3: clé obligatoire `level` manquante : ajoutez " \
                                   "`level: …` à l’en-tête"
    warning = Problem("l.md", 2, "glossary.prefer_term", {"found": "IA", "term": "intelligence artificielle"},
                      "warning")
    assert str(warning) == "l.md:2: warning: « IA »: the glossary prefers « intelligence artificielle »"
    assert warning.render("fr") == "l.md:2: attention : « IA » : le glossaire préfère « intelligence artificielle »"


def test_a_problem_needs_a_known_code() -> None:
    with pytest.raises(ValueError, match="unknown problem code"):
        Problem("content/01-a/module.md", 3, "bad")


# --- cache --------------------------------------------------------------------------------------


def test_cached_catalog_is_reused_until_a_file_changes(tree: BuildTree) -> None:
    root = tree()
    first = cached_catalog(root)
    assert cached_catalog(root) is first
    lesson = root / "01-bases-ia" / "02-limites.md"
    stat = lesson.stat()
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("Les limites", "Limites"), encoding="utf-8")
    os.utime(lesson, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = cached_catalog(root)
    assert second is not first
    assert second.modules[0].lessons[1].title == "Limites d'un modèle"
    assert cached_catalog(root) is second
    write_module(root / "02-nouveau")
    third = cached_catalog(root)
    assert [module.id for module in third.modules] == ["bases-ia", "nouveau"]


def test_tree_fingerprint_changes_with_files_only(tree: BuildTree) -> None:
    root = tree()
    before = tree_fingerprint(root)
    assert tree_fingerprint(root) == before
    module_md = root / "01-bases-ia" / "module.md"
    stat = module_md.stat()
    assert ("01-bases-ia/module.md", stat.st_mtime_ns, stat.st_size) in before
    (root / "01-bases-ia" / ".quiz.md.swp").write_text("x", encoding="utf-8")
    assert tree_fingerprint(root) == before  # hidden files are editors' business
    (root / "01-bases-ia" / "images" / "nouvelle.png").write_bytes(b"png")
    assert tree_fingerprint(root) != before


def test_cached_catalog_is_thread_safe(tree: BuildTree) -> None:
    root = tree()
    results: list[Catalog] = []

    def load() -> None:
        results.append(cached_catalog(root))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(result is results[0] for result in results)


def test_lines_are_counted_like_markdown_it(module_dir: Path) -> None:
    text = "Un\u2028texte\rsur trois lignes.\n\n![Figure](images/absente.png)\n"
    problems = parse_markdown(text, module_dir)[1]
    assert [problem.line for problem in problems] == [4]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from([*"ab ![]()<>-|:#*`\n\t>\\{}\"'!", "[!NOTE]", "images/schema.png", "---\n", "<b>"]),
        max_size=80,
    ).map("".join)
)
def test_markdown_and_front_matter_never_raise(module_dir: Path, text: str) -> None:
    blocks, problems = parse_markdown(text, module_dir)
    assert all(block.kind in ("markdown", "callout", "image", "table") for block in blocks)
    assert all(problem.line >= 1 for problem in problems)
    front = parse_front_matter(text)
    assert all(line >= 1 for line, _ in front.errors)
