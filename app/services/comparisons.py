"""Year over year, for one body or for groups, and series over a range of years.

The arithmetic is `change()`, a pure function; the rest fetches the two sides: facts for a
body (its predecessors' when it did not exist yet), roll-ups for a group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Integer, SmallInteger, bindparam, func, select
from sqlalchemy.orm import Session

from app import catalog, models
from app.db import among, dialect_of, rows_of
from app.errors import NotFound
from app.services import aggregates, jurisdictions
from app.services import catalog as catalog_service
from app.services.aggregates import Group, stored_keys

FLAGS = (
    "missing_base",
    "missing_current",
    "zero_base",
    "format_break",
    "boundary_change",
    "revised",
)
PERCENT = Decimal(100)


@dataclass
class Side:
    """One year's value of a body or group, with what the flags need to know."""

    value: Decimal | None = None
    formats: frozenset[str] = frozenset()
    revised: bool = False
    expected: int = 0
    reporting: int = 0


@dataclass
class Change:
    value: Decimal | None
    base_value: Decimal | None
    change: Decimal | None
    pct_change: Decimal | None
    flags: list[str] = field(default_factory=list)
    sample_size: int | None = None


def change(current: Side, base: Side, boundary_change: bool = False) -> Change:
    """The difference of two sides and the flags that qualify it; never a silent number."""
    flags = set()
    if base.value is None:
        flags.add("missing_base")
    if current.value is None:
        flags.add("missing_current")
    if base.value == 0:
        flags.add("zero_base")
    if current.formats and base.formats and current.formats != base.formats:
        flags.add("format_break")
    if boundary_change:
        flags.add("boundary_change")
    if current.revised or base.revised:
        flags.add("revised")
    difference = pct = None
    if current.value is not None and base.value is not None:
        difference = current.value - base.value
        if base.value != 0:
            pct = difference / abs(base.value) * PERCENT
    return Change(current.value, base.value, difference, pct, [f for f in FLAGS if f in flags])


def era_format(year: int) -> str:
    """The national format of a year's reports: narrative to 2018, tables from 2019."""
    return "pre2019" if year <= 2018 else "2019" if year <= 2020 else "2021"


def _value(metric: catalog.Metric, parts: list[Decimal | None]) -> Decimal | None:
    if metric.aggregation != "ratio":
        return parts[0]
    numerator, denominator = parts
    if numerator is None or not denominator:
        return None
    return numerator / denominator


# One body ------------------------------------------------------------------------------


def _facts(
    session: Session, body_ids: Sequence[int], years: Sequence[int], metric_ids: Sequence[int]
) -> dict[tuple[int, int, int], tuple[Decimal, bool]]:
    params = {"bodies": list(body_ids), "years": list(years), "metrics": list(metric_ids)}
    rows = rows_of(session, _facts_statement(dialect_of(session)), params).all()
    return {(b, y, m): (v, r) for b, y, m, v, r in rows}


@cache
def _facts_statement(dialect: str) -> Any:
    fact = models.Fact
    return select(fact.jurisdiction_id, fact.year, fact.metric_id, fact.value, fact.revised).where(
        among(dialect, fact.jurisdiction_id, "bodies"),
        among(dialect, fact.year, "years"),
        among(dialect, fact.metric_id, "metrics"),
    )


def _formats(
    session: Session, body_ids: Sequence[int], years: Sequence[int]
) -> dict[tuple[int, int], str]:
    params = {"bodies": list(body_ids), "years": list(years)}
    rows = rows_of(session, _formats_statement(dialect_of(session)), params).all()
    return {(b, y): f for b, y, f in rows}


@cache
def _formats_statement(dialect: str) -> Any:
    report, revision = models.Report, models.ReportRevision
    return (
        select(report.jurisdiction_id, report.year, revision.format)
        .join(revision, (revision.report_id == report.id) & (revision.number == report.revision))
        .where(
            report.scope == "self",
            among(dialect, report.jurisdiction_id, "bodies"),
            among(dialect, report.year, "years"),
        )
    )


