"""What the parser produces: a draft report that can be POSTed as is, with its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

How = Literal["printed", "approximate", "inferred"]
State = Literal["reported", "not_reported", "not_applicable"]


@dataclass(frozen=True)
class Evidence:
    """Where a value came from: the source snippet and its character offsets in the text."""

    snippet: str
    start: int
    end: int


@dataclass(frozen=True)
class DraftValue:
    metric: str
    value: Decimal | None
    state: State = "reported"
    how: How = "printed"
    evidence: Evidence | None = None
    note: str | None = None


@dataclass(frozen=True)
class Warning:
    code: str  # e.g. "text_vs_table", "ambiguous_number", "table_arithmetic", "truncated_table"
    message: str
    metrics: tuple[str, ...] = ()
    evidence: Evidence | None = None


@dataclass
class Draft:
    body_name: str | None
    year: int | None
    format: Literal["pre2019", "2019", "2021"] | None
    scope: Literal["self", "aggregate"] = "self"
    title: str | None = None
    values: list[DraftValue] = field(default_factory=list)
    problems: str | None = None
    improvements: str | None = None
    warnings: list[Warning] = field(default_factory=list)

    def report_body(self, jurisdiction: str) -> dict[str, Any]:
        """The body of POST /v1/reports for this draft, under `jurisdiction`."""
        values: list[dict[str, Any]] = []
        for value in self.values:
            item: dict[str, Any] = {"metric": value.metric}
            if value.state == "reported":
                item["value"] = value.value
            else:
                item["state"] = value.state
            if value.how == "approximate":
                item["approximate"] = True
            if value.note:
                item["note"] = value.note
            values.append(item)
        body: dict[str, Any] = {
            "jurisdiction": jurisdiction,
            "year": self.year,
            "format": self.format,
            "scope": self.scope,
            "title": self.title,
            "values": values,
        }
        sections = {
            k: v for k, v in (("problems", self.problems), ("improvements", self.improvements)) if v
        }
        if sections:
            body["sections"] = sections
        return body
