"""Lesson Markdown split into the blocks that pages render, and the content checks that go with it.

Pages render a lesson as a sequence of blocks: runs of ordinary Markdown (kept as their source text),
GitHub-style callouts (`> [!NOTE]` …), images (a paragraph that is just an image), tables and interactive
figures (a fenced block ```figure KIND holding YAML parameters, see `academy.content.figures`). Images
are files inside the module folder with alt text; raw HTML is never rendered, so it is reported.

The Markdown is parsed with markdown-it-py (CommonMark + tables). HTML recognition is switched on in the
parser only so that raw HTML can be found and reported: it is never rendered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from academy.content import limits, messages
from academy.content.figures import Figure, is_figure_info, parse_figure
from academy.content.images import read_image
from academy.i18n import t

CALLOUT_KINDS = ("note", "tip", "important", "warning", "caution")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")


def _inline_where_needed(state: StateCore) -> None:
    """Core rule replacing markdown-it's `inline`: only texts that may hold an image, a link or HTML (the
    only inline tokens used here) are parsed into inline tokens, which halves the parsing time."""
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            if "[" in token.content or "<" in token.content:
                state.md.inline.parse(token.content, state.md, state.env, token.children)


# markdown-it stops nesting at maxNesting token levels (a list level is two: list and item): high enough
# to see one level past the limit, and it bounds the parser's recursion on hostile input.
_MD = MarkdownIt("commonmark", {"html": True, "maxNesting": 2 * limits.MAX_NESTING_DEPTH + 4}).enable("table")
_MD.core.ruler.at("inline", _inline_where_needed)
# Every link and image target becomes a token, so that `javascript:`, `data:`… targets are reported rather
# than silently left as text by markdown-it (the pages render the Markdown source, never these tokens).
_MD.validateLink = lambda url: True
_LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_ALERT = re.compile(r"\[!([A-Za-z]+)\](.*)")
_QUOTE_MARKER = re.compile(r"^ {0,3}> ?")
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")
_CONTAINER_OPEN = frozenset({"blockquote_open", "bullet_list_open", "ordered_list_open"})
_CONTAINER_CLOSE = frozenset({"blockquote_close", "bullet_list_close", "ordered_list_close"})
_TEXT_BLOCKS = frozenset({"inline", "fence", "code_block", "html_block"})

Message = tuple[str, dict[str, Any]]  # a problem's code and values, before it has a file and a line


@dataclass(frozen=True)
class Problem:
    """A content problem: where it is (file, 1-based line), its message code and the values its message names.

    `severity` is `error` (the module is invalid; `academy check` exits 1) or `warning` (reported, printed
    as `file:line: warning: message`, but the module stays valid). `code` must be one of `messages.CODES`
    (`academy/locales/problems.toml`); `str(problem)` is the English line `academy check` prints by default.
    """

    path: str
    line: int
    code: str
    values: Mapping[str, Any] = field(default_factory=dict)
    severity: str = "error"

    def __post_init__(self) -> None:
        if self.code not in messages.CODES:
            raise ValueError(f"unknown problem code {self.code!r}: add it to academy/locales/problems.toml")

    def text(self, locale: str = "en") -> str:
        """The message alone, in `locale`."""
        return messages.render(self.code, self.values, locale)

    @property
    def message(self) -> str:
        """The message in English."""
        return self.text("en")

    def render(self, locale: str = "en") -> str:
        """`file:line: message` (`file:line: warning: message` for a warning) in `locale`."""
        if self.severity == "warning":
            return f"{self.path}:{self.line}: {t('content.warning', locale)} {self.text(locale)}"
        return f"{self.path}:{self.line}: {self.text(locale)}"

    def __str__(self) -> str:
        return self.render("en")

    def __hash__(self) -> int:
        return hash((self.path, self.line, self.code, tuple(sorted(self.values.items())), self.severity))


@dataclass(frozen=True)
class Block:
    """One renderable piece of a lesson.

    - `markdown`: `text` is a run of ordinary Markdown source.
    - `callout`: `callout` is one of CALLOUT_KINDS, `text` the callout body (Markdown, no `>` markers).
    - `image`: `src` is the absolute path of the image file, `alt` its alt text, `text` its caption
      (the Markdown image title, often empty).
    - `table`: `header` and `rows` hold the cells as inline Markdown; `text` is the table's source.
    - `figure`: `figure` is the validated interactive figure; `text` is the block's source.
    """

    kind: str
    text: str = ""
    callout: str = ""
    src: Path | None = None
    alt: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    figure: Figure | None = None


def display_path(path: Path | str) -> str:
    """`path` relative to the current working directory when it is inside it, else as given."""
    try:
        return str(Path(path).absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def markdown_blocks(text: str, base_dir: Path) -> list[Block]:
    """The blocks of `text` (images resolved against `base_dir`), without the problems."""
    return parse_markdown(text, base_dir)[0]


def parse_markdown(
    text: str, base_dir: Path, *, source: Path | str = "<markdown>", first_line: int = 1
) -> tuple[list[Block], list[Problem]]:
    """Split lesson Markdown into blocks and check it.

    `base_dir` is the module folder: images must be files inside it. `source` names the file in
    problems, and `first_line` is the file line of the first line of `text` (after a front matter).
    Problems: missing, misplaced or invalid images (`academy.content.images`), images without alt text,
    images that would not be displayed (not alone in their paragraph), unknown or empty callouts, raw HTML,
    invalid figures (unknown kind, bad YAML, unknown, missing or out-of-range parameters, each at its line),
    figures that would not be displayed (inside a list or callout), and content past the limits of
    `academy.content.limits` (nesting depth, paragraph length, table size): such a text has no blocks.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    tokens = _MD.parse(text)
    lines = [line + "\n" for line in text.split("\n")]  # as markdown-it counts lines (not splitlines)
    checker = _Checker(base_dir, display_path(source), first_line)
    standalone = _standalone_images(tokens)
    checker.check_tokens(tokens, figures=standalone)
    if checker.over_limits:  # never drawn: browsers hang or crash on such Markdown (the Studio shows why)
        return [], sorted(checker.problems, key=lambda problem: problem.line)

    specials: list[tuple[int, int, Block]] = []  # (first line, end line, block), 0-based, end excluded
    i = 0
    while i < len(tokens):
        token = tokens[i]
        close = _closing_index(tokens, i)
        if token.level == 0 and token.map is not None:
            start, end = token.map
            block: Block | None = None
            if token.type == "table_open":
                block = _table_block(tokens[i : close + 1], "".join(lines[start:end]))
            elif token.type == "blockquote_open":
                block = _callout_block(tokens[i : close + 1], lines[start:end], checker)
            elif token.type == "paragraph_open":
                block = _image_block(tokens[i + 1], checker)
            elif token.type == "fence" and is_figure_info(token.info):
                block = _figure_block(token, "".join(lines[start:end]), checker)
            if block is not None:
                specials.append((start, end, block))
        i = close + 1

    blocks: list[Block] = []
    previous_end = 0
    for start, end, block in specials:
        _append_markdown(blocks, lines[previous_end:start])
        blocks.append(block)
        previous_end = end
    _append_markdown(blocks, lines[previous_end:])
    return blocks, sorted(checker.problems, key=lambda problem: problem.line)


