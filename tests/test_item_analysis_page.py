"""Item analysis page in AppTest, on attempts made through academy.learning.progress over a copy of the fixture module.

Learner refusals come from tests/security/test_page_access.py (the page is registered there as TRAINERS).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apptest_support import app, texts, token_for
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from academy.accounts import auth
from academy.analytics import item_charts as charts_items
from academy.content import repository, studio
from academy.content.catalog import load_catalog
from academy.i18n import t
from academy.learning import progress, survey
from quiz.stats import flag_message

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "content" / "valid"
PAGE = "pages/13_item_analysis.py"
MODULE = "bases-ia"
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
LEARNERS = 12
NO_PASSWORD = "!"  # the simulated learners never sign in: no argon2 hash to pay for


@pytest.fixture
def content(app_env: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture curriculum (module `bases-ia`, pre-test on), used by the app."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(root))  # the seed the app imports into its empty store
    monkeypatch.setenv(repository.CACHE_ENV, str(tmp_path / "cache"))
    return root


def answers_of(learner: int) -> dict[str, Any]:
    """Everyone gets `definition` right (too easy); `pratiques` is right for learners 0–7 and `sigle` for
    6–11, so each goes against the rest of the test (negative discrimination). Every learner passes (≥ 60 %)."""
    return {
        "definition": "b",
        "pratiques": ["a", "b"] if learner < 8 else ["c"],
        "sigle": "RGPD" if learner >= 6 else "CNIL",
    }


def take(engine: Engine, root: Path, user_id: int, answers: dict[str, Any], *, at: datetime, kind: str = "post") -> int:
    qz = load_catalog(root).module(MODULE).quiz
    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id=MODULE, kind=kind, quiz=qz,
                                        start_token=f"{user_id}-{kind}-{at.isoformat()}", now=at)
    for question_id, answer in answers.items():
        progress.save_answer(engine, attempt_id, question_id, answer, now=at)
    progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.6, now=at + timedelta(minutes=5))
    return attempt_id


def populate(engine: Engine, root: Path) -> list[int]:
    """12 learners' certifying attempts; learners 0–3 took the pre-test first (all wrong)."""
    users = [auth.insert_account(engine, email=f"learner{n}@example.org", name=f"Learner {n}",
                                 password_hash=NO_PASSWORD, roles={"learner"}).id for n in range(LEARNERS)]
    for n, user_id in enumerate(users):
        if n < 4:
            take(engine, root, user_id, {"definition": "a", "pratiques": ["c"], "sigle": "CNIL"},
                 at=T0 - timedelta(days=1), kind="pre")
        take(engine, root, user_id, answers_of(n), at=T0 + timedelta(minutes=n))
    return users


def trainer_page(
    engine: Engine, query: dict[str, str] | None = None, locale: str = "fr", token: str | None = None
) -> AppTest:
    """The page as a trainer (a new one unless `token`) sees it, on ?module=bases-ia unless `query` says otherwise."""
    at = app()
    at.session_state["auth_token"] = token or token_for(engine, "trainer")
    at.session_state["locale"] = locale
    at.run()
    for key, value in ({"module": MODULE} | (query or {})).items():
        at.query_params[key] = value
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def table(at: AppTest) -> dict[str, dict[str, Any]]:
    """The per-question table of the statistics tab, by question id."""
    frame = at.tabs[0].dataframe[0].value
    return {row["id"]: row for row in frame.to_dict("records")}


