"""The curriculum's glossary (`content/glossaire.md`) and the checks that keep lessons to its terms.

The format is documented in docs/authoring.md ("The glossary"). In short:

```markdown
# Glossaire

An optional introduction.

## dérive des données {#derive-des-donnees}

A definition in Markdown (one or more paragraphs).

- Synonymes à éviter : « glissement », « glissement des données »
- Modules : evaluer-ia-sante, aide-decision-clinique
- Source : Fiche de faits des auteurs, §4 (medRxiv, doi 10.1101/2023.03.26.23286718)
- Voir aussi : validation-externe
```

Each term is a level-2 heading with an id; the bullet list that ends the term holds its fields
(`Modules` required; `Synonymes à éviter`, `Source`, `Voir aussi` optional). Parsing never raises:
every error is a `Problem` (file, line, message), like the rest of `python -m academy check`.

Lessons are then checked against the glossary: a link `[FHIR](glossaire#fhir)` must name a term (an
error otherwise), and a listed synonym used instead of the chosen term is a warning (`severity="warning"`),
except inside parentheses, where it reads as a gloss: « dérive des données (*dataset shift*) ».
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown_it import MarkdownIt

from academy.content.markdown_blocks import Block, Problem, check_markdown, display_path, markdown_blocks

if TYPE_CHECKING:
    from academy.content.catalog import Module

__all__ = [
    "GLOSSARY_FILE",
    "Glossary",
    "Term",
    "check_module",
    "fold",
    "link_terms",
    "load_glossary",
    "parse_glossary",
    "sort_key",
]

GLOSSARY_FILE = "glossaire.md"
WARNING = "warning"

# The labels of a term's fields, folded (lowercase, no accents), singular and plural.
_FIELDS = {
    "synonymes a eviter": "synonyms",
    "synonyme a eviter": "synonyms",
    "modules": "modules",
    "module": "modules",
    "source": "source",
    "sources": "source",
    "voir aussi": "see_also",
}
_FIELD_NAMES = ("Synonymes à éviter", "Modules", "Source", "Voir aussi")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_HEADING = re.compile(r"^(?P<term>.*?)\s*\{#(?P<id>[^}\s]*)\}\s*$")
_FIELD = re.compile(r"^(?P<label>[^:]+?)\s*:\s*(?P<value>.*)$", re.DOTALL)
_QUOTED = re.compile(r"«\s*(.*?)\s*»")
_MD = MarkdownIt("commonmark").enable("table")

# Links to the glossary in lessons: [texte](glossaire#id).
_GLOSSARY_LINK = re.compile(r"\]\(\s*<?(?P<target>glossaire(?:\.md)?(?:#[^)\s>\"]*)?)>?(?:\s+\"[^\"]*\")?\s*\)")
_LINK_TARGET = re.compile(r"(\]\(\s*<?)glossaire#")
_TERM_LINK = re.compile(r"glossaire#(?P<id>.*)")


# --- folding and French order --------------------------------------------------------------------


def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)[:1] or ch
    folded = base.casefold()
    return folded if len(folded) == 1 else ch.lower()


# Latin letters with their accents and cases; other characters stay (one character per character).
_FOLD_TABLE = {code: _fold_char(chr(code)) for code in range(0x250)}
_VARIANTS: dict[str, str] = {}
for _code in range(0x250):
    _ch = chr(_code)
    if _ch.isalpha():
        _VARIANTS[_FOLD_TABLE[_code]] = _VARIANTS.get(_FOLD_TABLE[_code], "") + _ch


def fold(text: str) -> str:
    """Lowercase without accents, one character per character of `text` (« Éthique » → « ethique »)."""
    return text.translate(_FOLD_TABLE)


def sort_key(text: str) -> tuple[str, str, str]:
    """French dictionary order: accents, case, punctuation and a gloss in parentheses are ignored first
    (« é » sorts with « e », « IA (intelligence artificielle) » with « IA »), then break ties."""
    def words(value: str) -> str:
        return re.sub(r"[\W_]+", " ", fold(value).replace(".", "")).strip()  # « A.V.E.C. » files as « avec »

    return (words(re.sub(r"\([^)]*\)", " ", text)), words(text), text)


# --- the glossary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One entry: `term` as written in its heading, a Markdown `definition` and its fields."""

    id: str
    term: str
    definition: str
    line: int
    synonyms: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    source: str = ""
    see_also: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The term with a capital first letter, as a heading shows it (« dérive… » → « Dérive… »)."""
        return self.term[:1].upper() + self.term[1:]

    @cached_property
    def folded_text(self) -> str:
        """Term, synonyms and definition, folded: what the Glossaire page's filter searches."""
        return fold(" ".join((self.term, *self.synonyms, self.definition)))


