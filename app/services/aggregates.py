"""Roll-ups along the hierarchy of a year, with coverage; read from the maintained tables.

A group's value is the roll-up of its body: the facts of every body in its subtree in that
year (its own included). `expected` counts those bodies, `reporting` those with a number for
the metric. Ratios are recomputed from the summed numerators and denominators of the bodies
that reported all their parts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, Literal

from sqlalchemy import (
    Integer,
    SmallInteger,
    bindparam,
    case,
    func,
    null,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session, aliased

from app import catalog, models
from app.db import among, dialect_of, grouped, id_table, rows_of
from app.errors import InvalidRequest, NotFound
from app.rules import plain
from app.services import catalog as catalog_service
from app.services import findings as findings_service
from app.services import jurisdictions

COUNTRY = "country"
GROUP_LEVELS = ("province", "prefecture", "county", "township")


@dataclass(frozen=True)
class Group:
    id: int | None  # None: the whole country
    code: str | None
    name: str
    level: str


@dataclass
class Cell:
    """One group × metric: the computed value and its coverage."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    expected: int = 0
    reporting: int = 0
    revised: int = 0
    missing: list[str] = field(default_factory=list)
    reported: Decimal | None = None
    has_aggregate_report: bool = False

    @property
    def missing_count(self) -> int:
        return max(self.expected - self.reporting, 0)

    @property
    def difference(self) -> Decimal | None:
        if self.reported is None or self.value is None:
            return None
        return self.reported - self.value


@dataclass
class Aggregate:
    year: int
    by: str | None
    metrics: list[str]
    groups: list[Group]
    cells: dict[tuple[int | None, str], Cell]


def check_metrics(keys: Sequence[str]) -> list[catalog.Metric]:
    """The metrics asked for; unknown and `none` metrics are refused naming the metric."""
    if not keys:
        raise InvalidRequest(
            "Give at least one metric", errors=[{"pointer": "query:metric", "detail": "required"}]
        )
    errors = []
    found = []
    for key in dict.fromkeys(keys):
        metric = catalog.get(key)
        if metric is None:
            errors.append({"pointer": "query:metric", "detail": f"unknown metric {key!r}"})
        elif metric.aggregation == "none":
            errors.append(
                {
                    "pointer": "query:metric",
                    "detail": f"{key} does not aggregate (aggregation none): adding it across "
                    "bodies would count the same thing many times",
                }
            )
        else:
            found.append(metric)
    if errors:
        raise InvalidRequest("; ".join(e["detail"] for e in errors), errors=errors)
    return found


def stored_keys(metric: catalog.Metric) -> list[str]:
    """The fact metrics a catalog metric is read from."""
    if metric.aggregation == "ratio":
        return [catalog.ratio_part_key(metric.key, p) for p in ("numerator", "denominator")]
    return [metric.key]


COUNTRY_GROUP = Group(None, None, "全国", COUNTRY)


def resolve_within(session: Session, code: str | None) -> Group:
    if code is None:
        return COUNTRY_GROUP
    row = rows_of(session, _body_statement(), {"code": code}).first()
    if row is None:
        raise NotFound(f"No jurisdiction with code {code!r}", code=code)
    return Group(*row)


@cache
def _body_statement() -> Any:
    body = models.Jurisdiction
    return select(body.id, body.code, body.name, body.level).where(body.code == bindparam("code"))


# Parameters of the statements below, which are built once per dialect (see db.rows_of).
YEAR = bindparam("year", type_=SmallInteger)
CAP = bindparam("cap", type_=Integer)


@cache
def _level_statement() -> Any:
    """The bodies of a level valid in a year."""
    body = models.Jurisdiction
    return select(body.id).where(
        body.level == bindparam("level"),
        jurisdictions.valid_in(YEAR, body.valid_from, body.valid_to),
    )


