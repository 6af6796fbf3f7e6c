"""Ingesting reports: storage, derived metrics, findings, revisions, strict mode."""

from __future__ import annotations

from typing import Any, Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app import models
from tests.factories import count_rows, table_report, value_of

Post = Callable[..., Any]


def test_sample_report_yields_exactly_the_two_broken_rules(jian: None, post: Post, sample: dict[str, Any]) -> None:
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