def predecessors(session: Session, body_id: int, base_year: int, year: int) -> list[int]:
    """Bodies that became `body_id` after `base_year` and by `year` (merge, rename, ...)."""
    succession = models.Succession
    return list(
        session.scalars(
            select(succession.predecessor_id).where(
                succession.successor_id == body_id,
                succession.year > base_year,
                succession.year <= year,
            )
        )
    )


def _body_side(
    metric: catalog.Metric,
    bodies: Sequence[int],
    year: int,
    facts: dict[tuple[int, int, int], tuple[Decimal, bool]],
    formats: dict[tuple[int, int], str],
    ids: dict[str, int],
) -> Side:
    parts: list[Decimal | None] = []
    revised = False
    reporting = 0
    for key in stored_keys(metric):
        found = [facts[(b, year, ids[key])] for b in bodies if (b, year, ids[key]) in facts]
        parts.append(sum((f[0] for f in found), Decimal(0)) if found else None)
        revised = revised or any(f[1] for f in found)
        reporting = max(reporting, len(found))
    used = frozenset(formats[(b, year)] for b in bodies if (b, year) in formats)
    return Side(_value(metric, parts), used, revised, len(bodies), reporting)


@dataclass
class Item:
    code: str | None
    name: str
    metric: str
    result: Change


def compare_body(
    session: Session, code: str, keys: Sequence[str], year: int, base_year: int
) -> list[Item]:
    """One body, this year against the base year (or its predecessors', flagged)."""
    metrics = aggregates.check_metrics(keys)
    body = jurisdictions.get(session, code)
    before = predecessors(session, body.id, base_year, year)
    base_bodies = before or [body.id]
    ids = catalog_service.metric_ids(session)
    metric_ids = [ids[k] for m in metrics for k in stored_keys(m)]
    everyone = [body.id, *before]
    facts = _facts(session, everyone, [year, base_year], metric_ids)
    formats = _formats(session, everyone, [year, base_year])
    items = []
    for metric in metrics:
        current = _body_side(metric, [body.id], year, facts, formats, ids)
        base = _body_side(metric, base_bodies, base_year, facts, formats, ids)
        items.append(Item(body.code, body.name, metric.key, change(current, base, bool(before))))
    return items


# Groups --------------------------------------------------------------------------------


def boundary_changes(
    session: Session, groups: list[Group], year: int, base_year: int
) -> set[int | None]:
    """Groups whose membership differs between the two years."""
    ids = [g.id for g in groups if g.id is not None]
    if not ids:
        return set()
    params = {"ancestors": ids, "year": year, "base_year": base_year}
    statement = _boundary_statement(dialect_of(session))
    return set(rows_of(session, statement, params).scalars().all())


@cache
def _boundary_statement(dialect: str) -> Any:
    body = models.Jurisdiction
    base_year = bindparam("base_year", type_=SmallInteger)
    return select(body.id).where(
        among(dialect, body.id, "ancestors"), aggregates.subtree_moved(body, base_year)
    )


def compare_groups(
    session: Session,
    keys: Sequence[str],
    within_code: str | None,
    by: str | None,
    year: int,
    base_year: int,
    constant_sample: bool,
) -> list[Item]:
    """Groups as they stand in `year`, each against its own roll-up of the base year."""
    metrics = aggregates.check_metrics(keys)
    pair = aggregates.paired_cells(session, metrics, within_code, by, year, base_year)
    groups, now, then, moved = pair.groups, pair.now, pair.then, pair.moved
    if within_code is None and by is None:
        moved = {None} if _country_changed(session, year, base_year) else set()
    samples = _constant_sample(session, groups, metrics, year, base_year) if constant_sample else {}
    items = []
    for group in groups:
        for metric in metrics:
            cell_now, cell_then = now[(group.id, metric.key)], then[(group.id, metric.key)]
            current = Side(cell_now.value, frozenset({era_format(year)}), cell_now.revised > 0)
            base = Side(cell_then.value, frozenset({era_format(base_year)}), cell_then.revised > 0)
            boundary = group.id in moved
            if constant_sample:
                sample = samples.get((group.id, metric.key), _Sample())
                current.value = _value(metric, sample.current)
                base.value = _value(metric, sample.base)
            result = change(current, base, boundary)
            if constant_sample:
                result.sample_size = samples.get((group.id, metric.key), _Sample()).size
            items.append(Item(group.code, group.name, metric.key, result))
    return items


