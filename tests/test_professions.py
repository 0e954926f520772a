"""Typed professions map onto the profession list; unknown ones get the closest known profession."""

from __future__ import annotations

import pytest

from academy.accounts.professions import PROFESSIONS, match_profession, suggest_profession
from academy.i18n import LOCALES, STRINGS

SAME_PROFESSION = {
    "infirmier": ["IDE", "ide ", "Infirmier", "Infirmière", "INFIRMIERE", "infirmier·ère", "Infirmier(e)",
                  "infirmier(ère)", "infirmier.e", "Infirmier/e", "Nurse", "IADE", "Infirmière diplômée d’État"],
    "kinesitherapeute": ["MK", "kiné", "Kine", "masseur-kinésithérapeute", "Masseuse-kinésithérapeute",
                         "Masseur·se-kinésithérapeute", "kinésithérapeute", "MKDE"],
    "sage_femme": ["SF", "sage-femme", "Sage femme", "SAGE-FEMME", "maïeuticien", "Midwife"],
    "medecin": ["médecin", "Medecin", "Dr", "Dr.", "docteur", "Médecin généraliste", "Physician"],
    "interne": ["interne", "Interne en médecine", "Resident"],
    "etudiant_medecine": ["étudiant·e en médecine", "Étudiante en médecine", "etudiant(e) en medecine", "externe"],
    "etudiant_soins_infirmiers": ["ESI", "étudiante infirmière", "Étudiant·e en soins infirmiers"],
    "pharmacien": ["pharmacien·ne", "Pharmacienne", "pharmacien(ne)", "PHARMACIEN"],
    "etudiant_pharmacie": ["étudiant·e en pharmacie", "Étudiante en pharmacie"],
    "autre": ["Autre profession", "autre"],
}


@pytest.mark.parametrize(("code", "typed"), [(code, typed) for code, forms in SAME_PROFESSION.items()
                                             for typed in forms])
def test_every_usual_form_maps_to_its_code(code: str, typed: str) -> None:
    assert match_profession(typed) == code


def test_codes_and_labels_map_to_themselves() -> None:
    for code in PROFESSIONS:
        assert match_profession(code) == code
        for locale in LOCALES:
            assert match_profession(STRINGS[f"profession.{code}"][locale]) == code


@pytest.mark.parametrize("typed", ["", "   ", "Boulanger", "-2+3", "IDEE fixe", "étudiant·e"])
def test_unknown_or_blank_text_is_not_a_profession(typed: str) -> None:
    assert match_profession(typed) is None


@pytest.mark.parametrize(("typed", "suggestion"), [
    ("Infirmiere anesthesiste de nuit", "infirmier"),  # a known name inside the text
    ("infirmiez", "infirmier"),  # a typo
    ("Pharmacien biologiste", "pharmacien"),
    ("Kinésithérapeuthe", "kinesitherapeute"),
    ("sage-fame", "sage_femme"),
])
def test_an_unknown_profession_gets_the_closest_one(typed: str, suggestion: str) -> None:
    assert match_profession(typed) is None
    assert suggest_profession(typed) == suggestion


@pytest.mark.parametrize("typed", ["", "Boulanger", "-2+3"])
def test_nothing_close_means_no_suggestion(typed: str) -> None:
    assert suggest_profession(typed) is None
