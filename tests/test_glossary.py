"""The glossary: its file format, the linter's checks of lessons against it, the Glossaire page and lesson links."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from apptest_support import open_page, texts, token_for
from click.testing import CliRunner
from sqlalchemy import Engine

from academy.cli import cli
from academy.content import repository, studio
from academy.content.catalog import load_catalog, load_content
from academy.content.glossary import (
    Glossary,
    check_text,
    fold,
    link_terms,
    load_glossary,
    match_form,
    parse_glossary,
    sort_key,
)
from academy.i18n import t

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "content" / "valid" / "01-bases-ia"
NBSP = "\u00a0"

GLOSSARY = """# Glossaire

Les termes du curriculum.

## dérive des données {#derive-des-donnees}

Écart entre les données apprises et celles que le modèle rencontre.

Un second paragraphe, avec une [FHIR](glossaire#fhir).

- Synonymes à éviter : « glissement », « glissement des données », « dataset shift »
- Modules : bases-ia, evaluer-ia-sante
- Source : fiche de faits, §4
- Voir aussi : equite

## équité {#equite}

Absence d’écart injustifié entre groupes de patients.

- Modules\u00a0: bases-ia

## FHIR (HL7 FHIR) {#fhir}

Standard d’échange de données de santé.

- Modules : bases-ia
- Synonyme à éviter : « fire »

## pré-criblage {#pre-criblage}

Écarter les cas qui n’ont pas besoin de l’examen de référence.

- Synonymes à éviter : « pré-tri », « pré-trier », « pré-trié »
- Modules : bases-ia
"""


def glossary(text: str = GLOSSARY, known: set[str] | None = None) -> Glossary:
    return parse_glossary(text, source="content/glossaire.md", known_modules=known)


# --- the file format ------------------------------------------------------------------------------


def test_a_valid_glossary() -> None:
    parsed = glossary(known={"bases-ia", "evaluer-ia-sante"})
    assert parsed.problems == ()
    assert parsed.title == "Glossaire"
    assert parsed.intro == "Les termes du curriculum."
    assert [term.id for term in parsed.terms] == ["derive-des-donnees", "equite", "fhir", "pre-criblage"]
    derive = parsed.term("derive-des-donnees")
    assert derive is not None
    assert derive.term == "dérive des données" and derive.label == "Dérive des données"
    assert derive.line == 5
    assert derive.definition == (
        "Écart entre les données apprises et celles que le modèle rencontre.\n\n"
        "Un second paragraphe, avec une [FHIR](glossaire#fhir)."
    )
    assert derive.synonyms == ("glissement", "glissement des données", "dataset shift")
    assert derive.modules == ("bases-ia", "evaluer-ia-sante")
    assert derive.source == "fiche de faits, §4"
    assert derive.see_also == ("equite",)
    fhir = parsed.term("fhir")
    assert fhir is not None and fhir.synonyms == ("fire",)  # singular label, fields in any order
    assert parsed.term("equite").modules == ("bases-ia",)  # a non-breaking space before the colon


def test_french_order_and_accent_insensitive_search() -> None:
    parsed = glossary()
    assert [term.id for term in parsed.sorted_terms] == ["derive-des-donnees", "equite", "fhir", "pre-criblage"]
    assert sorted(["Explicabilité", "Équité", "Éthique", "EHDS", "essai"], key=sort_key) == [
        "EHDS", "Équité", "essai", "Éthique", "Explicabilité"]  # « é » sorts with « e »
    assert sorted(["IA générative", "IA (intelligence artificielle)", "A.V.E.C.", "AUC"], key=sort_key) == [
        "AUC", "A.V.E.C.", "IA (intelligence artificielle)", "IA générative"]
    assert [term.id for term in parsed.search("EQUITE")] == ["equite"]
    assert [term.id for term in parsed.search("glissement")] == ["derive-des-donnees"]  # synonyms are searched
    assert [term.id for term in parsed.search("donnees ecart")] == ["derive-des-donnees"]
    assert parsed.search("") == parsed.sorted_terms
    assert parsed.search("introuvable") == ()
    assert fold("Éthique Œuvre") == "ethique œuvre"


def test_a_missing_glossary_is_empty_and_without_problem(tmp_path: Path) -> None:
    empty = load_glossary(tmp_path / "glossaire.md")
    assert (empty.path, empty.terms, empty.problems) == (None, (), ())


def _broken(lines: list[str], known: set[str] | None = None) -> list[tuple[int, str]]:
    parsed = glossary("\n".join(lines), known)
    return [(problem.line, problem.message) for problem in parsed.problems]


VALID_TERM = ["## biais {#biais}", "", "Erreur systématique.", "", "- Modules : bases-ia", ""]


@pytest.mark.parametrize(
    ("lines", "line", "fragment"),
    [
        (["## biais", "", "Erreur.", "", "- Modules : bases-ia"], 1,
         "term `biais` has no id: write `## biais {#biais}`"),
        (["## biais {#Biais_1}", "", "Erreur.", "", "- Modules : bases-ia"], 1, "term id `Biais_1` must be lowercase"),
        ([*VALID_TERM, "## biais bis {#biais}", "", "Autre.", "", "- Modules : bases-ia"], 7,
         "term id `biais` is already used on line 1"),
        (["## biais {#biais}", "", "- Modules : bases-ia"], 1, "term `biais` has no definition"),
        (["## biais {#biais}", "", "Erreur."], 1, "term `biais` names no module"),
        (["## biais {#biais}", "", "Erreur.", "", "- Modules : bases-ia", "- Synonimes a eviter : « x »"], 6,
         "is not a field of term `biais` (did you mean `Synonymes à éviter :`?)"),
        (["## biais {#biais}", "", "Erreur.", "", "- Modules : bases-ia", "- Module : autre"], 6,
         "term `biais` has two `Modules` fields (first on line 5)"),
        (["## biais {#biais}", "", "Erreur.", "", "- Modules : bases-ia", "- Source :"], 6,
         "`Source :` of term `biais` is empty"),
        (["## biais {#biais}", "", "Erreur.", "", "- Modules : bases-ia", "- Synonymes à éviter : biais cognitif"], 6,
         "write each synonym of term `biais` between « »"),
        (["## biais {#biais}", "", "Erreur.", "", "- Modules : bases-ia", "- Synonymes à éviter : « Biais »"], 6,
         "« Biais » is the term itself"),
        ([*VALID_TERM[:4], "- Modules : bases-ia", "- Synonymes à éviter : « erreur »", "",
          "## écart {#ecart}", "", "Écart.", "", "- Modules : bases-ia", "- Synonymes à éviter : « Erreur »"], 13,
         "« Erreur » is already a synonym of term `biais` (line 6)"),
        ([*VALID_TERM[:4], "- Modules : bases-ia", "- Synonymes à éviter : « écart »", "",
          "## écart {#ecart}", "", "Écart.", "", "- Modules : bases-ia"], 6,
         "« écart » is a term of the glossary (#ecart): it cannot also be a synonym to avoid"),
        (["## biais {#biais}", "", "Erreur.", "", "- Modules : base-ia"], 5,
         "unknown module `base-ia` (did you mean `bases-ia`?)"),
        (["## biais {#biais}", "", "Erreur.", "", "- Modules : bases-ia", "- Voir aussi : variance"], 6,
         "`Voir aussi` of term `biais` names `variance`, which is not a term id of the glossary"),
        (["## biais {#biais}", "", "Erreur <b>grave</b>.", "", "- Modules : bases-ia"], 3,
         "raw HTML is not rendered"),
        (["# Glossaire", "", "Rien encore."], 1, "the glossary has no term"),
    ],
    ids=["no-id", "bad-id", "duplicate-id", "no-definition", "no-module", "unknown-field", "duplicate-field",
         "empty-field", "unquoted-synonym", "synonym-is-term", "synonym-twice", "synonym-is-other-term",
         "unknown-module", "unknown-see-also", "raw-html", "no-term"],
)
def test_each_error_is_reported_at_its_line(lines: list[str], line: int, fragment: str) -> None:
    problems = _broken(lines, known={"bases-ia", "evaluer-ia-sante"})
    assert any(found_line == line and fragment in message for found_line, message in problems), problems


def test_a_term_with_an_error_is_left_out_and_the_others_kept() -> None:
    parsed = glossary("\n".join([*VALID_TERM, "## écart", "", "Sans id.", "", "- Modules : bases-ia"]))
    assert [term.id for term in parsed.terms] == ["biais"]
    assert [problem.line for problem in parsed.problems] == [7]
    assert str(parsed.problems[0]).startswith("content/glossaire.md:7: term `écart` has no id")


# --- lessons checked against the glossary ---------------------------------------------------------


def warnings_of(text: str, kind: str = "lesson", skipped: tuple[int, ...] = ()) -> list[str]:
    errors, warnings = check_text(text, "content/01-bases-ia/01-lecon.md", glossary(), kind=kind,
                                  skipped_lines=skipped)
    assert errors == []
    return [str(warning) for warning in warnings]


def test_a_synonym_is_a_warning_with_its_file_and_line() -> None:
    lesson = "---\ntitle: Leçon\n---\n\nUn texte.\n\nLe glissement des données menace le modèle.\n"
    assert warnings_of(lesson) == [
        "content/01-bases-ia/01-lecon.md:7: warning: « glissement des données »: the glossary prefers "
        "« dérive des données »"
    ]
    _, found = check_text(lesson, "x.md", glossary())
    assert found[0].severity == "warning" and found[0].line == 7


def test_synonyms_match_whole_words_in_any_case_accent_plural_and_hyphenation() -> None:
    lesson = ("Glissements observés.\nUn PRE-TRI des lames.\nLes lames pré-triées, à pré-trier.\n"
              "Le pré tri.\nUn dataset\u00a0shift.\nUn glissementiel, un préTRI, un antiglissement, un fireman.\n")
    found = [re.sub(r".*?:(\d+): warning: « (.*?) ».*", r"\1 \2", line) for line in warnings_of(lesson)]
    assert found == ["1 Glissements", "2 PRE-TRI", "3 pré-triées", "3 pré-trier", "4 pré tri", "5 dataset\u00a0shift"]
    assert match_form("« Pré-Tri »\u00a0!") == "« pre tri » !"


def test_glosses_code_attributes_and_quiz_answers_are_not_reported() -> None:
    lesson = (
        "On parle de dérive des données (en anglais *dataset shift*).\n"  # a gloss, in parentheses
        "Le mot `glissement` est à éviter.\n"  # inline code
        "```\nglissement\n```\n"  # fenced code
        "## Titre {#glissement .qroc}\n"  # heading attributes
        "- [x] glissement\n"  # line 7: a QROC answer
        "Un [lien](https://exemple.org/glissement).\n"  # a link target
    )
    assert warnings_of(lesson, skipped=(7,)) == []
    assert len(warnings_of(lesson)) == 1  # the QROC line, when not skipped


def test_module_front_matter_is_checked_only_where_learners_read_it() -> None:
    module = ("---\ntitle: Le glissement\nlevel: initiation\nreferences:\n  - Un article sur le glissement\n"
              "objectives:\n  - Mesurer le glissement\n---\n\nTexte.\n")
    assert [line.split(":")[1] for line in warnings_of(module, kind="module")] == ["2", "7"]
    quiz = "---\npass_mark: 0.6\nglissement: oui\n---\n\nLe glissement.\n"
    assert [line.split(":")[1] for line in warnings_of(quiz, kind="quiz")] == ["6"]


def test_glossary_links_must_name_a_term() -> None:
    lesson = ("Voir [la dérive](glossaire#derive-des-donnees) et [FHIR](glossaire#fhirr).\n"
              "Puis [x](glossaire.md#equite), `[y](glossaire#absent)`.\n")
    errors, warnings = check_text(lesson, "content/01-bases-ia/01-lecon.md", glossary())
    assert warnings == []
    assert [str(error) for error in errors] == [
        "content/01-bases-ia/01-lecon.md:1: link to glossaire#fhirr: no term has this id in glossaire.md "
        "(did you mean `fhir`?)",
        "content/01-bases-ia/01-lecon.md:2: glossary link `(glossaire.md#equite)`: write it [text](glossaire#id), "
        "with the id of a term of glossaire.md",
    ]
    errors, _ = check_text("[FHIR](glossaire#fhir)\n", "l.md", Glossary(None))
    assert [error.message for error in errors] == ["link to glossaire#fhir, but the content folder has no glossaire.md"]


def test_glossary_links_point_at_the_glossary_page() -> None:
    text = "La [dérive](glossaire#derive-des-donnees), [FHIR]( glossaire#fhir ) et [autre](https://x.org/glossaire#a)."
    assert link_terms(text, "glossary") == (
        "La [dérive](glossary#derive-des-donnees), [FHIR]( glossary#fhir ) et [autre](https://x.org/glossaire#a)."
    )
    assert link_terms("[FHIR](glossaire#fhir)", "") == "[FHIR](#fhir)"
    assert link_terms("Sans lien.", "glossary") == "Sans lien."


# --- the catalog and `academy check` --------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """content/ with the valid fixture module, a glossary, and a lesson that uses « glissement » on line 8."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root / "01-bases-ia")
    (root / "glossaire.md").write_text(GLOSSARY.replace(", evaluer-ia-sante", ""), encoding="utf-8")
    lesson = root / "01-bases-ia" / "02-limites.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("hors de son domaine d'entraînement.",
                                   "hors de son domaine d'entraînement.\n\nAttention au glissement des données."),
                      encoding="utf-8")
    return root


