"""examples/artifacts.py runs end to end with a small budget and downloads what it uploaded."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "artifacts.py"


def test_artifacts_example(tmp_path: pathlib.Path) -> None:
    out = subprocess.run(
        [sys.executable, str(EXAMPLE), "--trials", "6", "--dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=True,
    ).stdout
    assert "trials: 6, trial artifacts: 6" in out
    best = re.search(r"best trial: (\d+), artifact: predictions-(\d+)\.csv \(text/csv\), mse: ([\d.]+)", out)
    assert best is not None, out
    assert best.group(1) == best.group(2) and float(best.group(3)) < 0.5
    assert re.search(r"downloaded downloaded-predictions-\d+\.csv: \d+ bytes, identical to the upload: True", out)
    assert "study artifacts: ['summary.json']" in out
    assert len(list((tmp_path / "artifacts").iterdir())) == 7  # six trials' predictions and the summary
