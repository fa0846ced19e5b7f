"""Each integration example runs to completion with a small budget.

The examples run in this process (through ``runpy``, as ``__main__``) so the frameworks the
other integration tests imported are not imported again; the torch.distributed example,
which spawns processes that must re-import it, runs in a subprocess.
"""

from __future__ import annotations

import os
import pathlib
import runpy
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"

# example file -> (small-budget arguments, text its output must contain)
RUNS = {
    "lightgbm_pruning.py": (["--n-trials", "3"], "trials: 3"),
    "lightgbm_tuner.py": (["--time-budget", "1"], "validation accuracy:"),
    "xgboost_pruning.py": (["--n-trials", "3", "--rounds", "20"], "trials: 3"),
    "sklearn_search.py": (["--n-trials", "3"], "test accuracy:"),
    "pytorch_loop.py": (["--n-trials", "2", "--epochs", "2"], "trials: 2"),
    "pytorch_lightning_pruning.py": (["--n-trials", "2", "--epochs", "2"], "trials: 2"),
    "keras_pruning.py": (["--n-trials", "2", "--epochs", "2"], "trials: 2"),
    "catboost_pruning.py": (["--n-trials", "3", "--iterations", "20"], "trials: 3"),
    "pytorch_ignite_pruning.py": (["--n-trials", "2", "--epochs", "2"], "trials: 2"),
    "skorch_pruning.py": (["--n-trials", "2", "--epochs", "2"], "trials: 2"),
    "shap_importance.py": (["--n-trials", "10"], "trials: 10"),
    "mlflow_tracking.py": (["--n-trials", "3", "--epochs", "2"], "trials: 3; MLflow runs: 3"),
    "wandb_tracking.py": (["--n-trials", "2", "--epochs", "2"], "trials: 2; W&B runs"),
    "tensorboard_tracking.py": (["--n-trials", "3", "--epochs", "2"], "trials: 3; TensorBoard runs: 3"),
}
SUBPROCESS_RUNS = {"pytorch_distributed_gloo.py": (["--n-trials", "2"], "trials: 2")}


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
@pytest.mark.parametrize("name", sorted(RUNS))
def test_example_runs(name, monkeypatch, capsys) -> None:
    args, expected = RUNS[name]
    monkeypatch.setattr(sys, "argv", [str(EXAMPLES / name), *args])
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    assert expected in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(SUBPROCESS_RUNS))
def test_example_runs_in_a_subprocess(name) -> None:
    args, expected = SUBPROCESS_RUNS[name]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    result = subprocess.run([sys.executable, str(EXAMPLES / name), *args], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert expected in result.stdout


def test_every_integration_has_an_example() -> None:
    names = set(RUNS) | set(SUBPROCESS_RUNS)
    for framework in (
        "lightgbm",
        "xgboost",
        "sklearn",
        "pytorch_loop",
        "pytorch_lightning",
        "pytorch_distributed",
        "keras",
        "catboost",
        "pytorch_ignite",
        "skorch",
        "shap",
        "mlflow",
        "wandb",
        "tensorboard",
    ):
        assert any(name.startswith(framework) for name in names), framework
    assert all((EXAMPLES / name).exists() for name in names)
