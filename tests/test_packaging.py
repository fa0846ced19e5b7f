"""`pip install .` gives a working package: build a wheel, install it into a fresh venv, import it.

The venv sees the system site-packages (numpy, scipy, ... are installed there and the
machine may be offline), but albacore itself must come from the wheel installed in the
venv, not from the source tree or the editable install.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import sys
import venv
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    # Build from a clean copy of the sources: setuptools reuses a stale build/ folder, and
    # building in place would write into the shared working tree.
    source = tmp_path_factory.mktemp("source") / "albacore"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", "build", "dist", "*.egg-info", "__pycache__", ".venv", "*.db", "lightning_logs"
        ),
    )
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    wheels = list(out.glob("albacore-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_contains_the_package_its_data_and_the_integrations(wheel: pathlib.Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "albacore/__init__.py",
        "albacore/py.typed",
        "albacore/study/study.py",
        "albacore/testing/samplers.py",
        "albacore/integrations/__init__.py",
    ):
        assert required in names, f"{required} missing from {wheel.name}"
    sources = {
        p.relative_to(ROOT / "core").as_posix() for p in (ROOT / "core").rglob("*") if p.suffix in (".mako", ".ini")
    }
    for data in sources:
        assert f"albacore/{data}" in names, f"package data albacore/{data} missing from {wheel.name}"
    assert not any(n.startswith(("core/", "integrations/", "tests/")) for n in names)


def test_wheel_installs_into_a_fresh_venv_and_imports(wheel: pathlib.Path, tmp_path: pathlib.Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    code = (
        "import json, albacore, albacore.integrations, albacore.samplers, albacore.storages\n"
        "albacore.logging.set_verbosity(albacore.logging.WARNING)\n"
        "study = albacore.create_study()\n"
        "study.optimize(lambda t: (t.suggest_float('x', -10, 10) - 2) ** 2, n_trials=5)\n"
        "print(json.dumps({'albacore': albacore.__file__, 'integrations': albacore.integrations.__file__,"
        " 'version': albacore.__version__, 'n': len(study.trials)}))\n"
    )
    run = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    info = json.loads(run.stdout.strip().splitlines()[-1])
    venv_root = env_dir.resolve()
    assert pathlib.Path(info["albacore"]).resolve().is_relative_to(venv_root), info
    assert pathlib.Path(info["integrations"]).resolve().is_relative_to(venv_root), info
    assert not pathlib.Path(info["albacore"]).resolve().is_relative_to(ROOT), info
    assert info["n"] == 5
    assert wheel.name.startswith(f"albacore-{info['version']}-")


def _requires_dist(wheel: pathlib.Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(name).decode()
    return [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]


def test_every_default_path_runs_on_the_core_install(wheel: pathlib.Path) -> None:
    # AutoSampler, the default sampler, hands long continuous studies to CmaEsSampler.
    core = [r for r in _requires_dist(wheel) if "extra ==" not in r]
    assert any(r.replace(" ", "").startswith("cmaes>=") for r in core), core


def test_extras_name_the_packages_users_install(wheel: pathlib.Path) -> None:
    requires = _requires_dist(wheel)
    xgboost = [r.split(";")[0].replace(" ", "") for r in requires if 'extra == "xgboost"' in r]
    assert xgboost == ["xgboost>=2.0"]  # not xgboost-cpu: no macOS wheels, and it clashes with xgboost
    sklearn = [r.split(";")[0].replace(" ", "") for r in requires if 'extra == "sklearn"' in r]
    assert sklearn == ["scikit-learn>=1.6"]  # SearchCV uses sklearn.utils.get_tags
