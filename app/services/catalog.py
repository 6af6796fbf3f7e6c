"""The catalog as the database sees it: metric keys mapped to their small ids."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import catalog, models
from app.errors import NotFound


def sync_metrics(session: Session) -> None:
    """Give every catalog key an id; ids are never reused, keys never deleted."""
    known = set(session.scalars(select(models.Metric.key)))
    keys = [*catalog.metrics(), *catalog.internal_keys()]
    session.add_all(models.Metric(key=key) for key in keys if key not in known)
    session.flush()


# Ids never change once given (keys are never deleted, ids never reused), so each process
# reads them once per database; a database synced by a newer catalog is read again.
_IDS: dict[str, dict[str, int]] = {}


def metric_ids(session: Session) -> dict[str, int]:
    """Every metric key (catalog and internal) with its id in this database."""
    database = session.get_bind().engine.url.render_as_string(hide_password=False)
    known = _IDS.get(database)
    if known is None or len(known) < len(catalog.metrics()) + len(catalog.internal_keys()):
        rows = session.execute(select(models.Metric.id, models.Metric.key))
        known = _IDS[database] = {key: id_ for id_, key in rows}
    return known


def get_metric(key: str) -> catalog.Metric:
    metric = catalog.get(key)
    if metric is None:
        raise NotFound(f"No metric {key!r} in the catalog", metric=key)
    return metric


def list_metrics(report_format: str | None, section: str | None) -> list[catalog.Metric]:
    return [
        metric
        for metric in catalog.metrics().values()
        if (report_format is None or report_format in metric.formats)
        and (section is None or metric.section == section)
    ]
