"""Writing reports straight into the tables, for the years that HTTP loading cannot reach.

Used only when posting everything through the API would not fit the time budget: the older
years are written here (COPY on PostgreSQL, executemany on SQLite) so that the questions run
on the national data set, while the newest years still go through POST /v1/reports/batch and
give the ingest rate. What is written is what ingestion stores for a first revision:
reports, revisions, posted and derived values, facts with the parts of every ratio, and the
roll-ups of every ancestor above each body (summed here on the way; the sums of
hierarchy.rebuild_rollups)
and the absences (by hierarchy.rebuild_absences' SQL).
Differences, all outside what the benchmark reads: no findings are written, and
content_hash is a hash of body and year, not of the content (re-posting a seeded report
would make a revision 2). `python -m bench.verify_seed` checks on a small data set that the
tables equal those that the API path writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import make_url

from app import catalog

ROLLUPS_OF_YEAR = """
INSERT INTO rollups (year, metric_id, ancestor_id, value, reporting, revised)
SELECT f.year, f.metric_id, c.ancestor_id, SUM(f.value), COUNT(*),
       SUM(CASE WHEN f.revised THEN 1 ELSE 0 END)
FROM facts f
JOIN closure c ON c.descendant_id = f.jurisdiction_id AND c.lo <= f.year AND c.hi >= f.year
WHERE f.year = {year} AND c.depth > 0
GROUP BY f.year, f.metric_id, c.ancestor_id"""

# hierarchy.rebuild_absences for one year: every body of the year, then those reporting
# struck out (an anti-join is planned badly on freshly copied, unanalysed reports), then
# the totals.
ABSENCES_OF_YEAR = (
    """
INSERT INTO absences (year, ancestor_id, code, jurisdiction_id)
SELECT {year}, c.ancestor_id, j.code, c.descendant_id
FROM closure c JOIN jurisdictions j ON j.id = c.descendant_id
WHERE c.lo <= {year} AND c.hi >= {year}""",
    """
DELETE FROM absences WHERE year = {year} AND jurisdiction_id IN (
    SELECT jurisdiction_id FROM reports
    WHERE year = {year} AND scope = 'self' AND revision > 0)""",
    """
INSERT INTO absence_totals (year, ancestor_id, absent)
SELECT year, ancestor_id, count(*) FROM absences WHERE year = {year}
GROUP BY year, ancestor_id""",
)

COLUMNS = {
    "reports": ("id", "jurisdiction_id", "year", "scope", "revision", "created_at", "updated_at"),
    "report_revisions": (
        "id",
        "report_id",
        "number",
        "format",
        "title",
        "published_on",
        "content_hash",
        "error_count",
        "warning_count",
        "created_at",
    ),
    "report_values": (
        "revision_id",
        "metric_id",
        "value",
        "state",
        "approximate",
        "derived",
    ),
    "facts": ("year", "metric_id", "jurisdiction_id", "value", "revised"),
    "rollups": ("year", "metric_id", "ancestor_id", "value", "reporting", "revised"),
}


@dataclass(frozen=True)
class _Arithmetic:
    """What ingestion computes from a report's numbers, precomputed per format."""

    derived: list[tuple[str, list[tuple[str, int]]]]
    ratio_parts: list[tuple[list[str], list[tuple[str, list[tuple[str, int]]]]]]


def _arithmetic(report_format: str) -> _Arithmetic:
    derived = [(m.key, list(m.terms.items())) for m in catalog.derived_metrics(report_format)]
    parts = []
    for metric in catalog.metrics().values():
        if metric.aggregation != "ratio":
            continue
        needed = list({**metric.numerator, **metric.denominator})
        parts.append(
            (
                needed,
                [
                    (
                        catalog.ratio_part_key(metric.key, "numerator"),
                        list(metric.numerator.items()),
                    ),
                    (
                        catalog.ratio_part_key(metric.key, "denominator"),
                        list(metric.denominator.items()),
                    ),
                ],
            )
        )
    return _Arithmetic(derived, parts)


