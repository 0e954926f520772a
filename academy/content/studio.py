"""Trainer studio: check, preview, edit, upload and restore modules without ever breaking a working one.

Every change to the curriculum goes the same way:

1. **Stage.** The module folder is copied (an upload is extracted) into a private folder under
   `<content>/.studio-staging/`. It is hidden, so the catalog and its cache ignore it, and it sits on the
   same file system as the modules, so the final rename is atomic. It is removed when the operation ends.
2. **Lint.** The staged module is read with `academy.content.catalog.load_module`, its prerequisites resolved
   against the live content folder, plus the one tree-level check an edit can break: a prerequisite cycle.
3. **Decide.** A change is refused when it adds a problem. A valid module must stay valid. A module that is
   already invalid may still be saved when the change adds no problem of its own, so that trainers can fix
   an invalid module one error at a time; a problem is "new" when the module did not already have the same
   message in the same file (line numbers aside: an edit moves lines). An upload must be entirely valid.
4. **Write.** The previous version of every changed file is copied into the versions store
   (`ACADEMY_VERSIONS_DIR`, default `data/versions/`, as `<module id>/<stamp>/<file>`), then the file is
   replaced atomically (temporary file + `os.replace`); an upload swaps the whole module folder (two
   renames, the second undone if it fails). An audit entry records who changed what (`studio.save`,
   `studio.upload`, `studio.restore`).

The catalog cache (`academy.content.catalog.cached_catalog`) notices new files by their mtime, so a change is live
at the next page run, without a restart. Writes are serialised within a process; across processes (several
app replicas) the editor's `base_hash` check refuses to overwrite a file that changed since it was opened.

The content health shown to trainers is `academy.content.catalog`'s own: `problem_lines(catalog)` is exactly what
`python -m academy check` prints, line for line.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import io
import os
import re
import shutil
import stat
import tempfile
import threading
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from academy.content.catalog import (
    Block,
    Catalog,
    Module,
    Problem,
    cached_catalog,
    load_module,
    markdown_blocks,
    prerequisite_path,
)
from academy.content.frontmatter import parse_front_matter
from academy.content.markdown_blocks import display_path
from academy.i18n import t
from academy.learning.attempts import build_layout
from academy.store import db
from academy.store.audit import audit
from quiz import Question, Quiz
from quiz.grading import is_regex_answer

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VERSIONS_ENV = "ACADEMY_VERSIONS_DIR"
STAGING_NAME = ".studio-staging"
MB = 1024 * 1024
ALLOWED_EXTENSIONS = (".md", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
MAX_EDIT_BYTES = 1_000_000  # one Markdown file edited in the browser

SAVED, UNCHANGED, INVALID, CONFLICT = "saved", "unchanged", "invalid", "conflict"

_MODULE_NAME = re.compile(r"(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)")
_EDITABLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.md")
_STAMP = re.compile(r"\d{8}T\d{12}Z")
_DRIVE = re.compile(r"[A-Za-z]:")
_JUNK_FOLDER = "__MACOSX"  # macOS resource forks: ignored, like the files below
_JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_write_lock = threading.Lock()


# --- messages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """Why something was refused, as a code and its values; `message(locale)` is the sentence to show."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)

    def message(self, locale: str = "fr") -> str:
        """The sentence in `locale` (key `studio.reason.<code>`); decimals get a comma in French."""
        values = {
            key: (f"{value:.1f}".replace(".", ",") if locale == "fr" else f"{value:.1f}")
            if isinstance(value, float) else value
            for key, value in self.values.items()
        }
        return t(f"studio.reason.{self.code}", locale, **values)


class StudioError(Exception):
    """A studio operation that cannot be done (unknown module or file, read-only content…)."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.notice = Notice(code, values)

    def message(self, locale: str = "fr") -> str:
        """The reason, in `locale`."""
        return self.notice.message(locale)


def _notice(code: str, **values: Any) -> Notice:
    return Notice(code, values)


def _shown(name: str) -> str:
    """An archive member name safe to show inside backticks (no control characters, no backticks)."""
    cleaned = "".join(ch if ch.isprintable() and ch != "`" else "?" for ch in name)
    return cleaned if len(cleaned) <= 80 else cleaned[:77] + "…"


# --- content health and preview -------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleHealth:
    """One module folder's status for the content health list."""

    folder: str
    id: str
    title: str
    valid: bool
    problems: int
    lessons: int
    questions: int


_MODULE_FOLDER_IN_PATH = re.compile(r"(?:^|/)(\d+-[a-z0-9][a-z0-9-]*/)")