def test_trainer_reads_metrics_charts_table_and_why_questions_are_flagged(app_env: Engine, content: Path) -> None:
    populate(app_env, content)
    at = trainer_page(app_env)

    shown = metrics(at)
    assert shown[t("items.metric.attempts")] == "12"
    assert shown[t("items.metric.left_out")] == "0"
    assert shown[t("items.metric.mean")].endswith("\u00a0%")
    assert not [label for label in shown if label.startswith("items.")], "every metric has its label"

    stats_tab = at.tabs[0]
    specs = [chart.proto.spec for chart in stats_tab.get("vega_lite_chart")]
    assert len(specs) == 2
    assert '"discrimination"' in specs[0] and '"facility"' in specs[0]
    assert '"high"' in specs[1]

    rows = table(at)
    assert list(rows) == ["definition", "pratiques", "sigle"]
    assert rows["definition"]["facility"] == 100.0
    assert rows["definition"]["flags"] == "Trop facile · Peu discriminante"
    assert rows["sigle"]["discrimination"] < 0
    assert rows["sigle"]["flags"] == "Discrimination négative"

    assert t("items.section_flagged", n=3) in texts(at, "subheader")
    labels = [expander.label for expander in stats_tab.expander]
    assert len(labels) == 3 and "`pratiques`" in labels[0] and "`definition`" in labels[2]
    warnings = texts(at, "warning")
    assert flag_message("negative_discrimination", "fr") in warnings
    assert flag_message("too_easy", "fr") in warnings
    assert flag_message("weak_discrimination", "fr") in warnings
    # The stem, and a link to the studio that says where to edit.
    assert "Quel sigle désigne le règlement européen sur la protection des données ?" in texts(at, "markdown")
    links = [link.proto for link in stats_tab.get("page_link")]
    assert links and all("studio" in link.page and "module=bases-ia" in link.query_string for link in links)
    assert "quiz.md" in links[0].help


def test_english_page_gives_english_reasons(app_env: Engine, content: Path) -> None:
    populate(app_env, content)
    at = trainer_page(app_env, locale="en")
    assert flag_message("negative_discrimination", "en") in texts(at, "warning")
    assert metrics(at)[t("items.metric.attempts", "en")] == "12"
    assert table(at)["definition"]["flags"] == "Too easy · Weakly discriminating"


def test_editing_a_question_counts_only_its_new_version(app_env: Engine, content: Path) -> None:
    populate(app_env, content)
    at = trainer_page(app_env)
    head = repository.module(app_env, "01-bases-ia").head_version_id
    text = studio.read_file(app_env, "01-bases-ia", "quiz.md")
    saved = studio.save_file(app_env, "01-bases-ia", "quiz.md",
                             text.replace("Quel sigle désigne", "Quel sigle (en français) désigne"), base_version=head,
                             actor_id=None)
    assert studio.publish(app_env, "01-bases-ia", version_id=saved.version.id, actor_id=None).published

    at.run()  # as a trainer who saved and published the fix in the studio and comes back
    assert not at.exception
    assert t("items.left_out", n=LEARNERS) in texts(at, "info")
    assert metrics(at)[t("items.metric.left_out")] == str(LEARNERS)
    rows = table(at)
    assert (rows["sigle"]["n"], rows["sigle"]["left_out"]) == (0, LEARNERS)
    assert rows["sigle"]["flags"] == charts_items.flag_label("not_enough_data", "fr")
    assert rows["definition"]["n"] == LEARNERS
    assert t("items.thin", n=1, ids="sigle") in texts(at, "caption")


def test_all_attempts_include_retakes(app_env: Engine, content: Path) -> None:
    users = populate(app_env, content)
    take(app_env, content, users[11], answers_of(0), at=T0 + timedelta(days=2))
    at = trainer_page(app_env)
    assert metrics(at)[t("items.metric.attempts")] == "12"
    at.segmented_control(key="items_attempts").set_value("all").run()
    assert not at.exception
    assert metrics(at)[t("items.metric.attempts")] == "13"
    assert table(at)["pratiques"]["n"] == 13


def test_distractor_tab_splits_answers_by_thirds(app_env: Engine, content: Path) -> None:
    populate(app_env, content)
    at = trainer_page(app_env)
    at.selectbox(key=f"items_question:{MODULE}").set_value("pratiques").run()
    tab = at.tabs[1]
    assert t("items.distractors_intro", size=4) in texts(tab, "caption")
    frame = tab.dataframe[0].value
    assert frame.columns.tolist() == ["label", "correct", "count", "share", "top", "bottom", "difference"]
    counts = {row["label"]: (row["count"], row["top"], row["bottom"]) for row in frame.to_dict("records")}
    # Learners 0–7 ticked a and b, 8–11 ticked c. Top third: 6–7 (100 %), then among the equal scores (2/3) the
    # latest attempts, 10–11; bottom third: the earliest, 0–3.
    assert counts["Vérifier la sortie avant de l'intégrer au dossier."] == (8, 2, 4)
    assert counts["Saisir des données identifiantes dans un service public en ligne."] == (4, 2, 0)
    assert frame["correct"].tolist() == [True, True, False]
    assert len(tab.get("vega_lite_chart")) == 1