def _members(session: Session, groups: list[Group], year: int) -> dict[int | None, list[int]]:
    """The roll-up rows that make each group: its own body, or all provinces for the country."""
    provinces: list[int] = []
    if any(g.id is None for g in groups):
        params = {"level": "province", "year": year}
        provinces = list(rows_of(session, _level_statement(), params).scalars())
    return {g.id: (provinces if g.id is None else [g.id]) for g in groups}


@dataclass
class Numbers:
    """What the maintained tables hold for some ancestors in a year."""

    bodies: dict[int, Group]  # in code order
    sizes: dict[int, int]
    sums: dict[tuple[int, int], tuple[Decimal, int, int]]
    with_aggregate_report: set[int]
    # Per ancestor, when asked for: its bodies without a `self` report, and the first codes.
    absent: dict[int, tuple[int, list[str]]]
    # When a base year was asked for: the same bodies' sums in that year, and those whose
    # subtree differs between the two years.
    base_sums: dict[tuple[int, int], tuple[Decimal, int, int]] = field(default_factory=dict)
    moved: set[int] = field(default_factory=set)

    def in_base_year(self) -> Numbers:
        """The base year's sums of the same bodies (sizes and reports are not read for it)."""
        return Numbers(self.bodies, {}, self.base_sums, set(), {})


# Which bodies a numbers statement reads, and the parameters that pick them:
# "ids" (`ancestors`), "code" (the body `within`), "level" (every body of `level` valid in
# the year) and "under" (the bodies of `level` under the body `within` in the year).
Source = Literal["ids", "code", "level", "under"]


def subtree_numbers(
    session: Session, ancestor_ids: list[int], year: int, metric_ids: list[int]
) -> Numbers:
    """Subtree sizes, sums and whether an aggregate report exists, for ancestors by id."""
    return read_numbers(session, "ids", {"ancestors": ancestor_ids}, year, metric_ids, 0)


def read_numbers(
    session: Session,
    source: Source,
    params: dict[str, Any],
    year: int,
    metric_ids: list[int],
    cap: int,
    base_year: int | None = None,
) -> Numbers:
    """The bodies that `source` picks, each with its subtree size, sums (the body's own fact
    plus the roll-up below it), whether it has an aggregate-scope report and, when `cap` > 0,
    its absences; with a `base_year`, also their sums in that year and whether their subtree
    changed: one statement, because on a warm database the round trips are the cost."""
    lead = min(metric_ids)
    params = {**params, "metrics": metric_ids, "year": year, "cap": cap, "lead": lead}
    with_base = base_year is not None
    if with_base:
        params["base_year"] = base_year
    statement = _numbers_statement(dialect_of(session), source, cap > 0, with_base)
    found = Numbers({}, {}, {}, set(), {})
    for row in rows_of(session, statement, params).all():
        ancestor, code, name, level, bodies, has_report, absent, first, metric_id = row[:9]
        if metric_id == lead:
            found.bodies[ancestor] = Group(ancestor, code, name, level)
            found.sizes[ancestor] = bodies or 0
            if has_report:
                found.with_aggregate_report.add(ancestor)
            if cap > 0:  # no totals row: no absences that year
                found.absent[ancestor] = (absent or 0, first.split(SEPARATOR) if first else [])
            if with_base and row[19]:
                found.moved.add(ancestor)
        _add_sum(found.sums, (ancestor, metric_id), row[9:14])
        if with_base:
            _add_sum(found.base_sums, (ancestor, metric_id), row[14:19])
    found.bodies = dict(sorted(found.bodies.items(), key=lambda item: item[1].code or ""))
    return found


def _add_sum(
    sums: dict[tuple[int, int], tuple[Decimal, int, int]], key: tuple[int, int], row: Any
) -> None:
    """A body's own fact plus the roll-up below it, where it has either."""
    own, own_revised, below, reporting, revised = row
    if own is None and below is None:
        return
    sums[key] = (
        (own or Decimal(0)) + (below or Decimal(0)),
        (own is not None) + (reporting or 0),
        bool(own_revised) + (revised or 0),
    )


# Joins the first absent codes of one body; codes cannot hold control characters.
SEPARATOR = "\x1f"


