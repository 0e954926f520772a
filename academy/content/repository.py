"""The curriculum in the database: module folders as versions, drafts and publication, and the copies on disk
that the app parses.

- A **version** (`content_versions`) is a whole module folder, every file by its path inside the folder, made
  by an import, a Studio save, an upload or a restore, with its author, time, optional message and the
  version it was made from (`base_version_id`). File bytes are stored once per distinct content
  (`content_blobs`, by SHA-256), so a version that changes one lesson adds one blob.
- Each module folder (`content_modules`) has a **head**, its newest version that is not discarded (what the
  Studio edits and previews), and a **published** version (what learners get). A Studio save makes a draft
  head; publishing turns the head draft into the published version and the previous one into *superseded*.
  The folder "" holds the plain files at the top of the content folder (a README, say).
- `content_state` (one row) holds the serials of the published curriculum and of the working copy. Every
  content write locks that row first (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE`
  serialises writers anyway), checks that the module's head is still the one the change was made from
  (:class:`ContentConflict` otherwise), writes, and bumps the serials, all in one transaction: the
  database, not a process, decides which of two concurrent saves wins.
- The app reads the state once per page run (:func:`state`: one primary-key lookup) and serves the
  curriculum from a folder materialised for it, `<cache>/<tree hash>/NN-slug/…`, parsed by
  `academy.content.catalog.load_catalog` unchanged. A tree is written to a temporary folder and renamed into
  place, and named by the hash of its file list, so it never changes once there, and processes (or
  databases) with the same content share it. Parsed catalogs are cached per process by tree (a cache, not a
  source of truth: it is checked against the database on every call).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, aliased

from academy.content.catalog import Catalog, load_catalog
from academy.store import db
from academy.store.audit import audit
from academy.store.models import (
    FOLDER_LENGTH,
    PATH_LENGTH,
    ContentBlob,
    ContentFile,
    ContentModule,
    ContentState,
    ContentVersion,
    User,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CACHE_ENV = "ACADEMY_CONTENT_CACHE"
SEED_ENV = "ACADEMY_CONTENT_DIR"
ROOT_FOLDER = ""  # the plain files at the top of the content folder

DRAFT, PUBLISHED, SUPERSEDED, DISCARDED = "draft", "published", "superseded", "discarded"
PUBLISHED_TREE, WORKING_TREE = "published", "working"

PRUNE_AFTER_SECONDS = 3600  # a materialised tree nobody touched for an hour may be removed
_MODULE_NAME = re.compile(r"(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)")
_TREE_NAME = re.compile(r"[0-9a-f]{64}")
_CHUNK = 500  # values per IN (…) list


class ContentConflict(Exception):
    """The module's newest version is not the one the change was made from (someone changed it meanwhile)."""

    def __init__(self, folder: str, head: int | None) -> None:
        super().__init__(f"{folder or '(root)'}: the newest version is now {head}")
        self.folder = folder
        self.head = head


class CurriculumChanged(Exception):
    """The published curriculum changed while a publication was being checked: check it again."""


class ImportRefused(Exception):
    """An import would replace modules that have an unpublished Studio draft."""

    def __init__(self, drafts: list[tuple[str, int]]) -> None:
        names = ", ".join(f"{folder} (version {version})" for folder, version in drafts)
        super().__init__(f"unpublished Studio drafts: {names}")
        self.drafts = drafts


@dataclass(frozen=True)
class State:
    """The content store's identity and serials (see the module docstring)."""

    store_id: str
    published_serial: int
    working_serial: int


@dataclass(frozen=True)
class ModuleRef:
    """A module folder of the store: its head (newest, maybe a draft) and its published version."""

    folder: str
    module_id: str
    head_version_id: int
    head_status: str
    published_version_id: int | None

    @property
    def has_draft(self) -> bool:
        """True when the head is an unpublished draft."""
        return self.head_status == DRAFT


@dataclass(frozen=True)
class VersionInfo:
    """One version of a module folder, for the history and the Studio."""

    id: int
    folder: str
    module_id: str
    status: str
    action: str
    author_id: int | None
    author: str  # the author's name ("" for imports and erased accounts)
    created_at: datetime
    message: str
    base_version_id: int | None
    source_version_id: int | None  # the version a restore copied from
    published_at: datetime | None
    published_by: str
    changed: tuple[str, ...] = ()  # files added, changed or removed since the base version (history only)