def _country_changed(session: Session, year: int, base_year: int) -> bool:
    body = models.Jurisdiction
    provinces = [
        set(
            session.scalars(
                select(body.id).where(
                    body.level == "province",
                    jurisdictions.valid_in(y, body.valid_from, body.valid_to),
                )
            )
        )
        for y in (year, base_year)
    ]
    if provinces[0] != provinces[1]:
        return True
    groups = [Group(p, None, "", "province") for p in provinces[0]]
    return bool(boundary_changes(session, groups, year, base_year))


@dataclass
class _Sample:
    current: list[Decimal | None] = field(default_factory=lambda: [None, None])
    base: list[Decimal | None] = field(default_factory=lambda: [None, None])
    size: int = 0


def _constant_sample(
    session: Session,
    groups: list[Group],
    metrics: list[catalog.Metric],
    year: int,
    base_year: int,
) -> dict[tuple[int | None, str], _Sample]:
    """Per group and metric: sums over the bodies (members in `year`) that reported it in
    both years, and how many they are."""
    closure, body = models.Closure, models.Jurisdiction
    ids = catalog_service.metric_ids(session)
    now_fact = models.Fact.__table__.alias("now_fact")
    base_fact = models.Fact.__table__.alias("base_fact")
    owner: dict[int, int | None] = {}
    members: dict[int | None, list[int]] = {}
    for group in groups:
        if group.id is None:
            provinces = session.scalars(
                select(body.id).where(
                    body.level == "province",
                    jurisdictions.valid_in(year, body.valid_from, body.valid_to),
                )
            )
            members[None] = list(provinces)
        else:
            members[group.id] = [group.id]
        owner.update({m: group.id for m in members[group.id]})
    found: dict[tuple[int | None, str], _Sample] = defaultdict(_Sample)
    for metric in metrics:
        for position, key in enumerate(stored_keys(metric)):
            rows = session.execute(
                select(
                    closure.ancestor_id,
                    func.sum(now_fact.c.value),
                    func.sum(base_fact.c.value),
                    func.count(),
                )
                .join(
                    now_fact,
                    (now_fact.c.jurisdiction_id == closure.descendant_id)
                    & (now_fact.c.year == year)
                    & (now_fact.c.metric_id == ids[key]),
                )
                .join(
                    base_fact,
                    (base_fact.c.jurisdiction_id == closure.descendant_id)
                    & (base_fact.c.year == base_year)
                    & (base_fact.c.metric_id == ids[key]),
                )
                .where(
                    closure.ancestor_id.in_(list(owner)),
                    closure.lo <= year,
                    closure.hi >= year,
                )
                .group_by(closure.ancestor_id)
            )
            for ancestor, now_sum, base_sum, count in rows:
                sample = found[(owner[ancestor], metric.key)]
                sample.current[position] = (sample.current[position] or Decimal(0)) + now_sum
                sample.base[position] = (sample.base[position] or Decimal(0)) + base_sum
                if position == 0:
                    sample.size += count
    return found


# Series --------------------------------------------------------------------------------


@dataclass
class Point:
    year: int
    value: Decimal | None
    expected: int
    reporting: int
    result: Change


