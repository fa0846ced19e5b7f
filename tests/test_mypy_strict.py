"""The package stays clean under ``mypy --strict`` with the settings of pyproject.toml's
``[tool.mypy]``, checked through ``.ci/mypy`` as a developer runs it.

mypy is part of the test extra (pinned in constraints.txt: a new release may report new
errors). Each run writes mypy's cache under its own temporary folder, so parallel pytest
workers and a developer's ``.mypy_cache`` never share one.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_mypy_strict_finds_nothing_to_report(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (pip install -c constraints.txt -e '.[test]')")
    # --strict as well as pyproject's strict = true: relaxing the settings does not pass here.
    command = [sys.executable, str(ROOT / ".ci" / "mypy"), "--strict", "--cache-dir", str(tmp_path / "mypy_cache")]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, f"mypy --strict found problems:\n{result.stdout}{result.stderr}"
    assert "Success: no issues found" in result.stdout, result.stdout + result.stderr
