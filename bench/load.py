"""Posting the data set through POST /v1/reports/batch with one client, timed.

Each year's batches are generated (and encoded) before that year is posted, so the rate is
the service's, not the generator's. With a time budget, a calibration prefix of the last
year is posted first. If posting every year would not fit the budget, the older years are
written straight into the tables (bench/seed.py) and only the newest years that fit are
posted — into a database that already holds the history, as a new year's reports arrive in
production; if not even one year fits, the last year is posted until the budget is spent
and its remainder written directly. The output says which years went which way.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.generate import MISSING_SHARE, Body, Generator, batches
from bench.seed import Seeder


@dataclass
class LoadResult:
    years: list[int]
    reports: int = 0
    values: int = 0
    post_seconds: float = 0.0
    generate_seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    per_year: list[tuple[str, int, int, float]] = field(default_factory=list)
    http_years: list[int] = field(default_factory=list)
    seeded_years: list[int] = field(default_factory=list)
    seeded_reports: int = 0
    seeded_values: int = 0
    note: str = ""

    @property
    def reports_per_second(self) -> float:
        return self.reports / self.post_seconds if self.post_seconds else 0.0

    @property
    def values_per_second(self) -> float:
        return self.values / self.post_seconds if self.post_seconds else 0.0


def _encoded(
    generator: Generator, bodies: Sequence[Body], year: int, size: int
) -> list[tuple[bytes, int, int]]:
    """(body, reports, values) of each batch of the year."""
    out = []
    for batch in batches(generator, bodies, year, size):
        body = json.dumps(batch, ensure_ascii=False, separators=(",", ":")).encode()
        out.append((body, len(batch), sum(len(r["values"]) for r in batch)))
    return out


class Loader:
    def __init__(self, base: str, key: str, generator: Generator, batch_size: int) -> None:
        self.client = httpx.Client(
            base_url=base,
            timeout=httpx.Timeout(900.0),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        self.generator = generator
        self.batch_size = batch_size

    def close(self) -> None:
        self.client.close()

    def _post(self, body: bytes, result: LoadResult) -> float:
        started = time.perf_counter()
        response = self.client.post("/v1/reports/batch", content=body)
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"batch answered {response.status_code}: {response.text[:2000]}")
        items: list[dict[str, Any]] = response.json()["items"]
        result.statuses.update(item["status"] for item in items)
        rejected = [item for item in items if item["status"] == "rejected"]
        if rejected:
            raise RuntimeError(f"{len(rejected)} report(s) rejected, e.g. {rejected[0]}")
        return seconds

    def load(
        self,
        bodies: Sequence[Body],
        years: list[int],
        budget: float | None,
        calibration: int,
        seeder: Seeder | None,
    ) -> LoadResult:
        """Post `years` (all through HTTP when they fit the budget, else the newest that do,
        the older ones written by `seeder`)."""
        result = LoadResult(years=list(years))
        if budget is None or seeder is None:
            result.http_years = list(years)
            for year in years:
                self._load_year(bodies, year, 0, result)
            return result
        started = time.perf_counter()
        prefix = self._calibrate(bodies, years[-1], calibration, result)
        per_report = (result.post_seconds + result.generate_seconds) / result.reports
        per_year = len(bodies) * (1 - MISSING_SHARE) * per_report
        left = budget - (time.perf_counter() - started)
        fitting = int(left / per_year) if per_year else len(years)
        projected = per_year * len(years)
        print(
            f"  calibration: {result.reports:,} reports of {years[-1]} in "
            f"{result.post_seconds:.1f} s ({result.reports_per_second:,.0f} reports/s); all "
            f"{len(years)} years through HTTP projected at ~{projected:,.0f} s, budget "
            f"{budget:,.0f} s",
            flush=True,
        )
        if fitting >= len(years):
            result.http_years = list(years)
            for year in years:
                self._load_year(bodies, year, prefix if year == years[-1] else 0, result)
            return result
        http_years = years[len(years) - max(fitting, 1) :]
        seeded = [y for y in years if y not in http_years]
        self._seed(bodies, seeded, seeder, result)
        seeder.finish()  # sequences past the written ids before the API writes again
        if fitting >= 1:
            result.http_years = http_years
            for year in http_years:
                self._load_year(bodies, year, prefix if year == years[-1] else 0, result)
            result.note = (
                f"{seeded[0]}-{seeded[-1]} written directly (bench/seed.py), "
                f"{http_years[0]}-{http_years[-1]} posted through the API: all {len(years)} "
                f"years through HTTP were projected at {projected:,.0f} s, over the budget"
            )
        else:
            last = years[-1]
            # What is left of the budget after calibrating, spent now that the history is in.
            posted = self._load_year(bodies, last, prefix, result, limit=max(left, 30.0))
            rest = [
                report
                for batch in list(batches(self.generator, bodies, last, self.batch_size))[posted:]
                for report in batch
            ]
            reports, values = seeder.seed(rest)
            seeder.rollups(last, replace=True)
            seeder.finish()
            result.seeded_reports += reports
            result.seeded_values += values
            result.http_years = [last]
            result.note = (
                f"{seeded[0]}-{seeded[-1]} and {reports:,} reports of {last} written directly "
                f"(bench/seed.py); {result.reports:,} reports of {last} posted through the "
                f"API: one year through HTTP was projected at {per_year:,.0f} s, over the "
                f"budget of {budget:,.0f} s"
            )
        print(f"  NOTE: {result.note}", flush=True)
        return result

    def _calibrate(
        self, bodies: Sequence[Body], year: int, calibration: int, result: LoadResult
    ) -> int:
        """Post the first `calibration` reports of `year`; returns how many batches."""
        generated = time.perf_counter()
        prefix = []
        count = 0
        for batch in batches(self.generator, bodies, year, self.batch_size):
            body = json.dumps(batch, ensure_ascii=False, separators=(",", ":")).encode()
            prefix.append((body, len(batch), sum(len(r["values"]) for r in batch)))
            count += len(batch)
            if count >= calibration:
                break
        result.generate_seconds += time.perf_counter() - generated
        for body, n, v in prefix:
            result.post_seconds += self._post(body, result)
            result.reports += n
            result.values += v
        reports, values = sum(n for _, n, _ in prefix), sum(v for _, _, v in prefix)
        result.per_year.append((f"{year} (calibration)", reports, values, result.post_seconds))
        return len(prefix)

    def _seed(
        self, bodies: Sequence[Body], years: list[int], seeder: Seeder, result: LoadResult
    ) -> None:
        with seeder.without_indexes():
            self._seed_years(bodies, years, seeder, result)

    def _seed_years(
        self, bodies: Sequence[Body], years: list[int], seeder: Seeder, result: LoadResult
    ) -> None:
        for year in years:
            started = time.perf_counter()
            reports, values = seeder.seed(
                r for r in (self.generator.report(b, year) for b in bodies) if r is not None
            )
            seeder.rollups(year)
            result.seeded_reports += reports
            result.seeded_values += values
            result.seeded_years.append(year)
            print(
                f"    {year}: {reports:,} reports, {values:,} values written directly in "
                f"{time.perf_counter() - started:,.1f} s",
                flush=True,
            )

    def _load_year(
        self,
        bodies: Sequence[Body],
        year: int,
        skip: int,
        result: LoadResult,
        limit: float | None = None,
    ) -> int:
        """Post the year's batches after the first `skip` (for `limit` seconds at most, if
        given); returns the number of batches of the year posted by now."""
        generated = time.perf_counter()
        encoded = _encoded(self.generator, bodies, year, self.batch_size)[skip:]
        result.generate_seconds += time.perf_counter() - generated
        deadline = None if limit is None else time.perf_counter() + limit
        reports = values = 0
        seconds = 0.0
        posted = skip
        shown = time.perf_counter()
        for index, (body, n, v) in enumerate(encoded, start=1):
            if deadline is not None and time.perf_counter() > deadline:
                break
            seconds += self._post(body, result)
            posted += 1
            reports += n
            values += v
            if time.perf_counter() - shown > 30 or index == len(encoded):
                shown = time.perf_counter()
                print(
                    f"    {year}: {reports:,} reports, {values:,} values in {seconds:,.1f} s "
                    f"({reports / seconds:,.0f} reports/s, {values / seconds:,.0f} values/s)",
                    flush=True,
                )
        result.reports += reports
        result.values += values
        result.post_seconds += seconds
        if reports:
            result.per_year.append((str(year), reports, values, seconds))
        return posted
