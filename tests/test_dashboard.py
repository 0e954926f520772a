"""Coordinator dashboard: every figure on a small fixed data set, computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from academy.accounts import auth
from academy.analytics import dashboard
from academy.analytics import dashboard_charts as charts_dashboard
from academy.analytics.dashboard import IN_PROGRESS, NOT_STARTED, PASSED, DashboardFilter
from academy.coordination import cohorts
from academy.store import db
from academy.store.models import Attempt, Evaluation, LessonProgress, Response, User

M1, M2 = "mod-a", "mod-b"
TODAY = date(2026, 3, 20)
TITLES = {M1: "Module A", M2: "Module B"}


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T12:00:00").replace(tzinfo=UTC)


class Data:
    """Writes progress rows directly (the dashboard only reads them)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.tokens = 0

    def account(self, email: str, name: str) -> int:
        return auth.add_user(self.engine, email=email, name=name, password="correct-horse-battery",
                             roles={"learner"}).id

    def lesson(self, user_id: int, module_id: str, lesson_id: str, first: str, last: str, seconds: int) -> None:
        with db.write(self.engine) as session:
            session.add(LessonProgress(user_id=user_id, module_id=module_id, lesson_id=lesson_id,
                                       first_viewed_at=at(first), last_viewed_at=at(last), seconds_spent=seconds))

    def attempt(self, user_id: int, module_id: str, kind: str, day: str, fractions: dict[str, float],
                passed: bool | None = None) -> None:
        self.tokens += 1
        score = sum(fractions.values()) / len(fractions)
        with db.write(self.engine) as session:
            attempt = Attempt(user_id=user_id, module_id=module_id, kind=kind, start_token=f"t{self.tokens}",
                              quiz_hash="h" * 64, layout={}, answers={}, certainties={}, locked=[],
                              started_at=at(day) - timedelta(minutes=20), updated_at=at(day), submitted_at=at(day),
                              score=score, points=score, max_points=1.0, passed=passed)
            session.add(attempt)
            session.flush()
            session.add_all(Response(attempt_id=attempt.id, question_id=qid, question_hash="q" * 64, answer="a",
                                     fraction=fraction) for qid, fraction in fractions.items())

    def evaluation(self, user_id: int, module_id: str, day: str, answers: dict) -> None:
        with db.write(self.engine) as session:
            session.add(Evaluation(user_id=user_id, module_id=module_id, answers=answers, created_at=at(day)))


@pytest.fixture
def cohort(engine) -> dict[str, int]:
    """Alice passed A (after a failed try), Bruno started A and passed B, Chloé did nothing.

    An erased member and a non-member passed A too: they must never count.
    """
    data = Data(engine)
    coordinator = auth.add_user(engine, email="coord@example.org", name="Coord", password="correct-horse-battery",
                                roles={"coordinator"}).id
    ids = {
        "alice": data.account("alice@example.org", "Alice Arnaud"),
        "bruno": data.account("bruno@example.org", "Bruno Bernard"),
        "chloe": data.account("chloe@example.org", "Chloé Chevalier"),
        "erased": data.account("erased@example.org", "Effacé"),
        "outsider": data.account("outsider@example.org", "Externe Autre"),
    }
    cohort_id = cohorts.create_cohort(engine, "Cohorte test", actor_id=coordinator).id
    for key in ("alice", "bruno", "chloe", "erased"):
        cohorts.add_member(engine, cohort_id, email=f"{key}@example.org", actor_id=coordinator)
    cohorts.assign_module(engine, cohort_id, M1, due_date=date(2026, 3, 1), known_modules=TITLES, actor_id=coordinator)
    cohorts.assign_module(engine, cohort_id, M2, due_date=date(2026, 4, 15), known_modules=TITLES,
                          actor_id=coordinator)

    alice, bruno = ids["alice"], ids["bruno"]
    data.lesson(alice, M1, "l1", "2026-02-01", "2026-02-01", 600)
    data.lesson(alice, M1, "l2", "2026-02-01", "2026-02-15", 300)
    data.attempt(alice, M1, "pre", "2026-02-01", {"q1": 0.0, "q2": 0.5, "q3": 1.0})
    data.attempt(alice, M1, "post", "2026-02-10", {"q1": 0.0, "q2": 1.0}, passed=False)
    data.attempt(alice, M1, "post", "2026-02-12", {"q1": 1.0, "q2": 0.8}, passed=True)
    data.evaluation(alice, M1, "2026-02-12", {"clarity": 4, "relevance": 5, "flag": True, "text": "bien"})
    data.lesson(bruno, M1, "l1", "2026-02-05", "2026-02-05", 1200)
    data.attempt(bruno, M1, "pre", "2026-02-05", {"q1": 1.0, "q2": 0.0})
    data.attempt(bruno, M2, "post", "2026-03-05", {"q1": 1.0, "q2": 0.6}, passed=True)
    data.evaluation(bruno, M2, "2026-03-05", {"clarity": 2})
    for key in ("erased", "outsider"):
        data.lesson(ids[key], M1, "l1", "2026-02-01", "2026-02-01", 5000)
        data.attempt(ids[key], M1, "pre", "2026-02-01", {"q1": 1.0, "q2": 1.0})
        data.attempt(ids[key], M1, "post", "2026-02-02", {"q1": 0.0, "q2": 0.0}, passed=True)
        data.evaluation(ids[key], M1, "2026-02-02", {"clarity": 1})
    with db.write(engine) as session:
        session.get(User, ids["erased"]).erased_at = db.utcnow()
    return {"cohort": cohort_id, **ids}


