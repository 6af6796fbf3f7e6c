"""The metric catalog: every metric key a report can carry, and how it aggregates.

The data is in `data.py`; this module turns it into typed, immutable `Metric`s once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from app.catalog.data import catalog_entries

Aggregation = Literal["sum", "ratio", "none"]
FORMATS = ("pre2019", "2019", "2021")
# Units whose values are whole numbers; 元 may carry fen (万元 cells become fractional 元).
MONEY_UNITS = frozenset({"元"})


@dataclass(frozen=True)
class Metric:
    key: str
    label_zh: str
    label_en: str
    unit: str
    section: str
    formats: tuple[str, ...]
    aggregation: Aggregation = "sum"
    # A derived metric is the sum of `terms` in the formats of `derived_in`.
    terms: dict[str, int] = field(default_factory=dict)
    derived_in: tuple[str, ...] = ()
    # A ratio is numerator / denominator, each a linear combination of stored metrics.
    numerator: dict[str, int] = field(default_factory=dict)
    denominator: dict[str, int] = field(default_factory=dict)
    signed: bool = False

    @property
    def is_count(self) -> bool:
        return self.unit not in MONEY_UNITS and self.aggregation != "ratio"

    @property
    def formula(self) -> str | None:
        if self.aggregation == "ratio":
            return f"({_linear(self.numerator)}) / ({_linear(self.denominator)})"
        if self.terms:
            return _linear(self.terms)
        return None

    def is_derived_in(self, report_format: str) -> bool:
        return report_format in self.derived_in

    def is_stored_in(self, report_format: str) -> bool:
        """Whether a report of this format may carry a posted value for the metric."""
        return (
            report_format in self.formats
            and not self.is_derived_in(report_format)
            and self.aggregation != "ratio"
        )


def _linear(terms: dict[str, int]) -> str:
    text = ""
    for key, coefficient in terms.items():
        sign = "-" if coefficient < 0 else "+"
        text += f" {sign} {key}" if text else (f"-{key}" if coefficient < 0 else key)
    return text


@cache
def metrics() -> dict[str, Metric]:
    """All metrics by key, in report order."""
    return {entry["key"]: Metric(**entry) for entry in catalog_entries()}


def get(key: str) -> Metric | None:
    return metrics().get(key)


def ratio_part_key(key: str, part: str) -> str:
    """The internal metric summing a ratio's numerator or denominator (never in the API)."""
    return f"{key}#{part}"


def internal_keys() -> list[str]:
    """Metric keys the database needs besides the catalog: the parts of every ratio."""
    return [
        ratio_part_key(m.key, part)
        for m in metrics().values()
        if m.aggregation == "ratio"
        for part in ("numerator", "denominator")
    ]


@cache
def derived_metrics(report_format: str) -> tuple[Metric, ...]:
    """Metrics computed from others in this format (their terms are never derived)."""
    return tuple(m for m in metrics().values() if m.is_derived_in(report_format))


@cache
def ratios() -> tuple[Metric, ...]:
    return tuple(m for m in metrics().values() if m.aggregation == "ratio")
