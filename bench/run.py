"""The benchmark, end to end: `python -m bench.run --db postgresql|sqlite|both`.

For each database: a fresh database with the national registry and 3 departments per
county, the service started as its own process, a seeded data set posted through
POST /v1/reports/batch, then each question timed through HTTP and as hand-written SQL on
the same database. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import psycopg
from sqlalchemy import make_url, text

from app import catalog
from app.db import make_engine
from bench import questions as q
from bench.environment import ROOT, fresh_database, prepare, running_service
from bench.generate import Generator, report_format
from bench.load import Loader, LoadResult
from bench.measure import HttpClient, StatementProfile, api_call, ms, percentile, table, timed
from bench.seed import Seeder

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SQLITE_YEARS = [2019, 2020, 2021, 2022, 2023]
# Timing a slow question stops after this long, once it has 50 runs.
API_SECONDS = 120.0
ONE_METRIC = "requests.new.total"
SERIES_METRIC = "proactive.total"
TEN_METRICS = {
    "table": [
        "requests.new.total",
        "requests.granted.total",
        "requests.partial.total",
        "requests.total_handled.total",
        "requests.carried_out.total",
        "proactive.total",
        "staff.total",
        "training.sessions",
        "reading_points.total",
        "review.total",
    ],
    "pre2019": [
        "requests.new.total",
        "requests.granted.total",
        "requests.partial.total",
        "proactive.total",
        "proactive.online.items",
        "staff.total",
        "training.sessions",
        "reading_points.total",
        "review.total",
        "fees.total",
    ],
}
# Targets of issue 3 (PostgreSQL unless said otherwise).
P50_TARGET, P99_TARGET, OVERHEAD_TARGET = 5.0, 20.0, 3.0
GROWTH_TARGET, INGEST_TARGET, SQLITE_P50_TARGET = 3.0, 2000.0, 20.0


class Tee:
    """Print to the terminal and to a file."""

    def __init__(self, stream: TextIO, path: Path) -> None:
        self.stream = stream
        self.file = path.open("w", encoding="utf-8")

    def write(self, data: str) -> int:
        self.file.write(data)
        return self.stream.write(data)

    def flush(self) -> None:
        self.file.flush()
        self.stream.flush()


def parse_years(value: str) -> list[int]:
    first, _, last = value.partition("-")
    years = list(range(int(first), int(last or first) + 1))
    if not years or years[0] < 2008:
        raise argparse.ArgumentTypeError("years look like 2009-2023")
    return years


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--db", choices=["postgresql", "sqlite", "both"], default="postgresql")
    parser.add_argument("--scale", choices=["full", "small"], default="full")
    parser.add_argument(
        "--years",
        type=parse_years,
        default=parse_years("2009-2023"),
        help="years of reports on PostgreSQL (default 2009-2023)",
    )
    parser.add_argument(
        "--sqlite-years",
        type=parse_years,
        help="years of reports on SQLite (default: --years at small scale, 2019-2023 at full "
        "scale, where each year written to SQLite takes ~1.5 min)",
    )
    parser.add_argument(
        "--load-budget",
        type=float,
        default=300.0,
        help="seconds of posting through the API per database; years beyond it are written "
        "directly (bench/seed.py) (default 300; 0 posts every year whatever it takes)",
    )
    parser.add_argument("--calibration", type=int, default=2000, help="reports to calibrate on")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=100, help="timed runs per measurement")
    parser.add_argument("--seed", type=int, default=20240331)
    parser.add_argument("--pg-url", default=PG_URL, help="an existing database on the server")
    parser.add_argument("--output", type=Path, help="also write everything printed here")
    parser.add_argument("--keep", action="store_true", help="keep the database (debugging)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.requests < 50:
        print("note: fewer than 50 timed requests make p99 the maximum", file=sys.stderr)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    if args.output:
        sys.stdout = Tee(sys.stdout, args.output)  # type: ignore[assignment]
    kinds = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
    started = time.perf_counter()
    print(f"disclosure-stats benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}, {_machine()}")
    print(f"code: {_code_version()}")
    print(f"command: python -m bench.run {' '.join(argv if argv is not None else sys.argv[1:])}")
    results = [run_database(kind, args) for kind in kinds]
    print_final(results)
    print(f"\ntotal run time {time.perf_counter() - started:,.0f} s")
    return 0


def _code_version() -> str:
    """The commit under test, and the files changed since (the service is what they say)."""

    def git(*command: str) -> str:
        found = subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True)
        return found.stdout.rstrip()

    changed = git("status", "--porcelain", "--untracked-files=no").splitlines()
    dirty = f", uncommitted changes in {', '.join(c[3:] for c in changed)}" if changed else ""
    return f"commit {git('rev-parse', '--short', 'HEAD') or '?'}{dirty}"


def _machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load}"


def _exit_on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # runs the finally blocks: server stopped, database dropped


# One database ----------------------------------------------------------------------------


def run_database(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    years = args.years
    if kind == "sqlite":
        years = args.sqlite_years or (args.years if args.scale == "small" else SQLITE_YEARS)
    print(f"\n=== {kind} ({args.scale} scale, {years[0]}-{years[-1]}) ===", flush=True)
    result: dict[str, Any] = {"kind": kind}
    with fresh_database(kind, args.pg_url, args.keep) as url:
        loaded = prepare(url, args.scale)
        counts: dict[str, int] = {}
        for body in loaded.bodies:
            counts[body.level] = counts.get(body.level, 0) + 1
        print(
            f"registry and departments loaded in {loaded.seconds:.1f} s: {len(loaded.bodies):,} "
            f"bodies ({', '.join(f'{n:,} {level}' for level, n in counts.items())})",
            flush=True,
        )
        generator = Generator(args.seed)
        with running_service(url) as base:
            loader = Loader(base, loaded.write_key, generator, args.batch_size)
            seeder = Seeder(url)
            try:
                print(f"loading years {years[0]}-{years[-1]} ...", flush=True)
                budget = args.load_budget or None
                load = loader.load(loaded.bodies, years, budget, args.calibration, seeder)
            finally:
                loader.close()
                seeder.close()
            result["load"] = load
            print_load(kind, load)
            result["maintenance"] = maintain(url, kind)
            result["questions"] = measure_all(url, base, kind, load, years, args)
        if kind == "postgresql":
            measure_api_without_jit(url, result["questions"], args)
        print_database(result)
    return result


def maintain(url: str, kind: str) -> str:
    """PostgreSQL: VACUUM ANALYZE, the state autovacuum reaches on its own; SQLite: nothing."""
    if kind != "postgresql":
        return "none (SQLite has no autovacuum; the service runs no ANALYZE)"
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    started = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
    note = f"VACUUM (ANALYZE) after loading, {time.perf_counter() - started:.0f} s"
    print(note, flush=True)
    return note


def _targets(url: str) -> tuple[tuple[str, str, int], tuple[str, str, int]]:
    """The prefecture with the most counties and the county with the most townships."""
    engine = make_engine(url)
    sql = text(
        """SELECT p.code, p.name, COUNT(*) FROM jurisdiction_edges e
        JOIN jurisdictions p ON p.id = e.parent_id JOIN jurisdictions c ON c.id = e.child_id
        WHERE p.level = :parent AND c.level = :child
        GROUP BY p.code, p.name ORDER BY COUNT(*) DESC, p.code LIMIT 1"""
    )
    try:
        with engine.connect() as connection:
            prefecture = connection.execute(sql, {"parent": "prefecture", "child": "county"}).one()
            county = connection.execute(sql, {"parent": "county", "child": "township"}).one()
    finally:
        engine.dispose()
    return (prefecture[0], prefecture[1], prefecture[2]), (county[0], county[1], county[2])


def build_questions(url: str, load: LoadResult, series_years: list[int]) -> list[q.Question]:
    year = load.years[-1]
    fmt = report_format(year)
    ten = TEN_METRICS["pre2019" if fmt == "pre2019" else "table"]
    assert all(catalog.metrics()[k].is_stored_in(fmt) for k in ten)
    (prefecture, prefecture_name, _), (county, county_name, _) = _targets(url)
    return [
        q.aggregate_question(
            "national by province, 1 metric", [ONE_METRIC], year, "province", None, None
        ),
        q.aggregate_question("national by province, 10 metrics", ten, year, "province", None, None),
        q.aggregate_question(
            f"prefecture {prefecture} {prefecture_name} by county",
            [ONE_METRIC],
            year,
            "county",
            prefecture,
            None,
        ),
        q.aggregate_question(
            f"county {county} {county_name} by township",
            [ONE_METRIC],
            year,
            "township",
            county,
            None,
        ),
        q.comparison_question(
            f"national comparison by province ({year} vs {year - 1})",
            [ONE_METRIC],
            year,
            "province",
        ),
        q.series_question(
            f"series {series_years[0]}-{series_years[-1]}, county {county}",
            SERIES_METRIC,
            county,
            series_years[0],
            series_years[-1],
        ),
        q.aggregate_question(
            "(national by province, 1 metric, missing_limit=0)",
            [ONE_METRIC],
            year,
            "province",
            None,
            0,
        ),
    ]


def measure_all(
    url: str, base: str, kind: str, load: LoadResult, years: list[int], args: argparse.Namespace
) -> list[dict[str, Any]]:
    if len(load.years) < 2:
        raise SystemExit("load at least two years: the comparison needs a base year")
    questions = build_questions(url, load, years)
    runner = q.SqlRunner(url)
    engine = make_engine(url)
    profile = StatementProfile(engine)
    client = HttpClient(base)
    n = args.requests
    out = []
    print(
        f"\nmeasuring {len(questions)} questions, {n} timed runs each ({_machine()}) ...",
        flush=True,
    )
    try:
        for question in questions:
            call = api_call(client, question.path, question.params)
            answer = json.loads(call())
            record: dict[str, Any] = {"question": question}
            if question.kind == "aggregate":
                record["groups"] = len(answer["groups"])
            elif question.kind == "comparison":
                record["groups"] = len(answer["items"])
            else:
                record["groups"] = sum(p["value"] is not None for p in answer["points"])
            if kind == "postgresql":
                runner.set_jit(True)
            expected = q.api_cells(question, answer)
            for label, sql in (("summary", question.summary_sql), ("raw", question.raw_sql)):
                rows = runner.run(sql, question.sql_params)
                wrong = q.differences(expected, q.sql_cells(question, rows))
                if wrong:
                    raise RuntimeError(
                        f"{question.name}: the {label} SQL and the API disagree: {wrong[:5]}"
                    )
            api = timed(call, n, warmup=5, limit=API_SECONDS, minimum=min(n, 50))
            record["api"] = api
            record.update(_sql_timings(runner, question, n, kind))
            samples, top = profile.run(question.service, max(10, n // 10))
            record["service"] = samples
            record["top"] = top
            print(
                f"  {question.name}: API p50 {ms(percentile(api, 50)):.2f} ms, "
                f"SQL p50 {ms(percentile(record['sql'], 50)):.2f} ms, "
                f"raw p50 {ms(percentile(record['raw'], 50)):.2f} ms",
                flush=True,
            )
            out.append(record)
    finally:
        client.close()
        runner.close()
        engine.dispose()
    return out


def _sql_timings(runner: q.SqlRunner, question: q.Question, n: int, kind: str) -> dict[str, Any]:
    params = question.sql_params
    found: dict[str, Any] = {}

    def run_summary() -> Any:
        return runner.run(question.summary_sql, params)

    def run_raw() -> Any:
        return runner.run(question.raw_sql, params)

    found["sql"] = timed(run_summary, n, warmup=5)
    found["raw"] = timed(run_raw, n, warmup=1, limit=15.0)
    if kind == "postgresql":
        found["explain_summary"] = runner.explain(question.summary_sql, params)
        found["explain_raw"] = runner.explain(question.raw_sql, params)
        runner.set_jit(False)
        found["sql_nojit"] = timed(run_summary, n, warmup=5)
        found["raw_nojit"] = timed(run_raw, n, warmup=1, limit=15.0)
        found["explain_raw_nojit"] = runner.explain(question.raw_sql, params)
        runner.set_jit(True)
    return found


def measure_api_without_jit(
    url: str, records: list[dict[str, Any]], args: argparse.Namespace
) -> None:
    """The API again on a fresh server process whose connections have jit = off."""
    name = make_url(url).database
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" SET jit = off')
    try:
        print("\nthe API again with jit = off (ALTER DATABASE … SET jit = off, new server) ...")
        with running_service(url) as base:
            client = HttpClient(base)
            for record in records:
                question = record["question"]
                call = api_call(client, question.path, question.params)
                n = args.requests
                record["api_nojit"] = timed(call, n, 5, API_SECONDS, minimum=min(n, 50))
            client.close()
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'ALTER DATABASE "{name}" RESET jit')


# Output ----------------------------------------------------------------------------------


def print_load(kind: str, load: LoadResult) -> None:
    print(
        f"\nposted to {kind} through the API: {load.reports:,} reports, {load.values:,} values "
        f"in {load.post_seconds:,.1f} s: {load.reports_per_second:,.1f} reports/s, "
        f"{load.values_per_second:,.0f} values/s (generating them took another "
        f"{load.generate_seconds:,.1f} s, not counted); statuses {dict(load.statuses)}"
    )
    if load.seeded_reports:
        print(
            f"written directly: {load.seeded_reports:,} reports, {load.seeded_values:,} values "
            f"(years {', '.join(map(str, load.seeded_years)) or '-'})"
        )
    if load.note:
        print(f"NOTE: {load.note}")
    rows = [
        (year, reports, values, seconds, reports / seconds, values / seconds)
        for year, reports, values, seconds in load.per_year
    ]
    print(table(["year", "reports", "values", "seconds", "reports/s", "values/s"], rows))


def _years(years: list[int]) -> str:
    return f"{years[0]}-{years[-1]}" if years else "-"


def _p(samples: list[float] | None, p: float) -> float | None:
    return ms(percentile(samples, p)) if samples else None


def print_database(result: dict[str, Any]) -> None:
    kind = result["kind"]
    print(f"\n--- {kind}: latency in ms (API through HTTP; SQL by hand on the same database) ---")
    rows = []
    for r in result["questions"]:
        api50, sql50, raw50 = _p(r["api"], 50), _p(r["sql"], 50), _p(r["raw"], 50)
        assert api50 is not None and sql50 is not None and raw50 is not None
        rows.append(
            (
                r["question"].name,
                r["groups"],
                api50,
                _p(r["api"], 99),
                sql50,
                _p(r["sql"], 99),
                raw50,
                raw50 / sql50,
                api50 / sql50,
                api50 - sql50,
            )
        )
    print(
        table(
            [
                "question",
                "groups",
                "API p50",
                "API p99",
                "SQL p50",
                "SQL p99",
                "raw SQL p50",
                "raw/SQL",
                "API/SQL",
                "API-SQL",
            ],
            rows,
        )
    )
    print(
        "SQL = from the summary tables (rollups + own facts + subtree_sizes; facts for the "
        "series); "
        "raw SQL = facts joined to closure (report_values of current revisions for the series)."
    )
    if kind == "postgresql":
        print("\n--- postgresql: JIT on (the server default) and off, ms ---")
        rows = []
        for r in result["questions"]:
            rows.append(
                (
                    r["question"].name,
                    _p(r["api"], 50),
                    _p(r.get("api_nojit"), 50),
                    _p(r.get("api_nojit"), 99),
                    _p(r["sql"], 50),
                    _p(r["sql_nojit"], 50),
                    _p(r["raw"], 50),
                    _p(r["raw_nojit"], 50),
                    r["explain_summary"]["jit_ms"],
                    r["explain_raw"]["jit_ms"],
                    r["explain_raw"]["total_cost"],
                )
            )
        print(
            table(
                [
                    "question",
                    "API p50 on",
                    "API p50 off",
                    "API p99 off",
                    "SQL p50 on",
                    "SQL p50 off",
                    "raw p50 on",
                    "raw p50 off",
                    "JIT ms SQL",
                    "JIT ms raw",
                    "raw cost",
                ],
                rows,
            )
        )
        print("JIT ms: the JIT timing of EXPLAIN ANALYZE with jit = on (0: JIT did not run).")
    print(f"\n--- {kind}: where the service spends its time (in-process, no HTTP) ---")
    for r in result["questions"]:
        print(f"{r['question'].name}: service p50 {_p(r['service'], 50):.2f} ms; top statements:")
        for per_call, calls, sql in r["top"]:
            print(f"    {per_call:8.2f} ms  x{calls}  {sql[:150]}")


def print_final(results: list[dict[str, Any]]) -> None:
    print("\n=== summary across databases (ms; ratio = API p50 / SQL p50 from summary tables) ===")
    kinds = [r["kind"] for r in results]
    names = [rec["question"].name for rec in results[0]["questions"]]
    headers = ["question"]
    for kind in kinds:
        short = "PG" if kind == "postgresql" else "SQLite"
        headers += [f"{short} API p50", f"{short} API p99", f"{short} SQL p50", f"{short} raw p50"]
        headers += [f"{short} ratio"]
    rows = []
    for index, name in enumerate(names):
        row: list[Any] = [name]
        for result in results:
            r = result["questions"][index]
            api50, sql50 = _p(r["api"], 50), _p(r["sql"], 50)
            assert api50 is not None and sql50 is not None
            row += [api50, _p(r["api"], 99), sql50, _p(r["raw"], 50), api50 / sql50]
        rows.append(row)
    print(table(headers, rows))
    print()
    print(
        table(
            [
                *("database", "posted", "reports", "values", "post s", "reports/s", "values/s"),
                *("written directly", "reports", "values"),
            ],
            [
                (
                    r["kind"],
                    _years(r["load"].http_years),
                    r["load"].reports,
                    r["load"].values,
                    r["load"].post_seconds,
                    r["load"].reports_per_second,
                    r["load"].values_per_second,
                    _years(r["load"].seeded_years),
                    r["load"].seeded_reports,
                    r["load"].seeded_values,
                )
                for r in results
            ],
        )
    )
    for r in results:
        print(f"maintenance ({r['kind']}): {r['maintenance']}")
    for r in results:
        if r["load"].note:
            print(f"NOTE ({r['kind']}): {r['load'].note}")
    print("\n--- targets of issue 3 ---")
    print(table(["target", "measured", "met"], list(_target_rows(results))))


def _target_rows(results: list[dict[str, Any]]) -> Any:
    for result in results:
        kind = result["kind"]
        records = [r for r in result["questions"] if not r["question"].name.startswith("(")]
        grouped = [r for r in records if r["question"].kind in ("aggregate", "comparison")]
        if kind == "postgresql":
            for r in grouped:
                p50, p99 = _p(r["api"], 50), _p(r["api"], 99)
                assert p50 is not None and p99 is not None
                yield (
                    f"PG p50 <= {P50_TARGET:g} ms, p99 <= {P99_TARGET:g} ms: {r['question'].name}",
                    f"{p50:.2f} / {p99:.2f}",
                    _yes(p50 <= P50_TARGET and p99 <= P99_TARGET),
                )
            for r in records:
                overhead = ms(percentile(r["api"], 50) - percentile(r["sql"], 50))
                yield (
                    f"PG API p50 - SQL p50 <= {OVERHEAD_TARGET:g} ms: {r['question'].name}",
                    f"{overhead:.2f}",
                    _yes(overhead <= OVERHEAD_TARGET),
                )
            national, town = records[0], records[3]
            ratio = percentile(national["api"], 50) / percentile(town["api"], 50)
            yield (
                f"PG national-by-province <= {GROWTH_TARGET:g}x county-by-township (API p50)",
                f"{ratio:.2f}x",
                _yes(ratio <= GROWTH_TARGET),
            )
            rate = result["load"].reports_per_second
            yield (
                f"PG batch ingest >= {INGEST_TARGET:,.0f} reports/s",
                f"{rate:,.0f}",
                _yes(rate >= INGEST_TARGET),
            )
        else:
            for r in [r for r in records if r["question"].kind == "aggregate"]:
                p50 = _p(r["api"], 50)
                assert p50 is not None
                yield (
                    f"SQLite aggregate p50 <= {SQLITE_P50_TARGET:g} ms: {r['question'].name}",
                    f"{p50:.2f}",
                    _yes(p50 <= SQLITE_P50_TARGET),
                )


def _yes(ok: bool) -> str:
    return "yes" if ok else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
