"""albacore's public API against Optuna 5.0's and optuna-integration 5.0's, module by module.

Every difference ``_compare`` finds must be explained by an entry of ``allowlist.ALLOWED``,
every entry must still match a difference, and the README's "Differences from Optuna"
section carries the allow-list (regenerate it with ``python tests/compat/allowlist.py``).
"""

from __future__ import annotations

import functools
import os
import pathlib
import warnings

import _compare  # noqa: E402 - sibling modules of this test (pytest puts this folder on sys.path)
import allowlist
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")

CORE_MODULES = (
    "", ".study", ".trial", ".distributions", ".samplers", ".samplers.nsgaii", ".pruners",
    ".storages", ".storages.journal", ".exceptions", ".logging", ".search_space",
    ".visualization", ".visualization.matplotlib", ".importance", ".terminator", ".artifacts",
    ".artifacts.exceptions",
)
# optuna_integration.<framework> -> albacore.integrations.<module>, for every framework both cover.
FRAMEWORKS = {
    "catboost": "catboost", "fastaiv2": "fastai", "keras": "keras", "lightgbm": "lightgbm",
    "mlflow": "mlflow", "pytorch_distributed": "pytorch_distributed",
    "pytorch_ignite": "pytorch_ignite", "pytorch_lightning": "pytorch_lightning", "shap": "shap",
    "sklearn": "sklearn", "skorch": "skorch", "tensorboard": "tensorboard", "wandb": "wandb",
    "xgboost": "xgboost",
}
MODULE_PAIRS = (
    *((f"optuna{m}", f"albacore{m}") for m in CORE_MODULES),
    ("optuna.integration", "albacore.integrations"),
    *((f"optuna_integration.{o}", f"albacore.integrations.{a}") for o, a in FRAMEWORKS.items()),
)

# Classes whose instances set public attributes on themselves (storage.engine, trial.values):
# Optuna module -> name -> factory(module), called once with Optuna's module, once with albacore's.
INSTANCES = {
    "optuna": {"Study": lambda m: m.create_study()},
    "optuna.study": {"Study": lambda m: m.create_study()},
    "optuna.trial": {"FrozenTrial": lambda m: m.create_trial(value=1.0)},
    "optuna.storages": {
        "InMemoryStorage": lambda m: m.InMemoryStorage(),
        "RDBStorage": lambda m: m.RDBStorage("sqlite:///:memory:"),
    },
}


@functools.cache
def differences() -> tuple[str, ...]:
    import optuna.cli

    import albacore.cli._main

    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna warns on touching its deprecated names
        for optuna_name, albacore_name in MODULE_PAIRS:
            found.extend(_compare.compare_modules(optuna_name, albacore_name, INSTANCES.get(optuna_name)))
        found.extend(_compare.compare_cli(optuna.cli._get_parser()[0], albacore.cli._main.build_parser()))
    return tuple(found)


def test_every_difference_from_optuna_is_explained() -> None:
    unexplained = [d for d in differences() if allowlist.reason_for(d) is None]
    assert unexplained == [], "fix these or add them, with a reason, to tests/compat/allowlist.py"


def test_every_allowlist_entry_still_matches_a_difference() -> None:
    stale = [p for p in allowlist.ALLOWED if not any(allowlist.matches(p, d) for d in differences())]
    assert stale == [], "these no longer differ from Optuna: remove them from tests/compat/allowlist.py"


def test_readme_lists_the_allowlist() -> None:
    assert allowlist.readme_block() in allowlist.README.read_text(), (
        "README's allow-list block is out of date: run python tests/compat/allowlist.py"
    )


def test_readme_lists_the_behaviour_differences_of_the_twins() -> None:
    twins = sorted(p.stem for p in pathlib.Path(__file__).parent.glob("test_twins_*.py"))
    assert sorted(allowlist.TWINS) == twins, "list every twin module in allowlist.TWINS"
    assert allowlist.behaviour_block() in allowlist.README.read_text(), (
        "README's behaviour block is out of date: run python tests/compat/allowlist.py"
    )


@pytest.mark.parametrize(
    ("pattern", "line", "expected"),
    [
        ("optuna.study.Study: missing", "optuna.study.Study: missing", True),
        ("optuna.study.*: missing", "optuna.study.StudyDirection: missing", True),
        ("optuna.study.*: missing", "optuna.study.Study: missing parameter 'x'", False),
        ("optuna.a: positional parameters are ['x']", "optuna.a: positional parameters are ['x']", True),
    ],
)
def test_allowlist_patterns_match_whole_lines_with_star_as_the_only_wildcard(
    pattern: str, line: str, expected: bool
) -> None:
    assert allowlist.matches(pattern, line) is expected
