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
- **scores, time, knowledge gain, satisfaction**: activity inside the range only. Mean score = mean of
  each learner's best certifying score; time = minutes on the module's lessons per learner who opened
  one (lesson rows whose viewing period overlaps the range); knowledge gain = mean fraction of the
  certifying attempts' responses minus that of the pre-tests', both restricted to the question ids
  present in both; satisfaction = mean of each numeric answer of the ``evaluations`` surveys, per item
  key (booleans and text are ignored).

Erased accounts are left out everywhere.

Cost: :func:`load_dashboard` reads every lesson row and attempt of the cohort's members once (two
grouped queries) plus the survey answers; :func:`knowledge_gain` reads every pre-test and certifying
response, by far the most rows (about 2.5 million for 10,000 learners × 12 modules), so it is a separate
call that the page places last and caches longer. ``bench/dashboard_bench.py`` measures both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Float, and_, case, cast, func, select, true

from academy import db, survey
from academy.cohorts import cohort_assignments, member_ids_query
from academy.models import Attempt, CohortMember, Evaluation, LessonProgress, Response, User

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


CELL_COLUMNS = ["user_id", "module_id", "started", "passed", "first_pass_day", "best_score", "attempts",
                "seconds", "timed"]


def progress_cells(engine: Engine, flt: DashboardFilter, reference_day: date) -> pd.DataFrame:
    """One row per member and module with any activity, from one grouped query on lessons and one on attempts.

    Columns: ``started`` (a lesson opened or an attempt started by the reference day), ``passed`` (a
    certifying attempt passed by then), ``first_pass_day`` (date or None), and over the date range:
    ``best_score`` (best certifying score, None without one), ``attempts`` (certifying attempts
    submitted), ``seconds`` (on lessons whose viewing period overlaps the range), ``timed`` (such a
    lesson exists).
    """
    modules = list(flt.module_ids)
    if not modules:
        return pd.DataFrame(columns=CELL_COLUMNS)
    until = _day_end(reference_day)
    start, end = _bounds(flt)
    members = member_ids_query(flt.cohort_id)

    lp = LessonProgress
    window = [*([lp.last_viewed_at >= start] if start else []), *([lp.first_viewed_at < end] if end else [])]
    overlap = and_(true(), *window)
    lessons = (
        select(
            lp.user_id,
            lp.module_id,
            func.max(case((lp.first_viewed_at < until, 1), else_=0)),
            func.sum(case((overlap, lp.seconds_spent), else_=0)),
            func.max(case((overlap, 1), else_=0)),
        )
        .where(lp.module_id.in_(modules), lp.user_id.in_(members))
        .group_by(lp.user_id, lp.module_id)
    )
    post = Attempt.kind == "post"
    passed = and_(post, Attempt.passed.is_(True), Attempt.submitted_at < until)
    scored = and_(post, Attempt.submitted_at.is_not(None), *_in_range(Attempt.submitted_at, start, end))
    attempts = (
        select(
            Attempt.user_id,
            Attempt.module_id,
            func.max(case((Attempt.started_at < until, 1), else_=0)),
            func.max(case((passed, 1), else_=0)),
            _day(engine, func.min(case((passed, Attempt.submitted_at)))),
            func.max(case((scored, Attempt.score))),
            func.sum(case((scored, 1), else_=0)),
        )
        .where(Attempt.module_id.in_(modules), Attempt.user_id.in_(members))
        .group_by(Attempt.user_id, Attempt.module_id)
    )
    with db.read_connection(engine) as connection:
        lesson_rows = _frame(connection.execute(lessons).all(),
                             ["user_id", "module_id", "lesson_started", "seconds", "timed"])
        attempt_rows = _frame(connection.execute(attempts).all(),
                              ["user_id", "module_id", "attempt_started", "passed", "first_pass_day", "best_score",
                               "attempts"])
    cells = lesson_rows.merge(attempt_rows, on=["user_id", "module_id"], how="outer")
    cells["started"] = (cells["lesson_started"].fillna(0) + cells["attempt_started"].fillna(0)) > 0
    cells["passed"] = cells["passed"].fillna(0) > 0
    cells["first_pass_day"] = pd.to_datetime(cells["first_pass_day"]).dt.date
    cells["best_score"] = pd.to_numeric(cells["best_score"]).astype(float)
    cells["attempts"] = cells["attempts"].fillna(0).astype(int)
    cells["seconds"] = cells["seconds"].fillna(0).astype(int)
    cells["timed"] = cells["timed"].fillna(0) > 0
    return cells[CELL_COLUMNS]


