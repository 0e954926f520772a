"""xAPI statements: every exported statement is structurally valid, with the expected verbs, results, ids,
interaction definitions and registrations; a demo export read by the clients themselves: TinCanPython (`tincan`)
parses every statement and Ralph's pydantic models (`ralph-malph`) validate them."""

from __future__ import annotations

import copy
import json
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from test_exports import ROOT, Dataset, at, build_dataset

import quiz
from academy import settings
from academy.content.catalog import load_catalog
from academy.demo import load_demo
from academy.interop import exports, xapi

HOME = "https://academie.example.org"
ADL_VERBS = {f"http://adlnet.gov/expapi/verbs/{verb}" for verb in
             ("experienced", "attempted", "answered", "completed", "passed", "failed")}


@pytest.fixture
def data(engine: Engine, tmp_path: Path) -> Dataset:
    return build_dataset(engine, tmp_path / "content")


def statements(engine: Engine, data: Dataset, **options: Any) -> list[dict[str, Any]]:
    return list(exports.xapi_statements(engine, data.catalog, home=HOME, **options))


def by_attempt(items: list[dict[str, Any]], attempt_id: int) -> list[dict[str, Any]]:
    key = f"{HOME}/xapi/extensions/attempt-id"
    return [s for s in items if s.get("context", {}).get("extensions", {}).get(key) == attempt_id]


# --- the exported statements -----------------------------------------------------------------------


def test_every_statement_is_valid_and_uses_adl_verbs(engine: Engine, data: Dataset) -> None:
    items = statements(engine, data)
    # lessons: 4 views + 3 completions; attempts: 6 × (attempted + result) + 18 answers + 2 module completions
    assert len(items) == 7 + 12 + 18 + 2
    for statement in items:
        assert xapi.validate_statement(statement) == [], statement
        assert statement["verb"]["id"] in ADL_VERBS
        assert set(statement["verb"]["display"]) == {"fr-FR", "en-US"}
        assert statement["actor"]["account"]["homePage"] == HOME
        assert statement["object"]["id"].startswith(f"{HOME}/module/")
        assert statement["version"] == "1.0.0"
        assert statement["timestamp"].endswith("Z")
        json.dumps(statement)  # serialisable as is
    assert len({s["id"] for s in items}) == len(items)
    assert {s["actor"]["account"]["name"] for s in items} == {str(data.lea), str(data.evil)}


def test_lesson_statements(engine: Engine, data: Dataset) -> None:
    items = statements(engine, data, cohort="Internes 2025", module="bases-ia")
    lessons = [s for s in items if "/lesson/" in s["object"]["id"]]
    assert [(s["verb"]["display"]["en-US"], s["object"]["id"].rsplit("/", 1)[1], s["timestamp"]) for s in lessons] == [
        ("experienced", "introduction", "2025-01-10T09:00:00.000Z"),
        ("completed", "introduction", "2025-01-10T09:05:00.000Z"),
        ("experienced", "limites", "2025-01-10T09:06:00.000Z"),
    ]
    first = lessons[0]
    assert first["actor"] == {"objectType": "Agent", "name": "Léa Martin-Dupré",
                              "account": {"homePage": HOME, "name": str(data.lea)}}
    assert first["object"] == {
        "objectType": "Activity",
        "id": f"{HOME}/module/bases-ia/lesson/introduction",
        "definition": {"type": "http://adlnet.gov/expapi/activities/lesson", "name": {"fr-FR": "Qu'est-ce que l'IA ?"}},
    }
    assert first["context"]["contextActivities"] == {"parent": [{
        "objectType": "Activity", "id": f"{HOME}/module/bases-ia",
        "definition": {"type": "http://adlnet.gov/expapi/activities/module"},
    }]}
    assert "result" not in first and lessons[1]["result"] == {"completion": True}


