"""The curriculum: module folders read into typed, validated modules (DESIGN §3, docs/authoring.md).

`load_catalog(root)` never raises on content errors: every error becomes a `Problem` (file, line, how to
fix it) attached to its module, and a module with any problem is invalid. Learners see `Catalog.modules`
(valid modules only); trainers see `Catalog.all_modules` and `Catalog.problems`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import quiz as quiz_engine
from academy.content import limits
from academy.content.frontmatter import FrontMatter, parse_front_matter
from academy.content.glossary import GLOSSARY_FILE, Glossary, check_module, load_glossary
from academy.content.markdown_blocks import (
    CALLOUT_KINDS,
    Block,
    Problem,
    check_markdown,
    display_path,
    markdown_blocks,
    parse_markdown,
)
from academy.content.zones import zone_problems
from quiz.model import Quiz

__all__ = [
    "CALLOUT_KINDS",
    "LEVELS",
    "Block",
    "Catalog",
    "Lesson",
    "Module",
    "Problem",
    "cached_catalog",
    "is_module_folder",
    "load_catalog",
    "load_content",
    "load_module",
    "markdown_blocks",
    "parse_markdown",
    "tree_fingerprint",
]

LEVELS = ("initiation", "intermediaire", "avance")
REQUIRED_KEYS = ("title", "summary", "duration_minutes", "objectives", "level")
OPTIONAL_KEYS = (
    "credits_hours",
    "competencies",
    "prerequisites",
    "pass_mark",
    "authors",
    "version",
    "updated",
    "language",
    "references",
)
LESSON_KEYS = ("title", "duration_minutes")
DEFAULT_PASS_MARK = 0.7
DEFAULT_LANGUAGE = "fr"

_NAME = re.compile(r"(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)")
_LESSON_FILE = re.compile(r"(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_SPECIAL_FILES = ("module.md", "quiz.md")


@dataclass(frozen=True)
class Lesson:
    """A lesson file `NN-slug.md` of a module."""

    id: str
    order: int
    title: str
    duration_minutes: int | None
    path: Path
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Module:
    """A module folder `NN-slug/`: its front matter, overview, lessons, quiz and problems."""

    id: str
    order: int
    folder: Path
    title: str
    summary: str
    duration_minutes: int
    objectives: tuple[str, ...]
    level: str
    credits_hours: float
    competencies: tuple[str, ...]
    prerequisites: tuple[str, ...]
    pass_mark: float
    authors: tuple[str, ...]
    version: str | None
    updated: dt.date | None
    language: str
    references: tuple[str, ...]
    overview: tuple[Block, ...]
    lessons: tuple[Lesson, ...]
    quiz: Quiz | None
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()  # glossary synonyms used: reported, but the module stays valid

    @property
    def valid(self) -> bool:
        """True when the module has no problem: only valid modules are shown to learners."""
        return not self.problems

    @property
    def reading_minutes(self) -> int:
        """The sum of the lessons' `duration_minutes` (lessons without one count 0)."""
        return sum(lesson.duration_minutes or 0 for lesson in self.lessons)

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, or None."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)


@dataclass(frozen=True)
class Catalog:
    """Every module folder under `root`, in catalogue order, and every problem found."""

    root: Path
    all_modules: tuple[Module, ...]
    problems: tuple[Problem, ...]
    glossary: Glossary | None = None  # content/glossaire.md, when the folder has one

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Every module's warnings (they do not make a module invalid), sorted by file and line."""
        return _sorted(warning for module in self.all_modules for warning in module.warnings)

    @property
    def modules(self) -> tuple[Module, ...]:
        """The valid modules, in catalogue order."""
        return tuple(module for module in self.all_modules if module.valid)

    def module(self, module_id: str) -> Module | None:
        """The valid module with this id, or None."""
        return next((module for module in self.modules if module.id == module_id), None)


