"""A deterministic national data set: one report per body and year, plausible and consistent.

Every number is a function of (seed, body code, year), so a rerun posts the same reports and
one year's report can be written without the others (last year's carried-out requests and
documents in force are recomputed, not remembered). The arithmetic that the consistency
rules check holds: staff, items by content and by level, requests by channel, fees, the
request table's balance, outcomes and applicant columns, the review and litigation blocks,
the cross-year carry-over and the stock of documents in force.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from app import catalog

FIRST_TABLE_YEAR = 2019
FIRST_2021_YEAR = 2021
MISSING_SHARE = 0.05  # bodies that publish no report in a given year
BROKEN_SHARE = 0.02  # reports whose staff total is off by one (an `error` finding)

# How big a body's numbers are, relative to a county government.
LEVEL_SCALE = {
    "province": 12.0,
    "prefecture": 5.0,
    "county": 1.0,
    "township": 0.12,
    "department": 0.6,
}

APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "social_org", "legal_service")
APPLICANT_WEIGHTS = (0.82, 0.1, 0.01, 0.01, 0.02, 0.04)  # the last one: other_org
CONTENT_PARTS = ("normative_docs", "plans", "public_interest", "public_funds", "organization")
CHANNELS = ("in_person", "fax", "email", "online", "letter", "other")
CHANNEL_WEIGHTS = (0.35, 0.02, 0.08, 0.4, 0.12, 0.03)
DENIED = (
    "state_secret",
    "law_forbidden",
    "three_safety",
    "third_party",
    "internal_affairs",
    "process_info",
    "enforcement_file",
    "admin_query",
)
UNABLE = ("not_held", "needs_creation", "unclear")
NOT_PROCESSED = ("petition", "repeat", "publication", "mass_repeat", "confirm_existing")
OTHER_2021 = ("no_correction", "no_fee", "other")
BLOCKS = ("review", "litigation_direct", "litigation_after_review")
OUTCOMES = ("upheld", "corrected", "other", "pending")


def report_format(year: int) -> str:
    if year < FIRST_TABLE_YEAR:
        return "pre2019"
    return "2019" if year < FIRST_2021_YEAR else "2021"


@dataclass(frozen=True)
class Body:
    code: str
    name: str
    level: str


class Generator:
    """Reports of a seeded data set; `report(body, year)` is None for a missing report."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._sizes: dict[str, float] = {}
        metrics = catalog.metrics()
        self.stored = {
            f: frozenset(k for k, m in metrics.items() if m.is_stored_in(f))
            for f in catalog.FORMATS
        }

    def _rng(self, code: str, year: int, salt: str) -> random.Random:
        return random.Random(zlib.crc32(f"{self.seed}:{code}:{year}:{salt}".encode()))

    def publishes(self, body: Body, year: int) -> bool:
        rng = self._rng(body.code, year, "missing")
        return rng.random() >= MISSING_SHARE

    def _size(self, body: Body) -> float:
        """A body's lasting size: its level's scale times a lognormal factor of its own."""
        size = self._sizes.get(body.code)
        if size is None:
            rng = self._rng(body.code, 0, "size")
            size = self._sizes[body.code] = LEVEL_SCALE[body.level] * rng.lognormvariate(0, 0.6)
        return size

    def _growth(self, year: int) -> float:
        return 1.0 + 0.07 * (year - 2009)

    # Quantities that one year's report shares with the next, recomputed on demand.

    def _requests_flow(self, body: Body, year: int) -> tuple[int, int]:
        """(new requests, requests carried out to next year) of a table-format year."""
        rng = self._rng(body.code, year, "flow")
        new = _count(rng, 60 * self._size(body) * self._growth(year))
        carried_out = int(new * rng.uniform(0.0, 0.12))
        return new, carried_out

    def _carried_in(self, body: Body, year: int) -> int:
        if year - 1 >= FIRST_TABLE_YEAR:
            return self._requests_flow(body, year - 1)[1]
        rng = self._rng(body.code, year, "carried_in")
        return _count(rng, 3 * self._size(body))

    def _documents(self, body: Body, year: int, kind: str) -> tuple[int, int, int]:
        """(issued, repealed, in force) of rules or normative documents in `year`."""
        rng = self._rng(body.code, year, kind)
        scale = (0.3 if kind == "rules" else 6.0) * self._size(body)
        issued = _count(rng, scale)
        if year < FIRST_2021_YEAR:
            return issued, 0, _count(rng, 12 * scale) + issued
        _, _, before = self._documents(body, year - 1, kind)
        repealed = min(before, _count(rng, scale * 0.6))
        return issued, repealed, before + issued - repealed

    # The report.

    def report(self, body: Body, year: int) -> dict[str, Any] | None:
        if not self.publishes(body, year):
            return None
        fmt = report_format(year)
        rng = self._rng(body.code, year, "report")
        size = self._size(body) * self._growth(year)
        rich = body.level != "township"  # towns leave most of the optional cells blank
        values: dict[str, float | int] = {}
        self._narrative(rng, size, fmt, values)
        if fmt == "pre2019":
            self._pre2019(rng, size, values)
        else:
            self._tables(rng, body, year, fmt, rich, values)
        unknown = set(values) - self.stored[fmt]
        assert not unknown, f"not stored in {fmt}: {sorted(unknown)}"
        return {
            "jurisdiction": body.code,
            "year": year,
            "format": fmt,
            "title": f"{body.name}{year}年政府信息公开工作年度报告",
            "published_on": f"{year + 1}-03-{rng.randint(1, 31):02d}",
            "values": [{"metric": key, "value": value} for key, value in values.items()],
        }

    def _narrative(
        self, rng: random.Random, size: float, fmt: str, values: dict[str, float | int]
    ) -> None:
        total = _count(rng, 900 * size) + 1
        values["proactive.total"] = total
        if fmt == "pre2019":
            for part, number in zip(
                (*CONTENT_PARTS, "other"),
                _split(rng, total, (0.1, 0.15, 0.35, 0.15, 0.1, 0.15)),
                strict=True,
            ):
                values[f"proactive.by_content.{part}"] = number
            county = int(total * rng.uniform(0.5, 0.9))
            values["proactive.by_level.county"] = county
            values["proactive.by_level.township"] = total - county
        online = int(total * rng.uniform(0.6, 1.0))
        values["proactive.online.items"] = online
        values["proactive.online.visits"] = _count(rng, 40_000 * size)
        if fmt == "pre2019":
            values["proactive.within_20_workdays"] = int(online * rng.uniform(0.8, 1.0))
        points = _count(rng, 4 * size) + 1
        values["reading_points.total"] = points
        values["reading_points.electronic"] = rng.randint(0, points)
        values["reading_points.visitors"] = _count(rng, 300 * size)
        values["reading_points.files"] = _count(rng, 500 * size)
        full_time = _count(rng, 2 * size)
        part_time = _count(rng, 5 * size) + 1
        # Like real reports, a few break the arithmetic (the sample's 8 + 44 staff ≠ 53).
        values["staff.total"] = full_time + part_time + (rng.random() < BROKEN_SHARE)
        values["staff.full_time"] = full_time
        values["staff.part_time"] = part_time
        sessions = _count(rng, 3 * size)
        values["training.sessions"] = sessions
        values["training.attendances"] = sessions * rng.randint(10, 60)

    def _pre2019(self, rng: random.Random, size: float, values: dict[str, float | int]) -> None:
        new = _count(rng, 40 * size)
        for channel, number in zip(CHANNELS, _split(rng, new, CHANNEL_WEIGHTS), strict=True):
            values[f"requests.channel.{channel}"] = number
        values["requests.new.total"] = new
        granted = int(new * rng.uniform(0.5, 0.8))
        partial = int((new - granted) * rng.uniform(0.0, 0.3))
        values["requests.granted.total"] = granted
        values["requests.partial.total"] = partial
        values["requests.legacy_refused.total"] = int((new - granted - partial) * rng.random())
        values["complaints.total"] = _count(rng, 0.3 * size)
        cost_recovery = round(_count(rng, 50 * size) * rng.choice((1.0, 1.0, 1.5)), 2)
        other_fees = float(_count(rng, 10 * size))
        values["fees.total"] = round(cost_recovery + other_fees, 2)
        values["fees.cost_recovery"] = cost_recovery
        values["fees.other"] = other_fees
        values["review.total"] = _count(rng, 0.8 * size)
        values["litigation.total"] = _count(rng, 0.5 * size)

    def _tables(
        self,
        rng: random.Random,
        body: Body,
        year: int,
        fmt: str,
        rich: bool,
        values: dict[str, float | int],
    ) -> None:
        size = self._size(body) * self._growth(year)
        rules, docs = self._documents(body, year, "rules"), self._documents(body, year, "docs")
        values["proactive.rules.issued"] = rules[0]
        values["proactive.normative_docs.issued"] = docs[0]
        for matter, scale in (("licensing", 400), ("penalties", 150), ("compulsory", 10)):
            values[f"proactive.{matter}.decisions"] = _count(rng, scale * size)
        if rich and fmt == "2019":
            values["proactive.rules.published"] = rules[0]
            values["proactive.normative_docs.published"] = docs[0]
            values["proactive.procurement.projects"] = _count(rng, 30 * size)
            values["proactive.procurement.amount"] = round(_count(rng, 2e6 * size) * 1.0, 2)
        if rich and fmt == "2021":
            values["proactive.rules.repealed"] = rules[1]
            values["proactive.rules.in_force"] = rules[2]
            values["proactive.normative_docs.repealed"] = docs[1]
            values["proactive.normative_docs.in_force"] = docs[2]
            values["proactive.admin_fees.amount"] = round(_count(rng, 1e5 * size) * 1.0, 2)
            values["fees.information_processing"] = 0
        self._request_table(rng, body, year, fmt, rich, values)
        for block in BLOCKS if rich else BLOCKS[:1]:
            scale = {"review": 0.8, "litigation_direct": 0.4, "litigation_after_review": 0.1}
            total = _count(rng, scale[block] * size)
            parts = _split(rng, total, (0.6, 0.15, 0.15, 0.1))
            for outcome, number in zip(OUTCOMES, parts, strict=True):
                values[f"{block}.{outcome}"] = number
            values[f"{block}.total"] = total

    def _request_table(
        self,
        rng: random.Random,
        body: Body,
        year: int,
        fmt: str,
        rich: bool,
        values: dict[str, float | int],
    ) -> None:
        """The total column of table 3, balanced, and the applicant columns of its first row."""
        new, carried_out = self._requests_flow(body, year)
        carried_in = self._carried_in(body, year)
        handled = new + carried_in - carried_out
        values["requests.new.total"] = new
        values["requests.carried_in.total"] = carried_in
        if rich:
            columns = _split(rng, new, APPLICANT_WEIGHTS)
            for column, number in zip((*APPLICANT_COLUMNS, "other_org"), columns, strict=True):
                values[f"requests.new.{column}"] = number
        granted, partial, denied, unable, not_processed, other = _split(
            rng, handled, (0.55, 0.1, 0.06, 0.2, 0.05, 0.04)
        )
        values["requests.granted.total"] = granted
        values["requests.partial.total"] = partial
        for group, reasons, number in (
            ("denied", DENIED, denied),
            ("unable", UNABLE, unable),
            ("not_processed", NOT_PROCESSED, not_processed),
        ):
            for reason, part in zip(reasons, _split(rng, number, None, len(reasons)), strict=True):
                values[f"requests.{group}.{reason}.total"] = part
        if fmt == "2019":
            values["requests.other.total"] = other
        else:
            for reason, part in zip(OTHER_2021, _split(rng, other, (0.5, 0.1, 0.4)), strict=True):
                values[f"requests.other.{reason}.total"] = part
        values["requests.total_handled.total"] = handled
        values["requests.carried_out.total"] = carried_out


def _count(rng: random.Random, mean: float) -> int:
    """A whole number around `mean`, skewed like real counts (many small, a few large)."""
    if mean <= 0:
        return 0
    return int(rng.expovariate(1.0 / mean) * 0.5 + mean * 0.5 * rng.random() * 2)


def _split(
    rng: random.Random, total: int, weights: Sequence[float] | None, parts: int = 0
) -> list[int]:
    """`total` cut into whole parts that add up to it exactly, about as `weights` say."""
    weights = weights or [1.0] * parts
    noisy = [w * rng.uniform(0.5, 1.5) for w in weights]
    scale = total / sum(noisy)
    numbers = [int(w * scale) for w in noisy]
    numbers[0] += total - sum(numbers)
    return numbers


def batches(
    generator: Generator, bodies: Sequence[Body], year: int, size: int
) -> Iterator[list[dict[str, Any]]]:
    """The year's reports in batches of `size`, bodies in code order (missing ones skipped)."""
    batch: list[dict[str, Any]] = []
    for body in bodies:
        report = generator.report(body, year)
        if report is None:
            continue
        batch.append(report)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
