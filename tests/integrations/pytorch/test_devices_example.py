"""examples/pytorch_devices.py: executor="process" with one device per worker (CPU here)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "pytorch_devices.py"


def test_devices_example(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--n-trials", "2", "--storage", f"sqlite:///{tmp_path / 'd.db'}"],
        capture_output=True, text=True, timeout=180, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "trials: 2 on devices " in result.stdout