def check_markdown(
    text: str, base_dir: Path, *, source: Path | str = "<markdown>", first_line: int = 1
) -> list[Problem]:
    """Check images, links, raw HTML and the limits anywhere in `text` (used for quiz files, whose images may
    sit in stems, options and explanations); interactive figures are reported, as they belong in lessons."""
    checker = _Checker(base_dir, display_path(source), first_line)
    checker.check_tokens(_MD.parse(text.replace("\r\n", "\n").replace("\r", "\n")), figures=None)
    return checker.problems


class _Checker:
    """Collects the problems of one Markdown text and remembers the resolved images."""

    def __init__(self, base_dir: Path, path: str, first_line: int) -> None:
        self.base_dir = base_dir
        self.path = path
        self.first_line = first_line
        self.problems: list[Problem] = []
        self.images: dict[int, Path] = {}  # id(image token) -> resolved file, for valid paths only
        self.over_limits = False  # a limit of academy.content.limits was passed

    def add_limit(self, line: int, code: str, **values: object) -> None:
        """Record a problem of passing a limit at `line` (0-based line of the text)."""
        self.add(line, f"limit.{code}", **values)
        self.over_limits = True

    def add(self, line: int, code: str, **values: Any) -> None:
        """Record problem `code` at `line` (0-based line of the text)."""
        self.problems.append(Problem(self.path, self.first_line + line, code, values))

    def add_message(self, line: int, message: Message) -> None:
        """Record a problem given as its (code, values) at `line` (0-based line of the text)."""
        self.add(line, message[0], **message[1])

    def check_tokens(self, tokens: list[Token], figures: set[int] | None) -> None:
        """Check every image and raw HTML. `figures` holds the ids of images alone in a top-level
        paragraph; when given, any other image is reported as not displayed."""
        line = 0
        depth = 0  # quotes and lists around the current token
        too_deep = False  # reported once per outermost container
        for index, token in enumerate(tokens):
            if token.map is not None:
                line = token.map[0]
            if token.type in _CONTAINER_OPEN:
                depth += 1
                if depth > limits.MAX_NESTING_DEPTH and not too_deep:
                    self.add_limit(line, "nesting_too_deep", limit=limits.MAX_NESTING_DEPTH)
                    too_deep = True
            elif token.type in _CONTAINER_CLOSE:
                depth -= 1
                too_deep = too_deep and depth > 0
            elif token.type == "table_open":
                self._check_table(tokens, index, line)
            if token.type in _TEXT_BLOCKS and len(token.content) > limits.MAX_BLOCK_CHARS:
                self.add_limit(line, "block_too_long", size=len(token.content), limit=limits.MAX_BLOCK_CHARS)
            if token.type == "html_block":
                self.add_message(line, _html_message(token.content))
            elif token.type == "fence" and is_figure_info(token.info):
                if figures is None:
                    self.add(line, "markdown.figure_outside_lesson")
                elif token.level > 0:
                    self.add(line, "markdown.figure_not_top_level")
            elif token.type == "inline":
                self._check_inline(token.children or [], line, figures)

    def _check_table(self, tokens: list[Token], start: int, line: int) -> None:
        """Report a table (opened at `tokens[start]`) with more rows or columns than allowed."""
        rows = columns = 0
        for token in tokens[start + 1 : _closing_index(tokens, start)]:
            if token.type == "tr_open":
                rows += 1
            elif token.type == "th_open":
                columns += 1
        if rows - 1 > limits.MAX_TABLE_ROWS:  # the first row is the header
            self.add_limit(line, "table_too_many_rows", rows=rows - 1, limit=limits.MAX_TABLE_ROWS)
        if columns > limits.MAX_TABLE_COLUMNS:
            self.add_limit(line, "table_too_many_columns", columns=columns, limit=limits.MAX_TABLE_COLUMNS)

    def _check_inline(self, children: list[Token], line: int, figures: set[int] | None) -> None:
        for child in children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "html_inline" and not child.content.startswith("</"):
                self.add_message(line, _html_message(child.content))  # a closing tag repeats its opening one
            elif child.type == "image":
                self._check_image(child, line, figures)
            elif child.type == "link_open":
                self._check_link(str(child.attrs.get("href", "")), line)

    def _check_link(self, href: str, line: int) -> None:
        # Browsers ignore blanks and control characters in a scheme ("java\tscript:"): so does this check.
        scheme = _SCHEME.match("".join(ch for ch in unquote(href) if ch.isprintable() and not ch.isspace()).lower())
        if scheme is not None and scheme.group(1) not in _LINK_SCHEMES:
            shown = href if len(href) <= 40 else href[:37] + "..."
            self.add(line, "markdown.link_refused", href=shown)

    def _check_image(self, token: Token, line: int, figures: set[int] | None) -> None:
        src = str(token.attrs.get("src", ""))
        resolved, error = resolve_image(src, self.base_dir)
        if error is not None:
            self.add_message(line, error)
            return
        assert resolved is not None
        self.images[id(token)] = resolved  # drawn as a placeholder when its content is refused below
        _, issue = read_image(resolved)
        if issue is not None:
            self.add(line, f"image.{issue.code.removeprefix('image_')}", src=src, **issue.values)
        if not _plain_text(token.children or []).strip():
            self.add(line, "markdown.image_no_alt", src=src)
        if figures is not None and id(token) not in figures:
            self.add(line, "markdown.image_not_alone", src=src)


