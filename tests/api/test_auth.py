"""API keys: writes need a bearer key with the write scope; reads are public unless configured.

Keys are made by `disclosure-stats keys create`, shown once, stored as SHA-256 hashes, listed
without their secret and revoked by id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from app import models
from app.cli import main
from app.config import Settings
from app.errors import InvalidRequest
from app.main import create_app
from app.services import keys
from tests.factories import count_rows, table_report

TOWN = "220582105"  # 台上镇, 集安市


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def revoke(engine: Engine, secret: str) -> None:
    with Session(engine) as session, session.begin():
        key = keys.find_active(session, secret)
        assert key is not None
        keys.revoke(session, key.id)


def assert_unauthorized(response: Any) -> None:
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["type"] == "/problems/unauthorized"


@pytest.fixture
def private_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """A client of an app configured with DISCLOSURE_READ_REQUIRES_KEY=true."""
    private = Settings(database_url=settings.database_url, read_requires_key=True)
    with TestClient(create_app(private, engine), raise_server_exceptions=False) as client:
        yield client


def test_a_write_key_creates_a_report(
    jian: None, client: TestClient, write_key: str, engine: Engine
) -> None:
    response = client.post("/v1/reports", json=table_report(TOWN, 2021), headers=bearer(write_key))

    assert response.status_code == 201
    assert response.json()["jurisdiction"] == TOWN
    assert count_rows(engine, models.ReportRevision) == 1


def test_a_write_without_a_key_is_401_and_stores_nothing(
    jian: None, client: TestClient, engine: Engine
) -> None:
    response = client.post("/v1/reports", json=table_report(TOWN, 2021))

    assert_unauthorized(response)
    assert response.json()["detail"] == "Send an API key: Authorization: Bearer <key>"
    assert count_rows(engine, models.Report) == 0


def test_a_revoked_key_is_401(
    jian: None, client: TestClient, write_key: str, engine: Engine
) -> None:
    revoke(engine, write_key)

    response = client.post("/v1/reports", json=table_report(TOWN, 2021), headers=bearer(write_key))

    assert_unauthorized(response)
    assert response.json()["detail"] == "The API key is unknown or revoked"
    assert count_rows(engine, models.Report) == 0


@pytest.mark.parametrize(
    "header",
    [
        "Basic {key}",
        "Token {key}",
        "{key}",
        "Bearer",
        "Bearer ",
        "Bearer {key}x",
        "Bearer {key_upper}",
    ],
)
def test_a_malformed_authorization_header_is_401(
    jian: None, client: TestClient, write_key: str, engine: Engine, header: str
) -> None:
    value = header.format(key=write_key, key_upper=write_key.upper())

    response = client.post(
        "/v1/reports", json=table_report(TOWN, 2021), headers={"Authorization": value}
    )

    assert_unauthorized(response)
    assert count_rows(engine, models.Report) == 0


def test_the_bearer_scheme_is_case_insensitive(
    jian: None, client: TestClient, write_key: str
) -> None:
    # RFC 9110: the auth scheme is a case-insensitive token.
    response = client.post(
        "/v1/reports",
        json=table_report(TOWN, 2021),
        headers={"Authorization": f"bearer {write_key}"},
    )

    assert response.status_code == 201


def test_a_read_key_cannot_write(
    jian: None, client: TestClient, read_key: str, engine: Engine
) -> None:
    response = client.post("/v1/reports", json=table_report(TOWN, 2021), headers=bearer(read_key))

    assert response.status_code == 403
    assert response.json()["type"] == "/problems/forbidden"
    assert count_rows(engine, models.Report) == 0


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/v1/reports/batch", [table_report(TOWN, 2021)]),
        ("/v1/jurisdictions", {"jurisdictions": [{"code": "X1", "name": "甲", "level": "county"}]}),
    ],
)
def test_every_write_route_needs_the_write_scope(
    jian: None, client: TestClient, read_key: str, path: str, payload: Any
) -> None:
    assert_unauthorized(client.post(path, json=payload))
    assert client.post(path, json=payload, headers=bearer(read_key)).status_code == 403


def test_the_key_is_checked_before_the_body_is_read(
    settings: Settings, engine: Engine, read_key: str
) -> None:
    # Without a key, neither an oversized nor an unreadable body gets a look.
    small = Settings(database_url=settings.database_url, max_report_bytes=1024)
    with TestClient(create_app(small, engine), raise_server_exceptions=False) as client:
        oversized = client.post("/v1/reports", content=b"{" + b" " * 4096 + b"}")
        plain = client.post("/v1/reports", content=b"x", headers={"Content-Type": "text/plain"})
        forbidden = client.post(
            "/v1/reports", content=b"x", headers={**bearer(read_key), "Content-Type": "text/plain"}
        )

    assert_unauthorized(oversized)
    assert_unauthorized(plain)
    assert forbidden.status_code == 403


def test_keys_are_stored_as_hashes_only(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        _, secret = keys.create(session, "ingest bot", "write")

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM api_keys")).mappings().all()

    assert len(rows) == 1
    [row] = rows
    assert row["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert row["name"] == "ingest bot"
    assert row["scope"] == "write"
    for column, value in row.items():
        assert secret not in str(value), column


def test_each_key_is_a_fresh_secret(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        made = [keys.create(session, f"bot {i}", "read")[1] for i in range(3)]

    assert len(set(made)) == 3
    # 256 random bits, URL-safe base64: 43 characters after the prefix.
    assert all(len(secret) >= 40 for secret in made)


def test_reads_are_public_by_default(jian: None, client: TestClient) -> None:
    assert client.get("/v1/metrics/staff.total").json()["key"] == "staff.total"
    assert client.get("/v1/jurisdictions/220582").json()["name"] == "集安市"
    assert client.get("/v1/reports").json()["items"] == []


def test_with_read_requires_key_reads_need_a_key(
    jian: None, private_client: TestClient, read_key: str, write_key: str, engine: Engine
) -> None:
    assert_unauthorized(private_client.get("/v1/metrics/staff.total"))
    assert_unauthorized(private_client.get("/v1/jurisdictions/220582"))
    assert_unauthorized(private_client.get("/v1/reports"))

    with_read = private_client.get("/v1/jurisdictions/220582", headers=bearer(read_key))
    assert with_read.status_code == 200
    assert with_read.json()["name"] == "集安市"
    with_write = private_client.get("/v1/metrics/staff.total", headers=bearer(write_key))
    assert with_write.status_code == 200

    revoke(engine, read_key)
    assert_unauthorized(private_client.get("/v1/reports", headers=bearer(read_key)))


def test_with_read_requires_key_writes_still_need_the_write_scope(
    jian: None, private_client: TestClient, read_key: str, write_key: str
) -> None:
    body = table_report(TOWN, 2021)

    assert (
        private_client.post("/v1/reports", json=body, headers=bearer(read_key)).status_code == 403
    )
    assert (
        private_client.post("/v1/reports", json=body, headers=bearer(write_key)).status_code == 201
    )


def test_with_read_requires_key_health_and_problem_types_stay_open(
    private_client: TestClient,
) -> None:
    # Load balancers probe without a key; a problem's `type` must resolve for any client.
    assert private_client.get("/healthz").json() == {"status": "ok"}
    assert private_client.get("/readyz").json() == {"status": "ready"}
    assert private_client.get("/problems/unauthorized").status_code == 200


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command on the test database (it disposes of its engine when it ends)."""
    monkeypatch.setenv("DISCLOSURE_DATABASE_URL", settings.database_url)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    """Run the command; its lines of standard output."""
    assert main(list(argv)) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out.splitlines()


