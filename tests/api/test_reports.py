"""Ingesting reports: storage, derived metrics, findings, revisions, strict mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app import models
from tests.factories import carried_report, count_rows, table_report, value_of

Post = Callable[..., Any]


def test_sample_report_yields_exactly_the_two_broken_rules(
    jian: None, post: Post, sample: dict[str, Any]
) -> None:
    response = post(sample)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "created"
    assert body["revision"] == 1
    findings = {f["rule"]: f for f in body["findings"]}
    assert set(findings) == {"staff.sum", "reading_points.electronic_le_total"}
    # 专职 8 + 兼职 44 = 52 against 人员配置 53.
    assert findings["staff.sum"]["expected"] == 52
    assert findings["staff.sum"]["actual"] == 53
    assert findings["staff.sum"]["severity"] == "error"
    # 1,400 electronic reading points under 38 reading points.
    assert findings["reading_points.electronic_le_total"]["expected"] == 38
    assert findings["reading_points.electronic_le_total"]["actual"] == 1400
    assert value_of(body, "requests.granted.total") == 1350
    assert value_of(body, "fees.total") == 1500
    assert len(body["values"]) == len(sample["values"])


def test_reposting_identical_content_is_unchanged_and_writes_nothing(
    jian: None, post: Post, sample: dict[str, Any], engine: Engine
) -> None:
    assert post(sample).status_code == 201
    revisions_before = count_rows(engine, models.ReportRevision)
    # The same content in another order is the same report.
    sample["values"].reverse()
    again = post(sample)
    assert again.status_code == 200
    assert again.json()["status"] == "unchanged"
    assert again.json()["revision"] == 1
    assert count_rows(engine, models.ReportRevision) == revisions_before == 1


def test_changed_content_creates_the_next_revision_and_keeps_the_old_one(
    jian: None, post: Post, sample: dict[str, Any], client: TestClient
) -> None:
    post(sample)
    fixed = [v for v in sample["values"] if v["metric"] != "staff.total"]
    sample["values"] = [*fixed, {"metric": "staff.total", "value": 52}]
    revised = post(sample)
    assert revised.status_code == 201
    assert revised.json()["status"] == "revised"
    assert revised.json()["revision"] == 2
    assert {f["rule"] for f in revised.json()["findings"]} == {"reading_points.electronic_le_total"}

    current = client.get("/v1/reports/220582105/2009").json()
    assert current["revision"] == 2
    assert value_of(current, "staff.total") == 52
    first = client.get("/v1/reports/220582105/2009", params={"revision": 1}).json()
    assert first["revision"] == 1
    assert first["current_revision"] == 2
    assert value_of(first, "staff.total") == 53
    assert {f["rule"] for f in first["findings"]} == {
        "staff.sum",
        "reading_points.electronic_le_total",
    }

    history = client.get("/v1/reports/220582105/2009/revisions").json()
    assert history["current_revision"] == 2
    assert [(r["revision"], r["errors"]) for r in history["items"]] == [(1, 2), (2, 1)]
    assert [r["values"] for r in history["items"]] == [30, 30]


def test_strict_rejects_a_report_with_error_findings_and_stores_nothing(
    jian: None, post: Post, sample: dict[str, Any], engine: Engine
) -> None:
    response = post(sample, strict="true")
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["type"] == "/problems/inconsistent-report"
    assert {f["rule"] for f in problem["findings"]} == {
        "staff.sum",
        "reading_points.electronic_le_total",
    }
    assert count_rows(engine, models.Report) == 0
    assert count_rows(engine, models.ReportRevision) == 0
    assert count_rows(engine, models.ReportValue) == 0


def test_strict_accepts_a_consistent_report(jian: None, post: Post) -> None:
    response = post(table_report("220582", 2021), strict="true")
    assert response.status_code == 201
    assert response.json()["findings"] == []


def test_group_rows_and_litigation_totals_are_derived_in_the_2021_format(
    jian: None, post: Post
) -> None:
    body = post(table_report("220582", 2021)).json()
    # denied = 1 (state secret) + 0 * 7; unable = 2 (not held); other = 0 + 0 + 0.
    assert value_of(body, "requests.denied.natural_person") == 1
    assert value_of(body, "requests.denied.total") == 1
    assert value_of(body, "requests.unable.total") == 2
    assert value_of(body, "requests.not_processed.total") == 0
    assert value_of(body, "requests.other.total") == 0
    # litigation = direct + after review: 3 + 3 in total, 1 + 1 corrected.
    assert value_of(body, "litigation.total") == 6
    assert value_of(body, "litigation.corrected") == 2
    derived = {v["metric"] for v in body["values"] if v["derived"]}
    assert "requests.denied.total" in derived
    assert "requests.granted.total" not in derived
    # 4 group rows x 7 columns + 5 litigation outcomes.
    assert len(derived) == 4 * 7 + 5


def test_the_2019_format_prints_other_handling_and_derives_the_rest(jian: None, post: Post) -> None:
    body = post(table_report("220582", 2019, "2019")).json()
    other = [v for v in body["values"] if v["metric"] == "requests.other.total"]
    assert other[0]["derived"] is False
    derived = {v["metric"] for v in body["values"] if v["derived"]}
    assert len(derived) == 3 * 7 + 5


def test_derived_metrics_need_every_part(jian: None, post: Post) -> None:
    report = table_report("220582", 2021)
    report["values"] = [
        v for v in report["values"] if v["metric"] != "requests.denied.admin_query.total"
    ]
    body = post(report).json()
    metrics = {v["metric"] for v in body["values"]}
    assert "requests.denied.total" not in metrics
    assert "requests.denied.natural_person" in metrics


def test_broken_table_arithmetic_is_stored_with_findings(jian: None, post: Post) -> None:
    report = table_report("220582", 2021)
    for value in report["values"]:
        if value["metric"] == "requests.carried_out.natural_person":
            value["value"] = 3  # 10 + 2 = 11 + 1 before; now 11 + 3
        if value["metric"] == "review.total":
            value["value"] = 4  # 1 + 1 + 0 + 1 = 3
    response = post(report)
    assert response.status_code == 201
    findings = response.json()["findings"]
    by_rule = {(f["rule"], tuple(f["metrics"])): f for f in findings}
    balance = by_rule[
        (
            "requests.balance",
            (
                "requests.new.natural_person",
                "requests.carried_in.natural_person",
                "requests.total_handled.natural_person",
                "requests.carried_out.natural_person",
            ),
        )
    ]
    assert (balance["expected"], balance["actual"]) == (12, 14)
    review = [f for f in findings if f["rule"] == "review_litigation.block_sum"]
    assert [(f["expected"], f["actual"]) for f in review] == [(3, 4)]
    # The carried-out row's total no longer adds up either: 1 + 0 ... = 3 vs 1.
    applicants = [f for f in findings if f["rule"] == "requests.applicants_sum"]
    assert [(f["expected"], f["actual"]) for f in applicants] == [(3, 1)]
    assert {f["rule"] for f in findings} == {
        "requests.balance",
        "review_litigation.block_sum",
        "requests.applicants_sum",
    }


def test_cross_year_rules_compare_with_the_previous_year(jian: None, post: Post) -> None:
    last_year = table_report("220582", 2021)
    last_year["values"] += [
        {"metric": "proactive.rules.in_force", "value": 40},
    ]
    post(last_year)
    this_year = table_report("220582", 2022)
    for value in this_year["values"]:
        if value["metric"] in ("requests.carried_in.natural_person", "requests.new.natural_person"):
            # Carried in 3 (last year carried out 1); new 9 keeps the balance: 9 + 3 = 11 + 1.
            value["value"] = {"requests.carried_in.natural_person": 3}.get(value["metric"], 9)
        if value["metric"] in ("requests.carried_in.total", "requests.new.total"):
            value["value"] = {"requests.carried_in.total": 3}.get(value["metric"], 11)
    this_year["values"] += [
        {"metric": "proactive.rules.in_force", "value": 45},
        {"metric": "proactive.rules.issued", "value": 3},
        {"metric": "proactive.rules.repealed", "value": 1},
    ]
    findings = post(this_year).json()["findings"]
    cross = {
        (f["rule"], f["metrics"][0]): (f["expected"], f["actual"])
        for f in findings
        if f["severity"] == "warning"
    }
    assert cross == {
        ("requests.carry_over_cross_year", "requests.carried_in.natural_person"): (1, 3),
        ("requests.carry_over_cross_year", "requests.carried_in.total"): (1, 3),
        # 40 + 3 - 1 = 42, but 45 reported.
        ("proactive.stock_flow", "proactive.rules.in_force"): (42, 45),
    }
    assert [f for f in findings if f["severity"] == "error"] == []


def test_a_late_previous_year_rechecks_the_next_years_cross_year_rules(
    jian: None, post: Post, client: TestClient
) -> None:
    def cross_year() -> list[tuple[Any, Any]]:
        report = client.get("/v1/reports/220582/2022").json()
        return [
            (f["expected"], f["actual"])
            for f in report["findings"]
            if f["rule"] == "requests.carry_over_cross_year"
        ]

    post(carried_report("220582", 2022, carried_in=3))
    assert cross_year() == []  # nothing to compare with yet
    post(
        carried_report("220582", 2021, carried_out=1)
    )  # late: 2022 carried in 3, 2021 carried out 1
    assert cross_year() == [(1, 3)]
    revisions = client.get("/v1/reports/220582/2022/revisions").json()["items"]
    assert [r["warnings"] for r in revisions] == [1]
    post(carried_report("220582", 2021, carried_out=3))  # a revision that makes them agree
    assert cross_year() == []
    history = client.get("/v1/reports/220582/2022/revisions").json()
    assert [r["warnings"] for r in history["items"]] == [0]


def test_a_report_refused_by_strict_mode_is_no_previous_year_in_its_batch(
    jian: None, post: Post, client: TestClient, auth: dict[str, str]
) -> None:
    post(carried_report("220582", 2021, carried_out=1))
    # A revision of 2021 that carries out 3 but does not balance (5 + 0 != 1 + 3), and 2022
    # carrying in 3: strict mode refuses the revision, so 2022 is checked against the stored 1.
    unbalanced = carried_report("220582", 2021, new=5, carried_in=0, total_handled=1, carried_out=3)
    response = client.post(
        "/v1/reports/batch",
        json=[carried_report("220582", 2022, carried_in=3), unbalanced],
        headers=auth,
        params={"strict": "true"},
    )
    statuses = [(i["index"], i["status"], i["warnings"]) for i in response.json()["items"]]
    assert statuses == [(0, "created", 1), (1, "rejected", None)]
    report = client.get("/v1/reports/220582/2022").json()
    cross = [(f["expected"], f["actual"]) for f in report["findings"]]
    assert cross == [(1, 3)]


def test_approximate_values_and_states_are_kept(jian: None, post: Post) -> None:
    report = {
        "jurisdiction": "220582",
        "year": 2010,
        "format": "pre2019",
        "values": [
            {"metric": "proactive.total", "value": 10, "approximate": True, "note": "10余条"},
            {"metric": "requests.new.total", "value": 0},
            {"metric": "fees.total", "state": "not_reported"},
            {"metric": "complaints.total", "state": "not_applicable"},
            {"metric": "fees.cost_recovery", "value": 12.5},
        ],
    }
    values = {v["metric"]: v for v in post(report).json()["values"]}
    assert values["proactive.total"]["value"] == 10
    assert values["proactive.total"]["approximate"] is True
    assert values["proactive.total"]["note"] == "10余条"
    assert values["requests.new.total"]["value"] == 0
    assert values["requests.new.total"]["state"] == "reported"
    assert values["fees.total"] == {
        "metric": "fees.total",
        "value": None,
        "state": "not_reported",
        "approximate": False,
        "derived": False,
        "note": None,
    }
    assert values["complaints.total"]["state"] == "not_applicable"
    assert values["fees.cost_recovery"]["value"] == 12.5


def test_self_and_aggregate_reports_of_one_body_are_separate(
    jian: None, post: Post, client: TestClient
) -> None:
    post(table_report("220582", 2021))
    compiled = table_report("220582", 2021, scope="aggregate")
    compiled["values"] = [{"metric": "requests.new.total", "value": 250}]
    response = post(compiled)
    assert response.status_code == 201
    assert response.json()["revision"] == 1
    assert response.json()["scope"] == "aggregate"
    own = client.get("/v1/reports/220582/2021").json()
    assert value_of(own, "requests.new.total") == 12
    summary = client.get("/v1/reports/220582/2021", params={"scope": "aggregate"}).json()
    assert value_of(summary, "requests.new.total") == 250
