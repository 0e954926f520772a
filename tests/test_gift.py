"""Moodle GIFT export, `python -m academy gift` and the items CSV: expected texts written by hand from the GIFT
rules, and the export read back by gift-pegjs (npm, run with node) against the source quizzes."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image

from academy.cli import cli
from academy.content.catalog import Module, load_catalog, load_module
from academy.content.gift import SKIP_REASONS, format_number, gift_file, gift_file_name, quiz_items_csv, to_gift
from academy.i18n import LOCALES, STRINGS, t
from quiz import Question

MODULE_MD = """---
title: "Export GIFT"
summary: Un module pour tester l'export.
duration_minutes: 30
objectives:
  - Reconnaître un modèle.
  - Calculer une valeur.
level: initiation
---

Présentation.
"""

QUIZ_MD = """## Définition {#def .qru objective=1 tags=vocab,base}

Quelle proposition est juste : {a} ou b = c ?

- [ ] Règle écrite à la main
  > Non : c'est un système ~expert~ #1.
- [x] Paramètres appris
- [ ] Ni l'un ni l'autre

> Voir la leçon 1\\. Point.

## Bonnes pratiques {#bp .qrm points=2 objective=1}

Quelles attitudes sont adaptées ?

- [x] Relire la sortie {.indispensable}
- [x] Informer le patient
- [ ] Saisir des données identifiantes {.inacceptable}
  > Jamais.
- [ ] Accepter sans relire

## Trois justes {#trois .qrm}

- [x] A
- [x] B
- [x] C
- [ ] D

## Sigle {#sigle .qroc objective=1}

Quel sigle désigne le règlement européen ?

- [x] RGPD
- [x] GDPR
- [ ] CNIL
  > La CNIL est l'autorité de contrôle.

## Regex {#rx .qroc}

Réponse ?

- [x] /r[eè]gle/

## Valeur prédictive {#vpp .numerique unit=% objective=2}

Calculez la VPP.

- [x] 42,5 {tolerance=0.5}

> VPP = VP / (VP + FP).

## Standards {#std .association}

Associez.

- FHIR => Échange
- DICOM => Images
- HL7 v2 => Messages

## Avec distracteur {#distr .association}

- FHIR => Échange
- DICOM => Images
- LOINC => Biologie
- => Facturation

## Deux paires {#deux .association}

- FHIR => Échange
- DICOM => Images

## Étapes {#etapes .ordre}

1. Collecte
2. Annotation

## Nouvelle information {#tcs-1 .tcs}

- -2 {panel=0}
- -1 {panel=1}
- 0 {panel=6}
- +1 {panel=3}
- +2 {panel=0}

## Schéma {#img .qru}

![Schéma du flux](images/figure.png)

- [x] Oui
- [ ] Non

## =SOMME(A1) {#formule .qru tags=+a}

- [x] @cellule
- [ ] autre

## Pourcentages {#pct .qru}

Quelle part des cas ?

- [ ] %50% des cas
- [x] %10% des cas
  > [html] n'est pas une balise ici.

## Crochets {#crochets .qrm}

- [x] [plain] texte entre crochets
- [ ] [html] autre

## Tolérance fine {#fine .numerique}

Une très petite valeur.

- [x] 0,00002 {tolerance=0.00001}

## Deux paires et un distracteur {#deux-d .association}

- Alpha => Un
- Bêta => Deux
- => Trois

# Cas de Mme D. {#dp-1 .dp}

Femme de 60 ans.

## Première question {#dp-1-a .qru}

Que faites-vous ?

- [x] Examiner
- [ ] Attendre
"""

# Written by hand: `~ = # { } :` escaped with a backslash, a literal backslash doubled, line breaks as \n;
# an explicit weight on every answer but a single-answer question's right one (Moodle reads no weight after
# `=` there); qrm weights 100/right and -100/wrong from Moodle's grade list; qroc wrong answers as 0 % answers;
# a text starting with `[` (and a right qru answer starting with `%`) after an explicit [markdown] tag;
# numbers in plain decimal; matching distractors as entries with a blank question.
EXPECTED_GIFT = """// Export GIFT (export-gift)
// GIFT export of the quiz: Académie IA Santé.
// Skipped rx (qroc): accepted answer written as a regular expression: no GIFT equivalent
// Skipped deux (association): matching with fewer than two pairs or three answers: Moodle needs as many
// Skipped etapes (ordre): ordering question: no GIFT equivalent
// Skipped tcs-1 (tcs): script concordance test: no GIFT equivalent
// Skipped img (qru): image: a GIFT file carries text only

