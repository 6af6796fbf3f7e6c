"""POST /v1/reports refuses a malformed report whole: 422, every problem, nothing written."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app import models
from tests.factories import count_rows, table_report, value_of

Post = Callable[..., Any]
NEXT_YEAR = dt.date.today().year + 1
TOWN = "220582105"  # 台上镇, 集安市
STORED = (models.Report, models.ReportRevision, models.ReportValue, models.Finding)


def assert_nothing_stored(engine: Engine) -> None:
    for model in STORED:
        assert count_rows(engine, model) == 0, model.__tablename__


def invalid_report(response: Any, decoded: bool = True) -> dict[str, str]:
    """pointer -> detail of a 422 invalid-report problem (of a body that was JSON if decoded)."""
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/invalid-report"
    assert problem["instance"] == "/v1/reports"
    pointers = [error["pointer"] for error in problem["errors"]]
    assert len(pointers) == len(set(pointers)), pointers
    if decoded:
        expected = f"{len(pointers)} problem(s) in the report; nothing was stored"
        assert problem["detail"] == expected
    return {error["pointer"]: error["detail"] for error in problem["errors"]}


def test_a_report_with_many_faults_is_refused_whole_listing_each_one(
    jian: None, post: Post, engine: Engine
) -> None:
    body = table_report("999999999", NEXT_YEAR + 1, "2021")
    body |= {"published_on": "2022-02-30", "colour": "red"}
    body["values"] = [
        {"metric": "training.sessions", "value": 2},
        {"metric": "requests.channel.fax", "value": 1},
        {"metric": "requests.denied.total", "value": 1},
        {"metric": "requests.no_such_row.total", "value": 1},
        {"metric": "requests.grant_rate", "value": 0.5},
        {"metric": "training.sessions", "value": 3},
        {"metric": "staff.full_time", "value": -1},
        {"metric": "staff.part_time", "value": "12"},
        {"metric": "training.attendances", "value": True},
        {"metric": "staff.total", "value": 1.5},
        {"metric": "fees.information_processing", "value": 1.234},
        {"metric": "reading_points.total", "state": "blank"},
        {"metric": "reading_points.files", "value": 1, "state": "not_reported"},
        {"metric": "fees.information_processing", "value": 12.5},
    ]

    found = invalid_report(post(body))

    assert sorted(found) == sorted(
        [
            "/jurisdiction",
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
            "/values/13/metric",
        ]
    )
    assert found["/jurisdiction"] == "unknown jurisdiction '999999999'"
    assert "unknown field 'colour'" in found["/colour"]
    assert found["/year"] == f"year {NEXT_YEAR + 1} is outside 2007..{NEXT_YEAR}"
    assert found["/published_on"] == "published_on must be a date, YYYY-MM-DD"
    assert found["/values/1/metric"] == "requests.channel.fax is not carried by the 2021 format"
    assert found["/values/2/metric"] == (
        "requests.denied.total is computed from its parts in the 2021 format"
    )
    assert found["/values/3/metric"].startswith("unknown metric 'requests.no_such_row.total'")
    assert (
        found["/values/4/metric"] == "requests.grant_rate is a ratio; it is computed, never posted"
    )
    assert found["/values/5/metric"] == (
        "duplicate metric 'training.sessions' (first at /values/0)"
    )
    assert found["/values/6/value"] == "staff.full_time cannot be negative (-1)"
    assert found["/values/7/value"] == 'value must be a number, not "12"'
    assert found["/values/8/value"] == "value must be a number, not true"
    assert found["/values/9/value"] == "staff.total is a count (人); 1.5 is not a whole number"
    assert found["/values/10/value"] == (
        "fees.information_processing is in 元; 1.234 has more than two decimals"
    )
    assert "'blank'" in found["/values/11/state"]
    assert found["/values/12"] == "give exactly one of value (a number) or state"
    # 12.5 元 is a valid amount: the last item is wrong only for repeating a metric.
    assert found["/values/13/metric"] == (
        "duplicate metric 'fees.information_processing' (first at /values/10)"
    )
    assert_nothing_stored(engine)


def test_one_fault_in_an_otherwise_good_report_stores_nothing(
    jian: None, post: Post, engine: Engine, sample: dict[str, Any]
) -> None:
    index = next(i for i, v in enumerate(sample["values"]) if v["metric"] == "staff.full_time")
    sample["values"][index]["value"] = -8

    found = invalid_report(post(sample))

    assert found == {f"/values/{index}/value": "staff.full_time cannot be negative (-8)"}
    assert_nothing_stored(engine)


@pytest.mark.parametrize(
    ("year", "report_format", "status"),
    [
        (2006, "pre2019", 422),
        (2007, "pre2019", 201),
        (NEXT_YEAR, "2021", 201),
        (NEXT_YEAR + 1, "2021", 422),
    ],
)
def test_year_is_accepted_from_2007_to_next_year(
    jian: None, post: Post, year: int, report_format: str, status: int
) -> None:
    if report_format == "pre2019":
        values = [{"metric": "staff.total", "value": 3}]
        body = {"jurisdiction": TOWN, "year": year, "format": "pre2019", "values": values}
    else:
        body = table_report(TOWN, year, report_format)

    response = post(body)

    assert response.status_code == status
    if status == 201:
        assert response.json()["year"] == year
    else:
        assert invalid_report(response) == {"/year": f"year {year} is outside 2007..{NEXT_YEAR}"}


def test_a_signed_change_in_items_is_stored_negative(jian: None, post: Post) -> None:
    body = table_report(TOWN, 2019, "2019")
    body["values"].append({"metric": "proactive.licensing.items_change", "value": -8})

    response = post(body)

    assert response.status_code == 201
    assert value_of(response.json(), "proactive.licensing.items_change") == -8


def test_an_unsigned_neighbour_of_the_signed_change_stays_non_negative(
    jian: None, post: Post, engine: Engine
) -> None:
    body = table_report(TOWN, 2019, "2019")
    body["values"].append({"metric": "proactive.licensing.items_prev_year", "value": -8})

    found = invalid_report(post(body))

    pointer = f"/values/{len(body['values']) - 1}/value"
    assert found == {pointer: "proactive.licensing.items_prev_year cannot be negative (-8)"}
    assert_nothing_stored(engine)


def test_fees_keep_their_fen(jian: None, post: Post, sample: dict[str, Any]) -> None:
    [fees] = [v for v in sample["values"] if v["metric"] == "fees.total"]
    fees["value"] = 12.5

    response = post(sample)

    assert response.status_code == 201
    assert value_of(response.json(), "fees.total") == 12.5


def test_fees_refuse_a_fraction_of_a_fen(
    jian: None, post: Post, engine: Engine, sample: dict[str, Any]
) -> None:
    index = next(i for i, v in enumerate(sample["values"]) if v["metric"] == "fees.total")
    sample["values"][index]["value"] = 1.234

    found = invalid_report(post(sample))

    assert found == {
        f"/values/{index}/value": "fees.total is in 元; 1.234 has more than two decimals"
    }
    assert_nothing_stored(engine)


def test_a_body_that_is_not_json_is_an_invalid_report(
    jian: None, client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    raw = json.dumps(table_report(TOWN, 2021))[:-20].encode()

    response = client.post(
        "/v1/reports", content=raw, headers={**auth, "Content-Type": "application/json"}
    )

    found = invalid_report(response, decoded=False)
    assert list(found) == [""]
    assert found[""].startswith("not valid JSON")
    assert_nothing_stored(engine)


def test_a_json_array_is_not_a_report(
    jian: None, post: Post, engine: Engine, sample: dict[str, Any]
) -> None:
    found = invalid_report(post([sample]))

    assert found == {"": "a report must be a JSON object"}
    assert_nothing_stored(engine)


def test_a_body_without_content_type_is_read_as_json(
    jian: None, client: TestClient, auth: dict[str, str]
) -> None:
    raw = json.dumps(table_report(TOWN, 2021)).encode()

    response = client.post("/v1/reports", content=raw, headers=auth)

    assert response.status_code == 201
    assert response.json()["jurisdiction"] == TOWN


@pytest.mark.parametrize(
    ("field", "pointer"),
    [
        ({"title": "台上镇\u0000年报"}, "/title"),
        ({"sections": {"problems": "\u0000"}}, "/sections/problems"),
    ],
)
def test_text_with_nul_is_a_422_not_a_database_error(
    jian: None,
    post: Post,
    engine: Engine,
    sample: dict[str, Any],
    field: dict[str, Any],
    pointer: str,
) -> None:
    # PostgreSQL refuses NUL in text; before check() knew, this was a 500 there.
    found = invalid_report(post(sample | field))

    assert list(found) == [pointer]
    assert "NUL" in found[pointer]
    assert_nothing_stored(engine)


def test_a_lone_surrogate_in_a_field_name_is_a_422_not_a_500(
    jian: None, client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    # "\ud800" is valid JSON but no valid Unicode; the problem must still encode as UTF-8.
    raw = json.dumps(table_report(TOWN, 2021)).replace('"title"', '"ti\\ud800tle"', 1)

    response = client.post(
        "/v1/reports", content=raw.encode(), headers={**auth, "Content-Type": "application/json"}
    )

    assert invalid_report(response) == {
        "/ti\\ud800tle": "unknown field 'ti\\ud800tle'; allowed: ['format', 'jurisdiction', "
        "'parser_version', 'published_on', 'scope', 'sections', 'source_hash', 'source_url', "
        "'title', 'values', 'year']"
    }
    assert_nothing_stored(engine)


def test_a_jurisdiction_code_that_is_not_valid_unicode_is_a_422(
    client: TestClient, auth: dict[str, str]
) -> None:
    raw = json.dumps(table_report(TOWN, 2021)).replace(TOWN, "\\ud800", 1)

    response = client.post(
        "/v1/reports", content=raw.encode(), headers={**auth, "Content-Type": "application/json"}
    )

    assert response.status_code == 422


def test_deeply_nested_json_is_a_422(client: TestClient, auth: dict[str, str]) -> None:
    raw = b"[" * 100_000 + b"]" * 100_000

    response = client.post(
        "/v1/reports", content=raw, headers={**auth, "Content-Type": "application/json"}
    )

    assert response.status_code == 422


def test_a_jurisdiction_code_with_nul_is_a_422(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post("/v1/reports", json=table_report("220582\u0000105", 2021), headers=auth)

    assert response.status_code == 422
    details = [e["detail"] for e in response.json()["errors"] if e["pointer"] == "/jurisdiction"]
    assert "jurisdiction must not contain NUL (\\u0000) characters" in details
