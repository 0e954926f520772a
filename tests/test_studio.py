"""Trainer studio: refused uploads change nothing, edits never break a module, saves are drafts until published,
versions restore, all audited; on SQLite and PostgreSQL (the curriculum lives in the database)."""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from academy.accounts import auth
from academy.cli import cli
from academy.content import repository, studio
from academy.content.catalog import Catalog, load_catalog
from academy.i18n import LOCALES, STRINGS
from academy.store.audit import audit_entries

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "content"
VALID = FIXTURES / "valid" / "01-bases-ia"
FOLDER = "01-bases-ia"
MODULE_ID = "bases-ia"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the valid fixture curriculum (one module, 01-bases-ia)."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid", content)
    return content


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder the curriculum is materialised in (never data/ of the project)."""
    path = tmp_path / "cache"
    monkeypatch.setenv(repository.CACHE_ENV, str(path))
    return path


@pytest.fixture
def store(engine: Engine, root: Path, cache: Path) -> Engine:
    """The database holding `root`, imported and published."""
    repository.import_folder(engine, root)
    return engine


@pytest.fixture
def trainer(engine: Engine) -> int:
    return auth.add_user(engine, email="formatrice@example.org", name="Claire Martin", password="correct-horse-battery",
                         roles={"trainer"}, profession="medecin").id


def head(engine: Engine, folder: str = FOLDER) -> int:
    """The newest version of a module (the base an editor opens)."""
    return repository.module(engine, folder).head_version_id


def working(engine: Engine) -> Catalog:
    """The Studio's working copy (drafts included), as the database says now."""
    return repository.working_catalog(engine, current=repository.state(engine))


def published(engine: Engine) -> Catalog:
    """What learners get, as the database says now."""
    return repository.published_catalog(engine, current=repository.state(engine))


def snapshot(engine: Engine) -> tuple[object, ...]:
    """Everything a content write changes: the serials and every module's versions."""
    return (repository.state(engine), tuple(repository.modules(engine)),
            tuple(len(repository.history(engine, ref.folder)) for ref in repository.modules(engine)))


