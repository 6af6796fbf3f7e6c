"""Fixtures: a migrated database per test, on SQLite (default) or PostgreSQL.

Set DISCLOSURE_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test to run the
suite on PostgreSQL: the session makes its own database on that server (and drops it at the
end), migrates it once and empties its tables before every test. On SQLite the migrated file
is copied for every test.
"""

from __future__ import annotations

import copy
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from app.cli import demo_report
from app.config import Settings
from app.db import Base, make_engine, migrate, writer
from app.main import create_app
from app.services import keys, registry

POSTGRES_URL = os.environ.get("DISCLOSURE_TEST_DATABASE_URL")


def pytest_report_header() -> str:
    return f"database: {'postgresql' if POSTGRES_URL else 'sqlite'}"


class Databases:
    """Makes and drops whole databases of the kind under test."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.made: list[str] = []

    @property
    def dialect(self) -> str:
        return "postgresql" if POSTGRES_URL else "sqlite"

    def new_url(self) -> str:
        name = f"ds_test_{uuid.uuid4().hex[:12]}"
        if not POSTGRES_URL:
            return f"sqlite:///{self.tmp / name}.db"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.made.append(name)
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not POSTGRES_URL or not self.made:
            return
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    made = Databases(tmp_path_factory.mktemp("db"))
    yield made
    made.drop_all()


@pytest.fixture(scope="session")
def migrated_url(databases: Databases) -> str:
    url = databases.new_url()
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    return url


# Tables emptied between tests; `metrics` keeps the catalog that migrate() synced.
DATA_TABLES = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name != "metrics"]


@pytest.fixture
def engine(migrated_url: str, tmp_path: Path) -> Iterator[Engine]:
    if POSTGRES_URL:
        made = make_engine(migrated_url)
        with made.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE"))
    else:
        path = tmp_path / "test.db"
        shutil.copy(make_url(migrated_url).database or "", path)
        made = make_engine(f"sqlite:///{path}")
    yield made
    _wait_for_connections(made)
    made.dispose()


def _wait_for_connections(engine: Engine) -> None:
    """Let the last request return its connection before the pool goes.

    A request's session is closed as its response goes out; disposing the pool before that
    would leave the connection to the garbage collector, whose ResourceWarning then fails
    whatever test happens to be running (see db._session_for)."""
    deadline = time.monotonic() + 5
    while engine.pool.checkedout() and time.monotonic() < deadline:  # type: ignore[attr-defined]
        time.sleep(0.001)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(writer(engine), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def settings(engine: Engine) -> Settings:
    return Settings(database_url=engine.url.render_as_string(hide_password=False))


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine), raise_server_exceptions=False) as test_client:
        yield test_client


def _make_key(engine: Engine, scope: str) -> str:
    with Session(engine) as session, session.begin():
        _, secret = keys.create(session, f"test {scope}", scope)
    return secret


@pytest.fixture
def write_key(engine: Engine) -> str:
    return _make_key(engine, "write")


@pytest.fixture
def read_key(engine: Engine) -> str:
    return _make_key(engine, "read")


@pytest.fixture
def auth(write_key: str) -> dict[str, str]:
    """Headers of a client with the write scope."""
    return {"Authorization": f"Bearer {write_key}"}


@pytest.fixture
def jian(engine: Engine) -> None:
    """The real hierarchy 吉林省 → 通化市 → 集安市 → its 15 townships, from the registry."""
    with Session(writer(engine)) as session, session.begin():
        registry.load(session, within="220582")


@pytest.fixture
def sample() -> dict[str, Any]:
    """The hand-written JSON of the 2009 台上镇 report (a fresh copy per test)."""
    return copy.deepcopy(demo_report())


@pytest.fixture
def post(client: TestClient, auth: dict[str, str]) -> Callable[..., Any]:
    """POST a report with the write key: post(body, strict=False) -> response."""

    def do(body: Any, **params: Any) -> Any:
        return client.post("/v1/reports", json=body, headers=auth, params=params)

    return do