def key_id(engine: Engine, name: str) -> int:
    with Session(engine) as session:
        return session.scalars(select(models.ApiKey.id).where(models.ApiKey.name == name)).one()


def test_cli_creates_a_write_key_and_prints_it_last(
    cli_env: None,
    capsys: pytest.CaptureFixture[str],
    jian: None,
    client: TestClient,
    engine: Engine,
) -> None:
    lines = cli(capsys, "keys", "create", "--scope", "write", "--name", "ingest bot")

    secret = lines[-1]
    assert len(lines) >= 2
    assert "ingest bot" in lines[0]
    response = client.post("/v1/reports", json=table_report(TOWN, 2021), headers=bearer(secret))
    assert response.status_code == 201
    with Session(engine) as session:
        [stored] = session.scalars(select(models.ApiKey)).all()
    assert (stored.name, stored.scope) == ("ingest bot", "write")
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_cli_creates_a_read_key_that_cannot_write(
    cli_env: None, capsys: pytest.CaptureFixture[str], jian: None, client: TestClient
) -> None:
    secret = cli(capsys, "keys", "create", "--scope", "read", "--name", "dashboard")[-1]

    response = client.post("/v1/reports", json=table_report(TOWN, 2021), headers=bearer(secret))

    assert response.status_code == 403


