"""Jurisdictions and the hierarchy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.api.deps import PROBLEMS, CodePath, WriteAccess, registry_body
from app.api.paging import PageDep, paginate
from app.db import SessionDep, WriteSessionDep
from app.models import Jurisdiction
from app.schemas.common import Code, Level, Page
from app.schemas.jurisdictions import (
    BulkResultRead,
    ChildrenRead,
    JurisdictionBulk,
    JurisdictionDetail,
    JurisdictionRead,
)
from app.services import jurisdictions

router = APIRouter(prefix="/jurisdictions", tags=["jurisdictions"])

YearQuery = Annotated[int | None, Query(ge=1949, le=2100, description="Hierarchy as of this year.")]


@router.post(
    "",
    operation_id="upsert_jurisdictions",
    dependencies=[WriteAccess],
    responses={k: v for k, v in PROBLEMS.items() if k in (413, 415, 422)},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/JurisdictionBulk"}}
            },
        }
    },
)
def upsert_jurisdictions(
    payload: Annotated[JurisdictionBulk, Depends(registry_body)], session: WriteSessionDep
) -> BulkResultRead:
    """Load or update many bodies, edges and successions at once (upsert by code)."""
    result = jurisdictions.bulk_upsert(session, payload)
    return BulkResultRead(
        jurisdictions=result.jurisdictions, edges=result.edges, successions=result.successions
    )


@router.get("", operation_id="list_jurisdictions")
def list_jurisdictions(
    request: Request,
    response: Response,
    session: SessionDep,
    page: PageDep,
    level: Level | None = None,
    parent: Annotated[Code | None, Query(description="Direct children of this body.")] = None,
    year: YearQuery = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the name.")] = None,
    within: Annotated[Code | None, Query(description="Bodies in this subtree.")] = None,
) -> Page[JurisdictionRead]:
    """List or search bodies."""
    query = jurisdictions.list_query(session, level, parent, year, q, within)
    query = query.order_by(Jurisdiction.id)

    def fetch(after: tuple[int, ...] | None, limit: int) -> list[Jurisdiction]:
        paged = query.where(Jurisdiction.id > after[0]) if after else query
        return list(session.scalars(paged.limit(limit)))

    rows, next_url = paginate(request, response, page, fetch, lambda body: (body.id,))
    return Page(items=[JurisdictionRead.model_validate(b) for b in rows], next=next_url)


@router.get("/{code}", operation_id="get_jurisdiction")
def get_jurisdiction(
    code: CodePath, session: SessionDep, year: YearQuery = None
) -> JurisdictionDetail:
    """One body with its parent chain as it stood in `year` (default: now)."""
    body = jurisdictions.get(session, code)
    as_of = year or jurisdictions.default_year(body)
    chain = jurisdictions.parent_chain(session, body, as_of)
    return JurisdictionDetail(
        **JurisdictionRead.model_validate(body).model_dump(),
        year=as_of,
        parents=[JurisdictionRead.model_validate(p) for p in chain],
    )


@router.get("/{code}/children", operation_id="list_children")
def list_children(code: CodePath, session: SessionDep, year: YearQuery = None) -> ChildrenRead:
    """The direct children of a body in `year` (default: now)."""
    body = jurisdictions.get(session, code)
    as_of = year or jurisdictions.default_year(body)
    found = jurisdictions.children(session, body, as_of)
    return ChildrenRead(
        code=code, year=as_of, items=[JurisdictionRead.model_validate(c) for c in found]
    )
