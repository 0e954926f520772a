"""Trainer studio: check, preview, edit, upload, restore and publish modules without ever breaking a working one.

The curriculum lives in the database (`academy.content.repository`): every module folder has versions, a
head (what the Studio edits and previews, a draft when there are unpublished changes) and a published
version (what learners get). Every change goes the same way:

1. **Stage.** The module's head is written into a private temporary folder (an upload is extracted there)
   with the change applied.
2. **Lint.** The staged module is read with `academy.content.catalog.load_module`, its prerequisites
   resolved against the working copy, plus the one tree-level check an edit can break: a prerequisite cycle.
3. **Decide.** A change is refused when it adds a problem. A valid module must stay valid. A module that is
   already invalid may still be saved when the change adds no problem of its own, so that trainers can fix
   an invalid module one error at a time; a problem is "new" when the module did not already have the same
   message in the same file (line numbers aside: an edit moves lines). An upload must be entirely valid.
4. **Draft.** The whole folder is written as a new draft version in one database transaction, with the
   audit entry (`studio.save`, `studio.upload`, `studio.restore`). The change names the version it was made
   from: when another save changed the same file meanwhile (on any replica), it is refused as a conflict;
   a save of another file of the module is kept and the change applied on top of it.
5. **Publish.** « Publier » lints the draft against the published curriculum and publishes it only when it
   has no problem at all (`studio.publish`); every replica serves it at its next page run. A draft can also
   be discarded (`studio.discard`).

A restore makes a new draft too (nothing reaches learners without being published, and the history only
grows: restoring an old version is a new version, as a revert is a new commit in Git).

The content health shown to trainers is `academy.content.catalog`'s own: `problem_lines(catalog)` is exactly what
`python -m academy check` prints, line for line.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
import stat
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Engine

from academy.content import repository
from academy.content.catalog import (
    Block,
    Catalog,
    Module,
    Problem,
    load_module,
    markdown_blocks,
    prerequisite_path,
)
from academy.content.frontmatter import parse_front_matter
from academy.content.limits import MAX_FILE_BYTES
from academy.content.markdown_blocks import display_path
from academy.content.repository import PUBLISHED, VersionInfo
from academy.i18n import t
from academy.learning.attempts import build_layout
from quiz import Question, Quiz
from quiz.grading import is_regex_answer

MB = 1024 * 1024
ALLOWED_EXTENSIONS = (".md", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")
MAX_EDIT_BYTES = MAX_FILE_BYTES  # one Markdown file edited in the browser: the linter's limit for any file
MAX_MESSAGE_LENGTH = 500
TIMEZONE = ZoneInfo("Europe/Paris")  # version times are shown in French local time

SAVED, UNCHANGED, INVALID, CONFLICT = "saved", "unchanged", "invalid", "conflict"
PUBLISHED_STATUS = "published"
_RETRIES = 3  # a change is checked again when another one lands between its check and its commit

_MODULE_NAME = re.compile(r"(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)")
_EDITABLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.md")
_DRIVE = re.compile(r"[A-Za-z]:")
_JUNK_FOLDER = "__MACOSX"  # macOS resource forks: ignored, like the files below
_JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


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

    Trainers see ``03-prevention/quiz.md:12: …``, not where the curriculum (a materialised copy, or an
    upload's temporary folder) lives on the server.
    """
    path, separator, rest = line.partition(":")
    if not separator:
        return line
    for root in (str(content_root.resolve()), display_path(content_root)):
        if path.startswith(root + "/"):
            return path[len(root) + 1:] + separator + rest
    match = _MODULE_FOLDER_IN_PATH.search(path)
    if match:
        return path[match.start(1):] + separator + rest
    return (Path(path).name if path.startswith("/") else path) + separator + rest


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


def local_time(moment: datetime) -> str:
    """`moment` as French local time, e.g. 05/12/2026 14:03."""
    return moment.astimezone(TIMEZONE).strftime("%d/%m/%Y %H:%M")


