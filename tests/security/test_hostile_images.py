"""Attack replay (issue 12): images that are not what they claim are refused by `academy check`, a Studio save
and a Studio zip upload, at the line of the Markdown that shows them, with nothing written; and an image
spoiled after publication draws a placeholder while the rest of the lesson (« Marquer comme lu » included)
still draws.

Seen before the fix: a Latin-1 `.svg` and HTML bytes named `.png` were accepted; the lesson then stopped at the
image (`UnicodeDecodeError`, `PIL.UnidentifiedImageError`) and nothing after it was drawn.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from apptest_support import make_account
from hostile_support import (
    FOLDER,
    check_output,
    content_copy,
    head,
    lesson,
    module_zip,
    next_line,
    snapshot,
    store_with,
    trainer_id,
)
from PIL import Image
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from academy.accounts import auth
from academy.content import messages, repository, studio
from academy.content.images import image_issue


def problem_message(code: str, **values: object) -> str:
    """The English message of problem `code` (what `Problem.message` and `academy check` give)."""
    return messages.render(code, values)

ROOT = Path(__file__).resolve().parents[2]
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">{}</svg>'
HTML = b"<!DOCTYPE html><html><head><title>Piege</title></head><body><script>alert(1)</script></body></html>"


def png(size: tuple[int, int] = (120, 80)) -> bytes:
    """A PNG of noise: its pixel data runs through the whole file."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, random.Random(3).randbytes(size[0] * size[1] * 3)).save(buffer, format="PNG")
    return buffer.getvalue()


ATTACKS: dict[str, tuple[str, bytes, str]] = {  # name → (file, bytes, the check that refuses it)
    "latin1-svg": ("images/piege.svg", SVG.format("<text>Légende accentuée</text>").encode("latin-1"),
                   "svg_not_utf8"),
    "svg-script": ("images/piege.svg", SVG.format("<script>alert(document.cookie)</script>").encode(), "svg_script"),
    "svg-onload": ("images/piege.svg", SVG.format("<g/>").replace("<svg ", '<svg onload="alert(1)" ').encode(),
                   "svg_event_handler"),
    "svg-foreign-object": ("images/piege.svg",
                           SVG.format("<foreignObject><p>du HTML</p></foreignObject>").encode(), "svg_foreign_object"),
    "svg-external-href": ("images/piege.svg", SVG.format('<image href="https://pisteur.example/p.png"/>').encode(),
                          "svg_external_reference"),
    "html-named-png": ("images/piege.png", HTML, "image_not_image"),
    "truncated-png": ("images/piege.png", png()[:1500], "image_damaged"),
}


