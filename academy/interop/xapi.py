"""xAPI (Experience API 1.0.3) statements: builders for the platform's events and a structural checker.

Pure functions, no database: :mod:`academy.interop.exports` reads the store and calls these builders.

- Actor: an Agent identified by an account on the platform's home page (its public address:
  ``ACADEMY_BASE_URL``, or on a page the address the browser used); the account name is the user id, or
  the pseudonym in a pseudonymised export, and the Agent's ``name`` (the person's name) is only given
  when not pseudonymised.
- Verbs: the ADL vocabulary (experienced, attempted, answered, completed, passed, failed).
- Objects: Activities whose ids are IRIs under the home page (``/module/<id>``,
  ``/module/<id>/lesson/<lesson>``, ``/module/<id>/question/<qid>``, and ``/module/<id>/quiz``,
  ``/pretest``, ``/review`` for the assessments).
- Questions are ``cmi.interaction`` activities whose definition follows the cmi.interaction rules of
  xAPI 1.0.3 §2.4.4.1 (:func:`interaction_definition`): ``qru``/``qrm`` are ``choice`` (``choices``, the
  option ids ``a``, ``b``…), ``qroc`` is ``fill-in``, ``numerique`` is ``numeric`` (a ``min[:]max`` range),
  ``ordre`` is ``sequencing`` (``choices``), ``association`` is ``matching`` (``source``: the left items by
  option id, ``target``: the right-hand texts, distractors included, by a slug of the text), ``tcs`` is
  ``likert`` (``scale`` -2…2); each with its ``correctResponsesPattern`` (a TCS lists the answers of the largest
  expert panel). Component ids are stable and hold no whitespace; responses use the same ids, and an empty
  response is left out (strict validators refuse ``""``). A question edited since the answer (another
  content hash) is an ``other`` interaction without components.
- ``context``: every statement of an attempt carries ``registration``, a UUID5 of the attempt (the same for
  its ``attempted``, ``answered``, result and module ``completed`` statements); ``contextActivities`` groups a
  question under its quiz (``parent``) and module (``grouping``), a quiz or a lesson under its module.
- Statement ids are UUID5 derived from the source rows, so exporting again yields the same ids and an
  LRS stores each event once. Statements only hold immutable facts (a lesson's first view, a submitted
  attempt…); activity definitions and verb displays may change, as xAPI allows. Pseudonymised exports
  derive their statement ids and registrations differently, so that they cannot be linked to a nominative
  export.
- ``version`` is ``1.0.0``: xAPI 1.0.3 §2.4.10 requires a Learning Record Provider that sets the version
  to set exactly this value (the data model of every 1.0.x).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from quiz import Question, parse_number
from quiz.grading import is_regex_answer

VERSION = "1.0.0"
PLATFORM = "Académie IA Santé"
LANGUAGE = "fr-FR"

VERB_IRI = "http://adlnet.gov/expapi/verbs/"
VERBS: dict[str, dict[str, str]] = {
    "experienced": {"fr-FR": "a consulté", "en-US": "experienced"},
    "attempted": {"fr-FR": "a commencé", "en-US": "attempted"},
    "answered": {"fr-FR": "a répondu à", "en-US": "answered"},
    "completed": {"fr-FR": "a terminé", "en-US": "completed"},
    "passed": {"fr-FR": "a réussi", "en-US": "passed"},
    "failed": {"fr-FR": "a échoué à", "en-US": "failed"},
}
ACTIVITY_IRI = "http://adlnet.gov/expapi/activities/"
MODULE, LESSON, ASSESSMENT, INTERACTION = (
    ACTIVITY_IRI + name for name in ("module", "lesson", "assessment", "cmi.interaction")
)
INTERACTION_TYPES = (
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert", "numeric",
    "other",
)  # fmt: skip
# Question type -> xAPI interactionType (the response string follows that type's pattern).
QUESTION_INTERACTIONS = {
    "qru": "choice",
    "qrm": "choice",
    "qroc": "fill-in",
    "numerique": "numeric",
    "ordre": "sequencing",
    "association": "matching",
    "tcs": "likert",
}
# Path of each attempt kind's assessment under the module, and its name.
ASSESSMENTS = {"post": ("quiz", "Quiz"), "pre": ("pretest", "Pré-test"), "review": ("review", "Révision")}


def timestamp(moment: datetime) -> str:
    """ISO 8601 UTC timestamp with milliseconds, e.g. ``2025-03-01T09:00:00.000Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(seconds: float) -> str:
    """ISO 8601 duration to the hundredth of a second, e.g. ``PT12M30S``, ``PT1H0.5S``, ``PT0S``."""
    centis = max(0, round(seconds * 100))
    hours, rest = divmod(centis, 360_000)
    minutes, rest = divmod(rest, 6_000)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if rest or not (hours or minutes):
        whole, hundredths = divmod(rest, 100)
        text += (f"{whole}.{hundredths:02d}".rstrip("0").rstrip(".")) + "S"
    return text


