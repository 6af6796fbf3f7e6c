"""Consistency rules (勾稽关系, domain.md §3) as pure functions over one report's numbers.

A rule only speaks when every number it needs is present: a missing part is a coverage
question, not broken arithmetic. `values` holds the numeric values of one report, derived
metrics included; states (not_reported, not_applicable) are simply absent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from app.catalog.data import APPLICANTS, OUTCOMES, REQUEST_GROUPS, REQUEST_ROWS, REVIEW_BLOCKS

Severity = Literal["error", "warning"]
Values = Mapping[str, Decimal]


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    metrics: tuple[str, ...]
    expected: Decimal | None
    actual: Decimal | None
    message: str


def plain(value: Decimal) -> str:
    """A number as people write it: 1 rather than 1.00 (stored values carry two decimals)."""
    return format(value.normalize(), "f")


def _sum_rule(
    rule: str, values: Values, total: str, parts: Sequence[str], what: str
) -> Iterator[Finding]:
    """`total` must equal the sum of `parts`; expected is the sum, actual the printed total."""
    keys = [total, *parts]
    if not all(key in values for key in keys):
        return
    expected = sum((values[key] for key in parts), Decimal(0))
    if values[total] != expected:
        yield Finding(
            rule=rule,
            severity="error",
            metrics=tuple(keys),
            expected=expected,
            actual=values[total],
            message=(
                f"{what}: {total} is {plain(values[total])}, its parts add up to {plain(expected)}"
            ),
        )


COLUMNS = [column for column, *_ in APPLICANTS]
OUTCOME_ROWS = ["granted", "partial", *(group for group, *_ in REQUEST_GROUPS)]


def requests_balance(values: Values) -> Iterator[Finding]:
    for column in COLUMNS:
        keys = [
            f"requests.{row}.{column}"
            for row in ("new", "carried_in", "total_handled", "carried_out")
        ]
        if not all(key in values for key in keys):
            continue
        received = values[keys[0]] + values[keys[1]]
        dealt_with = values[keys[2]] + values[keys[3]]
        if received != dealt_with:
            yield Finding(
                rule="requests.balance",
                severity="error",
                metrics=tuple(keys),
                expected=received,
                actual=dealt_with,
                message=(
                    f"{column}: new + carried in = {plain(received)}, but total handled + carried "
                    f"out = {plain(dealt_with)}"
                ),
            )


def requests_outcomes_sum(values: Values) -> Iterator[Finding]:
    for column in COLUMNS:
        yield from _sum_rule(
            "requests.outcomes_sum",
            values,
            f"requests.total_handled.{column}",
            [f"requests.{row}.{column}" for row in OUTCOME_ROWS],
            f"{column} outcomes",
        )


def requests_applicants_sum(values: Values, derived: frozenset[str]) -> Iterator[Finding]:
    # Derived rows add up whenever their parts do, so only printed rows are checked.
    rows = [row for row, *_ in REQUEST_ROWS] + [group for group, *_ in REQUEST_GROUPS]
    for row in rows:
        if f"requests.{row}.total" in derived:
            continue
        yield from _sum_rule(
            "requests.applicants_sum",
            values,
            f"requests.{row}.total",
            [f"requests.{row}.{column}" for column in COLUMNS if column != "total"],
            f"row {row}",
        )


def review_litigation_block_sum(values: Values) -> Iterator[Finding]:
    parts = [outcome for outcome, *_ in OUTCOMES if outcome != "total"]
    for block, *_ in REVIEW_BLOCKS:
        yield from _sum_rule(
            "review_litigation.block_sum",
            values,
            f"{block}.total",
            [f"{block}.{outcome}" for outcome in parts],
            f"{block} outcomes",
        )


def narrative_sums(values: Values) -> Iterator[Finding]:
    yield from _sum_rule(
        "staff.sum", values, "staff.total", ["staff.full_time", "staff.part_time"], "staff"
    )
    yield from _sum_rule(
        "proactive.by_content_sum",
        values,
        "proactive.total",
        [
            f"proactive.by_content.{part}"
            for part in (
                "normative_docs",
                "plans",
                "public_interest",
                "public_funds",
                "organization",
                "other",
            )
        ],
        "items by content",
    )
    yield from _sum_rule(
        "proactive.by_level_sum",
        values,
        "proactive.total",
        ["proactive.by_level.county", "proactive.by_level.township"],
        "items by level",
    )
    yield from _sum_rule(
        "requests.channel_sum",
        values,
        "requests.new.total",
        [
            f"requests.channel.{part}"
            for part in ("in_person", "fax", "email", "online", "letter", "other")
        ],
        "requests by channel",
    )
    yield from _sum_rule(
        "fees.sum", values, "fees.total", ["fees.cost_recovery", "fees.other"], "fees"
    )


def reading_points_electronic_le_total(values: Values) -> Iterator[Finding]:
    total, electronic = "reading_points.total", "reading_points.electronic"
    if total in values and electronic in values and values[electronic] > values[total]:
        yield Finding(
            rule="reading_points.electronic_le_total",
            severity="error",
            metrics=(electronic, total),
            expected=values[total],
            actual=values[electronic],
            message=(
                f"{plain(values[electronic])} reading points with electronic access, but only "
                f"{plain(values[total])} reading points in all"
            ),
        )


def check_report(values: Values, derived: frozenset[str] = frozenset()) -> list[Finding]:
    """Every single-report rule; `derived` names the metrics computed in this format."""
    return [
        *requests_balance(values),
        *requests_outcomes_sum(values),
        *requests_applicants_sum(values, derived),
        *review_litigation_block_sum(values),
        *narrative_sums(values),
        *reading_points_electronic_le_total(values),
    ]


# What the cross-year rules read of the previous year's report and of the current one
# (ingest loads only these), and their ids.
PREVIOUS_YEAR_KEYS = frozenset(
    [f"requests.carried_out.{column}" for column in COLUMNS]
    + [f"proactive.{kind}.in_force" for kind in ("rules", "normative_docs")]
)
CURRENT_YEAR_KEYS = frozenset(
    [f"requests.carried_in.{column}" for column in COLUMNS]
    + [
        f"proactive.{kind}.{column}"
        for kind in ("rules", "normative_docs")
        for column in ("in_force", "issued", "repealed")
    ]
)
CROSS_YEAR_RULES = ("requests.carry_over_cross_year", "proactive.stock_flow")


def carry_over_cross_year(current: Values, previous: Values) -> Iterator[Finding]:
    for column in COLUMNS:
        carried_in, carried_out = f"requests.carried_in.{column}", f"requests.carried_out.{column}"
        if carried_in not in current or carried_out not in previous:
            continue
        if current[carried_in] != previous[carried_out]:
            yield Finding(
                rule="requests.carry_over_cross_year",
                severity="warning",
                metrics=(carried_in, carried_out),
                expected=previous[carried_out],
                actual=current[carried_in],
                message=(
                    f"{column}: carried in {plain(current[carried_in])}, but last year's report "
                    f"carried out {plain(previous[carried_out])}"
                ),
            )


def stock_flow(current: Values, previous: Values) -> Iterator[Finding]:
    for kind in ("rules", "normative_docs"):
        in_force, issued, repealed = (
            f"proactive.{kind}.{col}" for col in ("in_force", "issued", "repealed")
        )
        if not (in_force in previous and all(k in current for k in (in_force, issued, repealed))):
            continue
        expected = previous[in_force] + current[issued] - current[repealed]
        if current[in_force] != expected:
            yield Finding(
                rule="proactive.stock_flow",
                severity="warning",
                metrics=(in_force, issued, repealed),
                expected=expected,
                actual=current[in_force],
                message=(
                    f"{kind}: {plain(previous[in_force])} in force last year + "
                    f"{plain(current[issued])} issued - {plain(current[repealed])} repealed = "
                    f"{plain(expected)}, but {plain(current[in_force])} "
                    "reported in force"
                ),
            )


def check_against_previous(current: Values, previous: Values) -> list[Finding]:
    """The cross-year rules: this year's report against the same body's previous year."""
    return [*carry_over_cross_year(current, previous), *stock_flow(current, previous)]