def test_warnings_keep_the_module_valid(tree: Path) -> None:
    catalog = load_catalog(tree)
    assert catalog.problems == ()
    assert [module.id for module in catalog.modules] == ["bases-ia"]
    assert [str(warning) for warning in catalog.warnings] == [
        "content/01-bases-ia/02-limites.md:8: warning: « glissement des données »: the glossary prefers "
        "« dérive des données »"
    ]
    assert catalog.glossary is not None and len(catalog.glossary.terms) == 4
    single = load_content(tree / "01-bases-ia")  # one module: the glossary beside it is used too
    assert [warning.line for warning in single.warnings] == [8]


def test_check_prints_warnings_and_exits_0(tree: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "content"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "content/01-bases-ia/02-limites.md:8: warning: « glissement des données »: the glossary prefers "
        "« dérive des données »",
        "OK: 1 module, 2 lessons, 3 questions, 1 warning",
    ]


def test_check_exits_1_on_errors_and_still_prints_warnings(tree: Path) -> None:
    lesson = tree / "01-bases-ia" / "01-introduction.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nVoir la [dérive](glossaire#derivee).\n",
                      encoding="utf-8")
    glossary_file = tree / "glossaire.md"
    glossary_file.write_text(glossary_file.read_text(encoding="utf-8").replace("{#equite}", ""), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "content"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("content/01-bases-ia/01-introduction.md:22: link to glossaire#derivee: no term "
                               "has this id in glossaire.md")
    assert lines[1].startswith("content/01-bases-ia/02-limites.md:8: warning: « glissement des données »")
    assert lines[2:] == [
        "content/glossaire.md:14: `Voir aussi` of term `dérive des données` names `equite`, which is not a term "
        "id of the glossary",
        "content/glossaire.md:16: term `équité` has no id: write `## équité {#equite}` (lowercase letters, digits "
        "and hyphens; lessons link to it as glossaire#id)",
    ]
    assert result.stderr == "3 problems in 1 module and the glossary, 1 warning.\n"


def test_the_studio_checks_glossary_links_against_the_live_glossary(tree: Path, engine) -> None:
    repository.import_folder(engine, tree)  # the curriculum the Studio edits lives in the database
    text = (tree / "01-bases-ia" / "01-introduction.md").read_text(encoding="utf-8")
    linked = text + "\nLa [dérive](glossaire#derive-des-donnees).\n"
    check = studio.check_file(engine, "01-bases-ia", "01-introduction.md", linked)
    assert check.problems == () and check.acceptable
    broken = linked.replace("#derive-des-donnees", "#derivee")
    check = studio.check_file(engine, "01-bases-ia", "01-introduction.md", broken)
    assert [problem.message for problem in check.new_problems] == [
        "link to glossaire#derivee: no term has this id in glossaire.md"]


# --- the shipped glossary -------------------------------------------------------------------------


SHIPPED = load_catalog(ROOT / "content")


def test_the_shipped_glossary_is_valid_and_the_curriculum_has_no_warning() -> None:
    assert SHIPPED.glossary is not None
    assert [str(problem) for problem in SHIPPED.problems] == []
    assert [str(warning) for warning in SHIPPED.warnings] == []
    assert len(SHIPPED.glossary.terms) >= 40


def test_every_shipped_term_is_taught_somewhere_and_dated_facts_are_sourced() -> None:
    module_ids = {module.id for module in SHIPPED.modules}
    for term in SHIPPED.glossary.terms:
        assert term.modules and set(term.modules) <= module_ids, term.id
        if re.search(r"\b(?:19|20)\d\d\b", term.definition):
            assert term.source, f"{term.id} states a date: give its source"
    for required in ("derive-des-donnees", "pre-criblage", "tal", "auc", "fhir", "rgpd", "ai-act", "vpp"):
        assert SHIPPED.glossary.term(required) is not None


def test_the_house_conventions_are_in_the_glossary() -> None:
    """docs/authoring.md's « one term per notion » table is carried by the glossary's synonyms."""
    preferred = {fold(synonym): term.id for term in SHIPPED.glossary.terms for synonym in term.synonyms}
    assert preferred["glissement"] == "derive-des-donnees"
    assert preferred["pre-tri"] == preferred["pre-trier"] == "pre-criblage"
    assert preferred["taln"] == "tal"
    assert preferred["recommandations de reporting"] == "lignes-directrices-de-redaction"
    assert preferred["data scientist"] == "specialiste-science-des-donnees"
    assert preferred["omnibus numerique"] == "digital-omnibus"


# --- the Glossaire page and lesson links ----------------------------------------------------------

PAGE = "pages/16_glossary.py"


def test_the_page_lists_the_terms_in_french_order_with_anchors_and_module_links(app_env: Engine) -> None:
    at = open_page(PAGE, token_for(app_env, "learner"))
    assert not at.exception
    assert t("glossary.title") in texts(at, "title")
    terms = SHIPPED.glossary.sorted_terms
    assert [node.value for node in at.subheader] == [term.label for term in terms]
    assert [node.proto.anchor for node in at.subheader] == [term.id for term in terms]
    labels = [node.value for node in at.subheader]
    assert labels.index("EHDS (espace européen des données de santé)") < labels.index("Équité") \
        < labels.index("Essai clinique virtuel")
    assert t("glossary.count", n=len(terms), total=len(terms)) in texts(at, "caption")
    links = [node.proto for node in at.get("page_link") if node.proto.page == "module"]
    assert len(links) == sum(len(term.modules) for term in terms)
    assert "module=evaluer-ia-sante" in {link.query_string for link in links}


def test_the_filter_ignores_accents_and_finds_synonyms(app_env: Engine) -> None:
    at = open_page(PAGE, token_for(app_env, "learner"))
    at.text_input(key="glossary_filter").input("equite").run()
    assert [node.value for node in at.subheader] == ["Équité"]
    links = [node.proto for node in at.get("page_link") if node.proto.page == "module"]
    assert [link.query_string for link in links] == ["module=evaluer-ia-sante", "module=ethique-regulation"]
    assert [link.label for link in links] == [
        "11. Évaluer une IA en santé", "10. Éthique et régulation de l’IA en santé"]
    at.text_input(key="glossary_filter").input("GLISSEMENT").run()
    assert [node.value for node in at.subheader] == ["Dérive des données"]
    details = " ".join(texts(at, "markdown"))
    assert f"«{NBSP}glissement{NBSP}»" in details and "[Validation externe](#validation-externe)" in details
    at.text_input(key="glossary_filter").input("zzzz").run()
    assert t("glossary.none") in texts(at, "info")


def test_the_page_in_english(app_env: Engine) -> None:
    at = open_page(PAGE, token_for(app_env, "learner"))
    at.sidebar.segmented_control(key="locale_switch").set_value("en").run()
    assert "Glossary" in texts(at, "title")
    assert at.text_input(key="glossary_filter").label == "Filter the terms"
    assert at.subheader[0].value == SHIPPED.glossary.sorted_terms[0].label  # the terms stay in French


def test_a_lesson_links_to_the_glossary_page(app_env: Engine) -> None:
    at = open_page("pages/2_module.py", token_for(app_env, "learner"),
                   query={"module": "evaluer-ia-sante", "lesson": "surveillance-apres-deploiement"})
    assert not at.exception
    body = " ".join(texts(at, "markdown"))
    assert "**[dérive des données](glossary#derive-des-donnees)**" in body
    assert "glossaire#" not in body


def test_the_studio_shows_warnings_in_the_content_health(app_env: Engine, tree: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(tree))
    at = open_page("pages/6_studio.py", token_for(app_env, "trainer"))
    assert not at.exception
    assert t("studio.no_problem") in texts(at, "success")  # a warning is not a problem
    assert t("studio.warnings_found", n=1) in texts(at, "warning")
    shown = [node.value for node in at.code]
    assert any("01-bases-ia/02-limites.md:8: attention : « glissement des données » : le glossaire préfère "
               "« dérive des données »" in value for value in shown)  # in the trainer's language