def module_ref(engine: Engine, module_folder: str) -> repository.ModuleRef:
    """The store's record of an editable module folder; StudioError when there is none."""
    ref = repository.module(engine, module_folder) if is_module_folder_name(module_folder) else None
    if ref is None:
        raise StudioError("unknown_module", folder=_shown(module_folder))
    return ref


def module_files(engine: Engine, module_folder: str, *, version_id: int | None = None) -> list[str]:
    """The Markdown files of a module's head (or of `version_id`): module.md, the lessons in name order, quiz.md."""
    source = version_id if version_id is not None else module_ref(engine, module_folder).head_version_id
    names = sorted(path for path in repository.file_hashes(engine, source)
                   if "/" not in path and path.lower().endswith(".md"))
    return sorted(names, key=lambda name: (name != "module.md", name == "quiz.md", name))


def read_file(engine: Engine, module_folder: str, filename: str, *, version_id: int | None = None) -> str:
    """The text of a module's Markdown file in its head (or in `version_id`); "" when it has no such file."""
    source = version_id if version_id is not None else module_ref(engine, module_folder).head_version_id
    return _text(repository.read_file(engine, source, _editable_name(filename)), filename)


def _text(data: bytes | None, filename: str) -> str:
    if data is None:
        return ""
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise StudioError("not_utf8", name=filename) from exc


def text_hash(text: str) -> str:
    """The SHA-256 of a text as saved (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def diff_text(old: str, new: str, filename: str) -> str:
    """A unified diff from `old` to `new` (empty when they are equal)."""
    return "".join(
        difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                             fromfile=f"a/{filename}", tofile=f"b/{filename}")
    )


def module_zip(engine: Engine, module_folder: str, *, version_id: int | None = None) -> bytes:
    """A module's head (or `version_id`) as a .zip (`NN-slug/…`), ready to edit and upload back."""
    source = version_id if version_id is not None else module_ref(engine, module_folder).head_version_id
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(repository.read_files(engine, source).items()):
            archive.writestr(f"{module_folder}/{path}", data)
    return buffer.getvalue()


def history(engine: Engine, module_folder: str) -> list[VersionInfo]:
    """The versions of a module, newest first, with author, time, message and the files each changed."""
    return repository.history(engine, module_ref(engine, module_folder).folder)


def read_version(engine: Engine, module_folder: str, version_id: int, file: str) -> bytes | None:
    """A file as it was in a version of the module (None when that version had no such file)."""
    _version_of(engine, module_folder, version_id)
    return repository.read_file(engine, version_id, file)


def _version_of(engine: Engine, module_folder: str, version_id: int) -> VersionInfo:
    found = repository.version(engine, version_id) if isinstance(version_id, int) else None
    if found is None or found.folder != module_folder:
        raise StudioError("unknown_version")
    return found


# --- editing: check, save, restore, publish, discard ----------------------------------------------------


@dataclass(frozen=True)
class EditCheck:
    """The lint of a module with a change applied (nothing written)."""

    problems: tuple[Problem, ...]  # every problem of the module with the change, at `NN-slug/file` paths
    new_problems: tuple[Problem, ...]  # the problems the change adds: any refuses it
    was_valid: bool  # the module had no problem before the change
    module: Module  # the module as it would read (from the staging copy: use it for its data, not paths)
    warnings: tuple[Problem, ...] = ()  # glossary synonyms the module would use: shown, never a refusal

    @property
    def acceptable(self) -> bool:
        """True when the change may be saved (it adds no problem)."""
        return not self.new_problems


@dataclass(frozen=True)
class SaveResult:
    """What a save, restore or upload did: `status` is saved (a new draft), unchanged, invalid or conflict."""

    status: str
    problems: tuple[Problem, ...] = ()
    new_problems: tuple[Problem, ...] = ()
    version: VersionInfo | None = None  # the new draft

    @property
    def saved(self) -> bool:
        """True when a new draft was written."""
        return self.status == SAVED


