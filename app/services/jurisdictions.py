"""Jurisdictions, their dated parent edges and successions; the hierarchy of a given year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    and_,
    case,
    delete,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from app import models
from app.db import insert_for
from app.errors import InvalidRequest, NotFound
from app.schemas.jurisdictions import JurisdictionBulk

# A hierarchy is at most province > prefecture > county > township > department; the bound
# also stops a recursive query should bad data ever form a cycle.
MAX_DEPTH = 8
OPEN_FROM, OPEN_TO = 0, 9999


def valid_in(year: int | None, valid_from: Any, valid_to: Any) -> ColumnElement[bool]:
    """The row is valid in `year` (both bounds inclusive, NULL meaning open)."""
    if year is None:
        return literal(True)
    return and_(
        or_(valid_from.is_(None), valid_from <= year), or_(valid_to.is_(None), valid_to >= year)
    )


def _greatest(a: Any, b: Any) -> Any:
    return case((a > b, a), else_=b)


def _least(a: Any, b: Any) -> Any:
    return case((a < b, a), else_=b)


def subtree(root_id: int, year: int | None = None) -> CTE:
    """Bodies under `root_id` (itself included) with the years [lo, hi] they were under it.

    Each step intersects the path's years with the edge's, so a body moved between parents
    belongs to each of them only for its own years. With `year`, only that year is kept.
    """
    start = year if year is not None else OPEN_FROM
    end = year if year is not None else OPEN_TO
    base = select(
        literal(root_id).label("id"),
        literal(start).label("lo"),
        literal(end).label("hi"),
        literal(0).label("depth"),
    ).cte("subtree", recursive=True)
    edge = models.JurisdictionEdge
    lo = _greatest(base.c.lo, case((edge.valid_from.is_(None), OPEN_FROM), else_=edge.valid_from))
    hi = _least(base.c.hi, case((edge.valid_to.is_(None), OPEN_TO), else_=edge.valid_to))
    step = (
        select(edge.child_id, lo, hi, base.c.depth + 1)
        .join(base, edge.parent_id == base.c.id)
        .where(lo <= hi, base.c.depth < MAX_DEPTH)
    )
    return base.union_all(step)


@dataclass(frozen=True)
class BulkResult:
    jurisdictions: int
    edges: int
    successions: int


def get(session: Session, code: str) -> models.Jurisdiction:
    body = session.scalar(select(models.Jurisdiction).where(models.Jurisdiction.code == code))
    if body is None:
        raise NotFound(f"No jurisdiction with code {code!r}", code=code)
    return body


def default_year(body: models.Jurisdiction) -> int:
    """Without a year, a body is shown as it stands now, or as it last stood."""
    this_year = dt.date.today().year
    return min(this_year, body.valid_to) if body.valid_to is not None else this_year


def parent_of(session: Session, body_id: int, year: int) -> models.Jurisdiction | None:
    edge = models.JurisdictionEdge
    return session.scalar(
        select(models.Jurisdiction)
        .join(edge, edge.parent_id == models.Jurisdiction.id)
        .where(edge.child_id == body_id, valid_in(year, edge.valid_from, edge.valid_to))
        .limit(1)
    )


def parent_chain(
    session: Session, body: models.Jurisdiction, year: int
) -> list[models.Jurisdiction]:
    """Parents from the nearest up to the root, as they stood in `year`."""
    chain: list[models.Jurisdiction] = []
    current = parent_of(session, body.id, year)
    while current is not None and len(chain) < MAX_DEPTH:
        chain.append(current)
        current = parent_of(session, current.id, year)
    return chain


def children(
    session: Session, body: models.Jurisdiction, year: int
) -> Sequence[models.Jurisdiction]:
    edge = models.JurisdictionEdge
    return session.scalars(
        select(models.Jurisdiction)
        .join(edge, edge.child_id == models.Jurisdiction.id)
        .where(edge.parent_id == body.id, valid_in(year, edge.valid_from, edge.valid_to))
        .where(valid_in(year, models.Jurisdiction.valid_from, models.Jurisdiction.valid_to))
        .order_by(models.Jurisdiction.code)
    ).all()


def list_query(
    session: Session,
    level: str | None,
    parent: str | None,
    year: int | None,
    q: str | None,
) -> Select[models.Jurisdiction]:
    """Bodies filtered by level, direct parent (in `year`, or ever), name and existence."""
    body = models.Jurisdiction
    query = select(body)
    if level:
        query = query.where(body.level == level)
    if q:
        query = query.where(body.name.contains(q, autoescape=True))
    query = query.where(valid_in(year, body.valid_from, body.valid_to))
    if parent:
        edge = models.JurisdictionEdge
        parent_id = get(session, parent).id
        query = query.where(
            select(edge.id)
            .where(
                edge.child_id == body.id,
                edge.parent_id == parent_id,
                valid_in(year, edge.valid_from, edge.valid_to),
            )
            .exists()
        )
    return query


def _check_bulk(payload: JurisdictionBulk, known: dict[str, int]) -> None:
    errors: list[dict[str, str]] = []
    in_payload: dict[str, int] = {}
    for i, item in enumerate(payload.jurisdictions):
        if item.code in in_payload:
            errors.append(
                {
                    "pointer": f"/jurisdictions/{i}/code",
                    "detail": f"code {item.code!r} also at /jurisdictions/{in_payload[item.code]}",
                }
            )
        in_payload.setdefault(item.code, i)
    exists = set(known) | set(in_payload)

    def need(code: str, at: str) -> None:
        if code not in exists:
            errors.append({"pointer": at, "detail": f"unknown jurisdiction {code!r}"})

    for i, item in enumerate(payload.jurisdictions):
        if item.parent is not None:
            need(item.parent, f"/jurisdictions/{i}/parent")
            if item.parent == item.code:
                errors.append(
                    {
                        "pointer": f"/jurisdictions/{i}/parent",
                        "detail": "a body cannot be its own parent",
                    }
                )
    for i, edge in enumerate(payload.edges):
        need(edge.child, f"/edges/{i}/child")
        need(edge.parent, f"/edges/{i}/parent")
        if edge.child == edge.parent:
            errors.append(
                {"pointer": f"/edges/{i}/parent", "detail": "a body cannot be its own parent"}
            )
    for i, succession in enumerate(payload.successions):
        need(succession.predecessor, f"/successions/{i}/predecessor")
        need(succession.successor, f"/successions/{i}/successor")
    if errors:
        raise InvalidRequest(
            f"{len(errors)} problem(s) in the jurisdictions payload", errors=errors
        )


def _code_ids(session: Session, codes: Iterable[str]) -> dict[str, int]:
    wanted = list(set(codes))
    ids: dict[str, int] = {}
    body = models.Jurisdiction
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start : start + 5000]
        rows = session.execute(select(body.code, body.id).where(body.code.in_(chunk)))
        ids.update({code: id_ for code, id_ in rows})
    return ids


def _chunks(rows: list[dict[str, Any]], size: int = 2000) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _check_overlaps(session: Session, child_ids: set[int]) -> None:
    """A body has one parent in any year; otherwise roll-ups would count it twice."""
    edge = models.JurisdictionEdge
    ids = sorted(child_ids)
    rows: list[Any] = []
    for start in range(0, len(ids), 5000):
        rows += session.execute(
            select(edge.child_id, edge.valid_from, edge.valid_to)
            .where(edge.child_id.in_(ids[start : start + 5000]))
            .order_by(edge.child_id, edge.valid_from.nulls_first())
        ).all()
    previous: tuple[int, int] | None = None
    for child_id, start, end in rows:
        lo, hi = start if start is not None else OPEN_FROM, end if end is not None else OPEN_TO
        if previous and previous[0] == child_id and lo <= previous[1]:
            code = session.scalar(
                select(models.Jurisdiction.code).where(models.Jurisdiction.id == child_id)
            )
            raise InvalidRequest(
                f"jurisdiction {code!r} would have two parents in year {lo}; edges of one "
                "body must not overlap",
                errors=[{"pointer": "/edges", "detail": f"overlapping edges for {code!r}"}],
            )
        previous = (child_id, hi)


def bulk_upsert(session: Session, payload: JurisdictionBulk) -> BulkResult:
    """Insert or update bodies by code, edges by (child, valid_from), successions by key."""
    insert = insert_for(session)
    referenced = [item.code for item in payload.jurisdictions]
    referenced += [item.parent for item in payload.jurisdictions if item.parent]
    referenced += [c for edge in payload.edges for c in (edge.child, edge.parent)]
    referenced += [c for s in payload.successions for c in (s.predecessor, s.successor)]
    _check_bulk(payload, _code_ids(session, referenced))

    rows = [item.model_dump(exclude={"parent"}) for item in payload.jurisdictions]
    for chunk in _chunks(rows):
        statement = insert(models.Jurisdiction).values(chunk)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["code"],
                set_={
                    c: statement.excluded[c] for c in ("name", "level", "valid_from", "valid_to")
                },
            )
        )
    ids = _code_ids(session, referenced)
    edges: list[dict[str, Any]] = [
        {
            "child_id": ids[item.code],
            "parent_id": ids[item.parent],
            "valid_from": item.valid_from,
            "valid_to": item.valid_to,
        }
        for item in payload.jurisdictions
        if item.parent
    ] + [
        {
            "child_id": ids[e.child],
            "parent_id": ids[e.parent],
            "valid_from": e.valid_from,
            "valid_to": e.valid_to,
        }
        for e in payload.edges
    ]
    _upsert_edges(session, edges)
    successions = [
        {
            "predecessor_id": ids[s.predecessor],
            "successor_id": ids[s.successor],
            "year": s.year,
            "kind": s.kind,
        }
        for s in payload.successions
    ]
    for chunk in _chunks(successions):
        statement = insert(models.Succession).values(chunk)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["predecessor_id", "successor_id", "year"],
                set_={"kind": statement.excluded.kind},
            )
        )
    _check_overlaps(session, {edge["child_id"] for edge in edges})
    return BulkResult(len(rows), len(edges), len(successions))


def _upsert_edges(session: Session, edges: list[dict[str, Any]]) -> None:
    # (child_id, valid_from) is unique, but NULL never conflicts in a unique index, so an
    # open-started edge is replaced by deleting the child's open-started edge first.
    edge = models.JurisdictionEdge
    open_started = [e["child_id"] for e in edges if e["valid_from"] is None]
    for start in range(0, len(open_started), 5000):
        chunk = open_started[start : start + 5000]
        session.execute(delete(edge).where(edge.child_id.in_(chunk), edge.valid_from.is_(None)))
    insert = insert_for(session)
    for chunk in _chunks(edges):
        statement = insert(edge).values(chunk)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["child_id", "valid_from"],
                set_={
                    "parent_id": statement.excluded.parent_id,
                    "valid_to": statement.excluded.valid_to,
                },
            )
        )