@cache
def _numbers_statement(dialect: str, source: Source, with_absences: bool, with_base: bool) -> Any:
    """One row per body × metric. The per-body columns that cost an index probe each (the
    absences' total and first codes, whether the subtree moved) are only worked out on the
    row of the `lead` metric: CASE evaluates its subqueries lazily on both databases, and a
    national answer has 34 bodies × 10 metrics."""
    body, size, report, metric = (
        models.Jurisdiction,
        models.SubtreeSize,
        models.Report,
        models.Metric,
    )
    aggregate_report = (
        select(report.id)
        .where(report.jurisdiction_id == body.id, report.year == YEAR, report.scope == "aggregate")
        .exists()
    )
    in_year = (size.ancestor_id == body.id) & (size.lo <= YEAR) & (size.hi >= YEAR)
    absent, first = _absence_columns(dialect, with_absences)
    # The metric ids and the level are written into the SQL text (literal_execute), the
    # years and codes stay parameters. With those few values known, PostgreSQL's generic
    # plan of the prepared statement (psycopg prepares a text run 5 times on a connection)
    # is as good as a custom one, so it stops planning each request: the planning of this
    # 7-relation join was 2 of the national comparison's 4 ms. As parameters, the generic
    # plan guessed an average level's thousands of bodies and it kept planning (measured;
    # session 6 in docs/decisions.md).
    lead = metric.id == bindparam("lead", type_=Integer, literal_execute=True)
    fact, rollup, own, below = _sum_tables(YEAR, "")
    columns = [
        *(body.id, body.code, body.name, body.level, size.bodies, aggregate_report),
        *(case((lead, absent)), case((lead, first)), metric.id),
        *(fact.value, fact.revised, rollup.value, rollup.reporting, rollup.revised),
    ]
    query = (
        select(*columns)
        .select_from(body)
        .join(metric, metric.id.in_(bindparam("metrics", expanding=True, literal_execute=True)))
        .outerjoin(size, in_year)
        .outerjoin(fact, own)
        .outerjoin(rollup, below)
    )
    if with_base:
        base = bindparam("base_year", type_=SmallInteger)
        fact, rollup, own, below = _sum_tables(base, "base_")
        moved = case((lead, subtree_moved(body, base)))
        sums = (fact.value, fact.revised, rollup.value, rollup.reporting, rollup.revised)
        query = query.add_columns(*sums, moved).outerjoin(fact, own).outerjoin(rollup, below)
    return _picked(query, dialect, source)


def _sum_tables(year: Any, prefix: str) -> tuple[Any, Any, Any, Any]:
    """`facts` and `rollups` (aliased as `<prefix>facts`, `<prefix>rollups`) with the
    conditions that join them to the body and metric of a numbers row in `year`."""
    body, metric = models.Jurisdiction, models.Metric
    fact: Any = aliased(models.Fact, name=f"{prefix}facts") if prefix else models.Fact
    rollup: Any = aliased(models.Rollup, name=f"{prefix}rollups") if prefix else models.Rollup
    own = (fact.year == year) & (fact.metric_id == metric.id) & (fact.jurisdiction_id == body.id)
    below = (
        (rollup.year == year) & (rollup.metric_id == metric.id) & (rollup.ancestor_id == body.id)
    )
    return fact, rollup, own, below


def subtree_moved(body: Any, base_year: Any) -> Any:
    """Whether some edge below `body` holds in one of the two years but not the other."""
    edge = aliased(models.Closure, name="edges")
    covers_year = (edge.lo <= YEAR) & (edge.hi >= YEAR)
    covers_base = (edge.lo <= base_year) & (edge.hi >= base_year)
    return (
        select(edge.ancestor_id)
        .where(
            # Spelled as the partial index's predicate: SQLite would render the column as
            # `bounded = 1`, which it does not match to `WHERE bounded`, and scan.
            text("edges.bounded"),
            edge.ancestor_id == body.id,
            covers_year != covers_base,
        )
        .exists()
    )