_NO_TERM = Term("", "", "", 0)


@dataclass(frozen=True)
class Glossary:
    """The parsed glossary file: its introduction, valid terms (file order) and problems."""

    path: Path | None
    title: str = ""
    intro: str = ""
    terms: tuple[Term, ...] = ()
    problems: tuple[Problem, ...] = ()
    _by_id: dict[str, Term] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update((term.id, term) for term in self.terms)

    def term(self, term_id: str) -> Term | None:
        """The term with this id, or None."""
        return self._by_id.get(term_id)

    @cached_property
    def sorted_terms(self) -> tuple[Term, ...]:
        """The terms in French alphabetical order."""
        return tuple(sorted(self.terms, key=lambda term: sort_key(term.term)))

    def search(self, query: str) -> tuple[Term, ...]:
        """The terms (alphabetical) whose term, synonyms or definition hold every word of `query`,
        ignoring case and accents (« ethique » finds « éthique »)."""
        words = fold(query).split()
        return tuple(term for term in self.sorted_terms if all(word in term.folded_text for word in words))

    @cached_property
    def blocks(self) -> dict[str, tuple[Block, ...]]:
        """Each term's definition as renderable blocks (parsed once per glossary, i.e. per content version)."""
        base = self.path.parent if self.path is not None else Path(".")
        return {term.id: tuple(markdown_blocks(term.definition, base)) for term in self.terms}

    @cached_property
    def needles(self) -> tuple[tuple[str, Term], ...]:
        """Every synonym as `match_form` writes it, with its term, longest first."""
        found = [(match_form(synonym), term) for term in self.terms for synonym in term.synonyms]
        return tuple(sorted(found, key=lambda item: len(item[0]), reverse=True))


# Folding for matching: `fold`, plus every hyphen, space and line break as one space and ’ as '. One
# character per character, so that offsets in the folded text are offsets in the original.
_MATCH_TABLE = _FOLD_TABLE | {ord(ch): " " for ch in "-\u2010\u2011\u00a0\u202f\n\t"} | {ord("’"): "'"}
_SUFFIX = re.compile(r"(?:e?s|e|x)?(?![^\W_])")  # plural and feminine endings, then a word boundary


def match_form(text: str) -> str:
    """`text` as synonyms are matched: case, accents, hyphens and spaces ignored (« Pré-tri » → « pre tri »)."""
    return re.sub(r" +", " ", text.translate(_MATCH_TABLE)).strip()


def _find_synonyms(text: str, needles: tuple[tuple[str, Term], ...]) -> list[tuple[int, int, Term]]:
    """(start, end, term) of every synonym in `text`, as whole words, longest match first, no overlaps."""
    folded = text.translate(_MATCH_TABLE)
    hits: list[tuple[int, int, Term]] = []
    for needle, term in needles:
        index = folded.find(needle)
        while index != -1:
            before = folded[index - 1] if index else " "
            suffix = _SUFFIX.match(folded, index + len(needle))
            if suffix is not None and not (before.isalnum() or before == "_"):
                hits.append((index, suffix.end(), term))
            index = folded.find(needle, index + 1)
    hits.sort(key=lambda hit: (hit[0], -hit[1]))
    kept: list[tuple[int, int, Term]] = []
    for hit in hits:
        if not kept or hit[0] >= kept[-1][1]:
            kept.append(hit)
    return kept