def make_zip(entries: list[tuple[str | zipfile.ZipInfo, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": wanted in one test
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def module_entries(prefix: str = f"{FOLDER}/", replace: dict[str, bytes] | None = None) -> list[tuple[str, bytes]]:
    """The valid fixture module's files as archive entries under `prefix`, some replaced."""
    files = {path.relative_to(VALID).as_posix(): path.read_bytes() for path in VALID.rglob("*") if path.is_file()}
    files.update(replace or {})
    return [(prefix + name, data) for name, data in sorted(files.items())]


def codes(check: studio.UploadCheck) -> set[str]:
    return {refusal.code for refusal in check.refusals}


# --- uploads that are refused (archive attacks: tests/security/test_upload_archives.py) -----------------


def test_an_invalid_module_is_refused_with_its_problems(store: Engine, trainer: int) -> None:
    module_md = (VALID / "module.md").read_text(encoding="utf-8").replace("level: initiation", "level: expert")
    archive = make_zip(module_entries(replace={"module.md": module_md.encode()}))
    before = snapshot(store)

    check = studio.validate_upload(archive, store)
    assert check.refusals == ()
    assert not check.ok
    assert len(check.problems) == 1
    assert str(check.problems[0]).startswith(f"{FOLDER}/module.md:")  # reported in the module folder
    assert "`level` must be one of initiation, intermediaire, avance" in str(check.problems[0])

    assert not studio.install_upload(archive, store, base_version=check.base_version, actor_id=trainer).installed
    assert snapshot(store) == before
    assert audit_entries(store, action="studio.upload") == []


def test_a_target_given_with_a_folder_archive_must_match(store: Engine) -> None:
    check = studio.validate_upload(make_zip(module_entries()), store, target="02-autre-dossier")
    assert codes(check) == {"target_mismatch"}
    check = studio.validate_upload(make_zip(module_entries("")), store, target="pas un dossier")
    assert codes(check) == {"target_invalid"}


def test_every_refusal_code_has_an_interface_text() -> None:
    source = Path(studio.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'(?:_notice|StudioError)\("([a-z_]+)"', source))
    assert len(used) > 20
    for code in used:
        assert set(STRINGS[f"studio.reason.{code}"]) == set(LOCALES), code


# --- uploads that are installed ------------------------------------------------------------------


def test_a_new_module_is_installed_as_a_draft_audited_and_published(store: Engine, trainer: int) -> None:
    module_md = (VALID / "module.md").read_text(encoding="utf-8").replace(
        "title: Les bases de l'IA en santé", "title: Un nouveau module")
    archive = make_zip([*module_entries("02-nouveau-module/", {"module.md": module_md.encode()}),
                        ("__MACOSX/02-nouveau-module/._quiz.md", b"junk"), ("02-nouveau-module/.DS_Store", b"junk")])

    check = studio.validate_upload(archive, store)
    assert check.ok and check.folder == "02-nouveau-module" and not check.replaces and check.base_version is None
    assert check.title == "Un nouveau module"
    result = studio.install_upload(archive, store, base_version=None, actor_id=trainer, message="nouveau module")

    assert result.installed and result.version.status == "draft"
    assert sorted(repository.file_hashes(store, result.version.id)) == [
        "01-introduction.md", "02-limites.md", "images/schema.png", "module.md", "quiz.md"]  # no junk
    assert working(store).module("nouveau-module").title == "Un nouveau module"
    assert published(store).module("nouveau-module") is None  # a draft: learners do not see it
    [entry] = audit_entries(store, action="studio.upload")
    assert (entry.actor_id, entry.target) == (trainer, "nouveau-module")
    assert entry.details["files"] == ["01-introduction.md", "02-limites.md", "images/schema.png", "module.md",
                                      "quiz.md"]
    assert entry.details["message"] == "nouveau module"

    assert studio.publish_check(store, "02-nouveau-module").publishable
    assert studio.publish(store, "02-nouveau-module", version_id=result.version.id, actor_id=trainer).published
    assert published(store).module("nouveau-module").title == "Un nouveau module"
    image = published(store).module("nouveau-module").folder / "images" / "schema.png"
    assert image.read_bytes() == (VALID / "images" / "schema.png").read_bytes()  # images come from the database


def test_files_at_the_archive_root_go_to_the_folder_given(store: Engine, trainer: int) -> None:
    archive = make_zip(module_entries(""))
    result = studio.install_upload(archive, store, target="03-copie", base_version=None, actor_id=trainer)
    assert result.installed
    assert studio.read_file(store, "03-copie", "quiz.md") == (VALID / "quiz.md").read_text(encoding="utf-8")


def test_replacing_a_module_keeps_every_version(store: Engine, trainer: int) -> None:
    quiz_md = (VALID / "quiz.md").read_text(encoding="utf-8").replace("## Sigle {#", "## Sigle européen {#")
    entries = [entry for entry in module_entries(replace={"quiz.md": quiz_md.encode()})
               if not entry[0].endswith("02-limites.md")]
    archive = make_zip(entries)

    check = studio.validate_upload(archive, store)
    assert check.ok and check.replaces and check.base_version == head(store)
    result = studio.install_upload(archive, store, base_version=check.base_version, actor_id=trainer)

    assert result.installed
    [upload, imported] = studio.history(store, FOLDER)
    assert upload.changed == ("02-limites.md", "quiz.md")
    module = working(store).module(MODULE_ID)
    assert module.quiz.question("sigle").title == "Sigle européen"
    assert [lesson.id for lesson in module.lessons] == ["introduction"]
    assert [lesson.id for lesson in published(store).module(MODULE_ID).lessons] == ["introduction", "limites"]

    # the removed lesson comes back from the imported version
    assert studio.read_version(store, FOLDER, imported.id, "quiz.md") == (VALID / "quiz.md").read_bytes()
    restored = studio.restore_version(store, FOLDER, imported.id, "02-limites.md", base_version=head(store),
                                      actor_id=trainer)
    assert restored.saved and restored.version.source_version_id == imported.id
    assert studio.read_file(store, FOLDER, "02-limites.md") == (VALID / "02-limites.md").read_text(encoding="utf-8")
    assert [lesson.id for lesson in working(store).module(MODULE_ID).lessons] == ["introduction", "limites"]

    # an upload named from a version that is no longer the newest is refused
    stale = studio.install_upload(make_zip(module_entries()), store, base_version=check.base_version, actor_id=trainer)
    assert stale.status == studio.CONFLICT


def test_a_module_downloaded_as_zip_uploads_back_unchanged(store: Engine, trainer: int) -> None:
    archive = studio.module_zip(store, FOLDER)
    check = studio.validate_upload(archive, store)
    assert check.ok and check.replaces
    assert check.files == ("01-introduction.md", "02-limites.md", "images/schema.png", "module.md", "quiz.md")
    result = studio.install_upload(archive, store, base_version=check.base_version, actor_id=trainer)
    assert result.status == studio.UNCHANGED and len(studio.history(store, FOLDER)) == 1


# --- editing -------------------------------------------------------------------------------------


def test_an_edit_that_breaks_the_module_is_refused_with_its_errors(store: Engine, trainer: int) -> None:
    before = snapshot(store)
    text = studio.read_file(store, FOLDER, "quiz.md").replace(".qru objective=1", ".qru objective=9")

    check = studio.check_file(store, FOLDER, "quiz.md", text)
    assert not check.acceptable and check.was_valid
    result = studio.save_file(store, FOLDER, "quiz.md", text, base_version=head(store), actor_id=trainer)

    assert result.status == studio.INVALID and not result.saved
    assert tuple(map(str, result.new_problems)) == (
        f"{FOLDER}/quiz.md:6: question `definition` has objective=9 but module.md lists 2 objective(s): "
        "use a number from 1 to 2",)
    assert result.new_problems == check.new_problems
    assert snapshot(store) == before
    assert audit_entries(store, action="studio.save") == []


def test_a_valid_edit_is_a_draft_until_published_kept_audited_and_can_be_rolled_back(store: Engine,
                                                                                     trainer: int) -> None:
    original = studio.read_file(store, FOLDER, "quiz.md")
    assert published(store).module(MODULE_ID).quiz.question("definition").title == "Apprentissage automatique"
    edited = original.replace("## Apprentissage automatique {#", "## Machine learning {#")
    base = head(store)

    result = studio.save_file(store, FOLDER, "quiz.md", edited, base_version=base, actor_id=trainer,
                              message="titre en anglais")

    assert result.saved and result.problems == ()
    assert (result.version.status, result.version.base_version_id, result.version.author) == (
        "draft", base, "Claire Martin")
    assert working(store).module(MODULE_ID).quiz.question("definition").title == "Machine learning"
    assert published(store).module(MODULE_ID).quiz.question("definition").title == "Apprentissage automatique"
    assert studio.read_version(store, FOLDER, base, "quiz.md") == original.encode()
    [entry] = audit_entries(store, action="studio.save")
    assert (entry.actor_id, entry.target) == (trainer, MODULE_ID)
    assert entry.details == {"folder": FOLDER, "version": result.version.id, "base": base, "files": ["quiz.md"],
                             "message": "titre en anglais"}

    publication = studio.publish(store, FOLDER, version_id=result.version.id, actor_id=trainer)
    assert publication.published and publication.version.published_by == "Claire Martin"
    assert published(store).module(MODULE_ID).quiz.question("definition").title == "Machine learning"
    assert [v.status for v in studio.history(store, FOLDER)] == ["published", "superseded"]

    rollback = studio.restore_version(store, FOLDER, base, "quiz.md", base_version=head(store), actor_id=trainer)
    assert rollback.saved and rollback.version.status == "draft"
    assert published(store).module(MODULE_ID).quiz.question("definition").title == "Machine learning"
    assert studio.publish(store, FOLDER, version_id=rollback.version.id, actor_id=trainer).published
    assert published(store).module(MODULE_ID).quiz.question("definition").title == "Apprentissage automatique"
    assert [(v.status, v.action) for v in studio.history(store, FOLDER)] == [
        ("published", "restore"), ("superseded", "save"), ("superseded", "import")]
    [restore_entry] = audit_entries(store, action="studio.restore")
    assert restore_entry.details["restored"] == base


def test_an_invalid_module_may_be_fixed_one_problem_at_a_time(engine: Engine, root: Path, cache: Path,
                                                              trainer: int) -> None:
    module_md = (root / FOLDER / "module.md").read_text(encoding="utf-8")
    (root / FOLDER / "module.md").write_text(module_md.replace("level: initiation", "level: expert"), encoding="utf-8")
    repository.import_folder(engine, root)
    quiz_md = studio.read_file(engine, FOLDER, "quiz.md")
    assert not published(engine).all_modules[0].valid

    unrelated = quiz_md.replace("Quel sigle", "Quel acronyme")
    kept_problem = studio.save_file(engine, FOLDER, "quiz.md", unrelated, base_version=head(engine), actor_id=trainer)
    assert kept_problem.saved and len(kept_problem.problems) == 1 and "`level`" in str(kept_problem.problems[0])
    # a draft with a problem cannot be published
    refused = studio.publish(engine, FOLDER, version_id=head(engine), actor_id=trainer)
    assert refused.status == studio.INVALID and "`level`" in str(refused.problems[0])
    assert studio.publish_check(engine, FOLDER).problems == refused.problems

    worse = unrelated.replace(".qroc objective=2", ".qroc objective=7")
    refused = studio.save_file(engine, FOLDER, "quiz.md", worse, base_version=head(engine), actor_id=trainer)
    assert refused.status == studio.INVALID and len(refused.new_problems) == 1
    assert "objective=7" in str(refused.new_problems[0])

    fixed = studio.save_file(engine, FOLDER, "module.md", module_md, base_version=head(engine), actor_id=trainer)
    assert fixed.saved and fixed.problems == ()
    assert published(engine).module(MODULE_ID) is None
    assert studio.publish(engine, FOLDER, version_id=head(engine), actor_id=trainer).published
    assert published(engine).module(MODULE_ID) is not None


def test_a_prerequisite_cycle_is_refused(engine: Engine, root: Path, cache: Path, trainer: int) -> None:
    shutil.copytree(root / FOLDER, root / "02-suite")
    suite = (root / "02-suite" / "module.md").read_text(encoding="utf-8")
    (root / "02-suite" / "module.md").write_text(
        suite.replace("level: initiation\n", "level: initiation\nprerequisites:\n  - bases-ia\n"), encoding="utf-8")
    assert load_catalog(root).problems == ()
    repository.import_folder(engine, root)
    module_md = studio.read_file(engine, FOLDER, "module.md")

    cyclic = module_md.replace("level: initiation\n", "level: initiation\nprerequisites:\n  - suite\n")

    result = studio.save_file(engine, FOLDER, "module.md", cyclic, base_version=head(engine), actor_id=trainer)

    assert result.status == studio.INVALID
    assert tuple(map(str, result.new_problems)) == (f"{FOLDER}/module.md:10: prerequisites form a cycle "
                                   "(bases-ia → suite → bases-ia): remove one of them",)
    assert studio.read_file(engine, FOLDER, "module.md") == module_md


def test_a_draft_cannot_publish_a_prerequisite_learners_do_not_have(store: Engine, trainer: int) -> None:
    new = make_zip(module_entries("02-suite/"))
    assert studio.install_upload(new, store, base_version=None, actor_id=trainer).installed
    module_md = studio.read_file(store, FOLDER, "module.md")
    needs_suite = module_md.replace("level: initiation\n", "level: initiation\nprerequisites:\n  - suite\n")
    saved = studio.save_file(store, FOLDER, "module.md", needs_suite, base_version=head(store), actor_id=trainer)
    assert saved.saved and saved.problems == ()  # the working copy has 02-suite

    refused = studio.publish(store, FOLDER, version_id=head(store), actor_id=trainer)
    assert refused.status == studio.INVALID
    assert "unknown prerequisite `suite`" in str(refused.problems[0])  # learners do not have it yet
    assert studio.publish(store, "02-suite", version_id=head(store, "02-suite"), actor_id=trainer).published
    assert studio.publish(store, FOLDER, version_id=head(store), actor_id=trainer).published
    assert published(store).module(MODULE_ID).prerequisites == ("suite",)


def test_a_file_changed_since_it_was_opened_is_not_overwritten(store: Engine, trainer: int) -> None:
    opened, base = studio.read_file(store, FOLDER, "02-limites.md"), head(store)
    colleague = studio.save_file(store, FOLDER, "02-limites.md", opened + "\nAjout d'un collègue.\n", base_version=base,
                                 actor_id=None)
    assert colleague.saved
    result = studio.save_file(store, FOLDER, "02-limites.md", opened + "\nMon ajout.\n", base_version=base,
                              actor_id=trainer)
    assert result.status == studio.CONFLICT
    assert "Ajout d'un collègue." in studio.read_file(store, FOLDER, "02-limites.md")
    # a save of another file from the same base is kept, on top of the colleague's
    other = studio.save_file(store, FOLDER, "01-introduction.md", "---\ntitle: Introduction\n---\n\nTexte.\n",
                             base_version=base, actor_id=trainer)
    assert other.saved and other.version.base_version_id == colleague.version.id
    assert "Ajout d'un collègue." in studio.read_file(store, FOLDER, "02-limites.md")
    # publishing needs the draft it names: the colleague's is no longer the newest
    assert studio.publish(store, FOLDER, version_id=colleague.version.id, actor_id=trainer).status == studio.CONFLICT


def test_a_conflict_found_only_at_commit_time_is_checked_again(store: Engine, trainer: int,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Another save lands between a save's lint and its commit: the database refuses the stale head, the save
    runs again on the new head and finds the conflict."""
    opened, base = studio.read_file(store, FOLDER, "02-limites.md"), head(store)
    commit = repository.commit
    calls = []

    def racing_commit(*args: object, **kwargs: object) -> object:
        if not calls:
            calls.append("other")
            commit(store, FOLDER, {**repository.read_files(store, base), "02-limites.md": b"---\ntitle: Autre\n---\n"},
                   expected_head=base, action="save", author_id=None, audit_action="studio.save")
        return commit(*args, **kwargs)

    monkeypatch.setattr(repository, "commit", racing_commit)
    result = studio.save_file(store, FOLDER, "02-limites.md", opened + "\nMon ajout.\n", base_version=base,
                              actor_id=trainer)
    assert result.status == studio.CONFLICT
    assert studio.read_file(store, FOLDER, "02-limites.md") == "---\ntitle: Autre\n---\n"


def test_a_file_with_windows_line_ends_is_not_seen_as_changed(engine: Engine, root: Path, cache: Path) -> None:
    path = root / FOLDER / "02-limites.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    repository.import_folder(engine, root)
    opened = studio.read_file(engine, FOLDER, "02-limites.md")
    assert "\r" not in opened and not opened.startswith("\ufeff")
    result = studio.save_file(engine, FOLDER, "02-limites.md", opened + "\nAjout.\n", base_version=head(engine),
                              actor_id=None)
    assert result.saved
    assert repository.read_file(engine, head(engine), "02-limites.md") == (opened + "\nAjout.\n").encode()


def test_saving_the_same_text_writes_nothing(store: Engine, trainer: int) -> None:
    before = snapshot(store)
    text = studio.read_file(store, FOLDER, "module.md")
    result = studio.save_file(store, FOLDER, "module.md", text, base_version=head(store), actor_id=trainer)
    assert result.status == studio.UNCHANGED
    assert snapshot(store) == before


@pytest.mark.parametrize(("folder", "filename", "code"), [
    ("../content", "module.md", "unknown_module"),
    ("99-absent", "module.md", "unknown_module"),
    (FOLDER, "../../x.md", "bad_file"),
    (FOLDER, "images/schema.png", "bad_file"),
    (FOLDER, ".cache.md", "bad_file"),
])
def test_only_markdown_files_of_module_folders_can_be_edited(store: Engine, folder: str, filename: str,
                                                             code: str) -> None:
    before = snapshot(store)
    with pytest.raises(studio.StudioError) as raised:
        studio.save_file(store, folder, filename, "x", base_version=head(store), actor_id=None)
    assert raised.value.notice.code == code
    assert snapshot(store) == before


def test_versions_of_another_module_or_unknown_cannot_be_restored(store: Engine, trainer: int) -> None:
    other = studio.install_upload(make_zip(module_entries("02-autre/")), store, base_version=None, actor_id=trainer)
    for version_id in (other.version.id, 999_999, -1):
        with pytest.raises(studio.StudioError) as raised:
            studio.restore_version(store, FOLDER, version_id, "quiz.md", base_version=head(store), actor_id=None)
        assert raised.value.notice.code == "unknown_version"
        with pytest.raises(studio.StudioError):
            studio.read_version(store, FOLDER, version_id, "quiz.md")


def test_module_files_lists_the_markdown_files_in_reading_order(store: Engine) -> None:
    assert studio.module_files(store, FOLDER) == ["module.md", "01-introduction.md", "02-limites.md", "quiz.md"]


def test_checking_leaves_no_staging_folder(store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    check = studio.check_file(store, FOLDER, "01-introduction.md", "---\ntitle: Nouveau titre\n---\n\nTexte.\n")
    assert check.acceptable and check.module.lesson("introduction").title == "Nouveau titre"
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_discarded_draft_leaves_the_published_version(store: Engine, trainer: int) -> None:
    text = studio.read_file(store, FOLDER, "02-limites.md")
    draft = studio.save_file(store, FOLDER, "02-limites.md", text + "\nBrouillon.\n", base_version=head(store),
                             actor_id=trainer)
    assert studio.discard_draft(store, FOLDER, version_id=draft.version.id, actor_id=trainer)
    assert studio.read_file(store, FOLDER, "02-limites.md") == text
    assert not repository.module(store, FOLDER).has_draft
    assert [v.status for v in studio.history(store, FOLDER)] == ["discarded", "published"]
    assert not studio.discard_draft(store, FOLDER, version_id=draft.version.id, actor_id=trainer)  # already gone
    [entry] = audit_entries(store, action="studio.discard")
    assert entry.details["version"] == draft.version.id


# --- content health, trainer view, coverage --------------------------------------------------------


def test_content_health_prints_what_the_check_command_prints(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid", content)
    for number, case in enumerate(("bad-level", "unknown-prerequisite", "qru-two-correct"), start=2):
        [folder] = (FIXTURES / "broken" / case).iterdir()
        shutil.copytree(folder, content / f"0{number}-{folder.name.split('-', 1)[1]}")
    catalog = load_catalog(content)

    result = CliRunner().invoke(cli, ["check", str(content)])

    assert result.exit_code == 1
    assert result.stdout.splitlines() == studio.problem_lines(catalog)
    health = studio.module_health(catalog)
    assert [(h.folder, h.valid) for h in health] == [(FOLDER, True), ("02-niveau-invalide", False),
                                                     ("03-prerequis-inconnu", False), ("04-qru-deux-reponses", False)]
    assert sum(h.problems for h in health) == len(studio.problem_lines(catalog)) >= 3


def test_answer_key_marks_right_options_and_feedback(root: Path) -> None:
    module = load_catalog(root).module(MODULE_ID)
    key = studio.answer_key(module.quiz.question("definition"))
    assert [line.correct for line in key] == [False, True, False]
    assert key[0].feedback == "Non : c'est un système expert à base de règles."
    notes = [line.note for line in studio.answer_key(module.quiz.question("pratiques"))]
    assert notes == ["indispensable", "", "inacceptable"]


def test_coverage_crosses_objectives_and_questions(root: Path) -> None:
    module = load_catalog(root).module(MODULE_ID)
    table = studio.coverage(module, unassigned_label="aucun")
    assert list(table.index) == ["1. Définir l'apprentissage automatique.", "2. Identifier les limites d'un modèle."]
    assert list(table.columns) == ["definition", "pratiques", "sigle", "questions", "points"]
    assert table.loc["1. Définir l'apprentissage automatique.", "definition"] == 1
    assert table["questions"].tolist() == [1, 2]
    assert table["points"].tolist() == [1.0, 2.0]
