"""Findings that later data can change: replaced as a set per revision and rule."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from sqlalchemy import CursorResult, delete, insert, update
from sqlalchemy.orm import Session

from app import models


def replace(
    session: Session, revision_id: int, rules: Collection[str], findings: list[dict[str, Any]]
) -> None:
    """The revision's findings of `rules` become `findings` (all warnings), its warning count
    following: for rules whose answer depends on other reports (an aggregate report's
    subtree, the previous year's report), which can arrive or change after it."""
    finding = models.Finding
    result = session.execute(
        delete(finding)
        .where(finding.revision_id == revision_id, finding.rule.in_(sorted(rules)))
        .execution_options(synchronize_session=False)
    )
    removed = cast(CursorResult[Any], result).rowcount
    if findings:
        session.execute(insert(finding), findings)
    if removed or findings:
        revision = models.ReportRevision
        session.execute(
            update(revision)
            .where(revision.id == revision_id)
            .values(warning_count=revision.warning_count - removed + len(findings))
            .execution_options(synchronize_session=False)
        )