def load_catalog(root: Path | str) -> Catalog:
    """Read every module folder `NN-slug/` under `root`. Never raises on content errors.

    Folders whose name starts with `.` or `_` (e.g. `_brouillons/`) and plain files are ignored.
    """
    root = Path(root)
    if not root.is_dir():
        problem = Problem(display_path(root), 1, "catalog.content_folder_not_found")
        return Catalog(root, (), (problem,))
    try:
        folders = [
            entry for entry in root.iterdir() if entry.is_dir() and not entry.name.startswith((".", "_"))
        ]
    except OSError as exc:
        problem = Problem(display_path(root), 1, "catalog.content_folder_unreadable", {"reason": exc.strerror})
        return Catalog(root, (), (problem,))
    folders.sort(key=_folder_sort_key)
    known_ids = {match.group(2) for folder in folders if (match := _NAME.fullmatch(folder.name))}

    loaded = [_load_module(folder, known_ids) for folder in folders]
    graph = {module.id: module.prerequisites for module, _ in loaded}
    first_folder: dict[str, Path] = {}
    modules: list[Module] = []
    for module, prerequisite_lines in loaded:
        extra: list[Problem] = []
        if module.id in first_folder:
            extra.append(
                Problem(display_path(module.folder / "module.md"), 1, "catalog.duplicate_module_id",
                        {"id": module.id, "other": display_path(first_folder[module.id])})
            )
        else:
            first_folder[module.id] = module.folder
        extra.extend(_cycle_problems(module, prerequisite_lines, graph))
        if extra:
            module = replace(module, problems=_sorted((*module.problems, *extra)))
        modules.append(module)
    glossary = load_glossary(root / GLOSSARY_FILE, known_ids)
    modules = [_with_glossary(module, glossary) for module in modules]
    problems = _sorted((*glossary.problems, *(problem for module in modules for problem in module.problems)))
    return Catalog(root, tuple(modules), problems, glossary)


def load_module(
    folder: Path | str, known_ids: Collection[str] | None = None, *, glossary: Glossary | None = None
) -> Module:
    """Read and check one module folder. Never raises on content errors.

    `known_ids` are the module ids that prerequisites may name; by default, the ids of the `NN-slug`
    folders beside `folder`. `glossary` checks the module's glossary links and synonyms; by default, the
    glossaire.md beside `folder` (its own problems are reported by `load_catalog` only). Checks that need
    the whole tree (duplicate ids, prerequisite cycles) are done by `load_catalog` only.
    """
    folder = Path(folder)
    if known_ids is None:
        known_ids = _sibling_ids(folder)
    if glossary is None:
        glossary = load_glossary(folder.parent / GLOSSARY_FILE)
    return _with_glossary(_load_module(folder, known_ids)[0], glossary)


def is_module_folder(path: Path) -> bool:
    """True when `path` looks like one module folder (it holds module.md or is named NN-slug)."""
    return (path / "module.md").is_file() or _NAME.fullmatch(path.name) is not None


def load_content(path: Path | str) -> Catalog:
    """A catalog of `path`: the whole tree, or just one module when `path` is a module folder.

    A single module's prerequisites are looked up among the module folders beside it.
    """
    path = Path(path)
    if path.is_dir() and is_module_folder(path):
        glossary = load_glossary(path.parent / GLOSSARY_FILE)
        module = load_module(path, glossary=glossary)
        return Catalog(path.parent, (module,), module.problems, glossary)
    return load_catalog(path)


_cache_lock = threading.Lock()
_cache: dict[tuple[str, str], tuple[tuple[tuple[str, int, int], ...], Catalog]] = {}


def cached_catalog(root: Path | str) -> Catalog:
    """The catalog of `root`, re-read only when a file under it changed (path, mtime or size).

    An unchanged tree costs one stat walk. Thread-safe: concurrent callers wait for a single reload.
    The catalog is always read after the fingerprint was taken, so a change during a read is picked up
    by the next call.
    """
    key = (str(Path(root).absolute()), os.getcwd())  # problem paths are relative to the working dir
    fingerprint = tree_fingerprint(Path(root))
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        catalog = load_catalog(root)
        _cache[key] = (fingerprint, catalog)
        return catalog


