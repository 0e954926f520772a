"""The assessment experience: progressive cases, attempt and time limits, resume, certainty, pre-test and gain.

AppTest drives pages/3_quiz.py on a small curriculum written for these tests; the store-level tests call
academy.learning.progress directly, on SQLite and (when configured) PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from apptest_support import make_account, open_page
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

import quiz
from academy.accounts import auth
from academy.content.catalog import Module, load_catalog
from academy.learning import gain, progress
from academy.learning.attempts import build_layout
from academy.store import db
from academy.store.models import Attempt, Response, User
from academy.ui.quiz_view import widget_key

CASE_MODULE = "evaluation-cas"
TIMED_MODULE = "evaluation-chrono"
HIDDEN_MODULE = "evaluation-discrete"

MODULE_MD = """---
title: {title}
summary: Un module de test pour l'évaluation.
duration_minutes: 20
objectives:
  - Définir l'apprentissage automatique.
  - Garder le contrôle humain sur un outil d'IA.
level: initiation
pass_mark: 0.5
---

Présentation du module.
"""

LESSON_MD = """---
title: Première leçon
---

Le texte de la leçon.
"""

# No shuffle: options keep their written order (a, b), so the tests know where the right answer is.
CASE_QUIZ = """---
pretest: true
max_attempts: 2
grading: last
certainty: true
---

## Définition {#def .qru objective=1}

Quelle proposition définit l'apprentissage automatique ?

- [ ] Des règles écrites à la main.
  > Non : c'est un système expert.
- [x] Des paramètres ajustés à partir d'exemples.

> L'explication de la définition.

# Mme B., 56 ans, mammographie de dépistage {#dp .dp}

Le centre utilise un logiciel qui calcule un score de suspicion.

## Première étape {#dp-1 .qru objective=2}

Le logiciel classe l'examen. Que fait le radiologue ?

- [x] Il relit tout l'examen.
- [ ] Il recopie le score.

## Un foyer marqué {#dp-2 .qru objective=2}

Nouvel élément : le score est de 9 sur 10 et un foyer de microcalcifications est marqué.

- [x] Réexaminer la zone marquée.
- [ ] Ignorer la marque.

## La question de Mme B. {#dp-3 .qru objective=1}

Mme B. demande si un ordinateur a lu son examen.

- [ ] Aucune information n'est due.
- [x] L'informer du recours au dispositif.
"""

TIMED_QUIZ = """---
time_limit_minutes: 5
review: [score]
---

## Définition {#def .qru objective=1}

Quelle proposition définit l'apprentissage automatique ?

- [ ] Des règles écrites à la main.
- [x] Des paramètres ajustés à partir d'exemples.

> L'explication de la définition.

## Contrôle {#ctrl .qru objective=2}

Qui décide ?

- [x] Le professionnel.
- [ ] Le logiciel.
"""

HIDDEN_QUIZ = """---
review: []
---

## Contrôle {#ctrl .qru objective=2}

Qui décide ?

- [x] Le professionnel.
- [ ] Le logiciel.
"""

RIGHT = {"def": "b", "dp-1": "a", "dp-2": "a", "dp-3": "b", "ctrl": "a"}
WRONG = {"def": "a", "dp-1": "b", "dp-2": "b", "dp-3": "a", "ctrl": "b"}
CASE_ORDER = ["def", "dp-1", "dp-2", "dp-3"]

START, SUBMIT, NEXT = "Commencer", "Valider mes réponses", "Question suivante"


# --- fixtures and helpers --------------------------------------------------------------------------


def write_content(root: Path) -> Path:
    """The test curriculum: a module with a case and certainty, a timed one, one without review."""
    modules = [
        (CASE_MODULE, "Évaluer avec un cas", CASE_QUIZ),
        (TIMED_MODULE, "Évaluer en temps limité", TIMED_QUIZ),
        (HIDDEN_MODULE, "Évaluer sans correction", HIDDEN_QUIZ),
    ]
    for order, (module_id, title, quiz_text) in enumerate(modules, start=1):
        folder = root / f"{order:02d}-{module_id}"
        folder.mkdir(parents=True)
        (folder / "module.md").write_text(MODULE_MD.format(title=title), encoding="utf-8")
        (folder / "01-premiere-lecon.md").write_text(LESSON_MD, encoding="utf-8")
        (folder / "quiz.md").write_text(quiz_text, encoding="utf-8")
    return root


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test curriculum, served by the app under AppTest."""
    root = write_content(tmp_path / "content")
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(root))
    return root


