"""Check that bench/seed.py writes what the API would: `python -m bench.verify_seed`.

Two fresh databases with the small registry: one loaded through POST /v1/reports/batch, one
written by the seeder; their reports, values, facts, roll-ups, absences and absence totals
must be equal (compared by codes and keys, not ids). Takes a few minutes, because the API
path is the slow one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text

from app.db import make_engine
from bench.environment import fresh_database, prepare, running_service
from bench.generate import Generator
from bench.load import Loader
from bench.run import PG_URL, parse_years
from bench.seed import Seeder

QUERIES = {
    "reports": """SELECT j.code, r.year, r.scope, r.revision, rv.format, rv.title,
        rv.published_on FROM reports r JOIN jurisdictions j ON j.id = r.jurisdiction_id
        JOIN report_revisions rv ON rv.report_id = r.id AND rv.number = r.revision""",
    "report_values": """SELECT j.code, r.year, m.key, v.value, v.state, v.approximate,
        v.derived FROM report_values v JOIN report_revisions rv ON rv.id = v.revision_id
        JOIN reports r ON r.id = rv.report_id JOIN jurisdictions j ON j.id = r.jurisdiction_id
        JOIN metrics m ON m.id = v.metric_id""",
    "facts": """SELECT j.code, f.year, m.key, f.value, f.revised FROM facts f
        JOIN jurisdictions j ON j.id = f.jurisdiction_id JOIN metrics m ON m.id = f.metric_id""",
    "rollups": """SELECT j.code, r.year, m.key, r.value, r.reporting, r.revised FROM rollups r
        JOIN jurisdictions j ON j.id = r.ancestor_id JOIN metrics m ON m.id = r.metric_id""",
    "absences": """SELECT a.year, j.code, b.code FROM absences a
        JOIN jurisdictions j ON j.id = a.ancestor_id
        JOIN jurisdictions b ON b.id = a.jurisdiction_id""",
    "absence_totals": """SELECT t.year, j.code, t.absent FROM absence_totals t
        JOIN jurisdictions j ON j.id = t.ancestor_id WHERE t.absent <> 0""",
}


def snapshot(url: str) -> dict[str, set[tuple[Any, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: {tuple(_plain(v) for v in row) for row in connection.execute(text(sql))}
                for name, sql in QUERIES.items()
            }
    finally:
        engine.dispose()


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) or hasattr(value, "as_tuple"):
        return round(float(value), 2)
    return str(value)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.verify_seed", description=__doc__)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="sqlite")
    parser.add_argument("--years", type=parse_years, default=parse_years("2018-2021"))
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args(argv)
    generator = Generator(1)
    snapshots = []
    with fresh_database(args.db, args.pg_url) as url:
        loaded = prepare(url, "small")
        with running_service(url) as base:
            loader = Loader(base, loaded.write_key, generator, 1000)
            try:
                result = loader.load(loaded.bodies, args.years, None, 0, None)
            finally:
                loader.close()
        print(f"API path: {result.reports:,} reports posted in {result.post_seconds:.0f} s")
        snapshots.append(snapshot(url))
    with fresh_database(args.db, args.pg_url) as url:
        loaded = prepare(url, "small")
        seeder = Seeder(url)
        try:
            for year in args.years:
                seeder.seed(
                    r for r in (generator.report(b, year) for b in loaded.bodies) if r is not None
                )
                seeder.rollups(year)
            seeder.finish()
        finally:
            seeder.close()
        print(f"seeded path: written in {seeder.seconds:.1f} s")
        snapshots.append(snapshot(url))
    api, seeded = snapshots
    failed = False
    for name in QUERIES:
        only_api, only_seeded = api[name] - seeded[name], seeded[name] - api[name]
        status = "equal" if not (only_api or only_seeded) else "DIFFERENT"
        failed = failed or status != "equal"
        counts = f"{len(api[name]):,} rows through the API, {len(seeded[name]):,} seeded"
        print(f"{name}: {counts}: {status}")
        for row in sorted(only_api, key=str)[:5]:
            print(f"    only through the API: {row}")
        for row in sorted(only_seeded, key=str)[:5]:
            print(f"    only seeded: {row}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
