"""Item analysis of a quiz with the definitions of Moodle's quiz statistics report.

Pure: pandas and numpy, no database, no Streamlit. `academy.analytics.item_analysis` loads the responses of a
module and calls :func:`item_statistics`; docs/item-analysis.md explains every figure for trainers.

The formulas follow Moodle's code: `question/classes/statistics/questions/calculator.php` (per question:
facility, SD, discrimination index, discriminative efficiency) and
`mod/quiz/report/statistics/classes/calculator.php` (whole quiz: SD, skewness, kurtosis, coefficient of
internal consistency, error ratio, standard error), documented in MoodleDocs "Quiz statistics
calculations". Two adaptations for `draw` (questions drawn per attempt) are documented in
docs/item-analysis.md: the rest of the test is a percentage of the points of the other questions of the
attempt, and Cronbach's alpha uses pairwise covariances; both equal Moodle's figures when every attempt
holds every question.

Input: one row per response with the columns of :data:`RESPONSE_COLUMNS` (`answer` optional, needed for
the distractor analysis). Every question shown in an attempt has a row (unanswered: `answer` None,
`fraction` 0); a question not drawn in an attempt has none and counts as missing, not as zero.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from quiz.grading import grade, normalize_text, parse_number, zone_of_point, zone_points
from quiz.model import Question

ATTEMPT_CHOICES: tuple[str, ...] = ("first", "all")
"""`first`: the first submitted attempt of each learner (default, as Moodle); `all`: every attempt."""

RESPONSE_COLUMNS: tuple[str, ...] = (
    "attempt_id",
    "user_id",
    "submitted_at",
    "question_id",
    "question_hash",
    "fraction",
    "answer",
)

MIN_RESPONSES = 10
"""Below this many responses a question gets the flag `not_enough_data` instead of the other flags."""
TOO_EASY_ABOVE = 90.0
"""Facility index (%) above which a question is flagged too easy."""
TOO_HARD_BELOW = 20.0
"""Facility index (%) below which a question is flagged too hard."""
WEAK_DISCRIMINATION_BELOW = 20.0
"""Discrimination index (%) below which (and from 0) a question is flagged weakly discriminating."""
HISTOGRAM_BINS = 10
"""Score distribution: ten bins of 10 % (the last one includes 100 %)."""
NO_ANSWER = "(none)"
"""Distractor key of a question shown but left unanswered."""
OUTSIDE_ZONES = "(outside)"
"""Distractor key of a point clicked outside every zone of a zone question."""

OPTION_TYPES = frozenset({"qru", "qrm", "tcs", "zone"})
"""Types whose distractor rows are the question's options (the others: the responses, normalised)."""

FLAG_MESSAGES: dict[str, tuple[str, str]] = {
    "not_enough_data": (
        f"Pas assez de données (moins de {MIN_RESPONSES} réponses) : indicateurs non interprétables",
        f"Not enough data (fewer than {MIN_RESPONSES} responses): figures not interpretable",
    ),
    "too_easy": (
        "Trop facile : indice de facilité > 90 %",
        "Too easy: facility index > 90 %",
    ),
    "too_hard": (
        "Trop difficile : indice de facilité < 20 %",
        "Too hard: facility index < 20 %",
    ),
    "weak_discrimination": (
        "Peu discriminante : indice de discrimination < 20 %",
        "Weakly discriminating: discrimination index < 20 %",
    ),
    "negative_discrimination": (
        "Discrimination négative (indice < 0) : les apprenants les plus faibles réussissent mieux "
        "cette question ; vérifier la clé et les distracteurs",
        "Negative discrimination (index < 0): weaker learners do better on this question; "
        "check the key and the distractors",
    ),
}
"""Flag code → (French message, English message)."""

QUESTION_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "type",
    "points",
    "n",
    "left_out",
    "facility",
    "sd",
    "random_guess",
    "discrimination",
    "efficiency",
    "flags",
)
DISTRACTOR_COLUMNS: tuple[str, ...] = ("question_id", "key", "label", "correct", "count", "top", "bottom")

_EPSILON = 1e-12  # sums of squares below this (per response) are zero: a constant score


class Bin(NamedTuple):
    """One bar of the score distribution: scores in [low, high) (the last bin includes 100)."""

    low: float
    high: float
    count: int


