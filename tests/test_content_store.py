"""The curriculum in the database (academy.content.repository): import, export, versions, the copies the app
parses, concurrent saves from two processes and what a second replica sees; on SQLite and PostgreSQL."""

from __future__ import annotations

import filecmp
import multiprocessing
import os
import shutil
import sys
import time
import types
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, func, inspect, select

from academy.content import repository, studio
from academy.content.catalog import load_catalog
from academy.store import db
from academy.store.audit import audit_entries
from academy.store.models import ContentBlob

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "content"
PROJECT_CONTENT = Path(__file__).resolve().parents[1] / "content"
FOLDER = "01-bases-ia"
MODULE_ID = "bases-ia"
SPAWN = multiprocessing.get_context("spawn")  # children start clean: their own engine, their own caches


@pytest.fixture(autouse=True)
def plain_main(monkeypatch: pytest.MonkeyPatch) -> None:
    """A spawned child re-runs ``__main__``'s file: after an AppTest run in this process that is app.py."""
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the valid fixture curriculum, with a README at the top."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid", content)
    (content / "README.md").write_text("# Curriculum\n", encoding="utf-8")
    return content


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv(repository.CACHE_ENV, str(path))
    return path


def same_trees(left: Path, right: Path) -> bool:
    """True when both folders hold the same files with the same bytes (recursively)."""
    comparison = filecmp.dircmp(left, right)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_trees(left / name, right / name) for name in comparison.common_dirs)


def head(engine: Engine, folder: str = FOLDER) -> int:
    return repository.module(engine, folder).head_version_id


# --- import and export ------------------------------------------------------------------------------


def test_import_publishes_a_folder_once_and_is_idempotent(engine: Engine, root: Path, cache: Path) -> None:
    report = repository.import_folder(engine, root, message="seed")
    assert report.published == ("", FOLDER) and report.unchanged == ()
    state = repository.state(engine)
    assert (state.published_serial, state.working_serial) == (1, 1)
    [version] = repository.history(engine, FOLDER)
    assert (version.status, version.action, version.message, version.author_id) == ("published", "import", "seed", None)

    again = repository.import_folder(engine, root)
    assert again.published == () and again.unchanged == ("", FOLDER)
    assert repository.state(engine) == state  # nothing written
    assert len(repository.history(engine, FOLDER)) == 1
    assert len(audit_entries(engine, action="content.import")) == 1

    (root / FOLDER / "02-limites.md").write_text("---\ntitle: Limites revues\n---\n\nTexte.\n", encoding="utf-8")
    changed = repository.import_folder(engine, root)
    assert changed.published == (FOLDER,) and changed.unchanged == ("",)
    assert [v.status for v in repository.history(engine, FOLDER)] == ["published", "superseded"]
    assert repository.history(engine, FOLDER)[0].changed == ("02-limites.md",)
    catalog = repository.published_catalog(engine)
    assert catalog.module(MODULE_ID).lesson("limites").title == "Limites revues"


def test_a_file_stored_once_whatever_the_number_of_versions(engine: Engine, root: Path, cache: Path) -> None:
    repository.import_folder(engine, root)
    text = studio.read_file(engine, FOLDER, "02-limites.md")
    for number in range(3):
        studio.save_file(engine, FOLDER, "02-limites.md", f"{text}\nAjout {number}.\n", base_version=head(engine),
                         actor_id=None)
    with db.read(engine) as session:
        blobs = session.scalar(select(func.count()).select_from(ContentBlob))
    assert blobs == 6 + 3  # the imported files (with the README) + one blob per save, the image stored once