@dataclass(frozen=True)
class Learner:
    """Who acts: ``account`` is the user id or the pseudonym; ``name`` is None when pseudonymised."""

    account: str
    name: str | None = None


@dataclass(frozen=True)
class StatementFactory:
    """Builds the statements of one export. ``home`` is the platform's home page IRI.

    ``pseudonymized`` changes the statement ids too, so that a research export and a nominative one
    never collide in the same LRS.
    """

    home: str
    pseudonymized: bool = False

    # --- identifiers -------------------------------------------------------------------------------

    def statement_id(self, *source: object) -> str:
        """A UUID5, stable for the same source row, platform and pseudonymisation."""
        namespace = uuid.uuid5(uuid.NAMESPACE_URL, self.home)
        name = ":".join(str(part) for part in source) + (":pseudonymized" if self.pseudonymized else "")
        return str(uuid.uuid5(namespace, name))

    def registration(self, attempt_id: int) -> str:
        """The ``context.registration`` of an attempt's statements: a UUID5 of the attempt (and pseudonymisation)."""
        return self.statement_id("registration", "attempt", attempt_id)

    def module_iri(self, module_id: str) -> str:
        return f"{self.home}/module/{quote(module_id, safe='')}"

    def lesson_iri(self, module_id: str, lesson_id: str) -> str:
        return f"{self.module_iri(module_id)}/lesson/{quote(lesson_id, safe='')}"

    def question_iri(self, module_id: str, question_id: str) -> str:
        return f"{self.module_iri(module_id)}/question/{quote(question_id, safe='')}"

    def assessment_iri(self, module_id: str, kind: str) -> str:
        return f"{self.module_iri(module_id)}/{ASSESSMENTS[kind][0]}"

    def extension(self, name: str) -> str:
        """The IRI of one of the platform's extensions (``attempt-id``, ``question-hash``, ``certainty``)."""
        return f"{self.home}/xapi/extensions/{name}"

    # --- parts -------------------------------------------------------------------------------------

    def actor(self, learner: Learner) -> dict[str, Any]:
        agent: dict[str, Any] = {"objectType": "Agent"}
        if learner.name:
            agent["name"] = learner.name
        agent["account"] = {"homePage": self.home, "name": learner.account}
        return agent

    def module(self, module_id: str, title: str | None) -> dict[str, Any]:
        return _activity(self.module_iri(module_id), MODULE, title)

    def assessment(self, module_id: str, kind: str, title: str | None) -> dict[str, Any]:
        label = ASSESSMENTS[kind][1]
        name = f"{label}\u00a0: {title}" if title else label
        return _activity(self.assessment_iri(module_id, kind), ASSESSMENT, name)

    def _statement(
        self,
        source: tuple[object, ...],
        learner: Learner,
        verb: str,
        activity: dict[str, Any],
        at: datetime,
        *,
        result: dict[str, Any] | None = None,
        parents: list[dict[str, Any]] | None = None,
        grouping: list[dict[str, Any]] | None = None,
        extensions: dict[str, Any] | None = None,
        registration: str | None = None,
    ) -> dict[str, Any]:
        context: dict[str, Any] = {"registration": registration} if registration else {}
        context |= {"platform": PLATFORM, "language": LANGUAGE}
        activities = {"parent": parents, "grouping": grouping}
        if any(activities.values()):
            context["contextActivities"] = {key: [_reference(a) for a in value] for key, value in activities.items()
                                            if value}
        if extensions:
            context["extensions"] = extensions
        statement: dict[str, Any] = {
            "id": self.statement_id(verb, *source),
            "actor": self.actor(learner),
            "verb": {"id": VERB_IRI + verb, "display": dict(VERBS[verb])},
            "object": activity,
        }
        if result is not None:
            statement["result"] = result
        statement |= {"context": context, "timestamp": timestamp(at), "version": VERSION}
        return statement

    # --- statements ----------------------------------------------------------------------------------

    def lesson_experienced(
        self, learner: Learner, row_id: int, module_id: str, module_title: str | None, lesson_id: str,
        lesson_title: str | None, at: datetime,
    ) -> dict[str, Any]:
        """The learner opened a lesson for the first time (``at``)."""
        lesson = _activity(self.lesson_iri(module_id, lesson_id), LESSON, lesson_title)
        return self._statement(("lesson", row_id), learner, "experienced", lesson, at,
                               parents=[self.module(module_id, module_title)])

    def lesson_completed(
        self, learner: Learner, row_id: int, module_id: str, module_title: str | None, lesson_id: str,
        lesson_title: str | None, at: datetime,
    ) -> dict[str, Any]:
        """The learner marked a lesson as read (``at``: the first completion)."""
        lesson = _activity(self.lesson_iri(module_id, lesson_id), LESSON, lesson_title)
        return self._statement(("lesson", row_id), learner, "completed", lesson, at, result={"completion": True},
                               parents=[self.module(module_id, module_title)])

    def attempt_started(
        self, learner: Learner, attempt_id: int, module_id: str, module_title: str | None, kind: str, at: datetime
    ) -> dict[str, Any]:
        """The learner started an attempt (pre-test, certifying quiz or review session)."""
        return self._statement(("attempt", attempt_id), learner, "attempted",
                               self.assessment(module_id, kind, module_title), at,
                               parents=[self.module(module_id, module_title)],
                               extensions={self.extension("attempt-id"): attempt_id},
                               registration=self.registration(attempt_id))

    def question_answered(
        self,
        learner: Learner,
        *,
        response_id: int,
        attempt_id: int,
        module_id: str,
        module_title: str | None,
        kind: str,
        question_id: str,
        question_hash: str,
        question: Question | None,
        answer: Any,
        fraction: float,
        certainty: int | None,
        at: datetime,
    ) -> dict[str, Any]:
        """One graded answer; ``question`` is the catalog's question when it still has the answered hash.

        ``score.scaled`` is the fraction of the points earned, ``success`` true only for full marks. The object's
        definition is :func:`interaction_definition`; ``response`` is left out when it would be empty.
        """
        definition = interaction_definition(question) if question is not None else {"interactionType": "other"}
        interaction = definition["interactionType"]
        activity = _activity(self.question_iri(module_id, question_id), INTERACTION,
                             question.title if question is not None else None, interaction=definition)
        result: dict[str, Any] = {"score": {"scaled": _round(fraction), "raw": _round(fraction), "min": 0, "max": 1},
                                  "success": fraction >= 1, "completion": True}
        response = response_string(interaction, answer, question) if answer is not None else ""
        if response:
            result["response"] = response
        extensions: dict[str, Any] = {self.extension("attempt-id"): attempt_id,
                                      self.extension("question-hash"): question_hash}
        if certainty is not None:
            extensions[self.extension("certainty")] = certainty
        return self._statement(("response", response_id), learner, "answered", activity, at, result=result,
                               parents=[self.assessment(module_id, kind, module_title)],
                               grouping=[self.module(module_id, module_title)], extensions=extensions,
                               registration=self.registration(attempt_id))

    def attempt_finished(
        self,
        learner: Learner,
        *,
        attempt_id: int,
        module_id: str,
        module_title: str | None,
        kind: str,
        score: float,
        points: float,
        max_points: float,
        passed: bool,
        started_at: datetime,
        submitted_at: datetime,
    ) -> dict[str, Any]:
        """A submitted attempt: ``passed``/``failed`` for the certifying quiz, ``completed`` otherwise."""
        verb = ("passed" if passed else "failed") if kind == "post" else "completed"
        result: dict[str, Any] = {"score": {"scaled": _round(score), "raw": _round(points), "min": 0,
                                            "max": _round(max_points)}}
        if max_points <= 0:
            result["score"] = {"scaled": _round(score)}
        if kind == "post":
            result["success"] = passed
        result |= {"completion": True, "duration": duration((submitted_at - started_at).total_seconds())}
        return self._statement(("attempt", attempt_id), learner, verb, self.assessment(module_id, kind, module_title),
                               submitted_at, result=result, parents=[self.module(module_id, module_title)],
                               extensions={self.extension("attempt-id"): attempt_id},
                               registration=self.registration(attempt_id))

    def module_completed(
        self, learner: Learner, *, attempt_id: int, module_id: str, module_title: str | None, score: float,
        at: datetime,
    ) -> dict[str, Any]:
        """The learner completed a module: its certifying quiz was passed for the first time (``at``)."""
        result = {"score": {"scaled": _round(score)}, "success": True, "completion": True}
        return self._statement(("module", attempt_id), learner, "completed", self.module(module_id, module_title),
                               at, result=result, extensions={self.extension("attempt-id"): attempt_id},
                               registration=self.registration(attempt_id))


