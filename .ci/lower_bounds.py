"""CI step: the lowest versions that pyproject.toml allows still work.

In one fresh virtual environment this installs albacore three times, each time with every
declared lower bound of the installed extras pinned (``numpy>=1.23`` becomes ``numpy==1.23.*``,
``plotly>=5`` becomes ``plotly==5``) and runs the tests that depend on those packages:

1. the core install alone (no extras): the default sampler's whole path, CMA-ES included;
2. the extras of ``SKLEARN_1_2_STAGE`` on top of it (they declare ``scikit-learn>=1.2``, so
   they are tested at scikit-learn 1.2 before step 3 raises it to the sklearn extra's 1.6),
   with the database drivers, which their tests need;
3. every other extra of ``EXTRA_TESTS`` (fastai excepted, see below): their tests.

A bound that no longer holds (an API the code needs arrived later) fails here, not on a
user's machine. A package that constraints.txt pins is installed at that pin, not at its lower
bound: torch is tested at the CPU build there only (PyPI's Linux torch 2.0 wheels are CUDA
builds of several GB), so ``torch>=2.0`` is declared, not tested. The fastai extra is left out:
it needs a torchvision built for that CPU torch, which PyPI does not have.

Run from the repository root with the servers' environment variables of the README's Testing
section set: ``python .ci/lower_bounds.py [VENV_DIR]``.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import tempfile
import time

import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]

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
#: Every extra whose lower bounds are tested, and its own tests.
EXTRA_TESTS: dict[str, tuple[str, ...]] = {
    "pandas": ("tests/study/test_dataframe.py",),
    "postgresql": ("tests/storages/test_rdb.py",),
    "mysql": ("tests/storages/test_rdb.py",),
    "redis": ("tests/storages/test_journal.py", "tests/storages/test_storage_contract.py"),
    "torch": ("tests/integrations/pytorch", "tests/integrations/pytorch_distributed"),
    "lightgbm": ("tests/integrations/lightgbm",),
    "xgboost": ("tests/integrations/xgboost",),
    "sklearn": ("tests/integrations/sklearn",),
    "importance": ("tests/importance",),
    "visualization": ("tests/visualization",),
    "lightning": ("tests/integrations/pytorch_lightning",),
    "keras": ("tests/integrations/keras",),
    "mlflow": ("tests/integrations/mlflow",),
    "wandb": ("tests/integrations/wandb",),
    "tensorboard": ("tests/integrations/tensorboard",),
    "catboost": ("tests/integrations/catboost",),
    "ignite": ("tests/integrations/pytorch_ignite",),
    "skorch": ("tests/integrations/skorch",),
    "shap": ("tests/integrations/shap",),
    "s3": ("tests/artifacts",),
    "gcs": ("tests/artifacts",),
    "dashboard": ("tests/dashboard",),
    "dask": ("tests/integrations/dask",),
    "ray": ("tests/integrations/ray",),
    "grpc": ("tests/storages/test_grpc_proxy.py",),
}
#: Extras that declare scikit-learn>=1.2: step 2 tests them there, with the database drivers
#: (the dashboard's tests serve every storage; the drivers stay installed for step 3).
SKLEARN_1_2_STAGE = ("postgresql", "mysql", "redis", "importance", "shap", "lightgbm", "dashboard")
#: Tests left out: the browser tests drive Chromium through Playwright (a test tool, no extra).
IGNORED_TESTS = ("tests/dashboard/test_browser.py",)
#: Test tools (not pinned to their lowest), and those an extra's tests need besides: the local
#: S3 and GCS servers of the artifacts tests.
TEST_TOOLS = ("pytest", "pytest-timeout", "pytest-xdist")
EXTRA_TEST_TOOLS = {"s3": ("moto[server]",), "gcs": ("gcp-storage-emulator",), "dashboard": ("httpx",)}

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9._-]+)(\[[^\]]*\])?\s*>=\s*([0-9][0-9.]*)\s*(,.*)?$")
_PIN = re.compile(r"^\s*([A-Za-z0-9._-]+)\s*==")


def lowest_pins(requirements: list[str], pinned: frozenset[str] = frozenset()) -> dict[str, str]:
    """``name -> pin`` for each ``name>=X.Y`` (the highest bound when a name repeats).

    Names in ``pinned`` (those constraints.txt pins) are left to that pin.
    """
    bounds: dict[str, tuple[int, ...]] = {}
    for requirement in requirements:
        match = _REQUIREMENT.match(requirement.split(";")[0].split("#")[0])
        if match is None or match.group(1).lower() in {"albacore", *pinned}:
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
    started = time.monotonic()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    optional = project["optional-dependencies"]
    missing = sorted(set(optional) - set(EXTRA_TESTS) - {"all", "all-but-xgboost", "test", "fastai"})
    if missing:
        sys.exit(f"lower_bounds: extras without tests here: {missing}; add them to EXTRA_TESTS")
    constrained = frozenset(
        m.group(1).lower() for line in (ROOT / "constraints.txt").read_text().splitlines() if (m := _PIN.match(line))
    )
    core = list(project["dependencies"])
    venv_dir = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(tempfile.mkdtemp()) / "venv"
    run(sys.executable, "-m", "venv", "--clear", str(venv_dir))
    python = str(venv_dir / "bin" / "python")
    pins = pathlib.Path(venv_dir) / "lower-bounds.txt"
    # A non-editable install: the tests import albacore from the venv, not from the tree.
    pytest = (python, "-m", "pytest", "-q", "-n", "2", "-p", "no:cacheprovider", "--rootdir", str(ROOT))
    pytest += tuple(f"--ignore={path}" for path in IGNORED_TESTS)
    later = tuple(extra for extra in EXTRA_TESTS if extra not in SKLEARN_1_2_STAGE)
    stages = (("the core", (), CORE_TESTS), *((", ".join(e), e, ()) for e in (SKLEARN_1_2_STAGE, later)))
    for label, extras, tests in stages:
        requirements = core + [r for extra in extras for r in optional[extra]]
        pins.write_text("\n".join(lowest_pins(requirements, constrained).values()) + "\n")
        print(f"lower bounds of {label}: {pins.read_text().split()}", flush=True)
        target = f".[{','.join(extras)}]" if extras else "."
        tools = TEST_TOOLS + tuple(tool for extra in extras for tool in EXTRA_TEST_TOOLS.get(extra, ()))
        run(python, "-m", "pip", "install", "-q", "-c", str(pins), "-c", "constraints.txt", target, *tools)
        tests = tests or tuple(dict.fromkeys(t for extra in extras for t in EXTRA_TESTS[extra]))
        # Two sessions: tests/importance imports its own conftest module by name, which
        # tests/integrations/conftest.py would shadow in one session.
        for group in (
            [t for t in tests if not t.startswith("tests/integrations/")],
            [t for t in tests if t.startswith("tests/integrations/")],
        ):
            if group:
                run(*pytest, *group)
    print(f"lower_bounds: passed in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
