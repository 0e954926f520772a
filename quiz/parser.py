"""The Markdown quiz parser: `parse(text, source=)` and `load(path)`; the format is docs/quiz-format.md.

A careful line-based parser (a subset of CommonMark block structure: ATX headings, fenced code, lists,
blockquotes, lazy continuation lines) rather than a full Markdown AST, so that every problem gets the
exact line of the heading or option at fault. Every problem in a file is collected and raised at once in
one `QuizFormatError`; no other exception escapes `parse`, whatever the text.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field, fields
from typing import Any

import yaml

from quiz.grading import MAX_QROC_WORDS, compile_answer_regex, is_regex_answer, normalize_text, parse_number
from quiz.model import (
    GRADING_POLICIES,
    PANEL_SOURCES,
    QUESTION_TYPES,
    REVIEW_ITEMS,
    Case,
    Option,
    Question,
    Quiz,
    QuizSettings,
)

MAX_YAML_DEPTH = 20
TCS_VALUES: tuple[int, ...] = (-2, -1, 0, 1, 2)
TASK_TYPES = ("qru", "qrm", "qroc", "numerique", "zone")
ZONE_SHAPES = {"rect": "rect", "rectangle": "rect", "circle": "circle", "cercle": "circle", "poly": "poly",
               "polygon": "poly", "polygone": "poly"}
ZONE_SYNTAX = "`rect X1,Y1 X2,Y2`, `circle X,Y R` or `poly X1,Y1 X2,Y2 X3,Y3 …` (image pixels)"

_ID_RE = re.compile(r"[A-Za-z0-9_-]+")
_HEADING_RE = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*))?")
_ITEM_RE = re.compile(r"( {0,3})([-*+]|[0-9]{1,9}[.)])(?:[ \t]+(.*))?")
_TASK_RE = re.compile(r"\[([ xX])\](?:[ \t]+(.*))?")
_QUOTE_RE = re.compile(r" {0,3}>")
_QUOTE_MARKER_RE = re.compile(r" {0,3}> ?")
_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_YAML_KEY_RE = re.compile(r"""\s*["']?([^"':#\s][^"':]*?)["']?\s*:""")
_INT_RE = re.compile(r"[0-9]{1,9}")
_COORD = r"[+-]?[0-9]{1,6}(?:\.[0-9]{1,3})?"
_POINT_RE = re.compile(rf"({_COORD}),({_COORD})")
_RADIUS_RE = re.compile(_COORD)
_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_TCS_ITEM_RE = re.compile(r"([+\-\u2212]?[0-9]{1,9})(?:[ \t]+(.*))?", re.S)
_ATTR_TOKEN_RE = re.compile(
    r"""\#(?P<id>[^\s{}]*)
      | \.(?P<cls>[^\s{}=]+)
      | (?P<key>[A-Za-z_][\w-]*)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<val>[^\s"']*))""",
    re.X,
)

_OPTION_ATTRIBUTES = {
    "qrm": "`{.indispensable}` (a correct option) or `{.inacceptable}` (a wrong one)",
    "numerique": "`{tolerance=0.5}`",
    "tcs": "`{panel=3}`",
}
_SETTING_KEYS = tuple(setting.name for setting in fields(QuizSettings))
_TYPE_LIST = ", ".join(f".{t}" for t in QUESTION_TYPES)


@dataclass(frozen=True)
class Issue:
    """One problem in a quiz file: 1-based `line`, a `message` that says how to fix it, the `source`."""

    line: int
    message: str
    source: str = ""

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


class QuizFormatError(ValueError):
    """A quiz file that does not follow the format; `errors` lists every problem, sorted by line."""

    def __init__(self, errors: list[Issue]) -> None:
        self.errors: list[Issue] = sorted(errors, key=lambda issue: issue.line)
        super().__init__("\n".join(str(issue) for issue in self.errors))


def parse(text: str, source: str = "quiz.md") -> Quiz:
    """Parse a quiz from its Markdown text (bytes are decoded as UTF-8); raise QuizFormatError listing
    every problem. `source` names the file in messages and becomes `Quiz.source`.
    """
    if isinstance(text, (bytes, bytearray)):
        text = _decode(bytes(text), source)
    if not isinstance(text, str):
        raise TypeError(f"parse() expects the quiz text as str, not {type(text).__name__}")
    file_hash = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return _Parser(text, source).run(file_hash)


def load(path: str | os.PathLike[str]) -> Quiz:
    """Parse a quiz file (UTF-8, optional BOM, LF or CRLF); the source in messages is `path` as given.

    Raises QuizFormatError for a format problem (including invalid UTF-8) and OSError when the file
    cannot be read.
    """
    source = os.fspath(path)
    with open(source, "rb") as handle:
        data = handle.read()
    return parse(_decode(data, source), source=source)


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}): save it with the UTF-8 encoding"
        raise QuizFormatError([Issue(line, message, source)]) from None


# --- block structure ------------------------------------------------------------------------------


@dataclass
class _Item:
    """A top-level list item: its first line's content and its continuation lines (dedented)."""

    at: int
    kind: str
    ordered: bool
    content: str
    offset: int
    rest: list[str] = field(default_factory=list)


@dataclass
class _Block:
    kind: str  # "blank" | "list" | "quote" | "other"
    start: int
    end: int
    items: list[_Item] = field(default_factory=list)


@dataclass
class _CaseBuilder:
    id: str
    title: str
    vignette: str
    at: int
    valid: bool
    question_ids: list[str] = field(default_factory=list)
    headings: int = 0


