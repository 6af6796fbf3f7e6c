"""Dependencies shared by the routers: settings, API keys, request bodies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.config import Settings
from app.errors import Forbidden, PayloadTooLarge, Unauthorized, UnsupportedMediaType
from app.schemas.jurisdictions import JurisdictionBulk
from app.schemas.reports import Problem
from app.services import keys

# The problem documents a route may answer with, for its OpenAPI `responses`.
PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {"application/problem+json": {}}}
    for status in (401, 403, 404, 409, 413, 415, 422)
}


# Dependencies without I/O are `async def`: FastAPI runs a sync one in its thread pool, a hop
# that cost milliseconds per request on a busy machine.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]

CodePath = Annotated[
    str,
    Path(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f]+$", description="A body's code."),
]


def _bearer(request: Request) -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def _key_scope(request: Request) -> str:
    secret = _bearer(request)
    if secret is None:
        raise Unauthorized("Send an API key: Authorization: Bearer <key>")
    # A short session of its own, so the check holds no connection while the request runs.
    with Session(request.app.state.engine) as session:
        key = keys.find_active(session, secret)
        if key is None:
            raise Unauthorized("The API key is unknown or revoked")
        return key.scope


def require_write(request: Request) -> None:
    """Writes need a key with the write scope."""
    if _key_scope(request) != "write":
        raise Forbidden("This API key is read-only; writes need a key with the write scope")


async def require_read(request: Request, settings: SettingsDep) -> None:
    """Reads are public unless DISCLOSURE_READ_REQUIRES_KEY is set; then any key will do."""
    if settings.read_requires_key:
        await run_in_threadpool(_key_scope, request)


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The body is {declared} bytes; the limit is {limit}", limit=limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"The body is over the limit of {limit} bytes", limit=limit)
    return bytes(body)


JSON_TYPES = ("application/json", "")
NDJSON_TYPES = (
    "application/x-ndjson",
    "application/ndjson",
    "application/jsonl",
    "application/x-jsonlines",
)


def media_type(request: Request) -> str:
    return request.headers.get("Content-Type", "").split(";")[0].strip().lower()


async def report_body(request: Request, settings: SettingsDep) -> bytes:
    if media_type(request) not in JSON_TYPES:
        raise UnsupportedMediaType(
            f"Send the report as application/json, not {media_type(request)}"
        )
    return await read_body(request, settings.max_report_bytes)


async def batch_body(request: Request, settings: SettingsDep) -> bytes:
    if media_type(request) not in JSON_TYPES + NDJSON_TYPES:
        raise UnsupportedMediaType(
            "Send a batch as a JSON array (application/json) or NDJSON (application/x-ndjson)"
        )
    return await read_body(request, settings.max_batch_bytes)


async def registry_body(request: Request, settings: SettingsDep) -> JurisdictionBulk:
    """The posted bodies, edges and successions, read up to DISCLOSURE_MAX_REGISTRY_BYTES
    (413 beyond) and checked like any request body (422 with a pointer per problem)."""
    if media_type(request) not in JSON_TYPES:
        raise UnsupportedMediaType(f"Send application/json, not {media_type(request)}")
    raw = await read_body(request, settings.max_registry_bytes)
    try:
        return JurisdictionBulk.model_validate_json(raw)
    except ValidationError as error:
        located = [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
        raise RequestValidationError(located) from None


WriteAccess = Depends(require_write)
ReadAccess = Depends(require_read)