def _activity(
    iri: str, type_iri: str, name: str | None, *, interaction: dict[str, Any] | None = None
) -> dict[str, Any]:
    definition: dict[str, Any] = {"type": type_iri}
    if name:
        definition["name"] = {LANGUAGE: name}
    if interaction is not None:
        definition |= interaction
    return {"objectType": "Activity", "id": iri, "definition": definition}


# --- interaction definitions (cmi.interaction) ----------------------------------------------------------


def interaction_definition(question: Question) -> dict[str, Any]:
    """``interactionType``, the component lists and ``correctResponsesPattern`` of a question (xAPI 1.0.3 §2.4.4.1).

    Component ids are the option ids (``a``, ``b``…), the TCS values (``-2``…``2``) and, for the right-hand side
    of a matching question, :func:`matching_targets`. Types without an xAPI form (a later ``zone``) are ``other``.
    """
    kind = QUESTION_INTERACTIONS.get(question.type, "other")
    options = question.options
    definition: dict[str, Any] = {"interactionType": kind}
    if kind == "choice":
        definition["choices"] = [_component(o.id, o.text) for o in options]
        definition["correctResponsesPattern"] = ["[,]".join(sorted(o.id for o in options if o.correct))]
    elif kind == "sequencing":
        definition["choices"] = [_component(o.id, o.text) for o in options]
        definition["correctResponsesPattern"] = ["[,]".join(o.id for o in options)]  # written in the right order
    elif kind == "matching":
        targets = matching_targets(question)
        definition["source"] = [_component(o.id, o.text) for o in options if o.text]
        definition["target"] = [_component(target, text) for text, target in targets.items()]
        definition["correctResponsesPattern"] = ["[,]".join(f"{o.id}[.]{targets[o.match.strip()]}"
                                                            for o in options if o.text)]
    elif kind == "likert":
        definition["scale"] = [_component(_likert_id(o.value), _likert_label(o)) for o in options]
        definition["correctResponsesPattern"] = [_likert_id(o.value) for o in options if o.correct]
    elif kind == "fill-in":
        accepted = [o.text.strip() for o in options if o.correct and not is_regex_answer(o.text)]
        if accepted:  # the platform also forgives accents and punctuation, which no pattern can say
            definition["correctResponsesPattern"] = ["{case_matters=false}" + text for text in accepted]
    elif kind == "numeric":
        definition["correctResponsesPattern"] = [_numeric_range(o.value, o.tolerance) for o in options
                                                 if o.value is not None]
    if not definition.get("correctResponsesPattern", True):
        del definition["correctResponsesPattern"]
    return definition


