"""examples/distributed/ray_local.py runs to completion on a local Ray with 2 CPUs."""

from __future__ import annotations

import pathlib
import subprocess
import sys

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "distributed" / "ray_local.py"


def test_ray_example(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--n-trials", "4"], capture_output=True, text=True, timeout=180, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "trials: 4 on " in result.stdout