def without_server_paths(line: str, content_root: Path) -> str:
    """A ``file:line: message`` line with its file shown from the module folder, never as a server path.

    Trainers see ``03-prevention/quiz.md:12: …``, not where the content folder (or an upload's
    temporary folder) lives on the server.
    """
    path, separator, rest = line.partition(":")
    if not separator or not path.startswith("/"):
        return line
    root = str(content_root.resolve())
    if path.startswith(root + "/"):
        return path[len(root) + 1:] + separator + rest
    match = _MODULE_FOLDER_IN_PATH.search(path)
    shown = path[match.start(1):] if match else Path(path).name
    return shown + separator + rest


def problem_lines(catalog: Catalog) -> list[str]:
    """Every problem as `file:line: message`: the lines `python -m academy check` prints."""
    return [str(problem) for problem in catalog.problems]


def module_health(catalog: Catalog) -> list[ModuleHealth]:
    """Every module folder (valid or not), in catalogue order, with its problem count."""
    return [
        ModuleHealth(
            folder=module.folder.name,
            id=module.id,
            title=module.title,
            valid=module.valid,
            problems=len(module.problems),
            lessons=len(module.lessons),
            questions=len(module.quiz.questions) if module.quiz is not None else 0,
        )
        for module in catalog.all_modules
    ]


@dataclass(frozen=True)
class AnswerLine:
    """One line of a question's answer key, for the trainer view.

    `correct` is True or False for options that are right or wrong, None where it does not apply (the
    items of an ordering question, in their correct order). `note` is one of `indispensable`,
    `inacceptable`, `regex`, `distractor`, `panel` (then `panel` holds the experts' count) or "".
    """

    text: str
    correct: bool | None
    feedback: str = ""
    note: str = ""
    panel: int | None = None


def answer_key(question: Question) -> list[AnswerLine]:
    """The question's options with what is right, option feedback and grading notes, in written order."""
    lines: list[AnswerLine] = []
    for number, option in enumerate(question.options, start=1):
        if question.type in ("qru", "qrm"):
            note = "indispensable" if option.indispensable else "inacceptable" if option.inacceptable else ""
            lines.append(AnswerLine(option.text, option.correct, option.feedback, note))
        elif question.type == "qroc":
            note = "regex" if is_regex_answer(option.text) else ""
            lines.append(AnswerLine(option.text, option.correct, option.feedback, note))
        elif question.type == "numerique":
            tolerance = f" ± {option.tolerance:g}" if option.tolerance else ""
            unit = f" {question.unit}" if question.unit else ""
            lines.append(AnswerLine(f"{option.text}{tolerance}{unit}", True, option.feedback))
        elif question.type == "ordre":
            lines.append(AnswerLine(f"{number}. {option.text}", None, option.feedback))
        elif question.type == "association":
            if option.text:
                lines.append(AnswerLine(f"{option.text} → {option.match}", True, option.feedback))
            else:
                lines.append(AnswerLine(f"→ {option.match}", False, option.feedback, "distractor"))
        elif question.type == "zone":
            coords = " ".join(f"{x:g},{y:g}" for x, y in zip(option.coords[0::2], option.coords[1::2], strict=False))
            if option.shape == "circle":
                coords = f"{option.coords[0]:g},{option.coords[1]:g} r={option.coords[2]:g}"
            lines.append(AnswerLine(f"{option.shape} {coords} {option.text}".strip(), option.correct, option.feedback))
        elif question.type == "tcs":
            value = int(option.value or 0)
            label = f"{value:+d}" if value else "0"
            text = f"{label} {option.text}".strip()
            lines.append(AnswerLine(text, option.correct, option.feedback, "panel", option.panel))
    return lines


def coverage(module: Module, unassigned_label: str = "—") -> pd.DataFrame:
    """Objectives × questions: the points each question gives to the objective it tests.

    One row per objective (`"1. text"`), plus a row `unassigned_label` when some questions name no
    objective; one column per question id (empty where the question tests another objective), then the
    row's `questions` count and `points` total. An objective with 0 questions is not assessed.
    """
    questions = list(module.quiz.questions) if module.quiz is not None else []
    labels = [f"{number}. {objective}" for number, objective in enumerate(module.objectives, start=1)]
    if any(q.objective is None or not 1 <= q.objective <= len(labels) for q in questions):
        labels.append(unassigned_label)
    table = pd.DataFrame(index=labels, columns=[q.id for q in questions], dtype=float)
    for question in questions:
        inside = question.objective is not None and 1 <= question.objective <= len(module.objectives)
        row = labels[question.objective - 1] if inside else unassigned_label
        table.loc[row, question.id] = question.points
    table["questions"] = table[[q.id for q in questions]].notna().sum(axis=1).astype(int)
    table["points"] = table[[q.id for q in questions]].sum(axis=1)
    return table


