"""The Markdown quiz parser: docs/quiz-format.md parsed exactly, every error at its line."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import pytest

import quiz

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "quizzes"


def doc_example() -> str:
    """The "Every type, by example" block of docs/quiz-format.md, so the doc and the parser never drift."""
    text = (ROOT / "docs" / "quiz-format.md").read_text(encoding="utf-8")
    match = re.search(r"```markdown\n(.*?)\n```", text, re.S)
    assert match is not None
    return match.group(1) + "\n"


def errors_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(quiz.QuizFormatError) as caught:
        quiz.parse(text, source="t.md")
    return [(issue.line, issue.message) for issue in caught.value.errors]


def assert_error(text: str, line: int, fragment: str) -> None:
    errors = errors_of(text)
    assert any(at == line and fragment in message for at, message in errors), errors


QRU = "## Q {#q1 .qru}\n\n- [x] A\n- [ ] B\n"


# --- the documented example ---------------------------------------------------------------------


def test_doc_example_parses_every_type() -> None:
    qz = quiz.parse(doc_example())
    assert [q.id for q in qz.questions] == ["def-ml", "usage", "sigle", "vpp", "etapes", "standards", "tcs-1", "fuite"]
    assert [q.type for q in qz.questions] == list(quiz.QUESTION_TYPES)
    assert qz.cases == ()
    assert qz.settings == quiz.QuizSettings()
    assert all(q.case is None for q in qz.questions)


def test_doc_example_qru_fields() -> None:
    q = quiz.parse(doc_example()).question("def-ml")
    assert q.title == "Apprentissage automatique"
    assert q.stem == "Quelle proposition définit le mieux l'apprentissage automatique ?"
    assert (q.points, q.objective, q.tags, q.line) == (1.0, 1, ("vocabulaire",), 1)
    assert [o.id for o in q.options] == ["a", "b", "c"]
    assert [o.correct for o in q.options] == [False, True, False]
    assert q.options[0].text == "Un programme dont toutes les règles sont écrites à la main."
    assert q.options[0].feedback == "Non : c'est un système expert à base de règles."
    assert q.options[1].feedback == ""
    assert [o.line for o in q.options] == [5, 7, 8]
    assert q.explanation == "L'apprentissage automatique ajuste les paramètres d'un modèle à partir de données."


def test_doc_example_qrm_fields() -> None:
    q = quiz.parse(doc_example()).question("usage")
    assert (q.points, q.objective) == (2.0, 2)
    assert [o.correct for o in q.options] == [True, True, False, False]
    assert [o.indispensable for o in q.options] == [True, False, False, False]
    assert [o.inacceptable for o in q.options] == [False, False, True, False]
    assert q.options[0].text == "Vérifier la sortie avant de l'intégrer au dossier."
    assert q.options[2].feedback == "Jamais : ces données sont couvertes par le secret médical."
    assert q.explanation == "Explication générale."


def test_doc_example_qroc_numerique_ordre() -> None:
    qz = quiz.parse(doc_example())
    sigle = qz.question("sigle")
    assert [(o.text, o.correct) for o in sigle.options] == [
        ("RGPD", True),
        ("/r[eè]glement g[eé]n[eé]ral sur la protection des donn[eé]es/", True),
        ("CNIL", False),
    ]
    assert sigle.options[2].feedback.startswith("La CNIL est l'autorité")
    vpp = qz.question("vpp")
    assert vpp.unit == "%"
    (value,) = vpp.options
    assert (value.text, value.value, value.tolerance, value.correct) == ("42,5", 42.5, 0.5, True)
    etapes = qz.question("etapes")
    assert etapes.partial is True
    assert [o.text for o in etapes.options] == ["Collecte des données", "Annotation", "Entraînement",
                                               "Validation externe"]


def test_doc_example_association_and_tcs() -> None:
    qz = quiz.parse(doc_example())
    standards = qz.question("standards")
    assert [(o.id, o.text, o.match, o.correct) for o in standards.options] == [
        ("a", "FHIR", "Échange de données cliniques", True),
        ("b", "DICOM", "Images médicales", True),
        ("c", "", "Facturation des actes", False),
    ]
    assert standards.match_choices == ("Échange de données cliniques", "Images médicales", "Facturation des actes")
    tcs = qz.question("tcs-1")
    assert [o.value for o in tcs.options] == [-2, -1, 0, 1, 2]
    assert [o.panel for o in tcs.options] == [0, 1, 6, 3, 0]
    assert [o.text for o in tcs.options] == [""] * 5
    assert [o.correct for o in tcs.options] == [False, False, True, False, False]
    assert tcs.explanation == "Explication, avec l'avis du panel."


# --- front matter, cases, structure -------------------------------------------------------------


def test_settings_are_typed() -> None:
    settings = quiz.load(FIXTURES / "complete.md").settings
    assert settings == quiz.QuizSettings(
        pass_mark=0.6, max_attempts=3, grading="average", shuffle=True, draw=3,
        time_limit_minutes=20.0, certainty=True, pretest=True,
    )
    assert type(settings.max_attempts) is int and type(settings.draw) is int
    assert type(settings.shuffle) is bool and type(settings.pass_mark) is float
    assert type(settings.time_limit_minutes) is float


def test_empty_front_matter_gives_defaults() -> None:
    assert quiz.parse("---\n---\n" + QRU).settings == quiz.QuizSettings()


def test_case_collects_its_questions_until_the_next_level1_heading() -> None:
    qz = quiz.load(FIXTURES / "complete.md")
    (case,) = qz.cases
    assert (case.id, case.title, case.line) == ("dp-retino", "Rétinopathie diabétique", 26)
    assert case.question_ids == ("dp-1", "dp-2")
    assert case.vignette.startswith("Un patient diabétique de 58 ans")
    assert "![Rétinographie](images/retino.png)" in case.vignette
    assert [(q.id, q.case) for q in qz.questions] == [
        ("def", None), ("dp-1", "dp-retino"), ("dp-2", "dp-retino"), ("sigle", None),
    ]
    assert [[q.id for q in unit] for unit in qz.draw_units()] == [["def"], ["dp-1", "dp-2"], ["sigle"]]
    assert qz.case("dp-retino") == case


def test_stem_keeps_markdown_and_feedback_of_fixture() -> None:
    qz = quiz.load(FIXTURES / "complete.md")
    q = qz.question("def")
    assert "| modèle | fonction apprise |" in q.stem
    assert q.stem.startswith("Quelle proposition définit le mieux un **modèle** ?")
    assert q.tags == ("vocabulaire", "bases")
    assert qz.source == str(FIXTURES / "complete.md")


def test_question_lookup_raises_key_error() -> None:
    qz = quiz.parse(QRU)
    with pytest.raises(KeyError):
        qz.question("nope")
    with pytest.raises(KeyError):
        qz.question("q1").option("z")


def test_dataclasses_are_frozen_and_use_tuples() -> None:
    qz = quiz.parse(doc_example())
    with pytest.raises(dataclasses.FrozenInstanceError):
        qz.questions[0].points = 3  # type: ignore[misc]
    assert isinstance(qz.questions, tuple) and isinstance(qz.questions[0].options, tuple)


def test_empty_stem_uses_heading_text() -> None:
    q = quiz.parse(QRU).question("q1")
    assert (q.title, q.stem) == ("Q", "Q")


def test_answer_list_is_the_last_list_so_a_stem_may_hold_a_list() -> None:
    text = "## Q {#q1 .qru}\n\nSignes :\n\n- fièvre\n- toux\n\nDiagnostic ?\n\n- [x] Grippe\n- [ ] Rien\n"
    q = quiz.parse(text).question("q1")
    assert q.stem == "Signes :\n\n- fièvre\n- toux\n\nDiagnostic ?"
    assert [o.text for o in q.options] == ["Grippe", "Rien"]


def test_option_continuation_lines_and_literal_braces() -> None:
    text = (
        "## Q {#q1 .qrm}\n\n- [x] Ensemble {1, 2}\n  suite du texte\n  > retour\n  > ligne 2\n"
        "- [ ] Autre\ncontinuation paresseuse\n\n> Explication\nsur deux lignes\n"
    )
    q = quiz.parse(text).question("q1")
    assert q.options[0].text == "Ensemble {1, 2}\nsuite du texte"
    assert q.options[0].feedback == "retour\nligne 2"
    assert q.options[1].text == "Autre\ncontinuation paresseuse"
    assert q.explanation == "Explication\nsur deux lignes"


def test_code_fences_and_level3_headings_stay_in_the_stem() -> None:
    text = (
        "## Q {#q1 .qru}\n\n### Contexte\n\n```python\n## pas un titre\n- [x] pas une option\n```\n\n"
        "- [x] A\n- [ ] B\n"
    )
    q = quiz.parse(text).question("q1")
    assert q.stem == "### Contexte\n\n```python\n## pas un titre\n- [x] pas une option\n```"
    assert len(q.options) == 2


def test_tcs_labels_and_quoted_attributes() -> None:
    text = (
        '## T {#t1 .tcs tags="a b,c"}\n\n- -2 Très affaiblie {panel=0}\n- -1 {panel=2}\n- 0 {panel=4}\n'
        "- +1 Renforcée {panel=1}\n- +2 {panel=0}\n"
    )
    q = quiz.parse(text).question("t1")
    assert [o.text for o in q.options] == ["Très affaiblie", "", "", "Renforcée", ""]
    assert q.tags == ("a b", "c")


def test_crlf_bom_and_tabs_are_accepted() -> None:
    lf = quiz.parse(doc_example())
    crlf = quiz.parse("\ufeff" + doc_example().replace("\n", "\r\n"))
    assert [q.hash for q in crlf.questions] == [q.hash for q in lf.questions]
    assert crlf.questions == lf.questions
    tabbed = quiz.parse("## Q {#q1 .qru}\n\n- [x] A\n\t> retour\n- [ ] B\n")
    assert tabbed.question("q1").options[0].feedback == "retour"


def test_points_may_be_decimal() -> None:
    assert quiz.parse("## Q {#q1 .qru points=1,5}\n\n- [x] A\n- [ ] B\n").questions[0].points == 1.5


def test_many_options_get_ids_beyond_z() -> None:
    items = "".join(f"- [{'x' if n == 0 else ' '}] option {n}\n" for n in range(28))
    q = quiz.parse("## Q {#q1 .qru}\n\n" + items).question("q1")
    assert [o.id for o in q.options][24:] == ["y", "z", "aa", "ab"]


def test_load_reads_a_path_and_names_it_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "quiz.md"
    path.write_bytes(b"## Q {#q1 .qru}\n\n- [ ] A\n- [ ] B\n")
    with pytest.raises(quiz.QuizFormatError) as caught:
        quiz.load(path)
    assert str(caught.value) == (
        f"{path}:1: a .qru question needs exactly one correct option `- [x]` (found 0); "
        "use .qrm for several correct options"
    )
    assert caught.value.errors[0].source == str(path)


def test_load_rejects_invalid_utf8_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "quiz.md"
    path.write_bytes(b"## Q {#q1 .qru}\n\n- [x] caf\xe9\n- [ ] B\n")
    with pytest.raises(quiz.QuizFormatError) as caught:
        quiz.load(path)
    assert caught.value.errors[0].line == 3
    assert "UTF-8" in caught.value.errors[0].message


# --- hashes -------------------------------------------------------------------------------------


def test_quiz_hash_is_sha256_of_the_text() -> None:
    text = doc_example()
    assert quiz.parse(text).hash == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_question_hash_ignores_changes_elsewhere_and_trailing_spaces() -> None:
    base = quiz.parse(doc_example())
    edited_text = doc_example().replace("Quelles attitudes sont adaptées ?", "Quelles attitudes ?")
    edited_text = "---\npass_mark: 0.5\n---\n" + edited_text.replace("- [x] RGPD\n", "- [x] RGPD   \n")
    edited = quiz.parse(edited_text)
    for before, after in zip(base.questions, edited.questions, strict=True):
        if before.id == "usage":
            assert before.hash != after.hash
        else:
            assert before.hash == after.hash, before.id
    assert base.hash != edited.hash


def test_question_hash_covers_heading_and_explanation() -> None:
    one = quiz.parse(QRU + "\n> Explication.\n").questions[0].hash
    assert quiz.parse(QRU + "\n> Explication !\n").questions[0].hash != one
    assert quiz.parse(QRU.replace("{#q1 .qru}", "{#q1 .qru points=2}") + "\n> Explication.\n").questions[0].hash != one
    assert quiz.parse(QRU + "\n> Explication.\n\n\n").questions[0].hash == one


# --- errors -------------------------------------------------------------------------------------

ERRORS = [
    pytest.param("## Q {.qru}\n\n- [x] A\n- [ ] B\n", 1, "missing id", id="missing-id"),
    pytest.param("## Q\n\n- [x] A\n- [ ] B\n", 1, "ends with its attributes", id="no-braces"),
    pytest.param(QRU + "\n" + QRU, 6, "duplicate id `q1`, already used on line 1", id="duplicate-id"),
    pytest.param("# C {#q1 .dp}\n\n" + QRU, 3, "duplicate id `q1`", id="duplicate-case-id"),
    pytest.param("## Q {#q-é .qru}\n\n- [x] A\n- [ ] B\n", 1, "invalid id", id="invalid-id"),
    pytest.param("## Q {#q1 .qcm}\n\n- [x] A\n", 1, "unknown type `.qcm`", id="unknown-type"),
    pytest.param("## Q {#q1}\n\n- [x] A\n", 1, "missing type", id="missing-type"),
    pytest.param("## Q {#q1 .qru .qrm}\n\n- [x] A\n- [ ] B\n", 1, "several types", id="two-types"),
    pytest.param("## Q {#q1 .qru difficulty=3}\n\n- [x] A\n- [ ] B\n", 1, "unknown attribute `difficulty=`",
                 id="unknown-attribute"),
    pytest.param("## Q {#q1 .qru .hard}\n\n- [x] A\n- [ ] B\n", 1, "unknown attribute `.hard`", id="unknown-class"),
    pytest.param("## Q {#q1 .qru unit=mg}\n\n- [x] A\n- [ ] B\n", 1, "only applies to .numerique",
                 id="unit-on-qru"),
    pytest.param("## Q {#q1 .qru points=2 points=3}\n\n- [x] A\n- [ ] B\n", 1, "given twice", id="twice"),
    pytest.param("## Q {#q1 .qru}\n\n- [x] A {tolerance=1}\n- [ ] B\n", 3, "unknown option attribute",
                 id="unknown-option-attribute"),
    pytest.param("## Q {#q1 .qrm}\n\n- [x] A {indispensable}\n- [ ] B\n", 3, "with a dot", id="flag-without-dot"),
    pytest.param("## Q {#q1 .qru}\n\n- [x] A\n- [x] B\n", 1, "exactly one correct option", id="qru-two-correct"),
    pytest.param("## Q {#q1 .qru}\n\n- [ ] A\n- [ ] B\n", 1, "exactly one correct option", id="qru-none"),
    pytest.param("## Q {#q1 .qru}\n\n- [x] A\n", 1, "at least two options", id="qru-one-option"),
    pytest.param("## Q {#q1 .qrm}\n\n- [ ] A\n- [ ] B\n", 1, "at least one correct option", id="qrm-none"),
    pytest.param("## Q {#q1 .qrm}\n\n- [x] A\n- [ ] B {.indispensable}\n", 4, "goes on a correct option",
                 id="indispensable-on-wrong"),
    pytest.param("## Q {#q1 .qrm}\n\n- [x] A {.inacceptable}\n- [ ] B\n", 3, "goes on a wrong option",
                 id="inacceptable-on-right"),
    pytest.param("## Q {#q1 .qru}\n\n- A\n- [x] B\n", 3, "task items", id="qru-plain-item"),
    pytest.param("## Q {#q1 .qroc}\n\n- [ ] CNIL\n", 1, "at least one accepted answer", id="qroc-no-answer"),
    pytest.param("## Q {#q1 .qroc}\n\n- [x] un deux trois quatre cinq six\n", 3, "at most 5 words",
                 id="qroc-six-words"),
    pytest.param("## Q {#q1 .qroc}\n\n- [x] RGPD\n- [x] /a(b/\n", 4, "invalid regular expression",
                 id="qroc-bad-regex"),
    pytest.param("## Q {#q1 .qroc}\n\n- [x] //\n", 3, "invalid regular expression", id="qroc-empty-regex"),
    pytest.param("## Q {#q1 .numerique}\n\n- [x] 1\n- [x] 2\n", 1, "exactly one answer item",
                 id="numerique-two-values"),
    pytest.param("## Q {#q1 .numerique}\n\n- [ ] 1\n", 1, "exactly one answer item", id="numerique-unticked"),
    pytest.param("## Q {#q1 .numerique}\n\n- [x] 12 mg\n", 3, "is not a number", id="numerique-not-number"),
    pytest.param("## Q {#q1 .numerique}\n\n- [x] 12 {tolerance=-1}\n", 3, "tolerance must be a number ≥ 0",
                 id="numerique-negative-tolerance"),
    pytest.param("## Q {#q1 .ordre}\n\n1. Seul\n", 1, "at least two numbered items", id="ordre-one-item"),
    pytest.param("## Q {#q1 .ordre}\n\n- A\n- B\n", 3, "numbered", id="ordre-bullets"),
    pytest.param("## Q {#q1 .ordre partial=yes}\n\n1. A\n2. B\n", 1, "partial must be", id="ordre-partial"),
    pytest.param("## Q {#q1 .association}\n\n- A => 1\n- => x\n", 1, "at least two pairs", id="association-one"),
    pytest.param("## Q {#q1 .association}\n\n- A => 1\n- B\n- C => 3\n", 4, "`- left => right`",
                 id="association-no-arrow"),
    pytest.param("## Q {#q1 .association}\n\n- A => 1\n- B =>\n- C => 3\n", 4, "right-hand side",
                 id="association-empty-right"),
    pytest.param("## Q {#q1 .tcs}\n\n- -2 {panel=1}\n- -1 {panel=1}\n- 0 {panel=1}\n- +1 {panel=1}\n", 1,
                 "exactly five items", id="tcs-four-items"),
    pytest.param("## Q {#q1 .tcs}\n\n- -2 {panel=1}\n- -1 {panel=1}\n- +1 {panel=1}\n- 0 {panel=1}\n"
                 "- +2 {panel=1}\n", 5, "should start with 0", id="tcs-order"),
    pytest.param("## Q {#q1 .tcs}\n\n- -2 {panel=1}\n- -1\n- 0 {panel=1}\n- +1 {panel=1}\n- +2 {panel=1}\n", 4,
                 "needs its panel count", id="tcs-panel-missing"),
    pytest.param("## Q {#q1 .tcs}\n\n- -2 {panel=1}\n- -1 {panel=-1}\n- 0 {panel=1}\n- +1 {panel=1}\n"
                 "- +2 {panel=1}\n", 4, "panel must be a whole number", id="tcs-panel-negative"),
    pytest.param("## Q {#q1 .tcs}\n\n- -2 {panel=0}\n- -1 {panel=0}\n- 0 {panel=0}\n- +1 {panel=0}\n"
                 "- +2 {panel=0}\n", 1, "every tcs panel count is 0", id="tcs-all-zero"),
    pytest.param("## Q {#q1 .qru}\n\nStem only.\n", 1, "missing answer list", id="missing-answer-list"),
    pytest.param("# Case {#c1 .dp}\n\nVignette.\n\n# Next\n\n" + QRU, 1, "this case has no question",
                 id="case-without-question"),
    pytest.param("# Case {.dp}\n\nVignette.\n\n" + QRU, 1, "missing id", id="case-without-id"),
    pytest.param("Intro.\n\n" + QRU, 1, "text before the first heading", id="text-before-heading"),
    pytest.param("\n---\npass_mark: 1\n---\n" + QRU, 2, "front matter must start on line 1",
                 id="front-matter-not-first"),
    pytest.param("# Partie\n\nIntro.\n\n" + QRU, 3, "text under a section title", id="text-under-section"),
    pytest.param("# Q {#q1 .qru}\n\n- [x] A\n- [ ] B\n\n" + QRU.replace("q1", "q2"), 1, "level-2 heading",
                 id="question-at-level1"),
    pytest.param("## Q {#q1 .qru points=0}\n\n- [x] A\n- [ ] B\n", 1, "points must be a positive number",
                 id="points-zero"),
    pytest.param("## Q {#q1 .qru points=-1}\n\n- [x] A\n- [ ] B\n", 1, "points must be", id="points-negative"),
    pytest.param("## Q {#q1 .qru objective=0}\n\n- [x] A\n- [ ] B\n", 1, "objective must be", id="objective-0"),
    pytest.param("## Q {#q1 .qru objective=1.5}\n\n- [x] A\n- [ ] B\n", 1, "objective must be",
                 id="objective-float"),
    pytest.param("---\ndraw: 2\n---\n" + QRU, 2, "draw: 2 is more than the 1 questions", id="draw-too-large"),
    pytest.param("---\ncolor: red\n---\n" + QRU, 2, "unknown front matter key `color`", id="unknown-key"),
    pytest.param("---\nshuffle: 1\n---\n" + QRU, 2, "shuffle must be true or false", id="bool-type"),
    pytest.param("---\nmax_attempts: -1\n---\n" + QRU, 2, "max_attempts must be a whole number", id="negative"),
    pytest.param("---\nmax_attempts: 2.5\n---\n" + QRU, 2, "max_attempts must be a whole number", id="float"),
    pytest.param("---\ngrading: best\n---\n" + QRU, 2, "grading must be one of", id="grading"),
    pytest.param("---\npass_mark: 70\n---\n" + QRU, 2, "pass_mark must be a number between 0 and 1",
                 id="pass-mark"),
    pytest.param("---\ntime_limit_minutes: .inf\n---\n" + QRU, 2, "time_limit_minutes", id="infinite-time"),
    pytest.param("---\n- a\n- b\n---\n" + QRU, 1, "a YAML mapping", id="front-matter-list"),
    pytest.param("---\npass_mark: [1\n---\n" + QRU, 2, "not valid YAML", id="invalid-yaml"),
    pytest.param("---\npass_mark: &a 0.5\nmax_attempts: *a\n---\n" + QRU, 2, "anchors and aliases",
                 id="yaml-alias"),
    pytest.param("---\npass_mark: 0.5\n" + QRU, 1, "never closed", id="front-matter-unclosed"),
    pytest.param("## Q {#q1 .qru}\n\n```\ncode\n\n- [x] A\n- [ ] B\n", 3, "never closed", id="unclosed-fence"),
    pytest.param("## Q {#q1 .qru}\n\n- [x] A\n\nNot quoted.\n", 5, "text after the answer list",
                 id="text-after-list"),
    pytest.param("## Q {#q1 .qru}\n\n- [x] A\n> retour\n- [ ] B\n", 4, "sits between two options",
                 id="unindented-feedback"),
    pytest.param("## Q {#q1 .qru}\n\n- [x]\n- [ ] B\n", 3, "this option is empty", id="empty-option"),
    pytest.param("", 1, "no question", id="empty-file"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), ERRORS)
def test_error_is_reported_at_its_line(text: str, line: int, fragment: str) -> None:
    assert_error(text, line, fragment)


def test_every_error_of_a_file_is_reported_at_once() -> None:
    text = (
        "---\ngrading: best\n---\n"
        "## A {#a .qru}\n\n- [x] A\n- [x] B\n\n"  # line 4
        "## B {#a .qrm}\n\n- [ ] A\n- [ ] B\n\n"  # line 9
        "## C {#c .tcs}\n\n- -2 {panel=0}\n"  # line 14
    )
    with pytest.raises(quiz.QuizFormatError) as caught:
        quiz.parse(text, source="m/quiz.md")
    lines = [issue.line for issue in caught.value.errors]
    assert lines == [2, 4, 9, 9, 14]
    assert str(caught.value).splitlines()[0] == (
        "m/quiz.md:2: grading must be one of highest, last, first, average, not \"best\""
    )
    assert all(line.startswith("m/quiz.md:") for line in str(caught.value).splitlines())
    assert isinstance(caught.value, ValueError)


def test_wrong_shaped_inputs_raise_only_quiz_format_error() -> None:
    for text in ["\x00\x01\x02", "{{{{", "## {#", "---\n!!python/object:os.system x\n---\n", "---\n" + "[" * 5000,
                 "---\npass_mark: " + "9" * 5000 + "\n---\n" + QRU, "## Q {#q1 .numerique}\n\n- [x] 1e999\n",
                 "## Q {#q1 .qru objective=" + "9" * 5000 + "}\n- [x] A\n- [ ] B\n", "\r\r\r## \t{}\t"]:
        with pytest.raises(quiz.QuizFormatError):
            quiz.parse(text)


def test_yaml_bomb_is_refused_quickly() -> None:
    bomb = "---\na: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\n---\n" + QRU
    assert_error(bomb, 2, "anchors and aliases")
