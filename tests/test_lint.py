"""The code stays clean under ruff with the settings of pyproject.toml's ``[tool.ruff]``.

ruff is part of the test extra. mypy is checked beside this, in ``tests/test_mypy_strict.py``.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ruff", "check", "--no-cache", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=ROOT)


def test_ruff_finds_nothing_to_report() -> None:
    result = _ruff("--output-format", "concise", str(ROOT))
    assert result.returncode == 0, f"ruff check found problems:\n{result.stdout}{result.stderr}"


def test_ruff_reads_the_project_settings() -> None:
    """A line is flagged past 120 columns, not at ruff's default 88: pyproject's settings apply."""
    fits = "x = " + repr("a" * 110) + "\n"
    too_long = "x = " + repr("a" * 120) + "\n"
    assert len(fits) - 1 == 116 and len(too_long) - 1 == 126
    result = _ruff("--stdin-filename", "core/_example.py", "-", stdin=fits)
    assert result.returncode == 0, result.stdout + result.stderr
    result = _ruff("--stdin-filename", "core/_example.py", "-", stdin=too_long)
    assert result.returncode == 1 and "E501" in result.stdout, result.stdout + result.stderr