def matching_targets(question: Question) -> dict[str, str]:
    """The right-hand texts of a matching question (pairs, then distractors; each once) and their component ids:
    a slug of the text (``Échange`` → ``echange``), made unique with ``-2``, ``-3``…; ``t1``, ``t2``… when the
    text has no letter or digit."""
    targets: dict[str, str] = {}
    used: set[str] = set()
    for position, option in enumerate(sorted(question.options, key=lambda o: not o.text), start=1):
        text = option.match.strip()
        if text in targets:
            continue
        base = component_slug(text) or f"t{position}"
        candidate, number = base, 1
        while candidate in used:
            number += 1
            candidate = f"{base}-{number}"
        used.add(candidate)
        targets[text] = candidate
    return targets


def component_slug(text: str) -> str:
    """Lowercase ASCII letters and digits of ``text`` joined by ``-`` (at most 40 characters): an id without
    whitespace."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")


def _component(component_id: str, text: str) -> dict[str, Any]:
    component: dict[str, Any] = {"id": component_id}
    if text.strip():
        component["description"] = {LANGUAGE: text.strip()}
    return component


def _likert_id(value: Any) -> str:
    return str(int(value)) if value is not None else ""


def _likert_label(option: Any) -> str:
    number = int(option.value) if option.value is not None else 0
    sign = f"{number:+d}" if number else "0"
    return f"{sign} {option.text.strip()}".strip()


def _plain(number: float | Decimal) -> str:
    """A number in plain decimal (never ``1e-05``), without a useless ``.0``."""
    value = Decimal(repr(number)) if isinstance(number, float) else number
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _numeric_range(value: float | int, tolerance: float) -> str:
    """``42`` or ``41.5[:]42.5``: the numeric pattern of a value and its tolerance."""
    if not tolerance:
        return _plain(float(value))
    center, margin = Decimal(repr(float(value))), Decimal(repr(float(tolerance)))
    return f"{_plain(center - margin)}[:]{_plain(center + margin)}"


def _reference(activity: dict[str, Any]) -> dict[str, Any]:
    """An activity in a context: its id and definition type only (the name is in the object statements)."""
    return {"objectType": "Activity", "id": activity["id"], "definition": {"type": activity["definition"]["type"]}}


def _round(value: float) -> float | int:
    rounded = round(float(value), 4)
    return int(rounded) if rounded.is_integer() else rounded


def response_string(interaction_type: str, answer: Any, question: Question | None = None) -> str:
    """A stored answer in the xAPI response pattern of ``interaction_type`` (``[,]`` lists, ``[.]`` pairs), with
    the component ids of :func:`interaction_definition` (``question`` gives the matching targets; without it a
    target is the slug of the text). An empty answer gives ``""``, which the caller leaves out.

    An answer whose shape does not fit the type is written as JSON (the ``other`` pattern).
    """
    try:
        if interaction_type == "choice":
            return answer if isinstance(answer, str) else "[,]".join(sorted(str(item) for item in answer))
        if interaction_type == "sequencing" and isinstance(answer, list):
            return "[,]".join(str(item) for item in answer)
        if interaction_type == "matching" and isinstance(answer, Mapping):
            targets = matching_targets(question) if question is not None else {}
            pairs = []
            for left, right in sorted(answer.items()):
                target = targets.get(str(right).strip()) if question is not None else component_slug(str(right))
                if target:
                    pairs.append(f"{left}[.]{target}")
            return "[,]".join(pairs)
        if interaction_type == "numeric":
            number = parse_number(str(answer))
            if number is not None:
                return _plain(number)
        if interaction_type == "likert" and isinstance(answer, int | float) and not isinstance(answer, bool):
            return str(int(answer))
        if interaction_type == "fill-in" and isinstance(answer, str):
            return answer.strip()
    except TypeError:
        pass
    return answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False, sort_keys=True)


# --- structural checker -------------------------------------------------------------------------------

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
_DURATION = re.compile(
    r"^P(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?W)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$"
)
_SHA1 = re.compile(r"^[0-9a-f]{40}$")
_VERSION = re.compile(r"^1\.0(?:\.\d+)?$")
_STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
                   "version", "attachments"}
_SUBSTATEMENT_KEYS = {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
_COMPONENTS_OF = {"choice": ("choices",), "sequencing": ("choices",), "likert": ("scale",),
                  "matching": ("source", "target"), "performance": ("steps",)}  # xAPI 1.0.3 §2.4.4.1
_CONTEXT_TYPES = {"parent", "grouping", "category", "other"}


def validate_statement(statement: Any) -> list[str]:
    """Problems of a statement against the xAPI 1.0.3 structural rules; empty when it is valid.

    Checked: known properties only; required actor, verb and object; Agents and Groups with one
    inverse functional identifier (mbox, mbox_sha1sum, openid, account); IRIs where the spec wants
    IRIs; language maps; Activity definitions (types, interactionType); StatementRef and SubStatement
    objects; result (score.scaled in [-1, 1], min < max, raw within min..max, booleans, string response,
    ISO 8601 duration); context (registration UUID, contextActivities, revision/platform only with an
    Activity object); timestamps with a time zone; UUID ids; version 1.0.x.
    """
    problems: list[str] = []
    if not isinstance(statement, dict):
        return ["statement: not a JSON object"]
    _check_statement(statement, "statement", problems, substatement=False)
    return problems


def _check_statement(st: dict[str, Any], path: str, problems: list[str], *, substatement: bool) -> None:
    allowed = _SUBSTATEMENT_KEYS if substatement else _STATEMENT_KEYS
    for key in sorted(set(st) - allowed):
        problems.append(f"{path}: property {key!r} is not allowed")
    if "id" in st and not substatement:
        _check_uuid(st["id"], f"{path}.id", problems)
    for key in ("actor", "verb", "object"):
        if key not in st:
            problems.append(f"{path}.{key}: required")
    if "actor" in st:
        _check_agent_or_group(st["actor"], f"{path}.actor", problems)
    if "verb" in st:
        _check_verb(st["verb"], f"{path}.verb", problems)
    object_type = None
    if "object" in st:
        object_type = _check_object(st["object"], f"{path}.object", problems, substatement=substatement)
    if "result" in st:
        _check_result(st["result"], f"{path}.result", problems)
    if "context" in st:
        _check_context(st["context"], f"{path}.context", problems, object_type)
    for key in ("timestamp", "stored"):
        if key in st:
            _check_timestamp(st[key], f"{path}.{key}", problems)
    if "authority" in st:
        _check_agent_or_group(st["authority"], f"{path}.authority", problems)
    if "version" in st and not (isinstance(st["version"], str) and _VERSION.match(st["version"])):
        problems.append(f"{path}.version: must be 1.0.x")
    if "attachments" in st:
        _check_attachments(st["attachments"], f"{path}.attachments", problems)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_iri(value: Any, path: str, problems: list[str]) -> bool:
    if not (isinstance(value, str) and _IRI.match(value)):
        problems.append(f"{path}: not an absolute IRI")
        return False
    return True


def _check_uuid(value: Any, path: str, problems: list[str]) -> None:
    try:
        valid = isinstance(value, str) and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        valid = False
    if not valid:
        problems.append(f"{path}: not a UUID")


def _check_timestamp(value: Any, path: str, problems: list[str]) -> None:
    if not (isinstance(value, str) and _TIMESTAMP.match(value)):
        problems.append(f"{path}: not an ISO 8601 timestamp with a time zone")
        return
    try:
        datetime.fromisoformat(value)
    except ValueError:
        problems.append(f"{path}: not a valid date and time")
        return
    if value.endswith("-00:00"):
        problems.append(f"{path}: the offset -00:00 is not allowed")


def _check_language_map(value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append(f"{path}: not a language map")
        return
    for tag, text in value.items():
        if not _LANGUAGE_TAG.match(tag):
            problems.append(f"{path}: {tag!r} is not a language tag")
        if not isinstance(text, str):
            problems.append(f"{path}.{tag}: not a string")


def _check_extensions(value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append(f"{path}: not an object")
        return
    for key in value:
        _check_iri(key, f"{path}[{key!r}]", problems)


def _check_known(value: dict[str, Any], allowed: set[str], path: str, problems: list[str]) -> None:
    for key in sorted(set(value) - allowed):
        problems.append(f"{path}: property {key!r} is not allowed")


def _check_ifis(agent: dict[str, Any], path: str, problems: list[str]) -> int:
    """Check the inverse functional identifiers present; returns how many there are."""
    present = [key for key in _IFIS if key in agent]
    if "mbox" in agent and not (isinstance(agent["mbox"], str) and re.match(r"^mailto:[^@\s]+@[^@\s]+$",
                                                                            agent["mbox"])):
        problems.append(f"{path}.mbox: not a mailto: IRI")
    if "mbox_sha1sum" in agent and not (isinstance(agent["mbox_sha1sum"], str) and _SHA1.match(agent["mbox_sha1sum"])):
        problems.append(f"{path}.mbox_sha1sum: not a hex SHA-1")
    if "openid" in agent:
        _check_iri(agent["openid"], f"{path}.openid", problems)
    if "account" in agent:
        account = agent["account"]
        if not isinstance(account, dict):
            problems.append(f"{path}.account: not an object")
        else:
            _check_known(account, {"homePage", "name"}, f"{path}.account", problems)
            if "homePage" not in account:
                problems.append(f"{path}.account.homePage: required")
            else:
                _check_iri(account["homePage"], f"{path}.account.homePage", problems)
            if not isinstance(account.get("name"), str) or not account.get("name"):
                problems.append(f"{path}.account.name: required string")
    return len(present)


def _check_agent_or_group(value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append(f"{path}: not an object")
        return
    object_type = value.get("objectType", "Agent")
    if object_type == "Group":
        _check_group(value, path, problems)
    elif object_type == "Agent":
        _check_agent(value, path, problems)
    else:
        problems.append(f"{path}.objectType: must be Agent or Group")


def _check_agent(agent: dict[str, Any], path: str, problems: list[str]) -> None:
    _check_known(agent, {"objectType", "name", *_IFIS}, path, problems)
    if "name" in agent and not isinstance(agent["name"], str):
        problems.append(f"{path}.name: not a string")
    if _check_ifis(agent, path, problems) != 1:
        problems.append(f"{path}: an Agent needs exactly one of {', '.join(_IFIS)}")


def _check_group(group: dict[str, Any], path: str, problems: list[str]) -> None:
    _check_known(group, {"objectType", "name", "member", *_IFIS}, path, problems)
    identifiers = _check_ifis(group, path, problems)
    members = group.get("member")
    if identifiers > 1:
        problems.append(f"{path}: a Group has at most one of {', '.join(_IFIS)}")
    if members is not None and not isinstance(members, list):
        problems.append(f"{path}.member: not an array")
        return
    if identifiers == 0 and not members:
        problems.append(f"{path}.member: an anonymous Group needs members")
    for index, member in enumerate(members or []):
        if not isinstance(member, dict) or member.get("objectType", "Agent") != "Agent":
            problems.append(f"{path}.member[{index}]: not an Agent")
        else:
            _check_agent(member, f"{path}.member[{index}]", problems)


def _check_verb(verb: Any, path: str, problems: list[str]) -> None:
    if not isinstance(verb, dict):
        problems.append(f"{path}: not an object")
        return
    _check_known(verb, {"id", "display"}, path, problems)
    if "id" not in verb:
        problems.append(f"{path}.id: required")
    else:
        _check_iri(verb["id"], f"{path}.id", problems)
    if "display" in verb:
        _check_language_map(verb["display"], f"{path}.display", problems)


def _check_object(value: Any, path: str, problems: list[str], *, substatement: bool) -> str | None:
    """Check a statement's object; returns its objectType (None when it is not an object)."""
    if not isinstance(value, dict):
        problems.append(f"{path}: not an object")
        return None
    object_type = value.get("objectType", "Activity")
    if object_type == "Activity":
        _check_activity(value, path, problems)
    elif object_type in ("Agent", "Group"):
        _check_agent_or_group(value, path, problems)
    elif object_type == "StatementRef":
        _check_statement_ref(value, path, problems)
    elif object_type == "SubStatement" and not substatement:
        _check_statement(value, path, problems, substatement=True)
    elif object_type == "SubStatement":
        problems.append(f"{path}: a SubStatement cannot contain a SubStatement")
    else:
        problems.append(f"{path}.objectType: unknown object type {object_type!r}")
    return object_type


