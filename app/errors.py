"""RFC 9457 problem details: the one error shape of the service.

Every `type` is a path on this service, `/problems/<slug>`, documented in PROBLEM_TYPES and
served by `GET /problems/{slug}`.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger("app")

PROBLEM_MEDIA_TYPE = "application/problem+json"

PROBLEM_TYPES: dict[str, str] = {
    "not-found": "The resource or route does not exist.",
    "method-not-allowed": "The route exists but does not accept this HTTP method.",
    "unauthorized": "A bearer API key is required and was missing, unknown or revoked.",
    "forbidden": "The API key is valid but lacks the scope this request needs.",
    "conflict": "The request collided with a concurrent change; retry it.",
    "payload-too-large": "The request body is larger than the configured limit.",
    "invalid-request": "Query parameters or the body do not match the API; see `errors`.",
    "invalid-report": "The report was rejected whole; `errors` lists every problem with a JSON "
    "pointer into the request body.",
    "not-a-report": "POST /v1/parse was given text that is not an annual OGI report (empty, "
    "binary, or without the wording of one).",
    "inconsistent-report": "With strict=true, a report with error findings is rejected; "
    "`findings` lists them.",
    "batch-rejected": "With atomic=true, a batch with any rejected item is rejected whole; "
    "`items` names them.",
    "unsupported-media-type": "The body's Content-Type is not one this route reads.",
    "not-acceptable": "The Accept header asks for a representation this route cannot give.",
    "internal-error": "An unexpected error; it was logged, and nothing of it is shown here.",
    "service-unavailable": "The database did not answer.",
}

_STATUS_SLUGS = {
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "invalid-request",
    503: "service-unavailable",
}


class ProblemError(Exception):
    """An expected failure that carries its HTTP status and problem fields."""

    status = 400
    slug = "invalid-request"
    title = "Bad request"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions
        self.headers: dict[str, str] = {}


class NotFound(ProblemError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(ProblemError):
    status, slug, title = 409, "conflict", "Conflict"


class PayloadTooLarge(ProblemError):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class InvalidRequest(ProblemError):
    status, slug, title = 422, "invalid-request", "Invalid request"


class InvalidReport(ProblemError):
    status, slug, title = 422, "invalid-report", "Invalid report"


class InconsistentReport(ProblemError):
    status, slug, title = 422, "inconsistent-report", "Report breaks consistency rules"


class BatchRejected(ProblemError):
    status, slug, title = 422, "batch-rejected", "Batch rejected"


class UnsupportedMediaType(ProblemError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class NotAcceptable(ProblemError):
    status, slug, title = 406, "not-acceptable", "Not acceptable"


class Unauthorized(ProblemError):
    status, slug, title = 401, "unauthorized", "Unauthorized"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail, **extensions)
        self.headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(ProblemError):
    status, slug, title = 403, "forbidden", "Forbidden"


def problem_response(
    request: Request,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body = {
        "type": f"/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **jsonable_encoder(extensions),
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def pointer(location: tuple[int | str, ...] | list[int | str]) -> str:
    """A JSON pointer (RFC 6901) for a path of keys and indexes."""
    parts = (str(part).replace("~", "~0").replace("/", "~1") for part in location)
    return "".join("/" + part for part in parts)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    found: dict[str, list[str]] = {}
    for error in exc.errors():
        where, *path = error["loc"] if error["loc"] else ("body",)
        if error["type"] == "json_invalid":
            # The location of a JSON syntax error is a character offset, not a member.
            reason = error.get("ctx", {}).get("error", error["msg"])
            at = f" at character {path[0]}" if path else ""
            found.setdefault("", []).append(f"not valid JSON{at}: {reason}")
            continue
        if where == "body":
            location = pointer(path)
        else:
            # Query and path parameters are named. Pydantic appends the branch of a union
            # (`literal['csv','json']`) to the location; a client only needs the name, and
            # the item index of a repeated parameter.
            name, *rest = path or [""]
            location = ".".join([f"{where}:{name}", *(str(i) for i in rest if isinstance(i, int))])
        found.setdefault(location, []).append(error["msg"])
    # One entry per pointer: the branches of a union each say what they would have taken.
    return [{"pointer": at, "detail": "; or ".join(details)} for at, details in found.items()]


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request, exc.status, exc.slug, exc.title, exc.detail, exc.headers or None, **exc.extensions
    )


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    return problem_response(
        request,
        422,
        "invalid-request",
        "Invalid request",
        "; ".join(f"{e['pointer'] or 'body'}: {e['detail']}" for e in errors),
        errors=errors,
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = _STATUS_SLUGS.get(exc.status_code, "invalid-request")
    title = slug.replace("-", " ").capitalize()
    detail = str(exc.detail)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No route {request.url.path}"
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(request, exc.status_code, slug, title, detail, headers)


async def _on_integrity(request: Request, exc: Exception) -> JSONResponse:
    # A backstop: services check uniqueness first, so this is a race with another writer.
    logger.warning("integrity error on %s: %s", request.url.path, exc)
    return problem_response(
        request, 409, "conflict", "Conflict", "A concurrent change got there first; retry."
    )


async def _on_operational(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("database error on %s", request.url.path, exc_info=exc)
    return problem_response(
        request,
        503,
        "service-unavailable",
        "Service unavailable",
        "The database did not answer in time; retry.",
        {"Retry-After": "1"},
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        request, 500, "internal-error", "Internal server error", "An unexpected error occurred."
    )


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(IntegrityError, _on_integrity)
    app.add_exception_handler(OperationalError, _on_operational)
    app.add_exception_handler(Exception, _on_unexpected)
