"""Roll-ups along the hierarchy, year-over-year comparisons and series."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import SettingsDep
from app.api.formats import ResponseFormat, csv_response, json_response, wants_csv
from app.api.values import CSV_OK
from app.db import SessionDep
from app.errors import InvalidRequest
from app.schemas.aggregates import (
    AggregateRead,
    CellRead,
    ComparisonItem,
    ComparisonRead,
    GroupLevel,
    SeriesPoint,
    SeriesRead,
)
from app.schemas.common import MIN_YEAR, Code, MetricKey
from app.services import aggregates, comparisons

router = APIRouter(tags=["aggregates"])

Metrics = Annotated[list[MetricKey], Query(description="One or more metric keys.")]
YearParam = Annotated[int, Query(ge=MIN_YEAR, le=2100)]
RESPONSES = CSV_OK


def ratio_number(value: Decimal | None) -> int | float | None:
    """Ratios keep their fraction; counts and money go out as JSON numbers."""
    if value is None:
        return None
    whole = int(value)
    return whole if whole == value else float(value)


@router.get(
    "/aggregates", operation_id="get_aggregates", response_model=AggregateRead, responses=RESPONSES
)
def get_aggregates(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    metric: Metrics,
    year: YearParam,
    within: Annotated[Code | None, Query(description="Default: the whole country.")] = None,
    by: Annotated[GroupLevel | None, Query(description="Group by this level.")] = None,
    missing_limit: Annotated[
        int | None, Query(ge=0, le=1000, description="Cap of the `missing` lists.")
    ] = None,
    format: ResponseFormat = None,
) -> Response:
    """Totals of the bodies under `within` (or each `by` group), with coverage."""
    cap = settings.missing_cap if missing_limit is None else missing_limit
    result = aggregates.aggregate(session, metric, within, year, by, cap)
    groups: list[dict[str, Any]] = [
        {
            "code": group.code,
            "name": group.name,
            "level": group.level,
            "metrics": {key: _cell(result.cells[(group.id, key)]) for key in result.metrics},
        }
        for group in result.groups
    ]
    if wants_csv(request, format):
        rows = (
            {"code": g["code"], "name": g["name"], "level": g["level"], "metric": key, **cell}
            | {"missing": " ".join(cell["missing"])}
            for g in groups
            for key, cell in g["metrics"].items()
        )
        columns = ["code", "name", "level", "metric", *CellRead.model_fields]
        return csv_response(columns, rows, dict(response.headers))
    answer = {"year": year, "within": within, "by": by, "groups": groups}
    return json_response(answer, dict(response.headers))


def _cell(cell: aggregates.Cell) -> dict[str, Any]:
    """A CellRead as a plain dict (see formats.json_response)."""
    read = {
        "value": ratio_number(cell.value),
        "expected": cell.expected,
        "reporting": cell.reporting,
        "missing": cell.missing,
        "missing_count": cell.missing_count,
        "reported": None,
        "difference": None,
    }
    if cell.has_aggregate_report:
        read["reported"] = ratio_number(cell.reported)
        read["difference"] = ratio_number(cell.difference)
    return read


@router.get(
    "/comparisons",
    operation_id="get_comparisons",
    response_model=ComparisonRead,
    responses=RESPONSES,
)
def get_comparisons(
    request: Request,
    response: Response,
    session: SessionDep,
    metric: Metrics,
    year: YearParam,
    jurisdiction: Annotated[Code | None, Query(description="One body.")] = None,
    within: Annotated[Code | None, Query(description="Groups under this body.")] = None,
    by: GroupLevel | None = None,
    base_year: Annotated[int | None, Query(ge=MIN_YEAR, le=2100)] = None,
    constant_sample: Annotated[
        bool, Query(description="Only bodies that reported in both years.")
    ] = False,
    format: ResponseFormat = None,
) -> Response:
    """Year over year: both values, the change and the flags that qualify it."""
    base = base_year if base_year is not None else year - 1
    if jurisdiction is not None and (within is not None or by is not None):
        raise InvalidRequest(
            "Give jurisdiction (one body) or within/by (groups), not both",
            errors=[{"pointer": "query:jurisdiction", "detail": "not with within or by"}],
        )
    if jurisdiction is not None:
        found = comparisons.compare_body(session, jurisdiction, metric, year, base)
    else:
        found = comparisons.compare_groups(session, metric, within, by, year, base, constant_sample)
    items: list[dict[str, Any]] = [
        {
            "code": item.code,
            "name": item.name,
            "metric": item.metric,
            "value": ratio_number(item.result.value),
            "base_value": ratio_number(item.result.base_value),
            "change": ratio_number(item.result.change),
            "pct_change": _percent(item.result.pct_change),
            "flags": item.result.flags,
            "sample_size": item.result.sample_size,
        }
        for item in found
    ]
    if wants_csv(request, format):
        rows = (i | {"flags": " ".join(i["flags"])} for i in items)
        return csv_response(list(ComparisonItem.model_fields), rows, dict(response.headers))
    answer = {"year": year, "base_year": base, "constant_sample": constant_sample, "items": items}
    return json_response(answer, dict(response.headers))


def _percent(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 4)


@router.get("/series", operation_id="get_series", response_model=SeriesRead, responses=RESPONSES)
def get_series(
    request: Request,
    response: Response,
    session: SessionDep,
    metric: MetricKey,
    jurisdiction: Annotated[Code | None, Query(description="One body.")] = None,
    within: Annotated[Code | None, Query(description="The roll-up of this subtree.")] = None,
    year_from: Annotated[int, Query(ge=MIN_YEAR, le=2100)] = 2008,
    year_to: Annotated[int | None, Query(ge=MIN_YEAR, le=2100)] = None,
    format: ResponseFormat = None,
) -> Response:
    """One metric year by year, with coverage and yearly change, for a line chart."""
    last = year_to if year_to is not None else dt.date.today().year - 1
    if last < year_from:
        raise InvalidRequest(
            f"year_to {last} is before year_from {year_from}",
            errors=[{"pointer": "query:year_to", "detail": "before year_from"}],
        )
    if jurisdiction is not None and within is not None:
        raise InvalidRequest(
            "Give jurisdiction or within, not both",
            errors=[{"pointer": "query:within", "detail": "not with jurisdiction"}],
        )
    group, points = comparisons.series(session, metric, jurisdiction, within, year_from, last)
    items: list[dict[str, Any]] = [
        {
            "year": p.year,
            "value": ratio_number(p.value),
            "expected": p.expected,
            "reporting": p.reporting,
            "change": ratio_number(p.result.change),
            "pct_change": _percent(p.result.pct_change),
            "flags": p.result.flags,
        }
        for p in points
    ]
    if wants_csv(request, format):
        rows = (i | {"flags": " ".join(i["flags"])} for i in items)
        return csv_response(list(SeriesPoint.model_fields), rows, dict(response.headers))
    answer = {"metric": metric, "code": group.code, "points": items}
    return json_response(answer, dict(response.headers))
