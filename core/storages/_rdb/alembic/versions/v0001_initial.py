"""Initial schema: studies, trials and their children.

Revision ID: v0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "v0001"
down_revision = None
branch_labels = None
depends_on = None

_NAME = sa.String(512).with_variant(
    mysql.VARCHAR(512, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
)
_JSON = sa.Text().with_variant(mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")
_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _study_fk() -> sa.ForeignKey:
    return sa.ForeignKey("albacore_studies.study_id", ondelete="CASCADE")


def _trial_fk() -> sa.ForeignKey:
    return sa.ForeignKey("albacore_trials.trial_id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "albacore_studies",
        sa.Column("study_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("study_name", _NAME, nullable=False, unique=True),
        sa.Column("next_trial_number", sa.Integer, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "albacore_study_directions",
        sa.Column("study_id", sa.Integer, _study_fk(), primary_key=True),
        sa.Column("objective", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("direction", sa.Integer, nullable=False),
    )
    op.create_table(
        "albacore_study_attrs",
        sa.Column("study_id", sa.Integer, _study_fk(), primary_key=True),
        sa.Column("kind", sa.String(1), primary_key=True),
        sa.Column("attr_key", _NAME, primary_key=True),
        sa.Column("value_json", _JSON, nullable=False),
    )
    op.create_table(
        "albacore_trials",
        sa.Column("trial_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("study_id", sa.Integer, _study_fk(), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("state", sa.Integer, nullable=False),
        sa.Column("datetime_start", _DATETIME, nullable=True),
        sa.Column("datetime_complete", _DATETIME, nullable=True),
        sa.Column("heartbeat", sa.Double, nullable=True),
        sa.UniqueConstraint("study_id", "number", name="uq_albacore_trials_study_number"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_albacore_trials_study_state", "albacore_trials", ["study_id", "state"])
    op.create_table(
        "albacore_trial_params",
        sa.Column("trial_id", sa.Integer, _trial_fk(), primary_key=True),
        sa.Column("param_name", _NAME, primary_key=True),
        sa.Column("param_value", sa.Double, nullable=False),
        sa.Column("distribution_json", _JSON, nullable=False),
    )
    for name, key in (("albacore_trial_values", "objective"), ("albacore_trial_intermediate_values", "step")):
        op.create_table(
            name,
            sa.Column("trial_id", sa.Integer, _trial_fk(), primary_key=True),
            sa.Column(key, sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("value", sa.Double, nullable=True),
            sa.Column("kind", sa.Integer, nullable=False),
        )
    op.create_table(
        "albacore_trial_attrs",
        sa.Column("trial_id", sa.Integer, _trial_fk(), primary_key=True),
        sa.Column("kind", sa.String(1), primary_key=True),
        sa.Column("attr_key", _NAME, primary_key=True),
        sa.Column("value_json", _JSON, nullable=False),
    )


def downgrade() -> None:
    for name in (
        "albacore_trial_attrs",
        "albacore_trial_intermediate_values",
        "albacore_trial_values",
        "albacore_trial_params",
        "albacore_trials",
        "albacore_study_attrs",
        "albacore_study_directions",
        "albacore_studies",
    ):
        op.drop_table(name)