@dataclass(frozen=True)
class PublishCheck:
    """A module's draft, checked against the published curriculum (what « Publier » would do)."""

    draft: VersionInfo | None  # None: the module has no draft (nothing to publish)
    problems: tuple[Problem, ...] = ()  # a draft with any problem is not published
    changed: tuple[str, ...] = ()  # files added, changed or removed compared with the published version

    @property
    def publishable(self) -> bool:
        return self.draft is not None and not self.problems


@dataclass(frozen=True)
class PublishResult:
    """What « Publier » did: `status` is published, invalid (problems), conflict (the draft changed) or unchanged."""

    status: str
    problems: tuple[Problem, ...] = ()
    version: VersionInfo | None = None

    @property
    def published(self) -> bool:
        return self.status == PUBLISHED_STATUS


def check_file(engine: Engine, module_folder: str, filename: str, text: str) -> EditCheck:
    """Lint the module's head as it would be with `filename` holding `text` (nothing is written)."""
    ref = module_ref(engine, module_folder)
    name = _editable_name(filename)
    head = repository.read_files(engine, ref.head_version_id)
    return _check(engine, ref.folder, head, {**head, name: _edited_bytes(text)})


def save_file(
    engine: Engine,
    module_folder: str,
    filename: str,
    text: str,
    *,
    base_version: int,
    actor_id: int | None,
    message: str = "",
) -> SaveResult:
    """Save one Markdown file of a module as a new draft, if the module gets no new problem.

    `base_version` is the version the editor opened: when `filename` changed since (another save, on any
    replica), the save is refused with status `conflict`. Changes to other files meanwhile are kept.
    """
    module_ref(engine, module_folder)
    name = _editable_name(filename)
    return _change(engine, module_folder, {name: _edited_bytes(text)}, base_version=base_version, action="save",
                   actor_id=actor_id, message=message)


def restore_version(
    engine: Engine,
    module_folder: str,
    version_id: int,
    file: str | None = None,
    *,
    base_version: int,
    actor_id: int | None,
    message: str = "",
) -> SaveResult:
    """Make a new draft with `file` (or, when None, every file of the module) as it was in `version_id`.

    A file the old version did not have is removed by a whole-module restore; restoring one such file
    removes it too. Same rules as a save: no new problem, and `base_version` must be current for the files
    restored. Nothing is published: the draft is previewed and published like any other.
    """
    module_ref(engine, module_folder)
    _version_of(engine, module_folder, version_id)
    old = repository.read_files(engine, version_id)
    if file is None:
        changes: dict[str, bytes | None] = dict(old)
        whole = True
    else:
        changes = {file: old.get(file)}
        whole = False
    return _change(engine, module_folder, changes, base_version=base_version, action="restore", actor_id=actor_id,
                   message=message, source_version_id=version_id, whole=whole,
                   details={"restored": version_id, "file": file})


def publish_check(engine: Engine, module_folder: str) -> PublishCheck:
    """Lint the module's draft against the published curriculum (nothing is written)."""
    ref = module_ref(engine, module_folder)
    if not ref.has_draft:
        return PublishCheck(None)
    return _publish_check(engine, ref, repository.published_catalog(engine))


def _publish_check(engine: Engine, ref: repository.ModuleRef, published: Catalog) -> PublishCheck:
    draft = repository.version(engine, ref.head_version_id)
    files = repository.read_files(engine, ref.head_version_id)
    check = _check(engine, ref.folder, None, files, against=published)
    before = repository.file_hashes(engine, ref.published_version_id) if ref.published_version_id else {}
    after = {path: repository.blob_hash(data) for path, data in files.items()}
    changed = tuple(sorted(path for path in set(before) | set(after) if before.get(path) != after.get(path)))
    return PublishCheck(draft, check.problems, changed)