def _check_statement_ref(value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, dict) or value.get("objectType") != "StatementRef":
        problems.append(f"{path}: not a StatementRef")
        return
    _check_known(value, {"objectType", "id"}, path, problems)
    if "id" not in value:
        problems.append(f"{path}.id: required")
    else:
        _check_uuid(value["id"], f"{path}.id", problems)


def _check_activity(activity: Any, path: str, problems: list[str]) -> None:
    if not isinstance(activity, dict):
        problems.append(f"{path}: not an Activity")
        return
    _check_known(activity, {"objectType", "id", "definition"}, path, problems)
    if activity.get("objectType", "Activity") != "Activity":
        problems.append(f"{path}.objectType: must be Activity")
    if "id" not in activity:
        problems.append(f"{path}.id: required")
    else:
        _check_iri(activity["id"], f"{path}.id", problems)
    if "definition" in activity:
        _check_definition(activity["definition"], f"{path}.definition", problems)


def _check_definition(definition: Any, path: str, problems: list[str]) -> None:
    if not isinstance(definition, dict):
        problems.append(f"{path}: not an object")
        return
    allowed = {"name", "description", "type", "moreInfo", "extensions", "interactionType", "correctResponsesPattern",
               *_COMPONENT_LISTS}
    _check_known(definition, allowed, path, problems)
    for key in ("name", "description"):
        if key in definition:
            _check_language_map(definition[key], f"{path}.{key}", problems)
    for key in ("type", "moreInfo"):
        if key in definition:
            _check_iri(definition[key], f"{path}.{key}", problems)
    if "extensions" in definition:
        _check_extensions(definition["extensions"], f"{path}.extensions", problems)
    interaction = definition.get("interactionType")
    if interaction is None:
        if definition.get("type") == INTERACTION:
            problems.append(f"{path}.interactionType: required for a cmi.interaction")
        for key in ("correctResponsesPattern", *_COMPONENT_LISTS):
            if key in definition:
                problems.append(f"{path}.{key}: only allowed with an interactionType")
        return
    if interaction not in INTERACTION_TYPES:
        problems.append(f"{path}.interactionType: unknown {interaction!r}")
    pattern = definition.get("correctResponsesPattern")
    if pattern is not None and not (isinstance(pattern, list) and all(isinstance(p, str) for p in pattern)):
        problems.append(f"{path}.correctResponsesPattern: not an array of strings")
    for key in _COMPONENT_LISTS:
        components = definition.get(key)
        if components is None:
            continue
        if key not in _COMPONENTS_OF.get(interaction, ()):
            problems.append(f"{path}.{key}: not a component list of a {interaction!r} interaction")
        if not isinstance(components, list):
            problems.append(f"{path}.{key}: not an array")
            continue
        ids: set[str] = set()
        for index, component in enumerate(components):
            where = f"{path}.{key}[{index}]"
            if not isinstance(component, dict) or not isinstance(component.get("id"), str):
                problems.append(f"{where}: needs a string id")
                continue
            _check_known(component, {"id", "description"}, where, problems)
            if not component["id"] or re.search(r"\s", component["id"]):
                problems.append(f"{where}.id: empty or holding whitespace")
            if component["id"] in ids:
                problems.append(f"{where}.id: {component['id']!r} repeated")
            ids.add(component["id"])
            if "description" in component:
                _check_language_map(component["description"], f"{where}.description", problems)


