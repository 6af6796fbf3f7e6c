"""The application factory."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from sqlalchemy import Engine

from app import __version__
from app.api import health, v1
from app.api.caching import NotModified, on_not_modified
from app.config import Settings
from app.db import make_engine, reader
from app.errors import install_handlers
from app.schemas.jurisdictions import JurisdictionBulk
from app.schemas.parse import ParseText
from app.schemas.reports import ReportIn

DESCRIPTION = """\
Per-jurisdiction, per-year statistics of Chinese government bodies' annual reports on
open government information (政府信息公开工作年度报告): ingestion with validation,
revisions and data-quality findings, and reads as JSON or CSV.

Errors are RFC 9457 problems (`application/problem+json`); writes need
`Authorization: Bearer <key>` with the write scope.
"""


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The API on `settings` (default: from the environment) and its database."""
    settings = settings or Settings()
    app = FastAPI(
        title="disclosure-stats",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.read_engine = reader(app.state.engine)
    install_handlers(app)
    app.add_exception_handler(NotModified, on_not_modified)
    app.include_router(health.router)
    app.include_router(v1)
    app.openapi = lambda: openapi(app)  # type: ignore[method-assign]
    return app


def openapi(app: FastAPI) -> dict[str, Any]:
    """The generated document, plus the report schemas that routes read as raw bodies."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    report = ReportIn.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(report.pop("$defs", {}))
    schemas["ReportIn"] = report
    schemas["ParseText"] = ParseText.model_json_schema()
    bulk = JurisdictionBulk.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(bulk.pop("$defs", {}))
    schemas["JurisdictionBulk"] = bulk
    schemas["ReportBatch"] = {
        "title": "ReportBatch",
        "description": "A JSON array of reports, or NDJSON: one report object per line.",
        "type": "array",
        "items": {"$ref": "#/components/schemas/ReportIn"},
    }
    app.openapi_schema = document
    return document
