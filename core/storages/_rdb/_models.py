"""The RDB schema, as SQLAlchemy Core tables (head revision of the bundled migrations).

Every table is prefixed ``albacore_`` so that albacore can share a database with other
applications (including Optuna, whose tables have unprefixed names). Floats that may be
infinite or NaN are stored as a nullable DOUBLE plus a small ``kind`` column, because MySQL
and MariaDB store neither infinities nor NaN.
"""

from __future__ import annotations

import math

from sqlalchemy import (
    Column,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql

# Alembic keeps its revision here (not in the default ``alembic_version``, which Optuna uses).
VERSION_TABLE = "albacore_alembic_version"

metadata = MetaData()

# Names compare exactly (MySQL's default collations ignore case), in UTF-8 on every server.
_NAME = String(512).with_variant(mysql.VARCHAR(512, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")
_JSON = Text().with_variant(mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")
DATETIME = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

studies = Table(
    "albacore_studies",
    metadata,
    Column("study_id", Integer, primary_key=True, autoincrement=True),
    Column("study_name", _NAME, nullable=False, unique=True),
    # The next trial number; incremented in the transaction that creates a trial, which
    # serializes trial creation per study and keeps numbers gapless.
    Column("next_trial_number", Integer, nullable=False, default=0),
    sqlite_autoincrement=True,  # ids are never reused: caches are keyed by them
)

study_directions = Table(
    "albacore_study_directions",
    metadata,
    Column("study_id", Integer, ForeignKey("albacore_studies.study_id", ondelete="CASCADE"), primary_key=True),
    Column("objective", Integer, primary_key=True, autoincrement=False),
    Column("direction", Integer, nullable=False),
)

# kind: "u" user attribute, "s" system attribute.
study_attrs = Table(
    "albacore_study_attrs",
    metadata,
    Column("study_id", Integer, ForeignKey("albacore_studies.study_id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(1), primary_key=True),
    Column("attr_key", _NAME, primary_key=True),
    Column("value_json", _JSON, nullable=False),
)

trials = Table(
    "albacore_trials",
    metadata,
    Column("trial_id", Integer, primary_key=True, autoincrement=True),
    Column("study_id", Integer, ForeignKey("albacore_studies.study_id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("state", Integer, nullable=False),
    Column("datetime_start", DATETIME, nullable=True),
    Column("datetime_complete", DATETIME, nullable=True),
    # Seconds since the epoch of the last heartbeat of a RUNNING trial (None: never beat).
    Column("heartbeat", Double, nullable=True),
    UniqueConstraint("study_id", "number", name="uq_albacore_trials_study_number"),
    Index("ix_albacore_trials_study_state", "study_id", "state"),
    sqlite_autoincrement=True,
)

trial_params = Table(
    "albacore_trial_params",
    metadata,
    Column("trial_id", Integer, ForeignKey("albacore_trials.trial_id", ondelete="CASCADE"), primary_key=True),
    Column("param_name", _NAME, primary_key=True),
    Column("param_value", Double, nullable=False),
    Column("distribution_json", _JSON, nullable=False),
)

trial_values = Table(
    "albacore_trial_values",
    metadata,
    Column("trial_id", Integer, ForeignKey("albacore_trials.trial_id", ondelete="CASCADE"), primary_key=True),
    Column("objective", Integer, primary_key=True, autoincrement=False),
    Column("value", Double, nullable=True),
    Column("kind", Integer, nullable=False),
)

trial_intermediate_values = Table(
    "albacore_trial_intermediate_values",
    metadata,
    Column("trial_id", Integer, ForeignKey("albacore_trials.trial_id", ondelete="CASCADE"), primary_key=True),
    Column("step", Integer, primary_key=True, autoincrement=False),
    Column("value", Double, nullable=True),
    Column("kind", Integer, nullable=False),
)

trial_attrs = Table(
    "albacore_trial_attrs",
    metadata,
    Column("trial_id", Integer, ForeignKey("albacore_trials.trial_id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(1), primary_key=True),
    Column("attr_key", _NAME, primary_key=True),
    Column("value_json", _JSON, nullable=False),
)

# Child tables of a trial, deleted explicitly (not only by cascade: SQLite may run without
# foreign-key enforcement).
TRIAL_CHILD_TABLES = (trial_params, trial_values, trial_intermediate_values, trial_attrs)

# Float kinds.
FINITE, POS_INF, NEG_INF, NAN = 0, 1, 2, 3


def encode_float(value: float) -> tuple[float | None, int]:
    """Split a float into the (DOUBLE column, kind column) pair."""
    if math.isnan(value):
        return None, NAN
    if math.isinf(value):
        return None, POS_INF if value > 0 else NEG_INF
    return value, FINITE


def decode_float(value: float | None, kind: int) -> float:
    """Inverse of :func:`encode_float`."""
    if kind == FINITE:
        return float(value)  # type: ignore[arg-type]
    if kind == POS_INF:
        return math.inf
    if kind == NEG_INF:
        return -math.inf
    return math.nan
