"""Cohorts: creation, members (existing and new accounts), assignments with due dates, Home statuses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from attempt_support import pass_module
from sqlalchemy import select

from academy.accounts import auth
from academy.coordination import cohorts
from academy.learning import progress
from academy.store import db
from academy.store.audit import audit_entries
from academy.store.models import User

MODULES = {"ia-imagerie-medicale", "ethique-regulation", "fondamentaux-ia-sante"}
TODAY = date(2026, 3, 10)


@pytest.fixture
def coordinator(engine) -> auth.Account:
    return auth.add_user(engine, email="coord@example.org", name="Claire Coordinatrice",
                         password="correct-horse-battery", roles={"coordinator"})


@pytest.fixture
def cohort(engine, coordinator) -> cohorts.CohortInfo:
    return cohorts.create_cohort(engine, "DPC Radiologie 2026", description="Session de printemps",
                                 actor_id=coordinator.id)


def learner(engine, email: str = "lea@example.org", name: str = "Léa Martin") -> auth.Account:
    return auth.add_user(engine, email=email, name=name, password="correct-horse-battery", roles={"learner"})


# --- cohorts ---------------------------------------------------------------------------------------


def test_create_cohort_is_listed_and_audited(engine, coordinator, cohort) -> None:
    listed = cohorts.list_cohorts(engine)
    assert [(c.name, c.description, c.members, c.modules) for c in listed] == [
        ("DPC Radiologie 2026", "Session de printemps", 0, 0)
    ]
    assert cohorts.get_cohort(engine, cohort.id) == listed[0]
    entry = audit_entries(engine, action="cohort_create")[0]
    assert (entry.actor_id, entry.target) == (coordinator.id, f"cohort:{cohort.id}")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("  ", "cohorts.error.name_required"),
        ("x" * 201, "cohorts.error.name_too_long"),
        ("dpc radiologie   2026", "cohorts.error.name_taken"),
        ("DPC RADIOLOGIE 2026", "cohorts.error.name_taken"),
    ],
)
def test_bad_or_taken_cohort_names_are_refused(engine, coordinator, cohort, name: str, key: str) -> None:
    with pytest.raises(cohorts.CohortError) as caught:
        cohorts.create_cohort(engine, name, actor_id=coordinator.id)
    assert caught.value.errors == {"name": key}
    assert len(cohorts.list_cohorts(engine)) == 1


# --- members ---------------------------------------------------------------------------------------


def test_an_existing_account_joins_unchanged(engine, coordinator, cohort) -> None:
    lea = learner(engine)
    added = cohorts.add_member(engine, cohort.id, email="  LEA@example.org ", name="Autre Nom", actor_id=coordinator.id)
    assert added == cohorts.AddedMember(lea.id, "lea@example.org", created=False, already_member=False)
    assert auth.get_account(engine, lea.id).name == "Léa Martin"
    assert [m.user_id for m in cohorts.members(engine, cohort.id)] == [lea.id]
    again = cohorts.add_member(engine, cohort.id, email="lea@example.org", actor_id=coordinator.id)
    assert again.already_member and not again.created
    assert len(cohorts.members(engine, cohort.id)) == 1
    assert audit_entries(engine, action="cohort_member_add")[0].details == {"user_id": lea.id,
                                                                           "created_account": False}


def test_an_unknown_email_gets_a_learner_account_that_cannot_sign_in(engine, coordinator, cohort) -> None:
    added = cohorts.add_member(engine, cohort.id, email="nouveau@example.org", name="Noé  Nouveau",
                               profession=" MÉDECIN ", rpps="100 0123 4567", actor_id=coordinator.id)
    assert added.created
    account = auth.get_account(engine, added.user_id)
    assert (account.name, account.profession, account.rpps, account.roles) == (
        "Noé Nouveau", "medecin", "10001234567", frozenset({"learner"}))
    with db.read(engine) as session:
        stored = session.scalar(select(User.password_hash).where(User.id == added.user_id))
    assert stored.startswith(cohorts.UNUSABLE_PASSWORD_PREFIX)
    for guess in ("", stored, stored[1:], "correct-horse-battery"):
        with pytest.raises(auth.SignInError):
            auth.authenticate(engine, "nouveau@example.org", guess)
    # The forgotten-password / admin flow gives the account a real password.
    auth.set_password(engine, added.user_id, "un-mot-de-passe-solide")
    assert auth.authenticate(engine, "nouveau@example.org", "un-mot-de-passe-solide").id == added.user_id


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"email": "pas-une-adresse", "name": "Nom"}, {"email": "cohorts.reason.bad_email"}),
        ({"email": "a@example.org", "name": " "}, {"name": "cohorts.reason.missing_name"}),
        ({"email": "a@example.org", "name": "Nom", "rpps": "1234"}, {"rpps": "cohorts.reason.bad_rpps"}),
        ({"email": "a@example.org", "name": "Nom\nCaché"}, {"name": "cohorts.reason.control_characters"}),
        ({"email": "a@example.org", "name": "", "rpps": "x"},
         {"name": "cohorts.reason.missing_name", "rpps": "cohorts.reason.bad_rpps"}),
    ],
)
def test_a_new_account_needs_valid_fields(engine, coordinator, cohort, fields, errors) -> None:
    with pytest.raises(cohorts.CohortError) as caught:
        cohorts.add_member(engine, cohort.id, actor_id=coordinator.id, **fields)
    assert caught.value.errors == errors
    assert cohorts.members(engine, cohort.id) == []
    assert len(auth.list_accounts(engine)) == 1  # the coordinator only


def test_adding_to_an_unknown_cohort_is_refused(engine, coordinator) -> None:
    with pytest.raises(cohorts.CohortError) as caught:
        cohorts.add_member(engine, 999, email="x@example.org", name="X", actor_id=coordinator.id)
    assert caught.value.errors == {"cohort": "cohorts.error.unknown_cohort"}
    assert len(auth.list_accounts(engine)) == 1


def test_remove_member_keeps_the_account(engine, coordinator, cohort) -> None:
    lea = learner(engine)
    cohorts.add_member(engine, cohort.id, email=lea.email, actor_id=coordinator.id)
    assert cohorts.remove_member(engine, cohort.id, lea.id, actor_id=coordinator.id)
    assert not cohorts.remove_member(engine, cohort.id, lea.id, actor_id=coordinator.id)
    assert cohorts.members(engine, cohort.id) == []
    assert auth.get_account(engine, lea.id) is not None
    assert len(audit_entries(engine, action="cohort_member_remove")) == 1


def test_erased_accounts_are_not_listed_nor_counted(engine, coordinator, cohort) -> None:
    lea, max_ = learner(engine), learner(engine, "max@example.org", "Max Dupont")
    for account in (lea, max_):
        cohorts.add_member(engine, cohort.id, email=account.email, actor_id=coordinator.id)
    with db.write(engine) as session:
        session.get(User, max_.id).erased_at = db.utcnow()
    assert [m.email for m in cohorts.members(engine, cohort.id)] == ["lea@example.org"]
    assert cohorts.get_cohort(engine, cohort.id).members == 1


# --- assignments -----------------------------------------------------------------------------------


def test_assign_update_and_unassign(engine, coordinator, cohort) -> None:
    due = date(2026, 4, 30)
    cohorts.assign_module(engine, cohort.id, "ethique-regulation", due_date=due, known_modules=MODULES,
                          actor_id=coordinator.id)
    cohorts.assign_module(engine, cohort.id, "ia-imagerie-medicale", known_modules=MODULES, actor_id=coordinator.id)
    assert cohorts.cohort_assignments(engine, cohort.id) == [
        cohorts.AssignmentInfo(cohort.id, "ethique-regulation", due),
        cohorts.AssignmentInfo(cohort.id, "ia-imagerie-medicale", None),
    ]
    # Assigning again only changes the due date: one assignment per cohort and module.
    cohorts.assign_module(engine, cohort.id, "ia-imagerie-medicale", due_date=date(2026, 4, 1),
                          known_modules=MODULES, actor_id=coordinator.id)
    assert [a.due_date for a in cohorts.cohort_assignments(engine, cohort.id)] == [date(2026, 4, 1), due]
    assert cohorts.get_cohort(engine, cohort.id).modules == 2
    last = audit_entries(engine, action="module_assign")[0]
    assert last.details == {"module_id": "ia-imagerie-medicale", "new": False, "due_before": None,
                            "due_after": "2026-04-01"}
    assert cohorts.unassign(engine, cohort.id, "ia-imagerie-medicale", actor_id=coordinator.id)
    assert not cohorts.unassign(engine, cohort.id, "ia-imagerie-medicale", actor_id=coordinator.id)
    assert [a.module_id for a in cohorts.cohort_assignments(engine, cohort.id)] == ["ethique-regulation"]


def test_only_catalogue_modules_can_be_assigned(engine, coordinator, cohort) -> None:
    with pytest.raises(cohorts.CohortError) as caught:
        cohorts.assign_module(engine, cohort.id, "module-inconnu", known_modules=MODULES, actor_id=coordinator.id)
    assert caught.value.errors == {"module": "cohorts.error.unknown_module"}
    with pytest.raises(cohorts.CohortError):
        cohorts.assign_module(engine, 999, "ethique-regulation", known_modules=MODULES, actor_id=coordinator.id)
    assert cohorts.cohort_assignments(engine, cohort.id) == []


@pytest.mark.parametrize(
    ("due", "passed", "status"),
    [
        (None, False, cohorts.OPEN),
        (TODAY + timedelta(days=30), False, cohorts.OPEN),
        (TODAY + timedelta(days=7), False, cohorts.DUE_SOON),
        (TODAY, False, cohorts.DUE_SOON),
        (TODAY - timedelta(days=1), False, cohorts.OVERDUE),
        (TODAY - timedelta(days=1), True, cohorts.DONE),
    ],
)
def test_assignment_status(due, passed, status) -> None:
    assert cohorts.assignment_status(due, passed, TODAY) == status


def test_assignments_for_a_learner_on_home(engine, coordinator, cohort) -> None:
    lea = learner(engine)
    other = cohorts.create_cohort(engine, "Faculté — M1", actor_id=coordinator.id)
    for group in (cohort, other):
        cohorts.add_member(engine, group.id, email=lea.email, actor_id=coordinator.id)
    assign = {"known_modules": MODULES, "actor_id": coordinator.id}
    cohorts.assign_module(engine, cohort.id, "ia-imagerie-medicale", due_date=TODAY - timedelta(days=2), **assign)
    cohorts.assign_module(engine, cohort.id, "ethique-regulation", due_date=TODAY + timedelta(days=3), **assign)
    cohorts.assign_module(engine, other.id, "ethique-regulation", due_date=TODAY + timedelta(days=60), **assign)
    cohorts.assign_module(engine, other.id, "fondamentaux-ia-sante", **assign)
    pass_module(engine, lea.id, "fondamentaux-ia-sante")
    pass_module(engine, lea.id, "ia-imagerie-medicale", passed=False)

    rows = cohorts.assignments_for(engine, lea.id, today=TODAY)
    assert [(r.module_id, r.cohort_name, r.due_date, r.status) for r in rows] == [
        ("ia-imagerie-medicale", "DPC Radiologie 2026", TODAY - timedelta(days=2), cohorts.OVERDUE),
        ("ethique-regulation", "DPC Radiologie 2026", TODAY + timedelta(days=3), cohorts.DUE_SOON),
        ("fondamentaux-ia-sante", "Faculté — M1", None, cohorts.DONE),
    ]
    assert cohorts.assignments_for(engine, coordinator.id, today=TODAY) == []
    assert progress.module_progress(engine, lea.id)["fondamentaux-ia-sante"].passed
