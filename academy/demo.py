"""Demo data: one account per role and several hundred simulated learners of varied ability.

Each simulated learner has an ability θ ~ N(0, 1); each question a difficulty b and a discrimination a
derived from its id, so that item statistics computed on the demo data behave like real ones (easy and
hard items, good and poor discriminators). P(correct) = 1 / (1 + exp(−a·(θ − b + boost))), with a boost
that grows from the pre-test to later attempts (learning). Everything is reproducible from `seed`.
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine

from academy.accounts import auth
from academy.content.catalog import Module
from academy.coordination import cohorts
from academy.learning import progress, survey
from academy.learning.attempts import build_layout
from academy.learning.responses import correct_response, wrong_response
from academy.store import db
from quiz import Question

DEMO_DOMAIN = "demo.academie-ia-sante.fr"
ROLE_ACCOUNTS = {
    "learner": ("apprenant", "Alex Martin"),
    "trainer": ("formateur", "Dr Claire Bernard"),
    "coordinator": ("coordination", "Nadia Haddad"),
    "admin": ("admin", "Thomas Moreau"),
}
FIRST_NAMES = ("Léa", "Hugo", "Chloé", "Louis", "Inès", "Gabriel", "Manon", "Jules", "Camille", "Adam", "Sarah",
               "Lucas", "Zoé", "Nathan", "Élise", "Mehdi", "Anaïs", "Théo", "Yasmine", "Paul", "Maëlle", "Noé")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
              "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Benali")
PROFESSIONS = ("etudiant_medecine", "interne", "medecin", "infirmier", "etudiant_soins_infirmiers", "pharmacien",
               "etudiant_pharmacie", "sage_femme")
DAYS_OF_HISTORY = 120
DEMO_COHORT = "Promotion de démonstration"
DEMO_COHORT_SIZE = 60
DEMO_DUE_IN_DAYS = (-7, 5, 30)  # first assignment overdue, second due soon, third later
DEMO_COMMENTS = ("Module clair et utile pour ma pratique.", "Les cas cliniques sont les plus formateurs.",
                 "J'aurais aimé plus d'exemples.", "Bon rythme, questions exigeantes.")


class DemoAlreadyLoaded(Exception):
    """The demo accounts exist already: loading twice would duplicate the simulated history."""


@dataclass
class DemoSummary:
    """What `load_demo` created, and the passwords of the role accounts (shown once)."""

    credentials: dict[str, tuple[str, str]] = field(default_factory=dict)  # role -> (email, password)
    learners: int = 0
    attempts: int = 0
    lessons: int = 0
    cohort: str = ""
    cohort_members: int = 0
    evaluations: int = 0


def _item_parameters(question: Question) -> tuple[float, float]:
    """A question's (discrimination, difficulty), stable across runs because derived from its id."""
    digest = hashlib.sha256(question.id.encode()).digest()
    rng = random.Random(digest)
    return rng.uniform(0.4, 2.2), rng.gauss(-0.3, 1.0)


def _respond(question: Question, ability: float, boost: float, rng: random.Random) -> object:
    discrimination, difficulty = _item_parameters(question)
    p_correct = 1 / (1 + math.exp(-discrimination * (ability - difficulty + boost)))
    if rng.random() < p_correct:
        return correct_response(question)
    return wrong_response(question, rng)


def _take_quiz(engine: Engine, user_id: int, module: Module, kind: str, ability: float, boost: float,
               when: datetime, rng: random.Random) -> progress.AttemptResult:
    qz = module.quiz
    layout = build_layout(qz, seed=rng.randrange(2**31))
    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id=module.id, kind=kind, quiz=qz,
                                        start_token=secrets.token_hex(16), layout=layout, now=when)
    saved_at = when + timedelta(minutes=12)
    answers = {}
    for qid in layout["questions"]:
        question = qz.question(qid)
        answered = rng.random() < 0.97  # a few questions are left unanswered
        if question.case is None:
            if answered:
                answers[qid] = _respond(question, ability, boost, rng)
            continue
        # A case is answered one question at a time, each locked before the next one opens.
        if answered:
            progress.save_answer(engine, attempt_id, qid, _respond(question, ability, boost, rng), now=saved_at)
        progress.lock_questions(engine, attempt_id, [qid], now=saved_at)
    progress.save_answers(engine, attempt_id, answers, now=saved_at)
    pass_mark = qz.settings.pass_mark if qz.settings.pass_mark is not None else module.pass_mark
    return progress.submit_attempt(engine, attempt_id, qz, pass_mark=pass_mark, now=when + timedelta(minutes=15))


def _create_role_accounts(engine: Engine, summary: DemoSummary) -> dict[str, int]:
    """The four role accounts; returns their ids by role."""
    ids = {}
    for role, (local, name) in ROLE_ACCOUNTS.items():
        email = f"{local}@{DEMO_DOMAIN}"
        password = f"demo-{secrets.token_urlsafe(9)}"
        roles = {role} | ({"learner"} if role != "learner" else set())
        ids[role] = auth.add_user(engine, email=email, name=name, password=password, roles=roles,
                                  profession="medecin").id
        summary.credentials[role] = (email, password)
    return ids


