"""roll-ups sum the bodies below each ancestor, not the ancestor itself

Revision ID: 8b2d4e6f1a3c
Revises: 3f1a2c9d8e7b
Create Date: 2026-11-27 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "8b2d4e6f1a3c"
down_revision: str | None = "3f1a2c9d8e7b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# app.services.hierarchy.rebuild_rollups, with the closure's depths that each definition
# counts: depth > 0 now, every depth before.
REBUILD = """
INSERT INTO rollups (year, metric_id, ancestor_id, value, reporting, revised)
SELECT f.year, f.metric_id, c.ancestor_id, SUM(f.value), COUNT(*),
       SUM(CASE WHEN f.revised THEN 1 ELSE 0 END)
FROM facts f
JOIN closure c ON c.descendant_id = f.jurisdiction_id AND c.lo <= f.year AND c.hi >= f.year
WHERE c.depth >= {depth}
GROUP BY f.year, f.metric_id, c.ancestor_id
"""


def upgrade() -> None:
    op.execute("DELETE FROM rollups")
    op.execute(REBUILD.format(depth=1))


def downgrade() -> None:
    op.execute("DELETE FROM rollups")
    op.execute(REBUILD.format(depth=0))