def load_glossary(path: Path | str, known_modules: Collection[str] | None = None) -> Glossary:
    """Read and check the glossary file; a missing file is an empty glossary (no problem). Never raises."""
    path = Path(path)
    if not path.is_file():
        return Glossary(None)
    shown = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return Glossary(path, problems=(Problem(shown, 1, "glossary.unreadable", {"reason": exc.strerror}),))
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return Glossary(path, problems=(Problem(shown, line, "catalog.not_utf8"),))
    return parse_glossary(text, source=path, known_modules=known_modules)


def parse_glossary(
    text: str, *, source: Path | str = GLOSSARY_FILE, known_modules: Collection[str] | None = None
) -> Glossary:
    """Parse glossary Markdown. `known_modules`, when given, are the module ids `Modules` may name."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    path = Path(source)
    parser = _Parser(text, display_path(source), known_modules)
    parser.run()
    for problem in check_markdown(text, path.parent, source=source):  # raw HTML, images
        parser.problems.append(problem)
    problems = tuple(sorted(parser.problems, key=lambda problem: problem.line))
    return Glossary(path, parser.title, parser.intro, tuple(parser.terms), problems)


@dataclass
class _Entry:
    heading_line: int  # 0-based
    body_start: int  # 0-based, first line after the heading
    body_end: int = 0  # 0-based, excluded
    blocks: list[tuple[str, int, int]] = field(default_factory=list)  # (type, start, end), top level


class _Parser:
    def __init__(self, text: str, path: str, known_modules: Collection[str] | None) -> None:
        self.lines = text.split("\n")
        self.tokens = _MD.parse(text)
        self.path = path
        self.known_modules = known_modules
        self.problems: list[Problem] = []
        self.terms: list[Term] = []
        self.title = ""
        self.intro = ""
        self._field_line: dict[tuple[str, str], int] = {}  # (field, term id) -> 0-based line

    def error(self, line: int, code: str, **values: Any) -> None:
        """Problem `code` at 0-based `line`."""
        self.problems.append(Problem(self.path, line + 1, code, values))

    def error_guess(self, line: int, code: str, guess: list[str], **values: Any) -> None:
        """Problem `code`, or `code_guess` naming the likely intended value when there is one."""
        if guess:
            self.error(line, f"{code}_guess", guess=guess[0], **values)
        else:
            self.error(line, code, **values)

    def run(self) -> None:
        entries: list[tuple[_Entry, str]] = []
        intro_blocks: list[tuple[int, int]] = []
        current: _Entry | None = None
        tokens = self.tokens
        for i, token in enumerate(tokens):
            if token.level != 0 or token.nesting == -1 or token.map is None:
                continue
            start, end = token.map
            if token.type == "heading_open" and token.tag == "h2":
                if current is not None:
                    current.body_end = start
                current = _Entry(start, end)
                entries.append((current, tokens[i + 1].content))
            elif token.type == "heading_open" and token.tag == "h1" and current is None and not self.title:
                self.title = tokens[i + 1].content.strip()
            elif current is None:
                intro_blocks.append((start, end))
            else:
                current.blocks.append((token.type, start, end))
        if current is not None:
            current.body_end = len(self.lines)
        if intro_blocks:
            self.intro = self._source(intro_blocks[0][0], intro_blocks[-1][1])
        if not entries:
            self.error(0, "glossary.no_term")
            return
        seen_ids: dict[str, int] = {}
        seen_synonyms: dict[str, tuple[str, int]] = {}
        see_also_lines: list[tuple[Term, int]] = []
        for entry, heading in entries:
            term = self._term(entry, heading, seen_ids, seen_synonyms)
            if term is not None:
                self.terms.append(term)
                see_also_lines.append((term, self._field_line.get(("see_also", term.id), entry.heading_line)))
        self._check_names_and_links(seen_synonyms, see_also_lines)

    def _source(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start:end]).strip("\n").rstrip()

    def _term(
        self, entry: _Entry, heading: str, seen_ids: dict[str, int], seen_synonyms: dict[str, tuple[str, int]]
    ) -> Term | None:
        line = entry.heading_line
        match = _HEADING.match(heading.strip())
        if match is None:
            name = heading.strip()
            self.error(line, "glossary.term_without_id", name=name, slug=_slug(name))
            return None
        name, term_id = match.group("term").strip(), match.group("id")
        ok = True
        if not name:
            self.error(line, "glossary.term_without_name", id=term_id)
            ok = False
        if not _ID.fullmatch(term_id):
            self.error(line, "glossary.bad_term_id", id=term_id, slug=_slug(name or term_id))
            ok = False
        elif term_id in seen_ids:
            self.error(line, "glossary.duplicate_term_id", id=term_id, first=seen_ids[term_id] + 1)
            ok = False
        else:
            seen_ids[term_id] = line

        blocks = entry.blocks
        fields_block = blocks[-1] if blocks and blocks[-1][0] == "bullet_list_open" else None
        definition_end = fields_block[1] if fields_block else entry.body_end
        definition = self._source(entry.body_start, definition_end)
        if not definition:
            self.error(line, "glossary.no_definition", name=name)
            ok = False
        values = self._fields(fields_block, name) if fields_block else {}
        if "modules" not in values:
            self.error(line, "glossary.no_module", name=name)
            ok = False
        synonyms = self._synonym_list(values.get("synonyms"), name, term_id, seen_synonyms)
        modules = self._module_list(values.get("modules"))
        see_also = tuple(_split_list(values["see_also"][0])) if "see_also" in values else ()
        if "see_also" in values:
            self._field_line[("see_also", term_id)] = values["see_also"][1]
        if not ok or synonyms is None or modules is None:
            return None
        return Term(
            id=term_id,
            term=name,
            definition=definition,
            line=line + 1,
            synonyms=synonyms,
            modules=modules,
            source=values["source"][0] if "source" in values else "",
            see_also=see_also,
        )

    def _fields(self, block: tuple[str, int, int], name: str) -> dict[str, tuple[str, int]]:
        """The fields of the list that ends a term: {key: (value, 0-based line)}."""
        values: dict[str, tuple[str, int]] = {}
        for start, end in self._list_items(block):
            raw = " ".join(line.strip() for line in self.lines[start:end]).strip()
            raw = re.sub(r"^[-*+]\s*", "", raw)
            match = _FIELD.match(raw)
            label = fold(match.group("label")).strip() if match else ""
            key = _FIELDS.get(re.sub(r"\s+", " ", label))
            if match is None or key is None:
                guess = difflib.get_close_matches(label, list(_FIELDS), n=1) if label else []
                self.error_guess(start, "glossary.unknown_field", [f"{_label_of(g)} :" for g in guess],
                                 text=raw[:40], name=name,
                                 fields=", ".join(f"`{label} :`" for label in _FIELD_NAMES))
                continue
            value = match.group("value").strip()
            if key in values:
                self.error(start, "glossary.duplicate_field", name=name, field=_label_of(key),
                           first=values[key][1] + 1)
                continue
            if not value:
                self.error(start, "glossary.empty_field", name=name, field=_label_of(key))
                continue
            values[key] = (value, start)
        return values

    def _list_items(self, block: tuple[str, int, int]) -> list[tuple[int, int]]:
        _, start, end = block
        items = []
        for token in self.tokens:
            if token.type == "list_item_open" and token.level == 1 and token.map and start <= token.map[0] < end:
                items.append((token.map[0], token.map[1]))
        return items

    def _synonym_list(
        self, value: tuple[str, int] | None, name: str, term_id: str, seen: dict[str, tuple[str, int]]
    ) -> tuple[str, ...] | None:
        if value is None:
            return ()
        text, line = value
        synonyms = [s for s in _QUOTED.findall(text)]
        rest = _QUOTED.sub("", text).strip(" ,;\u00a0\u202f")
        if rest or not synonyms or any(not s for s in synonyms):
            self.error(line, "glossary.synonyms_unquoted", name=name)
            return None
        result: list[str] = []
        for synonym in synonyms:
            key = sort_key(synonym)[1]
            if key == sort_key(name)[1] or _find_synonyms(name, ((match_form(synonym), _NO_TERM),)):
                self.error(line, "glossary.synonym_is_term", synonym=synonym)
                return None
            if key in seen and seen[key][0] != term_id:
                self.error(line, "glossary.synonym_twice", synonym=synonym, other=seen[key][0],
                           first=seen[key][1] + 1)
                return None
            seen[key] = (term_id, line)
            result.append(synonym)
        return tuple(result)

    def _module_list(self, value: tuple[str, int] | None) -> tuple[str, ...] | None:
        if value is None:
            return ()
        text, line = value
        modules = _split_list(text)
        ok = True
        for module_id in modules:
            if self.known_modules is not None and module_id not in self.known_modules:
                guess = difflib.get_close_matches(module_id, sorted(self.known_modules), n=1)
                self.error_guess(line, "glossary.unknown_module", guess, id=module_id)
                ok = False
            elif not _ID.fullmatch(module_id):
                self.error(line, "glossary.bad_module_id", id=module_id)
                ok = False
        return tuple(modules) if ok else None

    def _check_names_and_links(
        self, synonyms: dict[str, tuple[str, int]], see_also_lines: list[tuple[Term, int]]
    ) -> None:
        names = {key: term for term in self.terms for key in sort_key(term.term)[:2]}
        for key, (term_id, line) in synonyms.items():
            other = names.get(key)
            if other is not None and other.id != term_id:
                self.error(line, "glossary.synonym_is_a_term", term=other.term, id=other.id)
        ids = [term.id for term in self.terms]
        for term, line in see_also_lines:
            for other in term.see_also:
                if other not in ids:
                    guess = difflib.get_close_matches(other, ids, n=1)
                    self.error_guess(line, "glossary.unknown_see_also", guess, term=term.term, id=other)
                elif other == term.id:
                    self.error(line, "glossary.see_also_itself", term=term.term)


def _split_list(text: str) -> list[str]:
    return [item.strip().strip("`").strip() for item in re.split(r"[,;]", text) if item.strip().strip("`").strip()]


def _label_of(key: str) -> str:
    canonical = _FIELDS.get(key, key)
    return {"synonyms": "Synonymes à éviter", "modules": "Modules", "source": "Source",
            "see_also": "Voir aussi"}[canonical]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "terme"


# --- lessons against the glossary -----------------------------------------------------------------

# module.md front matter keys that learners read (the others, such as `references`, are not checked).
_LEARNER_KEYS = ("title", "summary", "objectives", "competencies")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)[^`\n].*?\1")
_ATTRIBUTES = re.compile(r"\{[#.][^}\n]*\}")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


def check_module(module: Module, glossary: Glossary | None) -> tuple[list[Problem], list[Problem]]:
    """The glossary errors (links to unknown terms) and warnings (synonyms used) of a module's files.

    Checked: the learner-facing keys of module.md and its overview, every lesson, and quiz.md (except the
    accepted and known answers of QROC questions, which may list a synonym on purpose).
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    files: list[tuple[Path, str, set[int]]] = [(module.folder / "module.md", "module", set())]
    files += [(lesson.path, "lesson", set()) for lesson in module.lessons]
    if module.quiz is not None:
        answers = {
            option.line
            for question in module.quiz.questions
            if question.type == "qroc"
            for option in question.options
        }
        files.append((module.folder / "quiz.md", "quiz", answers))
    for path, kind, skipped_lines in files:
        try:
            text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        except (OSError, UnicodeDecodeError):
            continue  # reported by the catalog
        found_errors, found_warnings = check_text(text, path, glossary, kind=kind, skipped_lines=skipped_lines)
        errors += found_errors
        warnings += found_warnings
    return errors, warnings