def load(engine, ids, modules=(M1, M2), start=None, end=None, survey_threshold=1) -> dashboard.Dashboard:
    """The dashboard; survey figures shown from one respondent (the anonymity threshold has its own test)."""
    return dashboard.load_dashboard(engine, DashboardFilter(ids["cohort"], modules, start, end), today=TODAY,
                                    survey_threshold=survey_threshold)


def test_matrix_counts_and_overdue(engine, cohort) -> None:
    board = load(engine, cohort)
    assert board.reference_day == TODAY
    assert list(board.learners["name"]) == ["Alice Arnaud", "Bruno Bernard", "Chloé Chevalier"]
    assert board.matrix.loc[[cohort["alice"], cohort["bruno"], cohort["chloe"]]].values.tolist() == [
        [PASSED, NOT_STARTED],
        [IN_PROGRESS, PASSED],
        [NOT_STARTED, NOT_STARTED],
    ]
    assert board.status_counts.to_dict("records") == [
        {"module_id": M1, "not_started": 1, "in_progress": 1, "passed": 1, "members": 3},
        {"module_id": M2, "not_started": 2, "in_progress": 0, "passed": 1, "members": 3},
    ]
    # A is due on 1 March (19 days before TODAY); B is due later.
    assert board.overdue[["name", "module_id", "due_date", "days_late"]].values.tolist() == [
        ["Bruno Bernard", M1, date(2026, 3, 1), 19],
        ["Chloé Chevalier", M1, date(2026, 3, 1), 19],
    ]


def test_completion_over_time_is_cumulative_per_day(engine, cohort) -> None:
    completion = load(engine, cohort).completion
    days = sorted(set(completion["day"]))
    assert (days[0], days[-1], len(days)) == (date(2026, 2, 12), TODAY, 37)
    per_module = completion.set_index(["module_id", "day"])["passed"]
    assert per_module[(M1, date(2026, 2, 12))] == 1 and per_module[(M1, TODAY)] == 1
    assert per_module[(M2, date(2026, 3, 4))] == 0 and per_module[(M2, date(2026, 3, 5))] == 1
    assert completion["share"].max() == pytest.approx(1 / 3)


