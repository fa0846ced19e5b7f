"""examples/param_importances.py runs and prints an importance per hyperparameter."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "param_importances.py"


def test_param_importances_example_prints_normalized_importances() -> None:
    result = subprocess.run([sys.executable, str(EXAMPLE), "--trials", "30"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    blocks = result.stdout.split("importances (")[1:]
    assert [b.split(")")[0] for b in blocks] == ["PED-ANOVA", "fANOVA"]
    for block in blocks:
        values = dict(re.findall(r"^\s+(\w+)\s+([0-9.]+)$", block, flags=re.M))
        assert set(values) == {"max_depth", "min_samples_leaf", "criterion", "ccp_alpha"}
        assert abs(sum(float(v) for v in values.values()) - 1.0) < 0.01
