"""Report bodies and small helpers shared by the tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

from app.db import Base

COLUMNS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org"]


def count_rows(engine: Engine, model: type[Base]) -> int:
    with engine.connect() as connection:
        name = model.__tablename__
        return int(connection.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())


def request_row(row: str, per_column: list[int]) -> list[dict[str, Any]]:
    """The seven cells of a table-3 row: six applicant columns and their total."""
    cells = [
        {"metric": f"requests.{row}.{c}", "value": v}
        for c, v in zip(COLUMNS, per_column, strict=True)
    ]
    return [*cells, {"metric": f"requests.{row}.total", "value": sum(per_column)}]


def table_report(code: str, year: int, report_format: str = "2021", **extra: Any) -> dict[str, Any]:
    """A consistent table-format report: 12 new + 2 carried in = 13 handled + 1 carried out.

    Natural persons: 10 new, 2 carried in; handled 7 granted, 1 partial, 1 denied (state
    secret), 2 unable (not held), 0 otherwise; 1 carried out. Commercial: 2 new, both granted.
    """
    rows: dict[str, list[int]] = {
        "new": [10, 2, 0, 0, 0, 0],
        "carried_in": [2, 0, 0, 0, 0, 0],
        "granted": [7, 2, 0, 0, 0, 0],
        "partial": [1, 0, 0, 0, 0, 0],
        "denied.state_secret": [1, 0, 0, 0, 0, 0],
        "unable.not_held": [2, 0, 0, 0, 0, 0],
        "total_handled": [11, 2, 0, 0, 0, 0],
        "carried_out": [1, 0, 0, 0, 0, 0],
    }
    zero_rows = [
        "denied.law_forbidden",
        "denied.three_safety",
        "denied.third_party",
        "denied.internal_affairs",
        "denied.process_info",
        "denied.enforcement_file",
        "denied.admin_query",
        "unable.needs_creation",
        "unable.unclear",
        "not_processed.petition",
        "not_processed.repeat",
        "not_processed.publication",
        "not_processed.mass_repeat",
        "not_processed.confirm_existing",
    ]
    zero_rows += (
        ["other.no_correction", "other.no_fee", "other.other"]
        if report_format == "2021"
        else ["other"]
    )
    values: list[dict[str, Any]] = []
    for row, cells in rows.items():
        values += request_row(row, cells)
    for row in zero_rows:
        values += request_row(row, [0] * 6)
    for block in ("review", "litigation_direct", "litigation_after_review"):
        outcomes = {"upheld": 1, "corrected": 1, "other": 0, "pending": 1}
        values += [{"metric": f"{block}.{k}", "value": v} for k, v in outcomes.items()]
        values.append({"metric": f"{block}.total", "value": 3})
    body: dict[str, Any] = {
        "jurisdiction": code,
        "year": year,
        "format": report_format,
        "title": f"{code} {year}年政府信息公开工作年度报告",
        "values": values,
    }
    return body | extra


def value_of(report: dict[str, Any], metric: str) -> Any:
    matches = [v for v in report["values"] if v["metric"] == metric]
    assert len(matches) == 1, f"{metric}: {matches}"
    return matches[0].get("value", matches[0].get("state"))


def carried_report(code: str, year: int, **numbers: int) -> dict[str, Any]:
    """A 2021-format report of natural persons' request rows only, e.g. carried_out=1."""
    values = [
        {"metric": f"requests.{row}.natural_person", "value": number}
        for row, number in numbers.items()
    ]
    return {"jurisdiction": code, "year": year, "format": "2021", "values": values}
