"""report_input.check(): a posted report is taken whole or refused with every problem listed.

check() works on the decoded JSON (numbers as int or Decimal, as the API decodes them);
whether the jurisdiction exists is the caller's question, so none of these touch a database.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import pytest

from app.services.report_input import ReportInput, ValueInput, check

NEXT_YEAR = dt.date.today().year + 1


def report(year: int = 2021, report_format: str = "2021", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "jurisdiction": "220582105",
        "year": year,
        "format": report_format,
        "values": [],
    }
    return body | extra


def problems(body: Any) -> dict[str, str]:
    """pointer -> detail of every problem; fails if the report was taken or a pointer repeats."""
    taken, errors = check(body)
    assert taken is None
    pointers = [error["pointer"] for error in errors]
    assert len(pointers) == len(set(pointers)), pointers
    return {error["pointer"]: error["detail"] for error in errors}


def taken(body: Any) -> ReportInput:
    result, errors = check(body)
    assert errors == []
    assert result is not None
    return result


def test_one_body_with_many_faults_lists_every_one_with_its_pointer() -> None:
    body = report(
        year=NEXT_YEAR + 1,
        published_on="2022-02-30",
        colour="red",
        values=[
            {"metric": "training.sessions", "value": 2},
            {"metric": "requests.channel.fax", "value": 1},
            {"metric": "requests.denied.total", "value": 1},
            {"metric": "requests.no_such_row.total", "value": 1},
            {"metric": "requests.grant_rate", "value": Decimal("0.5")},
            {"metric": "training.sessions", "value": 3},
            {"metric": "staff.full_time", "value": -1},
            {"metric": "staff.part_time", "value": "12"},
            {"metric": "training.attendances", "value": True},
            {"metric": "staff.total", "value": Decimal("1.5")},
            {"metric": "fees.information_processing", "value": Decimal("1.234")},
            {"metric": "reading_points.total", "state": "blank"},
            {"metric": "reading_points.files", "value": 1, "state": "not_reported"},
            {"metric": "reading_points.visitors", "value": 7, "colour": "red"},
        ],
    )

    found = problems(body)

    assert sorted(found) == sorted(
        [
            "/colour",
            "/year",
            "/published_on",
            "/values/1/metric",
            "/values/2/metric",
            "/values/3/metric",
            "/values/4/metric",
            "/values/5/metric",
            "/values/6/value",
            "/values/7/value",
            "/values/8/value",
            "/values/9/value",
            "/values/10/value",
            "/values/11/state",
            "/values/12",
            "/values/13/colour",
        ]
    )
    assert "unknown field 'colour'" in found["/colour"]
    assert f"year {NEXT_YEAR + 1} is outside 2007..{NEXT_YEAR}" == found["/year"]
    assert "YYYY-MM-DD" in found["/published_on"]
    assert found["/values/1/metric"] == "requests.channel.fax is not carried by the 2021 format"
    assert "requests.denied.total is computed from its parts" in found["/values/2/metric"]
    assert "unknown metric 'requests.no_such_row.total'" in found["/values/3/metric"]
    assert "requests.grant_rate is a ratio" in found["/values/4/metric"]
    # The duplicate is reported where it repeats, and names the first.
    assert "duplicate metric 'training.sessions'" in found["/values/5/metric"]
    assert "/values/0" in found["/values/5/metric"]
    assert found["/values/6/value"] == "staff.full_time cannot be negative (-1)"
    assert found["/values/7/value"] == 'value must be a number, not "12"'
    assert found["/values/8/value"] == "value must be a number, not true"
    assert "staff.total is a count" in found["/values/9/value"]
    assert "1.5 is not a whole number" in found["/values/9/value"]
    assert "1.234 has more than two decimals" in found["/values/10/value"]
    assert "'blank'" in found["/values/11/state"]
    assert "exactly one of value" in found["/values/12"]
    assert "unknown field 'colour'" in found["/values/13/colour"]


def test_a_valid_body_becomes_a_typed_report() -> None:
    body = report(
        year=2009,
        report_format="pre2019",
        scope="aggregate",
        title="集安市2009年政府信息公开工作年度报告",
        published_on="2010-03-31",
        sections={"problems": "公开意识需进一步深化", "improvements": None},
        values=[
            {"metric": "staff.total", "value": 53},
            {"metric": "fees.total", "value": Decimal("12.5"), "approximate": True},
            {"metric": "reading_points.total", "state": "not_applicable", "note": "“/”"},
        ],
    )

    assert taken(body) == ReportInput(
        jurisdiction="220582105",
        year=2009,
        format="pre2019",
        scope="aggregate",
        title="集安市2009年政府信息公开工作年度报告",
        published_on=dt.date(2010, 3, 31),
        problems="公开意识需进一步深化",
        improvements=None,
        values=(
            ValueInput("staff.total", Decimal(53), "reported"),
            ValueInput("fees.total", Decimal("12.5"), "reported", approximate=True),
            ValueInput("reading_points.total", None, "not_applicable", note="“/”"),
        ),
    )


@pytest.mark.parametrize(
    ("year", "report_format", "accepted"),
    [
        (2006, "pre2019", False),
        (2007, "pre2019", True),
        (NEXT_YEAR, "2021", True),
        (NEXT_YEAR + 1, "2021", False),
    ],
)
def test_year_must_lie_between_2007_and_next_year(
    year: int, report_format: str, accepted: bool
) -> None:
    body = report(year=year, report_format=report_format)
    if accepted:
        assert taken(body).year == year
    else:
        assert problems(body) == {"/year": f"year {year} is outside 2007..{NEXT_YEAR}"}


@pytest.mark.parametrize("year", ["2009", True, Decimal("2009.5"), None])
def test_year_must_be_an_integer(year: Any) -> None:
    assert list(problems(report(year=year))) == ["/year"]


def test_a_signed_metric_takes_a_negative_change_and_its_neighbour_does_not() -> None:
    values = [
        {"metric": "proactive.licensing.items_change", "value": -8},
        {"metric": "proactive.licensing.items_prev_year", "value": -8},
    ]

    found = problems(report(2019, "2019", values=values))

    assert found == {
        "/values/1/value": "proactive.licensing.items_prev_year cannot be negative (-8)"
    }
    values.pop()
    assert taken(report(2019, "2019", values=values)).values == (
        ValueInput("proactive.licensing.items_change", Decimal(-8), "reported"),
    )


@pytest.mark.parametrize(
    ("raw", "stored"),
    [(Decimal("12.5"), Decimal("12.5")), (Decimal("4068.21"), Decimal("4068.21")), (0, 0)],
)
def test_money_takes_fen(raw: Any, stored: Decimal) -> None:
    body = report(2009, "pre2019", values=[{"metric": "fees.total", "value": raw}])
    assert taken(body).values[0].value == stored


def test_money_refuses_a_fraction_of_a_fen() -> None:
    body = report(2009, "pre2019", values=[{"metric": "fees.total", "value": Decimal("1.234")}])
    assert problems(body) == {
        "/values/0/value": "fees.total is in 元; 1.234 has more than two decimals"
    }


def test_a_float_from_a_python_caller_is_taken_by_its_shortest_spelling() -> None:
    # 4068.21 is 4068.2099999999... as a binary float; it must be stored as written.
    body = report(2009, "pre2019", values=[{"metric": "fees.total", "value": 4068.21}])
    assert taken(body).values[0].value == Decimal("4068.21")


@pytest.mark.parametrize("raw", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(raw: float) -> None:
    body = report(2009, "pre2019", values=[{"metric": "fees.total", "value": raw}])
    assert list(problems(body)) == ["/values/0/value"]


def test_a_value_beyond_the_column_is_refused() -> None:
    body = report(values=[{"metric": "training.sessions", "value": 10**16}])
    assert problems(body) == {"/values/0/value": f"value {10**16} is out of range"}


def test_a_derived_row_may_be_posted_only_where_the_format_prints_it() -> None:
    # 2019 prints （六）其他处理 as one row; 2021 splits it into three and derives the total.
    value = {"metric": "requests.other.total", "value": 4}
    assert taken(report(2019, "2019", values=[value])).values[0].value == 4
    assert problems(report(2021, "2021", values=[value])) == {
        "/values/0/metric": "requests.other.total is computed from its parts in the 2021 format"
    }


@pytest.mark.parametrize(
    "published_on", ["2010-02-30", "20100301", "2010-W09-1", "31/03/2010", 20100301, True]
)
def test_published_on_must_be_a_calendar_date_written_yyyy_mm_dd(published_on: Any) -> None:
    body = report(2009, "pre2019", published_on=published_on)
    assert problems(body) == {"/published_on": "published_on must be a date, YYYY-MM-DD"}


@pytest.mark.parametrize("sections", [[], "", 0, False, "公开意识需进一步深化"])
def test_sections_must_be_an_object(sections: Any) -> None:
    body = report(2009, "pre2019", sections=sections)
    assert problems(body) == {"/sections": "sections must be an object {problems, improvements}"}


def test_unknown_section_is_refused_by_name() -> None:
    body = report(2009, "pre2019", sections={"problems": "", "outlook": "…"})
    assert list(problems(body)) == ["/sections/outlook"]


@pytest.mark.parametrize(
    ("field", "pointer"),
    [
        ({"title": "台上镇\x00年报"}, "/title"),
        ({"source_url": "http://www.ja.gov.cn/\x00"}, "/source_url"),
        ({"sections": {"problems": "差距\x00"}}, "/sections/problems"),
        ({"values": [{"metric": "staff.total", "value": 5, "note": "\x00"}]}, "/values/0/note"),
        ({"jurisdiction": "220582\x00105"}, "/jurisdiction"),
    ],
)
def test_text_with_nul_is_refused_because_postgresql_cannot_store_it(
    field: dict[str, Any], pointer: str
) -> None:
    found = problems(report(2009, "pre2019") | field)
    assert list(found) == [pointer]
    assert "NUL" in found[pointer]


def test_text_with_a_lone_surrogate_is_refused() -> None:
    # json.loads turns "\ud800" into a str that no UTF-8 encoder (or database) accepts.
    found = problems(report(2009, "pre2019", title="年报\ud800"))
    assert list(found) == ["/title"]
    assert "surrogate" in found["/title"]


def test_a_field_name_with_a_lone_surrogate_is_named_in_printable_form() -> None:
    found = problems(report(2009, "pre2019") | {"ti\ud800tle": "x"})
    assert list(found) == ["/ti\\ud800tle"]
    # Every pointer and detail must survive the UTF-8 encoding of the response.
    for pointer, detail in found.items():
        pointer.encode("utf-8")
        detail.encode("utf-8")


@pytest.mark.parametrize("body", [[], "report", 42, None])
def test_a_report_must_be_a_json_object(body: Any) -> None:
    assert problems(body) == {"": "a report must be a JSON object"}


def test_required_fields_are_named_when_missing() -> None:
    found = problems({})
    assert sorted(found) == ["/format", "/jurisdiction", "/year"]


@pytest.mark.parametrize(
    ("field", "pointer"),
    [
        ({"format": "2020"}, "/format"),
        ({"scope": "county"}, "/scope"),
        ({"values": {"staff.total": 5}}, "/values"),
        ({"values": [["staff.total", 5]]}, "/values/0"),
        ({"values": [{"metric": 5, "value": 5}]}, "/values/0/metric"),
        (
            {"values": [{"metric": "staff.total", "value": 5, "approximate": "yes"}]},
            "/values/0/approximate",
        ),
        ({"title": 2009}, "/title"),
        ({"title": "年" * 501}, "/title"),
    ],
)
def test_each_malformed_field_is_reported_at_its_pointer(
    field: dict[str, Any], pointer: str
) -> None:
    assert list(problems(report(2021, "2021") | field)) == [pointer]


def test_content_hash_ignores_value_order_and_spelling_of_numbers() -> None:
    first = report(
        values=[
            {"metric": "training.sessions", "value": 5},
            {"metric": "staff.total", "value": 2},
        ]
    )
    second = report(
        values=[
            {"metric": "staff.total", "value": Decimal("2.00")},
            {"metric": "training.sessions", "value": Decimal("5.0")},
        ]
    )
    changed = report(
        values=[
            {"metric": "training.sessions", "value": 5},
            {"metric": "staff.total", "value": 3},
        ]
    )

    assert taken(first).content_hash() == taken(second).content_hash()
    assert taken(first).content_hash() != taken(changed).content_hash()
