"""Shapes shared by several resources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

MIN_YEAR = 2007


def max_year() -> int:
    """Reports may be filed for next year at the latest (a report is due by 31 March)."""
    return dt.date.today().year + 1


Year = Annotated[int, Field(ge=MIN_YEAR, le=2100, examples=[2009])]
# No control characters: a NUL cannot even be sent to PostgreSQL as a parameter.
Code = Annotated[
    str, Field(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f]+$", examples=["220582105"])
]
MetricKey = Annotated[str, Field(min_length=1, max_length=80, examples=["staff.total"])]
Level = Literal["province", "prefecture", "county", "township", "department"]
Format = Literal["pre2019", "2019", "2021"]
Scope = Literal["self", "aggregate"]
Number = int | float


def as_number(value: Decimal | None) -> Number | None:
    """A stored Decimal as a JSON number: an int when whole, else a float with fen."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def utc(moment: dt.datetime) -> dt.datetime:
    """Timestamps are stored in UTC; SQLite hands them back without the zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class ErrorItem(BaseModel):
    pointer: str = Field(description="JSON pointer into the request body, or `query:name`.")
    detail: str


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = Field(description="URL of the next page, or null on the last page.")
