"""CI step: the lowest versions that pyproject.toml allows still work.

In a fresh virtual environment this installs albacore twice, each time with every declared
lower bound pinned (``numpy>=1.23`` becomes ``numpy==1.23.*``, ``xgboost>=2.0`` becomes
``xgboost==2.0.*``) and runs the tests that depend on those packages:

1. the core install alone (no extras): the default sampler's whole path, CMA-ES included;
2. the extras in ``EXTRAS`` on top of it: their integrations' tests.

A bound that no longer holds (an API the code needs arrived later) fails here, not on a
user's machine. Run from the repository root: ``python .ci/lower_bounds.py [VENV_DIR]``.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import tempfile
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: Extras whose lower bounds are installed in step 2, and the tests that exercise them.
EXTRAS = ("sklearn", "xgboost", "lightgbm", "pandas")
EXTRA_TESTS = (
    "tests/integrations/sklearn",
    "tests/integrations/xgboost",
    "tests/integrations/lightgbm",
    "tests/study/test_dataframe.py",
)
#: Core tests of step 1: the default sampler through its handover to CMA-ES, the loop, imports.
CORE_TESTS = (
    "tests/samplers/test_auto.py",
    "tests/samplers/test_cmaes.py",
    "tests/samplers/test_gp.py",
    "tests/samplers/test_tpe_parzen.py",
    "tests/study/test_optimize.py",
    "tests/test_distributions.py",
    "tests/test_imports.py",
)
TEST_TOOLS = ("pytest", "pytest-timeout", "pytest-xdist")

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9._-]+)(\[[^\]]*\])?\s*>=\s*([0-9][0-9.]*)\s*$")


def lowest_pins(requirements: list[str]) -> dict[str, str]:
    """``name -> pin`` for each ``name>=X.Y`` (the highest bound when a name repeats)."""
    bounds: dict[str, tuple[int, ...]] = {}
    for requirement in requirements:
        match = _REQUIREMENT.match(requirement.split(";")[0].split("#")[0])
        if match is None or match.group(1).lower() == "albacore":
            continue
        name, version = match.group(1).lower(), tuple(int(p) for p in match.group(3).split("."))
        bounds[name] = max(bounds.get(name, version), version)
    # X.Y -> the newest X.Y.* (a patch release fixes, it does not add what the code needs)
    return {
        name: f"{name}=={'.'.join(map(str, v))}.*" if len(v) == 2 else f"{name}=={'.'.join(map(str, v))}"
        for name, v in bounds.items()
    }


def run(*command: str) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=True)


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = list(project["dependencies"])
    extras = [r for extra in EXTRAS for r in project["optional-dependencies"][extra]]
    venv_dir = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(tempfile.mkdtemp()) / "venv"
    run(sys.executable, "-m", "venv", "--clear", str(venv_dir))
    python = str(venv_dir / "bin" / "python")
    pins = pathlib.Path(venv_dir) / "lower-bounds.txt"
    # A non-editable install: the tests import albacore from the venv, not from the tree.
    pytest = (python, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider", "--rootdir", str(ROOT))

    pins.write_text("\n".join(lowest_pins(core).values()) + "\n")
    print(f"core lower bounds: {pins.read_text().split()}", flush=True)
    run(python, "-m", "pip", "install", "-q", "-c", str(pins), "-c", "constraints.txt", ".", *TEST_TOOLS)
    run(*pytest, *CORE_TESTS)

    pins.write_text("\n".join(lowest_pins(core + extras).values()) + "\n")
    print(f"lower bounds with {', '.join(EXTRAS)}: {pins.read_text().split()}", flush=True)
    run(python, "-m", "pip", "install", "-q", "-c", str(pins), "-c", "constraints.txt", f".[{','.join(EXTRAS)}]")
    run(*pytest, *EXTRA_TESTS)


if __name__ == "__main__":
    main()
