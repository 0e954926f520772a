"""Trainer studio: refused uploads change nothing, edits never break a module, versions restore, all audited."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import stat
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from academy.accounts import auth
from academy.cli import cli
from academy.content import studio
from academy.content.catalog import cached_catalog, load_catalog
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
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The versions store (also the default one, so that nothing is ever written under data/)."""
    path = tmp_path / "versions"
    monkeypatch.setenv(studio.VERSIONS_ENV, str(path))
    return path


@pytest.fixture
def trainer(engine: Engine) -> int:
    return auth.add_user(engine, email="formatrice@example.org", name="Claire Martin", password="correct-horse-battery",
                         roles={"trainer"}, profession="medecin").id


def tree_digest(path: Path) -> str:
    """A hash of every entry under `path` (hidden ones too): names, kinds and bytes."""
    digest = hashlib.sha256()
    for folder, dirs, files in sorted(os.walk(path)):
        dirs.sort()
        digest.update(f"D {Path(folder).relative_to(path)}\n".encode())
        for name in sorted(files):
            file = Path(folder) / name
            digest.update(f"F {file.relative_to(path)} {file.is_symlink()}\n".encode())
            digest.update(file.read_bytes() if not file.is_symlink() else os.readlink(file).encode())
    return digest.hexdigest()


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


def symlink_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def with_encrypted_flag(archive: bytes, name: str) -> bytes:
    """`archive` with member `name` flagged as encrypted (zipfile cannot write encrypted members)."""
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        data[opened.getinfo(name).header_offset + 6] |= 0x1  # local header: general purpose flags
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46 : central + 46 + len(name)] == name.encode():
            data[central + 8] |= 0x1  # central directory: general purpose flags
        central = data.find(b"PK\x01\x02", central + 1)
    return bytes(data)


def codes(check: studio.UploadCheck) -> set[str]:
    return {refusal.code for refusal in check.refusals}


# --- uploads that are refused --------------------------------------------------------------------

REFUSED_ARCHIVES = {
    "zip-slip": (lambda: make_zip([*module_entries(), ("../x.md", b"# pwned")]), "parent_path"),
    "zip-slip-inside": (lambda: make_zip([*module_entries(), (f"{FOLDER}/../../x.png", b"x")]), "parent_path"),
    "absolute": (lambda: make_zip([*module_entries(), ("/etc/x.md", b"x")]), "absolute_path"),
    "drive-letter": (lambda: make_zip([*module_entries(), ("C:/x.md", b"x")]), "absolute_path"),
    "backslash": (lambda: make_zip([*module_entries(), (f"{FOLDER}\\..\\..\\x.md", b"x")]), "backslash"),
    "symlink": (lambda: make_zip([*module_entries(), symlink_entry(f"{FOLDER}/lien.md", "/etc/passwd")]), "symlink"),
    "encrypted": (lambda: with_encrypted_flag(make_zip([*module_entries(), (f"{FOLDER}/secret.png", b"x")]),
                                              f"{FOLDER}/secret.png"), "encrypted"),
    "oversized": (lambda: make_zip([*module_entries(), (f"{FOLDER}/images/big.png", os.urandom(5 * studio.MB + 1))],
                                   zipfile.ZIP_STORED), "archive_too_large"),
    "too-many-files": (lambda: make_zip([*module_entries(), *((f"{FOLDER}/images/{i}.png", b"x") for i in range(200))]),
                       "too_many_files"),
    "uncompressed-total": (lambda: make_zip([*module_entries(),
                                             *((f"{FOLDER}/images/{i}.svg", bytes(7 * studio.MB)) for i in range(3))]),
                           "total_too_large"),
    "bomb": (lambda: make_zip([*module_entries(), (f"{FOLDER}/images/bomb.svg", bytes(3 * studio.MB))]),
             "compression_ratio"),
    "bad-extension": (lambda: make_zip([*module_entries(), (f"{FOLDER}/script.py", b"import os")]), "bad_extension"),
    "html": (lambda: make_zip([*module_entries(), (f"{FOLDER}/page.html", b"<script>")]), "bad_extension"),
    "hidden": (lambda: make_zip([*module_entries(), (f"{FOLDER}/.git/config.md", b"x")]), "hidden_name"),
    "duplicate": (lambda: make_zip([*module_entries(), (f"{FOLDER}/quiz.md", b"autre")]), "duplicate_name"),
    "nested-markdown": (lambda: make_zip([*module_entries(), (f"{FOLDER}/brouillons/03-lecon.md", b"x")]),
                        "nested_markdown"),
    "too-deep": (lambda: make_zip([*module_entries(), (f"{FOLDER}/a/b/c/x.png", b"x")]), "too_deep"),
    "two-folders": (lambda: make_zip([*module_entries(), *module_entries("02-autre/")]), "layout"),
    "bad-folder-name": (lambda: make_zip(module_entries("Mon module/")), "folder_name"),
    "root-without-target": (lambda: make_zip(module_entries("")), "target_required"),
    "id-in-use": (lambda: make_zip(module_entries("07-bases-ia/")), "id_in_use"),
    "not-a-zip": (lambda: b"PK\x03\x04 this is not really a zip", "not_zip"),
    "empty": (lambda: make_zip([]), "empty"),
}


