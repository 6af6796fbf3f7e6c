"""Raw report text or HTML in, a draft report out (never stored)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ValidationError

from app import parsing
from app.api.deps import PROBLEMS, SettingsDep, media_type, read_body
from app.errors import InvalidRequest, UnsupportedMediaType
from app.parsing.draft import Draft, Evidence
from app.schemas.common import Code, as_number
from app.schemas.parse import DraftRead, EvidenceRead, ParsedValue, ParseText, ParseWarning

router = APIRouter(tags=["parse"])

TEXT_TYPES = ("text/plain", "text/html", "application/xhtml+xml")


class NotAReportProblem(InvalidRequest):
    slug, title = "not-a-report", "Not a report"


async def parse_input(request: Request, settings: SettingsDep) -> tuple[str, str]:
    """The text to parse and its media type, from a text/HTML body or JSON {"text"}."""
    kind = media_type(request)
    if kind not in (*TEXT_TYPES, "application/json"):
        raise UnsupportedMediaType(
            f'Send text/plain, text/html or application/json {{"text": …}}, not {kind or "?"}'
        )
    raw = await read_body(request, settings.max_parse_bytes)
    if kind == "application/json":
        try:
            payload = ParseText.model_validate(json.loads(raw))
        except (ValueError, ValidationError) as error:
            raise InvalidRequest(
                'The body must be a JSON object {"text": …, "media_type"?: …}',
                errors=[{"pointer": "/text", "detail": str(error).splitlines()[0]}],
            ) from None
        return payload.text, payload.media_type
    charset = request.headers.get("Content-Type", "").partition("charset=")[2].strip() or "utf-8"
    try:
        return raw.decode(charset.strip('"')), kind
    except (LookupError, UnicodeDecodeError) as error:
        raise InvalidRequest(
            f"The body cannot be decoded as {charset}: {error}; send UTF-8 or name the "
            "charset in Content-Type",
            errors=[{"pointer": "", "detail": f"undecodable as {charset}"}],
        ) from None


def _evidence(evidence: Evidence | None) -> EvidenceRead | None:
    if evidence is None:
        return None
    return EvidenceRead(snippet=evidence.snippet, start=evidence.start, end=evidence.end)


def to_read(draft: Draft, jurisdiction: str | None) -> DraftRead:
    report = json.loads(json.dumps(draft.report_body(jurisdiction or ""), default=as_number))
    report["jurisdiction"] = jurisdiction
    return DraftRead(
        body_name=draft.body_name,
        year=draft.year,
        format=draft.format,
        scope=draft.scope,
        title=draft.title,
        parser_version=parsing.PARSER_VERSION,
        values=[
            ParsedValue(
                metric=v.metric,
                value=as_number(v.value),
                state=v.state,
                how=v.how,
                evidence=_evidence(v.evidence),
                note=v.note,
            )
            for v in draft.values
        ],
        sections={"problems": draft.problems, "improvements": draft.improvements},
        warnings=[
            ParseWarning(
                code=w.code,
                message=w.message,
                metrics=list(w.metrics),
                evidence=_evidence(w.evidence),
            )
            for w in draft.warnings
        ],
        report=report,
    )


@router.post(
    "/parse",
    operation_id="parse_report",
    responses={k: v for k, v in PROBLEMS.items() if k in (413, 415, 422)},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/ParseText"}},
            },
        }
    },
)
def parse_report(
    source: Annotated[tuple[str, str], Depends(parse_input)],
    jurisdiction: Annotated[Code | None, Query(description="Fill in the draft's body.")] = None,
) -> DraftRead:
    """Parse a report's text or HTML into a draft report with evidence; nothing is stored."""
    text, kind = source
    try:
        draft = parsing.parse(text, kind)
    except parsing.NotAReport as error:
        raise NotAReportProblem(f"This is not an annual OGI report: {error}") from None
    return to_read(draft, jurisdiction)
