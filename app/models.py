"""Tables. Natural keys (codes, metric keys) are unique columns; integer ids stay internal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

LEVELS = ("province", "prefecture", "county", "township", "department")
SCOPES = ("self", "aggregate")
FORMATS = ("pre2019", "2019", "2021")
STATES = ("reported", "not_reported", "not_applicable")
SEVERITIES = ("error", "warning")
KEY_SCOPES = ("read", "write")
SUCCESSION_KINDS = ("rename", "recode", "merge", "split", "upgrade", "other")

# Money in 元 with fen; counts fit easily. SQLite stores it as REAL, quantised on the way out.
Amount = Numeric(18, 2)


def _in(column: str, allowed: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(a) for a in allowed)})"


class Jurisdiction(Base):
    __tablename__ = "jurisdictions"
    __table_args__ = (CheckConstraint(_in("level", LEVELS), name="level"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    level: Mapped[str] = mapped_column(String(16), index=True)
    valid_from: Mapped[int | None] = mapped_column(SmallInteger)
    valid_to: Mapped[int | None] = mapped_column(SmallInteger)


class JurisdictionEdge(Base):
    """`child` sits under `parent` from valid_from to valid_to (years, inclusive, open-ended)."""

    __tablename__ = "jurisdiction_edges"
    __table_args__ = (
        UniqueConstraint("child_id", "valid_from"),
        Index("ix_jurisdiction_edges_parent", "parent_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id", ondelete="CASCADE"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id", ondelete="CASCADE"))
    valid_from: Mapped[int | None] = mapped_column(SmallInteger)
    valid_to: Mapped[int | None] = mapped_column(SmallInteger)


class Succession(Base):
    __tablename__ = "successions"
    __table_args__ = (
        UniqueConstraint("predecessor_id", "successor_id", "year"),
        CheckConstraint(_in("kind", SUCCESSION_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id", ondelete="CASCADE"))
    successor_id: Mapped[int] = mapped_column(
        ForeignKey("jurisdictions.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(16))


class Metric(Base):
    """The catalog's keys, given small ids so that values stay narrow; synced from the code."""

    __tablename__ = "metrics"

    id: Mapped[int] = mapped_column(
        SmallInteger().with_variant(Integer, "sqlite"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(80), unique=True)


class Report(Base):
    """One report per body, year and scope; `revision` is the number of the current one."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("jurisdiction_id", "year", "scope"),
        CheckConstraint(_in("scope", SCOPES), name="scope"),
        Index("ix_reports_year", "year", "scope"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    scope: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class ReportRevision(Base):
    __tablename__ = "report_revisions"
    __table_args__ = (
        UniqueConstraint("report_id", "number"),
        CheckConstraint(_in("format", FORMATS), name="format"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(8))
    title: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    source_url: Mapped[str | None] = mapped_column(Text)
    source_hash: Mapped[str | None] = mapped_column(String(128))
    parser_version: Mapped[str | None] = mapped_column(String(40))
    problems: Mapped[str | None] = mapped_column(Text)
    improvements: Mapped[str | None] = mapped_column(Text)
    # SHA-256 of the canonical posted content: equal hashes mean an identical re-post.
    content_hash: Mapped[str] = mapped_column(String(64))
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class ReportValue(Base):
    __tablename__ = "report_values"
    __table_args__ = (
        CheckConstraint(_in("state", STATES), name="state"),
        CheckConstraint("(state = 'reported') = (value IS NOT NULL)", name="value_state"),
        Index("ix_report_values_metric", "metric_id"),
    )

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("report_revisions.id", ondelete="CASCADE"), primary_key=True
    )
    # No foreign key to metrics: checked row by row it cost most of a batch's COPY of values
    # (migration 5c7e9a1b3d2f); the ids come from the catalog, which ingest checks keys against.
    metric_id: Mapped[int] = mapped_column(
        SmallInteger().with_variant(Integer, "sqlite"), primary_key=True
    )
    value: Mapped[Decimal | None] = mapped_column(Amount)
    state: Mapped[str] = mapped_column(String(16), default="reported")
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    derived: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)


class Finding(Base):
    __tablename__ = "findings"
    __table_args__ = (
        CheckConstraint(_in("severity", SEVERITIES), name="severity"),
        Index("ix_findings_rule", "rule", "severity"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("report_revisions.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(8))
    metrics: Mapped[list[str]] = mapped_column(JSON)
    expected: Mapped[Decimal | None] = mapped_column(Amount)
    actual: Mapped[Decimal | None] = mapped_column(Amount)
    message: Mapped[str] = mapped_column(Text)


class ApiKey(Base):
    """Keys are random 256-bit secrets, so a plain SHA-256 of them is a safe stored form."""

    __tablename__ = "api_keys"
    __table_args__ = (CheckConstraint(_in("scope", KEY_SCOPES), name="scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


# The tables below are derived data, rebuilt or maintained from the tables above. They carry
# no foreign keys: a per-row constraint check on hundreds of thousands of rebuilt rows costs
# more than the whole rebuild, and the rows they are derived from are checked already.


class Closure(Base):
    """Every (ancestor, descendant) pair of the dated hierarchy, with the years [lo, hi] in
    which the descendant exists and sits under the ancestor. A body is its own ancestor
    (depth 0). Rebuilt from edges whenever the hierarchy changes (services/hierarchy.py)."""

    __tablename__ = "closure"
    __table_args__ = (
        Index("ix_closure_descendant", "descendant_id", "lo"),
        # Rows that start or end inside the years of interest: the membership changes.
        Index(
            "ix_closure_bounded",
            "ancestor_id",
            sqlite_where=text("bounded"),
            postgresql_where=text("bounded"),
        ),
    )

    ancestor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    descendant_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lo: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    hi: Mapped[int] = mapped_column(SmallInteger)
    depth: Mapped[int] = mapped_column(SmallInteger)
    bounded: Mapped[bool] = mapped_column(Boolean)


class SubtreeSize(Base):
    """How many bodies exist under (and including) an ancestor, constant over [lo, hi]:
    `expected` of a roll-up. A piecewise-constant function of the year, so a hierarchy that
    rarely changes needs one row per ancestor."""

    __tablename__ = "subtree_sizes"

    ancestor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lo: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    hi: Mapped[int] = mapped_column(SmallInteger)
    bodies: Mapped[int] = mapped_column(Integer)


class Fact(Base):
    """The numbers of current `self` revisions, one narrow row per body, year and metric.

    Besides catalog metrics it holds each ratio's numerator and denominator for bodies that
    reported all their parts, so that roll-ups recompute ratios from like-for-like sums.
    `revised`: the value differs from the report's first revision.
    """

    __tablename__ = "facts"
    # No index by body: readers look facts up by their whole key, and ingest works out a
    # revised body's facts from its revisions; keeping one cost 40% of storing a batch's
    # facts (migration 9e1f3a5c7b20).

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    metric_id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[Decimal] = mapped_column(Amount)
    revised: Mapped[bool] = mapped_column(Boolean, default=False)


class Absence(Base):
    """A body with no current `self` report in a year, under each of its ancestors then
    (itself included): the bodies missing from every metric of a roll-up, listed without
    searching the subtree. Kept for the years that have at least one `self` report."""

    __tablename__ = "absences"
    __table_args__ = (Index("ix_absences_body", "year", "jurisdiction_id"),)

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    ancestor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The absent body's code, in the key: a group's first absentees by code are the first
    # entries of an index range, with no join.
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(Integer)


class AbsenceTotal(Base):
    """How many rows `absences` holds for each ancestor and year: a group's count of absent
    bodies is then one row read, not a count over an index range (34 provinces × ~70
    absences each cost 1.4 ms of a national answer). Kept with the absences; a row may
    reach 0."""

    __tablename__ = "absence_totals"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    ancestor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    absent: Mapped[int] = mapped_column(Integer)


class Rollup(Base):
    """Facts summed over the bodies below each ancestor (its subtree without itself): kept
    equal to the on-the-fly sums. A group's total is its own fact plus this; leaving the
    body itself out means a report adds to the rows of its few ancestors only, not to a row
    of its own per metric (most bodies have nothing below them)."""

    __tablename__ = "rollups"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    metric_id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    ancestor_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[Decimal] = mapped_column(Amount)
    reporting: Mapped[int] = mapped_column(Integer)
    revised: Mapped[int] = mapped_column(Integer, default=0)


class ServiceState(Base):
    """Small counters of the whole database, e.g. the hierarchy version used in ETags."""

    __tablename__ = "service_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
