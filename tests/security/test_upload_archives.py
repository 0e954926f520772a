"""Attacks through the Studio's module upload (zip): path escapes, links, bombs, encryption, id collisions.

Each archive is refused with its reason (in French and English) and changes nothing: the content store's
serials, versions, files and blobs, the audit log, and no extracted file is left in the temporary folder.
Helpers and fixtures come from tests/test_studio.py (the Studio's own tests: uploads that are installed).
"""

from __future__ import annotations

import io
import os
import stat
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from test_studio import (  # noqa: F401  (fixtures: a content store holding one module, a trainer)
    FOLDER,
    cache,
    codes,
    head,
    make_zip,
    module_entries,
    root,
    snapshot,
    store,
    trainer,
)

from academy.content import studio
from academy.i18n import LOCALES
from academy.store import db
from academy.store.audit import audit_entries

STORE_TABLES = ("content_versions", "content_files", "content_blobs", "content_modules", "content_state",
                "audit_log")


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


def with_declared_size(archive: bytes, name: str, size: int) -> bytes:
    """`archive` whose headers say member `name` unpacks to `size` bytes (a lie either way)."""
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        struct.pack_into("<I", data, opened.getinfo(name).header_offset + 22, size)  # local header
    central = data.find(b"PK\x01\x02")
    while central != -1:
        if data[central + 46 : central + 46 + len(name)] == name.encode():
            struct.pack_into("<I", data, central + 24, size)  # central directory
        central = data.find(b"PK\x01\x02", central + 1)
    return bytes(data)


def row_counts(engine: Engine) -> dict[str, int]:
    with db.read_connection(engine) as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in STORE_TABLES}


REFUSED_ARCHIVES = {
    "zip-slip": (lambda: make_zip([*module_entries(), ("../x.md", b"# pwned")]), "parent_path"),
    "zip-slip-inside": (lambda: make_zip([*module_entries(), (f"{FOLDER}/../../x.png", b"x")]), "parent_path"),
    "absolute": (lambda: make_zip([*module_entries(), ("/etc/x.md", b"x")]), "absolute_path"),
    "drive-letter": (lambda: make_zip([*module_entries(), ("C:/x.md", b"x")]), "absolute_path"),
    "backslash": (lambda: make_zip([*module_entries(), (f"{FOLDER}\\..\\..\\x.md", b"x")]), "backslash"),
    "symlink": (lambda: make_zip([*module_entries(), symlink_entry(f"{FOLDER}/lien.md", "/etc/passwd")]), "symlink"),
    "symlink-folder": (lambda: make_zip([*module_entries(), symlink_entry(f"{FOLDER}/images/up", "../..")]),
                       "symlink"),
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
    "huge-declared-size": (lambda: with_declared_size(make_zip([*module_entries(), (f"{FOLDER}/images/a.png", b"x")]),
                                                      f"{FOLDER}/images/a.png", 4_000_000_000), "total_too_large"),
    "small-declared-size": (lambda: with_declared_size(
        make_zip([*module_entries(), (f"{FOLDER}/images/bomb.svg", bytes(3 * studio.MB))]),
        f"{FOLDER}/images/bomb.svg", 100), "corrupt"),
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
def test_refused_uploads_say_why(case: str, store: Engine, tmp_path: Path,  # noqa: F811
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    build, code = REFUSED_ARCHIVES[case]
    before, counts = snapshot(store), row_counts(store)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    check = studio.validate_upload(build(), store)
    assert code in codes(check), check.refusals
    assert not check.ok
    for refusal in check.refusals:
        for locale in LOCALES:
            message = refusal.message(locale)
            assert message != f"studio.reason.{refusal.code}" and "{" not in message
    assert snapshot(store) == before and row_counts(store) == counts
    assert list((tmp_path / "tmp").iterdir()) == []  # nothing extracted is left behind


def test_refused_uploads_install_nothing(store: Engine, trainer: int) -> None:  # noqa: F811
    before, counts = snapshot(store), row_counts(store)
    for case, (build, _) in sorted(REFUSED_ARCHIVES.items()):
        result = studio.install_upload(build(), store, base_version=head(store), actor_id=trainer)
        assert not result.installed, case
        assert snapshot(store) == before, case
        assert row_counts(store) == counts, case
    assert audit_entries(store, action="studio.upload") == []


def test_the_reasons_name_the_attack(store: Engine) -> None:  # noqa: F811
    check = studio.validate_upload(REFUSED_ARCHIVES["zip-slip"][0](), store)
    assert [refusal.message("fr") for refusal in check.refusals] == [
        "`../x.md` sort du dossier du module (..)."]
    check = studio.validate_upload(REFUSED_ARCHIVES["symlink"][0](), store)
    assert [refusal.message("fr") for refusal in check.refusals] == [
        f"`{FOLDER}/lien.md` est un lien symbolique\u00a0: les liens sont refusés."]
    check = studio.validate_upload(REFUSED_ARCHIVES["id-in-use"][0](), store)
    assert [refusal.message("en") for refusal in check.refusals] == [
        f"The id `bases-ia` already belongs to the module `{FOLDER}`: name the folder `{FOLDER}` to replace it."]
