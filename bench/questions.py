"""The questions: each as an API request, the service call behind it, and hand-written SQL.

For each question there are two SQL answers written by hand against the tables:

- *summary*: from the maintained tables (`rollups` below each group plus the group's own
  `facts`, and `subtree_sizes`, for groups; `facts` for one body's series) — what the
  service should cost at best;
- *raw*: the same numbers recomputed on the fly (`facts` joined to `closure` for groups; the
  current revisions' `report_values` for a series) — what the summary tables save.

SQL is written with `:name` parameters and works on both databases; `expected` counts and
values are checked against the API's answer before anything is timed.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg
from sqlalchemy import make_url
from sqlalchemy.orm import Session

from app.services import aggregates, comparisons

VALID = (
    "({t}.valid_from IS NULL OR {t}.valid_from <= :year) "
    "AND ({t}.valid_to IS NULL OR {t}.valid_to >= :year)"
)
NATIONAL_GROUPS = f"""
    SELECT j.id, j.code FROM jurisdictions j
    WHERE j.level = :by AND {VALID.format(t="j")}"""
WITHIN_GROUPS = """
    SELECT j.id, j.code FROM closure c JOIN jurisdictions j ON j.id = c.descendant_id
    WHERE c.ancestor_id = (SELECT id FROM jurisdictions WHERE code = :within)
      AND c.lo <= :year AND c.hi >= :year AND j.level = :by"""

AGGREGATE_SUMMARY = """
WITH grp AS ({groups}), wanted AS (SELECT id, key FROM metrics WHERE key IN ({keys}))
SELECT g.code, w.key,
       CASE WHEN f.value IS NOT NULL OR r.value IS NOT NULL
            THEN COALESCE(f.value, 0) + COALESCE(r.value, 0) END,
       CASE WHEN f.value IS NOT NULL OR r.value IS NOT NULL
            THEN (CASE WHEN f.value IS NULL THEN 0 ELSE 1 END) + COALESCE(r.reporting, 0) END,
       s.bodies
FROM grp g
CROSS JOIN wanted w
LEFT JOIN subtree_sizes s ON s.ancestor_id = g.id AND s.lo <= :year AND s.hi >= :year
LEFT JOIN facts f ON f.year = :year AND f.metric_id = w.id AND f.jurisdiction_id = g.id
LEFT JOIN rollups r ON r.year = :year AND r.metric_id = w.id AND r.ancestor_id = g.id
ORDER BY g.code, w.key"""

AGGREGATE_RAW = """
WITH grp AS ({groups}), wanted AS (SELECT id, key FROM metrics WHERE key IN ({keys})),
members AS (
    SELECT g.code, c.descendant_id FROM grp g
    JOIN closure c ON c.ancestor_id = g.id AND c.lo <= :year AND c.hi >= :year),
sums AS (
    SELECT m.code, f.metric_id, SUM(f.value) AS value, COUNT(*) AS reporting
    FROM members m
    JOIN facts f ON f.jurisdiction_id = m.descendant_id AND f.year = :year
    WHERE f.metric_id IN (SELECT id FROM wanted)
    GROUP BY m.code, f.metric_id),
sizes AS (SELECT code, COUNT(*) AS bodies FROM members GROUP BY code)
SELECT z.code, w.key, s.value, s.reporting, z.bodies
FROM sizes z
CROSS JOIN wanted w
LEFT JOIN sums s ON s.code = z.code AND s.metric_id = w.id
ORDER BY z.code, w.key"""

COMPARISON_SUMMARY = """
WITH grp AS ({groups}), wanted AS (SELECT id, key FROM metrics WHERE key IN ({keys}))
SELECT code, key, cur, base, cur - base,
       CASE WHEN base <> 0 THEN (cur - base) * 100.0 / ABS(base) END
