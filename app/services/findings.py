"""Findings that later data can change: replaced as a set per revision and rule."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.orm import Session

from app import models


def replace(
    session: Session, revision_id: int, rules: Collection[str], findings: list[dict[str, Any]]
) -> None:
    """The revision's findings of `rules` become `findings`, its error and warning counts
    following: for rules whose answer depends on other reports (an aggregate report's
    subtree, the previous year's report), which can arrive or change after it."""
    finding = models.Finding
    removed = session.execute(
        delete(finding)
        .where(finding.revision_id == revision_id, finding.rule.in_(sorted(rules)))
        .returning(finding.severity)
        .execution_options(synchronize_session=False)
    ).scalars()
    change = Counter(f["severity"] for f in findings)
    change.subtract(removed)
    if findings:
        session.execute(insert(finding), findings)
    errors, warnings = change["error"], sum(n for s, n in change.items() if s != "error")
    if errors or warnings:
        revision = models.ReportRevision
        session.execute(
            update(revision)
            .where(revision.id == revision_id)
            .values(
                error_count=revision.error_count + errors,
                warning_count=revision.warning_count + warnings,
            )
            .execution_options(synchronize_session=False)
        )