def test_survey_results_are_withheld_below_the_respondent_threshold(app_env: Engine, content: Path) -> None:
    users = populate(app_env, content)
    for n, user_id in enumerate(users[:4]):
        survey.save_evaluation(app_env, user_id, MODULE, dict.fromkeys(survey.ITEMS, 4), f"Commentaire {n}")
    at = trainer_page(app_env)
    tab = at.tabs[2]
    assert t("items.survey_withheld", n=4, threshold=5) in texts(tab, "info")
    assert not [text for text in texts(tab, "text") if text.startswith("Commentaire")]
    assert len(tab.get("vega_lite_chart")) == 1  # the gain only: no survey chart, no table of answers


def test_feedback_tab_shows_survey_comments_and_gain(app_env: Engine, content: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(survey.MIN_RESPONDENTS_ENV, "3")
    users = populate(app_env, content)
    survey.save_evaluation(app_env, users[0], MODULE, dict.fromkeys(survey.ITEMS, 5), "Très clair, merci.")
    survey.save_evaluation(app_env, users[1], MODULE, dict.fromkeys(survey.ITEMS, 2), "=Trop court")
    survey.save_evaluation(app_env, users[2], MODULE, dict.fromkeys(survey.ITEMS, 4))
    at = trainer_page(app_env)
    tab = at.tabs[2]
    assert t("items.survey_count", n=3) in texts(tab, "caption")
    assert t("items.comments_title", n=2) in texts(tab, "subheader")
    assert [text for text in texts(tab, "text") if text in ("Très clair, merci.", "=Trop court")] == [
        "=Trop court", "Très clair, merci."]  # alphabetical, whatever the order they were written in
    assert t("items.comments_anonymous") in texts(tab, "caption")
    assert len(tab.get("vega_lite_chart")) == 2  # survey answers, gain per objective
    survey_table, gain_table = (frame.value for frame in tab.dataframe)
    assert survey_table["mean"].tolist() == [pytest.approx(11 / 3, abs=0.01)] * len(survey.ITEMS)
    assert survey_table["5"].tolist() == [1] * len(survey.ITEMS)
    labels = gain_table[t("assessment.gain.label")].tolist()
    assert labels == ["Définir l'apprentissage automatique.", "Identifier les limites d'un modèle."]
    assert gain_table[t("assessment.gain.pre_col")].tolist() == [0, 0]
    assert t("items.gain_learners", n=4) in texts(tab, "caption")


def test_empty_module_and_unknown_module_in_the_address(app_env: Engine, content: Path) -> None:
    token = token_for(app_env, "trainer")
    at = trainer_page(app_env, token=token)
    assert t("items.no_attempts") in texts(at, "info")
    assert t("items.no_survey") in texts(at, "info")
    assert t("items.no_gain") in texts(at, "info")
    assert not at.tabs[0].get("vega_lite_chart")

    at = trainer_page(app_env, query={"module": "=inconnu"}, token=token)
    assert t("items.unknown_module", id="=inconnu") in texts(at, "warning")
    assert at.selectbox(key="items_module").value == MODULE


def test_address_selects_the_module(app_env: Engine, content: Path) -> None:
    shutil.copytree(content / "01-bases-ia", content / "02-deuxieme")
    populate(app_env, content)
    at = trainer_page(app_env, query={"module": "deuxieme"})
    assert at.selectbox(key="items_module").value == "deuxieme"
    assert t("items.no_attempts") in texts(at, "info")  # the attempts are on bases-ia
    at.selectbox(key="items_module").set_value(MODULE).run()
    assert at.query_params["module"] == MODULE
    assert metrics(at)[t("items.metric.attempts")] == "12"


def test_no_module_with_a_quiz(app_env: Engine, content: Path) -> None:
    (content / "01-bases-ia" / "quiz.md").unlink()
    at = trainer_page(app_env)
    assert t("items.no_module") in texts(at, "info")
