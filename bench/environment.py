"""A fresh database with the registry and departments, a write key, and the service running.

Everything made here is undone by the context managers: the PostgreSQL database is dropped
(or the SQLite directory removed) and the uvicorn process is terminated, also on errors and
Ctrl-C.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.orm import Session

from app import models
from app.db import make_engine, migrate, writer
from app.schemas.jurisdictions import JurisdictionBulk, JurisdictionIn
from app.services import jurisdictions, keys, registry
from bench.generate import Body

ROOT = Path(__file__).resolve().parent.parent
DEPARTMENTS = ("人民政府办公室", "发展和改革局", "教育局")
# --scale small: three provinces of different shapes (a municipality without prefectures,
# an island province with few, an ordinary one); ~2,000 bodies with departments.
SMALL_PROVINCES = ("110000", "460000", "640000")


@contextmanager
def fresh_database(kind: str, pg_url: str, keep: bool = False) -> Iterator[str]:
    """The URL of a new, empty database of `kind`, removed on exit unless `keep`."""
    if kind == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="bench_"))
        try:
            yield f"sqlite:///{directory / 'bench.db'}"
        finally:
            if keep:
                print(f"kept {directory / 'bench.db'}")
            else:
                shutil.rmtree(directory, ignore_errors=True)
        return
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Loaded:
    bodies: list[Body]
    seconds: float
    write_key: str


def prepare(url: str, scale: str) -> Loaded:
    """Migrate, load the registry (all of it, or SMALL_PROVINCES) and 3 departments per
    county, and create a write key."""
    started = time.perf_counter()
    engine = make_engine(url)
    try:
        migrate(engine)
        with Session(writer(engine)) as session, session.begin():
            if scale == "full":
                registry.load(session)
            else:
                for province in SMALL_PROVINCES:
                    registry.load(session, within=province)
        body = models.Jurisdiction
        with Session(writer(engine)) as session, session.begin():
            counties = session.execute(
                select(body.code, body.name).where(body.level == "county").order_by(body.code)
            ).all()
            departments = [
                JurisdictionIn(
                    code=f"{code}D{number:02d}",
                    name=f"{name}{department}",
                    level="department",
                    parent=code,
                )
                for code, name in counties
                for number, department in enumerate(DEPARTMENTS, start=1)
            ]
            jurisdictions.bulk_upsert(session, JurisdictionBulk(jurisdictions=departments))
        with Session(engine) as session, session.begin():
            _, secret = keys.create(session, "bench", "write")
            rows = session.execute(select(body.code, body.name, body.level).order_by(body.code))
            bodies = [Body(code, name, level) for code, name, level in rows]
    finally:
        engine.dispose()
    return Loaded(bodies, time.perf_counter() - started, secret)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_service(url: str) -> Iterator[str]:
    """`disclosure-stats serve` on `url` in its own process; yields its base URL."""
    port = free_port()
    env = {**os.environ, "DISCLOSURE_DATABASE_URL": url}
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(process, base)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(process: subprocess.Popen[bytes], base: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited with {process.returncode} before it was ready")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the service at {base} was not ready within {seconds:.0f} s")