def _split_lines(text: str) -> list[str]:
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _expand_indent(line: str) -> str:
    """Leading tabs become spaces (tab stops of 4) so that indentation is measured in columns."""
    if "\t" not in line:
        return line
    column = 0
    index = 0
    while index < len(line) and line[index] in " \t":
        column = column + 1 if line[index] == " " else column + 4 - column % 4
        index += 1
    return " " * column + line[index:]


def _is_blank(line: str) -> bool:
    return not line.strip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_thematic_break(line: str) -> bool:
    if _indent(line) > 3:
        return False
    compact = line.replace(" ", "").replace("\t", "")
    return len(compact) >= 3 and compact[0] in "-*_" and compact == compact[0] * len(compact)


def _match_item(line: str) -> _Item | None:
    match = _ITEM_RE.fullmatch(line)
    if match is None or _is_thematic_break(line):
        return None
    marker = match.group(2)
    ordered = marker[-1] in ".)"
    kind = marker[-1] if ordered else marker
    content = match.group(3) or ""
    return _Item(0, kind, ordered, content, len(match.group(1)) + len(marker) + 1)


def _is_heading(line: str) -> bool:
    return _HEADING_RE.fullmatch(line) is not None


def _strip_quote(line: str) -> str:
    match = _QUOTE_MARKER_RE.match(line)
    return line[match.end() :] if match else line


def _trailing_braces(text: str) -> tuple[str, str] | None:
    """Split `text {attrs}` into (text, attrs) when the line ends with one brace group, else None."""
    stripped = text.rstrip()
    if not stripped.endswith("}"):
        return None
    opening = stripped.rfind("{")
    if opening < 0 or "}" in stripped[opening + 1 : -1]:
        return None
    return stripped[:opening].rstrip(), stripped[opening + 1 : -1]


