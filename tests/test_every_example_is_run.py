"""Every script in examples/ is run by some test (the tests that run them name the file)."""

from __future__ import annotations

import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _test_sources() -> str:
    return "\n".join(p.read_text() for p in (ROOT / "tests").rglob("*.py") if p.name != pathlib.Path(__file__).name)


def test_every_example_script_is_named_by_a_test() -> None:
    sources = _test_sources()
    scripts = sorted(p.relative_to(ROOT / "examples") for p in (ROOT / "examples").rglob("*.py"))
    assert scripts, "examples/ holds no scripts"
    unrun = [str(s) for s in scripts if f'"{s.name}"' not in sources and f'"{s.as_posix()}"' not in sources]
    assert unrun == [], "add a test that runs these examples (tests name the script they run)"
