"""Coordinator dashboard: a cohort's completion, deadlines, scores, time, knowledge gain and satisfaction.

Every figure comes from a few grouped SQL queries over the whole cohort (never one query per learner),
shaped with pandas. Filters (:class:`DashboardFilter`): a cohort, the modules shown, and an optional
date range (inclusive UTC calendar days).

What the date range means:

- **status** (the learners × modules matrix) and **overdue** learners are as of the *reference day*:
  the range's end, or today when there is no end or it lies in the future. A learner is ``passed``
  once a certifying ("post") attempt passed, ``in_progress`` once they opened a lesson or started any
  attempt, else ``not_started``; overdue means assigned with a due date before the reference day and
  not passed by then;
- **completion over time**: learners who passed each module, cumulated per day (passes before the
  range count in its first day), up to the reference day;
- **scores, time, satisfaction**: activity inside the range only. Mean score = mean of each learner's
  best certifying score; time = minutes on the module's lessons per learner who opened one (lesson rows
  whose viewing period overlaps the range); satisfaction = mean of the numeric answers to each item
  of :data:`academy.learning.survey.ITEMS` in the ``evaluations`` surveys (text is ignored);
- **knowledge gain**: per learner, the pairing of :func:`academy.learning.progress.pre_post_pairs` (first
  pre-test against latest certifying attempt, on the questions answered in both in the same version),
  summed over the cohort: mean fraction after minus mean fraction before on all paired questions. With a
  range, the learners whose latest certifying attempt was submitted in it.

Erased accounts are left out everywhere. A coordinator (``viewer``) loads only a cohort they manage
(:mod:`academy.coordination.cohorts`); admins load any.

Cost: statuses, completion, overdue learners, and without a date range the scores, time and gain, are
read from the learner × module rollup (:mod:`academy.store.rollup`, one row per pair, kept up to date by every
write); a date range adds two grouped queries over the raw lesson and attempt rows of the cohort
(:func:`ranged_activity`). ``bench/dashboard_bench.py`` measures both on 10,000 learners.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Float, case, cast, func, select

from academy.accounts.auth import Account
from academy.coordination.cohorts import cohort_assignments, member_ids_query, require_manager
from academy.learning import survey
from academy.store import db
from academy.store.models import Attempt, CohortMember, Evaluation, LearnerModuleStats, LessonProgress, User

NOT_STARTED, IN_PROGRESS, PASSED = 0, 1, 2
STATUSES = ("not_started", "in_progress", "passed")  # by code; also the interface's status keys
HEATMAP_PAGE_SIZE = 200


@dataclass(frozen=True)
class DashboardFilter:
    """Which cohort, which modules (in display order) and which days (inclusive; None: unbounded)."""

    cohort_id: int
    module_ids: tuple[str, ...]
    start: date | None = None
    end: date | None = None

    def reference_day(self, today: date) -> date:
        """The day statuses are computed for: the range's end, or today if there is none or it is later."""
        return min(self.end, today) if self.end is not None else today


@dataclass(frozen=True)
class Dashboard:
    """Every figure of the coordinator dashboard (DataFrames, described in the module docstring)."""

    filter: DashboardFilter
    reference_day: date
    learners: pd.DataFrame  # user_id (index), name, email
    matrix: pd.DataFrame  # index user_id, one column per module, status codes 0/1/2
    status_counts: pd.DataFrame  # module_id, not_started, in_progress, passed, members
    completion: pd.DataFrame  # day, module_id, passed (cumulative learners), share (of members)
    overdue: pd.DataFrame  # user_id, name, email, module_id, due_date, days_late
    module_stats: pd.DataFrame  # module_id, learners_scored, mean_score, attempts, learners_timed, mean_minutes
    satisfaction: pd.DataFrame  # module_id, item, mean, answers
    gain: pd.DataFrame  # module_id, learners, pairs, pre_mean, post_mean, gain
    timings: dict[str, float] = field(default_factory=dict)  # seconds per part, for the benchmark


# --- helpers ---------------------------------------------------------------------------------------


