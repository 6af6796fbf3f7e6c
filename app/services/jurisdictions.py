"""Jurisdictions, their dated parent edges and successions; the hierarchy of a given year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
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
from app.services import hierarchy
from app.services.hierarchy import MAX_DEPTH, OPEN_FROM, OPEN_TO


def valid_in(
    year: int | ColumnElement[int] | None, valid_from: Any, valid_to: Any
) -> ColumnElement[bool]:
    """The row is valid in `year` (both bounds inclusive, NULL meaning open)."""
    if year is None:
        return literal(True)
    return and_(
        or_(valid_from.is_(None), valid_from <= year), or_(valid_to.is_(None), valid_to >= year)
    )


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
    within: str | None = None,
) -> Select[models.Jurisdiction]:
    """Bodies filtered by level, direct parent or subtree (in `year`, or ever), name and
    existence."""
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
    if within:
        closure = models.Closure
        inside = select(closure.descendant_id).where(
            closure.ancestor_id == get(session, within).id, closure.descendant_id == body.id
        )
        if year is not None:
            inside = inside.where(closure.lo <= year, closure.hi >= year)
        query = query.where(inside.exists())
    return query


@dataclass(frozen=True)
class _PayloadEdge:
    """An edge as posted: a `parent` shorthand or an item of `edges`, and where it is."""

    pointer: str
    child: str
    parent: str
    valid_from: int | None
    valid_to: int | None


def _payload_edges(payload: JurisdictionBulk) -> list[_PayloadEdge]:
    shorthand = [
        _PayloadEdge(
            f"/jurisdictions/{i}/parent", item.code, item.parent, item.valid_from, item.valid_to
        )
        for i, item in enumerate(payload.jurisdictions)
        if item.parent is not None
    ]
    explicit = [
        _PayloadEdge(f"/edges/{i}", e.child, e.parent, e.valid_from, e.valid_to)
        for i, e in enumerate(payload.edges)
    ]
    return shorthand + explicit


def _years(valid_from: int | None, valid_to: int | None) -> tuple[int, int]:
    return (
        OPEN_FROM if valid_from is None else valid_from,
        OPEN_TO if valid_to is None else valid_to,
    )


def _overlaps(spans: Iterable[tuple[Any, int, int, Any]]) -> dict[Any, tuple[Any, int]]:
    """Tags of the (key, lo, hi, tag) spans that share a year with another span of their key,
    each with that key and the first shared year."""
    found: dict[Any, tuple[Any, int]] = {}
    reach: tuple[Any, int, Any] | None = None  # key, the furthest end so far, and its span
    for key, lo, hi, tag in sorted(spans, key=lambda span: (span[0], span[1])):
        if reach is not None and reach[0] == key and lo <= reach[1]:
            found.setdefault(reach[2], (key, lo))
            found.setdefault(tag, (key, lo))
        if reach is None or reach[0] != key or hi > reach[1]:
            reach = (key, hi, tag)
    return found


def _overlap_detail(child: str, year: int) -> str:
    return (
        f"jurisdiction {child!r} would have two parents in {year}; the edges of one body "
        "must not overlap"
    )


def _check_bulk(
    payload: JurisdictionBulk, edges: list[_PayloadEdge], known: dict[str, int]
) -> None:
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
    # Checked here as well as after writing: two posted edges with one (child, valid_from)
    # would otherwise be one upserted row (the last wins) instead of an error.
    overlapping = _overlaps(
        (e.child, *_years(e.valid_from, e.valid_to), e.pointer)
        for e in edges
        if e.child != e.parent
    )
    for e in edges:
        if e.pointer in overlapping:
            errors.append(
                {"pointer": e.pointer, "detail": _overlap_detail(*overlapping[e.pointer])}
            )
    seen_successions: dict[tuple[str, str, int], int] = {}
    for i, succession in enumerate(payload.successions):
        need(succession.predecessor, f"/successions/{i}/predecessor")
        need(succession.successor, f"/successions/{i}/successor")
        key = (succession.predecessor, succession.successor, succession.year)
        if key in seen_successions:
            errors.append(
                {
                    "pointer": f"/successions/{i}",
                    "detail": f"also at /successions/{seen_successions[key]}",
                }
            )
        seen_successions.setdefault(key, i)
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


def _chunks(rows: list[Any], size: int = 5000) -> Iterable[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _check_overlaps(session: Session, edges: list[_PayloadEdge], ids: dict[str, int]) -> None:
    """A body has one parent in any year; otherwise roll-ups would count it twice."""
    edge = models.JurisdictionEdge
    rows: list[Any] = []
    for chunk in _chunks(sorted({ids[e.child] for e in edges})):
        rows += session.execute(
            select(edge.child_id, edge.valid_from, edge.valid_to, edge.id).where(
                edge.child_id.in_(chunk)
            )
        ).all()
    found = _overlaps((child, *_years(start, end), id_) for child, start, end, id_ in rows)
    first_shared: dict[int, int] = {}
    for child, year in found.values():
        first_shared[child] = min(year, first_shared.get(child, year))
    errors = [
        {"pointer": e.pointer, "detail": _overlap_detail(e.child, first_shared[ids[e.child]])}
        for e in edges
        if ids[e.child] in first_shared
    ]
    if errors:
        raise InvalidRequest(
            f"{len(errors)} posted edge(s) would give a body two parents at once", errors=errors
        )


def _upsert(
    session: Session, table: Any, rows: list[dict[str, Any]], key: list[str], update: list[str]
) -> None:
    """INSERT … ON CONFLICT DO UPDATE of many rows, compiled once and sent as executemany
    (one multi-row VALUES statement per chunk took ~20 s to compile for the registry)."""
    if not rows:
        return
    statement = insert_for(session)(table)
    statement = statement.on_conflict_do_update(
        index_elements=key, set_={column: statement.excluded[column] for column in update}
    )
    for chunk in _chunks(rows):
        session.execute(statement, chunk)


def bulk_upsert(session: Session, payload: JurisdictionBulk) -> BulkResult:
    """Insert or update bodies by code, edges by (child, valid_from), successions by key."""
    posted_edges = _payload_edges(payload)
    referenced = [item.code for item in payload.jurisdictions]
    referenced += [c for e in posted_edges for c in (e.child, e.parent)]
    referenced += [c for s in payload.successions for c in (s.predecessor, s.successor)]
    _check_bulk(payload, posted_edges, _code_ids(session, referenced))

    rows = [item.model_dump(exclude={"parent"}) for item in payload.jurisdictions]
    _upsert(
        session,
        models.Jurisdiction.__table__,
        rows,
        ["code"],
        ["name", "level", "valid_from", "valid_to"],
    )
    ids = _code_ids(session, referenced)
    edges: list[dict[str, Any]] = [
        {
            "child_id": ids[e.child],
            "parent_id": ids[e.parent],
            "valid_from": e.valid_from,
            "valid_to": e.valid_to,
        }
        for e in posted_edges
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
    _upsert(
        session,
        models.Succession.__table__,
        successions,
        ["predecessor_id", "successor_id", "year"],
        ["kind"],
    )
    _check_overlaps(session, posted_edges, ids)
    # Aggregation reads the hierarchy from the closure: rebuilt here, in the same transaction.
    hierarchy.rebuild(session)
    return BulkResult(len(rows), len(edges), len(successions))


def _upsert_edges(session: Session, edges: list[dict[str, Any]]) -> None:
    # (child_id, valid_from) is unique, but NULL never conflicts in a unique index, so an
    # open-started edge is replaced by deleting the child's open-started edge first.
    edge = models.JurisdictionEdge
    open_started = [e["child_id"] for e in edges if e["valid_from"] is None]
    for chunk in _chunks(open_started):
        session.execute(delete(edge).where(edge.child_id.in_(chunk), edge.valid_from.is_(None)))
    _upsert(session, edge.__table__, edges, ["child_id", "valid_from"], ["parent_id", "valid_to"])