def attack(name: str) -> tuple[str, bytes, str, int, str]:
    """(image file, its bytes, lesson text showing it, line of the image in the lesson, expected message)."""
    path, data, code = ATTACKS[name]
    issue = image_issue(data, Path(path).suffix)
    assert issue is not None and issue.code == code
    base = lesson()
    text = base + f"\n![Figure piégée]({path})\n"
    code = f"image.{issue.code.removeprefix('image_')}"
    return path, data, text, next_line(base), problem_message(code, src=path, **issue.values)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_check_refuses_the_image_at_its_markdown_line(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, data, text, line, message = attack(name)
    root = content_copy(tmp_path, {path: data, "02-limites.md": text.encode()})
    code, output = check_output(root, monkeypatch)
    assert code == 1
    assert f"content/{FOLDER}/02-limites.md:{line}: {message}" in output


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_upload_refuses_the_image_and_installs_nothing(
        name: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, data, text, line, message = attack(name)
    store = store_with(engine, tmp_path, monkeypatch)
    trainer, before = trainer_id(store), snapshot(store)
    archive = module_zip({path: data, "02-limites.md": text.encode()})
    check = studio.validate_upload(archive, store)
    assert check.refusals == () and tuple(map(str, check.problems)) == (f"{FOLDER}/02-limites.md:{line}: {message}",)
    result = studio.install_upload(archive, store, base_version=check.base_version, actor_id=trainer)
    assert not result.installed and result.status == studio.INVALID
    assert snapshot(store) == before


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_studio_save_refuses_a_lesson_showing_the_image(
        name: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, data, text, line, message = attack(name)
    store = store_with(engine, tmp_path, monkeypatch, {path: data})  # in the module, shown by nobody yet
    trainer, before = trainer_id(store), snapshot(store)
    result = studio.save_file(store, FOLDER, "02-limites.md", text, base_version=head(store), actor_id=trainer)
    assert result.status == studio.INVALID
    assert tuple(map(str, result.new_problems)) == (f"{FOLDER}/02-limites.md:{line}: {message}",)
    assert snapshot(store) == before


# --- an image spoiled after publication ------------------------------------------------------------------

MODULE_MD = """---
title: Images fragiles
summary: Un module de test pour les images.
duration_minutes: 10
objectives:
  - Lire une figure.
level: initiation
---

Présentation.
"""
LESSON_MD = """---
title: Deux figures
---

Avant les figures.

![Flux des données](images/flux.png)

![Schéma vectoriel](images/schema.svg)

Après les figures, la suite de la leçon.
"""
SPOILED = {  # name → (file, what it becomes: bytes, or None when it is deleted)
    "html-in-png": ("flux.png", HTML),
    "truncated-png": ("flux.png", png()[:1500]),
    "deleted-png": ("flux.png", None),
    "latin1-svg": ("schema.svg", SVG.format("<text>Légende</text>").encode("latin-1")),
    "script-in-svg": ("schema.svg", SVG.format("<script>alert(1)</script>").encode()),
}
ALT = {"flux.png": "Flux des données", "schema.svg": "Schéma vectoriel"}


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seed curriculum (one module, a lesson with a PNG and an SVG); returns the cache folder."""
    folder = tmp_path / "content" / "01-images-fragiles"
    (folder / "images").mkdir(parents=True)
    (folder / "module.md").write_text(MODULE_MD, encoding="utf-8")
    (folder / "01-deux-figures.md").write_text(LESSON_MD, encoding="utf-8")
    (folder / "images" / "flux.png").write_bytes(png())
    (folder / "images" / "schema.svg").write_text(SVG.format('<circle r="10" cx="20" cy="20"/>'), encoding="utf-8")
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv(repository.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def lesson_page(token: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["auth_token"] = token
    at.run()
    at.query_params["module"] = "images-fragiles"
    at.query_params["lesson"] = "deux-figures"
    at.switch_page("pages/2_module.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("name", sorted(SPOILED))
def test_an_image_spoiled_after_publication_draws_a_placeholder_and_the_rest_of_the_lesson(
        name: str, app_env: Engine, published: Path) -> None:
    token = auth.create_session(app_env, make_account(app_env, "learner").id)
    at = lesson_page(token)
    assert len(at.get("image")) == 2 and not at.info  # both figures drawn while the files are intact

    file, spoiled = SPOILED[name]
    spoil(published, file, spoiled)
    at.run()

    assert not at.exception, at.exception
    assert [info.value for info in at.info] == [f"Image indisponible : {ALT[file]}"]
    assert len(at.get("image")) == 1  # the other figure
    assert "Après les figures, la suite de la leçon." in [node.value for node in at.markdown]
    assert "Marquer comme lu" in [button.label for button in at.button]


def spoil(published: Path, file: str, spoiled: bytes | None) -> None:
    """Every copy of `file` in the published tree the app reads (materialised from the database) deleted
    (`spoiled` None) or overwritten with `spoiled`."""
    copies = list(published.rglob(file))
    assert copies
    for copy in copies:
        if spoiled is None:
            copy.unlink()
        else:
            copy.write_bytes(spoiled)


QUIZ_MD = """---
max_attempts: 3
---

## Où est la zone ? {#zone-flux .zone objective=1}

Cliquez sur le coin haut gauche du flux.

![Flux des données](images/flux.png)

- [x] rect 0,0 40,40 Coin haut gauche

## Une autre question {#apres-zone .qru objective=1}

Quelle réponse ?

- [x] La bonne
- [ ] La mauvaise
"""


@pytest.mark.parametrize("name", ["html-in-png", "truncated-png", "deleted-png"])
def test_a_zone_image_spoiled_after_publication_is_said_and_the_attempt_goes_on(
        name: str, app_env: Engine, published: Path) -> None:
    quiz_file = published.parent / "content" / "01-images-fragiles" / "quiz.md"
    quiz_file.write_text(QUIZ_MD, encoding="utf-8")  # before the seed import: part of the published module
    token = auth.create_session(app_env, make_account(app_env, "learner").id)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["auth_token"] = token
    at.run()
    at.query_params["module"] = "images-fragiles"
    at.switch_page("pages/3_quiz.py").run()
    [start] = [button for button in at.button if button.label == "Commencer"]
    start.click().run()
    assert not at.exception, at.exception
    assert not at.error  # the zone's image is drawn while the file is intact

    spoil(published, "flux.png", SPOILED[name][1])
    at.run()

    assert not at.exception, at.exception
    assert [error.value for error in at.error] == [
        "L’image de cette question est introuvable : signalez-le à l’équipe pédagogique."]
    assert "Quelle réponse ?" in [node.value for node in at.markdown]  # the next question still draws
    assert "Terminer la tentative…" in [button.label for button in at.button]