def test_a_failed_then_passed_quiz(engine: Engine, data: Dataset) -> None:
    items = statements(engine, data, module="bases-ia")
    failed, passed = by_attempt(items, 2), by_attempt(items, 3)
    assert [s["verb"]["display"]["en-US"] for s in failed] == ["attempted", "answered", "answered", "answered",
                                                                 "failed"]
    assert [s["verb"]["display"]["en-US"] for s in passed] == ["attempted", "answered", "answered", "answered",
                                                                 "passed", "completed"]
    assert failed[0]["timestamp"] == "2025-01-10T09:10:00.000Z"
    assert failed[0]["object"]["id"] == f"{HOME}/module/bases-ia/quiz"
    assert failed[0]["object"]["definition"] == {"type": "http://adlnet.gov/expapi/activities/assessment",
                                                 "name": {"fr-FR": "Quiz\u00a0: Les bases de l'IA en santé"}}
    assert failed[-1]["result"] == {"score": {"scaled": 0.5, "raw": 1.5, "min": 0, "max": 3}, "success": False,
                                    "completion": True, "duration": "PT12M30S"}
    assert failed[-1]["timestamp"] == "2025-01-10T09:22:30.000Z"
    assert passed[-2]["result"] == {"score": {"scaled": 1, "raw": 3, "min": 0, "max": 3}, "success": True,
                                    "completion": True, "duration": "PT5M"}
    module_completed = passed[-1]
    assert module_completed["object"]["id"] == f"{HOME}/module/bases-ia"
    assert module_completed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/module"
    assert module_completed["result"] == {"score": {"scaled": 1}, "success": True, "completion": True}
    assert module_completed["timestamp"] == "2025-01-11T10:05:00.000Z"


def test_answers(engine: Engine, data: Dataset) -> None:
    items = statements(engine, data, module="bases-ia")
    answers = [s for s in by_attempt(items, 2) if s["verb"]["display"]["en-US"] == "answered"]
    assert [(s["object"]["id"].rsplit("/", 1)[1], s["object"]["definition"]["interactionType"], s["result"]["response"],
             s["result"]["score"]["scaled"], s["result"]["success"], s["timestamp"]) for s in answers] == [
        ("definition", "choice", "a", 0, False, "2025-01-10T09:11:00.000Z"),
        ("pratiques", "choice", "a", 0.5, False, "2025-01-10T09:12:00.000Z"),
        ("sigle", "fill-in", "rgpd", 1, True, "2025-01-10T09:13:00.000Z"),
    ]
    question = data.catalog.module("bases-ia").quiz.question("pratiques")
    assert answers[1]["object"]["definition"] == {
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction", "name": {"fr-FR": "Bonnes pratiques"},
        "interactionType": "choice",
        "choices": [{"id": "a", "description": {"fr-FR": "Vérifier la sortie avant de l'intégrer au dossier."}},
                    {"id": "b", "description": {"fr-FR": "Informer le patient de l'usage de l'outil."}},
                    {"id": "c", "description": {"fr-FR": "Saisir des données identifiantes dans un service public "
                                                         "en ligne."}}],
        "correctResponsesPattern": ["a[,]b"],
    }
    assert answers[1]["context"]["contextActivities"]["parent"][0]["id"] == f"{HOME}/module/bases-ia/quiz"
    assert answers[1]["context"]["contextActivities"]["grouping"][0]["id"] == f"{HOME}/module/bases-ia"
    assert answers[1]["context"]["extensions"] == {f"{HOME}/xapi/extensions/attempt-id": 2,
                                                   f"{HOME}/xapi/extensions/question-hash": question.hash}
    pretest = by_attempt(items, 1)  # one answer out of three: unanswered questions are not "answered"
    assert [s["verb"]["display"]["en-US"] for s in pretest] == ["attempted", "answered", "completed"]
    assert pretest[-1]["object"]["id"] == f"{HOME}/module/bases-ia/pretest"
    assert "success" not in pretest[-1]["result"]


