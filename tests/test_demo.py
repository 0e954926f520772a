"""The demo data set: role accounts that can sign in, and simulated learners with varied results."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from academy.accounts import auth
from academy.content.catalog import load_catalog
from academy.coordination import cohorts
from academy.demo import DEMO_DOMAIN, DemoAlreadyLoaded, load_demo
from academy.learning import progress, survey

ROOT = Path(__file__).resolve().parents[1]
DEMO_IDS = {"fondamentaux-ia-sante", "ia-imagerie-medicale"}
MODULES = [m for m in load_catalog(ROOT / "content").modules if m.id in DEMO_IDS]
NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def test_demo_accounts_sign_in_with_their_roles_and_learners_have_history(engine) -> None:
    summary = load_demo(engine, MODULES, learners=12, seed=7, now=NOW)
    assert set(summary.credentials) == {"learner", "trainer", "coordinator", "admin"}
    for role, (email, password) in summary.credentials.items():
        account = auth.authenticate(engine, email, password, now=NOW)
        assert role in account.roles
    learners = [a for a in auth.list_accounts(engine, search="apprenant0", limit=50)]
    assert len(learners) == 12 and all(a.email.endswith(DEMO_DOMAIN) for a in learners)
    scores = []
    for learner in learners:
        for module_id, mp in progress.module_progress(engine, learner.id).items():
            assert module_id in DEMO_IDS
            if mp.best_score is not None:
                scores.append(mp.best_score)
    assert summary.attempts > 0 and len(scores) >= 6
    assert max(scores) - min(scores) > 0.2, "learners of varied ability get varied scores"


def test_simulated_learners_cannot_sign_in(engine) -> None:
    load_demo(engine, MODULES, learners=1, seed=1, now=NOW)
    with pytest.raises(auth.SignInError):
        auth.authenticate(engine, f"apprenant0001@{DEMO_DOMAIN}", "demo-password", now=NOW)


def test_loading_twice_is_refused(engine) -> None:
    load_demo(engine, MODULES, learners=1, seed=1, now=NOW)
    with pytest.raises(DemoAlreadyLoaded):
        load_demo(engine, MODULES, learners=1, seed=1, now=NOW)


def test_every_role_lands_on_data_a_cohort_with_assignments_and_surveys(engine) -> None:
    summary = load_demo(engine, MODULES, learners=40, seed=3, now=NOW)
    (cohort,) = cohorts.list_cohorts(engine)
    assert cohort.name == summary.cohort and cohort.members == summary.cohort_members == 41  # the demo learner + 40
    due = {a.module_id: a.due_date for a in cohorts.cohort_assignments(engine, cohort.id)}
    assert len(due) == 2 and min(due.values()) < NOW.date() < max(due.values())  # one overdue, one ahead
    learner_email = summary.credentials["learner"][0]
    learner = next(a for a in auth.list_accounts(engine, search=learner_email))
    assert learner.id in {m.user_id for m in cohorts.members(engine, cohort.id)}
    assert progress.module_progress(engine, learner.id)  # the demo learner has started a module
    assert cohorts.assignments_for(engine, learner.id, today=NOW.date())
    assert summary.evaluations > 0
    assert sum(survey.module_survey_summary(engine, m.id).count for m in MODULES) == summary.evaluations