@dataclass(frozen=True)
class ImportReport:
    """What an import did: folders published, folders already identical, folders of the store left alone."""

    published: tuple[str, ...]
    unchanged: tuple[str, ...]
    kept: tuple[str, ...]


def module_id_of(folder: str) -> str:
    """The module id of a folder name: the slug of NN-slug, else the name itself (a misnamed folder)."""
    match = _MODULE_NAME.fullmatch(folder)
    return match.group(2) if match else folder[:100]


def blob_hash(data: bytes) -> str:
    """The SHA-256 of a file's bytes, as stored."""
    return hashlib.sha256(data).hexdigest()


# --- reading ---------------------------------------------------------------------------------------

_STATE_SQL = "SELECT store_id, published_serial, working_serial FROM content_state WHERE id = 1"


def state(engine: Engine) -> State:
    """The store's state: one primary-key lookup, what every page run pays to know its curriculum is current.

    Straight on a pooled DB-API connection: a single-row read needs no transaction, and skipping the
    Connection layer's BEGIN/ROLLBACK makes it ~5 × cheaper on SQLite (bench/content_bench.py).
    """
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(_STATE_SQL)
            store_id, published, working = cursor.fetchone()
        finally:
            cursor.close()
    finally:
        connection.close()
    return State(store_id, published, working)


STATE_TTL_SECONDS = 1.0  # how stale a replica's idea of the content may be: it asks again after this
_generation = 0  # grows with every content write of this process: its own changes are seen at once
_recent: weakref.WeakKeyDictionary[Engine, tuple[float, int, State]] = weakref.WeakKeyDictionary()


def current_state(engine: Engine, *, max_age: float = STATE_TTL_SECONDS) -> State:
    """:func:`state`, asked at most once per `max_age` seconds per engine, and at once after a write here.

    A cache of the database's answer, not a source of truth: another replica's publication is seen at
    most `max_age` seconds late (plus the time to the next page run); publishing itself never relies on it.
    """
    now = time.monotonic()
    cached = _recent.get(engine)
    if cached is not None and cached[1] == _generation and now - cached[0] < max_age:
        return cached[2]
    generation = _generation
    found = state(engine)
    _recent[engine] = (now, generation, found)
    return found


def _written() -> None:
    """Note a committed content write of this process (every cached state is asked again)."""
    global _generation
    _generation += 1


def modules(engine: Engine) -> list[ModuleRef]:
    """Every module folder of the store (the root files' "" first), by folder name."""
    query = (
        select(ContentModule.folder, ContentModule.module_id, ContentModule.head_version_id, ContentVersion.status,
               ContentModule.published_version_id)
        .join(ContentVersion, ContentVersion.id == ContentModule.head_version_id)
        .order_by(ContentModule.folder)
    )
    with db.read(engine) as session:
        return [ModuleRef(*row) for row in session.execute(query)]


def module(engine: Engine, folder: str) -> ModuleRef | None:
    """One module folder of the store, or None."""
    return next((ref for ref in modules(engine) if ref.folder == folder), None)


def file_hashes(engine: Engine, version_id: int) -> dict[str, str]:
    """Path → SHA-256 of every file of a version."""
    with db.read(engine) as session:
        return _hashes(session, version_id)


def read_files(engine: Engine, version_id: int, paths: Iterable[str] | None = None) -> dict[str, bytes]:
    """Path → bytes of the files of a version (only `paths` when given; absent ones are left out)."""
    query = select(ContentFile.path, ContentBlob.data).join(ContentBlob, ContentBlob.sha256 == ContentFile.sha256)
    query = query.where(ContentFile.version_id == version_id)
    if paths is not None:
        query = query.where(ContentFile.path.in_(list(paths)))
    with db.read(engine) as session:
        return {path: bytes(data) for path, data in session.execute(query)}


def read_file(engine: Engine, version_id: int, path: str) -> bytes | None:
    """The bytes of one file of a version, or None when the version has no such file."""
    return read_files(engine, version_id, [path]).get(path)