def test_response_patterns_of_every_interaction_type(engine: Engine, data: Dataset) -> None:
    items = statements(engine, data, module="ethique-ia")
    answers = {(s["context"]["extensions"][f"{HOME}/xapi/extensions/attempt-id"], s["object"]["id"].rsplit("/", 1)[1]):
               (s["object"]["definition"]["interactionType"], s["result"]["response"])
               for s in items if s["verb"]["display"]["en-US"] == "answered"}
    right, wrong = sorted({attempt for attempt, _ in answers})
    assert {q: answers[(right, q)] for _, q in answers} == {
        "seuil": ("numeric", "42.5"),
        "etapes": ("sequencing", "a[,]b[,]c"),
        "standards": ("matching", "a[.]echange[,]b[.]images"),  # target ids: slugs, no whitespace
        "hypothese": ("likert", "0"),
    }
    assert answers[(wrong, "hypothese")] == ("likert", "1")
    verbs = [s["verb"]["display"]["en-US"] for s in items if s["object"]["id"].endswith(("/quiz", "/ethique-ia"))]
    assert verbs == ["attempted", "passed", "completed", "attempted", "failed"]  # the module is completed once


def test_interaction_definitions_of_every_question_type(engine: Engine, data: Dataset) -> None:
    items = statements(engine, data)
    definitions = {s["object"]["id"].rsplit("/", 1)[1]: s["object"]["definition"] for s in items
                   if s["verb"]["display"]["en-US"] == "answered"}
    cmi = definitions
    assert {key: value["interactionType"] for key, value in cmi.items()} == {
        "definition": "choice", "pratiques": "choice", "sigle": "fill-in", "seuil": "numeric", "etapes": "sequencing",
        "standards": "matching", "hypothese": "likert"}
    assert cmi["definition"]["correctResponsesPattern"] == ["b"]
    assert [c["id"] for c in cmi["definition"]["choices"]] == ["a", "b", "c"]
    assert cmi["sigle"]["correctResponsesPattern"] == ["{case_matters=false}RGPD"]
    assert cmi["seuil"]["correctResponsesPattern"] == ["42[:]43"]
    assert cmi["etapes"]["choices"] == [{"id": "a", "description": {"fr-FR": "Collecte"}},
                                        {"id": "b", "description": {"fr-FR": "Annotation"}},
                                        {"id": "c", "description": {"fr-FR": "Validation"}}]
    assert cmi["etapes"]["correctResponsesPattern"] == ["a[,]b[,]c"]
    assert cmi["standards"]["source"] == [{"id": "a", "description": {"fr-FR": "FHIR"}},
                                          {"id": "b", "description": {"fr-FR": "DICOM"}}]
    assert cmi["standards"]["target"] == [{"id": "echange", "description": {"fr-FR": "Échange"}},
                                          {"id": "images", "description": {"fr-FR": "Images"}}]
    assert cmi["standards"]["correctResponsesPattern"] == ["a[.]echange[,]b[.]images"]
    assert [c["id"] for c in cmi["hypothese"]["scale"]] == ["-2", "-1", "0", "1", "2"]
    assert cmi["hypothese"]["scale"][3] == {"id": "1", "description": {"fr-FR": "+1"}}
    assert cmi["hypothese"]["correctResponsesPattern"] == ["0"]  # the answer of the largest panel
    for statement in items:  # component ids: stable, never whitespace; responses never empty
        definition = statement["object"]["definition"]
        for key in ("choices", "scale", "source", "target", "steps"):
            assert all(re.fullmatch(r"\S+", c["id"]) for c in definition.get(key, [])), definition
        assert statement.get("result", {}).get("response", "x") != ""


def test_matching_targets_include_distractors_and_stay_unique() -> None:
    qz = quiz.parse("## M {#m .association}\n\n- Ré => Deux mots\n- Mi => deux-mots\n- Fa => 42 !\n"
                    "- => ???\n", source="quiz.md")
    definition = xapi.interaction_definition(qz.question("m"))
    assert [t["id"] for t in definition["target"]] == ["deux-mots", "deux-mots-2", "42", "t4"]
    assert definition["correctResponsesPattern"] == ["a[.]deux-mots[,]b[.]deux-mots-2[,]c[.]42"]
    answer = {"a": "deux-mots", "b": "Deux mots", "c": "inconnu"}
    assert xapi.response_string("matching", answer, qz.question("m")) == "a[.]deux-mots-2[,]b[.]deux-mots"


