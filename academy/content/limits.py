"""How big and how deep module content may be, and the linter messages of these limits and of image checks.

Learners' browsers draw lesson Markdown with a recursive renderer, and the app parses every file of the
curriculum: content past these limits is refused by the linter (`academy check`, Studio save and upload)
so that it never reaches a learner. The numbers are named here once; docs/authoring.md ("Limits") lists
them and a test keeps the two equal.

Every message is one template with named values (`MESSAGES[code]`), ready for a FR/EN catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_NESTING_DEPTH = 10  # quotes (`>`) and lists inside each other
MAX_BLOCK_CHARS = 20_000  # characters of one paragraph, heading or code block
MAX_TABLE_ROWS = 200  # body rows of one table
MAX_TABLE_COLUMNS = 20
MAX_FILE_BYTES = 1_000_000  # any file of a module (Markdown or image); also the Studio editor's limit
MAX_MODULE_BYTES = 5_000_000  # all the files of a module folder together
MAX_LESSONS = 30  # lesson files in a module
MAX_QUESTIONS = 200  # questions in a quiz.md
MAX_IMAGE_PIXELS = 12_000_000  # width × height of a raster image (decompression bombs)

MESSAGES: dict[str, str] = {
    "nesting_too_deep": (
        "quotes (`>`) and lists are nested more than {limit} levels deep here: flatten them "
        "(at most {limit} levels of `>` and lists inside each other)"
    ),
    "block_too_long": (
        "this paragraph or code block holds {size:,} characters; at most {limit:,} are allowed: "
        "split it into shorter paragraphs"
    ),
    "table_too_many_rows": "this table has {rows:,} rows; at most {limit} are allowed: split it into several tables",
    "table_too_many_columns": (
        "this table has {columns:,} columns; at most {limit} are allowed: split it into several tables"
    ),
    "file_too_large": (
        "the file holds {size:,} bytes; a file of a module may hold at most {limit:,} bytes: split a long "
        "text into several lessons, export an image smaller"
    ),
    "module_too_large": (
        "the files of this module add up to {size:,} bytes; a module may hold at most {limit:,} bytes: "
        "export the images smaller or split the module"
    ),
    "too_many_lessons": (
        "the module has {count} lessons; at most {limit} are allowed, so this one and the lessons after it "
        "are not read: split the module into several modules"
    ),
    "too_many_questions": (
        "the quiz has {count:,} questions; at most {limit} are allowed: remove questions or split the module"
    ),
    "image_too_large": (
        "image '{src}' holds {size:,} bytes; an image may hold at most {limit:,} bytes: export it smaller"
    ),
    "image_not_image": (
        "image '{src}' is not a {expected} image (its content is not an image file): export it again as {expected}"
    ),
    "image_wrong_format": (
        "image '{src}' holds {found} data, not {expected}: rename it with the extension of its format or "
        "export it as {expected}"
    ),
    "image_damaged": "image '{src}' is damaged or truncated ({reason}): export it again",
    "image_too_many_pixels": (
        "image '{src}' is {width:,} × {height:,} pixels; at most {limit:,} pixels are allowed: export it smaller"
    ),
    "svg_not_utf8": "image '{src}' is not UTF-8 text: save the SVG with the UTF-8 encoding",
    "svg_not_xml": "image '{src}' is not well-formed XML ({reason}): export the SVG again",
    "svg_dtd": (
        "image '{src}' declares a DTD or entities (`<!DOCTYPE`, `<!ENTITY`): remove them, an SVG needs neither"
    ),
    "svg_not_svg": "image '{src}' is XML but not SVG (its root element is `{tag}`): export it as SVG",
    "svg_script": "image '{src}' contains a `<script>` element: remove it, images may not run code",
    "svg_event_handler": (
        "image '{src}' has an event handler attribute `{name}`: remove it, images may not run code"
    ),
    "svg_foreign_object": (
        "image '{src}' contains a `<foreignObject>` element: remove it, only SVG drawing is allowed"
    ),
    "svg_external_reference": (
        "image '{src}' refers to `{target}` outside the image: only references inside it (`#id`) are "
        "allowed; embed what it points to or remove it"
    ),
}


@dataclass(frozen=True)
class Issue:
    """A content problem found by a limit or an image check: its message code and values."""

    code: str
    values: Mapping[str, object] = field(default_factory=dict)

    def message(self, **more: object) -> str:
        """The message, its template filled with the issue's values and `more` (e.g. the image's src)."""
        return message(self.code, **self.values, **more)


def message(code: str, **values: object) -> str:
    """The message of `code` with its named values filled in."""
    return MESSAGES[code].format(**values)