// question: def  points: 1  objective: 1  tags: vocab, base
::Définition [def]::[markdown]Quelle proposition est juste \\: \\{a\\} ou b \\= c ?{
\t~%0%Règle écrite à la main#Non \\: c'est un système \\~expert\\~ \\#1.
\t=Paramètres appris
\t~%0%Ni l'un ni l'autre
\t####Voir la leçon 1\\\\. Point.
}

// question: bp  points: 2  objective: 1
::Bonnes pratiques [bp]::[markdown]Quelles attitudes sont adaptées ?{
\t~%50%Relire la sortie
\t~%50%Informer le patient
\t~%-50%Saisir des données identifiantes#Jamais.
\t~%-50%Accepter sans relire
}

// question: trois  points: 1
::Trois justes [trois]::[markdown]Trois justes{
\t~%33.33333%A
\t~%33.33333%B
\t~%33.33333%C
\t~%-100%D
}

// question: sigle  points: 1  objective: 1
::Sigle [sigle]::[markdown]Quel sigle désigne le règlement européen ?{
\t=%100%RGPD
\t=%100%GDPR
\t=%0%CNIL#La CNIL est l'autorité de contrôle.
}

// question: vpp  points: 1  objective: 2
::Valeur prédictive [vpp]::[markdown]Calculez la VPP.\\n\\nUnité\u00a0\\: %{
\t#=%100%42.5:0.5
\t####VPP \\= VP / (VP + FP).
}

// question: std  points: 1
::Standards [std]::[markdown]Associez.{
\t=FHIR -> Échange
\t=DICOM -> Images
\t=HL7 v2 -> Messages
}

// question: distr  points: 1
::Avec distracteur [distr]::[markdown]Avec distracteur{
\t=FHIR -> Échange
\t=DICOM -> Images
\t=LOINC -> Biologie
\t= -> Facturation
}

// question: formule  points: 1  tags: +a
::\\=SOMME(A1) [formule]::[markdown]\\=SOMME(A1){
\t=@cellule
\t~%0%autre
}

// question: pct  points: 1
::Pourcentages [pct]::[markdown]Quelle part des cas ?{
\t~%0%%50% des cas
\t=[markdown]%10% des cas#[markdown][html] n'est pas une balise ici.
}

// question: crochets  points: 1
::Crochets [crochets]::[markdown]Crochets{
\t~%100%[markdown][plain] texte entre crochets
\t~%-100%[markdown][html] autre
}

// question: fine  points: 1
::Tolérance fine [fine]::[markdown]Une très petite valeur.{
\t#=%100%0.00002:0.00001
}

// question: deux-d  points: 1
::Deux paires et un distracteur [deux-d]::[markdown]Deux paires et un distracteur{
\t=Alpha -> Un
\t=Bêta -> Deux
\t= -> Trois
}

