"""Reports: ingestion (one or a batch) and reads."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from app import models
from app.api.deps import (
    NDJSON_TYPES,
    PROBLEMS,
    CodePath,
    SettingsDep,
    WriteAccess,
    batch_body,
    media_type,
    report_body,
)
from app.api.formats import csv_response, wants_csv
from app.api.paging import PageDep, paginate
from app.db import SessionDep, WriteSessionDep
from app.errors import BatchRejected, InvalidReport, PayloadTooLarge, ProblemError
from app.schemas.common import Code, Format, Page, Scope, as_number, utc
from app.schemas.reports import (
    BatchItemRead,
    BatchRead,
    FindingRead,
    IngestRead,
    ReportIn,
    ReportRead,
    ReportSummary,
    RevisionList,
    RevisionRead,
    SectionsRead,
    ValueRead,
)
from app.services import ingest, reports

router = APIRouter(prefix="/reports", tags=["reports"])


def _openapi_body(schema: str, *media_types: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    content = {media: {"schema": ref} for media in media_types}
    return {"requestBody": {"required": True, "content": content}}


def decode_json(raw: bytes) -> Any:
    """JSON with decimals kept exact; a body that is not JSON is an invalid report."""
    try:
        return json.loads(raw, parse_float=Decimal)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise InvalidReport(
            f"The body is not valid JSON: {error}",
            errors=[{"pointer": "", "detail": f"not valid JSON: {error}"}],
        ) from None


def to_read(stored: reports.StoredReport) -> dict[str, Any]:
    revision = stored.revision
    return ReportRead(
        jurisdiction=stored.jurisdiction.code,
        jurisdiction_name=stored.jurisdiction.name,
        level=stored.jurisdiction.level,
        year=stored.report.year,
        scope=stored.report.scope,
        format=revision.format,
        revision=revision.number,
        current_revision=stored.report.revision,
        title=revision.title,
        published_on=revision.published_on,
        source_url=revision.source_url,
        source_hash=revision.source_hash,
        parser_version=revision.parser_version,
        created_at=utc(revision.created_at),
        sections=SectionsRead(problems=revision.problems, improvements=revision.improvements),
        values=[
            ValueRead(
                metric=v.metric,
                value=as_number(v.value),
                state=v.state,
                approximate=v.approximate,
                derived=v.derived,
                note=v.note,
            )
            for v in stored.values
        ],
        findings=[
            FindingRead(
                rule=f.rule,
                severity=f.severity,
                metrics=f.metrics,
                expected=as_number(f.expected),
                actual=as_number(f.actual),
                message=f.message,
            )
            for f in stored.findings
        ],
    ).model_dump(mode="json")


@router.post(
    "",
    operation_id="create_report",
    status_code=201,
    dependencies=[WriteAccess],
    response_model=IngestRead,
    responses={
        200: {"model": IngestRead, "description": "Identical to the current revision"},
        **PROBLEMS,
    },
    openapi_extra=_openapi_body("ReportIn", "application/json"),
)
def create_report(
    session: WriteSessionDep,
    raw: Annotated[bytes, Depends(report_body)],
    strict: Annotated[bool, Query(description="Reject reports with error findings.")] = False,
) -> JSONResponse:
    """Ingest one report: 201 for a new revision, 200 when identical to the current one."""
    item = ingest.ingest_one(session, decode_json(raw), strict)
    assert item.report is not None and item.revision is not None
    revision = session.get_one(models.ReportRevision, item.revision.id)
    body = to_read(reports.read(session, item.report, revision)) | {"status": item.status}
    return JSONResponse(body, status_code=200 if item.status == "unchanged" else 201)


def _batch_items(raw: bytes, ndjson: bool, max_items: int) -> list[Any]:
    """The batch's objects; an NDJSON line that is not JSON becomes that item's problem."""
    if not ndjson:
        items = decode_json(raw)
        if not isinstance(items, list):
            raise InvalidReport(
                "A JSON batch must be an array of reports",
                errors=[{"pointer": "", "detail": "expected a JSON array"}],
            )
    else:
        lines = [line for line in raw.split(b"\n") if line.strip()]
        items = []
        for line in lines:
            try:
                items.append(decode_json(line))
            except ProblemError as error:
                items.append(error)
    if len(items) > max_items:
        raise PayloadTooLarge(
            f"The batch has {len(items)} items; the limit is {max_items}", limit=max_items
        )
    return items


@router.post(
    "/batch",
    operation_id="create_reports_batch",
    dependencies=[WriteAccess],
    responses=PROBLEMS,
    openapi_extra=_openapi_body("ReportBatch", "application/json", *NDJSON_TYPES[:1]),
)
def create_reports_batch(
    request: Request,
    session: WriteSessionDep,
    settings: SettingsDep,
    raw: Annotated[bytes, Depends(batch_body)],
    strict: Annotated[bool, Query(description="Reject items with error findings.")] = False,
    atomic: Annotated[bool, Query(description="All items or none.")] = False,
) -> BatchRead:
    """Ingest many reports (a JSON array or NDJSON); each item succeeds or fails alone."""
    ndjson = media_type(request) in NDJSON_TYPES
    bodies = _batch_items(raw, ndjson, settings.max_batch_items)
    items = ingest.ingest_many(session, bodies, strict)
    rejected = [
        {"index": item.index, "problem": ingest.problem_dict(item.problem)}
        for item in items
        if item.problem is not None
    ]
    if atomic and rejected:
        raise BatchRejected(
            f"{len(rejected)} of {len(items)} item(s) rejected; nothing was stored (atomic=true)",
            items=rejected,
        )
    return BatchRead(
        items=[
            BatchItemRead(
                index=item.index,
                status=item.status,
                revision=item.revision.number if item.revision else None,
                errors=item.revision.error_count if item.revision else None,
                warnings=item.revision.warning_count if item.revision else None,
                problem=ingest.problem_dict(item.problem) if item.problem else None,
            )
            for item in items
        ]
    )


SUMMARY_COLUMNS = list(ReportSummary.model_fields)


@router.get(
    "",
    operation_id="list_reports",
    response_model=Page[ReportSummary],
    responses={200: {"content": {"text/csv": {}}}, 422: PROBLEMS[422]},
)
def list_reports(
    request: Request,
    response: Response,
    session: SessionDep,
    page: PageDep,
    jurisdiction: Code | None = None,
    within: Annotated[Code | None, Query(description="Bodies in this subtree.")] = None,
    year: Annotated[int | None, Query(ge=2007, le=2100)] = None,
    format: Annotated[
        Format | Literal["csv", "json"] | None,
        Query(
            description="A report format filter (pre2019, 2019, 2021), or csv/json for the "
            "response."
        ),
    ] = None,
    scope: Scope | None = None,
    has_findings: bool | None = None,
) -> Page[ReportSummary] | Response:
    """List current report revisions, filtered; JSON or CSV."""
    report_format = format if format in ("pre2019", "2019", "2021") else None
    filters = reports.ReportFilters(jurisdiction, within, year, report_format, scope, has_findings)
    rows, next_url = paginate(
        request,
        response,
        page,
        lambda after, limit: reports.list_reports(session, filters, after, limit),
        lambda row: (row[0].id,),
    )
    items = [
        ReportSummary(
            jurisdiction=body.code,
            jurisdiction_name=body.name,
            year=report.year,
            scope=report.scope,
            format=revision.format,
            revision=revision.number,
            title=revision.title,
            published_on=revision.published_on,
            errors=revision.error_count,
            warnings=revision.warning_count,
            updated_at=utc(report.updated_at),
        )
        for report, revision, body in rows
    ]
    csv_format = format if format in ("csv", "json") else None
    if wants_csv(request, csv_format):
        return csv_response(
            SUMMARY_COLUMNS, (i.model_dump() for i in items), dict(response.headers)
        )
    return Page(items=items, next=next_url)


@router.get("/{code}/{year}", operation_id="get_report", responses=PROBLEMS)
def get_report(
    code: CodePath,
    year: int,
    session: SessionDep,
    scope: Scope = "self",
    revision: Annotated[int | None, Query(ge=1, description="Default: the current one.")] = None,
) -> ReportRead:
    """A report with its values and findings: the current revision or an older one."""
    return ReportRead.model_validate(to_read(reports.get(session, code, year, scope, revision)))


@router.get("/{code}/{year}/revisions", operation_id="list_revisions", responses=PROBLEMS)
def list_revisions(
    code: CodePath, year: int, session: SessionDep, scope: Scope = "self"
) -> RevisionList:
    """Every revision of a report, oldest first."""
    found = reports.revisions(session, code, year, scope)
    return RevisionList(
        jurisdiction=code,
        year=year,
        scope=scope,
        current_revision=found[-1][0].number if found else 0,
        items=[
            RevisionRead(
                revision=r.number,
                format=r.format,
                title=r.title,
                created_at=utc(r.created_at),
                content_hash=r.content_hash,
                values=count,
                errors=r.error_count,
                warnings=r.warning_count,
            )
            for r, count in found
        ],
    )


__all__ = ["ReportIn", "router"]
