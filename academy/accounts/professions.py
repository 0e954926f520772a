"""The profession list, and how typed professions (rosters, the command line) map onto it.

Accounts store a profession *code* (``infirmier``, ``sage_femme``…; labels: interface strings
``profession.<code>``). :func:`match_profession` reads what people type: any case, accents or not, the
feminine and inclusive forms (« infirmière », « infirmier·ère », « infirmier(e) »), the usual abbreviations
(« IDE », « MK », « SF », « Dr »). :func:`suggest_profession` proposes the closest code for anything else.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from academy.i18n import STRINGS

PROFESSIONS: tuple[str, ...] = (
    "medecin", "interne", "etudiant_medecine", "infirmier", "etudiant_soins_infirmiers",
    "pharmacien", "etudiant_pharmacie", "sage_femme", "kinesitherapeute", "autre",
)

# Other names of each profession, written in the masculine: :func:`fold` turns feminine and inclusive forms
# into it. The codes and their French and English labels are known names too.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "medecin": ("dr", "docteur", "medecin generaliste", "generaliste", "mg", "medecin specialiste",
                "praticien hospitalier", "ph", "doctor", "md"),
    "interne": ("interne en medecine", "interne des hopitaux", "docteur junior"),
    "etudiant_medecine": ("etudiant medecine", "externe", "etudiant hospitalier"),
    "infirmier": ("ide", "idel", "infirmier diplome d etat", "iade", "ibode", "ipa", "infirmier anesthesiste",
                  "infirmier de bloc operatoire", "infirmier en pratique avancee", "registered nurse", "rn"),
    "etudiant_soins_infirmiers": ("esi", "etudiant infirmier", "etudiant en ifsi"),
    "pharmacien": ("pharmacien d officine", "pharmacien hospitalier", "docteur en pharmacie"),
    "etudiant_pharmacie": ("etudiant pharmacie",),
    "sage_femme": ("sf", "sage femme", "sages femmes", "maieuticien"),
    "kinesitherapeute": ("mk", "mkde", "kine", "kinesitherapeute", "masseur kinesitherapeute", "physiotherapeute",
                         "physio", "physical therapist"),
    "autre": ("other",),
}

# Inclusive endings (« ·e », « (e) », « ·ère », « .ne ») and feminine word endings, turned masculine.
_INCLUSIVE = re.compile(r"\s*[·•.(/]\s*(e|ne|ere|se|euse)\b\)?")
_FEMININE = ((re.compile(r"iere\b"), "ier"), (re.compile(r"ienne\b"), "ien"), (re.compile(r"ante\b"), "ant"),
             (re.compile(r"euse\b"), "eur"), (re.compile(r"ee\b"), "e"), (re.compile(r"\bsages\b"), "sage"))


def fold(text: str) -> str:
    """Lowercase, no accents, inclusive and feminine forms made masculine, punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe")
    plain = _INCLUSIVE.sub("", plain)
    for pattern, masculine in _FEMININE:
        plain = pattern.sub(masculine, plain)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def _known_names() -> dict[str, str]:
    """Every folded name of a profession → its code."""
    names: dict[str, str] = {}
    for code in PROFESSIONS:
        labels = STRINGS.get(f"profession.{code}", {}).values()
        for name in (code, *labels, *SYNONYMS.get(code, ())):
            names.setdefault(fold(name), code)
    return names


_NAMES = _known_names()


def match_profession(text: str) -> str | None:
    """The code of a known profession typed in any of its forms; None for blank or unknown text."""
    return _NAMES.get(fold(text)) if text.strip() else None


def suggest_profession(text: str) -> str | None:
    """The profession closest to an unknown text (a known name inside it, else the most similar), or None."""
    folded = fold(text)
    if not folded:
        return None
    words = f" {folded} "
    inside = [name for name in _NAMES if len(name) > 3 and f" {name} " in words]
    if inside:
        return _NAMES[max(inside, key=len)]
    close = difflib.get_close_matches(folded, list(_NAMES), n=1, cutoff=0.6)
    return _NAMES[close[0]] if close else None
