"""Interface strings in French (default) and English, looked up by key.

Strings live in `academy/locales/*.toml`, one file per feature, each key a table `{ fr = "…", en = "…" }`;
a key defined in two files is an error at import. The curriculum itself stays in French: this module
only translates the platform's own interface.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"
LOCALE_DIR = Path(__file__).with_name("locales")


def load_strings(folder: Path = LOCALE_DIR) -> dict[str, dict[str, str]]:
    """Every key of every `*.toml` file in `folder`; ValueError on a duplicate key or a missing French text."""
    strings: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.toml")):
        for key, entry in tomllib.loads(path.read_text(encoding="utf-8")).items():
            if key in strings:
                raise ValueError(f"{path.name}: interface string {key!r} is defined twice")
            if not isinstance(entry, dict) or not isinstance(entry.get(DEFAULT_LOCALE), str):
                raise ValueError(f"{path.name}: {key!r} needs at least a French text (fr = \"…\")")
            strings[key] = entry
    return strings


STRINGS: dict[str, dict[str, str]] = load_strings()


def t(key: str, locale: str = DEFAULT_LOCALE, **values: object) -> str:
    """The interface string `key` in `locale` (French when missing), formatted with `values`."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    text = entry.get(locale) or entry[DEFAULT_LOCALE]
    return text.format(**values) if values else text


# Number and date formats of charts (Vega-Lite `config.locale`: d3-format and d3-time-format locales), so that
# axes and tooltips read « 0,05 » and « 3 déc. » in French.
VEGA_LOCALES: dict[str, dict[str, dict[str, object]]] = {
    "fr": {
        "number": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0€"],
                   "percent": "\u202f%"},
        "time": {
            "dateTime": "%A %e %B %Y à %X", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["AM", "PM"],
            "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
            "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
            "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                       "octobre", "novembre", "décembre"],
            "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                            "nov.", "déc."],
        },
    },
    "en": {
        "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""], "percent": "%"},
        "time": {
            "dateTime": "%x, %X %p", "date": "%-m/%-d/%Y", "time": "%-I:%M:%S %p", "periods": ["AM", "PM"],
            "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
            "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
            "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                       "October", "November", "December"],
            "shortMonths": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        },
    },
}


def vega_locale(locale: str) -> dict[str, dict[str, object]]:
    """The Vega-Lite `config.locale` of an interface locale (French when unknown)."""
    return VEGA_LOCALES.get(locale, VEGA_LOCALES[DEFAULT_LOCALE])
