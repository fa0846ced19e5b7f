"""examples/fastai_pruning.py runs to completion with a small budget.

It runs here rather than in tests/integrations/test_examples.py because fastai is an extra
outside ``all`` that the README's test command installs on its own (see
test_fastai_callback.py); the example runs the same way, in this process through ``runpy``.
"""

from __future__ import annotations

import pathlib
import runpy
import sys

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "fastai_pruning.py"


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
def test_example_runs(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE), "--n-trials", "2", "--epochs", "2"])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    assert "trials: 2" in capsys.readouterr().out