def resolve_image(src: str, base_dir: Path) -> tuple[Path | None, Message | None]:
    """The absolute path of image `src` (as written in Markdown) inside `base_dir`, or the problem's code and
    values."""
    if not src.strip():
        return None, ("markdown.image_no_path", {})
    if _URL.match(src):
        return None, ("markdown.image_url", {"src": src})
    relative = unquote(src)
    if relative.startswith(("/", "\\")) or Path(relative).is_absolute():
        return None, ("markdown.image_absolute", {"src": src})
    folder = base_dir.resolve()
    resolved = (folder / relative).resolve()
    if not resolved.is_relative_to(folder):
        return None, ("markdown.image_outside", {"src": src})
    if not resolved.is_file():
        return None, ("markdown.image_not_found", {"src": src})
    if resolved.suffix.lower() not in IMAGE_SUFFIXES:
        return None, ("markdown.image_unsupported", {"src": src})
    return resolved, None


def _html_message(html: str) -> Message:
    snippet = html.strip().split("\n", 1)[0].strip()
    if len(snippet) > 40:
        snippet = snippet[:37] + "..."
    if snippet.startswith("<!--"):
        return "markdown.html_comment", {"snippet": snippet}
    return "markdown.raw_html", {"snippet": snippet}


def _closing_index(tokens: list[Token], index: int) -> int:
    """Index of the token closing `tokens[index]` (itself when it opens nothing)."""
    token = tokens[index]
    if token.nesting != 1:
        return index
    for j in range(index + 1, len(tokens)):
        if tokens[j].level == token.level and tokens[j].nesting == -1:
            return j
    return len(tokens) - 1