def version(engine: Engine, version_id: int) -> VersionInfo | None:
    """One version, or None."""
    with db.read(engine) as session:
        found = _infos(session, select(ContentVersion).where(ContentVersion.id == version_id))
    return found[0] if found else None


def history(engine: Engine, folder: str, *, limit: int = 100) -> list[VersionInfo]:
    """The versions of a module folder, newest first, each with the files it changed since its base."""
    query = (select(ContentVersion).where(ContentVersion.folder == folder)
             .order_by(ContentVersion.id.desc()).limit(limit))
    with db.read(engine) as session:
        infos = _infos(session, query)
        ids = {info.id for info in infos} | {info.base_version_id for info in infos if info.base_version_id}
        files: dict[int, dict[str, str]] = {version_id: {} for version_id in ids}
        for chunk in _chunks(sorted(ids)):
            for version_id, path, sha in session.execute(
                select(ContentFile.version_id, ContentFile.path, ContentFile.sha256)
                .where(ContentFile.version_id.in_(chunk))
            ):
                files[version_id][path] = sha
    changed = []
    for info in infos:
        mine, base = files[info.id], files.get(info.base_version_id or -1, {})
        paths = sorted(path for path in set(mine) | set(base) if mine.get(path) != base.get(path))
        changed.append(replace(info, changed=tuple(paths)))
    return changed


def _infos(session: Session, query: Any) -> list[VersionInfo]:
    author, publisher = aliased(User), aliased(User)
    rows = session.execute(
        query.add_columns(author.name, publisher.name)
        .outerjoin(author, author.id == ContentVersion.author_id)
        .outerjoin(publisher, publisher.id == ContentVersion.published_by)
    )
    return [
        VersionInfo(
            id=v.id, folder=v.folder, module_id=v.module_id, status=v.status, action=v.action, author_id=v.author_id,
            author=author_name or "", created_at=v.created_at, message=v.message, base_version_id=v.base_version_id,
            source_version_id=v.source_version_id, published_at=v.published_at, published_by=publisher_name or "",
        )
        for v, author_name, publisher_name in rows
    ]


def _hashes(session: Session, version_id: int | None) -> dict[str, str]:
    if version_id is None:
        return {}
    rows = session.execute(select(ContentFile.path, ContentFile.sha256).where(ContentFile.version_id == version_id))
    return {path: sha for path, sha in rows}


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


# --- writing ---------------------------------------------------------------------------------------


@contextmanager
def _writing(engine: Engine) -> Iterator[Session]:
    """A write transaction on the content tables; once committed, this process sees the change at once."""
    with db.write(engine) as session:
        yield session
    _written()


def _lock_state(session: Session) -> ContentState:
    """The state row, locked until the transaction ends (every content write takes it first)."""
    return session.scalars(
        select(ContentState).where(ContentState.id == 1).with_for_update().execution_options(populate_existing=True)
    ).one()


def _checked_files(folder: str, files: Mapping[str, bytes]) -> dict[str, str]:
    """Path → SHA-256, after checking the folder and paths are ones a module folder can hold."""
    if len(folder) > FOLDER_LENGTH or "/" in folder or folder.startswith("."):
        raise ValueError(f"`{folder}` is not a module folder name")
    for path in files:
        parts = PurePosixPath(path).parts
        if (not parts or len(path) > PATH_LENGTH or PurePosixPath(path).is_absolute() or "\\" in path
                or any(part in ("", ".", "..") or part.startswith(".") for part in parts)):
            raise ValueError(f"`{path}` is not a file path inside a module folder")
    return {path: blob_hash(data) for path, data in files.items()}


def _store_blobs(session: Session, files: Mapping[str, bytes], hashes: Mapping[str, str]) -> None:
    wanted = sorted(set(hashes.values()))
    existing: set[str] = set()
    for chunk in _chunks(wanted):
        existing |= set(session.scalars(select(ContentBlob.sha256).where(ContentBlob.sha256.in_(chunk))))
    for path, data in files.items():
        sha = hashes[path]
        if sha not in existing:
            session.add(ContentBlob(sha256=sha, size=len(data), data=data))
            existing.add(sha)