def _tokenize(attrs: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Pandoc-style attributes: ([(kind, name, value)], [unreadable tokens]); kind is id, class or key."""
    tokens: list[tuple[str, str, str]] = []
    bad: list[str] = []
    position = 0
    while True:
        while position < len(attrs) and attrs[position].isspace():
            position += 1
        if position >= len(attrs):
            return tokens, bad
        match = _ATTR_TOKEN_RE.match(attrs, position)
        if match is not None and (match.end() == len(attrs) or attrs[match.end()].isspace()):
            if match.group("key") is not None:
                value = next((v for v in match.group("dq", "sq", "val") if v is not None), "")
                tokens.append(("key", match.group("key"), value))
            elif match.group("cls") is not None:
                tokens.append(("class", match.group("cls"), ""))
            else:
                tokens.append(("id", match.group("id"), ""))
            position = match.end()
        else:
            end = position
            while end < len(attrs) and not attrs[end].isspace():
                end += 1
            bad.append(attrs[position:end])
            position = end


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(value: Any) -> str:
    """A short, safe description of a YAML value for a message (never the repr of a whole structure)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return "a very large number" if abs(value) > 10**15 else str(value)
    if isinstance(value, float):
        return _clip(repr(value))
    if isinstance(value, str):
        return f'"{_clip(value)}"'
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _panel_source(value: Any) -> str | None:
    """The `panel_source` setting as one of PANEL_SOURCES (`simulé` read as `simule`), None if invalid."""
    if not isinstance(value, str):
        return None
    spelled = unicodedata.normalize("NFC", value)  # an é typed as e + combining accent is still `simulé`
    if spelled == "simulé":
        return "simule"
    return spelled if spelled in PANEL_SOURCES else None


def _option_id(index: int) -> str:
    """a, b, …, z, aa, ab, … (bijective base 26)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def _join(lines: list[str]) -> str:
    """Lines as one Markdown text, without leading or trailing blank lines."""
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _hash_lines(lines: list[str]) -> str:
    stripped = [line.rstrip() for line in lines]
    while stripped and not stripped[-1]:
        stripped.pop()
    return hashlib.sha256("\n".join(stripped).encode("utf-8", "surrogatepass")).hexdigest()


# --- the parser -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.raw = _split_lines(text)
        self.lines = [_expand_indent(line) for line in self.raw]
        self.in_fence = [False] * len(self.lines)
        self.issues: list[Issue] = []
        self.ids: dict[str, int] = {}
        self.front_matter: list[str] = []
        self.front_matter_start = 0
        self.key_lines: dict[str, int] | None = None

    def error(self, at: int, message: str) -> None:
        """Record a problem at 0-based line index `at`."""
        self.issues.append(Issue(at + 1, message, self.source))

    def run(self, file_hash: str) -> Quiz:
        data, start = self.read_front_matter()
        self.mark_fences(start)
        headings: list[tuple[int, int, str]] = []
        for at in range(start, len(self.lines)):
            heading = self.structural_heading(at)
            if heading is not None:
                headings.append((at, *heading))
        first = headings[0][0] if headings else len(self.lines)
        self.check_stray_text(start, first)
        questions, cases, units = self.read_sections(headings)
        settings = self.read_settings(data, units)
        if not any(level == 2 for _, level, _ in headings):
            self.error(0, "no question: add a level-2 heading per question, e.g. `## Title {#q1 .qru}`")
        if self.issues:
            raise QuizFormatError(self.issues)
        return Quiz(settings, tuple(questions), tuple(cases), self.source, file_hash)

    # front matter and settings

    def read_front_matter(self) -> tuple[Any, int]:
        """The YAML data of the front matter (None if absent) and the index where the body starts."""
        if not self.lines or self.lines[0].rstrip() != "---":
            return None, 0
        close = next((i for i in range(1, len(self.lines)) if self.lines[i].rstrip() in ("---", "...")), None)
        if close is None:
            self.error(0, "the front matter opened by `---` on line 1 is never closed: end it with a `---` line")
            first_heading = next((i for i in range(1, len(self.lines)) if _is_heading(self.lines[i])), None)
            return None, first_heading if first_heading is not None else len(self.lines)
        self.front_matter = self.lines[1:close]
        self.front_matter_start = 1
        return self.load_yaml("\n".join(self.front_matter)), close + 1

    def load_yaml(self, text: str) -> Any:
        if _flow_depth(text) > MAX_YAML_DEPTH:  # PyYAML takes quadratic time on deeply nested [ and {
            self.error(0, "the front matter is nested too deeply: settings are plain `key: value` lines")
            return None
        try:
            for event in yaml.parse(text, Loader=yaml.SafeLoader):
                if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                    line = self.front_matter_start + event.start_mark.line
                    self.error(line, "YAML anchors and aliases (`&x`, `*x`) are not allowed in the front matter")
                    return None
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = self.front_matter_start + mark.line if mark is not None else 0
            problem = _clip(getattr(exc, "problem", None) or "unreadable YAML", 80)
            self.error(line, f"the front matter is not valid YAML ({problem}): write one `key: value` per line")
        except (RecursionError, ValueError, OverflowError, MemoryError):
            self.error(0, "the front matter could not be read: write one `key: value` per line")
        return None

    def key_line(self, key: str) -> int:
        """The index of the front matter line that sets `key` (the `---` line when not found)."""
        if self.key_lines is None:
            self.key_lines = {}
            for n, line in enumerate(self.front_matter):
                match = _YAML_KEY_RE.match(line)
                if match:
                    self.key_lines.setdefault(match.group(1), self.front_matter_start + n)
        return self.key_lines.get(key, 0)

    def read_settings(self, data: Any, units: int) -> QuizSettings:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.error(0, "the front matter must be `key: value` lines (a YAML mapping), e.g. `pass_mark: 0.7`")
            return QuizSettings()
        values: dict[str, Any] = {}
        for key, value in data.items():
            if not isinstance(key, str) or key not in _SETTING_KEYS:
                name = key if isinstance(key, str) else _describe(key)
                at = self.key_line(key) if isinstance(key, str) else 0
                self.error(
                    at,
                    f"unknown front matter key `{_clip(name)}`: allowed keys are {', '.join(_SETTING_KEYS)}",
                )
                continue
            checked = self.check_setting(key, value)
            if checked is not None:
                values[key] = checked
        settings = QuizSettings(**values)
        if settings.draw > units:
            self.error(
                self.key_line("draw"),
                f"draw: {settings.draw} is more than the {units} questions and cases the quiz has: "
                "lower it, or use 0 to ask every question",
            )
        return settings

    def check_setting(self, key: str, value: Any) -> Any:
        """The typed value of a front matter setting, or None after recording an error."""
        at = self.key_line(key)
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if key in ("shuffle", "certainty", "pretest"):
            if isinstance(value, bool):
                return value
            self.error(at, f"{key} must be true or false, not {_describe(value)}")
        elif key in ("max_attempts", "draw"):
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value
            self.error(
                at,
                f"{key} must be a whole number ≥ 0 (0 = {'unlimited' if key == 'max_attempts' else 'all'}), "
                f"not {_describe(value)}",
            )
        elif key == "grading":
            if isinstance(value, str) and value in GRADING_POLICIES:
                return value
            self.error(at, f"grading must be one of {', '.join(GRADING_POLICIES)}, not {_describe(value)}")
        elif key == "review":
            return self.check_review(value, at)
        elif key == "panel_source":
            source = _panel_source(value)
            if source is not None:
                return source
            self.error(
                at,
                f"panel_source must be `simule` (or `simulé`: a panel simulated by the authors) or `experts` "
                f"(counts collected from real experts), not {_describe(value)}",
            )
        elif key == "pass_mark":
            number = _finite_float(value) if is_number else None
            if number is not None and 0.0 <= number <= 1.0:
                return number
            self.error(at, f"pass_mark must be a number between 0 and 1 (e.g. 0.7 for 70 %), not {_describe(value)}")
        else:  # time_limit_minutes
            number = _finite_float(value) if is_number else None
            if number is not None and number >= 0:
                return number
            self.error(at, f"time_limit_minutes must be a number of minutes ≥ 0 (0 = none), not {_describe(value)}")
        return None

    def check_review(self, value: Any, at: int) -> tuple[str, ...] | None:
        """The `review` setting: distinct items of REVIEW_ITEMS, returned in display order (None on error)."""
        allowed = ", ".join(REVIEW_ITEMS)
        if not isinstance(value, list):
            self.error(
                at,
                f"review must be a list of what learners see after an attempt, among {allowed} "
                f"(e.g. `review: [score, explanation]`, or `review: []` for nothing), not {_describe(value)}",
            )
            return None
        unknown = [item for item in value if not isinstance(item, str) or item not in REVIEW_ITEMS]
        if unknown:
            self.error(at, f"review: unknown item {_describe(unknown[0])}: allowed items are {allowed}")
            return None
        repeated = next((item for item in value if value.count(item) > 1), None)
        if repeated is not None:
            self.error(at, f"review: `{repeated}` is listed twice: list each item once")
            return None
        return tuple(item for item in REVIEW_ITEMS if item in value)

    # overall structure

    def mark_fences(self, start: int) -> None:
        """Flag the lines of fenced code blocks, whose content is never structure; report unclosed fences."""
        unclosed = {"`": math.inf, "~": math.inf}  # shortest fence length known to have no closing line
        at = start
        while at < len(self.lines):
            match = _FENCE_RE.fullmatch(self.lines[at])
            if match is None or (match.group(1)[0] == "`" and "`" in match.group(2)):
                at += 1
                continue
            fence = match.group(1)
            close = None
            if len(fence) < unclosed[fence[0]]:
                closing = re.compile(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*")
                close = next((j for j in range(at + 1, len(self.lines)) if closing.fullmatch(self.lines[j])), None)
            if close is None:
                unclosed[fence[0]] = min(unclosed[fence[0]], len(fence))
                self.error(at, f"this code block (`{fence}`) is never closed: end it with a `{fence}` line")
                at += 1
                continue
            for j in range(at, close + 1):
                self.in_fence[j] = True
            at = close + 1

    def structural_heading(self, at: int) -> tuple[int, str] | None:
        """(level, content) of a level-1 or level-2 ATX heading outside code blocks, else None."""
        if self.in_fence[at]:
            return None
        match = _HEADING_RE.fullmatch(self.lines[at])
        if match is None or len(match.group(1)) > 2:
            return None
        return len(match.group(1)), _strip_closing_hashes(match.group(2) or "")

    def check_stray_text(self, start: int, end: int) -> None:
        at = next((i for i in range(start, end) if not _is_blank(self.lines[i])), None)
        if at is None:
            return
        if self.lines[at].strip() == "---":
            self.error(at, "front matter must start on line 1, with `---` as the very first line")
        else:
            self.error(
                at,
                "text before the first heading: a quiz is optional front matter between `---` lines, "
                "then questions `## Title {#id .type}`; move this text into a question",
            )

    def read_sections(self, headings: list[tuple[int, int, str]]) -> tuple[list[Question], list[Case], int]:
        """Questions and cases, in file order, and the number of units `draw` can pick from."""
        questions: list[Question] = []
        builders: list[_CaseBuilder] = []
        current: _CaseBuilder | None = None
        units = 0
        for n, (at, level, content) in enumerate(headings):
            end = headings[n + 1][0] if n + 1 < len(headings) else len(self.lines)
            if level == 1:
                current = self.read_level1(at, content, end)
                if current is not None:
                    builders.append(current)
                continue
            question = self.read_question(at, content, end, current.id if current and current.valid else None)
            if current is None:
                units += 1
            else:
                current.headings += 1
            if question is not None:
                questions.append(question)
                if current is not None:
                    current.question_ids.append(question.id)
        cases = []
        for builder in builders:
            if builder.headings == 0:
                self.error(
                    builder.at,
                    "this case has no question: add `## Title {#id .type}` questions after the vignette",
                )
            else:
                units += 1
            cases.append(Case(builder.id, builder.title, builder.vignette, builder.at + 1, tuple(builder.question_ids)))
        return questions, cases, units

    def read_level1(self, at: int, content: str, end: int) -> _CaseBuilder | None:
        """A case opened by `# Title {#id .dp}`, or None for a plain section title (which closes a case)."""
        split = _trailing_braces(content)
        title, attrs = split if split is not None else (content.strip(), "")
        tokens, bad = _tokenize(attrs)
        if bad:
            self.error(at, f"unreadable attribute `{_clip(bad[0])}`: a case heading is `# Title {{#case-id .dp}}`")
        classes = [name for kind, name, _ in tokens if kind == "class"]
        if "dp" not in classes:
            if any(name in QUESTION_TYPES for name in classes):
                self.error(at, "a question is a level-2 heading: write `## Title {#id .type}` (two `#`)")
                return None
            for kind, name, value in tokens:
                if kind != "id":
                    self.error(
                        at,
                        f"unknown attribute `{_token_text(kind, name, value)}` on a level-1 heading: "
                        "write `{#case-id .dp}` to open a progressive case, or nothing for a section title",
                    )
            stray = next((i for i in range(at + 1, end) if not _is_blank(self.lines[i])), None)
            if stray is not None:
                self.error(
                    stray,
                    "text under a section title is never shown: move it into a question, or make the "
                    "heading a progressive case `# Title {#case-id .dp}` whose vignette it becomes",
                )
            return None
        for kind, name, value in tokens:
            if kind == "key" or (kind == "class" and name != "dp"):
                self.error(
                    at,
                    f"unknown attribute `{_token_text(kind, name, value)}` on a case heading: "
                    "a case heading is `# Title {#case-id .dp}`",
                )
        case_id = self.claim_id(at, [name for kind, name, _ in tokens if kind == "id"], "# Title {#case-id .dp}")
        vignette = _join(self.lines[at + 1 : end])
        return _CaseBuilder(case_id or "", title, vignette, at, case_id is not None)

    def claim_id(self, at: int, ids: list[str], example: str) -> str | None:
        """Validate and register the id of a heading; None when missing or invalid."""
        if not ids:
            self.error(at, f"missing id: add `#an-id` inside the braces, e.g. `{example}`")
            return None
        if len(ids) > 1:
            self.error(at, f"several ids (#{_clip(ids[0], 20)}, #{_clip(ids[1], 20)}…): keep only one")
        ident = ids[0]
        if not _ID_RE.fullmatch(ident):
            self.error(at, f"invalid id `#{_clip(ident)}`: use only ASCII letters, digits, `-` and `_`")
            return None
        if ident in self.ids:
            self.error(
                at,
                f"duplicate id `{ident}`, already used on line {self.ids[ident] + 1}: ids must be unique in the file",
            )
        else:
            self.ids[ident] = at
        return ident

    # questions

    def read_question(self, at: int, content: str, end: int, case_id: str | None) -> Question | None:
        split = _trailing_braces(content)
        if split is None:
            self.error(
                at,
                f"a question heading ends with its attributes: `## Title {{#id .type}}`, type one of {_TYPE_LIST}",
            )
            return None
        title, attrs = split
        tokens, bad = _tokenize(attrs)
        if bad:
            self.error(at, f"unreadable attribute `{_clip(bad[0])}`: write `#id`, `.type` or `key=value`")
        qtype = self.question_type(at, [name for kind, name, _ in tokens if kind == "class"])
        question_id = self.claim_id(at, [name for kind, name, _ in tokens if kind == "id"], "## Title {#q1 .qru}")
        heading = self.heading_attributes(at, qtype, [(name, value) for kind, name, value in tokens if kind == "key"])
        body = self.read_body(at, end)
        if qtype is None or body is None:
            return None
        stem, items, explanation = body
        options = self.read_options(at, qtype, items)
        image, image_alt = self.zone_image(at, stem) if qtype == "zone" else ("", "")
        if not stem and not title:
            self.error(at, "this question has no text: give the heading a title or write a stem under it")
        if question_id is None or options is None:
            return None
        return Question(
            id=question_id,
            type=qtype,
            title=title,
            stem=stem or title,
            points=heading["points"],
            objective=heading["objective"],
            tags=heading["tags"],
            options=options,
            explanation=explanation,
            case=case_id,
            line=at + 1,
            unit=heading["unit"],
            partial=heading["partial"],
            hash=_hash_lines(self.raw[at:end]),
            image=image,
            image_alt=image_alt,
        )

    def zone_image(self, at: int, stem: str) -> tuple[str, str]:
        """The (path, alt text) of the one image a .zone question's stem must hold."""
        images = _IMAGE_RE.findall(stem)
        if len(images) != 1:
            self.error(
                at,
                "a .zone question shows exactly one image in its stem, the one learners click on: "
                f"`![description](images/figure.png)` (found {len(images)})",
            )
            return "", ""
        alt, src = images[0]
        if not alt.strip():
            self.error(at, f"the image '{_clip(src)}' of this .zone question needs alt text: "
                           f"![description]({_clip(src)})")
        return src, alt.strip()

    def question_type(self, at: int, classes: list[str]) -> str | None:
        types = [name for name in classes if name in QUESTION_TYPES]
        others = [name for name in classes if name not in QUESTION_TYPES]
        if not types:
            if others:
                self.error(at, f"unknown type `.{_clip(others[0])}`: use one of {_TYPE_LIST}")
            else:
                self.error(at, f"missing type: add one of {_TYPE_LIST} inside the braces")
            return None
        if len(types) > 1:
            self.error(at, f"several types ({' '.join('.' + t for t in types)}): keep only one")
        for name in others:
            self.error(
                at,
                f"unknown attribute `.{_clip(name)}`: a question heading has one type and "
                "`points=`, `objective=`, `tags=`, `unit=` (numerique) or `partial=` (ordre)",
            )
        return types[0]

    def heading_attributes(self, at: int, qtype: str | None, pairs: list[tuple[str, str]]) -> dict[str, Any]:
        values: dict[str, Any] = {"points": 1.0, "objective": None, "tags": (), "unit": "", "partial": False}
        seen: set[str] = set()
        for name, value in pairs:
            if name in seen:
                self.error(at, f"attribute `{_clip(name)}=` is given twice: keep one")
                continue
            seen.add(name)
            if name == "points":
                number = parse_number(value)
                if number is None or number <= 0:
                    self.error(at, f"points must be a positive number (e.g. `points=2`), not `{_clip(value)}`")
                else:
                    values["points"] = number
            elif name == "objective":
                if _INT_RE.fullmatch(value) and int(value) > 0:
                    values["objective"] = int(value)
                else:
                    self.error(
                        at,
                        f"objective must be a whole number ≥ 1 (the objective's rank in module.md), "
                        f"not `{_clip(value)}`",
                    )
            elif name == "tags":
                values["tags"] = tuple(tag.strip() for tag in value.split(",") if tag.strip())
            elif name == "unit" and qtype in ("numerique", None):
                values["unit"] = value.strip()
            elif name == "partial" and qtype in ("ordre", None):
                if value.lower() not in ("true", "false"):
                    self.error(at, f"partial must be `true` or `false`, not `{_clip(value)}`")
                values["partial"] = value.lower() == "true"
            elif name in ("unit", "partial"):
                only = "numerique" if name == "unit" else "ordre"
                self.error(at, f"`{name}=` only applies to .{only} questions: remove it")
            else:
                self.error(
                    at,
                    f"unknown attribute `{_clip(name)}=`: a question heading takes `points=`, "
                    "`objective=`, `tags=`, `unit=` (numerique) or `partial=` (ordre)",
                )
        return values

    def read_body(self, at: int, end: int) -> tuple[str, list[_Item], str] | None:
        """(stem, answer list items, explanation) of a question, or None when it has no answer list."""
        blocks = [block for block in self.segment(at + 1, end) if block.kind != "blank"]
        lists = [n for n, block in enumerate(blocks) if block.kind == "list"]
        if not lists:
            self.error(
                at,
                "missing answer list: write the options as a list after the stem "
                "(`- [x] …`, `1. …`, `- left => right` or the five tcs items)",
            )
            return None
        answer = blocks[lists[-1]]
        after = blocks[lists[-1] + 1 :]
        stray = next((block for block in after if block.kind != "quote"), None)
        if stray is not None:
            self.error(
                stray.start,
                "text after the answer list: start the explanation with `> ` (a blockquote), "
                "or indent this line by two spaces to continue the option above",
            )
        explanation = "\n\n".join(
            _join([_strip_quote(line) for line in self.lines[block.start : block.end]])
            for block in after
            if block.kind == "quote"
        )
        stem = _join(self.lines[at + 1 : answer.start])
        return stem, answer.items, explanation.strip("\n")

    def segment(self, start: int, end: int) -> list[_Block]:
        blocks: list[_Block] = []
        at = start
        while at < end:
            line = self.lines[at]
            if self.in_fence[at]:
                stop = at
                while stop < end and self.in_fence[stop]:
                    stop += 1
                blocks.append(_Block("other", at, stop))
            elif _is_blank(line):
                stop = at + 1
                blocks.append(_Block("blank", at, stop))
            elif _match_item(line) is not None:
                block = self.read_list(at, end)
                stop = block.end
                blocks.append(block)
            elif _QUOTE_RE.match(line):
                stop = self.quote_end(at, end)
                blocks.append(_Block("quote", at, stop))
            else:
                stop = at + 1
                blocks.append(_Block("other", at, stop))
            at = stop
        return blocks

    def quote_end(self, at: int, end: int) -> int:
        """The index after a blockquote starting at `at` (with its lazy continuation lines)."""
        has_text = False
        while at < end and not self.in_fence[at]:
            line = self.lines[at]
            if _QUOTE_RE.match(line):
                has_text = not _is_blank(_strip_quote(line))
            elif not (has_text and self.is_lazy_continuation(line)):
                break
            at += 1
        return at

    def is_lazy_continuation(self, line: str) -> bool:
        return not (
            _is_blank(line)
            or _match_item(line)
            or _is_heading(line)
            or _is_thematic_break(line)
            or _FENCE_RE.fullmatch(line)
            or _QUOTE_RE.match(line)
        )

    def read_list(self, start: int, end: int) -> _Block:
        """A top-level list: items of one marker kind with their continuation lines."""
        first = _match_item(self.lines[start])
        assert first is not None
        first.at = start
        base = _indent(self.lines[start])
        items = [first]
        at = start + 1

        def sibling(index: int) -> _Item | None:
            item = _match_item(self.lines[index])
            if item is None or self.in_fence[index] or _indent(self.lines[index]) > base + 1 or item.kind != first.kind:
                return None
            item.at = index
            return item

        def continuation(item: _Item, lines: list[str]) -> None:
            for line in lines:
                item.rest.append(line[min(_indent(line), item.offset) :])

        while at < end:
            line = self.lines[at]
            current = items[-1]
            if self.in_fence[at]:
                if _indent(line) < 2:
                    break
                stop = at
                while stop < end and self.in_fence[stop]:
                    stop += 1
                continuation(current, self.lines[at:stop])
                at = stop
                continue
            if _is_blank(line):
                ahead = at
                while ahead < end and _is_blank(self.lines[ahead]):
                    ahead += 1
                if ahead >= end:
                    break
                if (item := sibling(ahead)) is not None:
                    items.append(item)
                    at = ahead + 1
                elif _indent(self.lines[ahead]) >= 2 and not self.is_item_at(ahead, base):
                    continuation(current, self.lines[at:ahead])
                    at = ahead
                elif _QUOTE_RE.match(self.lines[ahead]) and (stop := self.sandwiched_quote(ahead, end, first.kind)):
                    continuation(current, self.lines[at:stop])
                    at = stop
                else:
                    break
                continue
            if (item := sibling(at)) is not None:
                items.append(item)
                at += 1
            elif self.is_item_at(at, base):
                break  # another kind of list starts
            elif _indent(line) >= 2:
                continuation(current, [line])
                at += 1
            elif _QUOTE_RE.match(line):
                stop = self.sandwiched_quote(at, end, first.kind)
                if not stop:
                    break
                continuation(current, self.lines[at:stop])
                at = stop
            elif self.is_lazy_continuation(line):
                continuation(current, [line])
                at += 1
            else:
                break
        return _Block("list", start, at, items)

    def is_item_at(self, index: int, base: int) -> bool:
        """Whether line `index` starts an item at the level of a list indented by `base`."""
        return _match_item(self.lines[index]) is not None and _indent(self.lines[index]) <= base + 1

    def sandwiched_quote(self, at: int, end: int, kind: str) -> int:
        """When a non-indented blockquote sits between two items of a list (of marker `kind`), report it
        and return the index after it; else 0."""
        stop = self.quote_end(at, end)
        ahead = stop
        while ahead < end and _is_blank(self.lines[ahead]):
            ahead += 1
        item = _match_item(self.lines[ahead]) if ahead < end and not self.in_fence[ahead] else None
        if item is None or item.kind != kind:
            return 0
        self.error(
            at,
            "this blockquote sits between two options: indent it by two spaces to make it the "
            "feedback of the option above (the explanation goes after the whole list)",
        )
        return stop

    # options

    def read_options(self, at: int, qtype: str, items: list[_Item]) -> tuple[Option, ...] | None:
        """The options of a question, validated for its type; None when they have errors."""
        before = len(self.issues)
        raw: list[dict[str, Any]] = []
        for item in items:
            parsed = self.read_item(qtype, item)
            if parsed is not None:
                raw.append(parsed)
        if len(raw) == len(items):  # type-level checks only make sense when every item could be read
            getattr(self, f"check_{qtype}")(at, raw)
        if len(self.issues) != before:
            return None
        return tuple(Option(id=_option_id(n), **data) for n, data in enumerate(raw))

    def read_item(self, qtype: str, item: _Item) -> dict[str, Any] | None:
        """The fields of one option (without its id), or None after reporting a malformed item."""
        content = item.content
        task = _TASK_RE.fullmatch(content)
        if qtype in TASK_TYPES:
            if item.ordered or task is None:
                self.error(
                    item.at,
                    f"options of a .{qtype} question are task items: `- [x] …` (correct) or `- [ ] …` (wrong)",
                )
                return None
            content = task.group(2) or ""
        elif task is not None:
            self.error(item.at, f"items of a .{qtype} question are plain list items, without `[x]` or `[ ]`")
            return None
        elif qtype == "ordre" and not item.ordered:
            self.error(item.at, "items of a .ordre question are numbered, in the correct order: `1. …`, `2. …`")
            return None
        elif qtype != "ordre" and item.ordered:
            self.error(item.at, f"items of a .{qtype} question are bullet items `- …`, not numbered ones")
            return None
        text, attributes = self.option_attributes(item.at, qtype, content)
        more: list[str] = []
        feedback: list[str] = []
        for line in item.rest:
            if feedback or _QUOTE_RE.match(line):
                feedback.append(_strip_quote(line))
            else:
                more.append(line)
        full_text = _join([text, *more]).strip()
        data: dict[str, Any] = {
            "text": full_text,
            "correct": bool(task and task.group(1) in "xX"),
            "feedback": _join(feedback).strip(),
            "line": item.at + 1,
            **attributes,
        }
        if not full_text and qtype not in ("tcs",):
            self.error(item.at, "this option is empty: write its text after the marker")
            return None
        return data

    def option_attributes(self, at: int, qtype: str, content: str) -> tuple[str, dict[str, Any]]:
        """Split trailing `{…}` option attributes from the first line and check them for the type."""
        split = _trailing_braces(content)
        if split is None:
            return content.strip(), {}
        text, attrs = split
        tokens, bad = _tokenize(attrs)
        if bad or not tokens:
            word = attrs.strip()
            if word in ("indispensable", "inacceptable"):
                self.error(at, f"write `{{.{word}}}`, with a dot, to mark the option {word}")
            return content.strip(), {}  # literal braces that are part of the text
        values: dict[str, Any] = {}
        allowed = _OPTION_ATTRIBUTES.get(qtype)
        hint = f"a .{qtype} option takes {allowed}" if allowed else f"options of a .{qtype} question take no attributes"
        for kind, name, value in tokens:
            if kind == "class" and name in ("indispensable", "inacceptable") and qtype == "qrm":
                values[name] = True
            elif kind == "key" and name in values:
                self.error(at, f"attribute `{_clip(name)}=` is given twice: keep one")
            elif kind == "key" and name == "tolerance" and qtype == "numerique":
                number = parse_number(value)
                if number is None or number < 0:
                    self.error(at, f"tolerance must be a number ≥ 0 (e.g. `{{tolerance=0.5}}`), not `{_clip(value)}`")
                else:
                    values["tolerance"] = number
            elif kind == "key" and name == "panel" and qtype == "tcs":
                if _INT_RE.fullmatch(value):
                    values["panel"] = int(value)
                else:
                    self.error(
                        at,
                        f"panel must be a whole number ≥ 0 of experts (e.g. `{{panel=3}}`), not `{_clip(value)}`",
                    )
            elif kind == "id":
                self.error(at, "options get the ids a, b, c… automatically: remove the `#id`")
            else:
                self.error(at, f"unknown option attribute `{_token_text(kind, name, value)}`: {hint}")
        return text, values

    def check_qru(self, at: int, options: list[dict[str, Any]]) -> None:
        self.check_choice(at, "qru", options)
        correct = sum(option["correct"] for option in options)
        if correct != 1:
            self.error(
                at,
                f"a .qru question needs exactly one correct option `- [x]` (found {correct}); "
                "use .qrm for several correct options",
            )

    def check_qrm(self, at: int, options: list[dict[str, Any]]) -> None:
        self.check_choice(at, "qrm", options)
        if not any(option["correct"] for option in options):
            self.error(at, "a .qrm question needs at least one correct option `- [x]`")
        for option in options:
            if option.get("indispensable") and option.get("inacceptable"):
                self.error(option["line"] - 1, "an option cannot be both indispensable and inacceptable: keep one")
            elif option.get("indispensable") and not option["correct"]:
                self.error(
                    option["line"] - 1,
                    "`{.indispensable}` goes on a correct option `- [x]`: tick it or use `{.inacceptable}`",
                )
            elif option.get("inacceptable") and option["correct"]:
                self.error(
                    option["line"] - 1,
                    "`{.inacceptable}` goes on a wrong option `- [ ]`: untick it or use `{.indispensable}`",
                )

    def check_choice(self, at: int, qtype: str, options: list[dict[str, Any]]) -> None:
        if len(options) < 2:
            self.error(at, f"a .{qtype} question needs at least two options")

    def check_qroc(self, at: int, options: list[dict[str, Any]]) -> None:
        if not any(option["correct"] for option in options):
            self.error(at, "a .qroc question needs at least one accepted answer `- [x] …`")
        for option in options:
            text, where = option["text"], option["line"] - 1
            if is_regex_answer(text):
                if compile_answer_regex(text) is None:
                    self.error(
                        where,
                        f"invalid regular expression `{_clip(text)}`: fix it, or write the answer as plain text",
                    )
            elif option["correct"]:
                words = normalize_text(text).split()
                if not words:
                    self.error(where, "this accepted answer is empty once punctuation is removed: write a word")
                elif len(words) > MAX_QROC_WORDS:
                    self.error(
                        where,
                        f"an accepted answer has at most {MAX_QROC_WORDS} words ({len(words)} here): "
                        "shorten it, or use a `/regex/`",
                    )

    def check_numerique(self, at: int, options: list[dict[str, Any]]) -> None:
        if len(options) != 1 or not options[0]["correct"]:
            self.error(at, "a .numerique question has exactly one answer item `- [x] 42,5 {tolerance=0.5}`")
            return
        option = options[0]
        value = parse_number(option["text"])
        if value is None:
            self.error(
                option["line"] - 1,
                f"`{_clip(option['text'])}` is not a number: write e.g. `42,5` or `42.5` "
                "and put the unit in the heading (`unit=mg`)",
            )
        option["value"] = value

    def check_ordre(self, at: int, options: list[dict[str, Any]]) -> None:
        if len(options) < 2:
            self.error(at, "a .ordre question needs at least two numbered items `1. …`, `2. …`")
        for option in options:
            option["correct"] = True

    def check_association(self, at: int, options: list[dict[str, Any]]) -> None:
        for option in options:
            left, arrow, right = option["text"].partition("=>")
            if not arrow:
                self.error(option["line"] - 1, "an association item is `- left => right` (or `- => distractor`)")
            elif not right.strip():
                self.error(option["line"] - 1, "the right-hand side after `=>` is empty: write the matching text")
            option["text"], option["match"], option["correct"] = (
                left.strip(),
                right.strip(),
                bool(left.strip()),
            )
        if sum(1 for option in options if option["text"] and option["match"]) < 2:
            self.error(at, "a .association question needs at least two pairs `- left => right`")

    def check_tcs(self, at: int, options: list[dict[str, Any]]) -> None:
        if len(options) != len(TCS_VALUES):
            self.error(at, f"a .tcs question has exactly five items -2, -1, 0, +1, +2 (found {len(options)})")
            return
        for option, expected in zip(options, TCS_VALUES, strict=True):
            match = _TCS_ITEM_RE.fullmatch(option["text"])
            value = int(match.group(1).replace("\u2212", "-")) if match else None
            if value != expected:
                wanted = f"{expected:+d}" if expected else "0"
                self.error(
                    option["line"] - 1,
                    f"tcs items are the values -2, -1, 0, +1, +2 in that order: this one should start with {wanted}",
                )
                continue
            if "panel" not in option:
                self.error(option["line"] - 1, "each tcs item needs its panel count, e.g. `- 0 {panel=6}`")
            option["text"] = (match.group(2) or "").strip() if match else ""
            option["value"] = value
        panels = [option.get("panel", 0) for option in options]
        if not any(panels) and all("panel" in option for option in options):
            self.error(at, "every tcs panel count is 0: at least one answer must have been chosen by an expert")
        top = max(panels)
        for option in options:
            option["correct"] = top > 0 and option.get("panel", 0) == top


    def check_zone(self, at: int, options: list[dict[str, Any]]) -> None:
        if not any(option["correct"] for option in options):
            self.error(at, "a .zone question needs at least one zone to point, marked `- [x] rect X1,Y1 X2,Y2`")
        for option in options:
            where = option["line"] - 1
            parsed = _zone(option["text"])
            if isinstance(parsed, str):
                self.error(where, parsed)
                continue
            option["shape"], option["coords"], option["text"] = parsed


def _zone(text: str) -> tuple[str, tuple[float, ...], str] | str:
    """A zone item's (shape, coordinates, label), or the message saying what is wrong with it."""
    words = text.split()
    shape = ZONE_SHAPES.get(words[0].lower()) if words else None
    if shape is None:
        return f"a zone is {ZONE_SYNTAX}, then an optional label; not `{_clip(text)}`"
    points: list[tuple[float, float]] = []
    radius: float | None = None
    rest = words[1:]
    while rest and (match := _POINT_RE.fullmatch(rest[0])):
        points.append((float(match.group(1)), float(match.group(2))))
        rest = rest[1:]
    if shape == "circle" and rest and _RADIUS_RE.fullmatch(rest[0]):
        radius = float(rest[0])
        rest = rest[1:]
    label = " ".join(rest)
    if any(x < 0 or y < 0 for x, y in points):
        return "zone coordinates are image pixels counted from the top-left corner: they cannot be negative"
    if shape == "rect":
        if len(points) != 2:
            return ("a rectangle is two corners, top-left then bottom-right: `rect 120,40 260,110` "
                    f"(found {len(points)})")
        (x1, y1), (x2, y2) = points
        if x2 <= x1 or y2 <= y1:
            return (f"the second corner of a rectangle is below and to the right of the first: "
                    f"`rect {_n(min(x1, x2))},{_n(min(y1, y2))} {_n(max(x1, x2))},{_n(max(y1, y2))}` (a rectangle "
                    "cannot be flat)")
        return shape, (x1, y1, x2, y2), label
    if shape == "circle":
        if len(points) != 1 or radius is None:
            return "a circle is its centre and radius: `circle 300,200 45`"
        if radius <= 0:
            return "the radius of a circle must be more than 0 pixels"
        return shape, (points[0][0], points[0][1], radius), label
    if len(points) < 3 or len(set(points)) < 3:
        return f"a polygon has at least three distinct vertices: `poly 10,10 80,10 45,60` (found {len(set(points))})"
    if _polygon_area(points) == 0:
        return "the vertices of this polygon are on one line: it encloses nothing"
    return shape, tuple(c for point in points for c in point), label


def _polygon_area(points: list[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))) / 2


def _n(value: float) -> str:
    return f"{value:g}"


def _strip_closing_hashes(content: str) -> str:
    """Remove an ATX heading's optional closing sequence (`## Title ##`)."""
    stripped = content.rstrip()
    without = stripped.rstrip("#")
    if without != stripped and (not without or without[-1] in " \t"):
        return without.rstrip()
    return stripped


def _token_text(kind: str, name: str, value: str) -> str:
    if kind == "key":
        return _clip(f"{name}={value}")
    return _clip(("#" if kind == "id" else ".") + name)


def _flow_depth(text: str) -> int:
    """The deepest nesting of YAML flow brackets in a text (quotes ignored: an upper bound)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def _finite_float(value: int | float) -> float | None:
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None
