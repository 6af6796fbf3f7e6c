"""Jurisdictions, edges and successions."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.schemas.common import Code, Level

ValidYear = Field(default=None, ge=1949, le=2100, description="Inclusive; null means open.")


class _Dated(BaseModel):
    model_config = ConfigDict(extra="forbid")

    valid_from: int | None = ValidYear
    valid_to: int | None = ValidYear

    @model_validator(mode="after")
    def _ordered(self) -> _Dated:
        start, end = self.valid_from, self.valid_to
        if start is not None and end is not None and start > end:
            raise ValueError("valid_from is after valid_to")
        return self


class JurisdictionIn(_Dated):
    code: Code
    name: str = Field(min_length=1, max_length=200)
    level: Level
    parent: Code | None = Field(
        default=None, description="Shorthand for an edge to this parent over the body's years."
    )


class EdgeIn(_Dated):
    child: Code
    parent: Code


class SuccessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    predecessor: Code
    successor: Code
    year: int = Field(ge=1949, le=2100, description="The first year of the successor.")
    kind: Literal["rename", "recode", "merge", "split", "upgrade", "other"]


class JurisdictionBulk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jurisdictions: list[JurisdictionIn] = Field(default_factory=list, max_length=100_000)
    edges: list[EdgeIn] = Field(default_factory=list, max_length=100_000)
    successions: list[SuccessionIn] = Field(default_factory=list, max_length=100_000)


class BulkResultRead(BaseModel):
    jurisdictions: int
    edges: int
    successions: int


class JurisdictionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    level: Level
    valid_from: int | None
    valid_to: int | None


class JurisdictionDetail(JurisdictionRead):
    year: int
    parents: list[JurisdictionRead] = Field(description="Nearest parent first, as in `year`.")


class ChildrenRead(BaseModel):
    code: str
    year: int
    items: list[JurisdictionRead]
