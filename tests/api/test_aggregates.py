"""Aggregation along the dated hierarchy, comparisons, series, ETags and CSV.

The hierarchy (codes made up, shapes real):

    900000 省
    ├── 900100 A市 ── 900101 甲县 ── 900101001 一镇, 900101002 二镇,
    │                 │              900101003 三乡 (to 2015), 900101004 四乡 (to 2015),
    │                 │              900101005 合并镇 (from 2016: 三乡 + 四乡 merged)
    │                 └── 900101D01 甲县统计局 (a department)
    │   └── 900102 乙县 (under A to 2014, under B from 2015)
    └── 900200 B市
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

JURISDICTIONS: dict[str, Any] = {
    "jurisdictions": [
        {"code": "900000", "name": "省", "level": "province"},
        {"code": "900100", "name": "A市", "level": "prefecture", "parent": "900000"},
        {"code": "900200", "name": "B市", "level": "prefecture", "parent": "900000"},
        {"code": "900101", "name": "甲县", "level": "county", "parent": "900100"},
        {"code": "900102", "name": "乙县", "level": "county"},
        {"code": "900101001", "name": "一镇", "level": "township", "parent": "900101"},
        {"code": "900101002", "name": "二镇", "level": "township", "parent": "900101"},
        {
            "code": "900101003",
            "name": "三乡",
            "level": "township",
            "parent": "900101",
            "valid_to": 2015,
        },
        {
            "code": "900101004",
            "name": "四乡",
            "level": "township",
            "parent": "900101",
            "valid_to": 2015,
        },
        {
            "code": "900101005",
            "name": "合并镇",
            "level": "township",
            "parent": "900101",
            "valid_from": 2016,
        },
        {"code": "900101D01", "name": "甲县统计局", "level": "department", "parent": "900101"},
    ],
    "edges": [
        {"child": "900102", "parent": "900100", "valid_to": 2014},
        {"child": "900102", "parent": "900200", "valid_from": 2015},
    ],
    "successions": [
        {"predecessor": "900101003", "successor": "900101005", "year": 2016, "kind": "merge"},
        {"predecessor": "900101004", "successor": "900101005", "year": 2016, "kind": "merge"},
    ],
}


def staff(code: str, year: int, total: int, **extra: Any) -> dict[str, Any]:
    """A narrative report with one number, staff.total."""
    report_format = "pre2019" if year < 2019 else "2019" if year < 2021 else "2021"
    body = {
        "jurisdiction": code,
        "year": year,
        "format": report_format,
        "values": [{"metric": "staff.total", "value": total}],
    }
    return body | extra


@pytest.fixture
def tree(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post("/v1/jurisdictions", json=JURISDICTIONS, headers=auth)
    assert response.status_code == 200, response.text


@pytest.fixture
def ingest(client: TestClient, auth: dict[str, str]) -> Any:
    def do(*reports: dict[str, Any]) -> None:
        response = client.post("/v1/reports/batch", json=list(reports), headers=auth)
        assert response.status_code == 200, response.text
        statuses = [item["status"] for item in response.json()["items"]]
        assert "rejected" not in statuses, response.json()

    return do


def cell(client: TestClient, metric: str, **params: Any) -> dict[str, Any]:
    """The one group's cell of an aggregate."""
    body = client.get("/v1/aggregates", params={"metric": metric, **params}).json()
    [group] = body["groups"]
    result: dict[str, Any] = group["metrics"][metric]
    return result


def test_sum_covers_the_subtree_with_departments_and_coverage(
    tree: None, ingest: Any, client: TestClient
) -> None:
    ingest(
        staff("900101", 2014, 10),
        staff("900101001", 2014, 3),
        staff("900101D01", 2014, 2),
        staff("900102", 2014, 7),
    )
    county = cell(client, "staff.total", within="900101", year=2014)
    # 甲县 itself, its department and four townships existing in 2014: 6 bodies.
    assert county == {
        "value": 15,
        "expected": 6,
        "reporting": 3,
        "missing": ["900101002", "900101003", "900101004"],
        "missing_count": 3,
        "reported": None,
        "difference": None,
    }
    # A市 in 2014: itself, 甲县's 6, and 乙县 (still under A): 8 bodies, 22 staff.
    prefecture = cell(client, "staff.total", within="900100", year=2014, missing_limit=2)
    assert (prefecture["value"], prefecture["expected"], prefecture["reporting"]) == (22, 8, 4)
    assert prefecture["missing"] == ["900100", "900101002"]
    assert prefecture["missing_count"] == 4