def module_of(root: Path, module_id: str) -> Module:
    catalog = load_catalog(root)
    assert not catalog.problems, [str(problem) for problem in catalog.problems]
    return catalog.module(module_id)


@pytest.fixture
def learner(app_env: Engine) -> tuple[int, str]:
    """A learner's id and session token."""
    account = make_account(app_env, "learner")
    return account.id, auth.create_session(app_env, account.id)


def insert_user(engine: Engine, email: str) -> int:
    """A learner row that cannot sign in (created directly: password hashing would only slow the tests)."""
    with db.write(engine) as session:
        user = User(email=email, name="Léa", password_hash="-", created_at=db.utcnow())
        session.add(user)
        session.flush()
        return user.id


def open_quiz(token: str, module_id: str, **query: str) -> AppTest:
    """A new browser session on the quiz page (a refresh, another tab, or after a server restart)."""
    return open_page("pages/3_quiz.py", token, {"module": module_id, **query})


def click(at: AppTest, label: str) -> None:
    """Click a button; SUBMIT is the two steps of a submission: the summary, then the confirmation."""
    if label == SUBMIT:
        click(at, "Terminer la tentative…")
        label = "Tout envoyer et terminer"
    next(button for button in at.button if button.label == label).click().run()
    assert not at.exception


def labels(at: AppTest) -> list[str]:
    return [button.label for button in at.button]


def texts(at: AppTest, kind: str) -> str:
    """Every element of a kind (`markdown`, `info`, `warning`…) joined, for substring checks."""
    return "\n".join(str(node.value) for node in getattr(at, kind))


def pick(at: AppTest, attempt_id: int, question_id: str, option: str, certainty: int | None = None,
         *, then_next: bool = False) -> None:
    """Answer a QRU question, give a certainty and click "next question", as the learner would (one rerun)."""
    at.radio(key=widget_key(attempt_id, question_id)).set_value(option)
    if certainty is not None:
        at.segmented_control(key=widget_key(attempt_id, question_id, "certainty")).set_value(certainty)
    if then_next:
        at.button(key=widget_key(attempt_id, question_id, "next")).click()
    at.run()
    assert not at.exception
    assert "verrouillée" not in texts(at, "warning")  # "next" saves the answer the radio was committing


def answer_all(at: AppTest, attempt_id: int, answers: dict[str, str],
               certainties: dict[str, int] | None = None) -> None:
    """Answer the questions in the order asked, moving through the case with "next question"."""
    for question_id in sorted(answers, key=lambda qid: CASE_ORDER.index(qid) if qid in CASE_ORDER else -1):
        next_key = widget_key(attempt_id, question_id, "next")
        pick(at, attempt_id, question_id, answers[question_id], (certainties or {}).get(question_id),
             then_next=any(button.key == next_key for button in at.button))


def start(at: AppTest, user_id: int, engine: Engine, module_id: str, kind: str = "post") -> progress.AttemptState:
    click(at, START)
    attempt = progress.in_progress_attempt(engine, user_id, module_id, kind)
    assert attempt is not None
    return attempt


def count(engine: Engine, model: type, **where: object) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    with db.read(engine) as session:
        return session.scalar(query) or 0


# --- AppTest flows ---------------------------------------------------------------------------------


