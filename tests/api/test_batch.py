"""Batch ingestion: per-item results, atomic batches, NDJSON, and concurrent posters."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app import models
from app.services import hierarchy
from tests.factories import carried_report, count_rows, table_report

TOWNS = ["220582100", "220582101", "220582102"]  # 青石镇, 榆林镇, 花甸镇


def test_batch_answers_each_item_and_keeps_the_good_ones(
    jian: None, client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    bad = table_report("999999", 2021)
    items = [table_report(TOWNS[0], 2021), bad, table_report(TOWNS[1], 2021)]
    response = client.post("/v1/reports/batch", json=items, headers=auth)
    assert response.status_code == 200
    results = response.json()["items"]
    assert [(r["index"], r["status"], r["revision"]) for r in results] == [
        (0, "created", 1),
        (1, "rejected", None),
        (2, "created", 1),
    ]
    problem = results[1]["problem"]
    assert problem["status"] == 422
    assert problem["errors"][0] == {
        "pointer": "/jurisdiction",
        "detail": "unknown jurisdiction '999999'",
    }
    assert count_rows(engine, models.Report) == 2
    # The rejected item left no report row behind.
    assert count_rows(engine, models.ReportRevision) == 2

    again = client.post("/v1/reports/batch", json=items[:1], headers=auth).json()
    assert again["items"] == [
        {
            "index": 0,
            "status": "unchanged",
            "revision": 1,
            "errors": 0,
            "warnings": 0,
            "problem": None,
        }
    ]


def test_atomic_batch_is_all_or_nothing(
    jian: None, client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    bad = table_report(TOWNS[2], 2021)
    bad["values"].append({"metric": "staff.total", "value": -1})
    items = [table_report(TOWNS[0], 2021), bad]
    response = client.post("/v1/reports/batch", json=items, headers=auth, params={"atomic": "true"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "/problems/batch-rejected"
    assert [item["index"] for item in problem["items"]] == [1]
    assert count_rows(engine, models.Report) == 0
    assert count_rows(engine, models.ReportValue) == 0

    items[1] = table_report(TOWNS[2], 2021)
    response = client.post("/v1/reports/batch", json=items, headers=auth, params={"atomic": "true"})
    assert [r["status"] for r in response.json()["items"]] == ["created", "created"]


def test_ndjson_batch_reports_a_broken_line_as_its_item(
    jian: None, client: TestClient, auth: dict[str, str]
) -> None:
    lines = [
        json.dumps(table_report(TOWNS[0], 2020, "2019")),
        "{not json",
        json.dumps(table_report(TOWNS[0], 2021)),
    ]
    response = client.post(
        "/v1/reports/batch",
        content="\n".join(lines) + "\n",
        headers={**auth, "Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 200
    results = response.json()["items"]
    assert [r["status"] for r in results] == ["created", "rejected", "created"]
    assert results[1]["problem"]["type"] == "/problems/invalid-report"


def test_batch_with_strict_rejects_only_inconsistent_items(
    jian: None, client: TestClient, auth: dict[str, str], sample: dict[str, Any]
) -> None:
    items = [sample, table_report(TOWNS[0], 2021)]
    results = client.post(
        "/v1/reports/batch", json=items, headers=auth, params={"strict": "true"}
    ).json()["items"]
    assert [r["status"] for r in results] == ["rejected", "created"]
    assert results[0]["problem"]["type"] == "/problems/inconsistent-report"


def test_a_json_batch_must_be_an_array(
    jian: None, client: TestClient, auth: dict[str, str]
) -> None:
    response = client.post("/v1/reports/batch", json={"jurisdiction": TOWNS[0]}, headers=auth)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"pointer": "", "detail": "expected a JSON array"}]


def test_concurrent_posts_of_the_same_new_content_make_one_revision(
    jian: None, client: TestClient, auth: dict[str, str], engine: Engine, sample: dict[str, Any]
) -> None:
    first = table_report(TOWNS[0], 2021)
    client.post("/v1/reports", json=first, headers=auth)
    changed = table_report(TOWNS[0], 2021, title="修订版")

    def post(_: int) -> tuple[int, str, int | None]:
        response = client.post("/v1/reports", json=changed, headers=auth)
        body = response.json()
        return response.status_code, body.get("status", body.get("type")), body.get("revision")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(post, range(16)))
    created = [r for r in results if r[1] == "revised"]
    assert created == [(201, "revised", 2)]
    assert all(
        r in ((200, "unchanged", 2), (409, "/problems/conflict", None))
        for r in results
        if r[1] != "revised"
    )
    assert count_rows(engine, models.ReportRevision) == 2


def test_concurrent_posts_of_a_new_report_create_it_once(
    jian: None, client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    report = table_report(TOWNS[1], 2021)

    def post(_: int) -> tuple[int, str]:
        response = client.post("/v1/reports", json=report, headers=auth)
        return response.status_code, response.json().get("status", "")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(post, range(16)))
    assert results.count((201, "created")) == 1
    assert results.count((200, "unchanged")) == 15
    assert count_rows(engine, models.Report) == 1
    assert count_rows(engine, models.ReportRevision) == 1


def test_concurrent_first_reports_of_a_year_keep_the_absences_exact(
    jian: None, client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    """First reports of a year that has none yet, posted concurrently, each in its own
    transaction: every one is stored, and afterwards the absences equal a rebuild and name
    exactly the bodies that did not report."""
    with Session(engine) as session:
        body = models.Jurisdiction
        codes = sorted(session.scalars(select(body.code).where(body.code.like("220582%"))))
    silent = {codes[0], TOWNS[2]}
    posting = [code for code in codes if code not in silent]

    def post(code: str) -> int:
        return client.post("/v1/reports", json=table_report(code, 2021), headers=auth).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(post, posting)) == {201}
    absence, total = models.Absence, models.AbsenceTotal
    totals = select(total.ancestor_id, total.absent).where(total.absent != 0)
    with Session(engine) as session:
        kept = set(session.execute(select(absence.ancestor_id, absence.code)).all())
        kept_totals = set(session.execute(totals).all())
        hierarchy.rebuild_absences(session)
        assert kept == set(session.execute(select(absence.ancestor_id, absence.code)).all())
        assert kept_totals == set(session.execute(totals).all())
        session.rollback()
        county = session.scalar(select(models.Jurisdiction.id).where(body.code == "220582"))
        under_county = {code for ancestor, code in kept if ancestor == county}
    assert under_county == silent
    missing = client.get(
        "/v1/aggregates", params={"metric": "requests.new.total", "within": "220582", "year": 2021}
    ).json()["groups"][0]["metrics"]["requests.new.total"]
    assert (missing["missing"], missing["missing_count"]) == (sorted(silent), 2)


def test_concurrent_revisions_of_two_years_leave_consistent_cross_year_findings(
    jian: None, client: TestClient, auth: dict[str, str]
) -> None:
    """Revisions of 2021 re-run 2022's cross-year rules while 2022 is revised too: whichever
    commits last, 2022's findings must be those of the two years' final numbers."""

    posts = [
        carried_report(TOWNS[0], 2021, carried_out=n)
        if i % 2
        else carried_report(TOWNS[0], 2022, carried_in=n + 1)
        for i, n in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
    ]

    def post(report: dict[str, Any]) -> int:
        return client.post("/v1/reports", json=report, headers=auth).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(post, posts))
    assert set(statuses) <= {201, 409}

    def number(year: int, metric: str) -> Any:
        report = client.get(f"/v1/reports/{TOWNS[0]}/{year}").json()
        return {v["metric"]: v["value"] for v in report["values"]}[metric], report

    carried_out, _ = number(2021, "requests.carried_out.natural_person")
    carried_in, report = number(2022, "requests.carried_in.natural_person")
    cross = [
        (f["expected"], f["actual"])
        for f in report["findings"]
        if f["rule"] == "requests.carry_over_cross_year"
    ]
    assert cross == ([] if carried_in == carried_out else [(carried_out, carried_in)])
