"""Trainer studio page in AppTest, on a copy of the fixture curriculum (never the real content/) seeded into a
fresh database: edits are drafts seen only in the Studio until « Publier »."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from apptest_support import make_account, open_page, texts, token_for
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from academy.accounts import auth
from academy.content import repository, studio
from academy.content.catalog import load_catalog
from academy.i18n import t
from academy.store.audit import audit_entries
from academy.ui.quiz_view import widget_key

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "content" / "valid" / "01-bases-ia"
PAGE = "pages/6_studio.py"
FLAGGED = "02-a-corriger"


@pytest.fixture
def content(app_env: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A valid module (01-bases-ia) and a flagged one (02-a-corriger: a question names objective 9)."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root / "01-bases-ia")
    shutil.copytree(FIXTURE, root / FLAGGED)
    module_md = root / FLAGGED / "module.md"
    module_md.write_text(module_md.read_text(encoding="utf-8").replace(
        "title: Les bases de l'IA en santé", "title: Module à corriger"), encoding="utf-8")
    quiz_md = root / FLAGGED / "quiz.md"
    quiz_md.write_text(quiz_md.read_text(encoding="utf-8").replace(".qroc objective=2", ".qroc objective=9"),
                       encoding="utf-8")
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(root))  # the seed, imported by the app into the empty store
    monkeypatch.setenv(repository.CACHE_ENV, str(tmp_path / "cache"))
    return root


def published(engine: Engine) -> repository.Catalog:
    """The curriculum learners get, as the database says now."""
    return repository.published_catalog(engine, current=repository.state(engine))


def edit(at: AppTest, key: str, text: str) -> None:
    """Type `text` into the editor whose text is kept under `key` (AppTest cannot drive the Ace component: it
    sets the session state the component's reports are copied into), then run the page."""
    at.session_state[key] = text
    at.run()


def trainer_page(engine: Engine) -> tuple[AppTest, int]:
    account = make_account(engine, "trainer")
    at = open_page(PAGE, auth.create_session(engine, account.id))
    assert not at.exception
    return at, account.id


def test_content_health_shows_every_problem_as_the_check_command(app_env: Engine, content: Path) -> None:
    at, _ = trainer_page(app_env)
    lines = [problem.render("fr") for problem in load_catalog(content).problems]  # the trainer's language
    assert len(lines) == 1 and "objective=9" in lines[0] and "objectif(s)" in lines[0]
    shown = lines[0].replace(f"{content.resolve()}/", "")  # from the module folder, not a server path
    assert shown.startswith("02-a-corriger/quiz.md:29: ")
    assert shown in texts(at, "code") and str(content) not in "\n".join(texts(at, "code"))
    assert t("studio.problems_found", n=1) in texts(at, "error")
    health = at.dataframe[0].value
    assert health[t("studio.col_folder")].tolist() == ["01-bases-ia", FLAGGED]
    assert health[t("studio.col_status")].tolist() == [t("studio.valid"), t("studio.invalid")]
    assert health[t("studio.col_publication")].tolist() == [t("studio.status_published")] * 2


def test_preview_shows_lessons_learner_quiz_trainer_key_and_coverage(app_env: Engine, content: Path) -> None:
    at, _ = trainer_page(app_env)
    at.selectbox(key="preview_module").set_value("01-bases-ia")
    at.radio(key="preview_view").set_value("lessons").run()
    assert "Les bases de l'IA en santé" in texts(at, "title")

    at.radio(key="preview_view").set_value("learner_quiz").run()
    assert not at.exception
    learner_radio = at.radio(key=widget_key(-1, "definition"))
    assert learner_radio.options == ["Un programme dont toutes les règles sont écrites à la main.",
                                     "Un programme qui ajuste ses paramètres à partir d'exemples.",
                                     "Un programme qui comprend le sens des textes comme un humain."]

    at.radio(key="preview_view").set_value("trainer_quiz").run()
    markdown = texts(at, "markdown")
    assert ":green[:material/check_circle:] Un programme qui ajuste ses paramètres à partir d'exemples." in markdown
    assert ":red[:material/cancel:] Un programme dont toutes les règles sont écrites à la main." in markdown
    assert t("studio.tests_objective", n=1, text="Définir l'apprentissage automatique.") in markdown
    assert any("indispensable" in text for text in markdown)
    assert t("studio.option_feedback", text="Non : c'est un système expert à base de règles.") in texts(at, "caption")
    assert "L'apprentissage automatique ajuste les paramètres d'un modèle à partir de données." in markdown

    at.radio(key="preview_view").set_value("coverage").run()
    coverage = at.dataframe[1].value
    assert list(coverage.columns) == ["definition", "pratiques", "sigle", t("studio.col_questions"),
                                      t("studio.col_points")]
    assert t("studio.all_covered") in texts(at, "success")


def test_an_invalid_module_is_previewed_with_its_problems(app_env: Engine, content: Path) -> None:
    at, _ = trainer_page(app_env)
    at.selectbox(key="preview_module").set_value(FLAGGED).run()
    assert t("studio.module_invalid", n=1) in texts(at, "warning")
    at.radio(key="preview_view").set_value("trainer_quiz").run()
    assert not at.exception
    assert t("studio.objective_out_of_range", n=9, count=2) in texts(at, "error")
    at.radio(key="preview_view").set_value("learner_quiz").run()
    assert at.text_input(key=widget_key(-2, "sigle")).label == t("quiz.short_answer")


def test_a_trainer_fixes_a_flagged_question_in_a_draft_previews_it_and_publishes_it(app_env: Engine,
                                                                                     content: Path) -> None:
    at, trainer_id = trainer_page(app_env)
    assert published(app_env).module("a-corriger") is None
    at.selectbox(key="edit_module").set_value(FLAGGED).run()
    at.selectbox(key=f"edit_file:{FLAGGED}").set_value("quiz.md").run()
    assert t("studio.module_invalid", n=1) in texts(at, "warning")  # the flagged problem, shown while editing
    opened = at.session_state[f"editor:{FLAGGED}:quiz.md"]
    assert ".qroc objective=9" in opened
    edit(at, f"editor:{FLAGGED}:quiz.md", opened.replace(".qroc objective=9", ".qroc objective=2"))

    at.button(key="edit_check").click().run()
    assert t("studio.check_ok") in texts(at, "success")
    assert t("studio.preview_of", file="quiz.md") in texts(at, "caption")

    at.text_input(key="edit_message").input("objectif de la question sigle").run()
    at.button(key="edit_save").click().run()
    assert not at.exception
    assert t("studio.saved", file="quiz.md") in texts(at, "success")
    # a draft: the Studio's working copy has it, learners do not
    assert t("studio.no_problem") in texts(at, "success")
    assert published(app_env).module("a-corriger") is None
    learner_token = token_for(app_env, "learner")
    learner = open_page("pages/1_catalogue.py", learner_token)
    assert not any(card.startswith("#### 02. Module à corriger\n") for card in texts(learner, "markdown"))
    [entry] = audit_entries(app_env, action="studio.save")
    assert (entry.actor_id, entry.target, entry.details["files"]) == (trainer_id, "a-corriger", ["quiz.md"])
    [draft, seed] = studio.history(app_env, FLAGGED)
    assert (draft.status, draft.author, draft.message, draft.changed) == (
        "draft", "Camille Durand", "objectif de la question sigle", ("quiz.md",))
    assert seed.status == "published" and seed.action == "import"
    [history] = [frame.value for frame in at.dataframe if t("studio.col_version") in frame.value.columns]
    assert history[t("studio.col_version")].tolist() == [draft.id, seed.id]
    assert history[t("studio.col_author")].tolist() == ["Camille Durand", t("studio.no_author")]
    assert history[t("studio.col_at")].tolist()[0] == studio.local_time(draft.created_at)

    # the preview shows the draft; « Publier » checks it and publishes it
    at.selectbox(key="preview_module").set_value(FLAGGED).run()
    assert any(text.startswith(t("studio.showing_draft", version="")[:30]) for text in texts(at, "info"))
    assert t("studio.draft_changes", files="quiz.md") in texts(at, "caption")
    at.button(key="publish").click().run()
    assert not at.exception
    assert t("studio.published", folder=FLAGGED, id=draft.id) in texts(at, "success")
    assert published(app_env).module("a-corriger").title == "Module à corriger"
    [publication] = audit_entries(app_env, action="studio.publish")
    assert (publication.actor_id, publication.details["version"]) == (trainer_id, draft.id)
    learner = open_page("pages/1_catalogue.py", learner_token)
    assert any(card.startswith("#### 02. Module à corriger\n") for card in texts(learner, "markdown"))

    # restoring the flagged version asks for a confirmation, then is refused: it would break the module again
    assert at.button(key="restore_version").disabled
    at.checkbox(key="restore_confirm").check().run()
    at.button(key="restore_version").click().run()
    assert t("studio.restore_refused", n=1) in texts(at, "error")
    assert ".qroc objective=2" in studio.read_file(app_env, FLAGGED, "quiz.md")
    assert audit_entries(app_env, action="studio.restore") == []


def test_a_restore_asks_for_confirmation_makes_a_draft_and_a_draft_can_be_discarded(app_env: Engine,
                                                                                   content: Path) -> None:
    at, _ = trainer_page(app_env)
    at.selectbox(key="edit_module").set_value("01-bases-ia").run()
    at.selectbox(key="edit_file:01-bases-ia").set_value("module.md").run()
    opened = at.session_state["editor:01-bases-ia:module.md"]
    edit(at, "editor:01-bases-ia:module.md",
         opened.replace("title: Les bases de l'IA en santé", "title: Les bases, édition 2"))
    at.button(key="edit_save").click().run()
    at.selectbox(key="preview_module").set_value("01-bases-ia").run()
    at.button(key="publish").click().run()
    assert published(app_env).module("bases-ia").title == "Les bases, édition 2"

    # restore the imported version of the whole module: a second explicit step, then a new draft
    [_, seed] = studio.history(app_env, "01-bases-ia")
    at.selectbox(key="version:01-bases-ia:module.md").set_value(seed).run()
    assert "-title: Les bases de l'IA en santé" in texts(at, "code")[-1]  # the diff of the chosen version
    at.radio(key="restore_scope").set_value("module").run()
    assert at.button(key="restore_version").disabled
    at.checkbox(key="restore_confirm").check().run()
    at.button(key="restore_version").click().run()
    assert not at.exception
    assert t("studio.restored", id=seed.id) in texts(at, "success")
    assert at.session_state["editor:01-bases-ia:module.md"].count("title: Les bases de l'IA en santé") == 1
    assert published(app_env).module("bases-ia").title == "Les bases, édition 2"  # not published by a restore
    [restored, *_] = studio.history(app_env, "01-bases-ia")
    assert (restored.status, restored.action, restored.source_version_id) == ("draft", "restore", seed.id)

    # discarding the draft also needs its confirmation; the published version stays
    at.selectbox(key="preview_module").set_value("01-bases-ia").run()
    assert at.button(key="discard").disabled
    at.checkbox(key="discard_confirm:01-bases-ia").check().run()
    at.button(key="discard").click().run()
    assert not at.exception
    assert t("studio.discarded", folder="01-bases-ia") in texts(at, "success")
    assert studio.history(app_env, "01-bases-ia")[0].status == "discarded"
    assert "édition 2" in studio.read_file(app_env, "01-bases-ia", "module.md")
    assert published(app_env).module("bases-ia").title == "Les bases, édition 2"


def test_an_edit_that_breaks_a_module_is_refused_in_the_browser(app_env: Engine, content: Path) -> None:
    at, _ = trainer_page(app_env)
    before = studio.read_file(app_env, "01-bases-ia", "quiz.md")
    at.selectbox(key="edit_module").set_value("01-bases-ia").run()
    at.selectbox(key="edit_file:01-bases-ia").set_value("quiz.md").run()
    opened = at.session_state["editor:01-bases-ia:quiz.md"]
    edit(at, "editor:01-bases-ia:quiz.md", opened.replace("{#definition .qru", "{#definition .qrx"))

    at.button(key="edit_save").click().run()

    assert not at.exception
    assert t("studio.save_refused", n=1) in texts(at, "error")
    assert any(code.startswith("01-bases-ia/quiz.md:") and "type inconnu `.qrx`" in code for code in texts(at, "code"))
    assert studio.read_file(app_env, "01-bases-ia", "quiz.md") == before
    assert len(studio.history(app_env, "01-bases-ia")) == 1
    assert audit_entries(app_env, action="studio.save") == []

    # under the editor, the file's problem is a button that moves the editor's cursor to its line
    line = 1 + before.splitlines().index(next(row for row in before.splitlines() if "{#definition .qru" in row))
    [goto] = [button for button in at.button if button.key.startswith("goto:")]
    assert goto.label.startswith(t("studio.problem_at_line", line=line, message="")) and "qrx" in goto.label
    assert not [element for element in at.get("html") if "gotoLine" in element.proto.body]
    goto.click().run()
    [script] = [element.proto.body for element in at.get("html") if "gotoLine" in element.proto.body]
    assert f"const line = {line};" in script
    at.run()  # the move is asked once
    assert not [element for element in at.get("html") if "gotoLine" in element.proto.body]


def test_a_file_changed_elsewhere_is_reloaded_only_after_a_confirmation(app_env: Engine, content: Path) -> None:
    at, _ = trainer_page(app_env)
    at.selectbox(key="edit_module").set_value("01-bases-ia").run()
    at.selectbox(key="edit_file:01-bases-ia").set_value("02-limites.md").run()
    opened = at.session_state["editor:01-bases-ia:02-limites.md"]
    head = repository.module(app_env, "01-bases-ia").head_version_id
    studio.save_file(app_env, "01-bases-ia", "02-limites.md", opened + "\nAjout d'un collègue.\n", base_version=head,
                     actor_id=None)  # another trainer, on another replica
    edit(at, "editor:01-bases-ia:02-limites.md", opened + "\nMon ajout.\n")
    assert t("studio.changed_on_disk") in texts(at, "warning")

    at.button(key="edit_save").click().run()
    assert t("studio.conflict") in texts(at, "error")
    assert "Mon ajout." not in studio.read_file(app_env, "01-bases-ia", "02-limites.md")

    assert at.button(key="edit_reload").disabled
    at.checkbox(key="reload_confirm:01-bases-ia:02-limites.md").check().run()
    at.button(key="edit_reload").click().run()
    assert "Ajout d'un collègue." in at.session_state["editor:01-bases-ia:02-limites.md"]
    assert t("studio.changed_on_disk") not in texts(at, "warning")


def test_upload_and_export_tabs(app_env: Engine, content: Path) -> None:
    at, _ = trainer_page(app_env)
    at.selectbox(key="export_module").set_value("01-bases-ia").run()
    assert not at.exception
    assert any(text.startswith(t("studio.upload_help", size=5, total=20, files=200, types="")[:40])
               for text in texts(at, "markdown"))
    labels = [button.label for button in at.get("download_button")]
    assert labels == [t("studio.download_gift"), t("studio.download_items"), t("studio.download_zip")]
    assert t("studio.gift_skipped", n=1) in texts(at, "warning")  # the question with an image


def test_learners_cannot_open_the_studio(app_env: Engine, content: Path) -> None:
    at = open_page(PAGE, token_for(app_env, "learner"))
    assert t("guard.forbidden") in texts(at, "error")
    assert t("studio.title") not in texts(at, "title")


def test_a_link_with_module_and_file_opens_that_file_in_the_editor(app_env: Engine, content: Path) -> None:
    token = auth.create_session(app_env, make_account(app_env, "trainer").id)
    module_id = load_catalog(content).all_modules[1].id
    at = open_page(PAGE, token, {"module": module_id, "file": "quiz.md"})
    assert not at.exception
    assert at.selectbox(key="edit_module").value == FLAGGED
    assert at.selectbox(key=f"edit_file:{FLAGGED}").value == "quiz.md"
    assert "objective=9" in at.session_state[f"editor:{FLAGGED}:quiz.md"]


GLOSSARY = """# Glossaire

## agent conversationnel {#agent-conversationnel}

Logiciel avec lequel on dialogue en langage courant.

- Synonymes à éviter : « chatbot »
- Modules : bases-ia
"""


def test_the_check_shows_a_glossary_synonym_as_a_warning_and_the_save_goes_through(app_env: Engine,
                                                                                    content: Path) -> None:
    (content / "glossaire.md").write_text(GLOSSARY, encoding="utf-8")
    at, _ = trainer_page(app_env)
    at.selectbox(key="edit_module").set_value("01-bases-ia").run()
    at.selectbox(key="edit_file:01-bases-ia").set_value("02-limites.md").run()
    key = "editor:01-bases-ia:02-limites.md"
    text = at.session_state[key] + "\nUn chatbot répond au patient.\n"
    edit(at, key, text)
    at.button(key="edit_check").click().run()
    assert not at.exception
    line = text.rstrip("\n").count("\n") + 1
    [warning] = [b for b in at.button if b.key and b.key.startswith("goto:")]
    assert warning.label.startswith(t("studio.problem_at_line", line=line, message="")) and "chatbot" in warning.label
    at.button(key="edit_save").click().run()
    assert t("studio.saved", file="02-limites.md") in texts(at, "success")  # a warning never refuses a save
