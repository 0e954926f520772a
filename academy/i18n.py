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
