"""Reading the studies of an Optuna 5.0 storage (RDB database or journal file) into albacore.

Optuna is not needed: the database is read through SQLAlchemy, the journal file as JSON lines.
"""

from albacore.storages._optuna._detect import is_optuna_source, optuna_database_error, optuna_journal_error
from albacore.storages._optuna._import import import_optuna_studies
from albacore.storages._optuna._types import OptunaStudy, read_optuna_studies

__all__ = [
    "OptunaStudy",
    "import_optuna_studies",
    "is_optuna_source",
    "optuna_database_error",
    "optuna_journal_error",
    "read_optuna_studies",
]
