"""The code stays clean under ruff with the settings of pyproject.toml's ``[tool.ruff]``.

ruff is part of the test extra. mypy is not checked here yet: ``python .ci/mypy`` still
reports errors (see CONTRIBUTING.md); once it is clean, a test beside this one keeps it so.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing_to_report() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", str(ROOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, f"ruff check found problems:\n{result.stdout}{result.stderr}"


def test_ruff_reads_the_project_settings() -> None:
    """A long line is flagged at 121 columns, not at ruff's default 88: pyproject's settings apply."""
    code = "x = " + repr("a" * 110) + "\n"
    assert len(code.rstrip("\n")) == 116
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--stdin-filename", "core/_example.py", "-"],
        input=code,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    too_long = "x = " + repr("a" * 120) + "\n"
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--stdin-filename", "core/_example.py", "-"],
        input=too_long,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1 and "E501" in result.stdout, result.stdout + result.stderr