@dataclass(frozen=True)
class QuizSummary:
    """Whole-quiz figures. Scores are percentages of the attempt's maximum points; None: not computable."""

    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    alpha: float | None
    error_ratio: float | None
    standard_error: float | None
    histogram: tuple[Bin, ...]
    group_size: int
    """Attempts in each of the top and bottom thirds (distractor analysis)."""
    left_out: int
    """Responses to older versions of the quiz's questions, left out."""
    removed: int
    """Responses to questions no longer in the quiz, left out."""


@dataclass(frozen=True)
class ItemStats:
    """The result of :func:`item_statistics`.

    `questions`: one row per question in file order, columns :data:`QUESTION_COLUMNS` (percentages;
    NaN when not computable; `flags` a tuple of codes of :data:`FLAG_MESSAGES`). `distractors`: columns
    :data:`DISTRACTOR_COLUMNS`, one row per option or distinct response of each question.
    """

    questions: pd.DataFrame
    quiz: QuizSummary
    distractors: pd.DataFrame

    @property
    def left_out_total(self) -> int:
        """Responses to older versions of the questions, left out of every figure."""
        return self.quiz.left_out


def flag_message(code: str, locale: str = "fr") -> str:
    """The message of a flag code in French (`fr`, default) or English (`en`)."""
    french, english = FLAG_MESSAGES[code]
    return english if locale == "en" else french


# --- entry point -----------------------------------------------------------------------------------


def item_statistics(
    questions: Sequence[Question],
    responses: pd.DataFrame,
    *,
    attempts: str = "first",
    min_responses: int = MIN_RESPONSES,
) -> ItemStats:
    """Item and quiz statistics of `questions` (a parsed quiz's questions) over `responses`.

    `attempts`: "first" (each learner's first submitted attempt) or "all". Only responses whose
    `question_hash` is the question's current hash count; the others are counted in `left_out`.
    """
    if attempts not in ATTEMPT_CHOICES:
        raise ValueError(f"attempts must be one of {', '.join(ATTEMPT_CHOICES)}, not {attempts!r}")
    missing = [c for c in RESPONSE_COLUMNS if c != "answer" and c not in responses.columns]
    if missing:
        raise ValueError(f"responses lack the column(s) {', '.join(missing)}")
    if responses.duplicated(["attempt_id", "question_id"]).any():
        raise ValueError("several responses to the same question in one attempt")

    selected = select_attempts(responses, attempts)
    codes, ids = pd.factorize(selected["question_id"])
    hashes = {q.id: q.hash for q in questions}
    current_hash = np.array([hashes.get(i, "") for i in ids] + [""], dtype=object)[codes]
    known = current_hash != ""
    is_current = known & (selected["question_hash"].to_numpy(dtype=object) == current_hash)
    left_out = selected.loc[known & ~is_current, "question_id"].value_counts()
    data = _marks(selected.loc[is_current], questions)

    scores = data.groupby("attempt_id").agg(earned=("mark", "sum"), maximum=("points", "sum"))
    scores["score"] = 100.0 * scores["earned"] / scores["maximum"]
    top, bottom = _thirds(scores["score"])

    table = _question_table(questions, data, left_out, min_responses)
    summary = _quiz_summary(
        scores["score"].to_numpy(dtype=float),
        _cronbach_alpha(data, len(scores)),
        group_size=len(top),
        left_out=int(left_out.sum()),
        removed=int((~known).sum()),
    )
    return ItemStats(table, summary, _distractors(questions, data, top, bottom))


def select_attempts(responses: pd.DataFrame, attempts: str = "first") -> pd.DataFrame:
    """The responses of the chosen attempts: all, or each learner's first (by `submitted_at`, then id)."""
    if attempts == "all":
        return responses
    heads = responses[["attempt_id", "user_id", "submitted_at"]].drop_duplicates("attempt_id")
    heads = heads.sort_values(["user_id", "submitted_at", "attempt_id"], kind="stable")
    first = heads.drop_duplicates("user_id", keep="first")["attempt_id"]
    return responses[responses["attempt_id"].isin(first)]