// question: dp-1-a  points: 1
::Première question [dp-1-a]::[markdown]**Cas de Mme D.**\\n\\nFemme de 60 ans.\\n\\nQue faites-vous ?{
\t=Examiner
\t~%0%Attendre
}
"""


@pytest.fixture
def module(tmp_path: Path) -> Module:
    folder = tmp_path / "01-export-gift"
    (folder / "images").mkdir(parents=True)
    Image.new("RGB", (4, 4), "white").save(folder / "images" / "figure.png")
    (folder / "module.md").write_text(MODULE_MD, encoding="utf-8")
    (folder / "quiz.md").write_text(QUIZ_MD, encoding="utf-8")
    loaded = load_module(folder)
    assert loaded.valid, loaded.problems
    return loaded


def test_gift_text_matches_the_hand_written_export(module: Module) -> None:
    text, _ = to_gift(module.quiz, module)
    assert text == EXPECTED_GIFT


def test_questions_gift_cannot_express_are_listed_with_their_reason(module: Module) -> None:
    _, skipped = to_gift(module.quiz, module)
    assert skipped == [("rx", "regex"), ("deux", "few_pairs"), ("etapes", "ordre"), ("tcs-1", "tcs"),
                       ("img", "image")]


def test_every_skip_reason_has_an_interface_text() -> None:
    for reason in SKIP_REASONS:
        assert set(STRINGS[f"studio.gift_skip.{reason}"]) == set(LOCALES)


@pytest.mark.parametrize("question_id", ["bp", "trois"])
def test_multiple_answer_weights_add_up_to_100_and_wrong_ones_are_negative(module: Module, question_id: str) -> None:
    text, _ = to_gift(module.quiz, module)
    block = text.split(f"[{question_id}]::", 1)[1].split("\n}", 1)[0]
    weights = [float(w) for w in re.findall(r"^\t~%(-?[0-9.]+)%", block, flags=re.MULTILINE)]
    question = module.quiz.question(question_id)
    right = [w for w, option in zip(weights, question.options, strict=True) if option.correct]
    wrong = [w for w, option in zip(weights, question.options, strict=True) if not option.correct]
    assert sum(right) == pytest.approx(100, abs=1e-4)
    assert all(w < 0 for w in wrong)
    assert sum(wrong) == pytest.approx(-100, abs=1e-4)


def _moodle_unescape(text: str) -> str:
    """What Moodle's GIFT importer makes of escaped text (its escapedchar_pre / _post, in order)."""
    text = text.replace("\\\\", "\x00")
    for char in ":#={}~":
        text = text.replace("\\" + char, char)
    return text.replace("\\n", "\n").replace("\x00", "\\")


def test_special_characters_survive_moodle_import(tmp_path: Path) -> None:
    tricky = "a:b #c =d {e} ~f \\n g\\h\nligne 2"
    folder = tmp_path / "01-echappement"
    folder.mkdir()
    (folder / "module.md").write_text(MODULE_MD, encoding="utf-8")
    (folder / "quiz.md").write_text(
        "## Piège {#piege .qru}\n\nQuestion ?\n\n- [x] bon\n- [ ] mauvais\n\n> "
        + tricky.replace("\\", "\\\\").replace("\n", "\n> ") + "\n",
        encoding="utf-8",
    )
    loaded = load_module(folder)
    assert loaded.valid, loaded.problems
    explanation = loaded.quiz.question("piege").explanation.strip()
    text, _ = to_gift(loaded.quiz, loaded)
    written = text.split("\t####", 1)[1].split("\n}", 1)[0]
    assert not re.search(r"(?<!\\)[:#={}~]", written.replace("\\\\", ""))  # every special character escaped
    assert "\n" not in written
    assert _moodle_unescape(written) == explanation


