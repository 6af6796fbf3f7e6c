"""The read endpoints that return rows: GET /v1/reports, /v1/values and /v1/findings — their
filters, `within` as the hierarchy stood in each report's year, cursor paging, and CSV.

The data: the real 集安市 hierarchy, plus a made-up county 测试县 220599 under 通化市 to which
青石镇 moves in 2021. Five reports, posted in this order:

    台上镇 2009 pre2019  the sample; 2 errors: staff.sum, reading_points.electronic_le_total
    青石镇 2020 2019     consistent, still under 集安市
    青石镇 2021 2021     under 测试县; carries in 2 requests where 2020 carried out 1: 2 warnings
    榆林镇 2021 2021     consistent
    集安市 2021 2021     the county's own report, consistent
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import table_report

Post = Callable[..., Any]

TAISHANG, QINGSHI, YULIN, HUADIAN = "220582105", "220582100", "220582101", "220582102"
JIAN, TONGHUA, TEST_COUNTY = "220582", "220500", "220599"
# table_report: 10 new requests from natural persons + 2 from commercial enterprises.
NEW_REQUESTS = 12
CSV_TYPE = "text/csv; charset=utf-8"
PROBLEM_JSON = "application/problem+json"

REPORT_COLUMNS = [
    "jurisdiction",
    "jurisdiction_name",
    "year",
    "scope",
    "format",
    "revision",
    "title",
    "published_on",
    "errors",
    "warnings",
    "updated_at",
]
VALUE_COLUMNS = [
    "jurisdiction",
    "name",
    "level",
    "year",
    "scope",
    "format",
    "revision",
    "metric",
    "value",
    "state",
    "approximate",
    "derived",
]
FINDING_COLUMNS = [
    "rule",
    "severity",
    "metrics",
    "expected",
    "actual",
    "message",
    "jurisdiction",
    "name",
    "year",
    "scope",
    "revision",
]
ALL_REPORTS = [(TAISHANG, 2009), (QINGSHI, 2020), (QINGSHI, 2021), (YULIN, 2021), (JIAN, 2021)]
SAMPLE_FINDINGS = [
    ("staff.sum", TAISHANG, 2009),
    ("reading_points.electronic_le_total", TAISHANG, 2009),
]
CARRY_OVER = [("requests.carry_over_cross_year", QINGSHI, 2021)] * 2


@pytest.fixture
def loaded(
    jian: None, client: TestClient, auth: dict[str, str], post: Post, sample: dict[str, Any]
) -> None:
    moved = client.post(
        "/v1/jurisdictions",
        headers=auth,
        json={
            "jurisdictions": [
                {"code": TEST_COUNTY, "name": "测试县", "level": "county", "parent": TONGHUA}
            ],
            "edges": [
                {"child": QINGSHI, "parent": JIAN, "valid_from": None, "valid_to": 2020},
                {"child": QINGSHI, "parent": TEST_COUNTY, "valid_from": 2021, "valid_to": None},
            ],
        },
    )
    assert moved.status_code == 200, moved.text
    bodies = [
        sample,
        table_report(QINGSHI, 2020, "2019"),
        table_report(QINGSHI, 2021),
        table_report(YULIN, 2021),
        table_report(JIAN, 2021),
    ]
    for report in bodies:
        response = post(report)
        assert response.status_code == 201, response.text


def keys(page: dict[str, Any]) -> list[tuple[str, int]]:
    return [(item["jurisdiction"], item["year"]) for item in page["items"]]


def walk(client: TestClient, url: str) -> tuple[list[dict[str, Any]], list[int]]:
    """Every item behind `url`, following `next`; checks the Link header on the way."""
    items: list[dict[str, Any]] = []
    sizes: list[int] = []
    next_url: str | None = url
    while next_url is not None:
        response = client.get(next_url)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        sizes.append(len(page["items"]))
        if page["next"] is None:
            assert "link" not in response.headers
        else:
            assert response.headers["link"] == f'<{page["next"]}>; rel="next"'
        next_url = page["next"]
    return items, sizes


def read_csv(response: Any) -> tuple[list[str], list[dict[str, str]]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == CSV_TYPE
    reader = csv.DictReader(io.StringIO(response.text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


# --- GET /v1/reports -------------------------------------------------------------------------


def test_a_report_summary_carries_its_current_revision_and_finding_counts(
    loaded: None, client: TestClient, sample: dict[str, Any]
) -> None:
    response = client.get("/v1/reports", params={"jurisdiction": TAISHANG})
    assert response.status_code == 200
    [summary] = response.json()["items"]
    assert summary.pop("updated_at")
    assert summary == {
        "jurisdiction": TAISHANG,
        "jurisdiction_name": "台上镇",
        "year": 2009,
        "scope": "self",
        "format": "pre2019",
        "revision": 1,
        "title": sample["title"],
        "published_on": None,
        "errors": 2,
        "warnings": 0,
    }


REPORT_FILTERS: list[tuple[dict[str, Any], list[tuple[str, int]]]] = [
    ({}, ALL_REPORTS),
    ({"jurisdiction": QINGSHI}, [(QINGSHI, 2020), (QINGSHI, 2021)]),
    ({"year": 2021}, [(QINGSHI, 2021), (YULIN, 2021), (JIAN, 2021)]),
    ({"year": 2009}, [(TAISHANG, 2009)]),
    ({"format": "pre2019"}, [(TAISHANG, 2009)]),
    ({"format": "2019"}, [(QINGSHI, 2020)]),
    ({"format": "2021"}, [(QINGSHI, 2021), (YULIN, 2021), (JIAN, 2021)]),
    ({"has_findings": "true"}, [(TAISHANG, 2009), (QINGSHI, 2021)]),
    ({"has_findings": "false"}, [(QINGSHI, 2020), (YULIN, 2021), (JIAN, 2021)]),
    # 青石镇 is in 集安市 for its 2020 report and in 测试县 for its 2021 one.
    ({"within": JIAN}, [(TAISHANG, 2009), (QINGSHI, 2020), (YULIN, 2021), (JIAN, 2021)]),
    ({"within": TEST_COUNTY}, [(QINGSHI, 2021)]),
    ({"within": TONGHUA}, ALL_REPORTS),
    ({"within": JIAN, "year": 2021}, [(YULIN, 2021), (JIAN, 2021)]),
    ({"within": TEST_COUNTY, "year": 2020}, []),
    ({"within": TAISHANG}, [(TAISHANG, 2009)]),
    ({"within": JIAN, "has_findings": "true"}, [(TAISHANG, 2009)]),
    ({"year": 2021, "format": "2019"}, []),
]


def test_list_reports_filters(loaded: None, client: TestClient, subtests: pytest.Subtests) -> None:
    for params, expected in REPORT_FILTERS:
        with subtests.test(**params):
            response = client.get("/v1/reports", params=params)
            assert response.status_code == 200
            assert keys(response.json()) == expected


def test_within_an_unknown_body_is_a_404_problem(loaded: None, client: TestClient) -> None:
    response = client.get("/v1/reports", params={"within": "980000"})
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON


def test_a_revised_report_is_listed_with_its_new_revision(
    loaded: None, client: TestClient, post: Post, sample: dict[str, Any]
) -> None:
    kept = [v for v in sample["values"] if v["metric"] != "staff.total"]
    sample["values"] = [*kept, {"metric": "staff.total", "value": 52}]
    assert post(sample).status_code == 201
    [summary] = client.get("/v1/reports", params={"jurisdiction": TAISHANG}).json()["items"]
    # 8 + 44 = 52 now; 1,400 electronic reading points under 38 is still broken.
    assert (summary["revision"], summary["errors"], summary["warnings"]) == (2, 1, 0)
    assert len(client.get("/v1/reports").json()["items"]) == len(ALL_REPORTS)


def test_reports_page_through_every_report_once_in_posting_order(
    loaded: None, client: TestClient
) -> None:
    items, sizes = walk(client, "/v1/reports?limit=2")
    assert sizes == [2, 2, 1]
    assert [(i["jurisdiction"], i["year"]) for i in items] == ALL_REPORTS


def test_paging_keeps_the_filters(loaded: None, client: TestClient) -> None:
    items, sizes = walk(client, "/v1/reports?within=220582&limit=1")
    assert sizes == [1, 1, 1, 1]
    assert [(i["jurisdiction"], i["year"]) for i in items] == [
        (TAISHANG, 2009),
        (QINGSHI, 2020),
        (YULIN, 2021),
        (JIAN, 2021),
    ]


def test_reports_as_csv_by_accept_header(
    loaded: None, client: TestClient, sample: dict[str, Any]
) -> None:
    columns, rows = read_csv(client.get("/v1/reports", headers={"Accept": "text/csv"}))
    assert columns == REPORT_COLUMNS
    assert [(r["jurisdiction"], int(r["year"])) for r in rows] == ALL_REPORTS
    first = rows[0]
    assert first.pop("updated_at")
    assert first == {
        "jurisdiction": TAISHANG,
        "jurisdiction_name": "台上镇",
        "year": "2009",
        "scope": "self",
        "format": "pre2019",
        "revision": "1",
        "title": sample["title"],
        "published_on": "",
        "errors": "2",
        "warnings": "0",
    }
    assert (rows[2]["jurisdiction_name"], rows[2]["errors"], rows[2]["warnings"]) == (
        "青石镇",
        "0",
        "2",
    )


def test_reports_as_csv_by_format_parameter_match_the_accept_header(
    loaded: None, client: TestClient
) -> None:
    by_parameter = client.get("/v1/reports", params={"format": "csv"})
    by_header = client.get("/v1/reports", headers={"Accept": "text/csv"})
    assert by_parameter.headers["content-type"] == CSV_TYPE
    assert by_parameter.text == by_header.text


def test_a_format_filter_with_an_accept_header_gives_filtered_csv(
    loaded: None, client: TestClient
) -> None:
    response = client.get("/v1/reports", params={"format": "2021"}, headers={"Accept": "text/csv"})
    _, rows = read_csv(response)
    assert [(r["jurisdiction"], r["format"]) for r in rows] == [
        (QINGSHI, "2021"),
        (YULIN, "2021"),
        (JIAN, "2021"),
    ]


def test_format_json_wins_over_an_accept_header_asking_for_csv(
    loaded: None, client: TestClient
) -> None:
    response = client.get("/v1/reports", params={"format": "json"}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"] == "application/json"
    assert keys(response.json()) == ALL_REPORTS


def test_csv_pages_carry_a_link_to_the_next_csv_page(loaded: None, client: TestClient) -> None:
    first = client.get("/v1/reports", params={"format": "csv", "limit": 3})
    _, rows = read_csv(first)
    assert [r["jurisdiction"] for r in rows] == [TAISHANG, QINGSHI, QINGSHI]
    link = first.headers["link"]
    assert link.startswith("<") and link.endswith('>; rel="next"')
    _, rest = read_csv(client.get(link[1 : -len('>; rel="next"')]))
    assert [(r["jurisdiction"], int(r["year"])) for r in rest] == ALL_REPORTS[3:]


def test_an_unknown_format_is_rejected(loaded: None, client: TestClient) -> None:
    response = client.get("/v1/reports", params={"format": "xml"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["type"] == "/problems/invalid-request"
    assert all(e["pointer"].startswith("query:format") for e in response.json()["errors"])


def test_an_unknown_format_is_one_error_pointing_at_the_parameter(client: TestClient) -> None:
    response = client.get("/v1/reports", params={"format": "xml"})
    assert [e["pointer"] for e in response.json()["errors"]] == ["query:format"]


# --- GET /v1/values --------------------------------------------------------------------------


def test_values_are_tidy_rows(loaded: None, client: TestClient) -> None:
    response = client.get("/v1/values", params={"metric": "staff.total", "jurisdiction": TAISHANG})
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "jurisdiction": TAISHANG,
                "name": "台上镇",
                "level": "township",
                "year": 2009,
                "scope": "self",
                "format": "pre2019",
                "revision": 1,
                "metric": "staff.total",
                "value": 53,
                "state": "reported",
                "approximate": False,
                "derived": False,
            }
        ],
        "next": None,
    }


def test_metric_is_repeatable(loaded: None, client: TestClient) -> None:
    params = {"metric": ["staff.total", "staff.full_time", "staff.part_time"], "year_to": 2009}
    items = client.get("/v1/values", params=params).json()["items"]
    # 人员配置 53: 专职 8, 兼职 44 (as printed; they do not add up).
    assert {i["metric"]: i["value"] for i in items} == {
        "staff.total": 53,
        "staff.full_time": 8,
        "staff.part_time": 44,
    }
    assert {i["jurisdiction"] for i in items} == {TAISHANG}


VALUE_FILTERS: list[tuple[dict[str, Any], list[tuple[str, int]]]] = [
    ({}, [(code, year) for code, year in ALL_REPORTS]),
    ({"jurisdiction": QINGSHI}, [(QINGSHI, 2020), (QINGSHI, 2021)]),
    ({"within": JIAN}, [(TAISHANG, 2009), (QINGSHI, 2020), (YULIN, 2021), (JIAN, 2021)]),
    ({"within": TEST_COUNTY}, [(QINGSHI, 2021)]),
    ({"within": TONGHUA}, ALL_REPORTS),
    ({"within": JIAN, "year_from": 2021, "year_to": 2021}, [(YULIN, 2021), (JIAN, 2021)]),
    ({"within": JIAN, "year_from": 2020}, [(QINGSHI, 2020), (YULIN, 2021), (JIAN, 2021)]),
    ({"level": "county"}, [(JIAN, 2021)]),
    ({"level": "township", "year_from": 2021}, [(QINGSHI, 2021), (YULIN, 2021)]),
    ({"year_from": 2020, "year_to": 2020}, [(QINGSHI, 2020)]),
    ({"year_to": 2019}, [(TAISHANG, 2009)]),
    ({"year_from": 2022}, []),
]


def test_list_values_filters(loaded: None, client: TestClient, subtests: pytest.Subtests) -> None:
    for params, expected in VALUE_FILTERS:
        with subtests.test(**params):
            response = client.get("/v1/values", params={"metric": "requests.new.total", **params})
            assert response.status_code == 200
            items = response.json()["items"]
            assert keys({"items": items}) == expected
            # 台上镇 received 1,350 requests in 2009.
            assert [i["value"] for i in items] == [
                1350 if year == 2009 else NEW_REQUESTS for _, year in expected
            ]


def test_derived_metrics_are_rows_marked_derived(loaded: None, client: TestClient) -> None:
    params = {
        "metric": ["requests.denied.total", "requests.unable.total", "requests.new.total"],
        "jurisdiction": YULIN,
    }
    items = client.get("/v1/values", params=params).json()["items"]
    # table_report: 1 denial (state secret), 2 unable (not held), both summed from their rows.
    assert {i["metric"]: (i["value"], i["derived"]) for i in items} == {
        "requests.denied.total": (1, True),
        "requests.unable.total": (2, True),
        "requests.new.total": (NEW_REQUESTS, False),
    }


def test_a_blank_cell_is_a_row_with_a_state_and_no_value(
    loaded: None, client: TestClient, post: Post
) -> None:
    report = table_report(HUADIAN, 2021)
    report["values"].append({"metric": "staff.total", "state": "not_reported"})
    assert post(report).status_code == 201
    params = {"metric": "staff.total", "jurisdiction": HUADIAN}
    [item] = client.get("/v1/values", params=params).json()["items"]
    assert (item["value"], item["state"]) == (None, "not_reported")
    _, rows = read_csv(client.get("/v1/values", params={**params, "format": "csv"}))
    assert [(r["value"], r["state"]) for r in rows] == [("", "not_reported")]


@pytest.mark.parametrize("how", ["accept", "format"])
def test_values_as_csv_have_a_header_row_and_the_numbers(
    loaded: None, client: TestClient, how: str
) -> None:
    params: dict[str, Any] = {
        "metric": ["staff.total", "staff.full_time"],
        "jurisdiction": TAISHANG,
    }
    if how == "format":
        response = client.get("/v1/values", params={**params, "format": "csv"})
    else:
        response = client.get("/v1/values", params=params, headers={"Accept": "text/csv"})
    columns, rows = read_csv(response)
    assert columns == VALUE_COLUMNS
    wanted = ["jurisdiction", "name", "level", "year", "format", "revision", "metric", "value"]
    assert sorted([r[c] for c in wanted] for r in rows) == [
        [TAISHANG, "台上镇", "township", "2009", "pre2019", "1", "staff.full_time", "8"],
        [TAISHANG, "台上镇", "township", "2009", "pre2019", "1", "staff.total", "53"],
    ]
    assert {r["state"] for r in rows} == {"reported"}


def test_values_page_through_every_value_of_a_report_once(loaded: None, client: TestClient) -> None:
    posted = table_report(YULIN, 2021)["values"]
    items, sizes = walk(client, f"/v1/values?jurisdiction={YULIN}&limit=50")
    assert len(sizes) > 1
    assert all(size == 50 for size in sizes[:-1])
    metrics = [i["metric"] for i in items]
    assert len(metrics) == len(set(metrics))
    assert sorted(i["metric"] for i in items if not i["derived"]) == sorted(
        v["metric"] for v in posted
    )
    one_page = client.get("/v1/values", params={"jurisdiction": YULIN, "limit": 1000}).json()
    assert one_page["next"] is None
    assert one_page["items"] == items


def test_values_page_across_reports(loaded: None, client: TestClient) -> None:
    items, sizes = walk(client, "/v1/values?metric=requests.new.total&limit=2")
    assert sizes == [2, 2, 1]
    assert keys({"items": items}) == ALL_REPORTS


def test_an_unknown_metric_is_a_404_problem(loaded: None, client: TestClient) -> None:
    response = client.get("/v1/values", params={"metric": ["staff.total", "no.such_metric"]})
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert "no.such_metric" in response.json()["detail"]


# --- GET /v1/findings ------------------------------------------------------------------------


def test_the_sample_report_gives_exactly_its_two_findings(loaded: None, client: TestClient) -> None:
    response = client.get("/v1/findings", params={"within": JIAN, "year": 2009})
    assert response.status_code == 200
    findings = {f.pop("rule"): f for f in response.json()["items"]}
    for finding in findings.values():
        assert finding.pop("message")
    where = {"jurisdiction": TAISHANG, "name": "台上镇", "year": 2009, "scope": "self"}
    assert findings == {
        # 专职 8 + 兼职 44 = 52, printed as 53.
        "staff.sum": {
            **where,
            "revision": 1,
            "severity": "error",
            "metrics": ["staff.total", "staff.full_time", "staff.part_time"],
            "expected": 52,
            "actual": 53,
        },
        # 1,400 electronic reading points, but 38 reading points in all.
        "reading_points.electronic_le_total": {
            **where,
            "revision": 1,
            "severity": "error",
            "metrics": ["reading_points.electronic", "reading_points.total"],
            "expected": 38,
            "actual": 1400,
        },
    }


def test_a_cross_year_finding_compares_with_the_previous_year(
    loaded: None, client: TestClient
) -> None:
    items = client.get("/v1/findings", params={"severity": "warning"}).json()["items"]
    # 2021 carried in 2 (natural persons, and so in total); 2020 carried out 1.
    assert sorted((f["metrics"][0], f["expected"], f["actual"]) for f in items) == [
        ("requests.carried_in.natural_person", 1, 2),
        ("requests.carried_in.total", 1, 2),
    ]


FINDING_FILTERS: list[tuple[dict[str, Any], list[tuple[str, str, int]]]] = [
    ({}, SAMPLE_FINDINGS + CARRY_OVER),
    ({"rule": "staff.sum"}, SAMPLE_FINDINGS[:1]),
    ({"rule": "requests.balance"}, []),
    ({"severity": "error"}, SAMPLE_FINDINGS),
    ({"severity": "warning"}, CARRY_OVER),
    ({"year": 2021}, CARRY_OVER),
    ({"year": 2010}, []),
    ({"within": JIAN}, SAMPLE_FINDINGS),
    ({"within": TEST_COUNTY}, CARRY_OVER),
    ({"within": TONGHUA}, SAMPLE_FINDINGS + CARRY_OVER),
    ({"within": YULIN}, []),
    ({"within": TONGHUA, "year": 2009, "severity": "error"}, SAMPLE_FINDINGS),
    ({"within": TONGHUA, "severity": "warning", "rule": "staff.sum"}, []),
]


def test_list_findings_filters(loaded: None, client: TestClient, subtests: pytest.Subtests) -> None:
    for params, expected in FINDING_FILTERS:
        with subtests.test(**params):
            response = client.get("/v1/findings", params=params)
            assert response.status_code == 200
            found = [(f["rule"], f["jurisdiction"], f["year"]) for f in response.json()["items"]]
            assert sorted(found) == sorted(expected)


def test_findings_are_those_of_the_current_revision(
    loaded: None, client: TestClient, post: Post, sample: dict[str, Any]
) -> None:
    kept = [v for v in sample["values"] if v["metric"] != "staff.total"]
    sample["values"] = [*kept, {"metric": "staff.total", "value": 52}]
    post(sample)
    items = client.get("/v1/findings", params={"within": JIAN}).json()["items"]
    assert [(f["rule"], f["revision"]) for f in items] == [
        ("reading_points.electronic_le_total", 2)
    ]


def test_findings_as_csv(loaded: None, client: TestClient) -> None:
    response = client.get(
        "/v1/findings", params={"rule": "staff.sum"}, headers={"Accept": "text/csv"}
    )
    columns, rows = read_csv(response)
    assert columns == FINDING_COLUMNS
    [row] = rows
    assert row.pop("message")
    assert row == {
        "rule": "staff.sum",
        "severity": "error",
        "metrics": "staff.total staff.full_time staff.part_time",
        "expected": "52",
        "actual": "53",
        "jurisdiction": TAISHANG,
        "name": "台上镇",
        "year": "2009",
        "scope": "self",
        "revision": "1",
    }
    by_format = client.get("/v1/findings", params={"rule": "staff.sum", "format": "csv"})
    assert by_format.text == response.text


def test_findings_page_through_every_finding_once(loaded: None, client: TestClient) -> None:
    items, sizes = walk(client, "/v1/findings?limit=3")
    assert sizes == [3, 1]
    found = [(f["rule"], f["jurisdiction"], f["year"]) for f in items]
    assert sorted(found) == sorted(SAMPLE_FINDINGS + CARRY_OVER)
    assert client.get("/v1/findings", params={"limit": 10}).json()["items"] == items


def test_an_unknown_severity_is_rejected(loaded: None, client: TestClient) -> None:
    response = client.get("/v1/findings", params={"severity": "fatal"})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["query:severity"]