def check_text(
    text: str,
    path: Path | str,
    glossary: Glossary | None,
    *,
    kind: str = "lesson",
    skipped_lines: Collection[int] = (),
) -> tuple[list[Problem], list[Problem]]:
    """Glossary links (errors) and synonyms (warnings) in one file's text.

    `kind` is `lesson`, `module` (only the learner-facing front matter keys are read) or `quiz` (its front
    matter is skipped); `skipped_lines` are 1-based lines not read for synonyms (QROC answers). Code, and
    for synonyms the text between parentheses (a gloss, a link target), are never read.
    """
    links = list(_GLOSSARY_LINK.finditer(text)) if "glossaire" in text else []
    hits = _find_synonyms(text, glossary.needles) if glossary is not None and glossary.needles else []
    if not links and not hits:
        return [], []
    shown = display_path(path)
    masks = _FileMasks(text, kind)
    errors: list[Problem] = []
    for match in links:
        line = masks.line_of(match.start())
        message = _link_problem(match.group("target"), glossary)
        if message is not None and not masks.hides(match.start(), line, glossed=False):
            errors.append(Problem(shown, line, *message))
    warnings: list[Problem] = []
    for start, end, term in hits:
        line = masks.line_of(start)
        if line in skipped_lines or masks.hides(start, line, glossed=True):
            continue
        found = text[start:end]
        warnings.append(Problem(shown, line, "glossary.prefer_term", {"found": found, "term": term.term}, WARNING))
    return errors, warnings