def test_missing_lists_bodies_that_reported_without_the_metric(
    tree: None, ingest: Any, client: TestClient
) -> None:
    # 一镇 reports, but not staff.total: it is missing beside the bodies with no report.
    other = {"metric": "staff.full_time", "value": 2}
    ingest(staff("900101", 2014, 10), staff("900101001", 2014, 3) | {"values": [other]})
    county = cell(client, "staff.total", within="900101", year=2014)
    assert (county["value"], county["expected"], county["reporting"]) == (10, 6, 1)
    assert county["missing"] == ["900101001", "900101002", "900101003", "900101004", "900101D01"]
    assert county["missing_count"] == 5
    # staff.full_time: only 一镇 reported it; 甲县 reported without it.
    full_time = cell(client, "staff.full_time", within="900101", year=2014, missing_limit=10)
    assert full_time["missing"] == ["900101", "900101002", "900101003", "900101004", "900101D01"]
    # A year's first report creates its absences: 2015 has only 二镇 so far.
    ingest(staff("900101002", 2015, 4))
    later = cell(client, "staff.total", within="900101", year=2015)
    assert later["missing"] == ["900101", "900101001", "900101003", "900101004", "900101D01"]
    assert later["missing_count"] == 5


def test_groups_follow_the_hierarchy_of_the_year(
    tree: None, ingest: Any, client: TestClient
) -> None:
    ingest(staff("900102", 2014, 7), staff("900102", 2015, 8), staff("900101", 2015, 10))

    def by_prefecture(year: int) -> dict[str, Any]:
        body = client.get(
            "/v1/aggregates",
            params={"metric": "staff.total", "within": "900000", "year": year, "by": "prefecture"},
        )
        return {g["code"]: g["metrics"]["staff.total"]["value"] for g in body.json()["groups"]}

    assert by_prefecture(2014) == {"900100": 7, "900200": None}
    assert by_prefecture(2015) == {"900100": 10, "900200": 8}
    # The province sees both either way.
    assert cell(client, "staff.total", within="900000", year=2015)["value"] == 18


def test_a_metric_nobody_reported_is_null_not_zero(tree: None, client: TestClient) -> None:
    county = cell(client, "staff.total", within="900101", year=2014)
    assert county["value"] is None
    assert county["reporting"] == 0
    assert county["missing_count"] == 6


def test_ratio_is_recomputed_from_summed_parts_not_averaged(
    tree: None, ingest: Any, client: TestClient
) -> None:
    def handled(code: str, granted: int, total: int) -> dict[str, Any]:
        return {
            "jurisdiction": code,
            "year": 2021,
            "format": "2021",
            "values": [
                {"metric": "requests.granted.total", "value": granted},
                {"metric": "requests.total_handled.total", "value": total},
            ],
        }

    ingest(handled("900101001", 1, 2), handled("900101002", 9, 10))
    rate = cell(client, "requests.grant_rate", within="900101", year=2021)
    # (1 + 9) / (2 + 10) = 0.8333…, not the mean of 0.5 and 0.9 (0.7).
    assert rate["value"] == pytest.approx(10 / 12)
    assert rate["reporting"] == 2


def test_metrics_that_do_not_aggregate_are_refused_by_name(tree: None, client: TestClient) -> None:
    response = client.get(
        "/v1/aggregates",
        params={"metric": ["staff.total", "proactive.online.visits"], "year": 2014},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "proactive.online.visits" in response.json()["detail"]
    unknown = client.get("/v1/aggregates", params={"metric": "no.such", "year": 2014})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {"pointer": "query:metric", "detail": "unknown metric 'no.such'"}
    ]


