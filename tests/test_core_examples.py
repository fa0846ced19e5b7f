"""The core examples run end to end with small budgets and print what they promise.

Every script under ``examples/`` must be run by a test: the core ones and the distributed
workers (on SQLite) here, the others (pruning,
framework integrations) by the test module that names them, e.g.
``tests/integrations/test_examples.py``. An example that no test names fails this suite.

(Named ``test_core_examples`` rather than ``test_examples``: test modules are imported by
basename, and ``tests/integrations/test_examples.py`` takes that one.)
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# The examples this module runs; each has a test below.
CORE_EXAMPLES = (
    "quickstart.py",
    "conditional_search_space.py",
    "ask_and_tell.py",
    "multi_objective.py",
    "distributed/run_workers.py",
)


def _run(name: str, *args: str, cwd: pathlib.Path | None = None) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True, text=True, timeout=300, cwd=cwd,
    )
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_every_example_is_run_by_some_test() -> None:
    other_tests = "\n".join(
        p.read_text() for p in (ROOT / "tests").rglob("*.py") if p.resolve() != pathlib.Path(__file__).resolve()
    )
    untested = [
        p.relative_to(EXAMPLES).as_posix() for p in sorted(EXAMPLES.rglob("*.py"))
        if p.relative_to(EXAMPLES).as_posix() not in CORE_EXAMPLES and p.name not in other_tests
    ]
    assert untested == [], f"examples that no test runs: {untested}"
    assert all((EXAMPLES / name).is_file() for name in CORE_EXAMPLES)


def test_quickstart_in_memory_finds_x_near_two() -> None:
    out = _run("quickstart.py", "--trials", "40", "--storage", "memory")
    assert "trials: 40" in out
    best_x = float(re.search(r"best x: (-?[\d.]+)", out).group(1))
    best_value = float(re.search(r"best value: ([\d.]+)", out).group(1))
    assert abs(best_x - 2) < 1.5
    assert best_value == pytest.approx((best_x - 2) ** 2, abs=1e-3)


def test_quickstart_default_sqlite_storage_continues_the_study(tmp_path: pathlib.Path) -> None:
    first = _run("quickstart.py", "--trials", "5", cwd=tmp_path)
    assert "trials: 5" in first
    assert (tmp_path / "albacore.db").is_file()
    second = _run("quickstart.py", "--trials", "5", cwd=tmp_path)
    assert "trials: 10" in second


def test_quickstart_budget_from_the_environment(tmp_path: pathlib.Path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py"), "--storage", "memory"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "ALBACORE_EXAMPLE_TRIALS": "3"},
    )
    assert result.returncode == 0, result.stderr
    assert "trials: 3" in result.stdout


def test_conditional_search_space_example() -> None:
    out = _run("conditional_search_space.py", "--trials", "15")
    families = eval(re.search(r"trials per family: (\{.*\})", out).group(1))  # noqa: S307 - our own output
    assert sum(families.values()) == 15 and set(families) <= {"linear", "tree", "knn"}
    best = eval(re.search(r"best params: (\{.*\})", out).group(1))  # noqa: S307
    expected = {"linear": {"family", "c", "penalty"}, "tree": {"family", "depth", "min_leaf"}, "knn": {"family", "k"}}
    assert set(best) == expected[best["family"]]


def test_ask_and_tell_example() -> None:
    out = _run("ask_and_tell.py", "--batches", "3", "--batch-size", "3")
    total, complete, failed = map(int, re.search(r"trials: (\d+), complete: (\d+), failed: (\d+)", out).groups())
    # The enqueued trial is picked by the first ask, so 3 batches of 3 make 9 trials.
    assert total == 9 and complete + failed == 9
    best = eval(re.search(r"best params: (\{.*\})", out).group(1))  # noqa: S307
    assert set(best) == {"x", "y"}


def test_multi_objective_example() -> None:
    out = _run("multi_objective.py", "--trials", "20")
    total, front = map(int, re.search(r"trials: (\d+), Pareto front: (\d+) trials", out).groups())
    assert total == 20 and 1 <= front <= 20
    rows = re.findall(r"f1=\s*([\d.]+) f2=\s*([\d.]+)", out)
    assert len(rows) == front
    f1 = [float(a) for a, _ in rows]
    f2 = [float(b) for _, b in rows]
    assert f1 == sorted(f1)
    assert f2 == sorted(f2, reverse=True)  # on a front, a better f1 costs a worse f2


@pytest.mark.slow
def test_distributed_workers_example_on_sqlite(tmp_path: pathlib.Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    out = _run(
        "distributed/run_workers.py", "--storage", url, "--study-name", "example-workers",
        "--n-workers", "2", "--n-trials", "6", cwd=tmp_path,
    )
    assert out.count(" done") == 2  # one line per worker
    complete = int(re.search(r"(\d+) complete trials with 2 workers", out).group(1))
    assert complete >= 6