def _standalone_images(tokens: list[Token]) -> set[int]:
    """Ids of the image tokens that are alone in a top-level paragraph."""
    found: set[int] = set()
    for i, token in enumerate(tokens[:-1]):
        if token.type == "paragraph_open" and token.level == 0:
            image = _only_image(tokens[i + 1])
            if image is not None:
                found.add(id(image))
    return found


def _only_image(inline: Token) -> Token | None:
    """The image token when `inline` holds an image and nothing else but spaces."""
    meaningful = [
        child
        for child in inline.children or []
        if child.type != "softbreak" and not (child.type == "text" and not child.content.strip())
    ]
    if len(meaningful) == 1 and meaningful[0].type == "image":
        return meaningful[0]
    return None


def _image_block(inline: Token, checker: _Checker) -> Block | None:
    image = _only_image(inline)
    if image is None or id(image) not in checker.images:
        return None
    return Block(
        kind="image",
        text=str(image.attrs.get("title") or ""),
        src=checker.images[id(image)],
        alt=_plain_text(image.children or []).strip(),
    )


def _figure_block(token: Token, source: str, checker: _Checker) -> Block:
    """The figure of a ```figure block; an invalid one stays a code block (its problems are reported)."""
    line = token.map[0] if token.map else 0
    figure, problems = parse_figure(token.info, token.content, line=checker.first_line + line)
    for offset, message in problems:
        checker.add_message(line + offset, message)
    if figure is None:
        return Block(kind="markdown", text=source.rstrip("\n"))
    return Block(kind="figure", text=source.rstrip("\n"), figure=figure)


def _table_block(tokens: list[Token], source: str) -> Block:
    header: list[str] = []
    rows: list[list[str]] = []
    in_head = False
    for token in tokens:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open" and not in_head:
            rows.append([])
        elif token.type == "inline":
            (header if in_head else rows[-1]).append(token.content.strip())
    return Block(
        kind="table",
        text=source.strip("\n"),
        header=tuple(header),
        rows=tuple(tuple(row) for row in rows),
    )


def _callout_block(tokens: list[Token], source_lines: list[str], checker: _Checker) -> Block | None:
    """A callout when the blockquote starts with `[!KIND]`; None for an ordinary blockquote."""
    if len(tokens) < 3 or tokens[1].type != "paragraph_open" or tokens[2].type != "inline":
        return None
    match = _ALERT.match(tokens[2].content.split("\n", 1)[0].strip())
    if match is None:
        return None
    line = tokens[0].map[0] if tokens[0].map else 0
    kind = match.group(1).lower()
    if kind not in CALLOUT_KINDS:
        allowed = ", ".join(f"[!{name.upper()}]" for name in CALLOUT_KINDS)
        checker.add(line, "markdown.unknown_callout", kind=match.group(1), allowed=allowed)
        return None
    stripped = [_QUOTE_MARKER.sub("", source_line, count=1) for source_line in source_lines]
    first = _ALERT.match(stripped[0].strip()) if stripped else None
    rest = first.group(2).strip() if first is not None else ""
    body = _trim_blank_lines(([rest + "\n"] if rest else []) + stripped[1:])
    if not body:
        checker.add(line, "markdown.empty_callout", kind=match.group(1))
    return Block(kind="callout", text=body, callout=kind)


def _append_markdown(blocks: list[Block], source_lines: list[str]) -> None:
    text = _trim_blank_lines(source_lines)
    if text:
        blocks.append(Block(kind="markdown", text=text))


def _trim_blank_lines(source_lines: list[str]) -> str:
    """The lines joined, without leading and trailing blank lines or trailing whitespace."""
    start, end = 0, len(source_lines)
    while start < end and not source_lines[start].strip():
        start += 1
    while end > start and not source_lines[end - 1].strip():
        end -= 1
    return "".join(source_lines[start:end]).rstrip()


def _plain_text(children: list[Token]) -> str:
    """The text of inline tokens, without Markdown markup (used for alt text)."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.children:
            parts.append(_plain_text(child.children))
    return "".join(parts)