def series(
    session: Session,
    key: str,
    code: str | None,
    within_code: str | None,
    year_from: int,
    year_to: int,
) -> tuple[Group, list[Point]]:
    """One metric year by year for a body (`code`) or a subtree (`within_code`)."""
    [metric] = aggregates.check_metrics([key])
    years = list(range(year_from, year_to + 1))
    if code is not None:
        group, sides = _body_series(session, metric, code, years)
    else:
        group = aggregates.resolve_within(session, within_code)
        sides = _group_series(session, metric, group, years)
    points = []
    previous: Side | None = None
    for year in years:
        side = sides[year]
        if previous is None:  # the first point has nothing to compare with
            first = ["missing_current"] if side.value is None else []
            result = Change(side.value, None, None, None, first)
        else:
            moved = _moved(session, group, year, year - 1) if code is None else False
            result = change(side, previous, moved)
        points.append(Point(year, side.value, side.expected, side.reporting, result))
        previous = side
    return group, points


def _body_series(
    session: Session, metric: catalog.Metric, code: str, years: list[int]
) -> tuple[Group, dict[int, Side]]:
    """The body and its sides year by year, from one statement (see `_series_statement`)."""
    ids = catalog_service.metric_ids(session)
    params = {
        "code": code,
        "year_from": years[0],
        "year_to": years[-1],
        "metrics": [ids[k] for k in stored_keys(metric)],
    }
    rows = rows_of(session, _series_statement(dialect_of(session)), params).all()
    if not rows:
        raise NotFound(f"No jurisdiction with code {code!r}", code=code)
    body_id, _, name, level, valid_from, valid_to = rows[0][:6]
    facts: dict[tuple[int, int, int], tuple[Decimal, bool]] = {}
    formats: dict[tuple[int, int], str] = {}
    for *_, year, report_format, metric_id, value, revised in rows:
        if year is not None:
            formats[(body_id, year)] = report_format
        if metric_id is not None:
            facts[(body_id, year, metric_id)] = (value, revised)
    sides = {}
    for year in years:
        side = _body_side(metric, [body_id], year, facts, formats, ids)
        side.expected = int((valid_from or 0) <= year <= (valid_to or 9999))
        sides[year] = side
    return Group(body_id, code, name, level), sides


@cache
def _series_statement(dialect: str) -> Any:
    """The body of `code` (one row with NULLs if it has no report in the years), each of its
    `self` reports of `year_from`..`year_to` with its format, and the facts of `metrics` of
    those years: a facts row exists only where a `self` report does."""
    body, report, revision, fact = (
        models.Jurisdiction,
        models.Report,
        models.ReportRevision,
        models.Fact,
    )
    year_from = bindparam("year_from", type_=Integer)
    year_to = bindparam("year_to", type_=Integer)
    return (
        select(
            body.id,
            body.code,
            body.name,
            body.level,
            body.valid_from,
            body.valid_to,
            report.year,
            revision.format,
            fact.metric_id,
            fact.value,
            fact.revised,
        )
        .select_from(body)
        .outerjoin(
            report,
            (report.jurisdiction_id == body.id)
            & (report.scope == "self")
            & (report.year >= year_from)
            & (report.year <= year_to),
        )
        .outerjoin(
            revision, (revision.report_id == report.id) & (revision.number == report.revision)
        )
        .outerjoin(
            fact,
            (fact.jurisdiction_id == body.id)
            & (fact.year == report.year)
            & among(dialect, fact.metric_id, "metrics"),
        )
        .where(body.code == bindparam("code"))
    )


def _group_series(
    session: Session, metric: catalog.Metric, group: Group, years: list[int]
) -> dict[int, Side]:
    sides = {}
    for year in years:
        cell = aggregates.compute_cells(session, [group], [metric], year, missing_cap=0)[
            (group.id, metric.key)
        ]
        sides[year] = Side(
            cell.value,
            frozenset({era_format(year)}),
            cell.revised > 0,
            cell.expected,
            cell.reporting,
        )
    return sides


def _moved(session: Session, group: Group, year: int, base_year: int) -> bool:
    if group.id is None:
        return _country_changed(session, year, base_year)
    return bool(boundary_changes(session, [group], year, base_year))