FROM (
    SELECT g.code, w.key,
           CASE WHEN fc.value IS NOT NULL OR rc.value IS NOT NULL
                THEN COALESCE(fc.value, 0) + COALESCE(rc.value, 0) END AS cur,
           CASE WHEN fb.value IS NOT NULL OR rb.value IS NOT NULL
                THEN COALESCE(fb.value, 0) + COALESCE(rb.value, 0) END AS base
    FROM grp g
    CROSS JOIN wanted w
    LEFT JOIN facts fc ON fc.year = :year AND fc.metric_id = w.id AND fc.jurisdiction_id = g.id
    LEFT JOIN rollups rc ON rc.year = :year AND rc.metric_id = w.id AND rc.ancestor_id = g.id
    LEFT JOIN facts fb ON fb.year = :base AND fb.metric_id = w.id AND fb.jurisdiction_id = g.id
    LEFT JOIN rollups rb ON rb.year = :base AND rb.metric_id = w.id AND rb.ancestor_id = g.id
) sides
ORDER BY code, key"""

COMPARISON_RAW = """
WITH grp AS ({groups}), wanted AS (SELECT id, key FROM metrics WHERE key IN ({keys})),
sums AS (
    SELECT g.code, f.metric_id,
           SUM(CASE WHEN f.year = :year THEN f.value END) AS cur,
           SUM(CASE WHEN f.year = :base THEN f.value END) AS base
    FROM grp g
    JOIN closure c ON c.ancestor_id = g.id
    JOIN facts f ON f.jurisdiction_id = c.descendant_id AND f.year IN (:year, :base)
                AND c.lo <= f.year AND c.hi >= f.year
    WHERE f.metric_id IN (SELECT id FROM wanted)
    GROUP BY g.code, f.metric_id)
SELECT g.code, w.key, s.cur, s.base, s.cur - s.base,
       CASE WHEN s.base <> 0 THEN (s.cur - s.base) * 100.0 / ABS(s.base) END
FROM grp g
CROSS JOIN wanted w
LEFT JOIN sums s ON s.code = g.code AND s.metric_id = w.id
ORDER BY g.code, w.key"""

SERIES_SUMMARY = """
SELECT r.year, f.value, f.revised, rv.format
FROM reports r
JOIN report_revisions rv ON rv.report_id = r.id AND rv.number = r.revision
JOIN facts f ON f.year = r.year AND f.jurisdiction_id = r.jurisdiction_id
            AND f.metric_id = (SELECT id FROM metrics WHERE key = :key)
WHERE r.jurisdiction_id = (SELECT id FROM jurisdictions WHERE code = :code)
  AND r.scope = 'self' AND r.year BETWEEN :year_from AND :year_to
ORDER BY r.year"""

SERIES_RAW = """
SELECT r.year, v.value, rv.format
FROM reports r
JOIN report_revisions rv ON rv.report_id = r.id AND rv.number = r.revision
JOIN report_values v ON v.revision_id = rv.id
WHERE r.jurisdiction_id = (SELECT id FROM jurisdictions WHERE code = :code)
  AND r.scope = 'self' AND r.year BETWEEN :year_from AND :year_to
  AND v.metric_id = (SELECT id FROM metrics WHERE key = :key) AND v.value IS NOT NULL