def _new_version(session: Session, folder: str, files: Mapping[str, bytes], hashes: Mapping[str, str], *,
                 base: int | None, action: str, author_id: int | None, message: str,
                 source_version_id: int | None = None) -> ContentVersion:
    _store_blobs(session, files, hashes)
    created = ContentVersion(
        folder=folder, module_id=module_id_of(folder), base_version_id=base, source_version_id=source_version_id,
        status=DRAFT, action=action, author_id=author_id, created_at=db.utcnow(), message=message.strip(),
    )
    session.add(created)
    session.flush()
    session.add_all(ContentFile(version_id=created.id, path=path, sha256=sha) for path, sha in sorted(hashes.items()))
    return created


def _publish(session: Session, row: ContentModule, version_row: ContentVersion, actor_id: int | None) -> None:
    """Make `version_row` the published version of `row` (the caller bumps the serials)."""
    if row.published_version_id is not None and row.published_version_id != version_row.id:
        previous = session.get(ContentVersion, row.published_version_id)
        if previous is not None:
            previous.status = SUPERSEDED
    version_row.status = PUBLISHED
    version_row.published_at = db.utcnow()
    version_row.published_by = actor_id
    row.published_version_id = version_row.id


def _bump(current: ContentState, *, published: bool) -> None:
    current.working_serial += 1
    if published:
        current.published_serial += 1
    current.updated_at = db.utcnow()


def _info(session: Session, version_id: int) -> VersionInfo:
    return _infos(session, select(ContentVersion).where(ContentVersion.id == version_id))[0]


def commit(
    engine: Engine,
    folder: str,
    files: Mapping[str, bytes],
    *,
    expected_head: int | None,
    action: str,
    author_id: int | None,
    message: str = "",
    source_version_id: int | None = None,
    audit_action: str,
    audit_details: dict[str, Any] | None = None,
) -> VersionInfo | None:
    """Write `files` (the whole folder) as a new draft of `folder`, made from `expected_head`.

    One transaction: the state row is locked, the module's head must still be `expected_head` (None: the
    folder must not exist yet), else :class:`ContentConflict`; nothing is written (None is returned) when
    the files are those of the head. The previous head, if it was a draft, becomes superseded. The audit
    entry is written in the same transaction.
    """
    hashes = _checked_files(folder, files)
    with _writing(engine) as session:
        current = _lock_state(session)
        row = session.get(ContentModule, folder, populate_existing=True)
        head = row.head_version_id if row is not None else None
        if head != expected_head:
            raise ContentConflict(folder, head)
        if row is not None and _hashes(session, head) == hashes:
            return None
        created = _new_version(session, folder, files, hashes, base=head, action=action, author_id=author_id,
                               message=message, source_version_id=source_version_id)
        if row is None:
            session.add(ContentModule(folder=folder, module_id=module_id_of(folder), head_version_id=created.id))
        else:
            previous = session.get(ContentVersion, head)
            if previous is not None and previous.status == DRAFT:
                previous.status = SUPERSEDED
            row.head_version_id = created.id
        _bump(current, published=False)
        details = {"folder": folder, "version": created.id, "base": head, **(audit_details or {})}
        audit(session, actor_id=author_id, action=audit_action, target=module_id_of(folder), details=details)
        session.flush()
        return _info(session, created.id)


def publish(engine: Engine, folder: str, version_id: int, *, actor_id: int | None,
            expected_published_serial: int | None = None) -> VersionInfo | None:
    """Publish the draft `version_id`, which must be the head of `folder` (:class:`ContentConflict` otherwise).

    `expected_published_serial` is the published serial the caller checked the draft against: when the
    published curriculum changed since, :class:`CurriculumChanged` is raised and nothing is written. None is
    returned when the version is already published.
    """
    with _writing(engine) as session:
        current = _lock_state(session)
        row = session.get(ContentModule, folder, populate_existing=True)
        head = row.head_version_id if row is not None else None
        if row is None or head != version_id:
            raise ContentConflict(folder, head)
        version_row = session.get(ContentVersion, version_id, populate_existing=True)
        assert version_row is not None
        if version_row.status == PUBLISHED:
            return None
        if expected_published_serial is not None and current.published_serial != expected_published_serial:
            raise CurriculumChanged(folder)
        _publish(session, row, version_row, actor_id)
        _bump(current, published=True)
        audit(session, actor_id=actor_id, action="studio.publish", target=row.module_id,
              details={"folder": folder, "version": version_id})
        session.flush()
        return _info(session, version_id)


