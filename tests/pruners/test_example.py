"""examples/pruning.py runs end to end with a small budget."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "pruning.py"


def test_pruning_example_runs_and_prunes():
    out = subprocess.run(
        [sys.executable, str(EXAMPLE), "--trials", "12", "--epochs", "4"],
        capture_output=True, text=True, timeout=300, check=True,
    ).stdout
    counts = re.search(r"trials: (\d+), complete: (\d+), pruned: (\d+)", out)
    assert counts is not None, out
    total, complete, pruned = map(int, counts.groups())
    assert total == 12 and complete + pruned == 12 and complete >= 5 and pruned >= 1
    assert re.search(r"best accuracy: 0\.\d{4}", out)