def test_export_round_trips_byte_for_byte(engine: Engine, root: Path, cache: Path, tmp_path: Path) -> None:
    (root / FOLDER / "02-limites.md").write_bytes(b"\xef\xbb\xbf---\r\ntitle: Limites\r\n---\r\n\r\nTexte.\r\n")
    repository.import_folder(engine, root)
    out = tmp_path / "export"
    assert repository.export_published(engine, out) == ["", FOLDER]
    assert same_trees(root, out)

    # into an existing checkout: module folders are replaced whole, anything else stays
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (out / FOLDER / "99-obsolete.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    (out / "_brouillons").mkdir()
    studio.save_file(engine, FOLDER, "02-limites.md", "---\ntitle: Limites\n---\n\nDraft only.\n",
                     base_version=head(engine), actor_id=None)
    repository.export_published(engine, out)
    assert not (out / FOLDER / "99-obsolete.md").exists()
    assert (out / ".git" / "HEAD").is_file() and (out / "_brouillons").is_dir()
    assert (out / FOLDER / "02-limites.md").read_bytes() == (root / FOLDER / "02-limites.md").read_bytes()  # no draft
    assert [entry.name for entry in out.iterdir() if entry.name.startswith(".academy")] == []


def test_the_shipped_curriculum_round_trips(engine: Engine, cache: Path, tmp_path: Path) -> None:
    repository.import_folder(engine, PROJECT_CONTENT)
    repository.export_published(engine, tmp_path / "export")
    assert same_trees(PROJECT_CONTENT, tmp_path / "export")
    assert [str(p) for p in load_catalog(PROJECT_CONTENT).problems] == []
    assert len(repository.published_catalog(engine).modules) == len(load_catalog(PROJECT_CONTENT).modules)


def test_an_import_never_overwrites_an_unpublished_draft(engine: Engine, root: Path, cache: Path) -> None:
    repository.import_folder(engine, root)
    studio.save_file(engine, FOLDER, "02-limites.md", "---\ntitle: Brouillon\n---\n\nTexte.\n",
                     base_version=head(engine), actor_id=None)
    before = repository.state(engine)
    assert repository.import_folder(engine, root).published == ()  # same files as published: nothing to do
    (root / FOLDER / "module.md").write_text(
        (root / FOLDER / "module.md").read_text(encoding="utf-8").replace("initiation", "avance"), encoding="utf-8")
    (root / "02-autre").mkdir()
    shutil.copy(root / FOLDER / "module.md", root / "02-autre" / "module.md")
    with pytest.raises(repository.ImportRefused) as refused:
        repository.import_folder(engine, root)
    assert refused.value.drafts == [(FOLDER, head(engine))]
    assert repository.state(engine) == before and repository.module(engine, "02-autre") is None  # nothing at all


def test_the_seed_is_imported_into_an_empty_store_only(engine: Engine, root: Path, cache: Path) -> None:
    assert repository.is_empty(engine)
    assert repository.ensure_seeded(engine, root).published == ("", FOLDER)
    assert repository.ensure_seeded(engine, root) is None
    assert repository.ensure_seeded(engine, root / "absent") is None


# --- what the app parses -------------------------------------------------------------------------------


def test_drafts_are_seen_in_the_working_copy_only(engine: Engine, root: Path, cache: Path) -> None:
    repository.import_folder(engine, root)
    published = repository.published_catalog(engine)
    assert repository.working_catalog(engine).root == published.root  # no draft: the very same tree
    quiz = studio.read_file(engine, FOLDER, "quiz.md").replace("## Apprentissage automatique {#", "## Brouillon {#")
    draft = studio.save_file(engine, FOLDER, "quiz.md", quiz, base_version=head(engine), actor_id=None)

    assert repository.working_catalog(engine).module(MODULE_ID).quiz.question("definition").title == "Brouillon"
    assert repository.published_catalog(engine) is published
    assert published.module(MODULE_ID).quiz.question("definition").title == "Apprentissage automatique"
    assert studio.publish(engine, FOLDER, version_id=draft.version.id, actor_id=None).published
    assert repository.published_catalog(engine).module(MODULE_ID).quiz.question("definition").title == "Brouillon"


def test_trees_are_named_by_their_content_and_shared(engine: Engine, root: Path, cache: Path, tmp_path: Path) -> None:
    repository.import_folder(engine, root)
    first = repository.published_catalog(engine)
    assert first.root.parent == cache and repository.tree_hash([]) != first.root.name
    assert same_trees(first.root, root)
    assert [entry.name for entry in cache.iterdir() if entry.name.startswith(".tmp-")] == []

    other = db.make_engine(f"sqlite:///{tmp_path / 'other.db'}")  # another database with the same content
    try:
        db.upgrade(other)
        repository.import_folder(other, root)
        assert repository.state(other).store_id != repository.state(engine).store_id
        assert repository.published_catalog(other).root == first.root
    finally:
        other.dispose()

    shutil.rmtree(first.root)  # a cleaned cache folder is written again
    assert repository.published_catalog(engine, current=repository.state(engine)).root.is_dir()


def _save_in_another_process(url: str, cache: str, base: int, text: str, barrier: object, results: object) -> None:
    os.environ[repository.CACHE_ENV] = cache
    engine = db.make_engine(url)
    try:
        barrier.wait(timeout=60)  # type: ignore[attr-defined]
        result = studio.save_file(engine, FOLDER, "02-limites.md", text, base_version=base, actor_id=None)
        results.put(result.status)  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_two_processes_saving_one_file_from_one_base_exactly_one_wins(database_url: str, tmp_path: Path,
                                                                       root: Path, cache: Path) -> None:
    engine = db.make_engine(database_url)
    try:
        db.upgrade(engine)
        repository.import_folder(engine, root)
        base, opened = head(engine), studio.read_file(engine, FOLDER, "02-limites.md")
        barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
        processes = [
            SPAWN.Process(target=_save_in_another_process,
                          args=(database_url, str(tmp_path / f"cache-{n}"), base, f"{opened}\nAjout {n}.\n", barrier,
                                results))
            for n in (1, 2)
        ]
        for process in processes:
            process.start()
        statuses = sorted(results.get(timeout=120) for _ in processes)
        for process in processes:
            process.join(timeout=60)
        assert statuses == [studio.CONFLICT, studio.SAVED]
        [winner, _] = repository.history(engine, FOLDER)
        assert winner.base_version_id == base and winner.changed == ("02-limites.md",)
        text = studio.read_file(engine, FOLDER, "02-limites.md")
        assert text.count("\nAjout ") == 1
    finally:
        engine.dispose()


def _replica(url: str, cache: str, ready: object, events: object) -> None:
    """A second app process: polls the published curriculum the way each page run does, reports what it sees."""
    engine = db.make_engine(url)
    try:
        seen = None
        started = time.monotonic()
        while time.monotonic() - started < 30:
            title = repository.published_catalog(engine, cache_dir=Path(cache)).module(MODULE_ID).quiz.question(
                "definition").title
            if seen is None:
                ready.set()  # type: ignore[attr-defined]
            if title != seen:
                events.put((title, time.time()))  # type: ignore[attr-defined]
                seen = title
            if title == "Machine learning":
                return
            time.sleep(0.02)
    finally:
        engine.dispose()


def test_a_second_replica_sees_a_publication_within_5_s_and_never_a_draft(database_url: str, tmp_path: Path,
                                                                         root: Path, cache: Path) -> None:
    engine = db.make_engine(database_url)
    ready, events = SPAWN.Event(), SPAWN.Queue()
    replica = SPAWN.Process(target=_replica, args=(database_url, str(tmp_path / "replica-cache"), ready, events))
    try:
        db.upgrade(engine)
        repository.import_folder(engine, root)
        replica.start()
        assert ready.wait(timeout=120)
        quiz = studio.read_file(engine, FOLDER, "quiz.md").replace("## Apprentissage automatique {#",
                                                                    "## Machine learning {#")
        draft = studio.save_file(engine, FOLDER, "quiz.md", quiz, base_version=head(engine), actor_id=None)
        time.sleep(3 * repository.STATE_TTL_SECONDS)  # the replica asks the database again meanwhile
        published_at = time.time()
        assert studio.publish(engine, FOLDER, version_id=draft.version.id, actor_id=None).published
        replica.join(timeout=60)
        seen = []
        while not events.empty():
            seen.append(events.get())
        assert [title for title, _ in seen] == ["Apprentissage automatique", "Machine learning"]  # never the draft
        latency = seen[-1][1] - published_at
        print(f"replica saw the publication {latency * 1000:.0f} ms after its commit")
        assert 0 <= latency < 5, latency
    finally:
        if replica.is_alive():
            replica.terminate()
        engine.dispose()


# --- schema ------------------------------------------------------------------------------------------


def test_the_migration_creates_the_content_tables_and_downgrades(empty_engine: Engine) -> None:
    db.upgrade(empty_engine, "0005")
    assert "content_versions" not in inspect(empty_engine).get_table_names()
    db.upgrade(empty_engine, "0007")
    tables = set(inspect(empty_engine).get_table_names())
    assert {"content_state", "content_blobs", "content_versions", "content_files", "content_modules"} <= tables
    state = repository.state(empty_engine)
    assert (state.published_serial, state.working_serial, len(state.store_id)) == (0, 0, 32)
    assert repository.is_empty(empty_engine)

    config = db._alembic_config()
    with db.write_connection(empty_engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    assert "content_state" not in inspect(empty_engine).get_table_names()
    db.upgrade(empty_engine)
    assert repository.state(empty_engine).published_serial == 0