def _marks(data: pd.DataFrame, questions: Sequence[Question]) -> pd.DataFrame:
    """Responses with `points`, `mark` (fraction × points) and `rest` (rest of the test, 0..1).

    `rest` = (points earned in the attempt − mark) / (the attempt's maximum points − the question's
    points); NaN when the attempt holds no other question.
    """
    columns = ["attempt_id", "question_id", "fraction"] + (["answer"] if "answer" in data.columns else [])
    data = data[columns].copy()
    data["fraction"] = data["fraction"].astype(float)
    codes, ids = pd.factorize(data["question_id"])
    points = {q.id: float(q.points) for q in questions}
    data["points"] = np.array([points[i] for i in ids] + [0.0])[codes]
    data["mark"] = data["fraction"] * data["points"]
    by_attempt = data.groupby("attempt_id")
    other_max = by_attempt["points"].transform("sum") - data["points"]
    other_earned = by_attempt["mark"].transform("sum") - data["mark"]
    data["rest"] = (other_earned / other_max).where(other_max > 0)
    return data


def _thirds(scores: pd.Series) -> tuple[frozenset[Any], frozenset[Any]]:
    """Attempt ids of the top and bottom thirds by score (n // 3 each; ties: lower attempt id ranks lower)."""
    ids = scores.index.to_numpy()
    order = np.lexsort((ids, scores.to_numpy(dtype=float)))
    size = len(ids) // 3
    if size == 0:
        return frozenset(), frozenset()
    return frozenset(ids[order[-size:]].tolist()), frozenset(ids[order[:size]].tolist())


# --- per question ----------------------------------------------------------------------------------


def _question_table(
    questions: Sequence[Question], data: pd.DataFrame, left_out: pd.Series, min_responses: int
) -> pd.DataFrame:
    """One row per question: Moodle's facility, SD, discrimination index and discriminative efficiency."""
    by_question = data.groupby("question_id")["fraction"]
    counts = by_question.size()
    facility = 100.0 * by_question.mean()
    sd = 100.0 * by_question.std(ddof=1)
    discrimination, efficiency = _discrimination(data[data["rest"].notna()])

    rows: list[dict[str, Any]] = []
    for question in questions:
        n = int(counts.get(question.id, 0))
        row: dict[str, Any] = {
            "id": question.id,
            "title": question.title,
            "type": question.type,
            "points": float(question.points),
            "n": n,
            "left_out": int(left_out.get(question.id, 0)),
            "facility": _value(facility, question.id),
            "sd": _value(sd, question.id),
            "random_guess": _percent(random_guess_score(question)),
            "discrimination": _value(discrimination, question.id),
            "efficiency": _value(efficiency, question.id),
        }
        row["flags"] = item_flags(n, row["facility"], row["discrimination"], min_responses=min_responses)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(QUESTION_COLUMNS))


