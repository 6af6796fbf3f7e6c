"""Ingestion and reading of reports: revisions, typed values, derived metrics and findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Select, func, insert, select, tuple_
from sqlalchemy.orm import Session

from app import catalog, models, rules
from app.db import insert_for
from app.errors import InconsistentReport, InvalidReport, NotFound, ProblemError
from app.schemas.common import as_number
from app.services import catalog as catalog_service
from app.services import jurisdictions
from app.services.report_input import ReportInput, ValueInput, check

Status = Literal["created", "revised", "unchanged"]


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


@dataclass(frozen=True)
class IngestResult:
    status: Status
    report: models.Report
    revision: models.ReportRevision


def derive(report_format: str, values: Sequence[ValueInput]) -> list[ValueInput]:
    """Derived metrics of the format whose parts are all numbers (approximate if any part is)."""
    numbers = {v.metric: v for v in values if v.value is not None}
    derived: list[ValueInput] = []
    for metric in catalog.derived_metrics(report_format):
        if not all(term in numbers for term in metric.terms):
            continue
        parts = [(coefficient, numbers[term]) for term, coefficient in metric.terms.items()]
        total = sum(
            (coefficient * (part.value or Decimal(0)) for coefficient, part in parts), Decimal(0)
        )
        approximate = any(part.approximate for _, part in parts)
        derived.append(ValueInput(metric.key, total, "reported", approximate))
    return derived


def numbers_of(values: Sequence[ValueInput] | Sequence[StoredValue]) -> dict[str, Decimal]:
    return {v.metric: v.value for v in values if v.value is not None}


def findings_for(
    report_format: str, values: Sequence[ValueInput], previous: Mapping[str, Decimal] | None
) -> list[rules.Finding]:
    """Single-report rules over posted and derived values, and the cross-year rules."""
    numbers = numbers_of(values)
    derived = frozenset(m.key for m in catalog.derived_metrics(report_format))
    found = rules.check_report(numbers, derived)
    if previous is not None:
        found += rules.check_against_previous(numbers, previous)
    return found


def _previous_numbers(
    session: Session, jurisdiction_id: int, year: int, scope: str
) -> dict[str, Decimal] | None:
    report = models.Report
    revision = models.ReportRevision
    revision_id = session.scalar(
        select(revision.id)
        .join(report, (revision.report_id == report.id) & (revision.number == report.revision))
        .where(
            report.jurisdiction_id == jurisdiction_id,
            report.year == year - 1,
            report.scope == scope,
        )
    )
    if revision_id is None:
        return None
    return numbers_of(values_of(session, revision_id))


def _lock_report(session: Session, jurisdiction_id: int, year: int, scope: str) -> models.Report:
    """The report row for (body, year, scope), created if new, locked until commit.

    Concurrent posters queue here: on PostgreSQL the insert waits for the other
    transaction's row and FOR UPDATE serialises the rest; SQLite writers hold the database
    lock from BEGIN IMMEDIATE.
    """
    key = {"jurisdiction_id": jurisdiction_id, "year": year, "scope": scope}
    session.execute(
        insert_for(session)(models.Report)
        .values(**key, revision=0)
        .on_conflict_do_nothing(index_elements=list(key))
    )
    return session.scalars(
        select(models.Report)
        .filter_by(**key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def current_revision(session: Session, report: models.Report) -> models.ReportRevision | None:
    return session.scalar(
        select(models.ReportRevision).where(
            models.ReportRevision.report_id == report.id,
            models.ReportRevision.number == report.revision,
        )
    )


def store(
    session: Session, report_in: ReportInput, jurisdiction_id: int, strict: bool
) -> IngestResult:
    """Store `report_in` as the next revision of its report, unless it is already current."""
    report = _lock_report(session, jurisdiction_id, report_in.year, report_in.scope)
    content_hash = report_in.content_hash()
    current = current_revision(session, report)
    if current is not None and current.content_hash == content_hash:
        return IngestResult("unchanged", report, current)

    derived = derive(report_in.format, report_in.values)
    values = [*report_in.values, *derived]
    previous = _previous_numbers(session, jurisdiction_id, report_in.year, report_in.scope)
    found = findings_for(report_in.format, values, previous)
    errors = [f for f in found if f.severity == "error"]
    if strict and errors:
        raise InconsistentReport(
            f"{len(errors)} error finding(s); nothing was stored (strict=true)",
            findings=[finding_json(f) for f in found],
        )

    revision = models.ReportRevision(
        report_id=report.id,
        number=report.revision + 1,
        format=report_in.format,
        title=report_in.title,
        published_on=report_in.published_on,
        source_url=report_in.source_url,
        source_hash=report_in.source_hash,
        parser_version=report_in.parser_version,
        problems=report_in.problems,
        improvements=report_in.improvements,
        content_hash=content_hash,
        error_count=len(errors),
        warning_count=len(found) - len(errors),
    )
    session.add(revision)
    session.flush()
    _insert_values(session, revision.id, report_in.values, derived)
    if found:
        session.execute(
            insert(models.Finding),
            [{"revision_id": revision.id, **finding_dict(f)} for f in found],
        )
    report.revision = revision.number
    report.updated_at = dt.datetime.now(dt.UTC)
    session.flush()
    return IngestResult("created" if revision.number == 1 else "revised", report, revision)


def _insert_values(
    session: Session, revision_id: int, posted: Sequence[ValueInput], derived: Sequence[ValueInput]
) -> None:
    ids = catalog_service.metric_ids(session)
    rows = [
        {
            "revision_id": revision_id,
            "metric_id": ids[v.metric],
            "value": v.value,
            "state": v.state,
            "approximate": v.approximate,
            "derived": is_derived,
            "note": v.note,
        }
        for group, is_derived in ((posted, False), (derived, True))
        for v in group
    ]
    if rows:
        session.execute(insert(models.ReportValue), rows)


def finding_dict(finding: rules.Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "metrics": list(finding.metrics),
        "expected": finding.expected,
        "actual": finding.actual,
        "message": finding.message,
    }


def finding_json(finding: rules.Finding) -> dict[str, Any]:
    return finding_dict(finding) | {
        "expected": as_number(finding.expected),
        "actual": as_number(finding.actual),
    }


def jurisdiction_id(session: Session, code: str) -> int | None:
    return session.scalar(select(models.Jurisdiction.id).where(models.Jurisdiction.code == code))


def ingest(session: Session, body: Any, strict: bool = False) -> IngestResult:
    """Check one decoded report body and store it; InvalidReport lists every problem."""
    report_in, errors = check(body)
    code = body.get("jurisdiction") if isinstance(body, dict) else None
    body_id = jurisdiction_id(session, code) if isinstance(code, str) and code else None
    if isinstance(code, str) and code and body_id is None:
        errors.insert(0, {"pointer": "/jurisdiction", "detail": f"unknown jurisdiction {code!r}"})
    if errors or report_in is None or body_id is None:
        raise InvalidReport(
            f"{len(errors)} problem(s) in the report; nothing was stored", errors=errors
        )
    return store(session, report_in, body_id, strict)


@dataclass(frozen=True)
class BatchItem:
    index: int
    status: str
    revision: int | None = None
    problem: dict[str, Any] | None = None


def problem_dict(error: ProblemError) -> dict[str, Any]:
    return {
        "type": f"/problems/{error.slug}",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        **error.extensions,
    }


def ingest_batch(session: Session, bodies: Sequence[Any], strict: bool) -> list[BatchItem]:
    """Each item in its own savepoint: a rejected item leaves no trace, the others stay."""
    items = []
    for index, body in enumerate(bodies):
        if isinstance(body, ProblemError):
            items.append(BatchItem(index, "rejected", problem=problem_dict(body)))
            continue
        try:
            with session.begin_nested():
                result = ingest(session, body, strict)
        except ProblemError as error:
            items.append(BatchItem(index, "rejected", problem=problem_dict(error)))
        else:
            items.append(BatchItem(index, result.status, revision=result.revision.number))
    return items


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


def read(session: Session, result: IngestResult) -> StoredReport:
    body = session.get_one(models.Jurisdiction, result.report.jurisdiction_id)
    return _stored(session, body, result.report, result.revision)


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
    tree = jurisdictions.subtree(root.id, year)
    return (
        select(tree.c.id)
        .where(
            tree.c.id == report.jurisdiction_id, tree.c.lo <= report.year, tree.c.hi >= report.year
        )
        .exists()
    )


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
