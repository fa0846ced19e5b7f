"""examples/terminator.py runs and the terminator stops the search before its budget."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "terminator.py"


def test_terminator_example_stops_before_the_budget() -> None:
    result = subprocess.run([sys.executable, str(EXAMPLE), "--max-trials", "80"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    stopped = re.search(r"stopped after (\d+) of at most 80 trials", result.stdout)
    assert stopped is not None, result.stdout
    assert 20 <= int(stopped.group(1)) < 80
    assert re.search(r"best accuracy 0\.9\d+", result.stdout), result.stdout