def _bounds(flt: DashboardFilter) -> tuple[datetime | None, datetime | None]:
    """The range as [start, end) UTC datetimes."""
    start = datetime.combine(flt.start, time.min, UTC) if flt.start else None
    end = datetime.combine(flt.end + timedelta(days=1), time.min, UTC) if flt.end else None
    return start, end


def _day_end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, UTC)


def _day(engine: Engine, column: Any) -> Any:
    """The UTC calendar day of a timestamp column (SQLite stores naive UTC text)."""
    if db.is_sqlite(engine):
        return func.date(column)
    return func.date(func.timezone("UTC", column))


def _frame(rows: Sequence[Any], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=list(columns))


def _in_range(column: Any, start: datetime | None, end: datetime | None) -> list[Any]:
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return conditions


# --- the parts -------------------------------------------------------------------------------------


def learners(engine: Engine, cohort_id: int) -> pd.DataFrame:
    """The cohort's members: index ``user_id``, columns ``name``, ``email`` (by name)."""
    query = (
        select(User.id, User.name, User.email)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort_id, User.erased_at.is_(None))
    )
    with db.read_connection(engine) as connection:
        frame = _frame(connection.execute(query).all(), ["user_id", "name", "email"])
    return frame.set_index("user_id").sort_values(["name", "email"])


def status_rows(engine: Engine, flt: DashboardFilter, reference_day: date) -> pd.DataFrame:
    """The status codes of the members with any activity: index ``user_id``, one column per module.

    One query over the rollup pivots in SQL: one row per learner with one column per module.
    """
    modules = list(flt.module_ids)
    if not modules:
        return pd.DataFrame(columns=modules, index=pd.Index([], name="user_id"))
    until = _day_end(reference_day)
    stats = LearnerModuleStats
    code = case((stats.first_passed_at < until, PASSED), (stats.first_activity_at < until, IN_PROGRESS),
                else_=NOT_STARTED)
    query = (
        select(stats.user_id, *(func.max(case((stats.module_id == module, code), else_=NOT_STARTED))
                                for module in modules))
        .where(stats.module_id.in_(modules), stats.user_id.in_(member_ids_query(flt.cohort_id)))
        .group_by(stats.user_id)
    )
    with db.read_connection(engine) as connection:
        return _frame(connection.execute(query).all(), ["user_id", *modules]).set_index("user_id")


def _complete_matrix(found: pd.DataFrame, member_ids: pd.Index, modules: Sequence[str]) -> pd.DataFrame:
    """``found`` with a row for every member (not started where absent), as int8 codes."""
    return found.reindex(index=member_ids, columns=list(modules)).fillna(NOT_STARTED).astype("int8")


SUMMARY_COLUMNS = ["module_id", "day", "learners", "scored", "score_sum", "attempts", "timed", "seconds",
                   "gain_learners", "pairs", "pre_sum", "post_sum"]


def module_summary(engine: Engine, flt: DashboardFilter, reference_day: date) -> pd.DataFrame:
    """One scan of the cohort's rollup rows, grouped by module and first-pass day (None: not passed by the
    reference day), with the counts and sums that completion, all-time scores, time and gain derive from.

    Columns :data:`SUMMARY_COLUMNS`: ``learners`` (rows), ``scored``/``score_sum`` (best certifying
    scores), ``attempts``, ``timed``/``seconds`` (learners who opened a lesson, their seconds),
    ``gain_learners``/``pairs``/``pre_sum``/``post_sum`` (pre/post pairs).
    """
    if not flt.module_ids:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    stats = LearnerModuleStats
    day = case((stats.first_passed_at < _day_end(reference_day), _day(engine, stats.first_passed_at)))
    timed = stats.lessons_viewed > 0
    paired = stats.gain_items > 0
    query = (
        select(stats.module_id, day, func.count(), func.count(stats.best_score), func.sum(stats.best_score),
               func.sum(stats.attempts), func.sum(case((timed, 1), else_=0)),
               func.sum(case((timed, stats.seconds_spent), else_=0)), func.sum(case((paired, 1), else_=0)),
               func.sum(stats.gain_items), func.sum(stats.gain_pre_sum), func.sum(stats.gain_post_sum))
        .where(stats.module_id.in_(flt.module_ids), stats.user_id.in_(member_ids_query(flt.cohort_id)))
        .group_by(stats.module_id, day)
    )
    with db.read_connection(engine) as connection:
        frame = _frame(connection.execute(query).all(), SUMMARY_COLUMNS)
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame


def pass_days(summary: pd.DataFrame) -> pd.DataFrame:
    """How many members first passed each module on each day (from :func:`module_summary`).

    Columns ``module_id``, ``day`` (date), ``passed``.
    """
    passes = summary.dropna(subset=["day"])
    return pd.DataFrame({"module_id": passes["module_id"], "day": passes["day"],
                         "passed": passes["learners"].astype(int)})


def _per_module(summary: pd.DataFrame, modules: Sequence[str]) -> pd.DataFrame:
    """The summary's counts and sums added up per module, one row per module of ``modules``."""
    numbers = SUMMARY_COLUMNS[2:]
    sums = summary[numbers].astype(float).groupby(summary["module_id"]).sum()
    return sums.reindex(index=list(modules), columns=numbers).fillna(0)


def module_stats(engine: Engine, flt: DashboardFilter, summary: pd.DataFrame) -> pd.DataFrame:
    """Per module, over the range: learners with a certifying score and their mean best score (0..1),
    certifying attempts, learners who spent time on lessons and their mean minutes.

    Without a range, from the rollup's ``summary`` (:func:`module_summary`); with one, from the raw
    attempts submitted in it and the lesson rows whose viewing period overlaps it (best score and time
    per learner first, then per module).
    """
    columns = ["module_id", "learners_scored", "mean_score", "attempts", "learners_timed", "mean_minutes"]
    modules = list(flt.module_ids)
    if not modules:
        return pd.DataFrame(columns=columns)
    if flt.start is None and flt.end is None:
        sums = _per_module(summary, modules)
        frame = pd.DataFrame({
            "module_id": modules,
            "learners_scored": sums["scored"].astype(int).to_numpy(),
            "mean_score": (sums["score_sum"] / sums["scored"].where(sums["scored"] > 0)).to_numpy(dtype=float),
            "attempts": sums["attempts"].astype(int).to_numpy(),
            "learners_timed": sums["timed"].astype(int).to_numpy(),
            "mean_minutes": (sums["seconds"] / sums["timed"].where(sums["timed"] > 0) / 60).to_numpy(dtype=float),
        })
        return frame[columns]
    members = member_ids_query(flt.cohort_id)
    start, end = _bounds(flt)
    best = (
        select(Attempt.module_id, func.max(Attempt.score).label("best"), func.count().label("tries"))
        .where(Attempt.module_id.in_(modules), Attempt.user_id.in_(members), Attempt.kind == "post",
               Attempt.submitted_at.is_not(None), *_in_range(Attempt.submitted_at, start, end))
        .group_by(Attempt.user_id, Attempt.module_id)
        .subquery()
    )
    scores = select(best.c.module_id, func.count(), func.avg(best.c.best), func.sum(best.c.tries))
    lp = LessonProgress
    overlap = [*([lp.last_viewed_at >= start] if start else []), *([lp.first_viewed_at < end] if end else [])]
    spent = (
        select(lp.module_id, func.sum(lp.seconds_spent).label("seconds"))
        .where(lp.module_id.in_(modules), lp.user_id.in_(members), *overlap)
        .group_by(lp.user_id, lp.module_id)
        .subquery()
    )
    times = select(spent.c.module_id, func.count(), func.avg(spent.c.seconds) / 60)
    with db.read_connection(engine) as connection:
        score_rows = {row[0]: row[1:] for row in connection.execute(scores.group_by(scores.selected_columns[0]))}
        time_rows = {row[0]: row[1:] for row in connection.execute(times.group_by(times.selected_columns[0]))}
    rows = []
    for module in modules:
        scored, mean_score, attempts = score_rows.get(module, (0, None, 0))
        timed_count, mean_minutes = time_rows.get(module, (0, None))
        rows.append({"module_id": module, "learners_scored": int(scored), "mean_score": mean_score,
                     "attempts": int(attempts or 0), "learners_timed": int(timed_count), "mean_minutes": mean_minutes})
    frame = pd.DataFrame(rows, columns=columns)
    frame[["mean_score", "mean_minutes"]] = frame[["mean_score", "mean_minutes"]].astype(float)
    return frame