def tree_fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """(relative path, mtime_ns, size) of every folder and file under `root`, hidden names skipped."""
    entries: list[tuple[str, int, int]] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as scan:
                children = list(scan)
        except OSError:
            continue
        entries.append((os.path.relpath(folder, root), -1, -1))
        for entry in children:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    pending.append(Path(entry.path))
                    continue
                stat = entry.stat()
            except OSError:
                entries.append((os.path.relpath(entry.path, root), -1, -1))
                continue
            entries.append((os.path.relpath(entry.path, root), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))


# --- one module ---------------------------------------------------------------------------------


class _Report:
    """The problems of one module."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: Path, line: int, code: str, **values: Any) -> None:
        self.problems.append(Problem(display_path(path), max(1, line), code, values))

    def add_problem(self, path: Path, problem: Problem) -> None:
        """A problem found by another checker, reported at `path`."""
        self.problems.append(replace(problem, path=display_path(path), line=max(1, problem.line)))


def _load_module(folder: Path, known_ids: Collection[str]) -> tuple[Module, dict[str, int]]:
    """The module and the front matter line of each of its prerequisites (for cycle reports)."""
    report = _Report()
    match = _NAME.fullmatch(folder.name)
    if match is None:
        report.add(folder, 1, "catalog.bad_folder_name", name=folder.name)
        order, module_id = 0, folder.name
    else:
        order, module_id = int(match.group(1)), match.group(2)

    module_file = folder / "module.md"
    _check_sizes(folder, module_file, report)
    front = FrontMatter(False, {}, {}, {}, "", 1)
    overview: list[Block] = []
    if not module_file.is_file():
        report.add(module_file, 1, "catalog.missing_module_md")
    else:
        text = _read_text(module_file, report)
        if text is not None:
            front = _front_matter(text, module_file, report, REQUIRED_KEYS + OPTIONAL_KEYS, REQUIRED_KEYS)
            overview = _blocks(front, folder, module_file, report)

    fields = _Fields(front, module_file, report)
    title = fields.text("title") or module_id
    summary = fields.text("summary") or ""
    duration = fields.positive_int("duration_minutes") or 0
    objectives = fields.string_list("objectives", non_empty=True)
    level = fields.choice("level", LEVELS) or ""
    credits = fields.positive_number("credits_hours")
    pass_mark = fields.fraction("pass_mark")
    prerequisites = fields.string_list("prerequisites")
    fields.check_prerequisites(prerequisites, module_id, known_ids)

    lessons = _load_lessons(folder, report)
    quiz = _load_quiz(folder, objectives, report)

    module = Module(
        id=module_id,
        order=order,
        folder=folder,
        title=title,
        summary=summary,
        duration_minutes=duration,
        objectives=objectives,
        level=level,
        credits_hours=credits if credits is not None else round(duration / 60, 2),
        competencies=fields.string_list("competencies"),
        prerequisites=prerequisites,
        pass_mark=pass_mark if pass_mark is not None else DEFAULT_PASS_MARK,
        authors=fields.string_list("authors"),
        version=fields.version("version"),
        updated=fields.date("updated"),
        language=fields.language("language") or DEFAULT_LANGUAGE,
        references=fields.string_list("references"),
        overview=tuple(overview),
        lessons=tuple(lessons),
        quiz=quiz,
        problems=_sorted(report.problems),
    )
    prerequisite_lines = {
        prerequisite: fields.item_line("prerequisites", prerequisite) for prerequisite in prerequisites
    }
    return module, prerequisite_lines


def _load_lessons(folder: Path, report: _Report) -> list[Lesson]:
    found: list[tuple[int, str, Path]] = []
    try:
        files = sorted(entry for entry in folder.iterdir() if entry.is_file())
    except OSError:
        return []
    for path in files:
        if path.name in _SPECIAL_FILES or path.name.lower() == "readme.md" or path.name.startswith("."):
            continue  # hidden names are editors' lock and swap files
        if not path.name.lower().endswith(".md"):
            continue  # images and other resources
        match = _LESSON_FILE.fullmatch(path.name)
        if match is None:
            report.add(path, 1, "catalog.bad_lesson_name", name=path.name)
            continue
        found.append((int(match.group(1)), match.group(2), path))

    found.sort(key=lambda item: (item[0], item[2].name))
    if len(found) > limits.MAX_LESSONS:
        report.add(found[limits.MAX_LESSONS][2], 1, "limit.too_many_lessons", count=len(found),
                   limit=limits.MAX_LESSONS)
        del found[limits.MAX_LESSONS:]  # the rest is not read: a module's reading cost stays bounded
    lessons: list[Lesson] = []
    seen: dict[str, Path] = {}
    for order, lesson_id, path in found:
        if lesson_id in seen:
            report.add(path, 1, "catalog.duplicate_lesson_id", id=lesson_id, other=seen[lesson_id].name)
            continue
        seen[lesson_id] = path
        text = _read_text(path, report)
        if text is None:
            continue
        front = _front_matter(text, path, report, LESSON_KEYS, ("title",))
        fields = _Fields(front, path, report)
        lessons.append(
            Lesson(
                id=lesson_id,
                order=order,
                title=fields.text("title") or lesson_id,
                duration_minutes=fields.positive_int("duration_minutes"),
                path=path,
                blocks=tuple(_blocks(front, folder, path, report)),
            )
        )
    return lessons


def _load_quiz(folder: Path, objectives: Sequence[str], report: _Report) -> Quiz | None:
    path = folder / "quiz.md"
    if not path.is_file():
        return None
    text = _read_text(path, report)
    if text is None:
        return None
    front = parse_front_matter(text)  # its errors are the quiz parser's to report
    for problem in check_markdown(front.body, folder, source=path, first_line=front.body_line):
        report.add_problem(path, problem)
    try:
        parsed = quiz_engine.parse(text, source=display_path(path))
    except quiz_engine.QuizFormatError as exc:
        for issue in exc.errors:
            report.add(path, issue.line, f"quiz.{issue.code}", **issue.values)
        return None
    except Exception as exc:  # a bug in the engine must not take the other modules down
        report.add(path, 1, "catalog.quiz_internal_error", error=f"{type(exc).__name__}: {exc}")
        return None
    if len(parsed.questions) > limits.MAX_QUESTIONS:  # no quiz: nobody is shown thousands of questions
        count = len(parsed.questions)
        report.add(path, parsed.questions[limits.MAX_QUESTIONS].line, "limit.too_many_questions", count=count,
                   limit=limits.MAX_QUESTIONS)
        return None
    for question in parsed.questions:
        for line, (code, values) in zone_problems(question, folder):
            report.add(path, line, code, **values)
    if objectives:
        for question in parsed.questions:
            if question.objective is not None and not 1 <= question.objective <= len(objectives):
                report.add(path, question.line, "catalog.objective_out_of_range", id=question.id,
                           objective=question.objective, count=len(objectives))
    return parsed


# --- files and front matter ------------------------------------------------------------------------


def _check_sizes(folder: Path, module_file: Path, report: _Report) -> None:
    """Report each file of the module folder over MAX_FILE_BYTES, and the folder over MAX_MODULE_BYTES."""
    total = 0
    pending = [folder]
    while pending:  # no recursion: a folder may be deep
        try:
            with os.scandir(pending.pop()) as scan:
                entries = [entry for entry in scan if not entry.name.startswith(".")]
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(Path(entry.path))
                elif entry.is_file():
                    size = entry.stat().st_size
                    total += size
                    if size > limits.MAX_FILE_BYTES:
                        report.add(Path(entry.path), 1, "limit.file_too_large", size=size,
                                   limit=limits.MAX_FILE_BYTES)
        except OSError:
            continue  # an unreadable file or folder is reported where it is read
    if total > limits.MAX_MODULE_BYTES:
        report.add(module_file, 1, "limit.module_too_large", size=total, limit=limits.MAX_MODULE_BYTES)


def _read_text(path: Path, report: _Report) -> str | None:
    """The file as text with `\\n` line ends, or None (and a problem) when unreadable or not UTF-8.

    A file over MAX_FILE_BYTES is not read (`_check_sizes` reported it): hostile sizes cost nothing.
    """
    try:
        if path.stat().st_size > limits.MAX_FILE_BYTES:
            return None
        data = path.read_bytes()
    except OSError as exc:
        report.add(path, 1, "catalog.unreadable_file", reason=exc.strerror)
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.add(path, line, "catalog.not_utf8")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _front_matter(
    text: str, path: Path, report: _Report, allowed: Sequence[str], required: Sequence[str]
) -> FrontMatter:
    """Parse the front matter; report YAML errors, unknown keys and missing required keys."""
    front = parse_front_matter(text)
    for line, (code, values) in front.errors:
        report.add(path, line, code, **values)
    if not front.present:
        report.add(path, 1, "catalog.missing_front_matter", keys=", ".join(required))
        return front
    if front.errors:
        return front
    for key, line in front.key_lines.items():
        if key not in allowed:
            guess = difflib.get_close_matches(key, allowed, n=1)
            if guess:
                report.add(path, line, "catalog.unknown_key_guess", key=key, guess=guess[0], allowed=", ".join(allowed))
            else:
                report.add(path, line, "catalog.unknown_key", key=key, allowed=", ".join(allowed))
    for key in required:
        if key not in front.data:
            report.add(path, 1, "catalog.missing_key", key=key)
    return front


def _blocks(front: FrontMatter, folder: Path, path: Path, report: _Report) -> list[Block]:
    blocks, problems = parse_markdown(front.body, folder, source=path, first_line=front.body_line)
    for problem in problems:
        report.add_problem(path, problem)
    return blocks


class _Fields:
    """Typed access to front matter values; a wrong value becomes a problem at its key's line."""

    def __init__(self, front: FrontMatter, path: Path, report: _Report) -> None:
        self.data = front.data
        self.key_lines = front.key_lines
        self.item_lines = front.item_lines
        self.path = path
        self.report = report

    def _error(self, key: str, code: str, **values: Any) -> None:
        self.report.add(self.path, self.key_lines.get(key, 1), code, key=key, **values)

    def item_line(self, key: str, item: str) -> int:
        """The line of the first item of list `key` equal to `item` (the key's line if not found)."""
        raw = self.data.get(key)
        if isinstance(raw, list):
            for value, line in zip(raw, self.item_lines.get(key, ()), strict=False):
                if isinstance(value, str) and value.strip() == item:
                    return line
        return self.key_lines.get(key, 1)

    def _get(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str) -> str | None:
        value = self._get(key)
        if value is None:
            if key in self.data:
                self._error(key, "catalog.empty_text")
            return None
        if not isinstance(value, str) or not value.strip():
            self._error(key, "catalog.not_text")
            return None
        return value.strip()

    def positive_int(self, key: str) -> int | None:
        value = self._get(key)
        if key not in self.data:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self._error(key, "catalog.not_positive_minutes")
            return None
        return value

    def positive_number(self, key: str) -> float | None:
        value = self._get(key)
        if key not in self.data:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            self._error(key, "catalog.not_positive_number")
            return None
        return float(value)

    def fraction(self, key: str) -> float | None:
        value = self._get(key)
        if key not in self.data:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            self._error(key, "catalog.not_fraction")
            return None
        return float(value)

    def choice(self, key: str, choices: Sequence[str]) -> str | None:
        value = self._get(key)
        if key not in self.data:
            return None
        if value not in choices:
            if value is None:
                self._error(key, "catalog.choice_empty", choices=", ".join(choices))
            else:
                self._error(key, "catalog.not_a_choice", choices=", ".join(choices), value=str(value))
            return None
        return str(value)

    def string_list(self, key: str, non_empty: bool = False) -> tuple[str, ...]:
        if key not in self.data:
            return ()
        value = self._get(key)
        if value is None or value == []:
            if non_empty:
                self._error(key, "catalog.empty_list")
            return ()
        if not isinstance(value, list):
            self._error(key, "catalog.not_a_list")
            return ()
        lines = self.item_lines.get(key, ())
        items: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                line = lines[index] if index < len(lines) else self.key_lines.get(key, 1)
                self.report.add(self.path, line, "catalog.item_not_text", key=key, index=index + 1)
                continue
            items.append(item.strip())
        return tuple(items)

    def version(self, key: str) -> str | None:
        value = self._get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            self._error(key, "catalog.version_not_text")
            return None
        return str(value).strip() or None

    def date(self, key: str) -> dt.date | None:
        value = self._get(key)
        if key not in self.data:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if not isinstance(value, dt.date):
            self._error(key, "catalog.not_a_date")
            return None
        return value

    def language(self, key: str) -> str | None:
        value = self._get(key)
        if key not in self.data:
            return None
        if not isinstance(value, str) or not _LANGUAGE.fullmatch(value.strip()):
            self._error(key, "catalog.not_a_language")
            return None
        return value.strip()

    def check_prerequisites(
        self, prerequisites: Sequence[str], module_id: str, known_ids: Collection[str]
    ) -> None:
        for prerequisite in prerequisites:
            line = self.item_line("prerequisites", prerequisite)
            if prerequisite == module_id:
                self.report.add(self.path, line, "catalog.own_prerequisite", id=prerequisite)
            elif prerequisite not in known_ids:
                guess = difflib.get_close_matches(prerequisite, sorted(known_ids), n=1)
                if guess:
                    self.report.add(self.path, line, "catalog.unknown_prerequisite_guess", id=prerequisite,
                                    guess=guess[0])
                else:
                    self.report.add(self.path, line, "catalog.unknown_prerequisite", id=prerequisite)