def preview_layout(qz: Quiz) -> dict[str, Any]:
    """An attempt layout of every question (no draw), options in the order an attempt shows them."""
    return build_layout(replace(qz, settings=replace(qz.settings, draw=0)), seed=0)


def preview_blocks(text: str, folder: Path) -> list[Block]:
    """The blocks of a module.md or lesson text (front matter left out), images resolved in `folder`."""
    return markdown_blocks(parse_front_matter(text.replace("\r\n", "\n")).body, folder)


# --- reading module files ------------------------------------------------------------------------


def is_module_folder_name(name: str) -> bool:
    """True when `name` is a module folder name NN-slug (the only folders the studio writes to)."""
    return _MODULE_NAME.fullmatch(name) is not None


def module_files(content_root: Path | str, module_folder: str) -> list[str]:
    """The Markdown files of a module: module.md, the lessons in name order, then quiz.md."""
    folder = _module_dir(Path(content_root), module_folder)
    names = sorted(
        entry.name for entry in folder.iterdir()
        if entry.is_file() and entry.suffix.lower() == ".md" and not entry.name.startswith(".")
    )
    return sorted(names, key=lambda name: (name != "module.md", name == "quiz.md", name))


def read_file(content_root: Path | str, module_folder: str, filename: str) -> str:
    """The text of a module's Markdown file ("" when it does not exist yet)."""
    path = _module_dir(Path(content_root), module_folder) / _editable_name(filename)
    try:
        return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError as exc:
        raise StudioError("not_utf8", name=filename) from exc


def text_hash(text: str) -> str:
    """The SHA-256 of a text as saved (UTF-8): the editor's `base_hash`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text_hash_of(data: bytes | None) -> str:
    """`text_hash` of a file's bytes as `read_file` reads them (BOM dropped, LF line ends)."""
    raw = data or b""
    try:
        return text_hash(raw.decode("utf-8-sig").replace("\r\n", "\n"))
    except UnicodeDecodeError:
        return hashlib.sha256(raw).hexdigest()


def diff_text(old: str, new: str, filename: str) -> str:
    """A unified diff from `old` to `new` (empty when they are equal)."""
    return "".join(
        difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                             fromfile=f"a/{filename}", tofile=f"b/{filename}")
    )