def test_aggregate_report_is_shown_beside_the_sum_and_checked(
    tree: None, ingest: Any, client: TestClient
) -> None:
    ingest(staff("900101", 2014, 10), staff("900101001", 2014, 3))
    ingest(staff("900101", 2014, 20, scope="aggregate"))
    county = cell(client, "staff.total", within="900101", year=2014)
    # The aggregate report is never added in: 10 + 3 = 13.
    assert (county["value"], county["reported"], county["difference"]) == (13, 20, 7)
    report = client.get("/v1/reports/900101/2014", params={"scope": "aggregate"}).json()
    assert [(f["rule"], f["expected"], f["actual"]) for f in report["findings"]] == [
        ("aggregate.matches_children", 13, 20)
    ]

    # A late town report makes the children add up: the finding is recomputed away.
    ingest(staff("900101002", 2014, 7))
    report = client.get("/v1/reports/900101/2014", params={"scope": "aggregate"}).json()
    assert report["findings"] == []
    assert cell(client, "staff.total", within="900101", year=2014)["difference"] == 0


def test_revisions_late_reports_and_hierarchy_changes_show_at_once(
    tree: None, ingest: Any, client: TestClient, auth: dict[str, str]
) -> None:
    ingest(staff("900101001", 2014, 3))
    assert cell(client, "staff.total", within="900101", year=2014)["value"] == 3
    ingest(staff("900101001", 2014, 5))  # a revision
    assert cell(client, "staff.total", within="900101", year=2014)["value"] == 5
    ingest(staff("900101002", 2014, 1))  # a late report
    assert cell(client, "staff.total", within="900101", year=2014)["value"] == 6
    # A value withdrawn in a revision (now blank) leaves the sums too.
    ingest(
        {
            "jurisdiction": "900101002",
            "year": 2014,
            "format": "pre2019",
            "values": [{"metric": "staff.total", "state": "not_reported"}],
        }
    )
    after = cell(client, "staff.total", within="900101", year=2014)
    assert (after["value"], after["reporting"]) == (5, 1)
    # 二镇 moves to 乙县 from 2014 on: 甲县 loses it, 乙县 gains it.
    ingest(staff("900101002", 2014, 1))
    moved = {
        "edges": [
            {"child": "900101002", "parent": "900101", "valid_to": 2013},
            {"child": "900101002", "parent": "900102", "valid_from": 2014},
        ]
    }
    # The open-started edge from the registry load is replaced by the dated pair.
    response = client.post("/v1/jurisdictions", json=moved, headers=auth)
    assert response.status_code == 200, response.text
    assert cell(client, "staff.total", within="900101", year=2014)["value"] == 5
    assert cell(client, "staff.total", within="900102", year=2014)["value"] == 1


def test_comparison_of_one_body_with_flags(tree: None, ingest: Any, client: TestClient) -> None:
    ingest(staff("900101", 2017, 0), staff("900101", 2018, 4), staff("900101", 2019, 6))

    def compare(year: int) -> dict[str, Any]:
        body = client.get(
            "/v1/comparisons",
            params={"metric": "staff.total", "jurisdiction": "900101", "year": year},
        ).json()
        [item] = body["items"]
        result: dict[str, Any] = item
        return result

    assert compare(2018) | {"name": ""} == {
        "code": "900101",
        "name": "",
        "metric": "staff.total",
        "value": 4,
        "base_value": 0,
        "change": 4,
        "pct_change": None,
        "flags": ["zero_base"],
        "sample_size": None,
    }
    # 2018 narrative, 2019 table format: 4 → 6 is +50 %, across a format break.
    assert (compare(2019)["change"], compare(2019)["pct_change"]) == (2, 50.0)
    assert compare(2019)["flags"] == ["format_break"]
    assert compare(2020)["flags"] == ["missing_current"]
    assert compare(2017)["flags"] == ["missing_base"]
    ingest(staff("900101", 2019, 9))  # revised after first publication
    assert compare(2019)["flags"] == ["format_break", "revised"]


def test_a_merged_body_is_compared_with_its_predecessors(
    tree: None, ingest: Any, client: TestClient
) -> None:
    ingest(staff("900101003", 2015, 4), staff("900101004", 2015, 6), staff("900101005", 2016, 12))
    body = client.get(
        "/v1/comparisons",
        params={"metric": "staff.total", "jurisdiction": "900101005", "year": 2016},
    ).json()
    [item] = body["items"]
    assert body["base_year"] == 2015
    assert (item["value"], item["base_value"], item["change"]) == (12, 10, 2)
    assert item["pct_change"] == 20.0
    assert item["flags"] == ["boundary_change"]