def _check_result(result: Any, path: str, problems: list[str]) -> None:
    if not isinstance(result, dict):
        problems.append(f"{path}: not an object")
        return
    _check_known(result, {"score", "success", "completion", "response", "duration", "extensions"}, path, problems)
    if "score" in result:
        _check_score(result["score"], f"{path}.score", problems)
    for key in ("success", "completion"):
        if key in result and not isinstance(result[key], bool):
            problems.append(f"{path}.{key}: not a boolean")
    if "response" in result and not isinstance(result["response"], str):
        problems.append(f"{path}.response: not a string")
    elif result.get("response") == "":
        problems.append(f"{path}.response: empty (leave it out; strict LRSs refuse empty values)")
    if "duration" in result and not (isinstance(result["duration"], str) and _DURATION.match(result["duration"])):
        problems.append(f"{path}.duration: not an ISO 8601 duration")
    if "extensions" in result:
        _check_extensions(result["extensions"], f"{path}.extensions", problems)


def _check_score(score: Any, path: str, problems: list[str]) -> None:
    if not isinstance(score, dict):
        problems.append(f"{path}: not an object")
        return
    _check_known(score, {"scaled", "raw", "min", "max"}, path, problems)
    numbers = {key: score[key] for key in ("scaled", "raw", "min", "max") if key in score}
    for key, value in numbers.items():
        if not _is_number(value):
            problems.append(f"{path}.{key}: not a number")
    if any(not _is_number(value) for value in numbers.values()):
        return
    if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
        problems.append(f"{path}.scaled: must be between -1 and 1")
    if "min" in numbers and "max" in numbers and not numbers["min"] < numbers["max"]:
        problems.append(f"{path}: min must be less than max")
    if "raw" in numbers:
        if "min" in numbers and numbers["raw"] < numbers["min"]:
            problems.append(f"{path}.raw: below min")
        if "max" in numbers and numbers["raw"] > numbers["max"]:
            problems.append(f"{path}.raw: above max")


