"""Each integration example runs to completion with a small budget (run side by side)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"

# example file -> (small-budget arguments, text its output must contain)
RUNS = {
    "lightgbm_pruning.py": (["--n-trials", "3"], "trials: 3"),
    "lightgbm_tuner.py": (["--time-budget", "1"], "validation accuracy:"),
    "xgboost_pruning.py": (["--n-trials", "3"], "trials: 3"),
    "sklearn_search.py": (["--n-trials", "3"], "test accuracy:"),
    "pytorch_loop.py": (["--n-trials", "2", "--epochs", "2"], "trials: 2"),
    "pytorch_lightning_pruning.py": (["--n-trials", "2", "--epochs", "2"], "trials: 2"),
    "pytorch_distributed_gloo.py": (["--n-trials", "2"], "trials: 2"),
    "keras_pruning.py": (["--n-trials", "2", "--epochs", "2"], "trials: 2"),
}


@pytest.fixture(scope="module")
def finished() -> dict[str, subprocess.CompletedProcess]:
    env = {**os.environ, "KERAS_BACKEND": "torch", "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    procs = {
        name: subprocess.Popen([sys.executable, str(EXAMPLES / name), *args], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for name, (args, _) in RUNS.items()
    }
    results = {}
    for name, proc in procs.items():
        try:
            out, err = proc.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        results[name] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return results


@pytest.mark.parametrize("name", sorted(RUNS))
def test_example_runs(finished, name) -> None:
    result = finished[name]
    assert result.returncode == 0, result.stderr[-3000:]
    assert RUNS[name][1] in result.stdout


def test_every_integration_example_is_exercised() -> None:
    for framework in ("lightgbm", "xgboost", "sklearn", "pytorch", "pytorch_lightning", "pytorch_distributed", "keras"):
        assert any(name.startswith(framework) for name in RUNS), framework
        assert (EXAMPLES / next(n for n in RUNS if n.startswith(framework))).exists()
