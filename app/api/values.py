"""Tidy values and data-quality findings: the rows dashboards pull."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import PROBLEMS
from app.api.formats import ResponseFormat, csv_response, wants_csv
from app.api.paging import PageDep, paginate
from app.db import SessionDep
from app.schemas.common import Code, Level, MetricKey, Page, Scope, as_number
from app.schemas.reports import FindingRow, ValueRow
from app.services import reports

router = APIRouter(tags=["values"])

CSV_OK: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}},
    404: PROBLEMS[404],
    422: PROBLEMS[422],
}
VALUE_COLUMNS = list(ValueRow.model_fields)
FINDING_COLUMNS = list(FindingRow.model_fields)


@router.get("/values", operation_id="list_values", response_model=Page[ValueRow], responses=CSV_OK)
def list_values(
    request: Request,
    response: Response,
    session: SessionDep,
    page: PageDep,
    metric: Annotated[list[MetricKey] | None, Query(description="One or more metric keys.")] = None,
    jurisdiction: Code | None = None,
    within: Annotated[Code | None, Query(description="Bodies in this subtree.")] = None,
    level: Level | None = None,
    year_from: Annotated[int | None, Query(ge=2007, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=2007, le=2100)] = None,
    scope: Scope = "self",
    format: ResponseFormat = None,
) -> Page[ValueRow] | Response:
    """Values of current report revisions as tidy rows; JSON or CSV."""
    filters = reports.ValueFilters(
        tuple(metric or ()), jurisdiction, within, level, year_from, year_to, scope
    )
    rows, next_url = paginate(
        request,
        response,
        page,
        lambda after, limit: reports.list_values(session, filters, after, limit),
        lambda row: (row.report_id, row.metric_id),
    )
    items = [
        ValueRow(
            jurisdiction=row.jurisdiction,
            name=row.name,
            level=row.level,
            year=row.year,
            scope=row.scope,
            format=row.format,
            revision=row.revision,
            metric=row.metric,
            value=as_number(row.value),
            state=row.state,
            approximate=row.approximate,
            derived=row.derived,
        )
        for row in rows
    ]
    if wants_csv(request, format):
        return csv_response(VALUE_COLUMNS, (i.model_dump() for i in items), dict(response.headers))
    return Page(items=items, next=next_url)


@router.get(
    "/findings", operation_id="list_findings", response_model=Page[FindingRow], responses=CSV_OK
)
def list_findings(
    request: Request,
    response: Response,
    session: SessionDep,
    page: PageDep,
    within: Annotated[Code | None, Query(description="Bodies in this subtree.")] = None,
    year: Annotated[int | None, Query(ge=2007, le=2100)] = None,
    rule: Annotated[str | None, Query(examples=["staff.sum"])] = None,
    severity: Literal["error", "warning"] | None = None,
    format: ResponseFormat = None,
) -> Page[FindingRow] | Response:
    """Data-quality findings of current report revisions."""
    filters = reports.FindingFilters(within, year, rule, severity)
    rows, next_url = paginate(
        request,
        response,
        page,
        lambda after, limit: reports.list_findings(session, filters, after, limit),
        lambda row: (row[0].id,),
    )
    items = [
        FindingRow(
            jurisdiction=code,
            name=name,
            year=year_,
            scope=scope,
            revision=number,
            rule=f.rule,
            severity=f.severity,
            metrics=f.metrics,
            expected=as_number(f.expected),
            actual=as_number(f.actual),
            message=f.message,
        )
        for f, code, name, year_, scope, number in rows
    ]
    if wants_csv(request, format):
        return csv_response(
            FINDING_COLUMNS,
            (i.model_dump() | {"metrics": " ".join(i.metrics)} for i in items),
            dict(response.headers),
        )
    return Page(items=items, next=next_url)
