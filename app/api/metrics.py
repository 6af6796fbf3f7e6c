"""The metric catalog."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app import catalog
from app.schemas.common import Format
from app.schemas.metrics import MetricList, MetricRead
from app.services import catalog as catalog_service

router = APIRouter(prefix="/metrics", tags=["metrics"])


def to_read(metric: catalog.Metric) -> MetricRead:
    return MetricRead(
        key=metric.key,
        label_zh=metric.label_zh,
        label_en=metric.label_en,
        unit=metric.unit,
        section=metric.section,
        formats=list(metric.formats),
        aggregation=metric.aggregation,
        derived_in=list(metric.derived_in),
        formula=metric.formula,
        signed=metric.signed,
    )


@router.get("", operation_id="list_metrics")
def list_metrics(
    format: Annotated[Format | None, Query(description="Only metrics this format carries.")] = None,
    section: Annotated[str | None, Query(examples=["requests"])] = None,
) -> MetricList:
    """List the catalog, optionally by report format and section."""
    return MetricList(items=[to_read(m) for m in catalog_service.list_metrics(format, section)])


@router.get("/{key}", operation_id="get_metric")
def get_metric(key: str) -> MetricRead:
    """One metric of the catalog."""
    return to_read(catalog_service.get_metric(key))
