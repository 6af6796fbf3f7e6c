"""Storing reports, many at a time: a few set-based statements per batch, not per value.

One report is a batch of one. Every item is checked before anything is written, so a
rejected item leaves no trace; the accepted ones are written together: revisions, values,
findings, then the facts and the roll-ups of every ancestor, by difference.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    Table,
    delete,
    func,
    select,
    text,
    true,
    tuple_,
)
from sqlalchemy.orm import Session

from app import catalog, models, rules
from app.db import (
    CHUNK,
    Base,
    bulk_insert,
    dialect_of,
    grouped,
    in_ids,
    insert_for,
    insert_returning_ids,
    table_of,
)
from app.errors import InconsistentReport, InvalidReport, ProblemError
from app.schemas.common import as_number
from app.services import aggregates, hierarchy
from app.services import catalog as catalog_service
from app.services import findings as findings_service
from app.services.report_input import ReportInput, ValueInput, check

Status = Literal["created", "revised", "unchanged", "rejected"]
Key = tuple[int, int, str]  # (jurisdiction id, year, scope)


@dataclass(frozen=True)
class Revision:
    """What a batch answer tells of a stored revision."""

    id: int
    number: int
    error_count: int
    warning_count: int

    @classmethod
    def of(cls, stored: models.ReportRevision) -> Revision:
        return cls(stored.id, stored.number, stored.error_count, stored.warning_count)


@dataclass
class Item:
    """One posted report on its way through the batch."""

    index: int
    report_in: ReportInput | None = None
    body_id: int = 0
    status: Status = "rejected"
    problem: ProblemError | None = None
    report: models.Report | None = None
    revision: Revision | None = None
    values: list[ValueInput] = field(default_factory=list)
    findings: list[rules.Finding] = field(default_factory=list)

    @property
    def key(self) -> Key:
        assert self.report_in is not None
        return (self.body_id, self.report_in.year, self.report_in.scope)


def ingest_many(session: Session, bodies: Sequence[Any], strict: bool = False) -> list[Item]:
    """Check and store `bodies` (decoded JSON, or a ProblemError for an undecodable one)."""
    items = _checked(session, bodies)
    # The same report twice in one batch: later occurrences are stored in later rounds, so
    # each sees the one before it as the current revision.
    rounds: list[list[Item]] = []
    seen: dict[Key, int] = defaultdict(int)
    for item in items:
        if item.problem is None:
            occurrence = seen[item.key]
            seen[item.key] += 1
            if occurrence == len(rounds):
                rounds.append([])
            rounds[occurrence].append(item)
    ids = catalog_service.metric_ids(session)
    for batch in rounds:
        _store_round(session, batch, strict, ids)
    return items


def _checked(session: Session, bodies: Sequence[Any]) -> list[Item]:
    items = [Item(index) for index in range(len(bodies))]
    checked = [
        (body, (None, []) if isinstance(body, ProblemError) else check(body)) for body in bodies
    ]
    # Only codes that passed the checks go to the database (a NUL or a lone surrogate
    # cannot even be sent as a parameter).
    codes = {
        body["jurisdiction"]
        for body, (report_in, errors) in checked
        if isinstance(body, dict)
        and isinstance(body.get("jurisdiction"), str)
        and not any(error["pointer"] == "/jurisdiction" for error in errors)
    }
    known = _jurisdiction_ids(session, codes)
    for item, (body, (report_in, errors)) in zip(items, checked, strict=True):
        if isinstance(body, ProblemError):
            item.problem = body
            continue
        code = body.get("jurisdiction") if isinstance(body, dict) else None
        if code in codes and code not in known:
            unknown = {"pointer": "/jurisdiction", "detail": f"unknown jurisdiction {code!r}"}
            errors.insert(0, unknown)
        if errors or report_in is None:
            item.problem = InvalidReport(
                f"{len(errors)} problem(s) in the report; nothing was stored", errors=errors
            )
            continue
        item.report_in, item.body_id = report_in, known[report_in.jurisdiction]
    return items


def _jurisdiction_ids(session: Session, codes: Iterable[str]) -> dict[str, int]:
    body = models.Jurisdiction
    wanted = sorted(codes)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(body.code, body.id).where(body.code.in_(wanted[start : start + CHUNK]))
        )
        found.update({code: id_ for code, id_ in rows})
    return found


def _store_round(session: Session, items: list[Item], strict: bool, ids: dict[str, int]) -> None:
    reports = _lock_reports(session, [item.key for item in items])
    hashes = _current_hashes(session, list(reports.values()))
    changed: list[Item] = []
    for item in items:
        assert item.report_in is not None
        item.report = reports[item.key]
        current = hashes.get(item.report.id)
        if current is not None and current[1] == item.report_in.content_hash():
            item.status, item.revision = "unchanged", Revision.of(current[0])
        else:
            changed.append(item)
    accepted = _evaluated(session, changed, strict)
    if not accepted:
        return
    self_items = [item for item in accepted if item.key[2] == "self"]
    new_years = {i.key[1] for i in self_items if i.report and i.report.revision == 0}
    # Years without any `self` report so far have no absences yet (see _note_reported).
    fresh = new_years - set(hierarchy.reported_years(session, new_years))
    _write_revisions(session, accepted, ids)
    if self_items:
        maintain_facts(session, self_items, ids)
    check_aggregates(session, {(i.body_id, i.key[1]) for i in accepted}, ids)
    recheck_following_years(session, accepted)
    first = [i for i in self_items if i.revision and i.revision.number == 1]
    if first:
        _note_reported(session, first, fresh)


def _lock_reports(session: Session, keys: list[Key]) -> dict[Key, models.Report]:
    """The report rows of `keys`, created where new, locked until commit; and, where they
    exist, the rows of the same bodies' previous and next years. The cross-year rules
    check a report against its previous year, and a revision re-runs them for the next
    year (`recheck_following_years`): with both locked, a report of year Y + 1 and a
    revision of year Y posted at once are done one after the other, whichever is new, so
    that neither is checked against numbers about to change. (A row inserted by a
    transaction not yet committed cannot be locked, hence the previous year's lock too.)

    Rows are locked in (year, scope, body) order, and new rows inserted in that order,
    whatever the batch, so that two batches cannot each hold a row the other waits for.
    On PostgreSQL a concurrent insert of the same key waits for the other transaction and
    FOR UPDATE queues the rest; SQLite writers hold the database lock from BEGIN IMMEDIATE.
    """
    report = models.Report
    rows = [
        {"jurisdiction_id": b, "year": y, "scope": s, "revision": 0}
        for b, y, s in sorted(keys, key=lambda key: (key[1], key[2], key[0]))
    ]
    session.connection().execute(
        insert_for(session)(table_of(report)).on_conflict_do_nothing(
            index_elements=["jurisdiction_id", "year", "scope"]
        ),
        rows,
    )
    around = {(body, year + step, scope) for body, year, scope in keys for step in (-1, 1)}
    found: dict[Key, models.Report] = {}
    for (year, scope), body_ids in sorted(grouped(set(keys) | around).items()):
        for start in range(0, len(body_ids), CHUNK):
            locked = session.scalars(
                select(report)
                .where(
                    report.year == year,
                    report.scope == scope,
                    in_ids(session, report.jurisdiction_id, body_ids[start : start + CHUNK]),
                )
                .order_by(report.jurisdiction_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            found.update({(r.jurisdiction_id, r.year, r.scope): r for r in locked})
    return {key: found[key] for key in keys}


def _current_hashes(
    session: Session, reports: list[models.Report]
) -> dict[int, tuple[models.ReportRevision, str]]:
    report, revision = models.Report, models.ReportRevision
    ids = sorted(r.id for r in reports if r.revision > 0)
    found: dict[int, tuple[models.ReportRevision, str]] = {}
    for start in range(0, len(ids), CHUNK):
        rows = session.scalars(
            select(revision)
            .join(report, (revision.report_id == report.id) & (revision.number == report.revision))
            .where(in_ids(session, report.id, ids[start : start + CHUNK]))
        )
        found.update({r.report_id: (r, r.content_hash) for r in rows})
    return found


def _evaluated(session: Session, items: list[Item], strict: bool) -> list[Item]:
    """The items that pass evaluation, in their order. Last year's numbers for the cross-year
    rules come from this batch where it holds that year (and it was accepted: a report that
    strict mode refused is not the previous year of anything), else from the store."""
    wanted = {(i.body_id, i.key[1] - 1, i.key[2]) for i in items}
    stored = _stored_numbers(session, wanted, rules.PREVIOUS_YEAR_KEYS)
    previous: dict[Key, dict[str, Decimal]] = {key: n for key, (_, n) in stored.items()}
    accepted: set[int] = set()
    for item in sorted(items, key=lambda i: i.key[1]):
        if _evaluate(item, previous, strict):
            accepted.add(item.index)
            assert item.report_in is not None
            values = item.report_in.values
            previous[item.key] = {v.metric: v.value for v in values if v.value is not None}
    return [item for item in items if item.index in accepted]


def _stored_numbers(
    session: Session, wanted: set[Key], keys: frozenset[str]
) -> dict[Key, tuple[int, dict[str, Decimal]]]:
    """The current revision of each stored report of `wanted` with its numbers of `keys`."""
    found: dict[Key, tuple[int, dict[str, Decimal]]] = {}
    report, revision = models.Report, models.ReportRevision
    value, metric = models.ReportValue, models.Metric
    for (year, scope), body_ids in grouped(wanted).items():
        for start in range(0, len(body_ids), CHUNK):
            rows = session.execute(
                select(report.jurisdiction_id, revision.id, metric.key, value.value)
                .join(
                    revision,
                    (revision.report_id == report.id) & (revision.number == report.revision),
                )
                .outerjoin(
                    value,
                    (value.revision_id == revision.id)
                    & value.value.is_not(None)
                    & value.metric_id.in_(sorted(_ids_of(session, keys))),
                )
                .outerjoin(metric, metric.id == value.metric_id)
                .where(
                    report.year == year,
                    report.scope == scope,
                    in_ids(session, report.jurisdiction_id, body_ids[start : start + CHUNK]),
                )
            )
            for body_id, revision_id, key, number in rows:
                _, numbers = found.setdefault((body_id, year, scope), (revision_id, {}))
                if key is not None and number is not None:
                    numbers[key] = number
    return found


def _ids_of(session: Session, keys: frozenset[str]) -> list[int]:
    ids = catalog_service.metric_ids(session)
    return [ids[key] for key in keys if key in ids]


def recheck_following_years(session: Session, items: list[Item]) -> None:
    """Re-run the cross-year rules of the next year's stored report of each item's body and
    scope: a late or revised report of year Y is the previous year of Y + 1, whose findings
    were worked out without it, or against its old numbers. (A next year posted in the same
    round was checked against this batch already.)"""
    posted = {item.key for item in items}
    previous = {(i.body_id, i.key[1] + 1, i.key[2]): i for i in items}
    wanted = set(previous) - posted
    if not wanted:
        return
    for key, (revision_id, numbers) in _stored_numbers(
        session, wanted, rules.CURRENT_YEAR_KEYS
    ).items():
        item = previous[key]
        last_year = {v.metric: v.value for v in item.values if v.value is not None}
        findings = [
            {"revision_id": revision_id, **finding_dict(f)}
            for f in rules.check_against_previous(numbers, last_year)
        ]
        findings_service.replace(session, revision_id, rules.CROSS_YEAR_RULES, findings)


def _evaluate(item: Item, previous: Mapping[Key, dict[str, Decimal]], strict: bool) -> bool:
    """Derive and run the rules; False when strict mode rejects the item."""
    report_in = item.report_in
    assert report_in is not None
    derived = derive(report_in.format, report_in.values)
    item.values = [*report_in.values, *derived]
    numbers = {v.metric: v.value for v in item.values if v.value is not None}
    derived_keys = frozenset(m.key for m in catalog.derived_metrics(report_in.format))
    item.findings = rules.check_report(numbers, derived_keys)
    last_year = previous.get((item.body_id, report_in.year - 1, report_in.scope))
    if last_year:
        item.findings += rules.check_against_previous(numbers, last_year)
    errors = [f for f in item.findings if f.severity == "error"]
    if strict and errors:
        item.problem = InconsistentReport(
            f"{len(errors)} error finding(s); nothing was stored (strict=true)",
            findings=[finding_json(f) for f in item.findings],
        )
        return False
    return True


def derive(report_format: str, values: Sequence[ValueInput]) -> list[ValueInput]:
    """Derived metrics of the format whose parts are all numbers (approximate if any part is)."""
    numbers = {v.metric: v for v in values if v.value is not None}
    derived: list[ValueInput] = []
    for metric in catalog.derived_metrics(report_format):
        if not all(term in numbers for term in metric.terms):
            continue
        parts = [(coefficient, numbers[term]) for term, coefficient in metric.terms.items()]
        total = sum((c * (part.value or Decimal(0)) for c, part in parts), Decimal(0))
        approximate = any(part.approximate for _, part in parts)
        derived.append(ValueInput(metric.key, total, "reported", approximate))
    return derived


def _write_revisions(session: Session, items: list[Item], ids: dict[str, int]) -> None:
    now = dt.datetime.now(dt.UTC)
    rows: list[dict[str, Any]] = []
    for item in items:
        assert item.report_in is not None and item.report is not None
        rows.append(
            {
                "report_id": item.report.id,
                "number": item.report.revision + 1,
                "format": item.report_in.format,
                "title": item.report_in.title,
                "published_on": item.report_in.published_on,
                "source_url": item.report_in.source_url,
                "source_hash": item.report_in.source_hash,
                "parser_version": item.report_in.parser_version,
                "problems": item.report_in.problems,
                "improvements": item.report_in.improvements,
                "content_hash": item.report_in.content_hash(),
                "error_count": sum(f.severity == "error" for f in item.findings),
                "warning_count": sum(f.severity != "error" for f in item.findings),
                "created_at": now,
            }
        )
    # Rows, not ORM objects: a thousand ReportRevisions cost more to build and flush than
    # the database takes to store them.
    stored = insert_returning_ids(session, table_of(models.ReportRevision), rows)
    for item, row, revision_id in zip(items, rows, stored, strict=True):
        counts = (row["number"], row["error_count"], row["warning_count"])
        item.revision = Revision(revision_id, *counts)
    posted = {id(v) for item in items for v in item.report_in.values}  # type: ignore[union-attr]
    values = [
        {
            "revision_id": item.revision.id,  # type: ignore[union-attr]
            "metric_id": ids[v.metric],
            "value": v.value,
            "state": v.state,
            "approximate": v.approximate,
            "derived": id(v) not in posted,
            "note": v.note,
        }
        for item in items
        for v in item.values
    ]
    _insert(session, models.ReportValue, values)
    findings = [
        {"revision_id": item.revision.id, **finding_dict(f)}  # type: ignore[union-attr]
        for item in items
        for f in item.findings
    ]
    if findings:  # few, and their JSON column would need encoding for COPY
        session.connection().execute(table_of(models.Finding).insert(), findings)
    for item in items:
        assert item.report is not None and item.revision is not None
        item.status = "created" if item.revision.number == 1 else "revised"
        item.report.revision = item.revision.number
        item.report.updated_at = now
    # The unit of work writes these as one executemany UPDATE.
    session.flush()


def finding_dict(finding: rules.Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "metrics": list(finding.metrics),
        "expected": finding.expected,
        "actual": finding.actual,
        "message": finding.message,
    }


def finding_json(finding: rules.Finding) -> dict[str, Any]:
    return finding_dict(finding) | {
        "expected": as_number(finding.expected),
        "actual": as_number(finding.actual),
    }


def problem_dict(error: ProblemError) -> dict[str, Any]:
    """A rejected item's problem, as a batch answer carries it."""
    return {
        "type": f"/problems/{error.slug}",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        **error.extensions,
    }


def ingest_one(session: Session, body: Any, strict: bool = False) -> Item:
    """Check and store one report; its problem is raised."""
    [item] = ingest_many(session, [body], strict)
    if item.problem is not None:
        raise item.problem
    return item


def _insert(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    # The ORM's bulk path or a multi-row VALUES construct spends longer in Python than the
    # database spends writing.
    bulk_insert(session, table_of(model), rows)


def fact_numbers(values: Sequence[ValueInput]) -> dict[str, Decimal]:
    """What a report contributes to the facts: its numbers, and its ratios' parts."""
    numbers = {v.metric: v.value for v in values if v.value is not None}
    for metric in catalog.ratios():
        terms = {**metric.numerator, **metric.denominator}
        if all(term in numbers for term in terms):
            for part, combination in (
                ("numerator", metric.numerator),
                ("denominator", metric.denominator),
            ):
                numbers[catalog.ratio_part_key(metric.key, part)] = sum(
                    (c * numbers[t] for t, c in combination.items()), Decimal(0)
                )
    return numbers


def maintain_facts(session: Session, items: list[Item], ids: dict[str, int]) -> None:
    """Bring the facts of each (body, year) to its new revision and add the differences to
    every ancestor's roll-ups.

    A body's first revision of a year has no facts yet. A later one's facts before it are
    worked out from the revision it replaces, as they were stored from it (its numbers,
    `revised` against revision 1): read by revision, as `facts` has no index by body; only
    its few ratio parts are looked up there by their whole key. Only the facts that change
    are written (see `_apply_deltas`).
    """
    first = {(i.body_id, i.key[1]) for i in items if i.revision and i.revision.number == 1}
    later = [i for i in items if (i.body_id, i.key[1]) not in first]
    earlier = _earlier_numbers(session, later)
    parts = _stored_ratio_parts(session, {(i.body_id, i.key[1]) for i in later}, ids)
    deltas: dict[tuple[int, int], dict[int, Delta]] = {}
    for item in items:
        assert item.report is not None
        pair = (item.body_id, item.key[1])
        if pair in first:  # its numbers are its facts and its differences at once
            after = _facts(fact_numbers(item.values), None, ids)
            deltas[pair] = {m: Delta(v, 1, int(r), v, r) for m, (v, r) in after.items()}
            continue
        original, previous = earlier[item.report.id]
        before = _facts(previous, original, ids) | parts.get(pair, {})
        after = _facts(fact_numbers(item.values), original, ids)
        changes = {}
        for metric_id in before.keys() | after.keys():
            old_value, old_revised = before.get(metric_id, (None, False))
            new_value, new_revised = after.get(metric_id, (None, False))
            if (old_value, old_revised) == (new_value, new_revised):
                continue
            changes[metric_id] = Delta(
                (new_value or Decimal(0)) - (old_value or Decimal(0)),
                (new_value is not None) - (old_value is not None),
                int(new_revised) - int(old_revised),
                new_value,
                new_revised,
            )
        deltas[pair] = changes
    _apply_deltas(session, deltas, first)


@dataclass(frozen=True)
class Delta:
    """A fact's change: what its ancestors' roll-ups gain, and the fact as it now stands
    (`fact` None: the body no longer reports the metric)."""

    value: Decimal
    reporting: int
    revised: int
    fact: Decimal | None
    fact_revised: bool


def _facts(
    numbers: Mapping[str, Decimal], original: Mapping[str, Decimal] | None, ids: dict[str, int]
) -> dict[int, tuple[Decimal, bool]]:
    """Facts of a revision's numbers: `revised` where they differ from revision 1's."""
    return {
        ids[key]: (number, original is not None and original.get(key) != number)
        for key, number in numbers.items()
    }


def _earlier_numbers(
    session: Session, items: list[Item]
) -> dict[int, tuple[dict[str, Decimal], dict[str, Decimal]]]:
    """Per report, the fact numbers of its revision 1 (ratio parts included, for the new
    facts' `revised` flags) and the numbers of the revision the new one replaces (the same
    for a second revision; its ratio parts are read as stored, `_stored_ratio_parts`)."""
    report_ids = sorted({item.report.id for item in items if item.report})
    if not report_ids:
        return {}
    report, revision = models.Report, models.ReportRevision
    value, metric = models.ReportValue, models.Metric
    numbers: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(dict)
    for start in range(0, len(report_ids), CHUNK):
        rows = session.execute(
            select(revision.report_id, revision.number, metric.key, value.value)
            .join(report, report.id == revision.report_id)
            .join(value, value.revision_id == revision.id)
            .join(metric, metric.id == value.metric_id)
            .where(
                in_ids(session, revision.report_id, report_ids[start : start + CHUNK]),
                (revision.number == 1) | (revision.number == report.revision - 1),
            )
        )
        for report_id, number, key, amount in rows:
            if amount is not None:
                numbers[(report_id, number)][key] = amount
    found = {}
    for item in items:
        assert item.report is not None and item.revision is not None
        report_id, replaced = item.report.id, item.revision.number - 1
        original = numbers.get((report_id, 1), {})
        previous = numbers.get((report_id, replaced), {})
        found[report_id] = (_with_ratio_parts(original), previous)
    return found


def _stored_ratio_parts(
    session: Session, pairs: set[tuple[int, int]], ids: dict[str, int]
) -> dict[tuple[int, int], dict[int, tuple[Decimal, bool]]]:
    """The ratio parts stored as facts of (body, year) pairs, looked up by their whole key.

    Read rather than worked out again: they were computed by the catalog's ratio
    definitions of their day, and replacing them must remove exactly what was added."""
    part_ids = sorted(
        ids[key]
        for metric in catalog.ratios()
        for part in ("numerator", "denominator")
        if (key := catalog.ratio_part_key(metric.key, part)) in ids
    )
    fact = models.Fact
    found: dict[tuple[int, int], dict[int, tuple[Decimal, bool]]] = defaultdict(dict)
    for year, body_ids in grouped(pairs).items():
        for start in range(0, len(body_ids), CHUNK):
            rows = session.execute(
                select(fact.jurisdiction_id, fact.metric_id, fact.value, fact.revised).where(
                    fact.year == year,
                    in_ids(session, fact.metric_id, part_ids),
                    in_ids(session, fact.jurisdiction_id, body_ids[start : start + CHUNK]),
                )
            )
            for body_id, metric_id, value, revised in rows:
                found[(body_id, year)][metric_id] = (value, revised)
    return found


def _with_ratio_parts(numbers: dict[str, Decimal]) -> dict[str, Decimal]:
    """Stored numbers as facts: ratio parts are facts too (so a recomputed ratio can count
    as revised)."""
    return fact_numbers([ValueInput(key, number, "reported") for key, number in numbers.items()])


def _apply_deltas(
    session: Session,
    deltas: dict[tuple[int, int], dict[int, Delta]],
    first: set[tuple[int, int]],
) -> None:
    """Write the facts that changed and add every body's changes to the roll-ups of the
    ancestors above it in that year.

    The changes go into a temporary table (one COPY), from which an INSERT writes the
    facts of first revisions (plain: ON CONFLICT's speculative insertion cost 2.5 times as
    much), an INSERT ... ON CONFLICT those of later ones as they now stand, and another
    statement fans the changes out along the closure, summed per roll-up: the database
    does in one join what cost seconds of Python per thousand reports. Facts no longer
    reported are deleted by their key.
    """
    rows: list[dict[str, Any]] = [
        {
            "year": year,
            "metric_id": metric_id,
            "jurisdiction_id": body_id,
            "value": delta.value,
            "reporting": delta.reporting,
            "revised": delta.revised,
            "fact": delta.fact,
            "fact_revised": delta.fact_revised,
            "first": (body_id, year) in first,
        }
        for (body_id, year), changes in deltas.items()
        for metric_id, delta in changes.items()
    ]
    if not rows:
        return
    session.execute(text(FACT_DELTAS_DDL))
    # The table lives as long as the connection, and a batch with several rounds comes here
    # more than once: start empty.
    session.execute(delete(FACT_DELTAS))
    bulk_insert(session, FACT_DELTAS, rows)
    if first:
        session.execute(_facts_from_deltas(session, upsert=False))
    if len(first) < len(deltas):
        session.execute(_facts_from_deltas(session, upsert=True))
    if any(row["fact"] is None for row in rows):
        _delete_gone_facts(session)
    session.execute(_add_to_rollups(session, FACT_DELTAS))
    if any(row["reporting"] < 0 for row in rows):
        _delete_emptied(session)


FACT_DELTAS = Table(
    "fact_deltas",
    MetaData(),
    Column("year", SmallInteger),
    Column("metric_id", SmallInteger),
    Column("jurisdiction_id", Integer),
    Column("value", Numeric),
    Column("reporting", Integer),
    Column("revised", Integer),
    Column("fact", Numeric),
    Column("fact_revised", Boolean),
    Column("first", Boolean),
)
FACT_DELTAS_DDL = """CREATE TEMPORARY TABLE IF NOT EXISTS fact_deltas
(year smallint, metric_id smallint, jurisdiction_id integer, value numeric, reporting integer,
 revised integer, fact numeric, fact_revised boolean, first boolean)"""


def _facts_from_deltas(session: Session, upsert: bool) -> Any:
    """The facts of fact_deltas that stand, of first revisions (new rows) or, with
    `upsert`, of later ones (new or changed rows)."""
    delta, table = FACT_DELTAS.c, table_of(models.Fact)
    rows = select(
        delta.year, delta.metric_id, delta.jurisdiction_id, delta.fact, delta.fact_revised
    ).where(delta.fact.is_not(None), ~delta.first if upsert else delta.first)
    columns = ["year", "metric_id", "jurisdiction_id", "value", "revised"]
    if not upsert:
        return table.insert().from_select(columns, rows)
    statement = insert_for(session)(table).from_select(columns, rows)
    return statement.on_conflict_do_update(
        index_elements=["year", "metric_id", "jurisdiction_id"],
        set_={"value": statement.excluded.value, "revised": statement.excluded.revised},
    )


def _delete_gone_facts(session: Session) -> None:
    fact, delta = models.Fact, FACT_DELTAS.c
    gone = select(delta.year, delta.metric_id, delta.jurisdiction_id).where(delta.fact.is_(None))
    session.execute(
        delete(fact)
        .where(tuple_(fact.year, fact.metric_id, fact.jurisdiction_id).in_(gone))
        .execution_options(synchronize_session=False)
    )


def _fanned_out(deltas: Any) -> Any:
    """The deltas joined to every ancestor above their body in their year (a body's own
    numbers are its facts, not a roll-up: most bodies have nothing below them, so this
    spares a roll-up row per report and metric)."""
    closure = models.Closure
    return (
        (deltas.c.jurisdiction_id == closure.descendant_id)
        & (closure.lo <= deltas.c.year)
        & (closure.hi >= deltas.c.year)
        & (closure.depth > 0)
    )


def _add_to_rollups(session: Session, deltas: Any) -> Any:
    """rollups += the `deltas` (year, metric_id, jurisdiction_id, value, reporting, revised)
    summed per (year, metric, ancestor), in key order (so that concurrent batches lock
    shared roll-ups in the same order)."""
    table, closure = table_of(models.Rollup), models.Closure
    key = (deltas.c.year, deltas.c.metric_id, closure.ancestor_id)
    sums = (
        select(
            *key,
            func.sum(deltas.c.value),
            func.sum(deltas.c.reporting),
            func.sum(deltas.c.revised),
        )
        .join_from(deltas, closure, _fanned_out(deltas))
        .where(true())  # SQLite needs a WHERE to tell INSERT ... SELECT from ON CONFLICT
        .group_by(*key)
        .order_by(*key)
    )
    statement = insert_for(session)(table).from_select([c.name for c in table.c], sums)
    return statement.on_conflict_do_update(
        index_elements=["year", "metric_id", "ancestor_id"],
        set_={
            "value": table.c.value + statement.excluded.value,
            "reporting": table.c.reporting + statement.excluded.reporting,
            "revised": table.c.revised + statement.excluded.revised,
        },
    )


def _delete_emptied(session: Session) -> None:
    """A roll-up nobody reports any more is no row, as in a rebuild."""
    rollup, delta, closure = models.Rollup, FACT_DELTAS.c, models.Closure
    emptied = (
        select(delta.year, delta.metric_id, closure.ancestor_id)
        .join_from(FACT_DELTAS, closure, _fanned_out(FACT_DELTAS))
        .where(delta.reporting < 0)
    )
    session.execute(
        delete(rollup)
        .where(
            rollup.reporting == 0,
            tuple_(rollup.year, rollup.metric_id, rollup.ancestor_id).in_(emptied),
        )
        .execution_options(synchronize_session=False)
    )


# Key of the advisory locks that order the absences' maintenance on PostgreSQL, per year.
ABSENCES_LOCK = 20261127


def _note_reported(session: Session, items: list[Item], fresh: set[int]) -> None:
    """Bodies with their first `self` report of a year are absent no more.

    A year's first reports create its absences (every body but those reporting). On
    PostgreSQL that rebuild takes the year's advisory lock exclusively and every other
    ingest of the year takes it shared, so no rebuild reads reports that a concurrent
    transaction is still writing. SQLite serialises writers anyway. Taken last in the
    transaction, after the row locks, so that it cannot close a cycle of waits.
    """
    postgres = dialect_of(session) == "postgresql"
    for year, body_ids in sorted(grouped({(i.body_id, i.key[1]) for i in items}).items()):
        if postgres:
            mode = "pg_advisory_xact_lock" if year in fresh else "pg_advisory_xact_lock_shared"
            session.execute(
                text(f"SELECT {mode}(:key, :year)"), {"key": ABSENCES_LOCK, "year": year}
            )
        if year in fresh:
            hierarchy.rebuild_absences(session, [year])
            continue
        hierarchy.strike_absences(session, year, body_ids)


def check_aggregates(session: Session, pairs: set[tuple[int, int]], ids: dict[str, int]) -> None:
    """Re-run `aggregate.matches_children` for aggregate reports at or above changed bodies."""
    above = hierarchy.ancestors(session, pairs)
    candidates = {(ancestor, year) for (_, year), found in above.items() for ancestor in found}
    candidates |= pairs
    aggregates.recheck_aggregate_reports(session, candidates, ids)