def _absence_columns(dialect: str, with_absences: bool) -> tuple[Any, Any]:
    """The body's count of absences in the year (from `absence_totals`) and the first `cap`
    of their codes joined by SEPARATOR (from the (year, ancestor, code) index)."""
    if not with_absences:
        return null(), null()
    absence, total, body = models.Absence, models.AbsenceTotal, models.Jurisdiction
    count = (
        select(total.absent)
        .where(total.year == YEAR, total.ancestor_id == body.id)
        .correlate(body)
        .scalar_subquery()
    )
    leading = (
        select(absence.code)
        .where(absence.year == YEAR, absence.ancestor_id == body.id)
        .order_by(absence.code)
        .limit(CAP)
        .correlate(body)
    ).subquery("first")
    joined = (
        func.string_agg(leading.c.code, SEPARATOR)
        if dialect == "postgresql"
        else func.group_concat(leading.c.code, SEPARATOR)
    )
    return count, select(joined).scalar_subquery()


def _picked(query: Any, dialect: str, source: Source) -> Any:
    """`query` (over `Jurisdiction` as the body) restricted to the bodies `source` picks."""
    body = models.Jurisdiction
    if source == "ids":
        return query.where(among(dialect, body.id, "ancestors"))
    if source == "code":
        return query.where(body.code == bindparam("within"))
    query = query.where(body.level == bindparam("level", literal_execute=True))
    if source == "level":
        return query.where(jurisdictions.valid_in(YEAR, body.valid_from, body.valid_to))
    outer, closure = aliased(models.Jurisdiction), models.Closure
    within = select(outer.id).where(outer.code == bindparam("within")).scalar_subquery()
    return query.join(closure, closure.descendant_id == body.id).where(
        closure.ancestor_id == within, closure.lo <= YEAR, closure.hi >= YEAR
    )


def _missing(
    session: Session, members: dict[int | None, list[int]], year: int, metric_id: int, cap: int
) -> dict[int | None, list[str]]:
    """Up to `cap` codes per group of bodies without a number for the metric (the first in
    load order, listed by code).

    Load order is the closure's index order, so PostgreSQL reads each group's subtree only
    until it has found `cap` (a LATERAL ... LIMIT); SQLite, which has no LATERAL, ranks them.
    """
    owner = {member: group for group, ids in members.items() for member in ids}
    params = {"ancestors": list(owner), "year": year, "metric": metric_id, "cap": cap}
    found: dict[int | None, list[str]] = defaultdict(list)
    for member, code in rows_of(session, _missing_statement(dialect_of(session)), params).all():
        found[owner[member]].append(code)
    return {group: sorted(codes)[:cap] for group, codes in found.items()}


@cache
def _missing_statement(dialect: str) -> Any:
    closure, body, fact = models.Closure, models.Jurisdiction, models.Fact
    reported = select(fact.jurisdiction_id).where(
        fact.year == YEAR,
        fact.metric_id == bindparam("metric"),
        fact.jurisdiction_id == closure.descendant_id,
    )
    lacking = (closure.lo <= YEAR) & (closure.hi >= YEAR) & ~reported.exists()
    if dialect == "postgresql":
        groups = id_table("ancestors")
        first = (
            select(closure.descendant_id)
            .where(closure.ancestor_id == groups.c.group_id, lacking)
            .order_by(closure.descendant_id)
            .limit(CAP)
            .lateral("first")
        )
        return (
            select(groups.c.group_id, body.code)
            .select_from(groups)
            .join(first, true())
            .join(body, body.id == first.c.descendant_id)
        )
    rank = func.row_number().over(partition_by=closure.ancestor_id, order_by=closure.descendant_id)
    ranked = (
        select(closure.ancestor_id, closure.descendant_id, rank.label("rank"))
        .where(among(dialect, closure.ancestor_id, "ancestors"), lacking)
        .subquery()
    )
    return (
        select(ranked.c.ancestor_id, body.code)
        .join(body, body.id == ranked.c.descendant_id)
        .where(ranked.c.rank <= CAP)
    )


