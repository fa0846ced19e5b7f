"""albacore: define-by-run hyperparameter optimization.

Example:
    .. code-block:: python

        import albacore

        def objective(trial):
            x = trial.suggest_float("x", -10, 10)
            return (x - 2) ** 2

        study = albacore.create_study()
        study.optimize(objective, n_trials=100)
        print(study.best_params)
"""

from __future__ import annotations

import importlib
from typing import Any

from albacore import distributions, exceptions, logging, trial
from albacore._study_types import StudyDirection
from albacore.exceptions import TrialPruned
from albacore.study import (
    Study,
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from albacore.trial import Trial, create_trial

__version__ = "0.1.0"

# Subpackages imported on first attribute access (PEP 562) to keep `import albacore` light.
_LAZY_SUBMODULES = (
    "artifacts",
    "cli",
    "dashboard",
    "hypervolume",
    "importance",
    "integrations",
    "pruners",
    "samplers",
    "search_space",
    "storages",
    "study",
    "terminator",
    "testing",
    "visualization",
)

__all__ = [
    "Study",
    "StudyDirection",
    "Trial",
    "TrialPruned",
    "__version__",
    "copy_study",
    "create_study",
    "create_trial",
    "delete_study",
    "distributions",
    "exceptions",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
    "logging",
    "trial",
    *_LAZY_SUBMODULES,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY_SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY_SUBMODULES))