def test_group_comparison_flags_boundary_changes_and_keeps_a_constant_sample(
    tree: None, ingest: Any, client: TestClient
) -> None:
    ingest(
        staff("900101", 2014, 10),
        staff("900102", 2014, 7),
        staff("900101001", 2014, 1),
        staff("900101", 2015, 12),
        staff("900102", 2015, 8),
        staff("900101002", 2015, 2),
    )
    body = client.get(
        "/v1/comparisons",
        params={"metric": "staff.total", "within": "900000", "by": "prefecture", "year": 2015},
    ).json()
    items = {i["code"]: i for i in body["items"]}
    # A市 lost 乙县 in 2015: 18 → 14 across a boundary change.
    assert (items["900100"]["base_value"], items["900100"]["value"]) == (18, 14)
    assert items["900100"]["flags"] == ["boundary_change"]
    assert (items["900200"]["base_value"], items["900200"]["value"]) == (None, 8)
    assert items["900200"]["flags"] == ["missing_base", "boundary_change"]

    sample = client.get(
        "/v1/comparisons",
        params={
            "metric": "staff.total",
            "within": "900100",
            "year": 2015,
            "constant_sample": "true",
        },
    ).json()
    [item] = sample["items"]
    # Members of A市 in 2015 that reported both years: 甲县 only (10 → 12).
    assert (item["base_value"], item["value"], item["sample_size"]) == (10, 12, 1)


def test_group_comparison_equals_the_aggregates_of_both_years(
    tree: None, ingest: Any, client: TestClient
) -> None:
    def handled(code: str, year: int, granted: int, total: int) -> dict[str, Any]:
        return {
            "jurisdiction": code,
            "year": year,
            "format": "2021",
            "values": [
                {"metric": "requests.granted.total", "value": granted},
                {"metric": "requests.total_handled.total", "value": total},
            ],
        }

    ingest(
        handled("900101", 2021, 1, 4),
        handled("900101001", 2021, 3, 4),
        handled("900102", 2021, 5, 5),
        handled("900101", 2022, 2, 2),
        handled("900102", 2022, 1, 4),
    )
    ingest(handled("900102", 2022, 3, 4))  # a revision: the 2022 side is `revised`
    metrics = ["requests.granted.total", "requests.grant_rate"]
    query = {"metric": metrics, "within": "900000", "by": "prefecture"}
    items = client.get("/v1/comparisons", params={**query, "year": 2022}).json()["items"]
    found = {(i["code"], i["metric"]): (i["base_value"], i["value"], i["flags"]) for i in items}
    # 2022: A市 = 甲县 (2 of 2); B市 = 乙县 (3 of 4, revised). 2021: A市 = 甲县 + 一镇
    # (4 of 8); 乙县 is under B市 since 2015 (5 of 5).
    assert found == {
        ("900100", "requests.granted.total"): (4, 2, []),
        ("900100", "requests.grant_rate"): (0.5, 1, []),
        ("900200", "requests.granted.total"): (5, 3, ["revised"]),
        ("900200", "requests.grant_rate"): (1, 0.75, ["revised"]),
    }
    for year, side in ((2022, 1), (2021, 0)):
        groups = client.get("/v1/aggregates", params={**query, "year": year}).json()["groups"]
        for group in groups:
            for key, aggregate in group["metrics"].items():
                assert found[(group["code"], key)][side] == aggregate["value"]


def test_series_of_a_subtree_with_coverage(tree: None, ingest: Any, client: TestClient) -> None:
    ingest(
        staff("900101", 2015, 10),
        staff("900101003", 2015, 2),
        staff("900101", 2016, 11),
        staff("900101005", 2016, 3),
    )
    body = client.get(
        "/v1/series",
        params={"metric": "staff.total", "within": "900101", "year_from": 2014, "year_to": 2016},
    ).json()
    assert body["code"] == "900101"
    points = [
        (p["year"], p["value"], p["expected"], p["reporting"], p["change"], p["flags"])
        for p in body["points"]
    ]
    assert points == [
        (2014, None, 6, 0, None, ["missing_current"]),
        (2015, 12, 6, 2, None, ["missing_base"]),
        # 2016: 三乡 and 四乡 are gone, 合并镇 is new: 5 bodies, and the membership changed.
        (2016, 14, 5, 2, 2, ["boundary_change"]),
    ]