def test_scores_time_satisfaction(engine, cohort) -> None:
    board = load(engine, cohort)
    stats = board.module_stats.set_index("module_id")
    assert stats.loc[M1, ["learners_scored", "attempts", "learners_timed"]].tolist() == [1, 2, 2]
    assert stats.loc[M1, "mean_score"] == pytest.approx(0.9)  # Alice's best
    assert stats.loc[M1, "mean_minutes"] == pytest.approx((600 + 300 + 1200) / 2 / 60)  # 17.5
    assert stats.loc[M2, ["learners_scored", "attempts", "learners_timed"]].tolist() == [1, 1, 0]
    assert stats.loc[M2, "mean_score"] == pytest.approx(0.8)
    assert pd.isna(stats.loc[M2, "mean_minutes"])
    # Booleans and text are not survey scores; the erased member's and the outsider's answers never count.
    assert board.satisfaction.to_dict("records") == [  # the survey's item order: relevance before clarity
        {"module_id": M1, "item": "relevance", "mean": 5.0, "answers": 1},
        {"module_id": M1, "item": "clarity", "mean": 4.0, "answers": 1},
        {"module_id": M2, "item": "clarity", "mean": 2.0, "answers": 1},
    ]


def test_knowledge_gain_pairs_each_learners_pre_test_with_their_latest_certifying_attempt(engine, cohort) -> None:
    gain = dashboard.knowledge_gain(engine, DashboardFilter(cohort["cohort"], (M1, M2))).set_index("module_id")
    # Alice: pre-test q1 0, q2 .5 (q3 never asked after) against her latest attempt q1 1, q2 .8: 2 pairs.
    # Bruno took A's pre-test but no certifying attempt; in B he took no pre-test: no pair.
    assert gain.loc[M1, ["learners", "pairs"]].tolist() == [1, 2]
    assert gain.loc[M1, "pre_mean"] == pytest.approx(0.25)
    assert gain.loc[M1, "post_mean"] == pytest.approx(0.9)
    assert gain.loc[M1, "gain"] == pytest.approx(0.65)
    assert gain.loc[M2, ["learners", "pairs"]].tolist() == [0, 0] and pd.isna(gain.loc[M2, "gain"])
    assert load(engine, cohort).gain.equals(gain.reset_index())


def test_satisfaction_counts_only_numeric_answers_to_the_survey_items(engine, cohort) -> None:
    Data(engine).evaluation(cohort["chloe"], M2, "2026-03-06", {"clarity": "très bien", "relevance": 3, "other": 1})
    rows = load(engine, cohort).satisfaction
    assert rows[rows["module_id"] == M2].to_dict("records") == [
        {"module_id": M2, "item": "relevance", "mean": 3.0, "answers": 1},
        {"module_id": M2, "item": "clarity", "mean": 2.0, "answers": 1},  # Bruno's 2; Chloé's text is no score
    ]


def test_satisfaction_is_withheld_below_the_anonymity_threshold(engine, cohort, monkeypatch) -> None:
    monkeypatch.delenv("ACADEMY_SURVEY_MIN_RESPONDENTS", raising=False)
    assert load(engine, cohort, survey_threshold=None).satisfaction.empty  # one respondent per module: hidden
    monkeypatch.setenv("ACADEMY_SURVEY_MIN_RESPONDENTS", "1")  # never below 2
    assert load(engine, cohort, survey_threshold=None).satisfaction.empty
    Data(engine).evaluation(cohort["chloe"], M2, "2026-03-06", {"clarity": 4})
    monkeypatch.setenv("ACADEMY_SURVEY_MIN_RESPONDENTS", "2")
    shown = load(engine, cohort, survey_threshold=None).satisfaction
    assert shown.to_dict("records") == [{"module_id": M2, "item": "clarity", "mean": 3.0, "answers": 2}]