def test_a_progressive_case_is_asked_one_question_at_a_time_and_answers_lock(app_env, content, learner) -> None:
    user_id, token = learner
    at = open_quiz(token, CASE_MODULE)
    attempt = start(at, user_id, app_env, CASE_MODULE)
    assert {radio.key for radio in at.radio} == {widget_key(attempt.id, "def"), widget_key(attempt.id, "dp-1")}
    assert "Le centre utilise un logiciel" in texts(at, "markdown")  # the vignette
    assert "Nouvel élément" not in texts(at, "markdown")  # a later stem stays hidden

    pick(at, attempt.id, "dp-1", "a")
    stale = open_quiz(token, CASE_MODULE)  # another tab, still showing the first question of the case
    click(at, NEXT)
    assert progress.attempt_state(app_env, attempt.id).locked == ("dp-1",)
    locked = at.radio(key=widget_key(attempt.id, "dp-1"))
    assert locked.disabled and locked.value == "a"
    assert "Nouvel élément" in texts(at, "markdown")  # the next stem reveals the new findings
    assert "Le centre utilise un logiciel" in texts(at, "markdown")  # the vignette is still there

    # A change of the locked answer replayed from the stale tab reaches the server and is refused there.
    stale.radio(key=widget_key(attempt.id, "dp-1")).set_value("b").run()
    assert "verrouillée" in texts(stale, "warning")
    assert stale.radio(key=widget_key(attempt.id, "dp-1")).disabled
    assert progress.attempt_state(app_env, attempt.id).answers["dp-1"] == "a"
    with pytest.raises(progress.QuestionLockedError):
        progress.save_answer(app_env, attempt.id, "dp-1", "b")
    with pytest.raises(progress.QuestionNotOpenError):
        progress.save_answer(app_env, attempt.id, "dp-3", "b")  # not reached yet

    pick(at, attempt.id, "dp-2", "a")
    click(at, NEXT)
    assert "Dernière question de ce cas." in texts(at, "caption")
    assert NEXT not in labels(at)
    pick(at, attempt.id, "dp-3", "b")
    pick(at, attempt.id, "def", "b")
    click(at, SUBMIT)
    result = progress.attempt_result(app_env, attempt.id)
    assert result.score == 1.0
    assert {r.question_id: r.response for r in result.responses} == {q: RIGHT[q] for q in CASE_ORDER}
    assert "Correction détaillée" in texts(at, "subheader")


def test_an_attempt_resumes_in_a_new_session_where_it_stopped(app_env, content, learner) -> None:
    user_id, token = learner
    first = open_quiz(token, CASE_MODULE)
    attempt = start(first, user_id, app_env, CASE_MODULE)
    pick(first, attempt.id, "def", "b", certainty=3)
    pick(first, attempt.id, "dp-1", "a", certainty=2)
    click(first, NEXT)

    # A refresh, a closed tab or a restarted server: a new session resumes the same attempt.
    again = open_quiz(token, CASE_MODULE)
    assert START not in labels(again)
    assert again.radio(key=widget_key(attempt.id, "def")).value == "b"
    assert again.segmented_control(key=widget_key(attempt.id, "def", "certainty")).value == 3
    assert again.radio(key=widget_key(attempt.id, "dp-1")).disabled
    assert again.radio(key=widget_key(attempt.id, "dp-2")).value is None  # where it stopped
    answer_all(again, attempt.id, {"dp-2": "a", "dp-3": "b"}, {"dp-2": 3, "dp-3": 3})
    click(first, "Terminer la tentative…")  # the stale first tab shows the summary…
    click(again, SUBMIT)

    # …and confirms after the second tab submitted: nothing is recorded twice.
    click(first, "Tout envoyer et terminer")
    assert count(app_env, Attempt, user_id=user_id) == 1
    assert count(app_env, Response, attempt_id=attempt.id) == 4
    assert progress.attempt_result(app_env, attempt.id).score == 1.0


def test_attempt_limit_and_grading_policy_hold(app_env, content, learner) -> None:
    user_id, token = learner
    at = open_quiz(token, CASE_MODULE)
    assert "Tentatives commencées\u00a0: 0 sur 2." in texts(at, "markdown")
    first = start(at, user_id, app_env, CASE_MODULE)
    answer_all(at, first.id, {q: RIGHT[q] for q in CASE_ORDER})
    click(at, SUBMIT)
    assert at.metric[-1].label == "Note retenue (dernière tentative)"
    assert at.metric[-1].value == "100\u00a0%"

    click(at, "Nouvelle tentative")
    assert "Tentatives commencées\u00a0: 1 sur 2." in texts(at, "markdown")
    stale_tab = open_quiz(token, CASE_MODULE)  # a second tab, still showing the start button
    second = start(at, user_id, app_env, CASE_MODULE)
    answer_all(at, second.id, {q: WRONG[q] for q in CASE_ORDER})
    click(at, SUBMIT)
    assert at.metric[-1].value == "0\u00a0%"  # grading: last
    assert "Nouvelle tentative" not in labels(at)
    assert "les 2 tentative(s) autorisée(s)" in texts(at, "info")

    click(stale_tab, START)  # the start button's callback meets the limit: told, nothing started
    assert "les 2 tentative(s) autorisée(s)" in texts(stale_tab, "info") and START not in labels(stale_tab)
    assert progress.in_progress_attempt(app_env, user_id, CASE_MODULE, "post") is None

    fresh = open_quiz(token, CASE_MODULE)
    assert START not in labels(fresh)
    assert "les 2 tentative(s) autorisée(s)" in texts(fresh, "info")
    qz = module_of(content, CASE_MODULE).quiz
    with pytest.raises(progress.AttemptLimitError):
        progress.start_attempt(app_env, user_id=user_id, module_id=CASE_MODULE, kind="post", quiz=qz,
                               start_token="a-determined-user")
    assert progress.attempts_count(app_env, user_id, CASE_MODULE) == 2
    assert progress.recorded_score(app_env, user_id, CASE_MODULE, "last") == 0.0


