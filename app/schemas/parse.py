"""Parsed drafts: what POST /v1/parse answers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from app.schemas.common import Number


class EvidenceRead(BaseModel):
    snippet: str
    start: int = Field(description="Character offset in the parsed text (the input, for text).")
    end: int


class ParsedValue(BaseModel):
    metric: str
    value: Number | None
    state: Literal["reported", "not_reported", "not_applicable"]
    how: Literal["printed", "approximate", "inferred"]
    evidence: EvidenceRead | None
    note: str | None


class ParseWarning(BaseModel):
    code: str
    message: str
    metrics: list[str]
    evidence: EvidenceRead | None


class DraftRead(BaseModel):
    body_name: str | None = Field(description="The body's name as printed.")
    year: int | None
    format: Literal["pre2019", "2019", "2021"] | None
    scope: Literal["self", "aggregate"]
    title: str | None
    parser_version: str
    values: list[ParsedValue]
    sections: dict[str, str | None]
    warnings: list[ParseWarning]
    report: dict[str, Any] = Field(
        description="The body of POST /v1/reports for this draft; `jurisdiction` is the "
        "`jurisdiction` query parameter, or null to fill in."
    )


class ParseText(BaseModel):
    text: str = Field(description="The report's text, or its HTML.")
    media_type: Literal["text/plain", "text/html"] = "text/plain"
