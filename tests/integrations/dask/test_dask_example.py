"""examples/distributed/dask_local_cluster.py runs to completion on a 2-worker LocalCluster."""

from __future__ import annotations

import pathlib
import subprocess
import sys

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "distributed" / "dask_local_cluster.py"


def test_dask_example(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--n-workers", "2", "--n-trials", "6"],
        capture_output=True, text=True, timeout=180, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "trials: 6 on " in result.stdout