def aggregate(
    session: Session,
    keys: Sequence[str],
    within_code: str | None,
    year: int,
    by: str | None,
    missing_cap: int,
) -> Aggregate:
    """Every group × metric with value and coverage, as the hierarchy stood in `year`."""
    metrics = check_metrics(keys)
    groups, cells = question_cells(session, metrics, within_code, by, year, missing_cap)
    return Aggregate(year, by, [m.key for m in metrics], groups, cells)


def question_cells(
    session: Session,
    metrics: list[catalog.Metric],
    within_code: str | None,
    by: str | None,
    year: int,
    missing_cap: int,
) -> tuple[list[Group], dict[tuple[int | None, str], Cell]]:
    """The groups of a question (`within` itself, or its bodies of level `by`, in `year`)
    with their cells. The groups are picked inside the statement that reads their numbers
    (see `_picked`): one round trip."""
    ids = catalog_service.metric_ids(session)
    source, params = _source_of(within_code, by)
    found = read_numbers(session, source, params, year, _wanted(metrics, ids), missing_cap)
    members: dict[int | None, list[int]]
    if within_code is None and by is None:
        groups, members = [COUNTRY_GROUP], {None: list(found.bodies)}
    else:
        groups, members = list(found.bodies.values()), {id_: [id_] for id_ in found.bodies}
    if within_code is not None and not groups:
        resolve_within(session, within_code)  # a 404 if there is no such body
    return groups, _finish(session, groups, members, metrics, year, missing_cap, found, ids)


@dataclass
class YearPair:
    """The groups of a question with their cells in a year and in a base year, and the
    groups whose subtree differs between the two years."""

    groups: list[Group]
    now: dict[tuple[int | None, str], Cell]
    then: dict[tuple[int | None, str], Cell]
    moved: set[int | None]


def paired_cells(
    session: Session,
    metrics: list[catalog.Metric],
    within_code: str | None,
    by: str | None,
    year: int,
    base_year: int,
) -> YearPair:
    """A comparison's groups as they stand in `year`, each with its cells in both years
    (without `missing` lists), from one statement. The base side holds sums only: its
    `expected` is not read."""
    if within_code is None and by is None:  # the country is no body: its provinces may differ
        groups, now = question_cells(session, metrics, None, None, year, 0)
        then = compute_cells(session, groups, metrics, base_year, missing_cap=0)
        return YearPair(groups, now, then, set())
    ids = catalog_service.metric_ids(session)
    source, params = _source_of(within_code, by)
    wanted = _wanted(metrics, ids)
    found = read_numbers(session, source, params, year, wanted, 0, base_year)
    groups = list(found.bodies.values())
    if within_code is not None and not groups:
        resolve_within(session, within_code)  # a 404 if there is no such body
    members: dict[int | None, list[int]] = {id_: [id_] for id_ in found.bodies}
    now = _finish(session, groups, members, metrics, year, 0, found, ids)
    then = _finish(session, groups, members, metrics, base_year, 0, found.in_base_year(), ids)
    return YearPair(groups, now, then, set(found.moved))


def _source_of(within_code: str | None, by: str | None) -> tuple[Source, dict[str, Any]]:
    """How `read_numbers` picks a question's groups (the country: its provinces)."""
    if within_code is None:
        return "level", {"level": by or "province"}
    if by is None:
        return "code", {"within": within_code}
    return "under", {"within": within_code, "level": by}


def _wanted(metrics: list[catalog.Metric], ids: dict[str, int]) -> list[int]:
    return sorted({ids[k] for metric in metrics for k in stored_keys(metric)})


def compute_cells(
    session: Session,
    groups: list[Group],
    metrics: list[catalog.Metric],
    year: int,
    missing_cap: int,
) -> dict[tuple[int | None, str], Cell]:
    """The cells of groups already known (a comparison's, a series' group)."""
    ids = catalog_service.metric_ids(session)
    members = _members(session, groups, year)
    params = {"ancestors": sorted({m for ms in members.values() for m in ms})}
    found = read_numbers(session, "ids", params, year, _wanted(metrics, ids), missing_cap)
    return _finish(session, groups, members, metrics, year, missing_cap, found, ids)


