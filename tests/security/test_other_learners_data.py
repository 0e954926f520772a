"""Attack: reading another learner's data by changing an id in the URL or a request.

The quiz page's results (`?module=…&attempt=ID`) show only the viewer's own attempts of that module: another
learner's attempt, an attempt of another module, a review attempt or a made-up id all get « Cette tentative
n’existe pas ou ne vous appartient pas. » and nothing of the attempt (no score, no correction). An id
beyond any database integer (`99999999999999999999`) and a non-ASCII digit (`²`) used to raise on screen.
Coordinators and cohorts (a coordinator asking for a cohort, a learner, an attestation, an export or a
dashboard of a cohort they do not manage): tests/test_cohort_managers.py.
"""

from __future__ import annotations

from test_assessment import (  # noqa: F401  (fixtures: the test curriculum, a signed-in learner)
    CASE_MODULE,
    HIDDEN_MODULE,
    content,
    insert_user,
    learner,
    module_of,
    open_quiz,
)

from academy.i18n import t
from academy.learning import progress

REFUSAL = t("assessment.unknown_attempt")


def submitted(engine, root, user_id: int, module_id: str, kind: str = "post", token: str = "t") -> int:
    qz = module_of(root, module_id).quiz
    attempt_id = progress.start_attempt(engine, user_id=user_id, module_id=module_id, kind=kind, quiz=qz,
                                        start_token=token)
    progress.save_answer(engine, attempt_id, qz.questions[0].id, "b")
    progress.submit_attempt(engine, attempt_id, qz, pass_mark=0.5)
    return attempt_id


def test_someone_elses_attempt_and_forged_ids_show_nothing(app_env, content, learner) -> None:  # noqa: F811
    user_id, token = learner
    other = insert_user(app_env, "autre@example.org")
    theirs = submitted(app_env, content, other, HIDDEN_MODULE, token="theirs")
    mine_elsewhere = submitted(app_env, content, user_id, CASE_MODULE, token="mine")
    mine_review = submitted(app_env, content, user_id, HIDDEN_MODULE, kind="review", token="review")
    mine = submitted(app_env, content, user_id, HIDDEN_MODULE, token="own")
    for forged in (theirs, mine_elsewhere, mine_review, "0", "-1", "99999999999999999999", "1 OR 1=1", "%00", "²"):
        at = open_quiz(token, HIDDEN_MODULE, attempt=str(forged))
        assert not at.exception, forged
        assert [node.value for node in at.warning] == [REFUSAL], forged
        assert not at.metric and not at.subheader, forged  # no score, no correction
    own = open_quiz(token, HIDDEN_MODULE, attempt=str(mine))  # the same page shows the learner's own attempt
    assert REFUSAL not in [node.value for node in own.warning]
    assert progress.attempt_result(app_env, theirs).user_id == other  # and nothing changed hands