def publish(engine: Engine, module_folder: str, *, version_id: int, actor_id: int | None) -> PublishResult:
    """Publish the draft `version_id` of a module: refused when it has any problem or is no longer the draft.

    The draft is linted against the published curriculum, then published in one transaction that checks
    that neither the draft nor the published curriculum changed since the lint (else the lint runs again).
    """
    for _ in range(_RETRIES):
        ref = module_ref(engine, module_folder)
        if ref.head_version_id != version_id or not ref.has_draft:
            found = repository.version(engine, version_id)
            status = UNCHANGED if found is not None and found.status == PUBLISHED else CONFLICT
            return PublishResult(status)
        current = repository.state(engine)
        check = _publish_check(engine, ref, repository.published_catalog(engine, current=current))
        if check.problems:
            return PublishResult(INVALID, check.problems)
        try:
            published = repository.publish(engine, ref.folder, version_id, actor_id=actor_id,
                                           expected_published_serial=current.published_serial)
        except repository.CurriculumChanged:
            continue
        except repository.ContentConflict:
            return PublishResult(CONFLICT)
        return PublishResult(PUBLISHED_STATUS if published is not None else UNCHANGED, (), published)
    return PublishResult(CONFLICT)


def discard_draft(engine: Engine, module_folder: str, *, version_id: int, actor_id: int | None) -> bool:
    """Throw the draft `version_id` away (back to the published version); False when it is no longer the draft."""
    module_ref(engine, module_folder)
    try:
        repository.discard(engine, module_folder, version_id, actor_id=actor_id)
    except repository.ContentConflict:
        return False
    return True


