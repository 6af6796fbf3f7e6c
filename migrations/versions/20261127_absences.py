"""absences: bodies without a self report, per year and ancestor

Revision ID: 3f1a2c9d8e7b
Revises: 67c7b189bfe3
Create Date: 2026-11-27 21:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f1a2c9d8e7b"
down_revision: str | None = "67c7b189bfe3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same rows as app.services.hierarchy.rebuild_absences, for databases that already hold
# reports when they are upgraded: every body of every year with reports, then those
# reporting struck out.
FILL = (
    """
INSERT INTO absences (year, ancestor_id, code, jurisdiction_id)
SELECT y.year, c.ancestor_id, j.code, c.descendant_id
FROM (SELECT DISTINCT year FROM reports WHERE scope = 'self' AND revision > 0) y
JOIN closure c ON c.lo <= y.year AND c.hi >= y.year
JOIN jurisdictions j ON j.id = c.descendant_id
""",
    """
DELETE FROM absences WHERE EXISTS (
    SELECT 1 FROM reports r
    WHERE r.jurisdiction_id = absences.jurisdiction_id AND r.year = absences.year
      AND r.scope = 'self' AND r.revision > 0)
""",
)


def upgrade() -> None:
    op.create_table(
        "absences",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("ancestor_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("jurisdiction_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "ancestor_id", "code", name=op.f("pk_absences")),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index("ix_absences_body", ["year", "jurisdiction_id"], unique=False)
    for statement in FILL:
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index("ix_absences_body")
    op.drop_table("absences")