def status_counts(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per module: how many members are not started, in progress, passed (and the member count)."""
    codes = matrix.to_numpy()
    frame = pd.DataFrame({name: (codes == code).sum(axis=0) for code, name in enumerate(STATUSES)})
    frame.insert(0, "module_id", list(matrix.columns))
    frame["members"] = len(matrix)
    return frame


def completion_over_time(
    passes: pd.DataFrame, flt: DashboardFilter, members_count: int, reference_day: date
) -> pd.DataFrame:
    """Cumulative number (and share of members) of learners who passed each module, per day.

    From :func:`pass_days`. Columns ``day`` (date), ``module_id``, ``passed``, ``share``; one row per
    module and day from the range's start (or the first pass) to the reference day; passes before the
    start count on its first day.
    """
    columns = ["day", "module_id", "passed", "share"]
    if passes.empty or not flt.module_ids:
        return pd.DataFrame(columns=columns)
    start = flt.start or passes["day"].min()
    if start > reference_day:
        return pd.DataFrame(columns=columns)
    modules = list(flt.module_ids)
    days = pd.Index([d.date() for d in pd.date_range(start, reference_day, freq="D")], name="day")
    clipped = passes.assign(day=passes["day"].clip(lower=start))
    daily = clipped.groupby(["day", "module_id"])["passed"].sum().unstack("module_id")
    cumulative = daily.reindex(index=days, columns=modules).fillna(0).cumsum()
    long = cumulative.reset_index().melt(id_vars="day", var_name="module_id", value_name="passed")
    long["passed"] = long["passed"].astype(int)
    long["share"] = long["passed"] / members_count if members_count else 0.0
    return long[columns]


def overdue_learners(
    matrix: pd.DataFrame, people: pd.DataFrame, due_dates: dict[str, date | None], reference_day: date
) -> pd.DataFrame:
    """Members not passed in a module whose due date is before the reference day, most late first.

    Columns ``user_id``, ``name``, ``email``, ``module_id``, ``due_date``, ``days_late``.
    """
    columns = ["user_id", "name", "email", "module_id", "due_date", "days_late"]
    parts = []
    for module in matrix.columns:
        due = due_dates.get(module)
        if due is None or due >= reference_day:
            continue
        late = matrix.index[matrix[module] != PASSED]
        part = people.loc[late, ["name", "email"]].reset_index()
        part["module_id"] = module
        part["due_date"] = due
        part["days_late"] = (reference_day - due).days
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(parts, ignore_index=True)[columns]
    return frame.sort_values(["days_late", "name", "module_id"], ascending=[False, True, True], ignore_index=True)


def knowledge_gain(engine: Engine, flt: DashboardFilter, summary: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per module: the cohort's knowledge gain on paired questions, read from the rollup.

    The pairing is :func:`academy.learning.progress.pre_post_pairs`'s, per learner: their first pre-test against
    their latest certifying attempt (started after it), on the questions answered in both in the same
    version; with a date range, only learners whose latest certifying attempt was submitted in it.
    Columns ``module_id``, ``learners`` (with paired questions), ``pairs`` (paired questions in all),
    ``pre_mean``, ``post_mean`` (mean fractions on those questions) and ``gain`` (post − pre; None
    without pairs). Without a range, a :func:`module_summary` already read saves the query.
    """
    columns = ["module_id", "learners", "pairs", "pre_mean", "post_mean", "gain"]
    modules = list(flt.module_ids)
    if not modules:
        return pd.DataFrame(columns=columns)
    if summary is not None and flt.start is None and flt.end is None:
        totals = _per_module(summary, modules)[["gain_learners", "pairs", "pre_sum", "post_sum"]]
        return _gain_frame(modules, {module: tuple(row) for module, row in totals.iterrows()}, columns)
    start, end = _bounds(flt)
    stats = LearnerModuleStats
    query = (
        select(stats.module_id, func.count(), func.sum(stats.gain_items), func.sum(stats.gain_pre_sum),
               func.sum(stats.gain_post_sum))
        .where(
            stats.module_id.in_(modules),
            stats.user_id.in_(member_ids_query(flt.cohort_id)),
            stats.gain_items > 0,
            *_in_range(stats.last_submitted_at, start, end),
        )
        .group_by(stats.module_id)
    )
    with db.read_connection(engine) as connection:
        sums = {row[0]: tuple(row[1:]) for row in connection.execute(query)}
    return _gain_frame(modules, sums, columns)


def _gain_frame(modules: Sequence[str], sums: dict[str, tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
    """The gain table from each module's (learners, pairs, pre sum, post sum)."""
    rows = []
    for module in modules:
        learners_count, pairs, pre_sum, post_sum = sums.get(module, (0, 0, 0.0, 0.0))
        pre_mean = float(pre_sum) / pairs if pairs else None
        post_mean = float(post_sum) / pairs if pairs else None
        gain = post_mean - pre_mean if pre_mean is not None and post_mean is not None else None
        rows.append({"module_id": module, "learners": int(learners_count), "pairs": int(pairs or 0),
                     "pre_mean": pre_mean, "post_mean": post_mean, "gain": gain})
    return pd.DataFrame(rows, columns=columns)


def satisfaction(engine: Engine, flt: DashboardFilter, threshold: int | None = None) -> pd.DataFrame:
    """Mean of each survey item per module, over the numeric answers of evaluations made in the range.

    Columns ``module_id``, ``item``, ``mean``, ``answers`` (how many numeric answers), by module then in
    the order of :data:`academy.learning.survey.ITEMS`; items nobody answered with a number are left out. One
    grouped query reads each item out of the JSON answers (text is not a score). A module with fewer than
    ``threshold`` respondents (default :func:`academy.learning.survey.min_respondents`) is left out, so a
    mean never gives one learner's answers away.
    """
    threshold = survey.min_respondents() if threshold is None else threshold
    columns = ["module_id", "item", "mean", "answers"]
    if not flt.module_ids:
        return pd.DataFrame(columns=columns)
    start, end = _bounds(flt)
    chosen = (
        Evaluation.module_id.in_(flt.module_ids),
        Evaluation.user_id.in_(member_ids_query(flt.cohort_id)),
        *_in_range(Evaluation.created_at, start, end),
    )
    if db.is_sqlite(engine):
        # Each item is extracted once per survey in a subquery (LIMIT -1 keeps SQLite from inlining it
        # and extracting twice), then kept when it is a number.
        answers = (
            select(Evaluation.module_id, *(func.json_extract(Evaluation.answers, f"$.{item}").label(f"item{n}")
                                           for n, item in enumerate(survey.ITEMS)))
            .where(*chosen)
            .limit(-1)
            .subquery()
        )
        module = answers.c.module_id
        values = [case((func.typeof(answers.c[f"item{n}"]).in_(("integer", "real")), answers.c[f"item{n}"]))
                  for n in range(len(survey.ITEMS))]
        query = select(module, func.count(), *(part for value in values
                                               for part in (func.avg(value), func.count(value))))
    else:
        values = [case((func.jsonb_typeof(Evaluation.answers.op("->")(item)) == "number",
                        cast(Evaluation.answers.op("->>")(item), Float))) for item in survey.ITEMS]
        module = Evaluation.module_id
        query = select(module, func.count(), *(part for value in values
                                               for part in (func.avg(value), func.count(value))))
        query = query.where(*chosen)
    with db.read_connection(engine) as connection:
        sums = {row[0]: row[2:] for row in connection.execute(query.group_by(module)) if row[1] >= threshold}
    rows = [
        {"module_id": module_id, "item": item, "mean": float(found[2 * n]), "answers": int(found[2 * n + 1])}
        for module_id in flt.module_ids if (found := sums.get(module_id)) is not None
        for n, item in enumerate(survey.ITEMS) if found[2 * n + 1]
    ]
    return pd.DataFrame(rows, columns=columns)


# --- everything at once ----------------------------------------------------------------------------


def load_dashboard(
    engine: Engine, flt: DashboardFilter, *, today: date | None = None, viewer: Account | None = None,
    survey_threshold: int | None = None,
) -> Dashboard:
    """Every figure of the dashboard for ``flt``; :class:`academy.coordination.cohorts.CohortError` when the
    cohort is unknown or ``viewer`` does not manage it.

    The independent reads (statuses, the module summary, satisfaction, and with a date range the raw
    scores, time and gain) run in parallel threads, each on its own pooled connection: the database
    does the work and releases the GIL meanwhile. ``timings`` holds the seconds each part took.
    """
    require_manager(engine, viewer, flt.cohort_id)
    timings: dict[str, float] = {}

    def timed(name: str, function: Callable[..., Any], *args: Any) -> Any:
        started = perf_counter()
        try:
            return function(*args)
        finally:
            timings[name] = perf_counter() - started

    reference_day = flt.reference_day(today or db.utcnow().date())
    ranged = flt.start is not None or flt.end is not None
    with ThreadPoolExecutor(max_workers=6, thread_name_prefix="dashboard") as pool:
        people_job = pool.submit(timed, "learners", learners, engine, flt.cohort_id)
        matrix_job = pool.submit(timed, "statuses", status_rows, engine, flt, reference_day)
        summary_job = pool.submit(timed, "summary", module_summary, engine, flt, reference_day)
        survey_job = pool.submit(timed, "satisfaction", satisfaction, engine, flt, survey_threshold)
        empty = pd.DataFrame(columns=SUMMARY_COLUMNS)  # a range reads the raw rows instead of the summary
        stats_job = pool.submit(timed, "ranged scores and time", module_stats, engine, flt, empty) if ranged else None
        gain_job = pool.submit(timed, "ranged gain", knowledge_gain, engine, flt) if ranged else None
        people, summary, survey = people_job.result(), summary_job.result(), survey_job.result()
        matrix = _complete_matrix(matrix_job.result(), people.index, flt.module_ids)
        stats = stats_job.result() if stats_job else module_stats(engine, flt, summary)
        gain = gain_job.result() if gain_job else knowledge_gain(engine, flt, summary)
    started = perf_counter()
    completion = completion_over_time(pass_days(summary), flt, len(people), reference_day)
    due_dates = {a.module_id: a.due_date for a in cohort_assignments(engine, flt.cohort_id)}
    overdue = overdue_learners(matrix, people, due_dates, reference_day)
    timings["shaping"] = perf_counter() - started
    return Dashboard(flt, reference_day, people, matrix, status_counts(matrix), completion, overdue, stats, survey,
                     gain, timings)


def heatmap_rows(
    dashboard: Dashboard, *, page: int = 0, size: int = HEATMAP_PAGE_SIZE, by: str = "progress"
) -> pd.DataFrame:
    """One page of the learners × modules matrix as long rows for the heatmap.

    Columns ``user_id``, ``learner`` (the name; name and email when two learners of the page share a
    name), ``module_id``, ``status`` (a name of ``STATUSES``), ``rank`` (0-based row in the page).
    ``by="progress"``: learners with the fewest passed modules first (then the fewest started), then by
    name; ``by="name"``: by name. ``page`` is 0-based.
    """
    matrix, people = dashboard.matrix, dashboard.learners
    order = people[["name", "email"]].copy()
    if by == "progress":
        codes = matrix.reindex(order.index).to_numpy()
        order["passed"] = (codes == PASSED).sum(axis=1)
        order["started"] = (codes != NOT_STARTED).sum(axis=1)
        order = order.sort_values(["passed", "started", "name", "email"])
    chosen = order.iloc[page * size : (page + 1) * size]
    shared = chosen["name"].duplicated(keep=False)
    labels = chosen["name"].where(~shared, chosen["name"] + " · " + chosen["email"])
    long = matrix.loc[chosen.index].reset_index().melt(id_vars="user_id", var_name="module_id", value_name="code")
    long["learner"] = labels.reindex(long["user_id"]).to_numpy()
    long["status"] = long["code"].map(dict(enumerate(STATUSES)))
    long["rank"] = long["user_id"].map({user_id: rank for rank, user_id in enumerate(chosen.index)})
    return long[["user_id", "learner", "module_id", "status", "rank"]]