@pytest.mark.parametrize("case", sorted(REFUSED_ARCHIVES))
def test_refused_uploads_say_why(case: str, root: Path) -> None:
    build, code = REFUSED_ARCHIVES[case]
    before = tree_digest(root)
    check = studio.validate_upload(build(), root)
    assert code in codes(check), check.refusals
    assert not check.ok
    for refusal in check.refusals:
        for locale in LOCALES:
            message = refusal.message(locale)
            assert message != f"studio.reason.{refusal.code}" and "{" not in message
    assert tree_digest(root) == before


def test_refused_uploads_install_nothing(root: Path, store: Path, engine: Engine, trainer: int) -> None:
    before = tree_digest(root)
    for case, (build, _) in sorted(REFUSED_ARCHIVES.items()):
        result = studio.install_upload(build(), root, actor_id=trainer, engine=engine)
        assert not result.installed, case
        assert tree_digest(root) == before, case
    assert not store.exists()
    assert audit_entries(engine, action="studio.upload") == []


def test_an_invalid_module_is_refused_with_its_problems(root: Path, store: Path, engine: Engine, trainer: int) -> None:
    module_md = (VALID / "module.md").read_text(encoding="utf-8").replace("level: initiation", "level: expert")
    archive = make_zip(module_entries(replace={"module.md": module_md.encode()}))
    before = tree_digest(root)

    check = studio.validate_upload(archive, root)
    assert check.refusals == ()
    assert not check.ok
    assert len(check.problems) == 1
    assert check.problems[0].startswith(str(root / FOLDER / "module.md") + ":")  # reported at the live path
    assert "`level` must be one of initiation, intermediaire, avance" in check.problems[0]

    assert not studio.install_upload(archive, root, actor_id=trainer, engine=engine).installed
    assert tree_digest(root) == before
    assert audit_entries(engine, action="studio.upload") == []


def test_a_target_given_with_a_folder_archive_must_match(root: Path) -> None:
    check = studio.validate_upload(make_zip(module_entries()), root, target="02-autre-dossier")
    assert codes(check) == {"target_mismatch"}
    check = studio.validate_upload(make_zip(module_entries("")), root, target="pas un dossier")
    assert codes(check) == {"target_invalid"}


def test_every_refusal_code_has_an_interface_text() -> None:
    source = Path(studio.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'(?:_notice|StudioError)\("([a-z_]+)"', source))
    assert len(used) > 20
    for code in used:
        assert set(STRINGS[f"studio.reason.{code}"]) == set(LOCALES), code


# --- uploads that are installed ------------------------------------------------------------------


