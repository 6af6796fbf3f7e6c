"""Cursor pagination: opaque cursors, a `next` URL in the body and a Link header."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response

from app.api.deps import SettingsDep
from app.errors import InvalidRequest

T = TypeVar("T")


def encode_cursor(key: Sequence[int]) -> str:
    return base64.urlsafe_b64encode(".".join(map(str, key)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, ...]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return tuple(int(part) for part in raw.split("."))
    except ValueError:
        raise InvalidRequest(
            "The cursor is not one this API gave out",
            errors=[{"pointer": "query:cursor", "detail": "invalid cursor"}],
        ) from None


class PageParams:
    def __init__(self, limit: int, cursor: tuple[int, ...] | None) -> None:
        self.limit = limit
        self.after = cursor


async def page_params(
    settings: SettingsDep,
    limit: Annotated[int | None, Query(ge=1, description="Page size (bounded).")] = None,
    cursor: Annotated[str | None, Query(description="From a previous page's `next`.")] = None,
) -> PageParams:
    size = min(limit or settings.default_page_size, settings.max_page_size)
    return PageParams(size, decode_cursor(cursor) if cursor else None)


PageDep = Annotated[PageParams, Depends(page_params)]


def paginate(
    request: Request,
    response: Response,
    params: PageParams,
    fetch: Callable[[tuple[int, ...] | None, int], list[T]],
    key: Callable[[T], Sequence[int]],
) -> tuple[list[T], str | None]:
    """One page of `fetch(after, limit)`; sets the Link header when there is more."""
    rows = fetch(params.after, params.limit + 1)
    if len(rows) <= params.limit:
        return rows, None
    rows = rows[: params.limit]
    next_url = str(request.url.include_query_params(cursor=encode_cursor(key(rows[-1]))))
    response.headers["Link"] = f'<{next_url}>; rel="next"'
    return rows, next_url


def link_headers(next_url: str | None) -> dict[str, Any]:
    return {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