def test_cli_lists_keys_without_their_secrets(
    cli_env: None, capsys: pytest.CaptureFixture[str], engine: Engine
) -> None:
    first = cli(capsys, "keys", "create", "--scope", "write", "--name", "ingest bot")[-1]
    second = cli(capsys, "keys", "create", "--scope", "read", "--name", "dashboard")[-1]

    listing = cli(capsys, "keys", "list")

    text_out = "\n".join(listing)
    assert first not in text_out
    assert second not in text_out
    assert len(listing) == 2
    ingest_line, dashboard_line = listing
    assert ingest_line.startswith(f"{key_id(engine, 'ingest bot')}\t")
    assert "\twrite\tactive\tingest bot" in ingest_line
    assert dashboard_line.startswith(f"{key_id(engine, 'dashboard')}\t")
    assert "\tread\tactive\tdashboard" in dashboard_line


def test_cli_revokes_a_key_by_id(
    cli_env: None,
    capsys: pytest.CaptureFixture[str],
    jian: None,
    client: TestClient,
    engine: Engine,
) -> None:
    revoked = cli(capsys, "keys", "create", "--scope", "write", "--name", "old bot")[-1]
    kept = cli(capsys, "keys", "create", "--scope", "write", "--name", "new bot")[-1]
    old_id = key_id(engine, "old bot")

    assert cli(capsys, "keys", "revoke", str(old_id)) == [f"revoked key {old_id} (old bot)"]

    body = table_report(TOWN, 2021)
    assert_unauthorized(client.post("/v1/reports", json=body, headers=bearer(revoked)))
    assert client.post("/v1/reports", json=body, headers=bearer(kept)).status_code == 201
    listing = cli(capsys, "keys", "list")
    assert "\trevoked " in listing[0]
    assert listing[0].endswith("\told bot")
    assert "\tactive\t" in listing[1]


def test_cli_revoking_an_unknown_id_fails_and_says_so(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "revoke", "4242"]) == 1
    assert capsys.readouterr().err == "error: No API key with id 4242\n"


@pytest.mark.parametrize("name", ["x" * 201, "   "])
def test_cli_refuses_a_key_name_the_table_cannot_hold(
    cli_env: None, capsys: pytest.CaptureFixture[str], engine: Engine, name: str
) -> None:
    # PostgreSQL used to answer a 201-character name with a DataError traceback.
    assert main(["keys", "create", "--scope", "write", "--name", name]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: The name must be 1 to 200 characters without NUL ({len(name)} given)\n"
    )
    assert count_rows(engine, models.ApiKey) == 0


def test_a_key_scope_outside_read_and_write_is_refused(engine: Engine) -> None:
    with Session(engine) as session, pytest.raises(InvalidRequest) as refused:
        keys.create(session, "root", "admin")

    assert refused.value.detail == "The scope must be one of ['read', 'write'], not 'admin'"
    assert count_rows(engine, models.ApiKey) == 0