def _link_problem(target: str, glossary: Glossary | None) -> tuple[str, dict[str, Any]] | None:
    """Why a link to the glossary is wrong (a problem code and its values), or None."""
    match = _TERM_LINK.fullmatch(target)
    if match is None:
        return "glossary.bad_link", {"target": target, "file": GLOSSARY_FILE}
    term_id = match.group("id")
    if glossary is None or glossary.path is None:
        return "glossary.link_without_glossary", {"id": term_id, "file": GLOSSARY_FILE}
    if glossary.term(term_id) is None:
        guess = difflib.get_close_matches(term_id, [term.id for term in glossary.terms], n=1)
        if guess:
            return "glossary.unknown_link_guess", {"id": term_id, "file": GLOSSARY_FILE, "guess": guess[0]}
        return "glossary.unknown_link", {"id": term_id, "file": GLOSSARY_FILE}
    return None


class _FileMasks:
    """What the checks do not read in a file: front matter keys learners do not see, fenced code (whole
    lines), and within a line inline code, `{…}` attributes and, for synonyms, parentheses."""

    def __init__(self, text: str, kind: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.starts = [0]
        for line in self.lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.hidden_lines = _hidden_lines(self.lines, kind)

    def line_of(self, offset: int) -> int:
        """The 1-based line of `offset`."""
        return bisect.bisect_right(self.starts, offset)

    def hides(self, offset: int, line: int, *, glossed: bool) -> bool:
        if line - 1 in self.hidden_lines:
            return True
        text = self.lines[line - 1]
        column = offset - self.starts[line - 1]
        spans = [*(m.span() for m in _CODE_SPAN.finditer(text)), *(m.span() for m in _ATTRIBUTES.finditer(text))]
        if glossed:
            spans += _parentheses(text)
        return any(start <= column < end for start, end in spans)


def _hidden_lines(lines: list[str], kind: str) -> set[int]:
    """0-based lines never read: the front matter (but the learner-facing keys of lessons and module.md)
    and fenced code blocks."""
    hidden: set[int] = set()
    front_end = _front_matter_end(lines)
    if front_end:
        hidden |= {0, front_end}
        masked = kind == "quiz"
        for index in range(1, front_end):
            key = _TOP_KEY.match(lines[index])
            if kind == "module" and key is not None:
                masked = key.group(1) not in _LEARNER_KEYS
            if masked:
                hidden.add(index)
    fence: str | None = None
    for index in range(front_end + 1 if front_end else 0, len(lines)):
        match = _FENCE.match(lines[index])
        if fence is not None:
            hidden.add(index)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
        elif match:
            fence = match.group(1)
            hidden.add(index)
    return hidden


def _front_matter_end(lines: list[str]) -> int:
    """The 0-based index of the line closing the front matter, or 0 when there is none."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return index
    return 0


def _parentheses(line: str) -> list[tuple[int, int]]:
    """The (start, end) columns of the outermost balanced parentheses of a line."""
    spans: list[tuple[int, int]] = []
    depth, opened = 0, 0
    for index, ch in enumerate(line):
        if ch == "(":
            if depth == 0:
                opened = index
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((opened, index + 1))
    return spans


# --- rendering ------------------------------------------------------------------------------------


def link_terms(markdown: str, page: str) -> str:
    """`markdown` with its glossary links `(glossaire#id)` pointing at `page#id` (`page=""`: this page)."""
    if "glossaire#" not in markdown:
        return markdown
    return _LINK_TARGET.sub(lambda match: f"{match.group(1)}{page}#", markdown)
