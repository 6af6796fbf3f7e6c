"""The error contract: every failure is an RFC 9457 problem with a documented `type`.

One parametrised test walks every error path the API has (404, 405, 401, 403, 409, 413, 415,
422, 500, 503) and checks the same five members each time: `type` (a `/problems/<slug>` path
that `GET /problems/<slug>` documents), `title` (one per type), `status` (equal to the HTTP
status), `detail` and `instance` (the request path, without the query).

409 has no natural trigger: ingestion locks the report row before it writes (see
`reports._lock_report`), so two posters queue instead of colliding. The IntegrityError handler
is a backstop for races, so a test-only route provokes a real unique violation in the
database instead.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app import models
from app.config import Settings
from app.db import WriteSessionDep, make_engine
from app.main import create_app
from tests.factories import count_rows, table_report

PROBLEM = "application/problem+json"
TOWN = "220582105"  # 台上镇, the body of the sample report
# RFC 9457: the title of a problem type does not change from occurrence to occurrence.
TITLES = {
    "not-found": "Not found",
    "method-not-allowed": "Method not allowed",
    "unauthorized": "Unauthorized",
    "forbidden": "Forbidden",
    "conflict": "Conflict",
    "payload-too-large": "Payload too large",
    "unsupported-media-type": "Unsupported media type",
    "invalid-request": "Invalid request",
    "invalid-report": "Invalid report",
    "inconsistent-report": "Report breaks consistency rules",
    "batch-rejected": "Batch rejected",
    "internal-error": "Internal server error",
    "service-unavailable": "Service unavailable",
}


def add_test_routes(app: FastAPI) -> FastAPI:
    """Routes that fail in the two ways no real route should: a bug and a lost race."""

    def boom() -> None:
        raise RuntimeError("secret detail")

    def duplicate_code(session: WriteSessionDep) -> None:
        session.add(models.Jurisdiction(code="TEST-DUP", name="甲", level="county"))
        session.flush()
        # The database's unique constraint, not a service check, refuses the second row.
        session.add(models.Jurisdiction(code="TEST-DUP", name="乙", level="county"))
        session.flush()

    app.add_api_route("/test/boom", boom, methods=["GET"])
    app.add_api_route("/test/duplicate-code", duplicate_code, methods=["POST"])
    return app


@dataclass
class Ctx:
    """What the cases need: the standard client and key, and apps built to order."""

    request: pytest.FixtureRequest
    engine: Engine
    settings: Settings
    client: TestClient
    auth: dict[str, str]
    stack: ExitStack

    def jian(self) -> None:
        self.request.getfixturevalue("jian")

    def read_key(self) -> str:
        key: str = self.request.getfixturevalue("read_key")
        return key

    def app_client(self, engine: Engine | None = None, **settings: Any) -> TestClient:
        configured = Settings(database_url=self.settings.database_url, **settings)
        app = add_test_routes(create_app(configured, engine or self.engine))
        return self.stack.enter_context(TestClient(app, raise_server_exceptions=False))

    def post_sample(self, **params: Any) -> httpx.Response:
        self.jian()
        sample: dict[str, Any] = self.request.getfixturevalue("sample")
        return self.client.post("/v1/reports", json=sample, headers=self.auth, params=params)


@pytest.fixture
def ctx(
    request: pytest.FixtureRequest,
    engine: Engine,
    settings: Settings,
    client: TestClient,
    auth: dict[str, str],
) -> Iterator[Ctx]:
    with ExitStack() as stack:
        yield Ctx(request, engine, settings, client, auth, stack)


@dataclass(frozen=True)
class Case:
    name: str
    status: int
    slug: str
    path: str
    call: Callable[[Ctx, str], httpx.Response]
    # Extension members and headers the problem must carry, derived from the request.
    extensions: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    pointers: list[str] | None = None


def _unknown_report(ctx: Ctx, path: str) -> httpx.Response:
    ctx.jian()  # the body exists; its report does not
    return ctx.client.get(path)


def _unknown_revision(ctx: Ctx, path: str) -> httpx.Response:
    assert ctx.post_sample().status_code == 201
    return ctx.client.get(path, params={"revision": 2})


def _oversized_report(ctx: Ctx, path: str) -> httpx.Response:
    body = json.dumps(ctx.request.getfixturevalue("sample")).encode()
    assert len(body) > 1024
    return ctx.app_client(max_report_bytes=1024).post(
        path, content=body, headers={**ctx.auth, "Content-Type": "application/json"}
    )


def _oversized_streamed_report(ctx: Ctx, path: str) -> httpx.Response:
    # No Content-Length (chunked): the limit holds while the body streams in.
    body = json.dumps(ctx.request.getfixturevalue("sample")).encode()
    chunks = (body[i : i + 256] for i in range(0, len(body), 256))
    return ctx.app_client(max_report_bytes=1024).post(
        path, content=chunks, headers={**ctx.auth, "Content-Type": "application/json"}
    )


def _batch_over_the_item_limit(ctx: Ctx, path: str) -> httpx.Response:
    items = [table_report(TOWN, year) for year in (2021, 2022, 2023)]
    return ctx.app_client(max_batch_items=2).post(path, json=items, headers=ctx.auth)


def _atomic_batch_with_a_bad_item(ctx: Ctx, path: str) -> httpx.Response:
    ctx.jian()
    items = [table_report(TOWN, 2021), table_report("999999", 2021)]
    return ctx.client.post(path, json=items, headers=ctx.auth, params={"atomic": "true"})


def _no_database(ctx: Ctx) -> TestClient:
    missing = ctx.request.getfixturevalue("tmp_path") / "no-such-dir" / "db.sqlite"
    engine = make_engine(f"sqlite:///{missing}")
    ctx.stack.callback(engine.dispose)
    return ctx.app_client(engine=engine)


CASES = [
    Case(
        "unknown route",
        404,
        "not-found",
        "/v1/no-such-route",
        lambda ctx, path: ctx.client.get(path),
    ),
    Case(
        "unknown jurisdiction",
        404,
        "not-found",
        "/v1/jurisdictions/999999",
        lambda ctx, path: ctx.client.get(path),
        extensions={"code": "999999"},
    ),
    Case(
        "unknown report",
        404,
        "not-found",
        f"/v1/reports/{TOWN}/2009",
        _unknown_report,
        extensions={"code": TOWN, "year": 2009},
    ),
    Case(
        "unknown metric",
        404,
        "not-found",
        "/v1/metrics/requests.no_such_row.total",
        lambda ctx, path: ctx.client.get(path),
        extensions={"metric": "requests.no_such_row.total"},
    ),
    Case(
        "unknown revision",
        404,
        "not-found",
        f"/v1/reports/{TOWN}/2009",
        _unknown_revision,
        extensions={"code": TOWN, "year": 2009, "revision": 2},
    ),
    Case(
        "unknown problem type",
        404,
        "not-found",
        "/problems/no-such-type",
        lambda ctx, path: ctx.client.get(path),
    ),
    Case(
        "method not allowed",
        405,
        "method-not-allowed",
        "/v1/metrics",
        lambda ctx, path: ctx.client.delete(path),
        headers={"Allow": "GET"},
    ),
    Case(
        "write without a key",
        401,
        "unauthorized",
        "/v1/reports",
        lambda ctx, path: ctx.client.post(path, json={}),
        headers={"WWW-Authenticate": "Bearer"},
    ),
    Case(
        "write with an unknown key",
        401,
        "unauthorized",
        "/v1/reports",
        lambda ctx, path: ctx.client.post(
            path, json={}, headers={"Authorization": "Bearer ds_not-a-key-we-gave-out"}
        ),
        headers={"WWW-Authenticate": "Bearer"},
    ),
    Case(
        "write with a read-only key",
        403,
        "forbidden",
        "/v1/reports",
        lambda ctx, path: ctx.client.post(
            path, json={}, headers={"Authorization": f"Bearer {ctx.read_key()}"}
        ),
    ),
    Case(
        "unique violation in the database",
        409,
        "conflict",
        "/test/duplicate-code",
        lambda ctx, path: ctx.app_client().post(path),
    ),
    Case(
        "report over the byte limit",
        413,
        "payload-too-large",
        "/v1/reports",
        _oversized_report,
        extensions={"limit": 1024},
    ),
    Case(
        "streamed report over the byte limit",
        413,
        "payload-too-large",
        "/v1/reports",
        _oversized_streamed_report,
        extensions={"limit": 1024},
    ),
    Case(
        "batch over the item limit",
        413,
        "payload-too-large",
        "/v1/reports/batch",
        _batch_over_the_item_limit,
        extensions={"limit": 2},
    ),
    Case(
        "report as text/plain",
        415,
        "unsupported-media-type",
        "/v1/reports",
        lambda ctx, path: ctx.client.post(
            path, content=b"{}", headers={**ctx.auth, "Content-Type": "text/plain"}
        ),
    ),
    Case(
        "query parameter of the wrong type",
        422,
        "invalid-request",
        "/v1/reports",
        lambda ctx, path: ctx.client.get(path, params={"year": "last"}),
        pointers=["query:year"],
    ),
    Case(
        # `format` is a union of two literals: one error at the parameter, not one per branch.
        "query parameter outside its choices",
        422,
        "invalid-request",
        "/v1/reports",
        lambda ctx, path: ctx.client.get(path, params={"format": "xml"}),
        pointers=["query:format"],
    ),
    Case(
        "cursor that was never given out",
        422,
        "invalid-request",
        "/v1/reports",
        lambda ctx, path: ctx.client.get(path, params={"cursor": "!!"}),
        pointers=["query:cursor"],
    ),
    Case(
        "invalid report",
        422,
        "invalid-report",
        "/v1/reports",
        lambda ctx, path: ctx.client.post(path, json=table_report(TOWN, 2006), headers=ctx.auth),
        pointers=["/jurisdiction", "/year"],
    ),
    Case(
        "report body that is not JSON",
        422,
        "invalid-report",
        "/v1/reports",
        lambda ctx, path: ctx.client.post(
            path,
            content=b'{"year": 2009,',
            headers={**ctx.auth, "Content-Type": "application/json"},
        ),
        pointers=[""],
    ),
    Case(
        "jurisdictions body that is not JSON",
        422,
        "invalid-request",
        "/v1/jurisdictions",
        lambda ctx, path: ctx.client.post(
            path,
            content=b'{"jurisdictions": [',
            headers={**ctx.auth, "Content-Type": "application/json"},
        ),
        pointers=[""],
    ),
    Case(
        "strict report with error findings",
        422,
        "inconsistent-report",
        "/v1/reports",
        lambda ctx, path: ctx.post_sample(strict="true"),
    ),
    Case(
        "atomic batch with a rejected item",
        422,
        "batch-rejected",
        "/v1/reports/batch",
        _atomic_batch_with_a_bad_item,
    ),
    Case(
        "unexpected exception",
        500,
        "internal-error",
        "/test/boom",
        lambda ctx, path: ctx.app_client().get(path),
    ),
    Case(
        "readiness without a database",
        503,
        "service-unavailable",
        "/readyz",
        lambda ctx, path: _no_database(ctx).get(path),
    ),
    Case(
        "read without a database",
        503,
        "service-unavailable",
        "/v1/reports",
        lambda ctx, path: _no_database(ctx).get(path),
        headers={"Retry-After": "1"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_error_is_a_documented_problem(case: Case, ctx: Ctx, client: TestClient) -> None:
    response = case.call(ctx, case.path)

    assert response.status_code == case.status
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == f"/problems/{case.slug}"
    assert problem["title"] == TITLES[case.slug]
    assert problem["status"] == case.status
    assert isinstance(problem["detail"], str)
    assert problem["detail"].strip()
    assert problem["instance"] == case.path
    for name, value in case.extensions.items():
        assert problem[name] == value, name
    for name, value in case.headers.items():
        assert response.headers[name] == value, name
    if case.pointers is not None:
        assert sorted(error["pointer"] for error in problem["errors"]) == sorted(case.pointers)

    documented = client.get(problem["type"])
    assert documented.status_code == 200
    assert documented.headers["content-type"] == "application/json"
    assert documented.json()["type"] == problem["type"]
    assert documented.json()["description"].strip()


def test_an_unexpected_error_leaks_nothing_and_is_logged(
    ctx: Ctx, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="app"):
        response = ctx.app_client().get("/test/boom")

    assert response.status_code == 500
    assert response.json() == {
        "type": "/problems/internal-error",
        "title": "Internal server error",
        "status": 500,
        "detail": "An unexpected error occurred.",
        "instance": "/test/boom",
    }
    for leak in ("secret", "RuntimeError", "Traceback", "test_problem_contract"):
        assert leak not in response.text
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[1] is not None]
    assert [str(r.exc_info[1]) for r in logged if r.exc_info] == ["secret detail"]


def test_a_unique_violation_is_a_409_that_rolls_the_request_back(ctx: Ctx, engine: Engine) -> None:
    before = count_rows(engine, models.Jurisdiction)

    response = ctx.app_client().post("/test/duplicate-code")

    assert response.status_code == 409
    assert response.json()["detail"] == "A concurrent change got there first; retry."
    # Neither the database's message nor the statement reaches the client.
    assert "TEST-DUP" not in response.text
    assert "jurisdictions" not in response.text
    with Session(engine) as session:
        stored = session.scalar(
            select(func.count())
            .select_from(models.Jurisdiction)
            .where(models.Jurisdiction.code == "TEST-DUP")
        )
    assert stored == 0
    assert count_rows(engine, models.Jurisdiction) == before


def test_refused_writes_store_nothing(ctx: Ctx, engine: Engine) -> None:
    ctx.jian()
    sample = ctx.request.getfixturevalue("sample")
    refused = [
        ctx.client.post("/v1/reports", json=sample),
        ctx.client.post(
            "/v1/reports", json=sample, headers={"Authorization": f"Bearer {ctx.read_key()}"}
        ),
        ctx.app_client(max_report_bytes=1024).post("/v1/reports", json=sample, headers=ctx.auth),
        ctx.post_sample(strict="true"),
    ]

    assert [r.status_code for r in refused] == [401, 403, 413, 422]
    for model in (models.Report, models.ReportRevision, models.ReportValue, models.Finding):
        assert count_rows(engine, model) == 0, model.__tablename__