def _discrimination(data: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Discrimination index and discriminative efficiency (%) of each question, as Moodle computes them.

    With x the item score and r the rest of the test over the attempts holding the question:
    index = 100 · Σ(x−x̄)(r−r̄) / √(Σ(x−x̄)² · Σ(r−r̄)²) (Pearson correlation), and
    efficiency = 100 · Σ(x−x̄)(r−r̄) / Σ(x₍ᵢ₎−x̄)(r₍ᵢ₎−r̄), where x₍ᵢ₎ and r₍ᵢ₎ are the i-th smallest item
    score and rest score: the largest covariance the two distributions allow. (Moodle divides every sum
    by n − 1; the ratios are the same.)
    """
    codes, ids = pd.factorize(data["question_id"])
    size = len(ids)
    x = data["fraction"].to_numpy(dtype=float)
    r = data["rest"].to_numpy(dtype=float)
    n = np.bincount(codes, minlength=size).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        dx = x - (np.bincount(codes, x, size) / n)[codes]
        dr = r - (np.bincount(codes, r, size) / n)[codes]
        sxx = np.bincount(codes, dx * dx, size)
        srr = np.bincount(codes, dr * dr, size)
        sxr = np.bincount(codes, dx * dr, size)
        # Both orders sort by question first, so the k-th rows of the two orders are the same question.
        by_x = np.lexsort((x, codes))
        by_r = np.lexsort((r, codes))
        sxr_max = np.bincount(codes[by_x], dx[by_x] * dr[by_r], size)
        enough = n > 1
        index = np.where(enough & (sxx > _EPSILON * n) & (srr > _EPSILON * n), 100.0 * sxr / np.sqrt(sxx * srr), np.nan)
        efficiency = np.where(enough & (sxr_max > _EPSILON * n), 100.0 * sxr / sxr_max, np.nan)
    return pd.Series(index, index=ids), pd.Series(efficiency, index=ids)


def item_flags(
    n: int, facility: float | None, discrimination: float | None, *, min_responses: int = MIN_RESPONSES
) -> tuple[str, ...]:
    """The flag codes of a question (see :data:`FLAG_MESSAGES`); percentages, None/NaN when unknown.

    Fewer than `min_responses` responses: only `not_enough_data`. Otherwise: facility > 90 → `too_easy`,
    < 20 → `too_hard`; discrimination < 0 → `negative_discrimination`, 0 ≤ index < 20 or not computable
    (every learner got the same score on the question) → `weak_discrimination`.
    """
    if n < min_responses:
        return ("not_enough_data",)
    facility = _number(facility)
    discrimination = _number(discrimination)
    flags: list[str] = []
    if facility is not None and facility > TOO_EASY_ABOVE:
        flags.append("too_easy")
    if facility is not None and facility < TOO_HARD_BELOW:
        flags.append("too_hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative_discrimination")
    elif discrimination is None or discrimination < WEAK_DISCRIMINATION_BELOW:
        flags.append("weak_discrimination")
    return tuple(flags)


def random_guess_score(question: Question) -> float | None:
    """The expected fraction (0..1) of a response picked at random among the possible ones; None if open.

    qru, tcs: the mean grade over the options; qrm: over every set of ticked options (up to 10 options);
    ordre: 1/k! for k items, 0.5 with `partial` (half the pairs in order on average); association: 1 / the
    number of right-hand choices. qroc and numerique are open answers: None.
    """
    options = question.options
    if question.type == "qru" and options:
        return _mean(grade(question, o.id) for o in options)
    if question.type == "tcs" and options:
        return _mean(grade(question, int(o.value)) for o in options if o.value is not None)
    if question.type == "qrm" and 0 < len(options) <= 10:
        ids = [o.id for o in options]
        subsets = itertools.chain.from_iterable(itertools.combinations(ids, k) for k in range(len(ids) + 1))
        return _mean(grade(question, list(subset)) for subset in subsets)
    if question.type == "ordre" and options:
        # A random order is right with probability 1/k!; each pair is in order with probability 1/2.
        if len(options) < 2:
            return 1.0
        return 0.5 if question.partial else 1.0 / math.factorial(len(options))
    if question.type == "association":
        choices = question.match_choices
        return 1.0 / len(choices) if choices else None
    return None


# --- whole quiz ------------------------------------------------------------------------------------


def _cronbach_alpha(data: pd.DataFrame, attempts: int) -> float | None:
    """Cronbach's alpha of the item marks (fraction × points), from pairwise covariances.

    alpha = k / (k − 1) · (1 − Σᵢ Var(xᵢ) / Σᵢ Σⱼ Cov(xᵢ, xⱼ)), each covariance over the attempts holding
    both questions (n − 1 denominators). When every attempt holds every question, Σᵢ Σⱼ Cov(xᵢ, xⱼ) is the
    variance of the total mark and this is Moodle's coefficient of internal consistency. Questions with
    fewer than 2 responses are left out. None with fewer than 3 attempts (as Moodle), fewer than 2
    questions, a pair of questions never seen together twice, or a total variance ≤ 0.
    """
    if attempts < 3 or data.empty:
        return None
    wide = data.pivot(index="attempt_id", columns="question_id", values="mark")
    wide = wide.loc[:, wide.count() >= 2]  # a question answered once has no variance yet
    k = wide.shape[1]
    if k < 2:
        return None
    covariance = wide.cov(min_periods=2).to_numpy()
    if np.isnan(covariance).any():
        return None
    total = float(covariance.sum())
    if total <= _EPSILON:
        return None
    return k / (k - 1) * (1.0 - float(np.trace(covariance)) / total)


def _quiz_summary(
    scores: np.ndarray, alpha: float | None, *, group_size: int, left_out: int, removed: int
) -> QuizSummary:
    """Moodle's test statistics of the attempt scores (%), with the reliability figures from `alpha`."""
    n = len(scores)
    counts, edges = np.histogram(scores, bins=HISTOGRAM_BINS, range=(0.0, 100.0))
    histogram = tuple(Bin(float(edges[i]), float(edges[i + 1]), int(counts[i])) for i in range(len(counts)))
    mean = median = sd = skewness = kurtosis = None
    if n:
        mean = float(scores.mean())
        median = float(np.median(scores))
    if n > 1:
        deviations = scores - scores.mean()
        m2, m3, m4 = (float(np.mean(deviations**p)) for p in (2, 3, 4))
        k2 = n * m2 / (n - 1)  # the sample variance
        sd = math.sqrt(k2)
        if n > 2 and k2 > _EPSILON:
            k3 = n * n * m3 / ((n - 1) * (n - 2))
            skewness = k3 / k2**1.5
            if n > 3:
                k4 = n * n * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) / ((n - 1) * (n - 2) * (n - 3))
                kurtosis = k4 / (k2 * k2)
    error_ratio = standard_error = None
    if alpha is not None:
        error_ratio = 100.0 * math.sqrt(max(0.0, 1.0 - alpha))
        if sd is not None:
            standard_error = error_ratio / 100.0 * sd
    return QuizSummary(
        attempts=n,
        mean=mean,
        median=median,
        sd=sd,
        skewness=skewness,
        kurtosis=kurtosis,
        alpha=alpha,
        error_ratio=error_ratio,
        standard_error=standard_error,
        histogram=histogram,
        group_size=group_size,
        left_out=left_out,
        removed=removed,
    )


