"""POST /v1/jurisdictions (bulk upsert), the list with its filters and paging, one body with
its parent chain as it stood in a year, and a body's children in a year.

Most tests use a small made-up province whose county 丙县 moves from 甲市 to 乙市 in 2015:

    测试省 990000
    ├── 甲市 990100: 丙县 990101 (until 2014), 丁县 990102, 己县 990103 (abolished after 2012)
    └── 乙市 990200: 丙县 990101 (from 2015), 戊县 990201
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app import models
from app.config import Settings
from app.main import create_app
from tests.factories import count_rows

PROVINCE, CITY_A, CITY_B = "990000", "990100", "990200"
MOVED, STAYS, ABOLISHED, OTHER = "990101", "990102", "990103", "990201"
PROBLEM_JSON = "application/problem+json"


def body(code: str, name: str, level: str, parent: str | None = None, **dated: Any) -> dict:
    return {"code": code, "name": name, "level": level, "parent": parent, **dated}


def edge(child: str, parent: str, valid_from: int | None, valid_to: int | None) -> dict:
    return {"child": child, "parent": parent, "valid_from": valid_from, "valid_to": valid_to}


def upsert(client: TestClient, auth: dict[str, str], **payload: Any) -> Any:
    return client.post("/v1/jurisdictions", json=payload, headers=auth)


def codes(items: list[dict[str, Any]]) -> list[str]:
    return [item["code"] for item in items]


def pointers(response: Any) -> list[str]:
    return [error["pointer"] for error in response.json()["errors"]]


def assert_invalid(response: Any) -> dict[str, Any]:
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"] == "/problems/invalid-request"
    assert problem["status"] == 422
    assert problem["instance"] == "/v1/jurisdictions"
    return problem


@pytest.fixture
def moved(client: TestClient, auth: dict[str, str]) -> None:
    response = upsert(
        client,
        auth,
        jurisdictions=[
            body(PROVINCE, "测试省", "province"),
            body(CITY_A, "甲市", "prefecture", PROVINCE),
            body(CITY_B, "乙市", "prefecture", PROVINCE),
            body(MOVED, "丙县", "county"),
            body(STAYS, "丁县", "county", CITY_A),
            body(ABOLISHED, "己县", "county", CITY_A, valid_to=2012),
            body(OTHER, "戊县", "county", CITY_B),
        ],
        edges=[edge(MOVED, CITY_A, None, 2014), edge(MOVED, CITY_B, 2015, None)],
        successions=[{"predecessor": ABOLISHED, "successor": STAYS, "year": 2013, "kind": "merge"}],
    )
    assert response.status_code == 200, response.text
    # 5 bodies name a parent, plus the two explicit edges of 丙县.
    assert response.json() == {"jurisdictions": 7, "edges": 7, "successions": 1}


# --- POST ------------------------------------------------------------------------------------


def test_upsert_needs_a_key_with_the_write_scope(
    client: TestClient, read_key: str, engine: Engine
) -> None:
    payload = {"jurisdictions": [body(PROVINCE, "测试省", "province")]}
    anonymous = client.post("/v1/jurisdictions", json=payload)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == PROBLEM_JSON
    reader = client.post(
        "/v1/jurisdictions", json=payload, headers={"Authorization": f"Bearer {read_key}"}
    )
    assert reader.status_code == 403
    assert reader.json()["type"] == "/problems/forbidden"
    assert count_rows(engine, models.Jurisdiction) == 0


def test_upsert_stores_bodies_edges_and_successions(moved: None, engine: Engine) -> None:
    assert count_rows(engine, models.Jurisdiction) == 7
    assert count_rows(engine, models.JurisdictionEdge) == 7
    assert count_rows(engine, models.Succession) == 1


def test_a_parent_may_come_after_its_child_in_the_payload(
    client: TestClient, auth: dict[str, str]
) -> None:
    response = upsert(
        client,
        auth,
        jurisdictions=[
            body(CITY_A, "甲市", "prefecture", PROVINCE),
            body(PROVINCE, "测试省", "province"),
        ],
    )
    assert response.json() == {"jurisdictions": 2, "edges": 1, "successions": 0}
    parents = client.get(f"/v1/jurisdictions/{CITY_A}", params={"year": 2020}).json()["parents"]
    assert codes(parents) == [PROVINCE]


def test_posting_a_known_code_with_a_new_name_updates_that_body(
    moved: None, client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    response = upsert(client, auth, jurisdictions=[body(CITY_A, "甲州市", "prefecture", PROVINCE)])
    assert response.status_code == 200
    assert response.json() == {"jurisdictions": 1, "edges": 1, "successions": 0}
    assert count_rows(engine, models.Jurisdiction) == 7
    # The open-started edge to 测试省 was replaced, not added.
    assert count_rows(engine, models.JurisdictionEdge) == 7
    found = client.get(f"/v1/jurisdictions/{CITY_A}", params={"year": 2000}).json()
    assert (found["name"], found["level"]) == ("甲州市", "prefecture")
    assert codes(found["parents"]) == [PROVINCE]
    listed = client.get("/v1/jurisdictions", params={"q": "甲州"}).json()["items"]
    assert codes(listed) == [CITY_A]
    assert client.get("/v1/jurisdictions", params={"q": "甲市"}).json()["items"] == []


def test_reposting_the_same_payload_adds_no_rows(
    moved: None, client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    again = upsert(
        client,
        auth,
        jurisdictions=[body(STAYS, "丁县", "county", CITY_A)],
        edges=[edge(MOVED, CITY_A, None, 2014), edge(MOVED, CITY_B, 2015, None)],
        successions=[{"predecessor": ABOLISHED, "successor": STAYS, "year": 2013, "kind": "other"}],
    )
    assert again.json() == {"jurisdictions": 1, "edges": 3, "successions": 1}
    assert count_rows(engine, models.Jurisdiction) == 7
    assert count_rows(engine, models.JurisdictionEdge) == 7
    assert count_rows(engine, models.Succession) == 1
    with engine.connect() as connection:
        assert connection.scalar(select(models.Succession.kind)) == "other"


def test_unknown_codes_are_rejected_with_a_pointer_for_each(
    client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    response = upsert(
        client,
        auth,
        jurisdictions=[
            body(PROVINCE, "测试省", "province"),
            body(CITY_A, "甲市", "prefecture", "980000"),
        ],
        edges=[edge("980101", "980100", None, None)],
        successions=[
            {"predecessor": PROVINCE, "successor": "970000", "year": 2015, "kind": "recode"}
        ],
    )
    problem = assert_invalid(response)
    assert problem["errors"] == [
        {"pointer": "/jurisdictions/1/parent", "detail": "unknown jurisdiction '980000'"},
        {"pointer": "/edges/0/child", "detail": "unknown jurisdiction '980101'"},
        {"pointer": "/edges/0/parent", "detail": "unknown jurisdiction '980100'"},
        {"pointer": "/successions/0/successor", "detail": "unknown jurisdiction '970000'"},
    ]
    # Rejected whole: not even the valid province was stored.
    assert count_rows(engine, models.Jurisdiction) == 0


def test_a_code_twice_in_one_payload_is_rejected(
    client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    response = upsert(
        client,
        auth,
        jurisdictions=[
            body(PROVINCE, "测试省", "province"),
            body(CITY_A, "甲市", "prefecture", PROVINCE),
            body(PROVINCE, "另一个省", "province"),
        ],
    )
    problem = assert_invalid(response)
    assert pointers(response) == ["/jurisdictions/2/code"]
    assert "/jurisdictions/0" in problem["errors"][0]["detail"]
    assert count_rows(engine, models.Jurisdiction) == 0


@pytest.mark.parametrize(
    ("payload", "pointer"),
    [
        (
            {
                "jurisdictions": [
                    body(PROVINCE, "测试省", "province", valid_from=2016, valid_to=2015)
                ]
            },
            "/jurisdictions/0",
        ),
        ({"edges": [edge(MOVED, CITY_A, None, None), edge(MOVED, CITY_B, 2020, 2019)]}, "/edges/1"),
    ],
    ids=["body", "edge"],
)
def test_valid_from_after_valid_to_is_rejected(
    client: TestClient, auth: dict[str, str], payload: dict[str, Any], pointer: str
) -> None:
    response = upsert(client, auth, **payload)
    assert_invalid(response)
    assert pointers(response) == [pointer]


def test_a_single_year_is_a_valid_range(client: TestClient, auth: dict[str, str]) -> None:
    response = upsert(
        client,
        auth,
        jurisdictions=[body(PROVINCE, "测试省", "province", valid_from=2015, valid_to=2015)],
    )
    assert response.status_code == 200


def test_a_body_cannot_be_its_own_parent(
    client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    response = upsert(
        client,
        auth,
        jurisdictions=[body(PROVINCE, "测试省", "province", PROVINCE)],
        edges=[edge(PROVINCE, PROVINCE, 2000, None)],
    )
    assert_invalid(response)
    assert pointers(response) == ["/jurisdictions/0/parent", "/edges/0/parent"]
    assert count_rows(engine, models.Jurisdiction) == 0


def test_overlapping_edges_of_one_child_in_a_payload_are_rejected_whole(
    client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    response = upsert(
        client,
        auth,
        jurisdictions=[
            body(PROVINCE, "测试省", "province"),
            body(CITY_A, "甲市", "prefecture", PROVINCE),
            body(CITY_B, "乙市", "prefecture", PROVINCE),
            body(MOVED, "丙县", "county"),
        ],
        # Both claim 丙县 in 2015 and 2016.
        edges=[edge(MOVED, CITY_A, 2010, 2016), edge(MOVED, CITY_B, 2015, None)],
    )
    assert_invalid(response)
    assert pointers(response) == ["/edges/0", "/edges/1"]
    details = [error["detail"] for error in response.json()["errors"]]
    assert all(f"'{MOVED}' would have two parents in 2015" in detail for detail in details)
    # Rejected whole: none of the four bodies was stored.
    assert count_rows(engine, models.Jurisdiction) == 0
    assert count_rows(engine, models.JurisdictionEdge) == 0


def test_an_edge_overlapping_a_stored_edge_is_rejected_and_the_stored_one_kept(
    moved: None, client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    # 丁县 hangs under 甲市 from the start, open-ended; a second parent from 2018 overlaps.
    # Found only after writing: the write is rolled back.
    response = upsert(client, auth, edges=[edge(STAYS, CITY_B, 2018, None)])
    assert_invalid(response)
    assert pointers(response) == ["/edges/0"]
    assert count_rows(engine, models.JurisdictionEdge) == 7
    chain = client.get(f"/v1/jurisdictions/{STAYS}", params={"year": 2020}).json()["parents"]
    assert codes(chain) == [CITY_A, PROVINCE]


def test_two_edges_with_the_same_start_in_one_payload_are_rejected(
    moved: None, client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    # One (child, valid_from) is one row of the table: SQLite used to keep the last edge
    # silently and PostgreSQL to fail with a 500 (ON CONFLICT cannot affect a row twice).
    town = body("990201001", "辛镇", "township")
    response = upsert(
        client,
        auth,
        jurisdictions=[town],
        edges=[edge("990201001", OTHER, 2020, None), edge("990201001", STAYS, 2020, 2022)],
    )
    assert_invalid(response)
    assert pointers(response) == ["/edges/0", "/edges/1"]
    assert "2020" in response.json()["errors"][0]["detail"]
    assert count_rows(engine, models.Jurisdiction) == 7
    assert count_rows(engine, models.JurisdictionEdge) == 7


def test_the_same_succession_twice_in_one_payload_is_rejected(
    moved: None, client: TestClient, auth: dict[str, str], engine: Engine
) -> None:
    merge = {"predecessor": OTHER, "successor": STAYS, "year": 2020, "kind": "merge"}
    response = upsert(client, auth, successions=[merge, merge | {"kind": "other"}])
    assert_invalid(response)
    assert pointers(response) == ["/successions/1"]
    assert count_rows(engine, models.Succession) == 1


def test_a_parent_shorthand_overlapping_an_edge_points_at_both(
    moved: None, client: TestClient, auth: dict[str, str]
) -> None:
    response = upsert(
        client,
        auth,
        jurisdictions=[body(OTHER, "戊县", "county", CITY_B)],
        edges=[edge(OTHER, CITY_A, 2020, None)],
    )
    assert_invalid(response)
    assert pointers(response) == ["/jurisdictions/0/parent", "/edges/0"]


# --- GET /v1/jurisdictions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "prefecture"}, [CITY_A, CITY_B]),
        ({"level": "county"}, [MOVED, STAYS, ABOLISHED, OTHER]),
        ({"level": "county", "year": 2012}, [MOVED, STAYS, ABOLISHED, OTHER]),
        ({"level": "county", "year": 2013}, [MOVED, STAYS, OTHER]),
        ({"parent": CITY_A, "year": 2014}, [MOVED, STAYS]),
        ({"parent": CITY_A, "year": 2015}, [STAYS]),
        ({"parent": CITY_B, "year": 2014}, [OTHER]),
        ({"parent": CITY_B, "year": 2015}, [MOVED, OTHER]),
        ({"parent": CITY_A, "year": 2012}, [MOVED, STAYS, ABOLISHED]),
        # Without a year, a parent's children are those it ever had.
        ({"parent": CITY_A}, [MOVED, STAYS, ABOLISHED]),
        ({"parent": CITY_B}, [MOVED, OTHER]),
        ({"q": "县"}, [MOVED, STAYS, ABOLISHED, OTHER]),
        ({"q": "乙"}, [CITY_B]),
        ({"q": "乙", "level": "county"}, []),
        # q is a substring, not a LIKE pattern.
        ({"q": "%"}, []),
        ({"q": "_"}, []),
    ],
)
def test_list_filters(
    moved: None, client: TestClient, params: dict[str, Any], expected: list[str]
) -> None:
    response = client.get("/v1/jurisdictions", params=params)
    assert response.status_code == 200
    assert sorted(codes(response.json()["items"])) == sorted(expected)
    assert response.json()["next"] is None
    assert "link" not in response.headers


def test_list_with_an_unknown_parent_is_a_404_problem(moved: None, client: TestClient) -> None:
    response = client.get("/v1/jurisdictions", params={"parent": "980000"})
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON


def test_walking_the_pages_yields_every_body_exactly_once(
    client: TestClient, auth: dict[str, str]
) -> None:
    towns = [body(f"990101{n:03d}", f"第{n}镇", "township") for n in range(1, 26)]
    assert upsert(client, auth, jurisdictions=towns).status_code == 200
    seen: list[str] = []
    sizes: list[int] = []
    url: str | None = "/v1/jurisdictions?level=township&limit=10"
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        page = response.json()
        seen += codes(page["items"])
        sizes.append(len(page["items"]))
        if page["next"] is None:
            assert "link" not in response.headers
        else:
            assert response.headers["link"] == f'<{page["next"]}>; rel="next"'
            assert "level=township" in page["next"]
        url = page["next"]
    # 25 bodies in pages of 10.
    assert sizes == [10, 10, 5]
    assert sorted(seen) == sorted(t["code"] for t in towns)


def test_an_exactly_full_last_page_has_no_next(client: TestClient, auth: dict[str, str]) -> None:
    towns = [body(f"990101{n:03d}", f"第{n}镇", "township") for n in range(1, 5)]
    upsert(client, auth, jurisdictions=towns)
    first = client.get("/v1/jurisdictions", params={"limit": 2}).json()
    second = client.get(first["next"]).json()
    assert len(first["items"]) == len(second["items"]) == 2
    assert second["next"] is None


def test_a_cursor_the_api_never_gave_out_is_rejected(client: TestClient) -> None:
    response = client.get("/v1/jurisdictions", params={"cursor": "not a cursor!"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert pointers(response) == ["query:cursor"]


# --- GET /v1/jurisdictions/{code} and its children ------------------------------------------


@pytest.mark.parametrize(
    ("year", "chain"),
    [(2000, [CITY_A, PROVINCE]), (2014, [CITY_A, PROVINCE]), (2015, [CITY_B, PROVINCE])],
)
def test_parent_chain_is_the_one_valid_in_the_year(
    moved: None, client: TestClient, year: int, chain: list[str]
) -> None:
    response = client.get(f"/v1/jurisdictions/{MOVED}", params={"year": year})
    assert response.status_code == 200
    found = response.json()
    assert (found["code"], found["name"], found["level"]) == (MOVED, "丙县", "county")
    assert found["year"] == year
    assert codes(found["parents"]) == chain
    assert found["parents"][-1]["name"] == "测试省"


@pytest.mark.parametrize(
    ("parent", "year", "expected"),
    [
        (CITY_A, 2014, [MOVED, STAYS]),
        (CITY_A, 2015, [STAYS]),
        (CITY_B, 2014, [OTHER]),
        (CITY_B, 2015, [MOVED, OTHER]),
        (PROVINCE, 2015, [CITY_A, CITY_B]),
    ],
)
def test_children_are_those_of_the_year(
    moved: None, client: TestClient, parent: str, year: int, expected: list[str]
) -> None:
    response = client.get(f"/v1/jurisdictions/{parent}/children", params={"year": year})
    assert response.status_code == 200
    found = response.json()
    assert (found["code"], found["year"]) == (parent, year)
    assert codes(found["items"]) == expected


def test_an_abolished_body_is_a_child_up_to_its_last_year_only(
    moved: None, client: TestClient
) -> None:
    def children(year: int) -> list[str]:
        url = f"/v1/jurisdictions/{CITY_A}/children"
        return codes(client.get(url, params={"year": year}).json()["items"])

    assert children(2012) == [MOVED, STAYS, ABOLISHED]
    assert children(2013) == [MOVED, STAYS]


def test_a_body_with_valid_to_is_not_a_child_later_even_on_an_open_edge(
    moved: None, client: TestClient, auth: dict[str, str]
) -> None:
    # The body ended in 2016 but its edge was never closed.
    town = body("990102001", "庚乡", "township", valid_to=2016)
    upsert(client, auth, jurisdictions=[town], edges=[edge("990102001", STAYS, 2000, None)])
    url = f"/v1/jurisdictions/{STAYS}/children"
    assert codes(client.get(url, params={"year": 2016}).json()["items"]) == ["990102001"]
    assert client.get(url, params={"year": 2017}).json()["items"] == []
    listed = client.get("/v1/jurisdictions", params={"parent": STAYS, "year": 2017}).json()
    assert listed["items"] == []


def test_without_a_year_a_body_is_shown_now_or_as_it_last_stood(
    moved: None, client: TestClient
) -> None:
    now = client.get(f"/v1/jurisdictions/{MOVED}").json()
    assert now["year"] == dt.date.today().year
    assert codes(now["parents"]) == [CITY_B, PROVINCE]
    gone = client.get(f"/v1/jurisdictions/{ABOLISHED}").json()
    assert gone["year"] == 2012
    assert gone["valid_to"] == 2012
    assert codes(gone["parents"]) == [CITY_A, PROVINCE]


@pytest.mark.parametrize("path", ["/v1/jurisdictions/980000", "/v1/jurisdictions/980000/children"])
def test_an_unknown_code_is_a_404_problem(moved: None, client: TestClient, path: str) -> None:
    response = client.get(path, params={"year": 2015})
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["type"] == "/problems/not-found"
    assert problem["instance"] == path
    assert "980000" in problem["detail"]


def test_within_lists_the_subtree_of_a_year(moved: None, client: TestClient) -> None:
    def within(code: str, **params: Any) -> list[str]:
        response = client.get("/v1/jurisdictions", params={"within": code, **params})
        return sorted(codes(response.json()["items"]))

    # 丙县 sits under 甲市 to 2014, under 乙市 from 2015; 己县 is gone after 2012.
    assert within(CITY_A, year=2012) == sorted([CITY_A, MOVED, STAYS, ABOLISHED])
    assert within(CITY_A, year=2015) == sorted([CITY_A, STAYS])
    assert within(CITY_B, year=2015) == sorted([CITY_B, MOVED, OTHER])
    # Without a year: everything that was ever under it.
    assert within(CITY_A) == sorted([CITY_A, MOVED, STAYS, ABOLISHED])


def test_a_registry_body_over_the_limit_or_not_json_is_a_problem(
    engine: Engine, auth: dict[str, str]
) -> None:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), max_registry_bytes=2048
    )
    bodies = [{"code": f"91{i:04}", "name": "某县", "level": "county"} for i in range(100)]
    with TestClient(create_app(settings, engine), raise_server_exceptions=False) as client:
        large = client.post("/v1/jurisdictions", json={"jurisdictions": bodies}, headers=auth)
        assert large.status_code == 413
        assert large.headers["content-type"] == "application/problem+json"
        assert large.json()["limit"] == 2048
        text = client.post(
            "/v1/jurisdictions", content=b"code,name", headers={**auth, "Content-Type": "text/csv"}
        )
        assert text.status_code == 415
        broken = client.post(
            "/v1/jurisdictions",
            content=b'{"jurisdictions": [',
            headers={**auth, "Content-Type": "application/json"},
        )
        assert broken.status_code == 422
        assert broken.json()["errors"][0]["detail"].startswith("not valid JSON")
    assert count_rows(engine, models.Jurisdiction) == 0