def test_time_limit_countdown_and_submission_at_the_deadline(app_env, content, learner) -> None:
    user_id, token = learner
    at = open_quiz(token, TIMED_MODULE)
    assert "Durée limitée à 5\u00a0min" in texts(at, "markdown")
    attempt = start(at, user_id, app_env, TIMED_MODULE)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=5)
    assert "Temps restant\u00a0: 5:00" in texts(at, "info")
    pick(at, attempt.id, "def", "b")

    # Five minutes later the deadline has passed: the store refuses answers, the page submits on its own.
    late = db.utcnow() + timedelta(minutes=6)
    with pytest.raises(progress.AttemptClosedError):
        progress.save_answer(app_env, attempt.id, "ctrl", "a", now=late)
    qz = module_of(content, TIMED_MODULE).quiz
    overdue = progress.start_attempt(app_env, user_id=user_id, module_id=TIMED_MODULE, kind="post", quiz=qz,
                                     start_token="started-earlier", now=db.utcnow() - timedelta(minutes=10))
    progress.save_answer(app_env, overdue, "def", "b", now=db.utcnow() - timedelta(minutes=9))
    progress.submit_attempt(app_env, attempt.id, qz, pass_mark=0.5)  # the first one, submitted normally
    resumed = open_quiz(token, TIMED_MODULE)
    assert "Temps écoulé" in texts(resumed, "warning")
    result = progress.attempt_result(app_env, overdue)
    assert result is not None and result.score == 0.5  # graded on the answer saved in time
    assert resumed.query_params["attempt"] in (str(overdue), [str(overdue)])

    # review: [score] shows the score and the points, not the answers or explanations.
    assert resumed.metric[0].value == "50\u00a0%"
    assert "1 / 1 point(s)" in texts(resumed, "markdown")
    assert "Votre réponse" not in texts(resumed, "markdown")
    assert "L'explication de la définition." not in texts(resumed, "markdown")


def test_certainty_marks_and_what_confidence_cost(app_env, content, learner) -> None:
    user_id, token = learner
    at = open_quiz(token, CASE_MODULE)
    assert "« Très sûr·e »" in texts(at, "markdown")  # the marking scheme is explained up front
    attempt = start(at, user_id, app_env, CASE_MODULE)
    answers = {"def": WRONG["def"], "dp-1": RIGHT["dp-1"], "dp-2": RIGHT["dp-2"], "dp-3": RIGHT["dp-3"]}
    answer_all(at, attempt.id, answers, {"def": 3, "dp-1": 1, "dp-2": 3})  # dp-3 left without certainty
    assert "1 réponse(s) sans certitude" in texts(at, "warning")
    click(at, SUBMIT)

    result = progress.attempt_result(app_env, attempt.id)
    # marks: wrong at 3 → −6; right at 1 → 1; right at 3 → 3; right without certainty counts as 1 → 1
    assert result.certainty_score == pytest.approx((-6 + 1 + 3 + 1) / 4)
    assert {r.question_id: r.certainty for r in result.responses} == {"def": 3, "dp-1": 1, "dp-2": 3, "dp-3": 1}
    assert next(m for m in at.metric if m.label == "Note de certitude").value == "-0,25"
    assert result.score == 0.75  # the plain score is unchanged by certainty
    assert ("Vous avez perdu 6 point(s) de certitude en répondant faux ou incomplètement avec une certitude 3 "
            "(1 question(s))") in texts(at, "warning")
    assert "Vous avez laissé 4 point(s) de certitude" in texts(at, "info")
    assert "certitude 3\u00a0: \u22126 point(s) de certitude" in texts(at, "markdown")


