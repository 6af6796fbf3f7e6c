"""POST /v1/parse and the parse/ingest commands, end to end with the 2009 sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import client as ingest_client
from app.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "parsing" / "corpus"
TAISHANG = SAMPLES / "real_2009_taishang.txt"


def test_parse_returns_a_draft_with_evidence_that_posts_as_is(
    jian: None, client: TestClient, auth: dict[str, str]
) -> None:
    text = TAISHANG.read_text(encoding="utf-8")
    response = client.post(
        "/v1/parse",
        content=text.encode(),
        headers={"Content-Type": "text/plain"},
        params={"jurisdiction": "220582105"},
    )
    assert response.status_code == 200
    draft = response.json()
    assert (draft["body_name"], draft["year"], draft["format"]) == ("台上镇", 2009, "pre2019")
    staff = next(v for v in draft["values"] if v["metric"] == "staff.total")
    assert staff["value"] == 53
    # The evidence points into the posted text.
    evidence = staff["evidence"]
    assert text[evidence["start"] : evidence["end"]] == evidence["snippet"]
    assert "53" in evidence["snippet"]
    granted = next(v for v in draft["values"] if v["metric"] == "requests.granted.total")
    assert (granted["value"], granted["how"]) == (1350, "inferred")

    stored = client.post("/v1/reports", json=draft["report"], headers=auth)
    assert stored.status_code == 201, stored.text
    assert {f["rule"] for f in stored.json()["findings"]} == {
        "staff.sum",
        "reading_points.electronic_le_total",
    }


def test_parse_takes_json_and_html(client: TestClient) -> None:
    text = TAISHANG.read_text(encoding="utf-8")
    as_json = client.post("/v1/parse", json={"text": text}).json()
    assert as_json["report"]["jurisdiction"] is None
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in text.splitlines()) + "</body>"
    as_html = client.post(
        "/v1/parse", content=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"}
    ).json()
    values = {v["metric"]: v["value"] for v in as_html["values"]}
    assert values["proactive.total"] == 1100
    assert values["fees.total"] == 1500


@pytest.mark.parametrize(
    ("body", "content_type", "status", "slug"),
    [
        (b"", "text/plain", 422, "not-a-report"),
        (
            "今天天气很好，我们去公园散步，看见很多人在跑步。".encode(),
            "text/plain",
            422,
            "not-a-report",
        ),
        (b"\xff\xfe\x00\x01binary", "text/plain", 422, "invalid-request"),
        ("政府信息公开".encode("gb18030"), "text/plain; charset=utf-8", 422, "invalid-request"),
        (b"{}", "application/json", 422, "invalid-request"),
        (b"x", "image/png", 415, "unsupported-media-type"),
    ],
)
def test_parse_answers_bad_input_with_a_problem(
    client: TestClient, body: bytes, content_type: str, status: int, slug: str
) -> None:
    response = client.post("/v1/parse", content=body, headers={"Content-Type": content_type})
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == f"/problems/{slug}"


def test_parse_refuses_a_body_over_the_limit(client: TestClient) -> None:
    big = "主动公开政府信息".encode() * 400_000  # 9.6 MB > 8 MiB
    response = client.post("/v1/parse", content=big, headers={"Content-Type": "text/plain"})
    assert response.status_code == 413


def test_parse_command_prints_drafts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(TAISHANG)]) == 0
    [draft] = json.loads(capsys.readouterr().out)
    assert draft["body_name"] == "台上镇"
    assert draft["report"]["year"] == 2009


def test_ingest_resolves_names_under_within_and_summarises(
    jian: None, client: TestClient, auth: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text(TAISHANG.read_text(encoding="utf-8"), encoding="utf-8")
    # The same report under a name that is in no registry.
    elsewhere = TAISHANG.read_text(encoding="utf-8").replace("台上镇", "不存在镇")
    (tmp_path / "b.txt").write_text(elsewhere, encoding="utf-8")
    (tmp_path / "c.txt").write_text("这不是报告。", encoding="utf-8")
    client.headers.update(auth)
    summary = ingest_client.ingest(client, [str(tmp_path)], None, "220582")
    assert summary.statuses["created"] == 1
    assert summary.errors == 2
    reasons = dict(summary.rejected)
    assert reasons[str(tmp_path / "b.txt")] == (
        "no body named '不存在镇' under the given jurisdiction"
    )
    assert reasons[str(tmp_path / "c.txt")].startswith("not parsed:")
    assert summary.failed
    again = ingest_client.ingest(client, [str(tmp_path / "a.txt")], None, "220582")
    assert again.statuses["unchanged"] == 1
    assert not again.failed


def test_ambiguous_names_are_refused() -> None:
    resolver = ingest_client.Resolver(
        [
            {"code": "1", "name": "城关镇"},
            {"code": "2", "name": "城关镇"},
            {"code": "3", "name": "集安市人民政府"},
        ]
    )
    assert resolver.resolve("城关镇") == (None, "'城关镇' is ambiguous: 1, 2")
    assert resolver.resolve("集安市") == ("3", None)
    assert resolver.resolve("集安市人民政府") == ("3", None)


def test_a_name_printed_with_the_divisions_above_it_is_resolved_without_them() -> None:
    resolver = ingest_client.Resolver(
        [
            {"code": "1", "name": "龙归镇人民政府"},
            {"code": "2", "name": "福田区集体经济发展服务署"},
            {"code": "3", "name": "集安市人民政府"},
            {"code": "4", "name": "人民政府"},  # a bad registry row: never a name's tail
        ]
    )
    assert resolver.resolve("武江区龙归镇人民政府") == ("1", None)
    assert resolver.resolve("深圳市福田区集体经济发展服务署") == ("2", None)
    assert resolver.resolve("集安市人民政府") == ("3", None)
    assert resolver.resolve("通化市集安市人民政府") == ("3", None)
    assert resolver.resolve("某市人民政府") == (
        None,
        "no body named '某市人民政府' under the given jurisdiction",
    )