class Seeder:
    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.postgresql = not parsed.drivername.startswith("sqlite")
        if self.postgresql:
            conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
            self.pg: psycopg.Connection[Any] | None = psycopg.connect(conninfo)
            self.sqlite: sqlite3.Connection | None = None
            # A bulk load's usual settings, for this session only: the rows are consistent by
            # construction (verify_seed), so foreign-key triggers are skipped (replica role);
            # the roll-up aggregation gets the memory to hash instead of spilling to disk.
            self.pg.execute("SET session_replication_role = replica")
            self.pg.execute("SET synchronous_commit = off")
            self.pg.execute("SET work_mem = '1GB'")
            self.pg.commit()
        else:
            self.pg = None
            self.sqlite = sqlite3.connect(str(parsed.database), isolation_level=None, timeout=60)
            self.sqlite.execute("PRAGMA journal_mode=WAL")
            self.sqlite.execute("PRAGMA synchronous=NORMAL")
            # Index pages of a national data set do not fit the default 2 MB page cache.
            self.sqlite.execute("PRAGMA cache_size=-1000000")
        self.metric_ids = dict(self._query("SELECT key, id FROM metrics"))
        self.body_ids = dict(self._query("SELECT code, id FROM jurisdictions"))
        self.ancestors: dict[int, list[tuple[int, int, int]]] = {}
        for ancestor, descendant, lo, hi in self._query(
            "SELECT ancestor_id, descendant_id, lo, hi FROM closure WHERE depth > 0"
        ):
            self.ancestors.setdefault(descendant, []).append((ancestor, lo, hi))
        # Roll-ups of the facts written so far: (year, metric, ancestor) -> [sum, count].
        self.sums: dict[tuple[int, int, int], list[Any]] = {}
        self.arithmetic = {f: _arithmetic(f) for f in catalog.FORMATS}
        self.seconds = 0.0

    def close(self) -> None:
        if self.pg is not None:
            self.pg.close()
        if self.sqlite is not None:
            self.sqlite.close()

    def _query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.pg is not None:
            return self.pg.execute(sql).fetchall()
        assert self.sqlite is not None
        return self.sqlite.execute(sql).fetchall()

    def _execute(self, sql: str) -> None:
        if self.pg is not None:
            self.pg.execute(sql)
        else:
            assert self.sqlite is not None
            self.sqlite.execute(sql)

    def seed(self, reports: Iterable[dict[str, Any]], chunk: int = 5000) -> tuple[int, int]:
        """Write the reports (first revisions, new (body, year) pairs only); returns
        (reports, posted values). Roll-ups are left to `rollups`."""
        started = time.perf_counter()
        next_report = (self._query("SELECT MAX(id) FROM reports")[0][0] or 0) + 1
        next_revision = (self._query("SELECT MAX(id) FROM report_revisions")[0][0] or 0) + 1
        now = dt.datetime.now(dt.UTC)
        stamp: Any = now if self.pg is not None else now.strftime("%Y-%m-%d %H:%M:%S.%f")
        rows: dict[str, list[tuple[Any, ...]]] = {
            table: [] for table in COLUMNS if table != "rollups"
        }
        count = values = 0
        for report in reports:
            body_id = self.body_ids[report["jurisdiction"]]
            year, fmt = report["year"], report["format"]
            report_id, revision_id = next_report, next_revision
            next_report += 1
            next_revision += 1
            rows["reports"].append((report_id, body_id, year, "self", 1, stamp, stamp))
            digest = hashlib.sha256(f"seeded:{report['jurisdiction']}:{year}".encode()).hexdigest()
            title, published = report["title"], report["published_on"]
            rows["report_revisions"].append(
                (revision_id, report_id, 1, fmt, title, published, digest, 0, 0, stamp)
            )
            numbers = {v["metric"]: v["value"] for v in report["values"]}
            values += len(numbers)
            arithmetic = self.arithmetic[fmt]
            derived = {
                key: sum(c * numbers[t] for t, c in terms)
                for key, terms in arithmetic.derived
                if all(t in numbers for t, _ in terms)
            }
            for key, number in numbers.items():
                rows["report_values"].append(
                    (revision_id, self.metric_ids[key], number, "reported", False, False)
                )
            for key, number in derived.items():
                rows["report_values"].append(
                    (revision_id, self.metric_ids[key], number, "reported", False, True)
                )
            facts = {**numbers, **derived}
            for needed, parts in arithmetic.ratio_parts:
                if all(term in facts for term in needed):
                    for key, terms in parts:
                        facts[key] = sum(c * facts[t] for t, c in terms)
            above = [a for a, lo, hi in self.ancestors.get(body_id, ()) if lo <= year <= hi]
            for key, number in facts.items():
                metric_id = self.metric_ids[key]
                rows["facts"].append((year, metric_id, body_id, number, False))
                for ancestor in above:
                    total = self.sums.get((year, metric_id, ancestor))
                    if total is None:
                        self.sums[(year, metric_id, ancestor)] = [number, 1]
                    else:
                        total[0] += number
                        total[1] += 1
            count += 1
            if count % chunk == 0:
                self._write(rows)
        self._write(rows)
        self._commit()
        self.seconds += time.perf_counter() - started
        return count, values

    def _write(self, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        for table, columns in COLUMNS.items():
            batch = rows.get(table)
            if not batch:
                continue
            if table == "facts" and self.sqlite is not None:
                batch.sort(key=lambda row: (row[0], row[1], row[2]))  # primary-key order
            if self.pg is not None:
                # COPY's text format, built here: faster than adapting every value.
                data = "".join("\t".join(map(str, row)) + "\n" for row in batch)
                statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with self.pg.cursor() as cursor, cursor.copy(statement) as copy:
                    copy.write(data)
            else:
                assert self.sqlite is not None
                if not self.sqlite.in_transaction:
                    self.sqlite.execute("BEGIN IMMEDIATE")
                marks = ", ".join("?" for _ in columns)
                self.sqlite.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", batch
                )
            batch.clear()

    def _commit(self) -> None:
        if self.pg is not None:
            self.pg.commit()
        elif self.sqlite is not None and self.sqlite.in_transaction:
            self.sqlite.execute("COMMIT")

    def rollups(self, year: int, replace: bool = False) -> None:
        """Write the roll-ups of the facts seeded since the last call: summed here on the way
        (the seeded bodies are the only ones of their years), or with `replace` recomputed
        by SQL from every fact of `year`, the API's included. Then the year's absences."""
        started = time.perf_counter()
        if self.sqlite is not None and not self.sqlite.in_transaction:
            self.sqlite.execute("BEGIN IMMEDIATE")
        if replace:
            self._execute(f"DELETE FROM rollups WHERE year = {int(year)}")
            self._execute(ROLLUPS_OF_YEAR.format(year=int(year)))
        else:
            rows = [
                (y, metric_id, ancestor, total, reporting, 0)
                for (y, metric_id, ancestor), (total, reporting) in self.sums.items()
            ]
            self._write({"rollups": rows})
        # The year's absences, from all its reports (the API's included).
        self._execute(f"DELETE FROM absences WHERE year = {int(year)}")
        self._execute(f"DELETE FROM absence_totals WHERE year = {int(year)}")
        for statement in ABSENCES_OF_YEAR:
            self._execute(statement.format(year=int(year)))
        self._commit()
        self.sums.clear()
        self.seconds += time.perf_counter() - started

    @contextmanager
    def without_indexes(self) -> Iterator[None]:
        """Drop the indexes (and on PostgreSQL the primary keys) of the big tables for a bulk
        load, and build them again afterwards with their own definitions: a bulk load's
        usual trick, several times faster than maintaining them row by row."""
        started = time.perf_counter()
        tables = ("report_values", "facts", "rollups")
        names = ", ".join(f"'{t}'" for t in tables)
        restore: list[str] = []
        if self.pg is not None:
            keys = self._query(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                f"FROM pg_constraint WHERE contype = 'p' AND conrelid::regclass::text IN ({names})"
            )
            indexes = self._query(
                f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ({names}) "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')"
            )
            for table, name, definition in keys:
                self._execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for name, definition in indexes:
                self._execute(f'DROP INDEX "{name}"')
                restore.append(definition)
            self.pg.commit()
        else:
            indexes = self._query(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({names})"
            )
            for name, definition in indexes:
                self._execute(f'DROP INDEX "{name}"')
                restore.append(definition)
        self.seconds += time.perf_counter() - started
        try:
            yield
        finally:
            started = time.perf_counter()
            if self.pg is not None:
                self.pg.execute("SET maintenance_work_mem = '1GB'")
            for statement in restore:
                self._execute(statement)
            self._commit()
            self.seconds += time.perf_counter() - started
            print(f"    indexes rebuilt in {time.perf_counter() - started:.0f} s", flush=True)

    def finish(self) -> None:
        """Serial sequences past the ids written here; fresh planner statistics."""
        started = time.perf_counter()
        if self.pg is not None:
            for table in ("reports", "report_revisions"):
                self.pg.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
            self.pg.commit()
            self.pg.autocommit = True
            self.pg.execute("ANALYZE")
            self.pg.autocommit = False
        self.seconds += time.perf_counter() - started
