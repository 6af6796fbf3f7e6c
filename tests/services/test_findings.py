"""Replacing the findings of a revision that depend on other reports, counts included."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app import models
from app.services import findings
from tests.factories import table_report


def _finding(revision_id: int, rule: str, severity: str) -> dict[str, Any]:
    return {
        "revision_id": revision_id,
        "rule": rule,
        "severity": severity,
        "metrics": ["requests.new.total"],
        "expected": 1,
        "actual": 2,
        "message": "constructed",
    }


def test_replace_keeps_error_and_warning_counts(
    jian: None, post: Any, client: TestClient, engine: Engine
) -> None:
    post(table_report("220582", 2021))
    with Session(engine) as session:
        revision_id = session.scalars(select(models.ReportRevision.id)).one()
        findings.replace(
            session,
            revision_id,
            ["test.a", "test.b"],
            [_finding(revision_id, "test.a", "error"), _finding(revision_id, "test.b", "warning")],
        )
        session.commit()

    def counts() -> tuple[int, int]:
        history = client.get("/v1/reports/220582/2021/revisions").json()["items"]
        return history[0]["errors"], history[0]["warnings"]

    assert counts() == (1, 1)
    with Session(engine) as session:
        # Rule a's error gives way to a warning; rule b is left as it is.
        findings.replace(
            session, revision_id, ["test.a"], [_finding(revision_id, "test.a", "warning")]
        )
        session.commit()
    assert counts() == (0, 2)
    with Session(engine) as session:
        findings.replace(session, revision_id, ["test.a", "test.b"], [])
        session.commit()
    assert counts() == (0, 0)