def test_items_csv_lists_every_question_with_its_answer(module: Module) -> None:
    rows = list(csv.reader(io.StringIO(quiz_items_csv(module))))
    assert rows[0] == ["id", "type", "points", "objective", "objective_text", "title", "correct_answer", "tags"]
    by_id = {row[0]: row for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == [q.id for q in module.quiz.questions]
    assert by_id["def"] == ["def", "qru", "1", "1", "Reconnaître un modèle.", "Définition", "Paramètres appris",
                            "vocab,base"]
    assert by_id["bp"][2] == "2"
    assert by_id["vpp"][3:5] == ["2", "Calculer une valeur."]
    assert by_id["sigle"][6] == "RGPD / GDPR"


def test_items_csv_neutralises_spreadsheet_formulas(module: Module) -> None:
    rows = {row[0]: row for row in csv.reader(io.StringIO(quiz_items_csv(module)))}
    assert rows["formule"][5] == "'=SOMME(A1)"
    assert rows["formule"][6] == "'@cellule"
    assert rows["formule"][7] == "'+a"
    assert rows["bp"][6].startswith("'- ")  # a Markdown list would read as a minus sign
    for row in rows.values():
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_items_csv_of_a_module_without_quiz_is_the_header(tmp_path: Path) -> None:
    folder = tmp_path / "01-sans-quiz"
    folder.mkdir()
    (folder / "module.md").write_text(MODULE_MD, encoding="utf-8")
    assert quiz_items_csv(load_module(folder)).splitlines() == [
        "id,type,points,objective,objective_text,title,correct_answer,tags"]


# --- the export read back by gift-pegjs (npm), run with node -------------------------------------------------------

JS_DIR = Path(__file__).parent / "js"
CONTENT = Path(__file__).resolve().parents[1] / "content"


def _gift_pegjs(text: str) -> list[dict[str, Any]]:
    """The questions gift-pegjs parses out of ``text`` (skips when node or the package is missing)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (Debian: apt-get install nodejs npm)")
    if not (JS_DIR / "node_modules" / "gift-pegjs").is_dir():
        pytest.skip("gift-pegjs is not installed: run `npm ci --prefix tests/js` (make js)")
    done = subprocess.run([node, str(JS_DIR / "gift_parse.js")], input=text, capture_output=True, text=True,
                          encoding="utf-8", timeout=60, check=False)
    parsed = json.loads(done.stdout)
    assert done.returncode == 0 and isinstance(parsed, list), f"gift-pegjs refused the export: {parsed}"
    return parsed


def _decode_placeholders(text: str) -> str:
    """gift-pegjs 1.0.2 leaves its placeholders for escaped characters in a matching answer (its PlainText rule
    skips the decoding its other texts get; Moodle decodes them): decode them as its other rules do."""
    for placeholder, char in (("&&092;", "\\"), ("&&058;", ":"), ("&&035;", "#"), ("&&061;", "="), ("&&123;", "{"),
                              ("&&125;", "}"), ("&&126;", "~"), ("&&010", "\n")):
        text = text.replace(placeholder, char)
    return text


def _weight(choice: dict[str, Any]) -> float:
    """A choice's credit as Moodle gives it: its weight, or 100 / 0 for a bare `=` / `~`."""
    if choice["weight"] is not None:
        return float(choice["weight"])
    return 100.0 if choice["isCorrect"] else 0.0


def _expected_weights(question: Question) -> list[float]:
    options = question.options
    if question.type == "qrm":
        right = sum(1 for o in options if o.correct)
        return [100 / right if o.correct else -100 / (len(options) - right) for o in options]
    return [100.0 if o.correct else 0.0 for o in options]


def _expected_stem(module: Module, question: Question) -> str:
    """The question text Moodle shows: the case's title and vignette first, the stem, the unit last."""
    case = next((c for c in module.quiz.cases if c.id == question.case), None)
    parts = [f"**{case.title}**", case.vignette.strip()] if case is not None else []
    stem = "\n\n".join(part for part in [*parts, question.stem.strip()] if part)
    if question.type == "numerique" and question.unit:
        stem += "\n\n" + t("studio.gift_unit", module.language, unit=question.unit)
    return stem


def _feedback_text(feedback: dict[str, Any] | None) -> str:
    return "" if feedback is None else feedback["text"]


def compare_with_gift_pegjs(module: Module) -> tuple[int, int]:
    """Parse the module's GIFT with gift-pegjs and compare every question with its source; returns the number
    of questions parsed and of questions skipped."""
    text, skipped = to_gift(module.quiz, module)
    parsed = _gift_pegjs(text)
    exported = [q for q in module.quiz.questions if q.id not in dict(skipped)]
    assert len(parsed) == len(exported), "question count"
    kinds = {"qru": "MC", "qrm": "MC", "qroc": "Short", "numerique": "Numerical", "association": "Matching"}
    for question, got in zip(exported, parsed, strict=True):
        where = f"{module.id}/{question.id}"
        assert got["title"] == f"{question.title} [{question.id}]", where
        assert got["type"] == kinds[question.type], where
        assert got["stem"]["format"] == "markdown", where
        assert got["stem"]["text"] == _expected_stem(module, question), where
        assert _feedback_text(got["globalFeedback"]) == question.explanation.strip(), where
        if question.type == "association":
            pairs = [(o.text, o.match) for o in question.options if o.text]
            distractors = [("", o.match) for o in question.options if not o.text]
            read = [(m["subquestion"]["text"], _decode_placeholders(m["subanswer"])) for m in got["matchPairs"]]
            assert read == pairs + distractors, where
            continue
        choices = got["choices"]
        assert len(choices) == len(question.options), where
        if question.type == "numerique":
            for option, choice in zip(question.options, choices, strict=True):
                assert _weight(choice) == 100, where
                assert choice["text"] == {"type": "range", "number": pytest.approx(option.value),
                                          "range": pytest.approx(option.tolerance)}, where
            continue
        if question.type == "qroc":
            expected = [100.0 if o.correct else 0.0 for o in question.options]
        else:
            expected = _expected_weights(question)
            assert sum(c["isCorrect"] for c in choices) == (1 if question.type == "qru" else 0), where
        assert [_weight(c) for c in choices] == pytest.approx(expected, abs=1e-4), where
        for option, choice in zip(question.options, choices, strict=True):
            answer = choice["text"]["text"]
            assert (answer.replace("\\*", "*") if question.type == "qroc" else answer) == option.text.strip(), where
            assert _feedback_text(choice["feedback"]) == option.feedback.strip(), where
    return len(parsed), len(skipped)


def test_gift_pegjs_reads_every_question_weight_and_answer(module: Module) -> None:
    assert compare_with_gift_pegjs(module) == (13, 5)


def test_gift_pegjs_reads_the_shipped_curriculum() -> None:
    catalog = load_catalog(CONTENT)
    counts = [compare_with_gift_pegjs(module) for module in catalog.modules if module.quiz is not None]
    parsed = sum(count for count, _ in counts)
    total = sum(len(module.quiz.questions) for module in catalog.modules if module.quiz is not None)
    assert parsed + sum(skipped for _, skipped in counts) == total
    assert parsed >= 100  # 113 of 145 questions when this test was written


def test_numbers_are_plain_decimals() -> None:
    assert [format_number(n) for n in (2.0, 0.5, 1e-05, -2.5e-07, 1e20, 0.1 + 0.2, None)] == [
        "2", "0.5", "0.00001", "-0.00000025", "100000000000000000000", "0.30000000000000004", "0"]


def test_an_unknown_type_is_skipped_with_a_comment(module: Module) -> None:
    zone = dataclasses.replace(module.quiz.question("def"), id="zone-1", type="future-type")
    quiz = dataclasses.replace(module.quiz, questions=(zone,))
    text, skipped = to_gift(quiz, module)
    assert skipped == [("zone-1", "unknown_type")]
    assert "// Skipped zone-1 (future-type): question type without a GIFT equivalent" in text.splitlines()
    assert "::" not in text


# --- python -m academy gift MODULE --output FILE -----------------------------------------------------------------


def test_cli_writes_the_studio_download_by_id_or_folder(module: Module, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(module.folder.parent))
    expected, _ = gift_file(module)
    for reference in ("export-gift", str(module.folder)):
        output = tmp_path / f"out-{len(reference)}.gift.txt"
        result = CliRunner().invoke(cli, ["gift", reference, "--output", str(output)])
        assert result.exit_code == 0, result.output
        assert output.read_bytes() == expected
        assert "Wrote 13 questions of export-gift" in result.stdout
        assert "Skipped rx: accepted answer written as a regular expression" in result.stderr
    assert gift_file_name(module) == "export-gift.gift.txt"


def test_cli_refuses_an_unknown_module_or_one_without_quiz(module: Module, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(module.folder.parent))
    (module.folder.parent / "02-sans-quiz").mkdir()
    (module.folder.parent / "02-sans-quiz" / "module.md").write_text(MODULE_MD, encoding="utf-8")
    output = tmp_path / "out.gift.txt"
    for reference, message in (("inconnu", "neither a module id"), ("sans-quiz", "has no quiz")):
        result = CliRunner().invoke(cli, ["gift", reference, "--output", str(output)])
        assert result.exit_code == 1
        assert message in result.stderr
        assert not output.exists()
    assert not list(tmp_path.glob(".out.gift.txt.*"))  # no temporary file left behind
