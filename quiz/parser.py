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
from quiz.messages import MESSAGES
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

_OPTION_ATTRIBUTE_TYPES = ("qrm", "numerique", "tcs")  # the types whose options take attributes
_SETTING_KEYS = tuple(setting.name for setting in fields(QuizSettings))
_TYPE_LIST = ", ".join(f".{t}" for t in QUESTION_TYPES)


@dataclass(frozen=True)
class Issue:
    """One problem in a quiz file: 1-based `line`, a message `code` (quiz/messages.py) and the `values` its
    message names, the `source`. `message` is the English sentence that says how to fix it; academy shows
    it in French too (problem code `quiz.<code>`)."""

    line: int
    code: str
    values: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format(**self.values)

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
        raise QuizFormatError([Issue(line, "not_utf8", {"byte": f"0x{data[exc.start]:02x}"}, source)]) from None


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
    """A short, safe description of a YAML value for a message, written as YAML would (the same in every
    language; never the repr of a whole structure)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return "> 10^15" if abs(value) > 10**15 else str(value)
    if isinstance(value, float):
        return _clip(repr(value))
    if isinstance(value, str):
        return f'"{_clip(value)}"'
    if isinstance(value, list):
        return "[…]"
    if isinstance(value, dict):
        return "{…}"
    return f"!{type(value).__name__}"


def _yaml_error_index(exc: yaml.MarkedYAMLError, text: str) -> int:
    """The 0-based line of `text` where a YAML error's fault is: where YAML noticed it, unless that is the
    end of the text or the error is about a quote or bracket left open, which began at the context mark."""
    problem, context = exc.problem_mark, exc.context_mark
    at_end = problem is not None and not text[problem.index:].strip()
    left_open = any(word in (exc.context or "") for word in ("quoted", "flow"))
    mark = context if context is not None and (problem is None or at_end or left_open) else problem
    return mark.line if mark is not None else 0


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

    def error(self, at: int, code: str, **values: Any) -> None:
        """Record problem `code` (quiz/messages.py) at 0-based line index `at`."""
        self.issues.append(Issue(at + 1, code, values, self.source))

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
            self.error(0, "no_question")
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
            self.error(0, "front_matter_not_closed")
            first_heading = next((i for i in range(1, len(self.lines)) if _is_heading(self.lines[i])), None)
            return None, first_heading if first_heading is not None else len(self.lines)
        self.front_matter = self.lines[1:close]
        self.front_matter_start = 1
        return self.load_yaml("\n".join(self.front_matter)), close + 1

    def load_yaml(self, text: str) -> Any:
        if _flow_depth(text) > MAX_YAML_DEPTH:  # PyYAML takes quadratic time on deeply nested [ and {
            self.error(0, "front_matter_too_deep")
            return None
        try:
            for event in yaml.parse(text, Loader=yaml.SafeLoader):
                if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                    line = self.front_matter_start + event.start_mark.line
                    self.error(line, "yaml_anchor")
                    return None
            return yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            line = self.front_matter_start + _yaml_error_index(exc, text)
            self.error(line, "invalid_yaml", detail=_clip(exc.problem or exc.context or "unreadable YAML", 80))
        except yaml.YAMLError:
            self.error(0, "invalid_yaml", detail="unreadable YAML")
        except (RecursionError, ValueError, OverflowError, MemoryError):
            self.error(0, "front_matter_unreadable")
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
            self.error(0, "front_matter_not_mapping")
            return QuizSettings()
        values: dict[str, Any] = {}
        for key, value in data.items():
            if not isinstance(key, str) or key not in _SETTING_KEYS:
                name = key if isinstance(key, str) else _describe(key)
                at = self.key_line(key) if isinstance(key, str) else 0
                self.error(at, "unknown_setting", key=_clip(name), allowed=", ".join(_SETTING_KEYS))
                continue
            checked = self.check_setting(key, value)
            if checked is not None:
                values[key] = checked
        settings = QuizSettings(**values)
        if settings.draw > units:
            self.error(self.key_line("draw"), "draw_too_large", draw=settings.draw, units=units)
        return settings

    def check_setting(self, key: str, value: Any) -> Any:
        """The typed value of a front matter setting, or None after recording an error."""
        at = self.key_line(key)
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if key in ("shuffle", "certainty", "pretest"):
            if isinstance(value, bool):
                return value
            self.error(at, "setting_not_boolean", key=key, value=_describe(value))
        elif key in ("max_attempts", "draw"):
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return value
            code = "max_attempts_invalid" if key == "max_attempts" else "draw_invalid"
            self.error(at, code, value=_describe(value))
        elif key == "grading":
            if isinstance(value, str) and value in GRADING_POLICIES:
                return value
            self.error(at, "grading_invalid", allowed=", ".join(GRADING_POLICIES), value=_describe(value))
        elif key == "review":
            return self.check_review(value, at)
        elif key == "panel_source":
            source = _panel_source(value)
            if source is not None:
                return source
            self.error(at, "panel_source_invalid", value=_describe(value))
        elif key == "pass_mark":
            number = _finite_float(value) if is_number else None
            if number is not None and 0.0 <= number <= 1.0:
                return number
            self.error(at, "pass_mark_invalid", value=_describe(value))
        else:  # time_limit_minutes
            number = _finite_float(value) if is_number else None
            if number is not None and number >= 0:
                return number
            self.error(at, "time_limit_invalid", value=_describe(value))
        return None

    def check_review(self, value: Any, at: int) -> tuple[str, ...] | None:
        """The `review` setting: distinct items of REVIEW_ITEMS, returned in display order (None on error)."""
        allowed = ", ".join(REVIEW_ITEMS)
        if not isinstance(value, list):
            self.error(at, "review_not_list", allowed=allowed, value=_describe(value))
            return None
        unknown = [item for item in value if not isinstance(item, str) or item not in REVIEW_ITEMS]
        if unknown:
            self.error(at, "review_unknown_item", item=_describe(unknown[0]), allowed=allowed)
            return None
        repeated = next((item for item in value if value.count(item) > 1), None)
        if repeated is not None:
            self.error(at, "review_repeated", item=repeated)
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
                self.error(at, "fence_not_closed", fence=fence)
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
            self.error(at, "front_matter_not_first")
        else:
            self.error(at, "text_before_heading")

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
                self.error(builder.at, "case_without_question")
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
            self.error(at, "case_attribute_unreadable", text=_clip(bad[0]))
        classes = [name for kind, name, _ in tokens if kind == "class"]
        if "dp" not in classes:
            if any(name in QUESTION_TYPES for name in classes):
                self.error(at, "question_level_1")
                return None
            for kind, name, value in tokens:
                if kind != "id":
                    self.error(at, "section_attribute_unknown", text=_token_text(kind, name, value))
            stray = next((i for i in range(at + 1, end) if not _is_blank(self.lines[i])), None)
            if stray is not None:
                self.error(stray, "text_under_section")
            return None
        for kind, name, value in tokens:
            if kind == "key" or (kind == "class" and name != "dp"):
                self.error(at, "case_attribute_unknown", text=_token_text(kind, name, value))
        case_id = self.claim_id(at, [name for kind, name, _ in tokens if kind == "id"], "# Title {#case-id .dp}")
        vignette = _join(self.lines[at + 1 : end])
        return _CaseBuilder(case_id or "", title, vignette, at, case_id is not None)

    def claim_id(self, at: int, ids: list[str], example: str) -> str | None:
        """Validate and register the id of a heading; None when missing or invalid."""
        if not ids:
            self.error(at, "missing_id", example=example)
            return None
        if len(ids) > 1:
            self.error(at, "several_ids", first=_clip(ids[0], 20), second=_clip(ids[1], 20))
        ident = ids[0]
        if not _ID_RE.fullmatch(ident):
            self.error(at, "invalid_id", id=_clip(ident))
            return None
        if ident in self.ids:
            self.error(at, "duplicate_id", id=ident, first=self.ids[ident] + 1)
        else:
            self.ids[ident] = at
        return ident

    # questions

    def read_question(self, at: int, content: str, end: int, case_id: str | None) -> Question | None:
        split = _trailing_braces(content)
        if split is None:
            self.error(at, "question_without_attributes", types=_TYPE_LIST)
            return None
        title, attrs = split
        tokens, bad = _tokenize(attrs)
        if bad:
            self.error(at, "attribute_unreadable", text=_clip(bad[0]))
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
            self.error(at, "question_without_text")
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
            self.error(at, "zone_image_count", found=len(images))
            return "", ""
        alt, src = images[0]
        if not alt.strip():
            self.error(at, "zone_image_alt", src=_clip(src))
        return src, alt.strip()

    def question_type(self, at: int, classes: list[str]) -> str | None:
        types = [name for name in classes if name in QUESTION_TYPES]
        others = [name for name in classes if name not in QUESTION_TYPES]
        if not types:
            if others:
                self.error(at, "unknown_type", type=_clip(others[0]), types=_TYPE_LIST)
            else:
                self.error(at, "missing_type", types=_TYPE_LIST)
            return None
        if len(types) > 1:
            self.error(at, "several_types", types=" ".join("." + t for t in types))
        for name in others:
            self.error(at, "unknown_class", name=_clip(name))
        return types[0]

    def heading_attributes(self, at: int, qtype: str | None, pairs: list[tuple[str, str]]) -> dict[str, Any]:
        values: dict[str, Any] = {"points": 1.0, "objective": None, "tags": (), "unit": "", "partial": False}
        seen: set[str] = set()
        for name, value in pairs:
            if name in seen:
                self.error(at, "attribute_twice", name=_clip(name))
                continue
            seen.add(name)
            if name == "points":
                number = parse_number(value)
                if number is None or number <= 0:
                    self.error(at, "points_invalid", value=_clip(value))
                else:
                    values["points"] = number
            elif name == "objective":
                if _INT_RE.fullmatch(value) and int(value) > 0:
                    values["objective"] = int(value)
                else:
                    self.error(at, "objective_invalid", value=_clip(value))
            elif name == "tags":
                values["tags"] = tuple(tag.strip() for tag in value.split(",") if tag.strip())
            elif name == "unit" and qtype in ("numerique", None):
                values["unit"] = value.strip()
            elif name == "partial" and qtype in ("ordre", None):
                if value.lower() not in ("true", "false"):
                    self.error(at, "partial_invalid", value=_clip(value))
                values["partial"] = value.lower() == "true"
            elif name in ("unit", "partial"):
                only = "numerique" if name == "unit" else "ordre"
                self.error(at, "attribute_wrong_type", name=name, type=only)
            else:
                self.error(at, "unknown_attribute", name=_clip(name))
        return values

    def read_body(self, at: int, end: int) -> tuple[str, list[_Item], str] | None:
        """(stem, answer list items, explanation) of a question, or None when it has no answer list."""
        blocks = [block for block in self.segment(at + 1, end) if block.kind != "blank"]
        lists = [n for n, block in enumerate(blocks) if block.kind == "list"]
        if not lists:
            self.error(at, "missing_answer_list")
            return None
        answer = blocks[lists[-1]]
        after = blocks[lists[-1] + 1 :]
        stray = next((block for block in after if block.kind != "quote"), None)
        if stray is not None:
            self.error(stray.start, "text_after_answers")
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
        self.error(at, "quote_between_options")
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
                self.error(item.at, "options_not_task_items", type=qtype)
                return None
            content = task.group(2) or ""
        elif task is not None:
            self.error(item.at, "items_not_plain", type=qtype)
            return None
        elif qtype == "ordre" and not item.ordered:
            self.error(item.at, "ordre_not_numbered")
            return None
        elif qtype != "ordre" and item.ordered:
            self.error(item.at, "items_not_bullets", type=qtype)
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
            self.error(item.at, "option_empty")
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
                self.error(at, "option_class_without_dot", word=word)
            return content.strip(), {}  # literal braces that are part of the text
        values: dict[str, Any] = {}
        for kind, name, value in tokens:
            if kind == "class" and name in ("indispensable", "inacceptable") and qtype == "qrm":
                values[name] = True
            elif kind == "key" and name in values:
                self.error(at, "attribute_twice", name=_clip(name))
            elif kind == "key" and name == "tolerance" and qtype == "numerique":
                number = parse_number(value)
                if number is None or number < 0:
                    self.error(at, "tolerance_invalid", value=_clip(value))
                else:
                    values["tolerance"] = number
            elif kind == "key" and name == "panel" and qtype == "tcs":
                if _INT_RE.fullmatch(value):
                    values["panel"] = int(value)
                else:
                    self.error(at, "panel_invalid", value=_clip(value))
            elif kind == "id":
                self.error(at, "option_id")
            else:
                typed = qtype in _OPTION_ATTRIBUTE_TYPES
                self.error(at, f"option_attribute_unknown_{qtype}" if typed else "option_attribute_none",
                           text=_token_text(kind, name, value), type=qtype)
        return text, values

    def check_qru(self, at: int, options: list[dict[str, Any]]) -> None:
        self.check_choice(at, "qru", options)
        correct = sum(option["correct"] for option in options)
        if correct != 1:
            self.error(at, "qru_correct_count", found=correct)

    def check_qrm(self, at: int, options: list[dict[str, Any]]) -> None:
        self.check_choice(at, "qrm", options)
        if not any(option["correct"] for option in options):
            self.error(at, "qrm_no_correct")
        for option in options:
            if option.get("indispensable") and option.get("inacceptable"):
                self.error(option["line"] - 1, "option_both_classes")
            elif option.get("indispensable") and not option["correct"]:
                self.error(option["line"] - 1, "indispensable_on_wrong")
            elif option.get("inacceptable") and option["correct"]:
                self.error(option["line"] - 1, "inacceptable_on_correct")

    def check_choice(self, at: int, qtype: str, options: list[dict[str, Any]]) -> None:
        if len(options) < 2:
            self.error(at, "too_few_options", type=qtype)

    def check_qroc(self, at: int, options: list[dict[str, Any]]) -> None:
        if not any(option["correct"] for option in options):
            self.error(at, "qroc_no_answer")
        for option in options:
            text, where = option["text"], option["line"] - 1
            if is_regex_answer(text):
                if compile_answer_regex(text) is None:
                    self.error(where, "invalid_regex", text=_clip(text))
            elif option["correct"]:
                words = normalize_text(text).split()
                if not words:
                    self.error(where, "qroc_answer_empty")
                elif len(words) > MAX_QROC_WORDS:
                    self.error(where, "qroc_answer_too_long", limit=MAX_QROC_WORDS, found=len(words))

    def check_numerique(self, at: int, options: list[dict[str, Any]]) -> None:
        if len(options) != 1 or not options[0]["correct"]:
            self.error(at, "numerique_answer_count")
            return
        option = options[0]
        value = parse_number(option["text"])
        if value is None:
            self.error(option["line"] - 1, "numerique_not_number", text=_clip(option["text"]))
        option["value"] = value

    def check_ordre(self, at: int, options: list[dict[str, Any]]) -> None:
        if len(options) < 2:
            self.error(at, "ordre_too_few")
        for option in options:
            option["correct"] = True

    def check_association(self, at: int, options: list[dict[str, Any]]) -> None:
        for option in options:
            left, arrow, right = option["text"].partition("=>")
            if not arrow:
                self.error(option["line"] - 1, "association_item_invalid")
            elif not right.strip():
                self.error(option["line"] - 1, "association_right_empty")
            option["text"], option["match"], option["correct"] = (
                left.strip(),
                right.strip(),
                bool(left.strip()),
            )
        if sum(1 for option in options if option["text"] and option["match"]) < 2:
            self.error(at, "association_too_few")

    def check_tcs(self, at: int, options: list[dict[str, Any]]) -> None:
        if len(options) != len(TCS_VALUES):
            self.error(at, "tcs_item_count", found=len(options))
            return
        for option, expected in zip(options, TCS_VALUES, strict=True):
            match = _TCS_ITEM_RE.fullmatch(option["text"])
            value = int(match.group(1).replace("\u2212", "-")) if match else None
            if value != expected:
                wanted = f"{expected:+d}" if expected else "0"
                self.error(option["line"] - 1, "tcs_item_order", wanted=wanted)
                continue
            if "panel" not in option:
                self.error(option["line"] - 1, "tcs_panel_missing")
            option["text"] = (match.group(2) or "").strip() if match else ""
            option["value"] = value
        panels = [option.get("panel", 0) for option in options]
        if not any(panels) and all("panel" in option for option in options):
            self.error(at, "tcs_panel_all_zero")
        top = max(panels)
        for option in options:
            option["correct"] = top > 0 and option.get("panel", 0) == top


    def check_zone(self, at: int, options: list[dict[str, Any]]) -> None:
        if not any(option["correct"] for option in options):
            self.error(at, "zone_no_correct")
        for option in options:
            where = option["line"] - 1
            parsed = _zone(option["text"])
            if len(parsed) == 2:  # a problem: its code and values
                self.error(where, parsed[0], **parsed[1])
                continue
            option["shape"], option["coords"], option["text"] = parsed


def _zone(text: str) -> tuple[str, tuple[float, ...], str] | tuple[str, dict[str, Any]]:
    """A zone item's (shape, coordinates, label), or the message code and values saying what is wrong."""
    words = text.split()
    shape = ZONE_SHAPES.get(words[0].lower()) if words else None
    if shape is None:
        return "zone_syntax", {"text": _clip(text)}
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
        return "zone_negative", {}
    if shape == "rect":
        if len(points) != 2:
            return "zone_rect_points", {"found": len(points)}
        (x1, y1), (x2, y2) = points
        if x2 <= x1 or y2 <= y1:
            fixed = f"rect {_n(min(x1, x2))},{_n(min(y1, y2))} {_n(max(x1, x2))},{_n(max(y1, y2))}"
            return "zone_rect_corners", {"fixed": fixed}
        return shape, (x1, y1, x2, y2), label
    if shape == "circle":
        if len(points) != 1 or radius is None:
            return "zone_circle", {}
        if radius <= 0:
            return "zone_radius", {}
        return shape, (points[0][0], points[0][1], radius), label
    if len(points) < 3 or len(set(points)) < 3:
        return "zone_poly_points", {"found": len(set(points))}
    if _polygon_area(points) == 0:
        return "zone_poly_flat", {}
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
