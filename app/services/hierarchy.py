"""The dated hierarchy as tables that aggregation reads: closure, subtree sizes, roll-ups
and absences.

The closure holds every (ancestor, descendant) pair with the years in which it holds, so
"the subtree of X in year Y" is one indexed range read. It is rebuilt whole when edges or
bodies change (rare, and cheap next to a national roll-up); the roll-ups of the years that
have facts are then rebuilt from the facts, and the absences of the years that have reports
from the reports.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from sqlalchemy import bindparam, case, delete, func, insert, literal, select, text, update
from sqlalchemy.orm import Session

from app import models
from app.db import CHUNK, Base, in_ids, insert_for, table_of

# Open-ended validity as years no report can have.
OPEN_FROM, OPEN_TO = 0, 9999
# A hierarchy is at most province > prefecture > county > township > department; the bound
# also stops a recursive query should bad data ever form a cycle.
MAX_DEPTH = 8
HIERARCHY_VERSION = "hierarchy_version"


def _greatest(*values: Any) -> Any:
    result = values[0]
    for value in values[1:]:
        result = case((value > result, value), else_=result)
    return result


def _least(*values: Any) -> Any:
    result = values[0]
    for value in values[1:]:
        result = case((value < result, value), else_=result)
    return result


def _closure_select() -> Any:
    body, edge = models.Jurisdiction, models.JurisdictionEdge
    start = func.coalesce(body.valid_from, OPEN_FROM)
    end = func.coalesce(body.valid_to, OPEN_TO)
    pairs = select(
        body.id.label("ancestor_id"),
        body.id.label("descendant_id"),
        start.label("lo"),
        end.label("hi"),
        literal(0).label("depth"),
    ).cte("pairs", recursive=True)
    child = models.Jurisdiction.__table__.alias("child")
    lo = _greatest(
        pairs.c.lo,
        func.coalesce(edge.valid_from, OPEN_FROM),
        func.coalesce(child.c.valid_from, OPEN_FROM),
    )
    hi = _least(
        pairs.c.hi, func.coalesce(edge.valid_to, OPEN_TO), func.coalesce(child.c.valid_to, OPEN_TO)
    )
    step = (
        select(pairs.c.ancestor_id, edge.child_id, lo, hi, pairs.c.depth + 1)
        .join(edge, edge.parent_id == pairs.c.descendant_id)
        .join(child, child.c.id == edge.child_id)
        .where(lo <= hi, pairs.c.depth < MAX_DEPTH)
    )
    pairs = pairs.union_all(step)
    bounded = (pairs.c.lo > OPEN_FROM) | (pairs.c.hi < OPEN_TO)
    return select(
        pairs.c.ancestor_id,
        pairs.c.descendant_id,
        pairs.c.lo,
        pairs.c.hi,
        pairs.c.depth,
        bounded,
    )


def rebuild(session: Session) -> None:
    """Rebuild the closure, the subtree sizes, the roll-ups and the absences after a hierarchy
    change."""
    session.execute(delete(models.Closure))
    columns = ["ancestor_id", "descendant_id", "lo", "hi", "depth", "bounded"]
    session.execute(insert(models.Closure).from_select(columns, _closure_select()))
    _analyze(session, models.Closure)
    _rebuild_sizes(session)
    _analyze(session, models.SubtreeSize)
    rebuild_rollups(session)
    rebuild_absences(session)
    _bump_version(session)


def _analyze(session: Session, model: type[Base]) -> None:
    # Fresh statistics, or PostgreSQL plans the next queries for an empty table.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {model.__tablename__}"))


def _rebuild_sizes(session: Session) -> None:
    closure = models.Closure
    session.execute(delete(models.SubtreeSize))
    steps: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for ancestor, lo, hi in session.execute(select(closure.ancestor_id, closure.lo, closure.hi)):
        steps[ancestor][lo] += 1
        steps[ancestor][hi + 1] -= 1
    rows = [
        {"ancestor_id": ancestor, "lo": lo, "hi": hi, "bodies": bodies}
        for ancestor, changes in steps.items()
        for lo, hi, bodies in _constant_runs(changes)
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(models.SubtreeSize), rows[start : start + 5000])


def _constant_runs(changes: dict[int, int]) -> list[tuple[int, int, int]]:
    """The (lo, hi, count) runs of a count that changes by `changes[year]` at each year."""
    runs = []
    count = 0
    points = sorted(changes)
    for here, following in pairwise(points):
        count += changes[here]
        if count:
            runs.append((here, following - 1, count))
    return runs


def rebuild_rollups(session: Session) -> None:
    """Roll-ups recomputed from the facts: the definition that maintenance must match. Each
    ancestor sums the facts of the bodies below it, not its own (those are its facts)."""
    fact, closure = models.Fact, models.Closure
    session.execute(delete(models.Rollup))
    sums = (
        select(
            fact.year,
            fact.metric_id,
            closure.ancestor_id,
            func.sum(fact.value),
            func.count(),
            func.sum(case((fact.revised, 1), else_=0)),
        )
        .join(
            closure,
            (closure.descendant_id == fact.jurisdiction_id)
            & (closure.lo <= fact.year)
            & (closure.hi >= fact.year)
            & (closure.depth > 0),
        )
        .group_by(fact.year, fact.metric_id, closure.ancestor_id)
    )
    columns = ["year", "metric_id", "ancestor_id", "value", "reporting", "revised"]
    session.execute(insert(models.Rollup).from_select(columns, sums))


def reported_years(session: Session, years: Iterable[int] | None = None) -> list[int]:
    """The years (of `years`, default all) with at least one current `self` report."""
    report = models.Report
    query = select(report.year).where(report.scope == "self", report.revision > 0)
    if years is None:
        return list(session.scalars(query.distinct().order_by(report.year)))
    # One indexed probe per year, not a scan of the years' reports.
    return [y for y in sorted(set(years)) if session.scalar(query.where(report.year == y).limit(1))]


def rebuild_absences(session: Session, years: Iterable[int] | None = None) -> None:
    """The absences of `years` (default: every year with a `self` report) from the reports:
    each body of the year with no current `self` report, under each of its ancestors; and
    their totals per ancestor.

    Written as "everyone, then strike out the reporting" rather than an anti-join: a year's
    first reports are not in the planner's statistics yet, and with an estimate of one
    report PostgreSQL scanned the year's reports once per closure row (minutes). For the
    same reason the reporting bodies are read first and struck out as a list: a delete
    joined to the reports took 20 s for a national year's first batch, where the list
    (a hashed `= ANY(array)` on PostgreSQL) takes milliseconds however it is planned.
    """
    wanted = reported_years(session) if years is None else sorted(set(years))
    absence, total, closure, report, body = (
        models.Absence,
        models.AbsenceTotal,
        models.Closure,
        models.Report,
        models.Jurisdiction,
    )
    for table in (absence, total):
        session.execute(
            delete(table) if years is None else delete(table).where(table.year.in_(wanted))
        )
    columns = ["year", "ancestor_id", "code", "jurisdiction_id"]
    for year in wanted:
        everyone = (
            select(literal(year), closure.ancestor_id, body.code, closure.descendant_id)
            .join(body, body.id == closure.descendant_id)
            .where(closure.lo <= year, closure.hi >= year)
        )
        session.execute(insert(absence).from_select(columns, everyone))
        reporting = session.scalars(
            select(report.jurisdiction_id).where(
                report.year == year, report.scope == "self", report.revision > 0
            )
        ).all()
        _delete_absences(session, year, reporting, counted=False)
        counts = (
            select(absence.year, absence.ancestor_id, func.count())
            .where(absence.year == year)
            .group_by(absence.year, absence.ancestor_id)
        )
        session.execute(insert(total).from_select(["year", "ancestor_id", "absent"], counts))


def strike_absences(session: Session, year: int, body_ids: Sequence[int]) -> None:
    """`body_ids` have a current `self` report in `year`: absent no more, under any ancestor;
    their ancestors' totals go down by as many."""
    struck = _delete_absences(session, year, body_ids, counted=True)
    if not struck:
        return
    total = table_of(models.AbsenceTotal)
    lower = (
        update(total)
        .where(total.c.year == year, total.c.ancestor_id == bindparam("ancestor"))
        .values(absent=total.c.absent - bindparam("struck"))
    )
    # In id order: concurrent ingests of a year then lock the same rows in the same order.
    session.execute(lower, [{"ancestor": a, "struck": n} for a, n in sorted(struck.items())])