def test_pretest_is_ungraded_and_skippable_then_gain_shows_after_the_quiz(app_env, content, learner) -> None:
    user_id, token = learner
    module = module_of(content, CASE_MODULE)
    at = open_quiz(token, CASE_MODULE, kind="pre")
    assert at.title[0].value.startswith("Pré-test")
    links = [element.proto.label for element in at.get("page_link")]
    assert "Passer le pré-test et commencer les leçons" in links
    pre = start(at, user_id, app_env, CASE_MODULE, kind="pre")
    answer_all(at, pre.id, {q: WRONG[q] for q in CASE_ORDER})
    click(at, SUBMIT)
    assert "Pré-test enregistré" in texts(at, "info")
    assert not at.success and not at.error  # ungraded: no pass or fail
    assert "Correction détaillée" not in texts(at, "subheader")  # its items come back in the quiz
    assert progress.recorded_score(app_env, user_id, CASE_MODULE) is None

    again = open_quiz(token, CASE_MODULE, kind="pre")
    assert "déjà passé le pré-test" in texts(again, "info") and START not in labels(again)

    quiz_page = open_quiz(token, CASE_MODULE)
    post = start(quiz_page, user_id, app_env, CASE_MODULE)
    answer_all(quiz_page, post.id, {q: RIGHT[q] for q in CASE_ORDER}, dict.fromkeys(CASE_ORDER, 3))
    click(quiz_page, SUBMIT)
    assert "Votre progression depuis le pré-test" in texts(quiz_page, "subheader")
    assert len(quiz_page.get("vega_lite_chart")) == 1
    table = quiz_page.dataframe[0].value
    assert list(table["Progression (points)"]) == [100, 100]

    report = gain.gain_by_objective(app_env, module, user_id=user_id)
    assert [(row.objective, row.pre, row.post, row.questions) for row in report.objectives] == [
        (1, 0.0, 1.0, 2), (2, 0.0, 1.0, 2)]
    assert report.learners == 1

    late = open_quiz(token, CASE_MODULE, kind="pre")  # a pre-test after the quiz is refused
    assert START not in labels(late)


def test_a_quiz_can_hide_its_results(app_env, content, learner) -> None:
    user_id, token = learner
    at = open_quiz(token, HIDDEN_MODULE)
    attempt = start(at, user_id, app_env, HIDDEN_MODULE)
    pick(at, attempt.id, "ctrl", "a")
    click(at, SUBMIT)
    assert "Le détail des résultats n’est pas affiché" in texts(at, "info")
    assert not at.metric
    assert "Correction détaillée" not in texts(at, "subheader")
    assert progress.attempt_result(app_env, attempt.id).score == 1.0


def test_someone_elses_attempt_is_not_shown(app_env, content, learner) -> None:
    _, token = learner
    other = insert_user(app_env, "autre@example.org")
    qz = module_of(content, HIDDEN_MODULE).quiz
    attempt_id = progress.start_attempt(app_env, user_id=other, module_id=HIDDEN_MODULE, kind="post", quiz=qz,
                                        start_token="other")
    progress.submit_attempt(app_env, attempt_id, qz, pass_mark=0.5)
    for value in (str(attempt_id), "nope"):
        at = open_quiz(token, HIDDEN_MODULE, attempt=value)
        assert not at.exception
        assert "ne vous appartient pas" in texts(at, "warning")


# --- the store ---------------------------------------------------------------------------------------


def case_quiz(max_attempts: int = 3) -> quiz.Quiz:
    return quiz.parse(CASE_QUIZ.replace("max_attempts: 2", f"max_attempts: {max_attempts}"))


@pytest.fixture
def user_id(engine: Engine) -> int:
    return insert_user(engine, "lea@example.org")