# --- distractors -----------------------------------------------------------------------------------


def _distractors(
    questions: Sequence[Question], data: pd.DataFrame, top: frozenset[Any], bottom: frozenset[Any]
) -> pd.DataFrame:
    """Selections per option (qru, qrm, tcs) or per distinct normalised response, overall and per third."""
    if "answer" not in data.columns:
        return pd.DataFrame(columns=list(DISTRACTOR_COLUMNS))
    answers = data["answer"].to_numpy(dtype=object)
    fractions = data["fraction"].to_numpy(dtype=float)
    in_top = data["attempt_id"].isin(top).to_numpy(dtype=float)
    in_bottom = data["attempt_id"].isin(bottom).to_numpy(dtype=float)
    groups = data.groupby("question_id", sort=False).indices
    rows: list[dict[str, Any]] = []
    for question in questions:
        at = groups.get(question.id, np.empty(0, dtype=np.intp))
        tallies = _tally(question, answers[at], fractions[at], in_top[at], in_bottom[at])
        if question.type in OPTION_TYPES:
            for option in question.options:
                rows.append(_distractor_row(question, option.id, option.correct, tallies.pop(option.id, None)))
        ordered = sorted(tallies.items(), key=lambda item: (-item[1].count, item[0] == NO_ANSWER, item[0]))
        for key, tally in ordered:
            correct = key != NO_ANSWER and tally.fractions >= tally.count * (1.0 - 1e-9)
            rows.append(_distractor_row(question, key, correct, tally))
    return pd.DataFrame(rows, columns=list(DISTRACTOR_COLUMNS))


@dataclass
class _Tally:
    """Selections of one distractor key: overall, in the top and bottom thirds, and the sum of fractions."""

    count: int = 0
    top: int = 0
    bottom: int = 0
    fractions: float = 0.0


def _tally(
    question: Question, answers: np.ndarray, fractions: np.ndarray, in_top: np.ndarray, in_bottom: np.ndarray
) -> dict[str, _Tally]:
    """Tallies by distractor key. Keys are computed once per distinct answer, counts with numpy."""
    codes, distinct = _factorize(answers)
    size = len(distinct)
    count = np.bincount(codes, minlength=size)
    top = np.bincount(codes, in_top, size)
    bottom = np.bincount(codes, in_bottom, size)
    fraction_sums = np.bincount(codes, fractions, size)
    tallies: dict[str, _Tally] = {}
    for code, answer in enumerate(distinct):
        for key in response_keys(question, answer):  # a qrm response counts for every option it ticked
            tally = tallies.setdefault(key, _Tally())
            tally.count += int(count[code])
            tally.top += round(top[code])
            tally.bottom += round(bottom[code])
            tally.fractions += float(fraction_sums[code])
    return tallies