def test_registration_groups_the_statements_of_an_attempt(engine: Engine, data: Dataset) -> None:
    items = statements(engine, data, module="bases-ia")
    for attempt_id in (1, 2, 3):
        attempt = by_attempt(items, attempt_id)
        registrations = {s["context"].get("registration") for s in attempt}
        assert len(registrations) == 1 and None not in registrations
        (registration,) = registrations
        assert uuid.UUID(registration).version == 5
        assert registration == xapi.StatementFactory(HOME).registration(attempt_id)
    assert len({s["context"]["registration"] for s in items if "registration" in s["context"]}) == 4  # 4 attempts
    assert all("registration" not in s["context"] for s in items if "/lesson/" in s["object"]["id"])
    pseudonymised = xapi.StatementFactory(HOME, pseudonymized=True)
    assert xapi.StatementFactory(HOME).registration(1) != pseudonymised.registration(1)


def test_an_empty_answer_has_no_response() -> None:
    qz = quiz.parse("## C {#c .qrm}\n\n- [x] A\n- [ ] B\n\n## Q {#q .qroc}\n\n- [x] oui\n", source="quiz.md")
    factory = xapi.StatementFactory(HOME)
    for question, answer in ((qz.question("c"), []), (qz.question("q"), "  "), (qz.question("c"), "")):
        statement = factory.question_answered(
            xapi.Learner("7"), response_id=1, attempt_id=2, module_id="m", module_title=None, kind="post",
            question_id=question.id, question_hash=question.hash, question=question, answer=answer, fraction=0,
            certainty=None, at=at(2025, 1, 1))
        assert "response" not in statement["result"]
        assert xapi.validate_statement(statement) == []
    assert "statement.result.response: empty (leave it out; strict LRSs refuse empty values)" in (
        xapi.validate_statement(broken("result.response", "")))


def test_ids_are_stable_and_pseudonymised_runs_differ(engine: Engine, data: Dataset) -> None:
    first, again = statements(engine, data), statements(engine, data)
    assert first == again
    pseudonymised = statements(engine, data, pseudonymize=True)
    assert len(pseudonymised) == len(first)
    assert not {s["id"] for s in first} & {s["id"] for s in pseudonymised}
    secret = exports.pseudonym_secret(engine)
    assert {s["actor"]["account"]["name"] for s in pseudonymised} == {
        exports.pseudonym(secret, data.lea), exports.pseudonym(secret, data.evil)
    }
    assert all("name" not in s["actor"] for s in pseudonymised)
    assert all(xapi.validate_statement(s) == [] for s in pseudonymised)


def test_home_page_comes_from_the_environment_and_is_never_made_up(
    engine: Engine, data: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(settings.BASE_URL_ENV, raising=False)
    with pytest.raises(exports.ExportError) as refused:
        exports.xapi_statements(engine, data.catalog)
    assert refused.value.key == "exports.error.no_base_url"
    monkeypatch.setenv(settings.BASE_URL_ENV, "https://formation.chu.example/academie/")
    first = next(exports.xapi_statements(engine, data.catalog))
    assert first["actor"]["account"]["homePage"] == "https://formation.chu.example/academie"


# --- builders ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "text"), [
    (750, "PT12M30S"), (0, "PT0S"), (59.994, "PT59.99S"), (3600, "PT1H"), (3600.5, "PT1H0.5S"), (3661, "PT1H1M1S"),
    (-3, "PT0S"),
])
def test_duration(seconds: float, text: str) -> None:
    assert xapi.duration(seconds) == text


def test_timestamp_is_utc_with_milliseconds() -> None:
    paris = timezone(timedelta(hours=1))
    assert xapi.timestamp(datetime(2025, 1, 10, 10, 0, 0, 123456, tzinfo=paris)) == "2025-01-10T09:00:00.123Z"