def test_a_new_module_is_installed_live_and_audited(root: Path, store: Path, engine: Engine, trainer: int) -> None:
    cached_catalog(root)
    module_md = (VALID / "module.md").read_text(encoding="utf-8").replace(
        "title: Les bases de l'IA en santé", "title: Un nouveau module")
    archive = make_zip([*module_entries("02-nouveau-module/", {"module.md": module_md.encode()}),
                        ("__MACOSX/02-nouveau-module/._quiz.md", b"junk"), ("02-nouveau-module/.DS_Store", b"junk")])

    check = studio.validate_upload(archive, root)
    assert check.ok and check.folder == "02-nouveau-module" and not check.replaces
    assert check.title == "Un nouveau module"
    result = studio.install_upload(archive, root, actor_id=trainer, engine=engine)

    assert result.installed and result.kept == ()
    assert sorted(p.name for p in root.iterdir()) == [FOLDER, "02-nouveau-module"]  # no staging left behind
    assert not (root / "02-nouveau-module" / ".DS_Store").exists()
    assert cached_catalog(root).module("nouveau-module").title == "Un nouveau module"
    [entry] = audit_entries(engine, action="studio.upload")
    assert (entry.actor_id, entry.target) == (trainer, "nouveau-module")
    assert entry.details["files"] == ["01-introduction.md", "02-limites.md", "images/schema.png", "module.md",
                                      "quiz.md"]


def test_files_at_the_archive_root_go_to_the_folder_given(root: Path, store: Path, engine: Engine,
                                                          trainer: int) -> None:
    archive = make_zip(module_entries(""))
    result = studio.install_upload(archive, root, target="03-copie", actor_id=trainer, engine=engine)
    assert result.installed
    assert (root / "03-copie" / "quiz.md").read_bytes() == (VALID / "quiz.md").read_bytes()


def test_replacing_a_module_keeps_every_changed_or_removed_file(root: Path, store: Path, engine: Engine,
                                                                trainer: int) -> None:
    cached_catalog(root)
    quiz_md = (VALID / "quiz.md").read_text(encoding="utf-8").replace("## Sigle {#", "## Sigle européen {#")
    entries = [entry for entry in module_entries(replace={"quiz.md": quiz_md.encode()})
               if not entry[0].endswith("02-limites.md")]
    archive = make_zip(entries)

    check = studio.validate_upload(archive, root)
    assert check.ok and check.replaces
    result = studio.install_upload(archive, root, actor_id=trainer, engine=engine)

    assert result.installed
    assert sorted(version.file for version in result.kept) == ["02-limites.md", "quiz.md"]
    assert not (root / FOLDER / "02-limites.md").exists()
    module = cached_catalog(root).module(MODULE_ID)
    assert module.quiz.question("sigle").title == "Sigle européen"
    assert [lesson.id for lesson in module.lessons] == ["introduction"]
    assert [p.name for p in root.iterdir()] == [FOLDER]

    # the removed lesson comes back from the versions store
    kept = {version.file: version for version in studio.versions(MODULE_ID)}
    assert studio.read_version(kept["quiz.md"]) == (VALID / "quiz.md").read_bytes()
    restored = studio.restore_version(root, FOLDER, kept["02-limites.md"].stamp, "02-limites.md", actor_id=trainer,
                                      engine=engine)
    assert restored.saved
    assert (root / FOLDER / "02-limites.md").read_bytes() == (VALID / "02-limites.md").read_bytes()
    assert [lesson.id for lesson in cached_catalog(root).module(MODULE_ID).lessons] == ["introduction", "limites"]


def test_a_module_downloaded_as_zip_uploads_back_unchanged(root: Path) -> None:
    check = studio.validate_upload(studio.module_zip(root, FOLDER), root)
    assert check.ok and check.replaces
    assert check.files == ("01-introduction.md", "02-limites.md", "images/schema.png", "module.md", "quiz.md")


# --- editing -------------------------------------------------------------------------------------


def test_an_edit_that_breaks_the_module_is_refused_with_its_errors(root: Path, store: Path, engine: Engine,
                                                                   trainer: int) -> None:
    before = tree_digest(root)
    text = studio.read_file(root, FOLDER, "quiz.md").replace(".qru objective=1", ".qru objective=9")

    check = studio.check_file(root, FOLDER, "quiz.md", text)
    assert not check.acceptable and check.was_valid
    result = studio.save_file(root, FOLDER, "quiz.md", text, actor_id=trainer, engine=engine)

    assert result.status == studio.INVALID and not result.saved
    assert result.new_problems == (
        f"{root / FOLDER / 'quiz.md'}:6: question `definition` has objective=9 but module.md lists 2 objective(s): "
        "use a number from 1 to 2",)
    assert result.new_problems == check.new_problems
    assert tree_digest(root) == before
    assert not store.exists()
    assert audit_entries(engine, action="studio.save") == []


