"""Aggregates, comparisons and series."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.common import Number

Flag = Literal[
    "missing_base", "missing_current", "zero_base", "format_break", "boundary_change", "revised"
]
GroupLevel = Literal["province", "prefecture", "county", "township"]


class CellRead(BaseModel):
    value: Number | None = Field(description="null when no body reported the metric, not 0.")
    expected: int = Field(description="Bodies in the subtree that exist in the year.")
    reporting: int = Field(description="Bodies whose self report has a number for the metric.")
    missing: list[str] = Field(description="Codes of bodies without a number (capped).")
    missing_count: int
    reported: Number | None = Field(
        default=None, description="The group's own aggregate-scope report, where it has one."
    )
    difference: Number | None = Field(default=None, description="reported − value.")


class GroupRead(BaseModel):
    code: str | None = Field(description="null for the whole country.")
    name: str
    level: str
    metrics: dict[str, CellRead]


class AggregateRead(BaseModel):
    year: int
    within: str | None
    by: GroupLevel | None
    groups: list[GroupRead]


class ComparisonItem(BaseModel):
    code: str | None
    name: str
    metric: str
    value: Number | None
    base_value: Number | None
    change: Number | None
    pct_change: Number | None = Field(description="Percent; null when the base is 0 or missing.")
    flags: list[Flag]
    sample_size: int | None = Field(
        default=None, description="With constant_sample: bodies that reported in both years."
    )


class ComparisonRead(BaseModel):
    year: int
    base_year: int
    constant_sample: bool
    items: list[ComparisonItem]


class SeriesPoint(BaseModel):
    year: int
    value: Number | None
    expected: int
    reporting: int
    change: Number | None
    pct_change: Number | None
    flags: list[Flag]


class SeriesRead(BaseModel):
    metric: str
    code: str | None
    points: list[SeriesPoint]