def _check_context(context: Any, path: str, problems: list[str], object_type: str | None) -> None:
    if not isinstance(context, dict):
        problems.append(f"{path}: not an object")
        return
    allowed = {"registration", "instructor", "team", "contextActivities", "revision", "platform", "language",
               "statement", "extensions"}
    _check_known(context, allowed, path, problems)
    if "registration" in context:
        _check_uuid(context["registration"], f"{path}.registration", problems)
    if "instructor" in context:
        _check_agent_or_group(context["instructor"], f"{path}.instructor", problems)
    if "team" in context:
        team = context["team"]
        if not isinstance(team, dict) or team.get("objectType") != "Group":
            problems.append(f"{path}.team: not a Group")
        else:
            _check_group(team, f"{path}.team", problems)
    for key in ("revision", "platform"):
        if key in context:
            if not isinstance(context[key], str):
                problems.append(f"{path}.{key}: not a string")
            if object_type not in ("Activity", None):
                problems.append(f"{path}.{key}: only allowed when the object is an Activity")
    if "language" in context and not (isinstance(context["language"], str)
                                      and _LANGUAGE_TAG.match(context["language"])):
        problems.append(f"{path}.language: not a language tag")
    if "statement" in context:
        _check_statement_ref(context["statement"], f"{path}.statement", problems)
    if "extensions" in context:
        _check_extensions(context["extensions"], f"{path}.extensions", problems)
    if "contextActivities" in context:
        _check_context_activities(context["contextActivities"], f"{path}.contextActivities", problems)


