"""Liveness, readiness and the documentation of problem types."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import text

from app.errors import PROBLEM_TYPES, NotFound, ProblemError

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class ProblemType(BaseModel):
    type: str
    description: str


class ServiceUnavailable(ProblemError):
    status, slug, title = 503, "service-unavailable", "Service unavailable"


@router.get("/healthz", operation_id="get_health")
def get_health() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@router.get(
    "/readyz", operation_id="get_readiness", responses={503: {"description": "No database"}}
)
def get_readiness(request: Request) -> Health:
    """Readiness: the database answers."""
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        raise ServiceUnavailable(f"The database does not answer: {type(error).__name__}") from None
    return Health(status="ready")


@router.get("/problems/{slug}", operation_id="get_problem_type")
def get_problem_type(slug: str) -> ProblemType:
    """What a problem `type` of this API means."""
    if slug not in PROBLEM_TYPES:
        raise NotFound(f"No problem type {slug!r}")
    return ProblemType(type=f"/problems/{slug}", description=PROBLEM_TYPES[slug])