def test_a_date_range_moves_the_reference_day_and_filters_activity(engine, cohort) -> None:
    board = load(engine, cohort, start=date(2026, 2, 11), end=date(2026, 3, 1))
    assert board.reference_day == date(2026, 3, 1)
    # On 1 March Bruno had not passed B yet, and nothing was overdue yet (A due that very day).
    assert board.matrix.loc[cohort["bruno"]].tolist() == [IN_PROGRESS, NOT_STARTED]
    assert board.overdue.empty
    assert (board.completion["day"].min(), board.completion["day"].max()) == (date(2026, 2, 11), date(2026, 3, 1))
    stats = board.module_stats.set_index("module_id")
    assert stats.loc[M1, ["learners_scored", "attempts", "learners_timed"]].tolist() == [1, 1, 1]
    assert stats.loc[M1, "mean_score"] == pytest.approx(0.9)
    assert stats.loc[M1, "mean_minutes"] == pytest.approx(5.0)  # Alice's second lesson only (viewed until 15 Feb)
    assert stats.loc[M2, "learners_scored"] == 0
    assert list(board.satisfaction["module_id"]) == [M1, M1]
    # The gain counts the learners whose latest certifying attempt was submitted in the range (Alice, 12 Feb).
    assert board.gain.set_index("module_id").loc[M1, "gain"] == pytest.approx(0.65)
    later = load(engine, cohort, start=date(2026, 2, 13), end=date(2026, 3, 1))
    assert later.gain.set_index("module_id").loc[M1, "learners"] == 0


def test_a_module_filter_and_an_empty_cohort(engine, cohort) -> None:
    board = load(engine, cohort, modules=(M2,))
    assert list(board.matrix.columns) == [M2]
    assert board.overdue.empty
    assert list(board.module_stats["module_id"]) == [M2]
    empty = cohorts.create_cohort(engine, "Vide", actor_id=None).id
    nobody = dashboard.load_dashboard(engine, DashboardFilter(empty, (M1, M2)), today=TODAY)
    assert nobody.matrix.empty and nobody.overdue.empty and nobody.completion.empty
    assert nobody.status_counts["members"].tolist() == [0, 0]


def test_heatmap_pages_sorted_by_progress_or_name(engine, cohort) -> None:
    board = load(engine, cohort)
    first = dashboard.heatmap_rows(board, page=0, size=2)
    assert list(dict.fromkeys(first["learner"])) == ["Chloé Chevalier", "Alice Arnaud"]
    assert len(first) == 4 and set(first["status"]) <= set(dashboard.STATUSES)
    second = dashboard.heatmap_rows(board, page=1, size=2)
    assert list(dict.fromkeys(second["learner"])) == ["Bruno Bernard"]
    by_name = dashboard.heatmap_rows(board, by="name")
    assert list(dict.fromkeys(by_name["learner"])) == ["Alice Arnaud", "Bruno Bernard", "Chloé Chevalier"]


def test_charts_carry_the_figures(engine, cohort) -> None:
    board = load(engine, cohort)
    heatmap = charts_dashboard.status_heatmap(dashboard.heatmap_rows(board), TITLES, "fr").to_dict()
    values = next(iter(heatmap["datasets"].values()))
    assert {(v["learner"], v["module"], v["status_label"]) for v in values} >= {
        ("Alice Arnaud", "Module A", "Validé"), ("Chloé Chevalier", "Module B", "Non commencé")}
    gain_values = next(iter(charts_dashboard.gain_bars(board.gain, TITLES, "en").to_dict()["datasets"].values()))
    assert [(v["module"], v["points"]) for v in gain_values] == [("Module A", 65.0)]
    for chart in (
        charts_dashboard.status_bars(board.status_counts, TITLES, "fr"),
        charts_dashboard.completion_over_time(board.completion, TITLES, "fr"),
        charts_dashboard.score_bars(board.module_stats, TITLES, "fr"),
        charts_dashboard.time_bars(board.module_stats, TITLES, "fr"),
    ):
        assert chart.to_dict()["datasets"]
    survey_chart = charts_dashboard.satisfaction_heatmap(board.satisfaction, TITLES, "fr").to_dict()
    labels = {(v["module"], v["question"], v["value"]) for v in next(iter(survey_chart["datasets"].values()))}
    assert labels == {("Module A", "Clarté", 4.0), ("Module A", "Utilité", 5.0), ("Module B", "Clarté", 2.0)}
    assert charts_dashboard.survey_item_label("not-an-item", "fr") == "not-an-item"