def _finish(
    session: Session,
    groups: list[Group],
    members: dict[int | None, list[int]],
    metrics: list[catalog.Metric],
    year: int,
    missing_cap: int,
    found: Numbers,
    ids: dict[str, int],
) -> dict[tuple[int | None, str], Cell]:
    """Cells from the numbers read; `missing` lists and aggregate reports' own totals."""
    stored = {metric.key: [ids[k] for k in stored_keys(metric)] for metric in metrics}
    cells: dict[tuple[int | None, str], Cell] = {}
    for group in groups:
        expected = sum(found.sizes.get(m, 0) for m in members[group.id])
        for metric in metrics:
            cell = _cell(metric, stored[metric.key], members[group.id], found.sums)
            cell.expected = expected
            cells[(group.id, metric.key)] = cell
    if missing_cap > 0:
        _add_missing(session, groups, metrics, members, year, missing_cap, cells, ids, found)
    with_report = [g for g in groups if g.id in found.with_aggregate_report]
    if with_report:
        _add_reported(session, with_report, metrics, year, cells)
    return cells


def _add_missing(
    session: Session,
    groups: list[Group],
    metrics: list[catalog.Metric],
    members: dict[int | None, list[int]],
    year: int,
    cap: int,
    cells: dict[tuple[int | None, str], Cell],
    ids: dict[str, int],
    found: Numbers,
) -> None:
    """The `missing` lists: where every missing body simply has no report that year (the
    usual case), straight from the absences read with the numbers; otherwise by searching
    the subtree."""
    search: dict[str, dict[int | None, list[int]]] = defaultdict(dict)
    for group in groups:
        absent = [found.absent.get(m, (0, [])) for m in members[group.id]]
        count = sum(n for n, _ in absent)
        codes = sorted(code for _, first in absent for code in first)[:cap]
        for metric in metrics:
            cell = cells[(group.id, metric.key)]
            if cell.missing_count == count:
                cell.missing = codes
            else:  # some bodies reported, but not this metric
                search[metric.key][group.id] = members[group.id]
    for metric in metrics:
        if metric.key in search:
            lacking = _missing(session, search[metric.key], year, ids[stored_keys(metric)[0]], cap)
            for group_id, codes in lacking.items():
                cells[(group_id, metric.key)].missing = codes


def _cell(
    metric: catalog.Metric,
    stored: list[int],
    members: list[int],
    sums: dict[tuple[int, int], tuple[Decimal, int, int]],
) -> Cell:
    """The value of one group and metric from its members' sums (`stored`: the metric's
    fact ids, a ratio's numerator and denominator)."""
    cell = Cell()
    if len(members) == 1 and len(stored) == 1:  # a body's sum: the usual cell, one lookup
        row = sums.get((members[0], stored[0]))
        if row is not None:
            cell.value, cell.reporting, cell.revised = row
        return cell
    parts: list[Decimal | None] = []
    # Plain loops: a national answer computes hundreds of cells.
    for position, metric_id in enumerate(stored):
        total: Decimal | None = None
        reporting = revised = 0
        for member in members:
            row = sums.get((member, metric_id))
            if row is not None:
                total = row[0] if total is None else total + row[0]
                reporting += row[1]
                revised += row[2]
        parts.append(total)
        if position == 0:
            cell.reporting, cell.revised = reporting, revised
    if metric.aggregation == "ratio":
        cell.numerator, cell.denominator = parts
        if cell.numerator is not None and cell.denominator:
            cell.value = cell.numerator / cell.denominator
    else:
        cell.value = parts[0]
    return cell


