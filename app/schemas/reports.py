"""Reports: what is posted, what is stored and read back."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import Code, ErrorItem, Format, Level, MetricKey, Number, Scope, Year


class ValueIn(BaseModel):
    """A number, or the explicit state of a blank or "-" cell. Give `value` or `state`."""

    model_config = ConfigDict(extra="forbid")

    metric: MetricKey
    value: Number | None = Field(default=None, examples=[1350])
    state: Literal["not_reported", "not_applicable"] | None = None
    approximate: bool = Field(default=False, description='Printed as "10余条", "近300个".')
    note: str | None = Field(default=None, max_length=2000)


class SectionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    problems: str | None = None
    improvements: str | None = None


class ReportIn(BaseModel):
    """The body of POST /v1/reports (and each item of a batch)."""

    model_config = ConfigDict(extra="forbid")

    jurisdiction: Code
    year: Year
    format: Format
    scope: Scope = "self"
    title: str | None = Field(default=None, max_length=500)
    published_on: dt.date | None = None
    source_url: str | None = Field(default=None, max_length=2000)
    source_hash: str | None = Field(default=None, max_length=128)
    parser_version: str | None = Field(default=None, max_length=40)
    values: list[ValueIn] = Field(default_factory=list)
    sections: SectionsIn | None = None


class ValueRead(BaseModel):
    metric: str
    value: Number | None
    state: Literal["reported", "not_reported", "not_applicable"]
    approximate: bool
    derived: bool
    note: str | None


class FindingRead(BaseModel):
    rule: str
    severity: Literal["error", "warning"]
    metrics: list[str]
    expected: Number | None
    actual: Number | None
    message: str


class SectionsRead(BaseModel):
    problems: str | None
    improvements: str | None


class ReportRead(BaseModel):
    jurisdiction: str
    jurisdiction_name: str
    level: Level
    year: int
    scope: Scope
    format: Format
    revision: int
    current_revision: int
    title: str | None
    published_on: dt.date | None
    source_url: str | None
    source_hash: str | None
    parser_version: str | None
    created_at: dt.datetime
    sections: SectionsRead
    values: list[ValueRead]
    findings: list[FindingRead]


class IngestRead(ReportRead):
    status: Literal["created", "revised", "unchanged"]


class RevisionRead(BaseModel):
    revision: int
    format: Format
    title: str | None
    created_at: dt.datetime
    content_hash: str
    values: int
    errors: int
    warnings: int


class RevisionList(BaseModel):
    jurisdiction: str
    year: int
    scope: Scope
    current_revision: int
    items: list[RevisionRead]


class ReportSummary(BaseModel):
    jurisdiction: str
    jurisdiction_name: str
    year: int
    scope: Scope
    format: Format
    revision: int
    title: str | None
    published_on: dt.date | None
    errors: int
    warnings: int
    updated_at: dt.datetime


class ValueRow(BaseModel):
    jurisdiction: str
    name: str
    level: Level
    year: int
    scope: Scope
    format: Format
    revision: int
    metric: str
    value: Number | None
    state: str
    approximate: bool
    derived: bool


class FindingRow(FindingRead):
    jurisdiction: str
    name: str
    year: int
    scope: Scope
    revision: int


class BatchItemRead(BaseModel):
    index: int
    status: Literal["created", "revised", "unchanged", "rejected"]
    revision: int | None = None
    errors: int | None = Field(default=None, description="Error findings of the revision.")
    warnings: int | None = Field(default=None, description="Warning findings of the revision.")
    problem: dict[str, Any] | None = None


class BatchRead(BaseModel):
    items: list[BatchItemRead]


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this API is answered."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ErrorItem] | None = None