def module_zip(content_root: Path | str, module_folder: str) -> bytes:
    """The module folder as a .zip (`NN-slug/…`, hidden files left out), ready to edit and upload back."""
    folder = _module_dir(Path(content_root), module_folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(_module_file_paths(folder)):
            archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


# --- editing: check, save, versions, restore -------------------------------------------------------


@dataclass(frozen=True)
class EditCheck:
    """The lint of a module with a change applied (nothing written)."""

    problems: tuple[str, ...]  # every problem of the module with the change, `file:line: message`
    new_problems: tuple[str, ...]  # the problems the change adds: any refuses it
    was_valid: bool  # the module had no problem before the change
    module: Module  # the module as it would read (from the staging copy: use it for its data, not paths)

    @property
    def acceptable(self) -> bool:
        """True when the change may be saved (it adds no problem)."""
        return not self.new_problems


@dataclass(frozen=True)
class Version:
    """A previous version of one file of a module, kept by a save, an upload or a restore."""

    module_id: str
    stamp: str  # when it was replaced: YYYYMMDDTHHMMSSffffffZ (UTC)
    file: str  # its path inside the module folder, with /
    saved_at: datetime
    size: int


@dataclass(frozen=True)
class SaveResult:
    """What a save or a restore did: `status` is saved, unchanged, invalid (refused) or conflict."""

    status: str
    problems: tuple[str, ...] = ()
    new_problems: tuple[str, ...] = ()
    kept: Version | None = None  # the previous version, when there was one

    @property
    def saved(self) -> bool:
        """True when the file was written."""
        return self.status == SAVED


def versions_root() -> Path:
    """The versions store: `ACADEMY_VERSIONS_DIR`, or data/versions/ beside the code."""
    return Path(os.environ.get(VERSIONS_ENV) or PROJECT_ROOT / "data" / "versions")


def check_file(content_root: Path | str, module_folder: str, filename: str, text: str) -> EditCheck:
    """Lint the module as it would be with `filename` holding `text` (nothing is written)."""
    root = Path(content_root)
    folder = _module_dir(root, module_folder)
    return _check(root, folder, {_editable_name(filename): _edited_bytes(text)})


def save_file(
    content_root: Path | str,
    module_folder: str,
    filename: str,
    text: str,
    *,
    actor_id: int | None,
    engine: Engine,
    base_hash: str | None = None,
    versions_dir: Path | None = None,
) -> SaveResult:
    """Save one Markdown file of a module if the module stays valid (or, if it was not, gets no new problem).

    `base_hash` is `text_hash` of the text the editor started from: when the file changed since, the save
    is refused with status `conflict`. The previous version is kept in the versions store first.
    """
    root = Path(content_root)
    folder = _module_dir(root, module_folder)
    name = _editable_name(filename)
    return _commit(root, folder, {name: _edited_bytes(text)}, action="studio.save", actor_id=actor_id,
                   engine=engine, versions_dir=versions_dir, base_hash=base_hash)


def versions(module_id: str, *, file: str | None = None, versions_dir: Path | None = None) -> list[Version]:
    """The kept versions of a module's files (only `file`'s when given), newest first."""
    base = (versions_dir or versions_root()) / module_id
    if not _MODULE_NAME.fullmatch(f"0-{module_id}") or not base.is_dir():
        return []
    found: list[Version] = []
    for stamp_dir in base.iterdir():
        if not (stamp_dir.is_dir() and _STAMP.fullmatch(stamp_dir.name)):
            continue
        saved_at = datetime.strptime(stamp_dir.name, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        for path in stamp_dir.rglob("*"):
            relative = path.relative_to(stamp_dir).as_posix()
            if path.is_file() and (file is None or relative == file):
                found.append(Version(module_id, stamp_dir.name, relative, saved_at, path.stat().st_size))
    return sorted(found, key=lambda version: (version.stamp, version.file), reverse=True)


def read_version(version: Version, *, versions_dir: Path | None = None) -> bytes:
    """The content of a kept version."""
    return _version_path(versions_dir or versions_root(), version.module_id, version.stamp, version.file).read_bytes()


def restore_version(
    content_root: Path | str,
    module_folder: str,
    stamp: str,
    file: str,
    *,
    actor_id: int | None,
    engine: Engine,
    versions_dir: Path | None = None,
) -> SaveResult:
    """Put a kept version of `file` back, under the same rule as a save; the replaced text is kept too."""
    root = Path(content_root)
    folder = _module_dir(root, module_folder)
    module_id = _module_id(folder)
    store = versions_dir or versions_root()
    path = _version_path(store, module_id, stamp, file)
    if not path.is_file():
        raise StudioError("unknown_version")
    return _commit(root, folder, {file: path.read_bytes()}, action="studio.restore", actor_id=actor_id,
                   engine=engine, versions_dir=store, restored=stamp)


def _edited_bytes(text: str) -> bytes:
    data = text.replace("\r\n", "\n").encode("utf-8")
    if len(data) > MAX_EDIT_BYTES:
        raise StudioError("text_too_large", limit=MAX_EDIT_BYTES // 1000)
    return data


def _commit(
    root: Path,
    folder: Path,
    changes: dict[str, bytes],
    *,
    action: str,
    actor_id: int | None,
    engine: Engine,
    versions_dir: Path | None,
    base_hash: str | None = None,
    restored: str | None = None,
) -> SaveResult:
    """Check `changes` (path in the module → new bytes) on a staging copy, then keep and write them."""
    module_id = _module_id(folder)
    with _write_lock:
        current = {name: _read_or_none(folder / name) for name in changes}
        if base_hash is not None and any(_text_hash_of(data) != base_hash for data in current.values()):
            return SaveResult(CONFLICT)
        if all(current[name] == data for name, data in changes.items()):
            return SaveResult(UNCHANGED)
        check = _check(root, folder, changes)
        if not check.acceptable:
            return SaveResult(INVALID, check.problems, check.new_problems)
        store = versions_dir or versions_root()
        stamp = _new_stamp(store / module_id)
        replaced = [name for name, data in changes.items() if current[name] is not None and current[name] != data]
        details = {"folder": folder.name, "files": sorted(changes), "kept": stamp if replaced else None}
        if restored:
            details["restored"] = restored
        try:
            with db.write(engine) as session:
                audit(session, actor_id=actor_id, action=action, target=module_id, details=details)
                session.flush()  # the audit entry reaches the database first: if it fails, no file changes
                kept = [_keep(store, module_id, stamp, name, current[name] or b"") for name in replaced]
                for name, data in changes.items():
                    _atomic_write(folder.joinpath(*PurePosixPath(name).parts), data)
        except OSError as exc:
            raise StudioError("not_writable", detail=exc.strerror or str(exc)) from exc
    return SaveResult(SAVED, check.problems, (), kept[0] if kept else None)


def _check(root: Path, folder: Path, changes: dict[str, bytes]) -> EditCheck:
    """Lint the live module and a staging copy with `changes` applied; compare their problems."""
    _, before = _lint(folder, root, folder)
    with _staging(root) as work:
        staged = work / folder.name
        try:
            shutil.copytree(folder, staged, ignore=shutil.ignore_patterns(".*"))
            for name, data in changes.items():
                target = staged.joinpath(*PurePosixPath(name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        except OSError as exc:
            raise StudioError("not_writable", detail=exc.strerror or str(exc)) from exc
        module, after = _lint(staged, root, folder)
    return EditCheck(
        problems=tuple(str(problem) for problem in after),
        new_problems=tuple(str(problem) for problem in _added(before, after)),
        was_valid=not before,
        module=module,
    )


def _added(before: Iterable[Problem], after: Iterable[Problem]) -> list[Problem]:
    """The problems of `after` that `before` did not have (same file and message; lines may move)."""
    remaining = Counter((problem.path, problem.message) for problem in before)
    added = []
    for problem in after:
        key = (problem.path, problem.message)
        if remaining[key]:
            remaining[key] -= 1
        else:
            added.append(problem)
    return added


def _lint(folder: Path, root: Path, live: Path) -> tuple[Module, list[Problem]]:
    """The module read from `folder` and its problems, reported at the paths of the live folder `live`.

    Prerequisites are resolved against the module folders of `root`; a prerequisite cycle through the
    live catalog is reported like `load_catalog` does.
    """
    known = {match.group(2) for entry in _subfolders(root) if (match := _MODULE_NAME.fullmatch(entry.name))}
    live_catalog = cached_catalog(root)
    module = load_module(folder, known, glossary=live_catalog.glossary)  # the staged copy has none beside it
    problems = [_moved(problem, folder, live) for problem in module.problems]
    cycle = _cycle(module, live_catalog, live)
    if cycle is not None:
        problems.append(cycle)
    return module, sorted(problems, key=lambda problem: (problem.path, problem.line))


def _moved(problem: Problem, staged: Path, live: Path) -> Problem:
    """`problem` with the staging folder in its path replaced by the live module folder."""
    if staged == live:
        return problem
    prefix = display_path(staged)
    if problem.path == prefix or problem.path.startswith(prefix + os.sep):
        return Problem(display_path(live) + problem.path[len(prefix):], problem.line, problem.message)
    return problem


def _cycle(module: Module, catalog: Catalog, live: Path) -> Problem | None:
    """The first prerequisite cycle through `module` with the live catalog's other modules, as a Problem."""
    graph = {other.id: other.prerequisites for other in catalog.all_modules}
    graph[module.id] = module.prerequisites
    for prerequisite in module.prerequisites:
        if prerequisite == module.id:
            continue  # reported by load_module
        chain = prerequisite_path(prerequisite, module.id, graph)
        if chain is not None:
            line = _prerequisite_line(module.folder / "module.md", prerequisite)
            message = f"prerequisites form a cycle ({' → '.join((module.id, *chain))}): remove one of them"
            return Problem(display_path(live / "module.md"), line, message)
    return None


def _prerequisite_line(module_file: Path, prerequisite: str) -> int:
    """The front matter line of `prerequisite` in module.md (1 when it cannot be found)."""
    try:
        front = parse_front_matter(module_file.read_text(encoding="utf-8-sig").replace("\r\n", "\n"))
    except (OSError, UnicodeDecodeError):
        return 1
    items = front.data.get("prerequisites")
    if isinstance(items, list):
        for item, line in zip(items, front.item_lines.get("prerequisites", ()), strict=False):
            if isinstance(item, str) and item.strip() == prerequisite:
                return line
    return front.key_lines.get("prerequisites", 1)


def _keep(store: Path, module_id: str, stamp: str, name: str, data: bytes) -> Version:
    """Copy the previous version of `name` into the versions store."""
    path = store / module_id / stamp / PurePosixPath(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    saved_at = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    return Version(module_id, stamp, name, saved_at, len(data))


def _new_stamp(base: Path) -> str:
    """A UTC time stamp not yet used under `base` (microseconds; bumped on a collision)."""
    now = datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    while (base / stamp).exists():
        now = now.replace(microsecond=(now.microsecond + 1) % 1_000_000)
        stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    return stamp


def _version_path(store: Path, module_id: str, stamp: str, file: str) -> Path:
    """The path of a kept version; StudioError when the stamp or file name is not one the store makes."""
    parts = PurePosixPath(file).parts
    if (not _STAMP.fullmatch(stamp) or not _MODULE_NAME.fullmatch(f"0-{module_id}") or not parts
            or any(part in ("", ".", "..") or part.startswith(".") or "\\" in part for part in parts)
            or PurePosixPath(file).is_absolute()):
        raise StudioError("unknown_version")
    return store / module_id / stamp / PurePosixPath(*parts)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a hidden temporary file in the same folder and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# --- uploads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadLimits:
    """What an uploaded archive may hold."""

    archive_bytes: int = 5 * MB
    total_bytes: int = 20 * MB  # uncompressed
    files: int = 200
    ratio: float = 100.0  # uncompressed / compressed size of one member…
    ratio_min_bytes: int = MB  # …checked from this uncompressed size on
    depth: int = 2  # sub-folder levels inside the module folder (images/x.png is 1)


DEFAULT_LIMITS = UploadLimits()


@dataclass(frozen=True)
class UploadCheck:
    """What an uploaded archive would install, or why it is refused."""

    refusals: tuple[Notice, ...] = ()  # the archive itself is refused (nothing was installed)
    problems: tuple[str, ...] = ()  # the module's content problems, `file:line: message`
    folder: str | None = None  # the module folder it goes to, NN-slug
    files: tuple[str, ...] = ()  # its files, paths inside the module folder
    replaces: bool = False  # a module folder of that name exists and would be replaced
    title: str = ""

    @property
    def ok(self) -> bool:
        """True when the archive may be installed."""
        return not self.refusals and not self.problems


@dataclass(frozen=True)
class InstallResult:
    """The check of an upload, whether it was installed, and the previous versions kept."""

    check: UploadCheck
    installed: bool
    kept: tuple[Version, ...] = ()


def validate_upload(
    zip_bytes: bytes, content_root: Path | str, target: str | None = None, *, limits: UploadLimits = DEFAULT_LIMITS
) -> UploadCheck:
    """Check an uploaded module archive without installing it.

    The archive holds one `NN-slug/` module folder, or the module's files at its root (then `target`, the
    NN-slug folder name, says where it goes). Every member must be a plain file with a relative path
    inside the module (no absolute path, drive letter, backslash, `..`, link or hidden name), of an allowed
    type, within the size, count and compression-ratio limits. The module is then extracted into the
    staging folder and linted against the live content folder; the staging copy is removed.
    """
    with _staged_upload(zip_bytes, Path(content_root), target, limits) as (check, _):
        return check


def install_upload(
    zip_bytes: bytes,
    content_root: Path | str,
    *,
    target: str | None = None,
    actor_id: int | None,
    engine: Engine,
    versions_dir: Path | None = None,
    limits: UploadLimits = DEFAULT_LIMITS,
) -> InstallResult:
    """Install a valid uploaded module: create its folder, or replace the existing one in one swap.

    The archive is checked again (as `validate_upload`); nothing changes when it is refused. The previous
    version of every file the upload changes or removes is kept in the versions store.
    """
    root = Path(content_root)
    with _write_lock, _staged_upload(zip_bytes, root, target, limits) as (check, staged):
        if not check.ok or staged is None or check.folder is None:
            return InstallResult(check, installed=False)
        live = root / check.folder
        module_id = _module_id(live)
        store = versions_dir or versions_root()
        stamp = _new_stamp(store / module_id)
        old = _file_hashes(live) if live.is_dir() else {}
        new = _file_hashes(staged)
        replaced = sorted(name for name, digest in old.items() if new.get(name) != digest)
        details = {"folder": check.folder, "files": sorted(set(new) | set(old)), "replaced": check.replaces,
                   "kept": stamp if replaced else None}
        try:
            with db.write(engine) as session:
                audit(session, actor_id=actor_id, action="studio.upload", target=module_id, details=details)
                session.flush()
                kept = tuple(
                    _keep(store, module_id, stamp, name, live.joinpath(*PurePosixPath(name).parts).read_bytes())
                    for name in replaced
                )
                _swap(staged, live)
        except OSError as exc:
            raise StudioError("not_writable", detail=exc.strerror or str(exc)) from exc
    return InstallResult(check, installed=True, kept=kept)


@contextmanager
def _staged_upload(
    zip_bytes: bytes, root: Path, target: str | None, limits: UploadLimits
) -> Iterator[tuple[UploadCheck, Path | None]]:
    """Inspect the archive, extract it into a staging folder and lint it; yield the check and the copy."""
    refusals, plan, folder = _inspect(zip_bytes, (target or "").strip() or None, limits)
    if not refusals and folder is not None:
        refusals = _id_in_use(root, folder)
    if refusals or folder is None:
        yield UploadCheck(refusals=tuple(refusals), folder=folder), None
        return
    files = tuple("/".join(parts) for _, parts in plan)
    with _staging(root) as work:
        staged = work / folder
        refusals = _extract(zip_bytes, plan, staged, limits)
        if refusals:
            yield UploadCheck(refusals=tuple(refusals), folder=folder, files=files), None
            return
        module, problems = _lint(staged, root, root / folder)
        check = UploadCheck(
            problems=tuple(str(problem) for problem in problems),
            folder=folder,
            files=files,
            replaces=(root / folder).is_dir(),
            title=module.title,
        )
        yield check, staged


def _inspect(
    zip_bytes: bytes, target: str | None, limits: UploadLimits
) -> tuple[list[Notice], list[tuple[zipfile.ZipInfo, tuple[str, ...]]], str | None]:
    """Check the archive's members without extracting anything.

    Returns the refusals, the plan (each member to extract and its path parts inside the module folder)
    and the module folder name.
    """
    if len(zip_bytes) > limits.archive_bytes:
        return [_notice("archive_too_large", size=len(zip_bytes) / MB, limit=limits.archive_bytes // MB)], [], None
    try:
        with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return [_notice("not_zip")], [], None

    refusals: list[Notice] = []
    members: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
    seen: set[str] = set()
    total = 0
    for info in infos:
        refusal = _member_refusal(info)
        if refusal is not None:
            refusals.append(refusal)
            continue
        if info.is_dir():
            continue
        parts = tuple(info.filename.split("/"))
        total += info.file_size
        name = _shown(info.filename)
        if parts[0] == _JUNK_FOLDER or parts[-1] in _JUNK_FILES:
            continue
        if any(part.startswith(".") for part in parts):
            refusals.append(_notice("hidden_name", name=name))
        elif PurePosixPath(parts[-1]).suffix.lower() not in ALLOWED_EXTENSIONS:
            refusals.append(_notice("bad_extension", name=name, allowed=" ".join(ALLOWED_EXTENSIONS)))
        elif info.filename.casefold() in seen:
            refusals.append(_notice("duplicate_name", name=name))
        elif info.file_size >= limits.ratio_min_bytes and (
            ratio := info.file_size / max(info.compress_size, 1)
        ) > limits.ratio:
            refusals.append(_notice("compression_ratio", name=name, ratio=round(ratio)))
        seen.add(info.filename.casefold())
        members.append((info, parts))
    if len(members) > limits.files:
        refusals.append(_notice("too_many_files", count=len(members), limit=limits.files))
    if total > limits.total_bytes:
        refusals.append(_notice("total_too_large", size=total / MB, limit=limits.total_bytes // MB))
    if refusals:
        return refusals, [], None
    if not members:
        return [_notice("empty")], [], None

    folder, layout_refusals, strip = _layout(members, target)
    if layout_refusals:
        return layout_refusals, [], folder
    plan = [(info, parts[strip:]) for info, parts in members]
    for info, parts in plan:
        name = _shown(info.filename)
        if parts[-1].lower().endswith(".md") and len(parts) > 1:
            refusals.append(_notice("nested_markdown", name=name))
        elif len(parts) - 1 > limits.depth:
            refusals.append(_notice("too_deep", name=name, limit=limits.depth))
    return refusals, ([] if refusals else plan), folder


def _member_refusal(info: zipfile.ZipInfo) -> Notice | None:
    """Why one archive member is unsafe (path, link, special file, encryption), or None."""
    name = info.filename
    shown = _shown(name)
    parts = name[:-1].split("/") if name.endswith("/") else name.split("/")
    kind = stat.S_IFMT(info.external_attr >> 16)
    if "\\" in name:
        return _notice("backslash", name=shown)
    if name.startswith("/") or _DRIVE.match(name):
        return _notice("absolute_path", name=shown)
    if ".." in parts:
        return _notice("parent_path", name=shown)
    if any(part in ("", ".") for part in parts) or any(not ch.isprintable() or ch == ":" for ch in name):
        return _notice("bad_name", name=shown)
    if kind == stat.S_IFLNK:
        return _notice("symlink", name=shown)
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return _notice("special_file", name=shown)
    if info.flag_bits & 0x1:
        return _notice("encrypted", name=shown)
    return None


def _layout(
    members: list[tuple[zipfile.ZipInfo, tuple[str, ...]]], target: str | None
) -> tuple[str | None, list[Notice], int]:
    """The module folder name, the layout refusals, and how many leading path parts to strip."""
    at_root = {parts[0] for _, parts in members if len(parts) == 1}
    if at_root:
        if "module.md" not in at_root:
            return None, [_notice("layout")], 0
        if target is None:
            return None, [_notice("target_required")], 0
        if not _MODULE_NAME.fullmatch(target):
            return None, [_notice("target_invalid", name=_shown(target))], 0
        return target, [], 0
    tops = {parts[0] for _, parts in members}
    if len(tops) != 1:
        return None, [_notice("layout")], 0
    folder = tops.pop()
    if not _MODULE_NAME.fullmatch(folder):
        return None, [_notice("folder_name", name=_shown(folder))], 1
    if target is not None and target != folder:
        return folder, [_notice("target_mismatch", archive=folder, target=_shown(target))], 1
    return folder, [], 1


def _id_in_use(root: Path, folder: str) -> list[Notice]:
    """A refusal when another live module folder already has this folder's module id."""
    module_id = _module_id(Path(folder))
    for entry in _subfolders(root):
        match = _MODULE_NAME.fullmatch(entry.name)
        if match and match.group(2) == module_id and entry.name != folder:
            return [_notice("id_in_use", id=module_id, folder=entry.name)]
    return []


def _extract(
    zip_bytes: bytes, plan: list[tuple[zipfile.ZipInfo, tuple[str, ...]]], staged: Path, limits: UploadLimits
) -> list[Notice]:
    """Extract the planned members into `staged`, counting the bytes actually written."""
    staged.mkdir()
    base = staged.resolve()
    written = 0
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        for info, parts in plan:
            name = _shown(info.filename)
            destination = staged.joinpath(*parts)
            if not destination.resolve().is_relative_to(base):
                return [_notice("parent_path", name=name)]
            try:
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(destination, "xb") as out:
                    while chunk := source.read(64 * 1024):
                        written += len(chunk)
                        if written > limits.total_bytes:
                            return [_notice("total_too_large", size=written / MB, limit=limits.total_bytes // MB)]
                        out.write(chunk)
            except (FileExistsError, NotADirectoryError, IsADirectoryError):
                return [_notice("duplicate_name", name=name)]
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError):
                return [_notice("corrupt", name=name)]
    return []


def _swap(staged: Path, live: Path) -> None:
    """Put the folder `staged` at `live`; an existing `live` goes back beside `staged` (then removed)."""
    if not live.exists():
        os.rename(staged, live)
        return
    previous = staged.parent / f"previous-{live.name}"
    os.rename(live, previous)
    try:
        os.rename(staged, live)
    except OSError:
        os.rename(previous, live)
        raise


def _file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every non-hidden file under `folder`, by path inside it."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in _module_file_paths(folder)
    }


# --- shared helpers --------------------------------------------------------------------------------


@contextmanager
def _staging(root: Path) -> Iterator[Path]:
    """A fresh private folder under `<root>/.studio-staging/`, removed (with the base when empty) after."""
    base = root / STAGING_NAME
    for _ in range(3):  # another operation may remove the empty base between the two calls
        try:
            base.mkdir(exist_ok=True)
            work = Path(tempfile.mkdtemp(dir=base))
            break
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise StudioError("not_writable", detail=exc.strerror or str(exc)) from exc
    else:
        raise StudioError("not_writable", detail=str(base))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(OSError):
            base.rmdir()  # only succeeds when no other operation is using it


def _module_dir(root: Path, module_folder: str) -> Path:
    """The live module folder `root/module_folder`; StudioError unless it is an NN-slug folder there."""
    folder = root / module_folder
    if not _MODULE_NAME.fullmatch(module_folder) or folder.is_symlink() or not folder.is_dir():
        raise StudioError("unknown_module", folder=_shown(module_folder))
    return folder


def _module_id(folder: Path) -> str:
    match = _MODULE_NAME.fullmatch(folder.name)
    if match is None:
        raise StudioError("unknown_module", folder=_shown(folder.name))
    return match.group(2)


def _editable_name(filename: str) -> str:
    """`filename` when it names a Markdown file directly in a module folder; StudioError otherwise."""
    if not _EDITABLE_NAME.fullmatch(filename):
        raise StudioError("bad_file", name=_shown(filename))
    return filename


def _subfolders(root: Path) -> list[Path]:
    try:
        return [entry for entry in root.iterdir() if entry.is_dir()]
    except OSError:
        return []


def _module_file_paths(folder: Path) -> list[Path]:
    """Every file under `folder` whose path has no hidden part."""
    return [
        path for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