def test_aggregate_etag_changes_with_any_feeding_report(
    tree: None, ingest: Any, client: TestClient
) -> None:
    params = {"metric": "staff.total", "within": "900101", "year": 2014}
    first = client.get("/v1/aggregates", params=params)
    tag = first.headers["ETag"]
    again = client.get("/v1/aggregates", params=params, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    ingest(staff("900101001", 2014, 3))
    changed = client.get("/v1/aggregates", params=params, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag
    assert changed.json()["groups"][0]["metrics"]["staff.total"]["value"] == 3
    # Foundation reads are tagged too.
    report = client.get("/v1/reports/900101001/2014")
    assert (
        client.get(
            "/v1/reports/900101001/2014", headers={"If-None-Match": report.headers["ETag"]}
        ).status_code
        == 304
    )


def test_series_of_a_body_with_revisions_format_breaks_and_its_end(
    tree: None, ingest: Any, client: TestClient
) -> None:
    ingest(staff("900101003", 2014, 1), staff("900101003", 2015, 2))
    ingest(staff("900101003", 2015, 3))  # revised
    body = client.get(
        "/v1/series",
        params={"metric": "staff.total", "jurisdiction": "900101003", "year_to": 2016},
    ).json()
    points = {p["year"]: p for p in body["points"]}
    assert body["code"] == "900101003"
    assert (points[2013]["value"], points[2013]["expected"]) == (None, 1)
    assert (points[2014]["value"], points[2014]["flags"]) == (1, ["missing_base"])
    assert (points[2015]["value"], points[2015]["change"], points[2015]["flags"]) == (
        3,
        2,
        ["revised"],
    )
    # 三乡 merged into 合并镇 in 2016: nothing expected of it any more.
    assert (points[2016]["value"], points[2016]["expected"]) == (None, 0)
    # The change from 2015 compares with a revised number too.
    assert points[2016]["flags"] == ["missing_current", "revised"]

    ingest(staff("900101", 2018, 5), staff("900101", 2019, 6))
    county = client.get(
        "/v1/series",
        params={
            "metric": "staff.total",
            "jurisdiction": "900101",
            "year_from": 2018,
            "year_to": 2019,
        },
    ).json()
    assert [(p["value"], p["flags"]) for p in county["points"]] == [
        (5, []),
        (6, ["format_break"]),
    ]
    unknown = client.get("/v1/series", params={"metric": "staff.total", "jurisdiction": "9"})
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


def test_aggregates_comparisons_and_series_as_csv(
    tree: None, ingest: Any, client: TestClient
) -> None:
    ingest(staff("900101", 2014, 10), staff("900101", 2015, 12))
    aggregate = client.get(
        "/v1/aggregates",
        params={
            "metric": "staff.total",
            "within": "900101",
            "year": 2015,
            "format": "csv",
            "missing_limit": 1,
        },
    )
    assert aggregate.headers["content-type"] == "text/csv; charset=utf-8"
    assert aggregate.text.splitlines() == [
        "code,name,level,metric,value,expected,reporting,missing,missing_count,reported,difference",
        "900101,甲县,county,staff.total,12,6,1,900101001,5,,",
    ]
    comparison = client.get(
        "/v1/comparisons",
        params={"metric": "staff.total", "jurisdiction": "900101", "year": 2015},
        headers={"Accept": "text/csv"},
    )
    assert comparison.text.splitlines()[1] == ("900101,甲县,staff.total,12,10,2,20.0,,")
    series = client.get(
        "/v1/series",
        params={
            "metric": "staff.total",
            "jurisdiction": "900101",
            "year_from": 2014,
            "year_to": 2015,
            "format": "csv",
        },
    )
    assert series.text.splitlines() == [
        "year,value,expected,reporting,change,pct_change,flags",
        "2014,10,1,1,,,",
        "2015,12,1,1,2,20.0,",
    ]