def _edited_bytes(text: str) -> bytes:
    data = text.replace("\r\n", "\n").encode("utf-8")
    if len(data) > MAX_EDIT_BYTES:
        raise StudioError("text_too_large", limit=MAX_EDIT_BYTES // 1000)
    return data


def _change(
    engine: Engine,
    folder: str,
    changes: Mapping[str, bytes | None],
    *,
    base_version: int | None,
    action: str,
    actor_id: int | None,
    message: str,
    source_version_id: int | None = None,
    whole: bool = False,
    details: dict[str, Any] | None = None,
) -> SaveResult:
    """Apply `changes` (path → bytes, None removes; `whole`: the new folder) to the head; lint; write a draft.

    The head is read, the named base checked against it for the paths changed, the result linted, and the
    draft committed only if the head is still the one read: when another change landed in between, all of
    it runs again on the new head.
    """
    message = message.strip()[:MAX_MESSAGE_LENGTH]
    for _ in range(_RETRIES):
        ref = repository.module(engine, folder)
        head = ref.head_version_id if ref is not None else None
        head_files = repository.read_files(engine, head) if head is not None else {}
        if base_version != head:
            if base_version is None or head is None:
                return SaveResult(CONFLICT)
            base = repository.file_hashes(engine, base_version)
            current = {path: repository.blob_hash(data) for path, data in head_files.items()}
            paths = set(changes) | (set(base) | set(current) if whole else set())
            if any(base.get(path) != current.get(path) for path in paths):
                return SaveResult(CONFLICT)
        if whole:
            new_files = {path: data for path, data in changes.items() if data is not None}
        else:
            new_files = dict(head_files)
            for path, data in changes.items():
                if data is None:
                    new_files.pop(path, None)
                else:
                    new_files[path] = data
        if new_files == head_files:
            return SaveResult(UNCHANGED)
        check = _check(engine, folder, head_files if head is not None else None, new_files)
        if not check.acceptable:
            return SaveResult(INVALID, check.problems, check.new_problems)
        touched = sorted(path for path in set(head_files) | set(new_files)
                         if head_files.get(path) != new_files.get(path))
        audit_details = {"files": touched, **(details or {})}
        if message:
            audit_details["message"] = message
        try:
            created = repository.commit(
                engine, folder, new_files, expected_head=head, action=action, author_id=actor_id, message=message,
                source_version_id=source_version_id, audit_action=f"studio.{action}", audit_details=audit_details,
            )
        except repository.ContentConflict:
            continue
        if created is None:
            return SaveResult(UNCHANGED)
        return SaveResult(SAVED, check.problems, (), created)
    return SaveResult(CONFLICT)


def _check(
    engine: Engine,
    folder: str,
    before: Mapping[str, bytes] | None,
    after: Mapping[str, bytes],
    *,
    against: Catalog | None = None,
) -> EditCheck:
    """Lint the module folder `folder` holding `before` and `after` (staged copies); compare their problems.

    Prerequisites and cycles are checked against `against` (default: the working copy), where `folder`'s
    own entry is replaced by the staged module.
    """
    catalog = against if against is not None else repository.working_catalog(engine)
    with tempfile.TemporaryDirectory(prefix="academy-studio-") as work:
        before_problems: list[Problem] = []
        if before is not None:
            _, before_problems, _ = _lint(_stage(Path(work) / "before", folder, before), catalog)
        module, after_problems, warnings = _lint(_stage(Path(work) / "after", folder, after), catalog)
    return EditCheck(
        problems=tuple(after_problems),
        new_problems=tuple(_added(before_problems, after_problems)),
        was_valid=before is not None and not before_problems,
        module=module,
        warnings=tuple(warnings),
    )


def _stage(work: Path, folder: str, files: Mapping[str, bytes]) -> Path:
    """Write `files` into `work/folder/` and return that folder."""
    staged = work / folder
    staged.mkdir(parents=True)
    for path, data in files.items():
        target = staged.joinpath(*PurePosixPath(path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return staged


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


def _lint(staged: Path, catalog: Catalog) -> tuple[Module, list[Problem], list[Problem]]:
    """The module read from the staged folder, its problems and its warnings, reported at `NN-slug/file` paths.

    Prerequisites are resolved against the module folders of `catalog` (and the staged one); a prerequisite
    cycle through `catalog`'s other modules is reported like `load_catalog` does.
    """
    known = {match.group(2) for module in catalog.all_modules
             if (match := _MODULE_NAME.fullmatch(module.folder.name))}
    if match := _MODULE_NAME.fullmatch(staged.name):
        known.add(match.group(2))
    module = load_module(staged, known, glossary=catalog.glossary)  # the staged copy has none beside it
    problems = [_moved(problem, staged) for problem in module.problems]
    cycle = _cycle(module, catalog, staged)
    if cycle is not None:
        problems.append(cycle)
    warnings = [_moved(warning, staged) for warning in module.warnings]
    return module, sorted(problems, key=_place), sorted(warnings, key=_place)


def _place(problem: Problem) -> tuple[str, int]:
    return problem.path, problem.line


def _moved(problem: Problem, staged: Path) -> Problem:
    """`problem` with the staging folder's path shown as the module folder name (`NN-slug/quiz.md`)."""
    prefix = display_path(staged)
    if problem.path == prefix or problem.path.startswith(prefix + "/"):
        return replace(problem, path=staged.name + problem.path[len(prefix):])
    return problem


def _cycle(module: Module, catalog: Catalog, staged: Path) -> Problem | None:
    """The first prerequisite cycle through `module` with the catalog's other modules, as a Problem."""
    graph = {other.id: other.prerequisites for other in catalog.all_modules}
    graph[module.id] = module.prerequisites
    for prerequisite in module.prerequisites:
        if prerequisite == module.id:
            continue  # reported by load_module
        chain = prerequisite_path(prerequisite, module.id, graph)
        if chain is not None:
            line = _prerequisite_line(staged / "module.md", prerequisite)
            return Problem(f"{staged.name}/module.md", line, "catalog.prerequisite_cycle",
                           {"chain": " → ".join((module.id, *chain))})
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
    problems: tuple[Problem, ...] = ()  # the module's content problems, at `NN-slug/file` paths
    folder: str | None = None  # the module folder it goes to, NN-slug
    files: tuple[str, ...] = ()  # its files, paths inside the module folder
    replaces: bool = False  # a module folder of that name exists and would be replaced
    title: str = ""
    base_version: int | None = None  # the version it replaces (name it when installing): None for a new module

    @property
    def ok(self) -> bool:
        """True when the archive may be installed."""
        return not self.refusals and not self.problems


@dataclass(frozen=True)
class InstallResult:
    """The check of an upload and what installing it did (`status` as a save's; `version`: the new draft)."""

    check: UploadCheck
    status: str
    version: VersionInfo | None = None

    @property
    def installed(self) -> bool:
        """True when the archive became the module's draft."""
        return self.status == SAVED


def validate_upload(
    zip_bytes: bytes, engine: Engine, target: str | None = None, *, limits: UploadLimits = DEFAULT_LIMITS
) -> UploadCheck:
    """Check an uploaded module archive without installing it.

    The archive holds one `NN-slug/` module folder, or the module's files at its root (then `target`, the
    NN-slug folder name, says where it goes). Every member must be a plain file with a relative path
    inside the module (no absolute path, drive letter, backslash, `..`, link or hidden name), of an allowed
    type, within the size, count and compression-ratio limits. The module is then extracted into a
    temporary folder and linted against the working copy; the temporary folder is removed.
    """
    with _staged_upload(zip_bytes, engine, target, limits) as (check, _):
        return check


def install_upload(
    zip_bytes: bytes,
    engine: Engine,
    *,
    target: str | None = None,
    base_version: int | None,
    actor_id: int | None,
    message: str = "",
    limits: UploadLimits = DEFAULT_LIMITS,
) -> InstallResult:
    """Make a valid uploaded module the draft of its folder (a new module, or every file of an existing one).

    The archive is checked again (as `validate_upload`); nothing changes when it is refused. `base_version`
    is the version the trainer saw replaced (`UploadCheck.base_version`, None for a new module): when the
    module changed since, the upload is refused as a conflict. Nothing is published.
    """
    with _staged_upload(zip_bytes, engine, target, limits) as (check, staged):
        if not check.ok or staged is None or check.folder is None:
            return InstallResult(check, INVALID)
        files = {
            path.relative_to(staged).as_posix(): path.read_bytes()
            for path in sorted(staged.rglob("*")) if path.is_file()
        }
    result = _change(engine, check.folder, files, base_version=base_version, action="upload", actor_id=actor_id,
                     message=message, whole=True, details={"replaced": check.replaces})
    return InstallResult(check, result.status, result.version)


@contextmanager
def _staged_upload(
    zip_bytes: bytes, engine: Engine, target: str | None, limits: UploadLimits
) -> Iterator[tuple[UploadCheck, Path | None]]:
    """Inspect the archive, extract it into a temporary folder and lint it; yield the check and the copy."""
    refusals, plan, folder = _inspect(zip_bytes, (target or "").strip() or None, limits)
    refs = {ref.folder: ref for ref in repository.modules(engine)}
    if not refusals and folder is not None:
        refusals = _id_in_use(refs, folder)
    if refusals or folder is None:
        yield UploadCheck(refusals=tuple(refusals), folder=folder), None
        return
    files = tuple("/".join(parts) for _, parts in plan)
    with tempfile.TemporaryDirectory(prefix="academy-upload-") as work:
        staged = Path(work) / folder
        refusals = _extract(zip_bytes, plan, staged, limits)
        if refusals:
            yield UploadCheck(refusals=tuple(refusals), folder=folder, files=files), None
            return
        module, problems, _ = _lint(staged, repository.working_catalog(engine))
        existing = refs.get(folder)
        check = UploadCheck(
            problems=tuple(problems),
            folder=folder,
            files=files,
            replaces=existing is not None,
            title=module.title,
            base_version=existing.head_version_id if existing is not None else None,
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


def _id_in_use(refs: Mapping[str, repository.ModuleRef], folder: str) -> list[Notice]:
    """A refusal when another module folder of the store already has this folder's module id."""
    module_id = repository.module_id_of(folder)
    for other, ref in refs.items():
        if ref.module_id == module_id and other != folder and is_module_folder_name(other):
            return [_notice("id_in_use", id=module_id, folder=other)]
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


# --- shared helpers --------------------------------------------------------------------------------


def _editable_name(filename: str) -> str:
    """`filename` when it names a Markdown file directly in a module folder; StudioError otherwise."""
    if not _EDITABLE_NAME.fullmatch(filename):
        raise StudioError("bad_file", name=_shown(filename))
    return filename