def completion_matrix(cells: pd.DataFrame, member_ids: pd.Index, modules: Sequence[str]) -> pd.DataFrame:
    """Status code (0/1/2) of every member (rows, ``member_ids``) in every module (columns)."""
    matrix = pd.DataFrame(NOT_STARTED, index=member_ids, columns=list(modules), dtype="int8")
    if cells.empty or member_ids.empty or not modules:
        return matrix
    codes = cells["passed"].astype("int8") * PASSED + (~cells["passed"] & cells["started"]).astype("int8") * IN_PROGRESS
    found = cells.assign(code=codes).pivot(index="user_id", columns="module_id", values="code")
    return found.reindex(index=member_ids, columns=list(modules)).fillna(NOT_STARTED).astype("int8")


def status_counts(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per module: how many members are not started, in progress, passed (and the member count)."""
    codes = matrix.to_numpy()
    frame = pd.DataFrame({name: (codes == code).sum(axis=0) for code, name in enumerate(STATUSES)})
    frame.insert(0, "module_id", list(matrix.columns))
    frame["members"] = len(matrix)
    return frame


def completion_over_time(
    cells: pd.DataFrame, flt: DashboardFilter, members_count: int, reference_day: date
) -> pd.DataFrame:
    """Cumulative number (and share of members) of learners who passed each module, per day.

    Columns ``day`` (date), ``module_id``, ``passed``, ``share``; one row per module and day from the
    range's start (or the first pass) to the reference day; passes before the start count on its first day.
    """
    columns = ["day", "module_id", "passed", "share"]
    first = cells.dropna(subset=["first_pass_day"])
    if first.empty or not flt.module_ids:
        return pd.DataFrame(columns=columns)
    start = flt.start or first["first_pass_day"].min()
    if start > reference_day:
        return pd.DataFrame(columns=columns)
    modules = list(flt.module_ids)
    days = pd.Index([d.date() for d in pd.date_range(start, reference_day, freq="D")], name="day")
    clipped = first.assign(day=first["first_pass_day"].clip(lower=start))
    daily = clipped.groupby(["day", "module_id"]).size().unstack("module_id")
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


def module_stats(cells: pd.DataFrame, modules: Sequence[str]) -> pd.DataFrame:
    """Per module, over the range: learners with a certifying score and their mean best score (0..1),
    certifying attempts, learners who spent time on lessons and their mean minutes."""
    columns = ["module_id", "learners_scored", "mean_score", "attempts", "learners_timed", "mean_minutes"]
    timed_seconds = cells["seconds"].where(cells["timed"])
    grouped = cells.assign(timed_seconds=timed_seconds).groupby("module_id").agg(
        learners_scored=("best_score", "count"),
        mean_score=("best_score", "mean"),
        attempts=("attempts", "sum"),
        learners_timed=("timed", "sum"),
        mean_minutes=("timed_seconds", "mean"),
    )
    frame = grouped.reindex(list(modules))
    frame["mean_minutes"] = frame["mean_minutes"] / 60
    counts = ["learners_scored", "attempts", "learners_timed"]
    frame[counts] = frame[counts].fillna(0).astype(int)
    return frame.rename_axis("module_id").reset_index()[columns]


def knowledge_gain(engine: Engine, flt: DashboardFilter) -> pd.DataFrame:
    """Per module: mean response fraction of certifying attempts minus pre-tests', on common question ids.

    Over attempts submitted in the range. Columns ``module_id``, ``questions`` (common question ids),
    ``pre_mean``, ``post_mean``, ``gain`` (None without both kinds), ``pre_responses``, ``post_responses``.
    """
    columns = ["module_id", "questions", "pre_mean", "post_mean", "gain", "pre_responses", "post_responses"]
    modules = list(flt.module_ids)
    if not modules:
        return pd.DataFrame(columns=columns)
    start, end = _bounds(flt)
    query = (
        select(Attempt.module_id, Attempt.kind, Response.question_id, func.sum(Response.fraction), func.count())
        .join(Response, Response.attempt_id == Attempt.id)
        .where(
            Attempt.module_id.in_(modules),
            Attempt.user_id.in_(member_ids_query(flt.cohort_id)),
            Attempt.kind.in_(("pre", "post")),
            Attempt.submitted_at.is_not(None),
            *_in_range(Attempt.submitted_at, start, end),
        )
        .group_by(Attempt.module_id, Attempt.kind, Response.question_id)
    )
    with db.read_connection(engine) as connection:
        sums = _frame(connection.execute(query).all(), ["module_id", "kind", "question_id", "total", "n"])
    rows = []
    for module in modules:
        mine = sums[sums["module_id"] == module]
        pre, post = mine[mine["kind"] == "pre"], mine[mine["kind"] == "post"]
        common = set(pre["question_id"]) & set(post["question_id"])
        pre, post = pre[pre["question_id"].isin(common)], post[post["question_id"].isin(common)]
        pre_n, post_n = int(pre["n"].sum()), int(post["n"].sum())
        pre_mean = float(pre["total"].sum()) / pre_n if pre_n else None
        post_mean = float(post["total"].sum()) / post_n if post_n else None
        gain = post_mean - pre_mean if pre_mean is not None and post_mean is not None else None
        rows.append({"module_id": module, "questions": len(common), "pre_mean": pre_mean, "post_mean": post_mean,
                     "gain": gain, "pre_responses": pre_n, "post_responses": post_n})
    return pd.DataFrame(rows, columns=columns)


def satisfaction(engine: Engine, flt: DashboardFilter) -> pd.DataFrame:
    """Mean of each numeric survey answer per module and item key, over evaluations made in the range.

    Columns ``module_id``, ``item``, ``mean``, ``answers`` (how many numeric answers), by module then in
    the order of :data:`academy.survey.ITEMS` (other keys after, by name). The JSON answers are unpacked
    by the database (SQLite ``json_each``, PostgreSQL ``jsonb_each``).
    """
    columns = ["module_id", "item", "mean", "answers"]
    if not flt.module_ids:
        return pd.DataFrame(columns=columns)
    start, end = _bounds(flt)
    if db.is_sqlite(engine):
        items = func.json_each(Evaluation.answers).table_valued("key", "value", "type", joins_implicitly=True)
        numeric = items.c.type.in_(("integer", "real"))
        value = items.c.value
    else:
        items = func.jsonb_each(Evaluation.answers).table_valued("key", "value", joins_implicitly=True)
        numeric = func.jsonb_typeof(items.c.value) == "number"
        value = cast(items.c.value, Float)
    query = (
        select(Evaluation.module_id, items.c.key, func.avg(value), func.count())
        .select_from(Evaluation, items)
        .where(
            Evaluation.module_id.in_(flt.module_ids),
            Evaluation.user_id.in_(member_ids_query(flt.cohort_id)),
            numeric,
            *_in_range(Evaluation.created_at, start, end),
        )
        .group_by(Evaluation.module_id, items.c.key)
    )
    with db.read_connection(engine) as connection:
        frame = _frame(connection.execute(query).all(), columns)
    if frame.empty:
        return frame
    frame["mean"] = frame["mean"].astype(float)
    frame["answers"] = frame["answers"].astype(int)
    module_order = {module: index for index, module in enumerate(flt.module_ids)}
    item_order = {item: index for index, item in enumerate(survey.ITEMS)}  # the survey's order, others after
    frame["module_rank"] = frame["module_id"].map(module_order)
    frame["item_rank"] = frame["item"].map(lambda item: item_order.get(item, len(item_order)))
    return frame.sort_values(["module_rank", "item_rank", "item"], ignore_index=True)[columns]


# --- everything at once ----------------------------------------------------------------------------


def load_dashboard(engine: Engine, flt: DashboardFilter, *, today: date | None = None) -> Dashboard:
    """Every figure of the dashboard for ``flt`` but the knowledge gain (:func:`knowledge_gain`, slower).

    ``timings`` holds the seconds each part took.
    """
    timings: dict[str, float] = {}
    tick = perf_counter()

    def lap(name: str) -> None:
        nonlocal tick
        now = perf_counter()
        timings[name] = now - tick
        tick = now

    reference_day = flt.reference_day(today or db.utcnow().date())
    people = learners(engine, flt.cohort_id)
    lap("learners")
    cells = progress_cells(engine, flt, reference_day)
    lap("progress")
    matrix = completion_matrix(cells, people.index, flt.module_ids)
    due_dates = {a.module_id: a.due_date for a in cohort_assignments(engine, flt.cohort_id)}
    overdue = overdue_learners(matrix, people, due_dates, reference_day)
    completion = completion_over_time(cells, flt, len(people), reference_day)
    stats = module_stats(cells, flt.module_ids)
    lap("shaping")
    survey = satisfaction(engine, flt)
    lap("satisfaction")
    return Dashboard(flt, reference_day, people, matrix, status_counts(matrix), completion, overdue, stats, survey,
                     timings)


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