def _add_reported(
    session: Session,
    groups: list[Group],
    metrics: list[catalog.Metric],
    year: int,
    cells: dict[tuple[int | None, str], Cell],
) -> None:
    """The totals printed in the groups' own aggregate-scope reports, where there are any."""
    group_ids = [g.id for g in groups if g.id is not None]
    if not group_ids:
        return
    printed = aggregate_report_numbers(session, {(g, year) for g in group_ids})
    for (group_id, _year), numbers in printed.items():
        for metric in metrics:
            cell = cells[(group_id, metric.key)]
            cell.has_aggregate_report = True
            cell.reported = metric_value(metric, numbers)


def metric_value(metric: catalog.Metric, numbers: dict[str, Decimal]) -> Decimal | None:
    """A metric's value within one report's numbers; ratios from their parts."""
    if metric.aggregation != "ratio":
        return numbers.get(metric.key)
    terms = {**metric.numerator, **metric.denominator}
    if not all(t in numbers for t in terms):
        return None
    numerator = sum((c * numbers[t] for t, c in metric.numerator.items()), Decimal(0))
    denominator = sum((c * numbers[t] for t, c in metric.denominator.items()), Decimal(0))
    return numerator / denominator if denominator else None


def aggregate_report_numbers(
    session: Session, pairs: set[tuple[int, int]]
) -> dict[tuple[int, int], dict[str, Decimal]]:
    """The numbers of the current aggregate-scope revisions of (body, year) pairs."""
    report, revision = models.Report, models.ReportRevision
    value, metric = models.ReportValue, models.Metric
    found: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
    for year, body_ids in grouped(pairs).items():
        # Aggregate reports are rare: look for them on the reports' index first.
        report_ids = list(
            rows_of(
                session,
                select(report.id).where(
                    report.year == year,
                    report.scope == "aggregate",
                    report.jurisdiction_id.in_(body_ids),
                ),
            ).scalars()
        )
        if not report_ids:
            continue
        rows = rows_of(
            session,
            select(report.jurisdiction_id, metric.key, value.value)
            .join(
                revision, (revision.report_id == report.id) & (revision.number == report.revision)
            )
            .join(value, value.revision_id == revision.id)
            .join(metric, metric.id == value.metric_id)
            .where(report.id.in_(report_ids), value.value.is_not(None)),
        )
        for body_id, key, number in rows:
            if number is not None:
                found[(body_id, year)][key] = number
    return found


MATCHES_CHILDREN = "aggregate.matches_children"


def recheck_aggregate_reports(
    session: Session, pairs: set[tuple[int, int]], ids: dict[str, int]
) -> None:
    """Replace the `aggregate.matches_children` findings of the aggregate reports at `pairs`."""
    printed = aggregate_report_numbers(session, pairs)
    if not printed:
        return
    report, revision = models.Report, models.ReportRevision
    revisions = {}
    for year, body_ids in grouped(printed).items():
        rows = session.execute(
            select(report, revision)
            .join(
                revision, (revision.report_id == report.id) & (revision.number == report.revision)
            )
            .where(
                report.year == year,
                report.scope == "aggregate",
                report.jurisdiction_id.in_(body_ids),
            )
        )
        revisions.update({(r.jurisdiction_id, r.year): rev for r, rev in rows})
    for (body_id, year), numbers in printed.items():
        current = revisions[(body_id, year)]
        keys = [k for k in numbers if (m := catalog.get(k)) and m.aggregation == "sum"]
        sums = subtree_numbers(session, [body_id], year, [ids[k] for k in keys]).sums
        findings = []
        for key in keys:
            computed = sums.get((body_id, ids[key]))
            if computed is None or computed[0] == numbers[key]:
                continue
            findings.append(
                {
                    "revision_id": current.id,
                    "rule": MATCHES_CHILDREN,
                    "severity": "warning",
                    "metrics": [key],
                    "expected": computed[0],
                    "actual": numbers[key],
                    "message": (
                        f"{key}: the aggregate report says {plain(numbers[key])}, the "
                        f"{computed[1]} reporting bodies of its subtree add up to "
                        f"{plain(computed[0])}"
                    ),
                }
            )
        findings_service.replace(session, current.id, [MATCHES_CHILDREN], findings)
