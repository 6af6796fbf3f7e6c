"""Roll-ups maintained on ingest always equal the roll-ups computed from scratch.

Hypothesis draws sequences of batches — new reports, revisions, values withdrawn (blank
cells), duplicate reports within a batch, a town moved to another county — and after each
step the maintained `rollups` must equal `rebuild_rollups()` of the same facts, the maintained
`absences` must equal `rebuild_absences()` of the same reports, and the facts must equal the
current revisions' numbers.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app import models
from app.db import writer
from app.schemas.jurisdictions import JurisdictionBulk
from app.services import hierarchy, ingest, jurisdictions

TOWNS = ["800101001", "800101002", "800102001", "800102002"]
BODIES = ["800000", "800100", "800101", "800102", *TOWNS]
YEARS = [2017, 2018, 2019]
METRICS = [
    "staff.total",
    "staff.full_time",
    "requests.granted.total",
    "requests.total_handled.total",
]

TREE = {
    "jurisdictions": [
        {"code": "800000", "name": "省", "level": "province"},
        {"code": "800100", "name": "市", "level": "prefecture", "parent": "800000"},
        {"code": "800101", "name": "甲县", "level": "county", "parent": "800100"},
        {"code": "800102", "name": "乙县", "level": "county", "parent": "800100"},
        *({"code": t, "name": t, "level": "township", "parent": t[:6]} for t in TOWNS),
    ]
}

cell = st.one_of(
    st.integers(min_value=0, max_value=50).map(lambda n: {"value": n}),
    st.just({"state": "not_reported"}),
    st.none(),  # metric absent
)
report = st.fixed_dictionaries(
    {
        "jurisdiction": st.sampled_from(BODIES),
        "year": st.sampled_from(YEARS),
        "scope": st.sampled_from(["self", "self", "aggregate"]),
        "cells": st.fixed_dictionaries({m: cell for m in METRICS}),
    }
)
step = st.one_of(
    st.lists(report, min_size=1, max_size=6).map(lambda batch: ("ingest", batch)),
    # A town sits under a county from 2019 on: its own, or the other one.
    st.tuples(st.sampled_from(TOWNS), st.sampled_from(["800101", "800102"])).map(
        lambda move: ("move", move)
    ),
)


def body_of(drawn: dict[str, Any]) -> dict[str, Any]:
    year = drawn["year"]
    values = [
        {"metric": metric, **content}
        for metric, content in drawn["cells"].items()
        if content is not None
    ]
    return {
        "jurisdiction": drawn["jurisdiction"],
        "year": year,
        "format": "2019",  # carries all four metrics
        "scope": drawn["scope"],
        "values": values,
    }


def maintained(session: Session) -> set[tuple[Any, ...]]:
    r = models.Rollup
    rows = session.execute(
        select(r.year, r.metric_id, r.ancestor_id, r.value, r.reporting, r.revised)
    )
    return {(y, m, a, Decimal(v), n, rv) for y, m, a, v, n, rv in rows}


def absences(session: Session) -> set[tuple[int, int, int]]:
    a = models.Absence
    return {
        (y, an, j) for y, an, j in session.execute(select(a.year, a.ancestor_id, a.jurisdiction_id))
    }


def absence_totals(session: Session) -> set[tuple[int, int, int]]:
    """The totals per year and ancestor; a row struck down to 0 is the same as none."""
    t = models.AbsenceTotal
    rows = session.execute(select(t.year, t.ancestor_id, t.absent).where(t.absent != 0))
    return {(y, an, n) for y, an, n in rows}


def facts_from_revisions(session: Session) -> set[tuple[Any, ...]]:
    """The numbers of current self revisions, as facts should hold them (catalog keys only)."""
    report, revision, value = models.Report, models.ReportRevision, models.ReportValue
    rows = session.execute(
        select(report.year, value.metric_id, report.jurisdiction_id, value.value)
        .join(revision, (revision.report_id == report.id) & (revision.number == report.revision))
        .join(value, value.revision_id == revision.id)
        .where(report.scope == "self", value.value.is_not(None))
    )
    return {(y, m, j, Decimal(v)) for y, m, j, v in rows}


def stored_facts(session: Session, metric_ids: set[int]) -> set[tuple[Any, ...]]:
    f = models.Fact
    rows = session.execute(select(f.year, f.metric_id, f.jurisdiction_id, f.value))
    return {(y, m, j, Decimal(v)) for y, m, j, v in rows if m in metric_ids}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=1, max_size=6))
def test_maintained_rollups_equal_a_rebuild(engine: Engine, steps: list[Any]) -> None:
    with Session(writer(engine)) as session, session.begin():
        for table in (
            models.Absence,
            models.AbsenceTotal,
            models.Rollup,
            models.Fact,
            models.Finding,
            models.ReportValue,
            models.ReportRevision,
            models.Report,
            models.Closure,
            models.SubtreeSize,
            models.JurisdictionEdge,
            models.Jurisdiction,
        ):
            session.query(table).delete()
        jurisdictions.bulk_upsert(session, JurisdictionBulk.model_validate(TREE))
    for kind, content in steps:
        with Session(writer(engine), expire_on_commit=False) as session, session.begin():
            if kind == "ingest":
                items = ingest.ingest_many(session, [body_of(d) for d in content])
                assert all(item.problem is None for item in items)
            else:
                town, county = content
                moved = {
                    "edges": [
                        {"child": town, "parent": town[:6], "valid_to": 2018},
                        {"child": town, "parent": county, "valid_from": 2019},
                    ]
                }
                jurisdictions.bulk_upsert(session, JurisdictionBulk.model_validate(moved))
        with Session(engine) as session, session.begin():
            ids = set(
                session.scalars(select(models.Metric.id).where(models.Metric.key.in_(METRICS)))
            )
            assert stored_facts(session, ids) == facts_from_revisions(session)
            kept = maintained(session)
            hierarchy.rebuild_rollups(session)
            assert kept == maintained(session)
            kept_absences, kept_totals = absences(session), absence_totals(session)
            hierarchy.rebuild_absences(session)
            assert kept_absences == absences(session)
            assert kept_totals == absence_totals(session)
            # ... and the totals are the number of absences: counted here, not by SQL.
            counted = Counter((y, an) for y, an, _ in kept_absences)
            assert kept_totals == {(y, an, n) for (y, an), n in counted.items()}
            session.rollback()
