"""Checking a posted report: every problem found at once, each with a JSON pointer.

Pure functions over the decoded JSON; whether the jurisdiction exists is the caller's
question (it needs the database). Numbers arrive as int or Decimal (the body is decoded with
`parse_float=Decimal`), so 4068.21 is never a binary float on its way in; a float from a
Python caller is taken by its shortest spelling (`repr`), which is what its JSON said.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from app import catalog
from app.schemas.common import MIN_YEAR, max_year

# Numeric(18, 2) holds 16 digits before the point.
MAX_ABS_VALUE = Decimal(10) ** 16
CENT = Decimal("0.01")
STATES = ("not_reported", "not_applicable")
FIELDS = {
    "jurisdiction",
    "year",
    "format",
    "scope",
    "title",
    "published_on",
    "source_url",
    "source_hash",
    "parser_version",
    "values",
    "sections",
}
VALUE_FIELDS = {"metric", "value", "state", "approximate", "note"}
SECTION_FIELDS = {"problems", "improvements"}
TEXT_LIMITS = {"title": 500, "source_url": 2000, "source_hash": 128, "parser_version": 40}
SECTION_LIMIT = 100_000
NOTE_LIMIT = 2000
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class ValueInput:
    metric: str
    value: Decimal | None
    state: str  # reported, not_reported or not_applicable
    approximate: bool = False
    note: str | None = None


@dataclass(frozen=True)
class ReportInput:
    jurisdiction: str
    year: int
    format: str
    scope: str = "self"
    title: str | None = None
    published_on: dt.date | None = None
    source_url: str | None = None
    source_hash: str | None = None
    parser_version: str | None = None
    problems: str | None = None
    improvements: str | None = None
    values: tuple[ValueInput, ...] = field(default_factory=tuple)

    def content_hash(self) -> str:
        """SHA-256 of the canonical content: equal for re-posts that differ only in order."""
        content = {
            "jurisdiction": self.jurisdiction,
            "year": self.year,
            "format": self.format,
            "scope": self.scope,
            "title": self.title,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "source_url": self.source_url,
            "source_hash": self.source_hash,
            "parser_version": self.parser_version,
            "problems": self.problems,
            "improvements": self.improvements,
            "values": sorted(
                [v.metric, canonical(v.value), v.state, v.approximate, v.note] for v in self.values
            ),
        }
        encoded = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(encoded.encode()).hexdigest()


def canonical(value: Decimal | None) -> str | None:
    """One spelling per number: 5, 5.0 and 5.00 are the same value."""
    return None if value is None else format(value.normalize(), "f")


class Problems:
    """Collects `{pointer, detail}` errors while a body is checked."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, pointer: str, detail: str) -> None:
        # A field name may hold a lone surrogate, which no UTF-8 response can carry.
        self.items.append({"pointer": _printable(pointer), "detail": _printable(detail)})


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _text_problem(value: str) -> str | None:
    """Why `value` cannot be stored as text, if it cannot (both databases need valid UTF-8;
    PostgreSQL refuses NUL)."""
    if "\x00" in value:
        return "must not contain NUL (\\u0000) characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode (it holds a lone surrogate)"
    return None


