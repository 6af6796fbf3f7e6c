"""absence_totals: the number of absences per year and ancestor

Revision ID: 7d4b2e8f6a10
Revises: 5c7e9a1b3d2f
Create Date: 2026-11-28 04:30:00

Aggregates compare each group's count of absent bodies with its missing count per metric;
counting them from `absences` on every request cost more than the rest of the statement.
Filled from the absences already stored.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d4b2e8f6a10"
down_revision: str | None = "5c7e9a1b3d2f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL = """
INSERT INTO absence_totals (year, ancestor_id, absent)
SELECT year, ancestor_id, count(*) FROM absences GROUP BY year, ancestor_id"""


def upgrade() -> None:
    op.create_table(
        "absence_totals",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("ancestor_id", sa.Integer(), nullable=False),
        sa.Column("absent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "ancestor_id", name=op.f("pk_absence_totals")),
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table("absence_totals")