def discard(engine: Engine, folder: str, version_id: int, *, actor_id: int | None) -> None:
    """Throw away the draft `version_id` (the head of `folder`): the head goes back to the published version.

    A module that was never published leaves the working copy (its versions stay in the history).
    """
    with _writing(engine) as session:
        current = _lock_state(session)
        row = session.get(ContentModule, folder, populate_existing=True)
        head = row.head_version_id if row is not None else None
        version_row = session.get(ContentVersion, version_id, populate_existing=True)
        if row is None or head != version_id or version_row is None or version_row.status != DRAFT:
            raise ContentConflict(folder, head)
        version_row.status = DISCARDED
        if row.published_version_id is not None:
            row.head_version_id = row.published_version_id
        else:
            session.delete(row)
        _bump(current, published=False)
        audit(session, actor_id=actor_id, action="studio.discard", target=module_id_of(folder),
              details={"folder": folder, "version": version_id})


# --- import and export -------------------------------------------------------------------------------


def read_folder(path: Path | str) -> dict[str, dict[str, bytes]]:
    """The files of a content folder as the store keeps them: module folder → path inside it → bytes.

    Read like `load_catalog` reads: sub-folders whose name starts with `.` or `_` are left out, and so are
    hidden files and folders and symbolic links anywhere; the plain files at the top go to the folder "".
    Empty folders are left out.
    """
    root = Path(path)
    tree: dict[str, dict[str, bytes]] = {}
    entries = sorted(root.iterdir(), key=lambda entry: entry.name)
    top = {entry.name: entry.read_bytes() for entry in entries
           if entry.is_file() and not entry.is_symlink() and not entry.name.startswith(".")}
    if top:
        tree[ROOT_FOLDER] = top
    for entry in entries:
        if not entry.is_dir() or entry.is_symlink() or entry.name.startswith((".", "_")):
            continue
        files = {
            file.relative_to(entry).as_posix(): file.read_bytes()
            for file in sorted(entry.rglob("*"))
            if file.is_file() and not file.is_symlink()
            and not any(part.startswith(".") for part in file.relative_to(entry).parts)
            and not any(parent.is_symlink() for parent in file.relative_to(entry).parents if str(parent) != ".")
        }
        if files:
            tree[entry.name] = files
    return tree


def import_folder(engine: Engine, path: Path | str, *, actor_id: int | None = None, message: str = "") -> ImportReport:
    """Import a content folder and publish it, in one transaction. Idempotent.

    Every module folder whose files differ from its published version gets a new published version; a folder
    with the same files gets nothing. Modules of the store missing from `path` are kept. When a folder that
    would change has an unpublished Studio draft, :class:`ImportRefused` is raised and nothing is written.
    """
    tree = read_folder(path)
    checked = {folder: _checked_files(folder, files) for folder, files in tree.items()}
    with _writing(engine) as session:
        current = _lock_state(session)
        rows = {row.folder: row for row in session.scalars(select(ContentModule).execution_options(
            populate_existing=True))}
        drafts, unchanged, changes = [], [], []
        for folder, hashes in sorted(checked.items()):
            row = rows.get(folder)
            if row is None:
                changes.append(folder)
                continue
            if _hashes(session, row.published_version_id) == hashes:
                unchanged.append(folder)
                continue
            head = session.get(ContentVersion, row.head_version_id)
            if head is not None and head.status == DRAFT:
                drafts.append((folder, head.id))
            else:
                changes.append(folder)
        if drafts:
            raise ImportRefused(drafts)
        for folder in changes:
            row = rows.get(folder)
            created = _new_version(session, folder, tree[folder], checked[folder],
                                   base=row.head_version_id if row is not None else None, action="import",
                                   author_id=actor_id, message=message)
            if row is None:
                row = ContentModule(folder=folder, module_id=module_id_of(folder), head_version_id=created.id)
                session.add(row)
            row.head_version_id = created.id
            _publish(session, row, created, actor_id)
        if changes:
            _bump(current, published=True)
        kept = tuple(sorted(set(rows) - set(tree)))
        if changes:
            audit(session, actor_id=actor_id, action="content.import", target=str(path)[:300],
                  details={"published": changes, "unchanged": len(unchanged)})
    return ImportReport(tuple(changes), tuple(unchanged), kept)