def _text(body: dict[str, Any], name: str, limit: int, problems: Problems, at: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(f"{at}/{name}", f"{name} must be a string")
        return None
    if len(value) > limit:
        problems.add(f"{at}/{name}", f"{name} is longer than {limit} characters")
        return None
    bad = _text_problem(value)
    if bad:
        problems.add(f"{at}/{name}", f"{name} {bad}")
        return None
    return value


def _unknown_fields(body: dict[str, Any], allowed: set[str], problems: Problems, at: str) -> None:
    for name in body:
        if name not in allowed:
            problems.add(f"{at}/{name}", f"unknown field {name!r}; allowed: {sorted(allowed)}")


def _year(body: dict[str, Any], problems: Problems) -> int | None:
    year = body.get("year")
    if year is None:
        problems.add("/year", "year is required")
    elif not isinstance(year, int) or isinstance(year, bool):
        problems.add("/year", "year must be an integer")
    elif not MIN_YEAR <= year <= max_year():
        problems.add("/year", f"year {year} is outside {MIN_YEAR}..{max_year()}")
    else:
        return year
    return None


def _choice(
    body: dict[str, Any],
    name: str,
    allowed: tuple[str, ...],
    default: str | None,
    problems: Problems,
) -> str | None:
    value = body.get(name, default)
    if value is None:
        problems.add(f"/{name}", f"{name} is required, one of {list(allowed)}")
    elif value not in allowed:
        problems.add(f"/{name}", f"{name} must be one of {list(allowed)}, not {value!r}")
    else:
        return str(value)
    return None


def _date(body: dict[str, Any], problems: Problems) -> dt.date | None:
    value = body.get("published_on")
    if value is None:
        return None
    # fromisoformat alone would also take 20100301 and 2010-W09-1; the API promises YYYY-MM-DD.
    if isinstance(value, str) and DATE_PATTERN.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.add("/published_on", "published_on must be a date, YYYY-MM-DD")
    return None


def _number(raw: Any, metric: catalog.Metric | None, problems: Problems, at: str) -> Decimal | None:
    if isinstance(raw, float) and math.isfinite(raw):
        raw = Decimal(repr(raw))
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        problems.add(at, f"value must be a number, not {json.dumps(raw, default=str)}")
        return None
    value = Decimal(raw)
    if not value.is_finite() or abs(value) >= MAX_ABS_VALUE:
        problems.add(at, f"value {raw} is out of range")
        return None
    if metric is None:
        return value
    if value < 0 and not metric.signed:
        problems.add(at, f"{metric.key} cannot be negative ({raw})")
    elif isinstance(raw, int):  # whole: nothing more to check (most values are)
        pass
    elif metric.is_count and value != value.to_integral_value():
        problems.add(at, f"{metric.key} is a count ({metric.unit}); {raw} is not a whole number")
    elif value != value.quantize(CENT):
        problems.add(at, f"{metric.key} is in {metric.unit}; {raw} has more than two decimals")
    return value


def _metric(
    key: Any, report_format: str | None, seen: dict[str, int], index: int, problems: Problems
) -> catalog.Metric | None:
    at = f"/values/{index}/metric"
    if not isinstance(key, str):
        problems.add(at, "metric must be a catalog key (a string)")
        return None
    metric = catalog.metrics().get(key)
    if metric is None:
        close = difflib.get_close_matches(key, catalog.metrics(), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.add(at, f"unknown metric {key!r}{hint}")
        return None
    if key in seen:
        problems.add(at, f"duplicate metric {key!r} (first at /values/{seen[key]})")
    seen.setdefault(key, index)
    refusal = _refusals(report_format).get(key) if report_format else None
    if refusal:
        problems.add(at, refusal)
    return metric


@cache
def _refusals(report_format: str) -> dict[str, str]:
    """Why each catalog key that cannot be posted in `report_format` cannot (worked out once:
    a batch checks tens of thousands of values)."""
    refusals = {}
    for key, metric in catalog.metrics().items():
        if metric.aggregation == "ratio":
            refusals[key] = f"{key} is a ratio; it is computed, never posted"
        elif report_format not in metric.formats:
            refusals[key] = f"{key} is not carried by the {report_format} format"
        elif metric.is_derived_in(report_format):
            refusals[key] = f"{key} is computed from its parts in the {report_format} format"
    return refusals


def _value(
    item: Any, index: int, report_format: str | None, seen: dict[str, int], problems: Problems
) -> ValueInput | None:
    plain = _plain_count(item, report_format, seen)
    if plain is not None:
        seen[plain.metric] = index
        return plain
    at = f"/values/{index}"
    if not isinstance(item, dict):
        problems.add(at, "each value must be an object {metric, value} or {metric, state}")
        return None
    before = len(problems.items)
    # The usual {metric, value} needs no search for unknown fields.
    usual = len(item) <= 2 and "metric" in item and ("value" in item or "state" in item)
    if not usual:
        _unknown_fields(item, VALUE_FIELDS, problems, at)
    metric = _metric(item.get("metric"), report_format, seen, index, problems)
    has_value, has_state = "value" in item, "state" in item
    number, state = None, "reported"
    if has_value == has_state:
        problems.add(at, "give exactly one of value (a number) or state")
    elif has_value:
        number = _number(item["value"], metric, problems, f"{at}/value")
    elif item["state"] not in STATES:
        problems.add(f"{at}/state", f"state must be one of {list(STATES)}, not {item['state']!r}")
    else:
        state = item["state"]
    approximate = item.get("approximate", False)
    if not isinstance(approximate, bool):
        problems.add(f"{at}/approximate", "approximate must be true or false")
    note = _text(item, "note", NOTE_LIMIT, problems, at)
    if len(problems.items) > before or metric is None:
        return None
    return ValueInput(metric.key, number, state, approximate, note)


# Whole non-negative numbers below this need no range check.
_PLAIN_LIMIT = int(MAX_ABS_VALUE)


def _plain_count(item: Any, report_format: str | None, seen: dict[str, int]) -> ValueInput | None:
    """The value, if it is the common case that needs no check beyond a look-up: exactly
    {metric, value}, a key the format takes and not seen before, a whole number ≥ 0.
    Anything else is None and goes through `_value`'s checks (a batch holds ~50,000
    values, nearly all like this, and the full checks were a third of its Python time)."""
    if type(item) is not dict or len(item) != 2 or report_format is None:
        return None
    key, raw = item.get("metric"), item.get("value")
    if type(raw) is not int or not 0 <= raw < _PLAIN_LIMIT or type(key) is not str:
        return None
    if key in seen or key not in catalog.metrics() or key in _refusals(report_format):
        return None
    return ValueInput(key, Decimal(raw), "reported")


def _values(
    body: dict[str, Any], report_format: str | None, problems: Problems
) -> list[ValueInput]:
    raw = body.get("values", [])
    if not isinstance(raw, list):
        problems.add("/values", "values must be a list")
        return []
    seen: dict[str, int] = {}
    checked = (_value(item, i, report_format, seen, problems) for i, item in enumerate(raw))
    return [value for value in checked if value is not None]


def _sections(body: dict[str, Any], problems: Problems) -> tuple[str | None, str | None]:
    sections = body.get("sections")
    if sections is None:
        return None, None
    if not isinstance(sections, dict):
        problems.add("/sections", "sections must be an object {problems, improvements}")
        return None, None
    _unknown_fields(sections, SECTION_FIELDS, problems, "/sections")
    return (
        _text(sections, "problems", SECTION_LIMIT, problems, "/sections"),
        _text(sections, "improvements", SECTION_LIMIT, problems, "/sections"),
    )


def check(body: Any) -> tuple[ReportInput | None, list[dict[str, str]]]:
    """The report in `body`, or None and every problem found in it."""
    problems = Problems()
    if not isinstance(body, dict):
        problems.add("", "a report must be a JSON object")
        return None, problems.items
    _unknown_fields(body, FIELDS, problems, "")
    code = body.get("jurisdiction")
    if not isinstance(code, str) or not code:
        problems.add("/jurisdiction", "jurisdiction must be a jurisdiction code (a string)")
    elif bad := _text_problem(code):
        problems.add("/jurisdiction", f"jurisdiction {bad}")
    year = _year(body, problems)
    report_format = _choice(body, "format", catalog.FORMATS, None, problems)
    scope = _choice(body, "scope", ("self", "aggregate"), "self", problems)
    texts = {name: _text(body, name, limit, problems, "") for name, limit in TEXT_LIMITS.items()}
    published_on = _date(body, problems)
    values = _values(body, report_format, problems)
    report_problems, improvements = _sections(body, problems)
    if problems.items:
        return None, problems.items
    assert isinstance(code, str) and year and report_format and scope
    return (
        ReportInput(
            jurisdiction=code,
            year=year,
            format=report_format,
            scope=scope,
            published_on=published_on,
            problems=report_problems,
            improvements=improvements,
            values=tuple(values),
            **texts,
        ),
        [],
    )