def test_a_valid_edit_is_live_at_once_kept_audited_and_can_be_rolled_back(root: Path, store: Path, engine: Engine,
                                                                          trainer: int) -> None:
    original = studio.read_file(root, FOLDER, "quiz.md")
    assert cached_catalog(root).module(MODULE_ID).quiz.question("definition").title == "Apprentissage automatique"
    edited = original.replace("## Apprentissage automatique {#", "## Machine learning {#")

    result = studio.save_file(root, FOLDER, "quiz.md", edited, actor_id=trainer, engine=engine,
                              base_hash=studio.text_hash(original))

    assert result.saved and result.problems == ()
    assert cached_catalog(root).module(MODULE_ID).quiz.question("definition").title == "Machine learning"
    assert (root / FOLDER / "quiz.md").read_text(encoding="utf-8") == edited
    assert [p.name for p in (root / FOLDER).iterdir() if p.name.startswith(".")] == []  # no temporary file left
    assert result.kept is not None and studio.read_version(result.kept) == original.encode()
    [entry] = audit_entries(engine, action="studio.save")
    assert (entry.actor_id, entry.target) == (trainer, MODULE_ID)
    assert entry.details == {"folder": FOLDER, "files": ["quiz.md"], "kept": result.kept.stamp}

    rollback = studio.restore_version(root, FOLDER, result.kept.stamp, "quiz.md", actor_id=trainer, engine=engine)

    assert rollback.saved
    assert cached_catalog(root).module(MODULE_ID).quiz.question("definition").title == "Apprentissage automatique"
    assert [v.file for v in studio.versions(MODULE_ID, file="quiz.md")] == ["quiz.md", "quiz.md"]
    assert studio.read_version(studio.versions(MODULE_ID)[0]) == edited.encode()  # the restore kept its replacement
    [restore_entry] = audit_entries(engine, action="studio.restore")
    assert restore_entry.details["restored"] == result.kept.stamp


def test_an_invalid_module_may_be_fixed_one_problem_at_a_time(root: Path, store: Path, engine: Engine,
                                                              trainer: int) -> None:
    module_md = studio.read_file(root, FOLDER, "module.md")
    (root / FOLDER / "module.md").write_text(module_md.replace("level: initiation", "level: expert"), encoding="utf-8")
    quiz_md = studio.read_file(root, FOLDER, "quiz.md")
    assert not cached_catalog(root).all_modules[0].valid

    unrelated = quiz_md.replace("Quel sigle", "Quel acronyme")
    kept_problem = studio.save_file(root, FOLDER, "quiz.md", unrelated, actor_id=trainer, engine=engine)
    assert kept_problem.saved and len(kept_problem.problems) == 1 and "`level`" in kept_problem.problems[0]

    worse = unrelated.replace(".qroc objective=2", ".qroc objective=7")
    refused = studio.save_file(root, FOLDER, "quiz.md", worse, actor_id=trainer, engine=engine)
    assert refused.status == studio.INVALID and len(refused.new_problems) == 1
    assert "objective=7" in refused.new_problems[0]

    fixed = studio.save_file(root, FOLDER, "module.md", module_md, actor_id=trainer, engine=engine)
    assert fixed.saved and fixed.problems == ()
    assert cached_catalog(root).module(MODULE_ID) is not None