def load_demo(engine: Engine, modules: list[Module], *, learners: int = 300, seed: int = 2025,
              now: datetime | None = None) -> DemoSummary:
    """Create the role accounts and `learners` simulated learners with lesson progress and attempts."""
    if auth.list_accounts(engine, search=f"@{DEMO_DOMAIN}", limit=1):
        raise DemoAlreadyLoaded(f"demo accounts (@{DEMO_DOMAIN}) already exist in this database")
    now = now or db.utcnow()
    rng = random.Random(seed)
    summary = DemoSummary()
    role_ids = _create_role_accounts(engine, summary)
    password_hash = auth.hash_password(secrets.token_urlsafe(24))  # simulated learners cannot sign in
    quiz_modules = [m for m in modules if m.quiz is not None]
    for index in range(learners):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        user_id = auth.insert_account(
            engine, email=f"apprenant{index + 1:04d}@{DEMO_DOMAIN}", name=f"{first} {last}",
            profession=rng.choice(PROFESSIONS), password_hash=password_hash, roles={"learner"}).id
        ability = rng.gauss(0, 1)
        engagement = min(1.0, max(0.15, rng.gauss(0.55 + 0.15 * ability, 0.25)))
        start = now - timedelta(days=rng.uniform(10, DAYS_OF_HISTORY))
        for module in quiz_modules:
            if rng.random() > engagement:
                continue
            when = min(start + timedelta(days=rng.uniform(0, 40)), now - timedelta(hours=1))
            summary.lessons += _read_lessons(engine, user_id, module, engagement, when, rng)
            if module.quiz.settings.pretest and rng.random() < 0.7:
                _take_quiz(engine, user_id, module, "pre", ability, -0.6, when - timedelta(minutes=30), rng)
                summary.attempts += 1
            limit = module.quiz.settings.max_attempts or 3
            for attempt_number in range(limit):
                taken = when + timedelta(hours=2 + 24 * attempt_number)
                result = _take_quiz(engine, user_id, module, "post", ability, 0.5 + 0.4 * attempt_number, taken, rng)
                summary.attempts += 1
                if result.passed or rng.random() < 0.3:
                    break
        summary.learners += 1
    _role_learner_history(engine, role_ids["learner"], quiz_modules, now, rng, summary)
    _demo_cohort(engine, quiz_modules, role_ids, now, rng, summary)
    return summary


def _role_learner_history(engine: Engine, user_id: int, modules: list[Module], now: datetime,
                          rng: random.Random, summary: DemoSummary) -> None:
    """The demo learner has passed nothing yet but has read and tried the first module."""
    if not modules:
        return
    module = modules[0]
    when = now - timedelta(days=3)
    summary.lessons += _read_lessons(engine, user_id, module, 0.4, when, rng)
    _take_quiz(engine, user_id, module, "post", -0.5, 0.0, when + timedelta(hours=1), rng)
    summary.attempts += 1


def _demo_cohort(engine: Engine, modules: list[Module], role_ids: dict[str, int], now: datetime,
                 rng: random.Random, summary: DemoSummary) -> None:
    """A cohort of the coordinator with members, assignments (one overdue) and satisfaction surveys."""
    coordinator = role_ids["coordinator"]
    cohort = cohorts.create_cohort(engine, DEMO_COHORT, description="Cohorte de démonstration",
                                   actor_id=coordinator)
    simulated = [a.id for a in auth.list_accounts(engine, search="apprenant0", limit=DEMO_COHORT_SIZE)]
    members = [role_ids["learner"], *simulated[:DEMO_COHORT_SIZE - 1]]
    for account_id in members:
        account = auth.get_account(engine, account_id)
        cohorts.add_member(engine, cohort.id, email=account.email, actor_id=coordinator)
    for module, days in zip(modules, DEMO_DUE_IN_DAYS, strict=False):
        cohorts.assign_module(engine, cohort.id, module.id, due_date=(now + timedelta(days=days)).date(),
                              known_modules={m.id for m in modules}, actor_id=coordinator)
    for account_id in members:
        for module_id, standing in progress.module_progress(engine, account_id).items():
            if standing.passed and rng.random() < 0.6:
                answers = {item: rng.choice((3, 4, 4, 5, 5)) for item in survey.ITEMS}
                comment = rng.choice(DEMO_COMMENTS) if rng.random() < 0.3 else ""
                survey.save_evaluation(engine, account_id, module_id, answers, comment, now=now)
                summary.evaluations += 1
    summary.cohort, summary.cohort_members = DEMO_COHORT, len(members)


def _read_lessons(engine: Engine, user_id: int, module: Module, engagement: float, when: datetime,
                  rng: random.Random) -> int:
    read = 0
    for offset, lesson in enumerate(module.lessons):
        if rng.random() > 0.6 + 0.4 * engagement:
            break
        seen = when - timedelta(minutes=10 * (len(module.lessons) - offset))
        minutes = (lesson.duration_minutes or 5) * rng.uniform(0.5, 1.5)
        progress.record_lesson_view(engine, user_id, module.id, lesson.id, seconds=int(minutes * 60), now=seen)
        progress.mark_lesson_complete(engine, user_id, module.id, lesson.id, now=seen + timedelta(minutes=minutes))
        read += 1
    return read