def test_an_edited_question_is_reported_without_claiming_its_type() -> None:
    factory = xapi.StatementFactory(HOME)
    statement = factory.question_answered(
        xapi.Learner("7"), response_id=1, attempt_id=2, module_id="m", module_title=None, kind="review",
        question_id="q é", question_hash="0" * 64, question=None, answer={"a": 1}, fraction=0.25, certainty=3,
        at=at(2025, 1, 1),
    )
    assert xapi.validate_statement(statement) == []
    assert statement["object"]["id"] == f"{HOME}/module/m/question/q%20%C3%A9"
    assert statement["object"]["definition"] == {"type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                                                 "interactionType": "other"}
    assert statement["result"]["response"] == '{"a": 1}'
    assert statement["context"]["extensions"][f"{HOME}/xapi/extensions/certainty"] == 3
    assert statement["context"]["contextActivities"]["parent"][0]["id"] == f"{HOME}/module/m/review"


def test_response_strings() -> None:
    qz = quiz.parse("## N {#n .numerique}\n\nValeur ?\n\n- [x] 3 {tolerance=1}\n", source="quiz.md")
    assert xapi.QUESTION_INTERACTIONS[qz.question("n").type] == "numeric"
    assert xapi.response_string("numeric", "2,50") == "2.5"
    assert xapi.response_string("numeric", "0,00001") == "0.00001"  # plain decimal, never 1e-05
    assert xapi.response_string("numeric", "1234567") == "1234567"
    assert xapi.response_string("numeric", "beaucoup") == "beaucoup"
    assert xapi.response_string("choice", ["c", "a"]) == "a[,]c"
    assert xapi.response_string("choice", "b") == "b"
    assert xapi.response_string("sequencing", "not a list") == "not a list"
    assert xapi.response_string("likert", -2) == "-2"
    assert xapi.response_string("likert", "x") == "x"
    assert xapi.response_string("choice", 3) == "3"  # wrong shape: JSON


def test_statement_ids_are_uuid5_of_the_source() -> None:
    factory = xapi.StatementFactory(HOME)
    identifier = factory.statement_id("answered", "response", 12)
    assert uuid.UUID(identifier).version == 5
    assert identifier == xapi.StatementFactory(HOME).statement_id("answered", "response", 12)
    assert identifier != xapi.StatementFactory("https://other.example").statement_id("answered", "response", 12)
    assert identifier != xapi.StatementFactory(HOME, pseudonymized=True).statement_id("answered", "response", 12)


# --- the structural checker ------------------------------------------------------------------------


def valid_statement() -> dict[str, Any]:
    factory = xapi.StatementFactory(HOME)
    return factory.attempt_finished(
        xapi.Learner("7", "Léa"), attempt_id=3, module_id="m", module_title="Module", kind="post", score=0.75,
        points=3, max_points=4, passed=True, started_at=at(2025, 1, 1, 9), submitted_at=at(2025, 1, 1, 9, 12, 30),
    )


def broken(path: str, value: Any) -> dict[str, Any]:
    """A valid statement with the property at `path` (dotted) set to `value`, or removed when value is ...."""
    statement = copy.deepcopy(valid_statement())
    *parents, last = path.split(".")
    target = statement
    for key in parents:
        target = target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return statement


def test_a_valid_statement_has_no_problem() -> None:
    assert xapi.validate_statement(valid_statement()) == []
    minimal = {"actor": {"mbox": "mailto:lea@example.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
               "object": {"id": "http://example.org/a"}}
    assert xapi.validate_statement(minimal) == []


@pytest.mark.parametrize(("path", "value", "problem"), [
    ("actor", ..., "statement.actor: required"),
    ("verb", ..., "statement.verb: required"),
    ("object", ..., "statement.object: required"),
    ("id", "not-a-uuid", "statement.id: not a UUID"),
    ("verb.id", "passed", "statement.verb.id: not an absolute IRI"),
    ("verb.display", {"français": "a réussi"}, "statement.verb.display: 'français' is not a language tag"),
    ("actor.account", ..., "statement.actor: an Agent needs exactly one of mbox, mbox_sha1sum, openid, account"),
    ("actor.mbox", "mailto:lea@example.org", "statement.actor: an Agent needs exactly one of mbox, mbox_sha1sum, "
                                             "openid, account"),
    ("actor.account.homePage", "academie", "statement.actor.account.homePage: not an absolute IRI"),
    ("actor.account.name", "", "statement.actor.account.name: required string"),
    ("actor.objectType", "Person", "statement.actor.objectType: must be Agent or Group"),
    ("object.id", "/module/m", "statement.object.id: not an absolute IRI"),
    ("object.id", "http://example.org/a b", "statement.object.id: not an absolute IRI"),
    ("object.definition.type", "assessment", "statement.object.definition.type: not an absolute IRI"),
    ("object.definition.type", xapi.INTERACTION, "statement.object.definition.interactionType: required for a "
                                                  "cmi.interaction"),
    ("object.definition.interactionType", "essay", "statement.object.definition.interactionType: unknown 'essay'"),
    ("object.objectType", "Thing", "statement.object.objectType: unknown object type 'Thing'"),
    ("result.score.scaled", 1.5, "statement.result.score.scaled: must be between -1 and 1"),
    ("result.score.scaled", "0.75", "statement.result.score.scaled: not a number"),
    ("result.score.raw", 5, "statement.result.score.raw: above max"),
    ("result.score.raw", -1, "statement.result.score.raw: below min"),
    ("result.score.min", 4, "statement.result.score: min must be less than max"),
    ("result.success", "true", "statement.result.success: not a boolean"),
    ("result.completion", 1, "statement.result.completion: not a boolean"),
    ("result.response", ["a"], "statement.result.response: not a string"),
    ("result.duration", "12:30", "statement.result.duration: not an ISO 8601 duration"),
    ("result.duration", "PT", "statement.result.duration: not an ISO 8601 duration"),
    ("result.duration", "P1DT", "statement.result.duration: not an ISO 8601 duration"),
    ("result.grade", "A", "statement.result: property 'grade' is not allowed"),
    ("timestamp", "2025-01-01 09:00", "statement.timestamp: not an ISO 8601 timestamp with a time zone"),
    ("timestamp", "2025-01-01T09:00:00", "statement.timestamp: not an ISO 8601 timestamp with a time zone"),
    ("timestamp", "2025-02-30T09:00:00Z", "statement.timestamp: not a valid date and time"),
    ("timestamp", "2025-01-01T09:00:00-00:00", "statement.timestamp: the offset -00:00 is not allowed"),
    ("version", "2.0.0", "statement.version: must be 1.0.x"),
    ("context.language", "fr_FR", "statement.context.language: not a language tag"),
    ("context.registration", "1234", "statement.context.registration: not a UUID"),
    ("context.contextActivities", {"course": []}, "statement.context.contextActivities: 'course' is not parent, "
                                                  "grouping, category or other"),
    ("context.extensions", {"attempt": 3}, "statement.context.extensions['attempt']: not an absolute IRI"),
    ("stored", "yesterday", "statement.stored: not an ISO 8601 timestamp with a time zone"),
    ("grade", "A", "statement: property 'grade' is not allowed"),
])
def test_each_rule(path: str, value: Any, problem: str) -> None:
    assert problem in xapi.validate_statement(broken(path, value))


def test_platform_only_with_an_activity_and_other_objects() -> None:
    statement = broken("object", {"objectType": "StatementRef", "id": str(uuid.uuid4())})
    assert xapi.validate_statement(statement) == ["statement.context.platform: only allowed when the object is an "
                                                  "Activity"]
    del statement["context"]
    assert xapi.validate_statement(statement) == []
    sub = {"objectType": "SubStatement", "actor": {"mbox": "mailto:a@example.org"},
           "verb": {"id": "http://example.org/planned"}, "object": {"objectType": "SubStatement"}}
    statement["object"] = sub
    assert "statement.object.object: a SubStatement cannot contain a SubStatement" in xapi.validate_statement(statement)
    group = {"objectType": "Group", "member": [{"mbox": "mailto:a@example.org"}, {"openid": "http://id.example/b"}]}
    statement["object"] = group
    assert xapi.validate_statement(statement) == []
    statement["object"] = {"objectType": "Group"}
    assert xapi.validate_statement(statement) == ["statement.object.member: an anonymous Group needs members"]


def test_not_an_object() -> None:
    assert xapi.validate_statement([]) == ["statement: not a JSON object"]
    statement = {"actor": "lea", "verb": {"id": "http://x.org/v"}, "object": {"id": "http://o"}}
    assert xapi.validate_statement(statement) == ["statement.actor: not an object"]


def test_scores_of_a_zero_point_attempt_stay_valid() -> None:
    statement = xapi.StatementFactory(HOME).attempt_finished(
        xapi.Learner("1"), attempt_id=1, module_id="m", module_title=None, kind="pre", score=0, points=0,
        max_points=0, passed=False, started_at=datetime(2025, 1, 1, tzinfo=UTC), submitted_at=at(2025, 1, 1, 0, 0, 1),
    )
    assert statement["result"] == {"score": {"scaled": 0}, "completion": True, "duration": "PT1S"}
    assert xapi.validate_statement(statement) == []


def test_component_rules_of_the_checker() -> None:
    qz = quiz.parse("## C {#c .qru}\n\n- [x] A\n- [ ] B\n", source="quiz.md")
    statement = xapi.StatementFactory(HOME).question_answered(
        xapi.Learner("7"), response_id=1, attempt_id=2, module_id="m", module_title=None, kind="post",
        question_id="c", question_hash=qz.question("c").hash, question=qz.question("c"), answer="a", fraction=1,
        certainty=None, at=at(2025, 1, 1))
    assert xapi.validate_statement(statement) == []
    definition = statement["object"]["definition"]
    definition["choices"] = [{"id": "a b"}, {"id": "c"}, {"id": "c"}]
    definition["scale"] = [{"id": "1"}]
    assert xapi.validate_statement(statement) == [
        "statement.object.definition.choices[0].id: empty or holding whitespace",
        "statement.object.definition.choices[2].id: 'c' repeated",
        "statement.object.definition.scale: not a component list of a 'choice' interaction",
    ]


# --- a demo export read by real xAPI clients -------------------------------------------------------------------------


@pytest.mark.slow
def test_tincan_and_ralph_accept_every_statement_of_a_demo_export(engine: Engine) -> None:
    """TinCanPython parses every statement (and reads back what matters); Ralph's strict pydantic model of an xAPI
    statement validates every one (it refuses empty values, whitespace in component ids…)."""
    tincan = pytest.importorskip("tincan")
    ralph_statements = pytest.importorskip("ralph.models.xapi.base.statements")
    catalog = load_catalog(ROOT / "content")
    load_demo(engine, list(catalog.modules), learners=12, seed=16)
    items = list(exports.xapi_statements(engine, catalog, home=HOME))
    assert len(items) > 2000
    kinds = {s["object"]["definition"].get("interactionType") for s in items}
    assert kinds >= {"choice", "fill-in", "numeric", "sequencing", "matching", "likert"}
    parsed = 0
    for statement in items:
        read = tincan.Statement.from_json(json.dumps(statement))
        assert (str(read.id), read.verb.id, read.object.id) == (statement["id"], statement["verb"]["id"],
                                                                statement["object"]["id"])
        definition = statement["object"]["definition"]
        if "interactionType" in definition:
            assert read.object.definition.interaction_type == definition["interactionType"]
            assert list(read.object.definition.correct_responses_pattern or []) == definition.get(
                "correctResponsesPattern", [])
            for key, attribute in (("choices", "choices"), ("scale", "scale"), ("source", "source"),
                                   ("target", "target")):
                components = getattr(read.object.definition, attribute) or []
                assert [c.id for c in components] == [c["id"] for c in definition.get(key, [])]
        if "registration" in statement["context"]:
            assert str(read.context.registration) == statement["context"]["registration"]
        parsed += 1
    validated = 0
    for statement in items:
        ralph_statements.BaseXapiStatement.model_validate(statement)
        validated += 1
    assert parsed == validated == len(items)
    print(f"\ndemo export: {len(items)} statements, parsed by tincan {parsed}, validated by ralph {validated}")