def _delete_absences(
    session: Session, year: int, body_ids: Sequence[int], counted: bool
) -> Counter[int]:
    """Delete the absences of `body_ids` in `year`; with `counted`, how many per ancestor."""
    absence = models.Absence
    struck: Counter[int] = Counter()
    for start in range(0, len(body_ids), CHUNK):
        statement = (
            delete(absence)
            .where(
                absence.year == year,
                in_ids(session, absence.jurisdiction_id, body_ids[start : start + CHUNK]),
            )
            .execution_options(synchronize_session=False)
        )
        if counted:
            struck.update(session.scalars(statement.returning(absence.ancestor_id)))
        else:
            session.execute(statement)
    return struck


def _bump_version(session: Session) -> None:
    state = models.ServiceState
    statement = insert_for(session)(state).values(key=HIERARCHY_VERSION, value=1)
    session.execute(
        statement.on_conflict_do_update(index_elements=["key"], set_={"value": state.value + 1})
    )


def ancestors(session: Session, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[int]]:
    """For each (body, year), the ids of the body and everything above it in that year."""
    closure = models.Closure
    years: dict[int, set[int]] = {}
    for body, year in pairs:
        years.setdefault(body, set()).add(year)
    bodies = sorted(years)
    found: dict[tuple[int, int], list[int]] = {pair: [] for pair in pairs}
    for start in range(0, len(bodies), 5000):
        rows = session.execute(
            select(closure.descendant_id, closure.ancestor_id, closure.lo, closure.hi).where(
                in_ids(session, closure.descendant_id, bodies[start : start + 5000])
            )
        )
        for body, ancestor, lo, hi in rows:
            for year in years[body]:
                if lo <= year <= hi:
                    found[(body, year)].append(ancestor)
    return found
