"""How big and how deep module content may be, and the linter messages of these limits and of image checks.

Learners' browsers draw lesson Markdown with a recursive renderer, and the app parses every file of the
curriculum: content past these limits is refused by the linter (`academy check`, Studio save and upload)
so that it never reaches a learner. The numbers are named here once; docs/authoring.md ("Limits") lists
them and a test keeps the two equal.

Their messages are problem codes (`limit.<code>`, `image.<code>` for an image's issue) with French and English
templates in `academy/locales/problems.toml`.
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


@dataclass(frozen=True)
class Issue:
    """A content problem found by a limit or an image check: its message code and values."""

    code: str
    values: Mapping[str, object] = field(default_factory=dict)
