"""The catalog as the API shows it."""

from __future__ import annotations

from pydantic import BaseModel

from app.schemas.common import Format


class MetricRead(BaseModel):
    key: str
    label_zh: str
    label_en: str
    unit: str
    section: str
    formats: list[Format]
    aggregation: str
    derived_in: list[Format]
    formula: str | None
    signed: bool


class MetricList(BaseModel):
    items: list[MetricRead]
