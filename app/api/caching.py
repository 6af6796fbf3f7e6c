"""ETags for polled reads: a 304 costs one indexed lookup, not the query behind the answer.

The tag covers everything an answer can depend on: the newest report revision (ids only
grow, so any ingest that changes anything moves it), the hierarchy version (bumped by every
hierarchy change), and the request's URL and Accept header.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import models
from app.db import get_session, rows_of
from app.services import hierarchy


class NotModified(Exception):
    """Raised when the client's copy is current; answered 304 with no body."""

    def __init__(self, etag: str) -> None:
        self.etag = etag


def data_version(session: Session) -> tuple[int, int]:
    """(newest revision id, hierarchy version), in one round trip."""
    row = rows_of(session, _version_statement()).one()
    return row[0] or 0, row[1] or 0


@cache
def _version_statement() -> Any:
    state = models.ServiceState
    version = select(state.value).where(state.key == hierarchy.HIERARCHY_VERSION)
    newest = select(func.max(models.ReportRevision.id))
    return select(newest.scalar_subquery(), version.scalar_subquery())


def etag(
    request: Request,
    response: Response,
    session: Annotated[Session, Depends(get_session, scope="function")],
) -> None:
    """Tag the answer; answer 304 when If-None-Match already names this tag."""
    if request.method not in ("GET", "HEAD"):
        return
    newest, version = data_version(session)
    key = (
        f"{newest}:{version}:{request.url.path}?{request.url.query}:{request.headers.get('accept')}"
    )
    tag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
    wanted = request.headers.get("If-None-Match", "")
    if tag in [t.strip().removeprefix("W/") for t in wanted.split(",")] or wanted.strip() == "*":
        raise NotModified(tag)
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "no-cache"


async def on_not_modified(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotModified)
    return Response(status_code=304, headers={"ETag": exc.etag, "Cache-Control": "no-cache"})


ETag = Depends(etag)