def test_locked_or_unreached_case_questions_refuse_answers(engine: Engine, user_id: int) -> None:
    qz = case_quiz()
    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id="m", kind="post", quiz=qz,
                                        start_token="t", layout=build_layout(qz, seed=1))
    with pytest.raises(progress.QuestionNotOpenError):
        progress.save_answer(engine, attempt_id, "dp-2", "a")
    with pytest.raises(progress.QuestionNotOpenError):
        progress.save_certainty(engine, attempt_id, "dp-2", 3)
    progress.save_answer(engine, attempt_id, "dp-1", "a")
    progress.save_certainty(engine, attempt_id, "dp-1", 2)
    progress.lock_questions(engine, attempt_id, ["dp-1"])
    with pytest.raises(progress.QuestionLockedError):
        progress.save_answer(engine, attempt_id, "dp-1", "b")
    with pytest.raises(progress.QuestionLockedError):
        progress.save_certainty(engine, attempt_id, "dp-1", 3)
    progress.save_answer(engine, attempt_id, "dp-2", "a")  # now reached
    progress.save_certainty(engine, attempt_id, "def", 3)
    progress.save_certainty(engine, attempt_id, "def", None)  # cleared
    with pytest.raises(ValueError):
        progress.save_certainty(engine, attempt_id, "def", True)
    state = progress.attempt_state(engine, attempt_id)
    assert state.answers == {"dp-1": "a", "dp-2": "a"}
    assert state.certainties == {"dp-1": 2}


def test_max_attempts_holds_under_concurrent_starts(engine: Engine, user_id: int) -> None:
    qz = case_quiz(max_attempts=3)
    barrier = threading.Barrier(8)
    started: list[int] = []
    refused: list[BaseException] = []
    errors: list[BaseException] = []

    def start_one(token: str) -> None:
        barrier.wait()
        try:
            started.append(progress.start_attempt(engine, user_id=user_id, module_id="m", kind="post", quiz=qz,
                                                  start_token=token))
        except progress.AttemptLimitError as exc:
            refused.append(exc)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start_one, args=(f"token-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(started) == 3 and len(refused) == 5
    assert count(engine, Attempt, user_id=user_id) == 3
    # A replayed start with a token already used returns its attempt, even at the limit.
    first = progress.attempt_state(engine, started[0])
    assert progress.start_attempt(engine, user_id=user_id, module_id="m", kind="post", quiz=qz,
                                  start_token=first.start_token) == first.id
    # Other kinds have no cap unless asked; the pre-test is capped at one by the page.
    progress.start_attempt(engine, user_id=user_id, module_id="m", kind="pre", quiz=qz, start_token="pre-1",
                           max_attempts=1)
    with pytest.raises(progress.AttemptLimitError):
        progress.start_attempt(engine, user_id=user_id, module_id="m", kind="pre", quiz=qz, start_token="pre-2",
                               max_attempts=1)


def test_one_attempt_per_start_token_under_double_submissions(engine: Engine, user_id: int) -> None:
    qz = case_quiz()
    barrier = threading.Barrier(6)
    ids: list[int] = []
    results: list[progress.AttemptResult] = []
    errors: list[BaseException] = []

    def double_click() -> None:
        try:
            barrier.wait()
            attempt_id = progress.start_attempt(engine, user_id=user_id, module_id="m", kind="post", quiz=qz,
                                                start_token="same")
            ids.append(attempt_id)
            progress.save_answer(engine, attempt_id, "def", "b")
            barrier.wait()
            results.append(progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.5))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=double_click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == 1
    assert count(engine, Attempt) == 1
    assert count(engine, Response) == len(qz.questions)
    assert len({(r.submitted_at, r.score) for r in results}) == 1


def test_default_certainty_and_history(engine: Engine, user_id: int) -> None:
    qz = case_quiz()
    t0 = db.utcnow() - timedelta(hours=1)
    ids = []
    for n, certainty in enumerate((None, 1)):
        attempt_id = progress.start_attempt(engine, user_id=user_id, module_id="m", kind="post", quiz=qz,
                                            start_token=f"t{n}", now=t0 + timedelta(minutes=10 * n))
        progress.save_answer(engine, attempt_id, "def", "a", now=t0 + timedelta(minutes=10 * n + 1))
        result = progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.5, default_certainty=certainty,
                                         now=t0 + timedelta(minutes=10 * n + 2))
        ids.append(attempt_id)
        assert result.certainty_score == (None if certainty is None else 0.0)
    with pytest.raises(ValueError):
        progress.submit_attempt(engine, ids[0], qz, pass_mark=0.5, default_certainty=4)
    history = progress.submitted_attempts(engine, user_id, "m")
    assert [h.attempt_id for h in history] == ids
    assert all(h.kind == "post" and h.score == 0.0 and not h.passed for h in history)
    assert progress.submitted_attempts(engine, user_id, "m", "pre") == []