def _check_context_activities(value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append(f"{path}: not an object")
        return
    for key, activities in value.items():
        if key not in _CONTEXT_TYPES:
            problems.append(f"{path}: {key!r} is not parent, grouping, category or other")
            continue
        for index, activity in enumerate(activities if isinstance(activities, list) else [activities]):
            _check_activity(activity, f"{path}.{key}[{index}]", problems)


def _check_attachments(value: Any, path: str, problems: list[str]) -> None:
    if not isinstance(value, list):
        problems.append(f"{path}: not an array")
        return
    for index, attachment in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(attachment, dict):
            problems.append(f"{where}: not an object")
            continue
        _check_known(attachment, {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"},
                     where, problems)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in attachment:
                problems.append(f"{where}.{key}: required")
        if "usageType" in attachment:
            _check_iri(attachment["usageType"], f"{where}.usageType", problems)
        for key in ("display", "description"):
            if key in attachment:
                _check_language_map(attachment[key], f"{where}.{key}", problems)
        if "length" in attachment and not (isinstance(attachment["length"], int)
                                           and not isinstance(attachment["length"], bool)):
            problems.append(f"{where}.length: not an integer")
        for key in ("contentType", "sha2"):
            if key in attachment and not isinstance(attachment[key], str):
                problems.append(f"{where}.{key}: not a string")
        if "fileUrl" in attachment:
            _check_iri(attachment["fileUrl"], f"{where}.fileUrl", problems)