def _factorize(answers: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """The code of each answer and the distinct answers (equal JSON values share a code)."""
    index: dict[Any, int] = {}
    distinct: list[Any] = []
    codes: list[int] = []
    for answer in answers:
        kind = type(answer)
        try:
            if kind is list:
                memo: Any = (list, tuple(answer))
            elif kind is dict:
                memo = (dict, tuple(sorted(answer.items())))
            else:
                memo = (kind, answer)
            code = index.get(memo)
        except TypeError:  # nested or unsortable values: an answer of its own
            memo = code = None
        if code is None:
            code = len(distinct)
            distinct.append(answer)
            if memo is not None:
                index[memo] = code
        codes.append(code)
    return np.asarray(codes, dtype=np.intp), distinct


def _distractor_row(question: Question, key: str, correct: bool, tally: _Tally | None) -> dict[str, Any]:
    tally = tally or _Tally()
    return {
        "question_id": question.id,
        "key": key,
        "label": distractor_label(question, key),
        "correct": bool(correct),
        "count": tally.count,
        "top": tally.top,
        "bottom": tally.bottom,
    }


def response_keys(question: Question, answer: Any) -> tuple[str, ...]:
    """The distractor keys of one response.

    qru, tcs: the chosen option id; qrm: every ticked option id; qroc: the normalised text; numerique: the
    number; ordre: the option ids in the learner's order (`b > a > c`); association: the pairs
    `left text → right text`, by left option id; zone: for each point clicked, the zone it falls in (its
    option id) or :data:`OUTSIDE_ZONES`. An unanswered question gives :data:`NO_ANSWER`; a response of an
    unexpected shape, its text.
    """
    if answer is None or (isinstance(answer, (str, list, tuple, dict)) and not answer):
        return (NO_ANSWER,)
    kind = question.type
    if kind == "qru" and isinstance(answer, str):
        return (answer,)
    if kind == "qrm" and isinstance(answer, (list, tuple)) and all(isinstance(a, str) for a in answer):
        return tuple(sorted(set(answer)))
    if kind == "tcs" and isinstance(answer, numbers.Integral) and not isinstance(answer, bool):
        option = next((o for o in question.options if o.value == answer), None)
        if option is not None:
            return (option.id,)
    if kind == "zone" and (points := zone_points(answer)):
        zones = (zone_of_point(question, x, y) for x, y in points)
        return tuple(dict.fromkeys(zone.id if zone is not None else OUTSIDE_ZONES for zone in zones))
    if kind == "qroc" and isinstance(answer, str):
        return (normalize_text(answer)[:200] or answer.strip()[:200],)
    if kind == "numerique":
        value = parse_number(answer) if isinstance(answer, str) else _real(answer)
        if value is not None:
            return (format(value, ".15g"),)
    if kind == "ordre" and isinstance(answer, (list, tuple)) and all(isinstance(a, str) for a in answer):
        return (" > ".join(answer),)
    if kind == "association" and isinstance(answer, Mapping):
        pairs = sorted((str(left), str(right)) for left, right in answer.items())
        return ("; ".join(f"{_option_label(question, left)} → {right}" for left, right in pairs),)
    return (str(answer)[:200],)


def distractor_label(question: Question, key: str) -> str:
    """What a distractor key stands for: the option's text (qru, qrm, tcs), the items' texts in the
    learner's order (ordre), else the key itself."""
    if question.type == "zone" and key == OUTSIDE_ZONES:
        return key
    if question.type in OPTION_TYPES:
        return _option_label(question, key)
    if question.type == "ordre" and key != NO_ANSWER:
        ids = key.split(" > ")
        known = {o.id for o in question.options}
        if all(i in known for i in ids):
            return " > ".join(_option_label(question, i) for i in ids)
    return key


def _option_label(question: Question, option_id: str) -> str:
    """The text of an option (tcs: its signed value and label); the id itself when unknown."""
    option = next((o for o in question.options if o.id == option_id), None)
    if option is None:
        return option_id
    if question.type == "tcs" and option.value is not None:
        value = int(option.value)
        signed = f"+{value}" if value > 0 else str(value)
        return f"{signed} {option.text}".strip()
    if question.type == "zone" and not option.text:
        return f"zone {[o.id for o in question.options].index(option.id) + 1}"
    return " ".join(option.text.split())


# --- small helpers ---------------------------------------------------------------------------------


def _value(series: pd.Series, key: str) -> float:
    value = series.get(key)
    return float(value) if value is not None and not pd.isna(value) else math.nan


def _percent(fraction: float | None) -> float:
    return 100.0 * fraction if fraction is not None else math.nan


def _number(value: float | None) -> float | None:
    """None for None and NaN, else the value."""
    return None if value is None or math.isnan(value) else float(value)


def _mean(values: Any) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def _real(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None