def seed_folder() -> Path:
    """The seed curriculum imported into an empty store: `ACADEMY_CONTENT_DIR`, or content/ beside the code."""
    return Path(os.environ.get(SEED_ENV) or PROJECT_ROOT / "content")


def is_empty(engine: Engine) -> bool:
    """True when the store holds no module folder."""
    with db.read(engine) as session:
        return session.scalar(select(func.count()).select_from(ContentModule)) == 0


def ensure_seeded(engine: Engine, seed: Path | str) -> ImportReport | None:
    """Import `seed` when the store is empty (a new database); None when it was not (or `seed` is no folder).

    Safe when several processes start together: imports are serialised and idempotent.
    """
    if not is_empty(engine) or not Path(seed).is_dir():
        return None
    return import_folder(engine, seed, message="seed")


def export_published(engine: Engine, destination: Path | str) -> list[str]:
    """Write the published curriculum into `destination`, byte for byte; return the folders written.

    Each module folder is written beside its old copy and swapped in (so a folder is never half-written);
    files of the folder that the published version does not have disappear with the old copy. The plain
    files at the top are replaced one by one; anything else in `destination` is left alone.
    """
    target = Path(destination)
    target.mkdir(parents=True, exist_ok=True)
    with db.read(engine) as session:
        listing = _listing(session, PUBLISHED_TREE)
        blobs = _blobs(session, {sha for _, _, sha in listing})
    by_folder: dict[str, dict[str, bytes]] = {}
    for folder, path, sha in listing:
        by_folder.setdefault(folder, {})[path] = blobs[sha]
    work = Path(tempfile.mkdtemp(dir=target, prefix=".academy-export-"))
    try:
        for folder, files in sorted(by_folder.items()):
            if folder == ROOT_FOLDER:
                for path, data in files.items():
                    _write_file(work / ".top" / path, data)
                    os.replace(work / ".top" / path, target / path)
                continue
            staged = work / folder
            for path, data in files.items():
                _write_file(staged.joinpath(*PurePosixPath(path).parts), data)
            live = target / folder
            if live.exists():
                os.rename(live, work / f".old-{folder}")
            os.rename(staged, live)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return sorted(by_folder)


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.chmod(path, 0o644)


# --- the copies the app parses -----------------------------------------------------------------------


def cache_root() -> Path:
    """Where trees are materialised: `ACADEMY_CONTENT_CACHE`, or data/content-cache/ beside the code."""
    return Path(os.environ.get(CACHE_ENV) or PROJECT_ROOT / "data" / "content-cache")