ORDER BY r.year"""


@dataclass
class Question:
    name: str
    kind: str  # aggregate, comparison, series
    path: str
    params: list[tuple[str, str | int]]
    summary_sql: str
    raw_sql: str
    sql_params: dict[str, Any]
    service: Callable[[Session], Any]
    groups: int = 0


def _keys_sql(keys: list[str]) -> tuple[str, dict[str, str]]:
    names = [f"k{i}" for i in range(len(keys))]
    return ", ".join(f":{n}" for n in names), dict(zip(names, keys, strict=True))


def aggregate_question(
    name: str, keys: list[str], year: int, by: str, within: str | None, missing_limit: int | None
) -> Question:
    placeholders, key_params = _keys_sql(keys)
    groups = NATIONAL_GROUPS if within is None else WITHIN_GROUPS
    params: list[tuple[str, str | int]] = [("metric", k) for k in keys]
    params += [("year", year), ("by", by)]
    if within is not None:
        params.append(("within", within))
    if missing_limit is not None:
        params.append(("missing_limit", missing_limit))
    cap = 50 if missing_limit is None else missing_limit
    return Question(
        name=name,
        kind="aggregate",
        path="/v1/aggregates",
        params=params,
        summary_sql=AGGREGATE_SUMMARY.format(groups=groups, keys=placeholders),
        raw_sql=AGGREGATE_RAW.format(groups=groups, keys=placeholders),
        sql_params={"year": year, "by": by, "within": within, **key_params},
        service=lambda s: aggregates.aggregate(s, keys, within, year, by, cap),
    )


def comparison_question(name: str, keys: list[str], year: int, by: str) -> Question:
    placeholders, key_params = _keys_sql(keys)
    params: list[tuple[str, str | int]] = [("metric", k) for k in keys]
    params += [("year", year), ("by", by)]
    return Question(
        name=name,
        kind="comparison",
        path="/v1/comparisons",
        params=params,
        summary_sql=COMPARISON_SUMMARY.format(groups=NATIONAL_GROUPS, keys=placeholders),
        raw_sql=COMPARISON_RAW.format(groups=NATIONAL_GROUPS, keys=placeholders),
        sql_params={"year": year, "base": year - 1, "by": by, **key_params},
        service=lambda s: comparisons.compare_groups(s, keys, None, by, year, year - 1, False),
    )


def series_question(name: str, key: str, code: str, year_from: int, year_to: int) -> Question:
    return Question(
        name=name,
        kind="series",
        path="/v1/series",
        params=[
            ("metric", key),
            ("jurisdiction", code),
            ("year_from", year_from),
            ("year_to", year_to),
        ],
        summary_sql=SERIES_SUMMARY,
        raw_sql=SERIES_RAW,
        sql_params={"code": code, "key": key, "year_from": year_from, "year_to": year_to},
        service=lambda s: comparisons.series(s, key, code, None, year_from, year_to),
    )


# Checking that the three answers agree ---------------------------------------------------


def _number(value: Any) -> float | None:
    return None if value is None else float(Decimal(str(value)))


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def api_cells(question: Question, answer: dict[str, Any]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """The numbers of an API answer, keyed like the SQL rows."""
    if question.kind == "aggregate":
        return {
            (g["code"], key): (_number(c["value"]), c["reporting"], c["expected"])
            for g in answer["groups"]
            for key, c in g["metrics"].items()
        }
    if question.kind == "comparison":
        return {
            (i["code"], i["metric"]): (_number(i["value"]), _number(i["base_value"]))
            for i in answer["items"]
        }
    return {
        (p["year"],): (_number(p["value"]),) for p in answer["points"] if p["value"] is not None
    }


def sql_cells(
    question: Question, rows: list[tuple[Any, ...]]
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    if question.kind == "aggregate":
        return {
            (code, key): (_number(value), reporting or 0, bodies)
            for code, key, value, reporting, bodies in rows
        }
    if question.kind == "comparison":
        return {(r[0], r[1]): (_number(r[2]), _number(r[3])) for r in rows}
    return {(r[0],): (_number(r[1]),) for r in rows}


def differences(
    expected: dict[tuple[Any, ...], tuple[Any, ...]], found: dict[tuple[Any, ...], tuple[Any, ...]]
) -> list[str]:
    out = []
    for key in sorted(expected.keys() | found.keys(), key=str):
        a, b = expected.get(key), found.get(key)
        same = (
            a is not None
            and b is not None
            and len(a) == len(b)
            and all(_close(_number(x), _number(y)) for x, y in zip(a, b, strict=True))
        )
        if not same:
            out.append(f"{key}: API {a} vs SQL {b}")
    return out


# Running SQL on either database ------------------------------------------------------------

PARAMETER = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


class SqlRunner:
    """A plain DBAPI connection (psycopg or sqlite3) to the benchmark database."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.dialect = "sqlite" if parsed.drivername.startswith("sqlite") else "postgresql"
        self.sqlite: sqlite3.Connection | None = None
        self.pg: psycopg.Connection[Any] | None = None
        if self.dialect == "sqlite":
            self.sqlite = sqlite3.connect(f"file:{parsed.database}?mode=ro", uri=True)
        else:
            conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
            self.pg = psycopg.connect(conninfo, autocommit=True)

    def close(self) -> None:
        if self.sqlite is not None:
            self.sqlite.close()
        if self.pg is not None:
            self.pg.close()

    def run(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        used = {k: v for k, v in params.items() if f":{k}" in sql}
        if self.sqlite is not None:
            return self.sqlite.execute(sql, used).fetchall()
        assert self.pg is not None
        with self.pg.cursor() as cursor:
            cursor.execute(PARAMETER.sub(r"%(\1)s", sql), used)  # type: ignore[arg-type]
            return cursor.fetchall()

    def set_jit(self, on: bool) -> None:
        assert self.pg is not None
        self.pg.execute(f"SET jit = {'on' if on else 'off'}")

    def explain(self, sql: str, params: dict[str, Any]) -> dict[str, Any]:
        """PostgreSQL's EXPLAIN ANALYZE: execution time and what JIT cost, if it ran."""
        rows = self.run(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan: dict[str, Any] = rows[0][0][0]
        jit = plan.get("JIT")
        return {
            "execution_ms": plan["Execution Time"],
            "planning_ms": plan["Planning Time"],
            "jit_ms": jit["Timing"]["Total"] if jit else 0.0,
            "total_cost": plan["Plan"]["Total Cost"],
        }
