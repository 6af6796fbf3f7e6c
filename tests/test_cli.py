"""The command line: demo data, registry loading, health endpoints of a served app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app import models
from app.cli import load_demo, main
from tests.factories import count_rows


def test_demo_loads_the_jian_hierarchy_and_the_sample_once(engine: Engine) -> None:
    message = load_demo(engine)
    assert "18 jurisdictions" in message
    assert "sample report created (revision 1, 2 error finding(s))" in message
    # 吉林省, 通化市, 集安市 and its 4 街道, 9 镇 and 2 乡.
    assert count_rows(engine, models.Jurisdiction) == 18
    assert count_rows(engine, models.JurisdictionEdge) == 17
    again = load_demo(engine)
    assert "sample report unchanged (revision 1" in again
    assert count_rows(engine, models.ReportRevision) == 1


def test_demo_hierarchy_reads_back_through_the_api(engine: Engine, client: TestClient) -> None:
    load_demo(engine)
    town = client.get("/v1/jurisdictions/220582105", params={"year": 2009}).json()
    assert town["name"] == "台上镇"
    assert [p["code"] for p in town["parents"]] == ["220582", "220500", "220000"]
    children = client.get("/v1/jurisdictions/220582/children").json()["items"]
    assert len(children) == 15
    assert children[0] == {
        "code": "220582001",
        "name": "团结街道",
        "level": "township",
        "valid_from": None,
        "valid_to": None,
    }


def test_registry_load_within_a_county(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCLOSURE_DATABASE_URL", engine.url.render_as_string(False))
    assert main(["registry", "load", "--within", "220502"]) == 0
    # 东昌区 with its parents 通化市 and 吉林省, and its 9 街道, 1 镇 (金厂镇) and 2 乡.
    assert "loaded 15 jurisdictions and 14 edges" in capsys.readouterr().out
    assert count_rows(engine, models.Jurisdiction) == 15
    assert main(["registry", "load", "--within", "999999"]) == 1
    assert "'999999' is not in the registry" in capsys.readouterr().err


def test_liveness_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
