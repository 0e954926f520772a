"""Moodle GIFT export and the items CSV: expected texts written by hand from the GIFT rules."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from academy.content.catalog import Module, load_module
from academy.content.gift import SKIP_REASONS, quiz_items_csv, to_gift
from academy.i18n import LOCALES, STRINGS

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

# Cas de Mme D. {#dp-1 .dp}

Femme de 60 ans.

## Première question {#dp-1-a .qru}

Que faites-vous ?

- [x] Examiner
- [ ] Attendre
"""

# Written by hand: `~ = # { } :` escaped with a backslash, a literal backslash doubled, line breaks as \n;
# qrm weights 100/right and -100/wrong from Moodle's grade list; qroc wrong answers as 0 % answers.
EXPECTED_GIFT = """// Export GIFT (export-gift)
// GIFT export of the quiz: Académie IA Santé.
// Skipped rx: accepted answer written as a regular expression: no GIFT equivalent
// Skipped distr: matching with a distractor: GIFT cannot express it
// Skipped deux: matching with fewer than three pairs: Moodle needs three
// Skipped etapes: ordering question: no GIFT equivalent
// Skipped tcs-1: script concordance test: no GIFT equivalent
// Skipped img: image: a GIFT file carries text only

// question: def  points: 1  objective: 1  tags: vocab, base
::Définition [def]::[markdown]Quelle proposition est juste \\: \\{a\\} ou b \\= c ?{
\t~Règle écrite à la main#Non \\: c'est un système \\~expert\\~ \\#1.
\t=Paramètres appris
\t~Ni l'un ni l'autre
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
\t=RGPD
\t=GDPR
\t=%0%CNIL#La CNIL est l'autorité de contrôle.
}

// question: vpp  points: 1  objective: 2
::Valeur prédictive [vpp]::[markdown]Calculez la VPP.\\n\\nUnité\u00a0\\: %{
\t#=42.5:0.5
\t####VPP \\= VP / (VP + FP).
}

// question: std  points: 1
::Standards [std]::[markdown]Associez.{
\t=FHIR -> Échange
\t=DICOM -> Images
\t=HL7 v2 -> Messages
}

// question: formule  points: 1  tags: +a
::\\=SOMME(A1) [formule]::[markdown]\\=SOMME(A1){
\t=@cellule
\t~autre
}

// question: dp-1-a  points: 1
::Première question [dp-1-a]::[markdown]**Cas de Mme D.**\\n\\nFemme de 60 ans.\\n\\nQue faites-vous ?{
\t=Examiner
\t~Attendre
}
"""


@pytest.fixture
def module(tmp_path: Path) -> Module:
    folder = tmp_path / "01-export-gift"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n")
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
    assert skipped == [("rx", "regex"), ("distr", "distractor"), ("deux", "few_pairs"), ("etapes", "ordre"),
                       ("tcs-1", "tcs"), ("img", "image")]


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