def test_a_prerequisite_cycle_is_refused(root: Path, store: Path, engine: Engine, trainer: int) -> None:
    shutil.copytree(root / FOLDER, root / "02-suite")
    suite = (root / "02-suite" / "module.md").read_text(encoding="utf-8")
    (root / "02-suite" / "module.md").write_text(
        suite.replace("level: initiation\n", "level: initiation\nprerequisites:\n  - bases-ia\n"), encoding="utf-8")
    assert load_catalog(root).problems == ()
    module_md = studio.read_file(root, FOLDER, "module.md")

    cyclic = module_md.replace("level: initiation\n", "level: initiation\nprerequisites:\n  - suite\n")

    result = studio.save_file(root, FOLDER, "module.md", cyclic, actor_id=trainer, engine=engine)

    assert result.status == studio.INVALID
    assert result.new_problems == (f"{root / FOLDER / 'module.md'}:10: prerequisites form a cycle "
                                   "(bases-ia → suite → bases-ia): remove one of them",)
    assert studio.read_file(root, FOLDER, "module.md") == module_md


def test_a_file_changed_since_it_was_opened_is_not_overwritten(root: Path, store: Path, engine: Engine,
                                                               trainer: int) -> None:
    opened = studio.read_file(root, FOLDER, "02-limites.md")
    (root / FOLDER / "02-limites.md").write_text(opened + "\nAjout d'un collègue.\n", encoding="utf-8")
    result = studio.save_file(root, FOLDER, "02-limites.md", opened + "\nMon ajout.\n", actor_id=trainer,
                              engine=engine, base_hash=studio.text_hash(opened))
    assert result.status == studio.CONFLICT
    assert "Ajout d'un collègue." in studio.read_file(root, FOLDER, "02-limites.md")


def test_a_file_with_windows_line_ends_is_not_seen_as_changed(root: Path, store: Path, engine: Engine) -> None:
    path = root / FOLDER / "02-limites.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    opened = studio.read_file(root, FOLDER, "02-limites.md")
    assert "\r" not in opened and not opened.startswith("\ufeff")
    result = studio.save_file(root, FOLDER, "02-limites.md", opened + "\nAjout.\n", actor_id=None, engine=engine,
                              base_hash=studio.text_hash(opened))
    assert result.saved
    assert path.read_bytes() == (opened + "\nAjout.\n").encode()


def test_saving_the_same_text_writes_nothing(root: Path, store: Path, engine: Engine, trainer: int) -> None:
    text = studio.read_file(root, FOLDER, "module.md")
    assert studio.save_file(root, FOLDER, "module.md", text, actor_id=trainer, engine=engine).status == studio.UNCHANGED
    assert not store.exists()


@pytest.mark.parametrize(("folder", "filename", "code"), [
    ("../content", "module.md", "unknown_module"),
    ("99-absent", "module.md", "unknown_module"),
    (FOLDER, "../../x.md", "bad_file"),
    (FOLDER, "images/schema.png", "bad_file"),
    (FOLDER, ".cache.md", "bad_file"),
])
def test_only_markdown_files_of_module_folders_can_be_edited(root: Path, engine: Engine, folder: str, filename: str,
                                                             code: str) -> None:
    before = tree_digest(root)
    with pytest.raises(studio.StudioError) as raised:
        studio.save_file(root, folder, filename, "x", actor_id=None, engine=engine)
    assert raised.value.notice.code == code
    assert tree_digest(root) == before


def test_versions_cannot_be_read_outside_the_store(root: Path, store: Path, engine: Engine) -> None:
    for stamp, file in [("20250101T000000000000Z", "../../module.md"), ("..", "quiz.md"), ("20250101T000000000000Z",
                                                                                          "quiz.md")]:
        with pytest.raises(studio.StudioError):
            studio.restore_version(root, FOLDER, stamp, file, actor_id=None, engine=engine)


def test_module_files_lists_the_markdown_files_in_reading_order(root: Path) -> None:
    assert studio.module_files(root, FOLDER) == ["module.md", "01-introduction.md", "02-limites.md", "quiz.md"]


def test_checking_leaves_no_staging_folder(root: Path) -> None:
    check = studio.check_file(root, FOLDER, "01-introduction.md", "---\ntitle: Nouveau titre\n---\n\nTexte.\n")
    assert check.acceptable and check.module.lesson("introduction").title == "Nouveau titre"
    assert [p.name for p in root.iterdir()] == [FOLDER]


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