def _listing(session: Session, which: str) -> list[tuple[str, str, str]]:
    """(folder, path, sha256) of every file of the published (or head) version of every module folder."""
    column = ContentModule.published_version_id if which == PUBLISHED_TREE else ContentModule.head_version_id
    rows = session.execute(
        select(ContentModule.folder, ContentFile.path, ContentFile.sha256)
        .join(ContentFile, ContentFile.version_id == column)
        .order_by(ContentModule.folder, ContentFile.path)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _blobs(session: Session, shas: Iterable[str]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for chunk in _chunks(sorted(shas)):
        query = select(ContentBlob.sha256, ContentBlob.data).where(ContentBlob.sha256.in_(chunk))
        for sha, data in session.execute(query):
            found[sha] = bytes(data)
    return found


def tree_hash(listing: Iterable[tuple[str, str, str]]) -> str:
    """The name of the tree holding exactly these files: SHA-256 of its sorted (folder, path, sha256) list."""
    digest = hashlib.sha256()
    for folder, path, sha in sorted(listing):
        digest.update(f"{folder}\0{path}\0{sha}\n".encode())
    return digest.hexdigest()


def _safe_target(root: Path, folder: str, path: str) -> Path:
    parts = [*([folder] if folder else []), *PurePosixPath(path).parts]
    if any(part in ("", ".", "..") or part.startswith(".") or "\\" in part for part in parts):
        raise ValueError(f"unsafe path in the content store: {folder}/{path}")
    return root.joinpath(*parts)


def materialise(session: Session, listing: list[tuple[str, str, str]], cache_dir: Path) -> Path:
    """The tree of `listing` under `cache_dir`, written (temporary folder, then one rename) unless it exists."""
    root = cache_dir / tree_hash(listing)
    if root.is_dir():
        with contextlib.suppress(OSError):
            os.utime(root)  # in use: not pruned
        return root
    cache_dir.mkdir(parents=True, exist_ok=True)
    blobs = _blobs(session, {sha for _, _, sha in listing})
    work = Path(tempfile.mkdtemp(dir=cache_dir, prefix=".tmp-"))
    try:
        os.chmod(work, 0o755)
        for folder, path, sha in listing:
            _write_file(_safe_target(work, folder, path), blobs[sha])
        try:
            os.rename(work, root)
        except OSError:
            if not root.is_dir():  # not a concurrent writer's identical tree: a real failure
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _prune(cache_dir, keep=root)
    return root


def _prune(cache_dir: Path, keep: Path) -> None:
    """Remove trees (and abandoned temporary folders) nobody touched for PRUNE_AFTER_SECONDS."""
    limit = time.time() - PRUNE_AFTER_SECONDS
    in_use = {catalog.root for catalog in _catalogs.values()}
    try:
        entries = list(cache_dir.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry == keep or entry in in_use or not (_TREE_NAME.fullmatch(entry.name) or entry.name.startswith(".tmp-")):
            continue
        with contextlib.suppress(OSError):
            if entry.stat().st_mtime < limit:
                shutil.rmtree(entry, ignore_errors=True)


# Per process: (store id, which, serial) → tree hash, and (cache dir, tree hash, cwd) → parsed catalog.
_cache_lock = threading.Lock()
_trees: weakref.WeakKeyDictionary[Engine, dict[tuple[str, str, int], str]] = weakref.WeakKeyDictionary()
_catalogs: OrderedDict[tuple[str, str, str], Catalog] = OrderedDict()
_KEPT_CATALOGS = 8


def published_catalog(engine: Engine, *, cache_dir: Path | None = None, current: State | None = None) -> Catalog:
    """The published curriculum, parsed; re-read only when the database says it changed.

    Costs one primary-key lookup when nothing changed (`current`, when given, saves even that).
    """
    return _catalog(engine, PUBLISHED_TREE, cache_dir, current)


def working_catalog(engine: Engine, *, cache_dir: Path | None = None, current: State | None = None) -> Catalog:
    """The working copy (each module's head: its draft if it has one), parsed; for the Studio only."""
    return _catalog(engine, WORKING_TREE, cache_dir, current)


def _catalog(engine: Engine, which: str, cache_dir: Path | None, current: State | None) -> Catalog:
    current = current or current_state(engine)
    serial = current.published_serial if which == PUBLISHED_TREE else current.working_serial
    folder = str(cache_dir or cache_root())
    key = (current.store_id, which, serial)
    trees = _trees.get(engine)
    tree = trees.get(key) if trees is not None else None
    if tree is not None:
        catalog = _catalogs.get((folder, tree, os.getcwd()))
        if catalog is not None and catalog.root.is_dir():
            return catalog
    with _cache_lock:
        with db.read(engine) as session:
            listing = _listing(session, which)
            root = materialise(session, listing, Path(folder))
        catalog_key = (folder, root.name, os.getcwd())
        catalog = _catalogs.get(catalog_key)
        if catalog is None or not catalog.root.is_dir():
            catalog = load_catalog(root)
        _catalogs[catalog_key] = catalog
        _catalogs.move_to_end(catalog_key)
        while len(_catalogs) > _KEPT_CATALOGS:
            _catalogs.popitem(last=False)
        trees = _trees.setdefault(engine, {})
        trees[key] = root.name
        for stale in list(trees)[:-16]:
            del trees[stale]
        return catalog
