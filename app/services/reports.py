"""Reading reports: revisions, values and findings, one report or filtered lists."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session

from app import catalog, models
from app.errors import NotFound
from app.services import catalog as catalog_service
from app.services import jurisdictions


@dataclass(frozen=True)
class StoredValue:
    metric: str
    value: Decimal | None
    state: str
    approximate: bool
    derived: bool
    note: str | None


@dataclass(frozen=True)
class StoredReport:
    """A report revision as read back: what the API returns for a report."""

    jurisdiction: models.Jurisdiction
    report: models.Report
    revision: models.ReportRevision
    values: list[StoredValue]
    findings: list[models.Finding]


def values_of(session: Session, revision_id: int) -> list[StoredValue]:
    value, metric = models.ReportValue, models.Metric
    rows = session.execute(
        select(metric.key, value.value, value.state, value.approximate, value.derived, value.note)
        .join(metric, metric.id == value.metric_id)
        .where(value.revision_id == revision_id)
    ).all()
    order = {key: i for i, key in enumerate(catalog.metrics())}
    stored = [StoredValue(*row) for row in rows]
    return sorted(stored, key=lambda v: order.get(v.metric, len(order)))


def read(session: Session, report: models.Report, revision: models.ReportRevision) -> StoredReport:
    body = session.get_one(models.Jurisdiction, report.jurisdiction_id)
    return _stored(session, body, report, revision)


def _stored(
    session: Session,
    body: models.Jurisdiction,
    report: models.Report,
    revision: models.ReportRevision,
) -> StoredReport:
    findings = session.scalars(
        select(models.Finding)
        .where(models.Finding.revision_id == revision.id)
        .order_by(models.Finding.id)
    ).all()
    return StoredReport(body, report, revision, values_of(session, revision.id), list(findings))


def _find_report(
    session: Session, code: str, year: int, scope: str
) -> tuple[models.Jurisdiction, models.Report]:
    body = jurisdictions.get(session, code)
    report = session.scalar(
        select(models.Report).filter_by(jurisdiction_id=body.id, year=year, scope=scope)
    )
    if report is None or report.revision == 0:
        raise NotFound(f"No {scope} report of {code} for {year}", code=code, year=year)
    return body, report


def get(
    session: Session, code: str, year: int, scope: str = "self", revision: int | None = None
) -> StoredReport:
    """The current revision of a report, or the given one."""
    body, report = _find_report(session, code, year, scope)
    number = revision if revision is not None else report.revision
    found = session.scalar(
        select(models.ReportRevision).filter_by(report_id=report.id, number=number)
    )
    if found is None:
        raise NotFound(
            f"Report {code}/{year} has revisions 1..{report.revision}, not {number}",
            code=code,
            year=year,
            revision=number,
        )
    return _stored(session, body, report, found)


def revisions(
    session: Session, code: str, year: int, scope: str = "self"
) -> list[tuple[models.ReportRevision, int]]:
    """Every revision of a report, oldest first, with its number of values."""
    _, report = _find_report(session, code, year, scope)
    value = models.ReportValue
    counts = (
        select(value.revision_id, func.count().label("n")).group_by(value.revision_id).subquery()
    )
    rows = session.execute(
        select(models.ReportRevision, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.revision_id == models.ReportRevision.id)
        .where(models.ReportRevision.report_id == report.id)
        .order_by(models.ReportRevision.number)
    )
    return list(rows)


def current_revisions() -> Any:
    """Reports joined to their current revision: the rows that aggregates and lists read."""
    report, revision = models.Report, models.ReportRevision
    return (
        report,
        revision,
        (revision.report_id == report.id) & (revision.number == report.revision),
    )


@dataclass(frozen=True)
class ReportFilters:
    jurisdiction: str | None = None
    within: str | None = None
    year: int | None = None
    format: str | None = None
    scope: str | None = None
    has_findings: bool | None = None


def within_clause(session: Session, code: str, year: int | None, report: Any) -> Any:
    """Reports of bodies in the subtree of `code` as it stood in each report's year."""
    root = jurisdictions.get(session, code)
    closure = models.Closure
    inside = select(closure.descendant_id).where(
        closure.ancestor_id == root.id,
        closure.descendant_id == report.jurisdiction_id,
        closure.lo <= report.year,
        closure.hi >= report.year,
    )
    if year is not None:
        inside = inside.where(closure.lo <= year, closure.hi >= year)
    return inside.exists()


