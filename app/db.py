"""Engine, sessions and the transaction of a request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Annotated, Any, cast

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import (
    ARRAY,
    Engine,
    Integer,
    MetaData,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and explicit transactions."""
    if not url.startswith("sqlite"):
        # No pre-ping: it is a round trip on every request. After a server restart the first
        # query on a dead connection fails (503 with Retry-After, see errors.py) and
        # SQLAlchemy then discards every pooled connection, so one request pays, not all.
        return create_engine(url, pool_size=10, max_overflow=10)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from pysqlite so that writers can BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # A writer that began with a read would fail with SQLITE_BUSY_SNAPSHOT, without waiting,
    # when another writer commits first; taking the write lock up front makes it queue instead.
    immediate = connection.get_execution_options().get("sqlite_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The same engine, with transactions that take SQLite's write lock when they begin."""
    if engine.dialect.name != "sqlite":
        return engine
    return engine.execution_options(sqlite_immediate=True)


def reader(engine: Engine) -> Engine:
    """The engine for read-only requests: on PostgreSQL without a transaction.

    Under READ COMMITTED every statement takes its own snapshot, in a transaction or not, so
    a read request loses nothing by autocommit and saves the BEGIN and COMMIT round trips,
    a quarter of a fast aggregate's. SQLite keeps its transaction: there it is what holds
    one snapshot across the statements of a request.
    """
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


async def _session_for(engine: Engine) -> AsyncIterator[Session]:
    """A session for one request (in a transaction, but for reads on PostgreSQL: `reader`).

    Opening it does no I/O (the connection is taken at the first statement), so it happens
    on the event loop: a sync dependency would cost a thread-pool hop. The end, which talks
    to the database, runs in the pool; it is committed before the response is sent
    (scope="function" below), so a failed commit becomes an error response instead of
    following a 201.

    After an error it is rolled back and closed right here, on the event loop: awaiting the
    pool there let the problem response go out first (measured), so the connection came
    back after the client had its answer, or never if the loop was stopping. A read session
    on PostgreSQL has no transaction to roll back; a write's rollback is one round trip.
    """
    session = Session(engine, expire_on_commit=False)
    transaction = session.begin()
    try:
        yield session
    except BaseException:
        _close(session, False)
        raise
    await run_in_threadpool(_close, session, transaction.is_active)


def _close(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
    finally:
        session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    async for session in _session_for(request.app.state.read_engine):
        yield session


async def get_write_session(request: Request) -> AsyncIterator[Session]:
    async for session in _session_for(writer(request.app.state.engine)):
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
WriteSessionDep = Annotated[Session, Depends(get_write_session, scope="function")]


def alembic_config(engine: Engine) -> Any:
    """An Alembic config for the migrations shipped beside this package, bound to `engine`."""
    from pathlib import Path

    from alembic.config import Config

    import migrations

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to `revision`, then bring the metric table in line with the catalog."""
    from alembic import command

    from app.services import catalog as catalog_service

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    with Session(engine) as session, session.begin():
        catalog_service.sync_metrics(session)


def insert_for(session: Session) -> Any:
    """The dialect's INSERT, which has on_conflict_do_update/do_nothing on both databases."""
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def table_of(model: type[Base]) -> Table:
    """A mapped class's Core table (for executemany and COPY, which take tables)."""
    return cast(Table, model.__table__)


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def rows_of(session: Session, statement: Any, params: dict[str, Any] | None = None) -> Any:
    """A Core statement's rows straight from the session's connection: on the hot read paths
    the ORM's result processing costs more than the query.

    Those paths also build their statements once per dialect (`functools.cache`) with named
    parameters: building a Select and its cache key anew costs about 1 ms a statement,
    several times what PostgreSQL takes to answer it."""
    return session.connection().execute(statement, params or {})


def id_table(name: str, column: str = "group_id") -> Any:
    """PostgreSQL: the ids of array parameter `name` as a one-column table, to join LATERAL
    subqueries to."""
    array = bindparam(name, type_=ARRAY(Integer))
    return func.unnest(array).table_valued(column, name="groups").render_derived()


def among(dialect: str, column: Any, name: str) -> Any:
    """`column` is one of the ids in parameter `name`: on PostgreSQL `= ANY(array)`, a single
    parameter, elsewhere an expanding IN list."""
    if dialect == "postgresql":
        return column == func.any(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))


# Ids per statement where lists are split: SQLite caps a statement's parameters.
CHUNK = 2000


def in_ids(session: Session, column: Any, ids: Sequence[int]) -> Any:
    """`column IN ids` for a statement built on the spot: on PostgreSQL `= ANY(array)`, one
    parameter, where a list of thousands of ids costs more to render and send than to
    look up."""
    if dialect_of(session) == "postgresql":
        return column == func.any(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(list(ids))


def grouped(pairs: Any) -> dict[Any, list[int]]:
    """(id, key...) tuples as {key: [ids]}: queries filter `key = k AND id IN (...)`, which
    both databases answer from an index, where a row-value IN list may be scanned."""
    found: dict[Any, list[int]] = {}
    for id_, *key in sorted(pairs):
        found.setdefault(key[0] if len(key) == 1 else tuple(key), []).append(id_)
    return found


def bulk_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many rows: COPY on PostgreSQL (several times faster than any INSERT form),
    an executemany elsewhere. Columns are the keys of the first row."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def insert_returning_ids(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` into `table` and return their new ids, in the rows' order.

    PostgreSQL: ids drawn from the table's sequence in one query, then COPY (an INSERT of
    many rows with RETURNING costs more in the driver, which parses its thousands of
    placeholders, than in the server); elsewhere an INSERT ... RETURNING.
    """
    if not rows:
        return []
    if dialect_of(session) != "postgresql":
        statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return list(session.execute(statement, rows).scalars())
    draw = "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
    ids = list(session.execute(text(draw), {"table": table.name, "n": len(rows)}).scalars())
    bulk_insert(session, table, [{"id": id_, **row} for id_, row in zip(ids, rows, strict=True)])
    return ids
