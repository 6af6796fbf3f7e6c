"""Answers encoded by hand: CSV for the read endpoints that return rows (Accept: text/csv, or
format=csv), and JSON for the large aggregate answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal

import orjson
from fastapi import Query, Request
from fastapi.responses import Response

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"

ResponseFormat = Annotated[
    Literal["json", "csv"] | None, Query(description="csv, or send Accept: text/csv.")
]


def wants_csv(request: Request, format_param: str | None) -> bool:
    if format_param is not None:
        return format_param == "csv"
    accept = request.headers.get("Accept", "")
    return "text/csv" in accept and "application/json" not in accept


def _cell(value: Any) -> Any:
    """CSV cells spelled as in JSON: true/false, ISO 8601 timestamps."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def csv_response(
    columns: Sequence[str], rows: Iterable[dict[str, Any]], headers: dict[str, str]
) -> Response:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows({key: _cell(value) for key, value in row.items()} for row in rows)
    return Response(buffer.getvalue(), media_type=CSV_MEDIA_TYPE, headers=headers)


def json_response(payload: dict[str, Any], headers: dict[str, str]) -> Response:
    """`payload` (plain dicts, lists, numbers and strings) as JSON.

    A route that returns its pydantic model has FastAPI validate and then serialise it: for
    a national answer of hundreds of cells that cost more than the queries behind it. The
    aggregate routes build plain dicts shaped like their response models (which still
    document them) and send them with this. A returned Response does not get the headers
    that dependencies set on the route's `response`, hence `headers`.
    """
    return Response(orjson.dumps(payload), media_type="application/json", headers=headers)