def list_query(session: Session, filters: ReportFilters) -> Select[Any]:
    """Current revisions with their body, filtered; ordered by report id for keyset paging."""
    report, revision, on = current_revisions()
    body = models.Jurisdiction
    query = (
        select(report, revision, body)
        .join(revision, on)
        .join(body, body.id == report.jurisdiction_id)
        .order_by(report.id)
    )
    if filters.jurisdiction:
        query = query.where(body.code == filters.jurisdiction)
    if filters.year is not None:
        query = query.where(report.year == filters.year)
    if filters.scope:
        query = query.where(report.scope == filters.scope)
    if filters.format:
        query = query.where(revision.format == filters.format)
    if filters.has_findings is not None:
        has = (revision.error_count + revision.warning_count) > 0
        query = query.where(has if filters.has_findings else ~has)
    if filters.within:
        query = query.where(within_clause(session, filters.within, filters.year, report))
    return query


def list_reports(
    session: Session, filters: ReportFilters, after: tuple[int, ...] | None, limit: int
) -> list[tuple[models.Report, models.ReportRevision, models.Jurisdiction]]:
    query = list_query(session, filters)
    if after:
        query = query.where(models.Report.id > after[0])
    return [tuple(row) for row in session.execute(query.limit(limit))]


@dataclass(frozen=True)
class ValueFilters:
    metrics: tuple[str, ...] = ()
    jurisdiction: str | None = None
    within: str | None = None
    level: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    scope: str = "self"


def list_values(
    session: Session, filters: ValueFilters, after: tuple[int, ...] | None, limit: int
) -> list[Any]:
    """Tidy rows (jurisdiction, year, metric, value, state) of current revisions."""
    report, revision, on = current_revisions()
    body, value, metric = models.Jurisdiction, models.ReportValue, models.Metric
    query = (
        select(
            report.id.label("report_id"),
            value.metric_id,
            body.code.label("jurisdiction"),
            body.name.label("name"),
            body.level,
            report.year,
            report.scope,
            revision.format,
            revision.number.label("revision"),
            metric.key.label("metric"),
            value.value,
            value.state,
            value.approximate,
            value.derived,
        )
        .join(revision, on)
        .join(value, value.revision_id == revision.id)
        .join(metric, metric.id == value.metric_id)
        .join(body, body.id == report.jurisdiction_id)
        .where(report.scope == filters.scope)
        .order_by(report.id, value.metric_id)
    )
    if filters.metrics:
        for key in filters.metrics:
            catalog_service.get_metric(key)
        query = query.where(metric.key.in_(filters.metrics))
    if filters.jurisdiction:
        query = query.where(body.code == filters.jurisdiction)
    if filters.level:
        query = query.where(body.level == filters.level)
    if filters.year_from is not None:
        query = query.where(report.year >= filters.year_from)
    if filters.year_to is not None:
        query = query.where(report.year <= filters.year_to)
    if filters.within:
        year = filters.year_from if filters.year_from == filters.year_to else None
        query = query.where(within_clause(session, filters.within, year, report))
    if after:
        query = query.where(tuple_(report.id, value.metric_id) > tuple_(*after))
    return list(session.execute(query.limit(limit)))


@dataclass(frozen=True)
class FindingFilters:
    within: str | None = None
    year: int | None = None
    rule: str | None = None
    severity: str | None = None


def list_findings(
    session: Session, filters: FindingFilters, after: tuple[int, ...] | None, limit: int
) -> list[Any]:
    """Findings of current revisions, with the report they belong to."""
    report, revision, on = current_revisions()
    body, finding = models.Jurisdiction, models.Finding
    query = (
        select(finding, body.code, body.name, report.year, report.scope, revision.number)
        .join(revision, finding.revision_id == revision.id)
        .join(report, on)
        .join(body, body.id == report.jurisdiction_id)
        .order_by(finding.id)
    )
    if filters.year is not None:
        query = query.where(report.year == filters.year)
    if filters.rule:
        query = query.where(finding.rule == filters.rule)
    if filters.severity:
        query = query.where(finding.severity == filters.severity)
    if filters.within:
        query = query.where(within_clause(session, filters.within, filters.year, report))
    if after:
        query = query.where(finding.id > after[0])
    return list(session.execute(query.limit(limit)))
