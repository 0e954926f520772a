"""Search the curriculum: module titles, summaries, objectives and lesson text, ignoring case and accents.

An in-memory index built once per catalog (the catalog is re-read only when content changes, so the
index follows the content version). Matching is on word prefixes after folding case and accents
(« ethique » finds « éthique », « mammo » finds « mammographie »); every word of the query must appear
in the document. Results point at a module or one of its lessons, with an excerpt whose matches are
given as spans of the original text.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

from academy.content.catalog import Catalog, Module
from academy.content.markdown_blocks import Block

EXCERPT_CHARS = 220
MAX_QUERY_WORDS = 10
_WORD = re.compile(r"\w+")
_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|[*_`#>|]+|\{[^}]*\}")


def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)[:1] or ch
    folded = base.casefold()
    return folded if len(folded) == 1 else ch


# Latin letters with their accents and cases (enough for French and its neighbours); other characters stay.
_FOLD_TABLE = {code: _fold_char(chr(code)) for code in range(0x250)}


def fold(text: str) -> str:
    """Lowercase without accents, one character per character of ``text`` (so offsets match)."""
    return text.translate(_FOLD_TABLE)


def plain_text(markdown: str) -> str:
    """Markdown reduced to its readable words (links keep their text; images, markers and attributes go)."""
    return re.sub(r"\s+", " ", _MARKUP.sub(lambda m: m.group(1) or " ", markdown)).strip()


@dataclass(frozen=True)
class Document:
    """A searchable unit: a module's description, or one lesson."""

    module_id: str
    module_title: str
    lesson_id: str | None
    lesson_title: str | None
    text: str
    folded: str
    title_folded: str


@dataclass(frozen=True)
class Hit:
    """A search result: where it is, a score, an excerpt and the spans to highlight in it."""

    module_id: str
    module_title: str
    lesson_id: str | None
    lesson_title: str | None
    score: float
    excerpt: str
    spans: tuple[tuple[int, int], ...]


def _blocks_text(blocks: tuple[Block, ...]) -> str:
    parts: list[str] = []
    for block in blocks:
        if block.kind == "image":
            parts.append(block.alt)
        elif block.kind == "table":
            parts.extend(" ".join(row) for row in (block.header, *block.rows))
        else:
            parts.append(block.text)
    return plain_text(" ".join(parts))


def _documents(module: Module) -> list[Document]:
    about = plain_text(" ".join([module.summary, *module.objectives, *module.competencies,
                                 _blocks_text(module.overview)]))
    documents = [Document(module.id, module.title, None, None, about, fold(about), fold(module.title))]
    for lesson in module.lessons:
        text = _blocks_text(lesson.blocks)
        documents.append(Document(module.id, module.title, lesson.id, lesson.title, text, fold(text),
                                  fold(f"{module.title} {lesson.title}")))
    return documents


@dataclass(frozen=True)
class SearchIndex:
    """Every document of the valid modules of a catalog."""

    documents: tuple[Document, ...]


def build_index(catalog: Catalog) -> SearchIndex:
    """The index of ``catalog``'s valid modules."""
    return SearchIndex(tuple(doc for module in catalog.modules for doc in _documents(module)))


_lock = threading.Lock()
_cached: tuple[Catalog, SearchIndex] | None = None


def index_for(catalog: Catalog) -> SearchIndex:
    """The index of ``catalog``, built once per catalog object (i.e. per content version)."""
    global _cached
    with _lock:
        if _cached is None or _cached[0] is not catalog:
            _cached = (catalog, build_index(catalog))
        return _cached[1]


def query_words(query: str) -> list[str]:
    """The folded words of a query (at most ``MAX_QUERY_WORDS``)."""
    return _WORD.findall(fold(query))[:MAX_QUERY_WORDS]


def search(index: SearchIndex, query: str, *, limit: int = 20) -> list[Hit]:
    """Documents containing every word of ``query`` as a word prefix, best first."""
    words = query_words(query)
    if not words:
        return []
    patterns = [re.compile(rf"(?<!\w){re.escape(word)}") for word in words]
    hits: list[Hit] = []
    for doc in index.documents:
        in_title = [bool(p.search(doc.title_folded)) for p in patterns]
        spans = [(m.start(), m.end()) for p in patterns for m in p.finditer(doc.folded)]
        found = {i for i, p in enumerate(patterns) if in_title[i] or p.search(doc.folded)}
        if len(found) < len(patterns):
            continue
        score = 5.0 * sum(in_title) + len(spans) / (1 + len(doc.folded) / 2000)
        excerpt, shifted = _excerpt(doc.text, sorted(spans))
        hits.append(Hit(doc.module_id, doc.module_title, doc.lesson_id, doc.lesson_title, score, excerpt, shifted))
    hits.sort(key=lambda hit: (-hit.score, hit.module_id, hit.lesson_id or ""))
    return hits[:limit]


def _excerpt(text: str, spans: list[tuple[int, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """About ``EXCERPT_CHARS`` of ``text`` around the first match, with the matches inside it."""
    if not spans:
        cut = text[:EXCERPT_CHARS]
        return (cut + ("…" if len(text) > EXCERPT_CHARS else "")), ()
    start = max(0, spans[0][0] - EXCERPT_CHARS // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + EXCERPT_CHARS)
    prefix = "…" if start else ""
    body = text[start:end] + ("…" if end < len(text) else "")
    inside = tuple((a - start + len(prefix), b - start + len(prefix)) for a, b in spans if a >= start and b <= end)
    return prefix + body, inside
