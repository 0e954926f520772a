"""The content problems' messages: a stable code per problem, its French and English templates in
`academy/locales/problems.toml` (key `problem.<code>`), filled with the problem's values.

`academy check` prints English unless `ACADEMY_LOCALE` says `fr`; the Studio shows the trainer's locale.
Quiz problems come from the `quiz` package (which knows nothing of academy) as a code and values; their code
here is `quiz.<code>`. docs/authoring.md lists every code ("Problem codes").
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping

from academy.i18n import LOCALES, STRINGS

PREFIX = "problem."
CLI_LOCALE_ENV = "ACADEMY_LOCALE"
CODES: frozenset[str] = frozenset(key[len(PREFIX):] for key in STRINGS if key.startswith(PREFIX))


def cli_locale() -> str:
    """The locale of the command line's messages: `ACADEMY_LOCALE` (`fr` or `en`), English by default."""
    locale = os.environ.get(CLI_LOCALE_ENV, "").strip().lower()[:2]
    return locale if locale in LOCALES else "en"


def placeholders(template: str) -> set[str]:
    """The names a template fills in (`{name}`)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _shown(value: object, locale: str) -> object:
    """A value as the locale writes it: thousands grouped (a narrow no-break space in French, a comma in
    English), a decimal comma in French."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f") if locale == "fr" else f"{value:,}"
    if isinstance(value, float):
        text = f"{value:g}"
        return text.replace(".", ",") if locale == "fr" else text
    return value


def render(code: str, values: Mapping[str, object], locale: str = "en") -> str:
    """The message of problem `code` in `locale`, its template filled with `values`."""
    entry = STRINGS[PREFIX + code]
    template = entry.get(locale) or entry["en"]
    return template.format(**{key: _shown(value, locale) for key, value in values.items()})
