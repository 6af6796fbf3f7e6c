"""The HTTP layer: one router per resource, mounted under /v1."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from app.api import aggregates, jurisdictions, metrics, parse, reports, values
from app.api.caching import etag
from app.api.deps import require_read

# Every GET under /v1 is tagged for If-None-Match (see caching.py); writes are not.
v1 = APIRouter(prefix="/v1", dependencies=[Depends(require_read), Depends(etag)])
v1.include_router(metrics.router)
v1.include_router(jurisdictions.router)
v1.include_router(reports.router)
v1.include_router(values.router)
v1.include_router(aggregates.router)
v1.include_router(parse.router)