# --- tree-level checks and helpers -----------------------------------------------------------------


def _cycle_problems(
    module: Module, prerequisite_lines: dict[str, int], graph: dict[str, tuple[str, ...]]
) -> list[Problem]:
    """A problem when one of the module's prerequisites leads back to the module."""
    for prerequisite in module.prerequisites:
        if prerequisite == module.id:
            continue  # reported by the module itself
        path = prerequisite_path(prerequisite, module.id, graph)
        if path is not None:
            chain = " → ".join((module.id, *path))
            line = prerequisite_lines.get(prerequisite, 1)
            return [Problem(display_path(module.folder / "module.md"), line, "catalog.prerequisite_cycle",
                            {"chain": chain})]
    return []


def prerequisite_path(start: str, goal: str, graph: dict[str, tuple[str, ...]]) -> list[str] | None:
    """The chain of prerequisites from `start` to `goal`, or None (depth-first search)."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        if node in seen:
            continue
        seen.add(node)
        stack.extend((child, [*path, child]) for child in graph.get(node, ()))
    return None


def _sibling_ids(folder: Path) -> set[str]:
    try:
        return {
            m.group(2)
            for entry in folder.parent.iterdir()
            if entry.is_dir() and (m := _NAME.fullmatch(entry.name))
        }
    except OSError:
        return set()


def _folder_sort_key(folder: Path) -> tuple[int, int, str]:
    match = _NAME.fullmatch(folder.name)
    if match is None:
        return (1, 0, folder.name)  # misnamed folders last
    return (0, int(match.group(1)), folder.name)


def _with_glossary(module: Module, glossary: Glossary) -> Module:
    """`module` with its glossary links checked (errors) and the synonyms it uses (warnings)."""
    errors, warnings = check_module(module, glossary)
    if not errors and not warnings:
        return module
    return replace(module, problems=_sorted((*module.problems, *errors)), warnings=_sorted(warnings))


def _sorted(problems: Any) -> tuple[Problem, ...]:
    return tuple(sorted(problems, key=lambda problem: (problem.path, problem.line)))
