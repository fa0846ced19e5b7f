"""`import albacore` stays light: no ML framework, pandas or database driver is imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "pandas", "sqlalchemy", "alembic", "torch", "sklearn", "lightgbm", "xgboost", "keras",
    "tensorflow", "pytorch_lightning", "lightning", "matplotlib", "plotly", "psycopg",
    "psycopg2", "pymysql", "redis", "cmaes",
)


def _imported_after(statement: str) -> set[str]:
    code = (
        "import json, sys\n"
        f"{statement}\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_albacore_imports_no_heavy_dependency() -> None:
    loaded = _imported_after("import albacore")
    assert "albacore" in loaded
    assert sorted(loaded & set(HEAVY)) == []


def test_creating_and_running_a_study_stays_light() -> None:
    loaded = _imported_after(
        "import albacore\n"
        "albacore.logging.set_verbosity(albacore.logging.WARNING)\n"
        "albacore.create_study().optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=3)"
    )
    assert sorted(loaded & set(HEAVY)) == []


PUBLIC_SUBPACKAGES = (
    "albacore.distributions", "albacore.trial", "albacore.study", "albacore.search_space",
    "albacore.samplers", "albacore.pruners", "albacore.storages", "albacore.hypervolume",
    "albacore.integrations",
)


def test_public_subpackages_import_nothing_heavy() -> None:
    # One interpreter imports them in turn and reports which import pulled in what: database
    # drivers, frameworks and optional samplers' packages load when a storage URL or sampler
    # that needs them is used, not on import.
    code = (
        "import importlib, json, sys\n"
        f"frameworks = {HEAVY!r}\n"
        "blame = {}\n"
        f"for module in {PUBLIC_SUBPACKAGES!r}:\n"
        "    importlib.import_module(module)\n"
        "    loaded = {n.split('.')[0] for n in sys.modules} & set(frameworks)\n"
        "    for name in loaded:\n"
        "        blame.setdefault(name, module)\n"
        "print(json.dumps(blame))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {}


def test_lazy_subpackages_load_on_attribute_access() -> None:
    import albacore

    assert albacore.samplers.RandomSampler.__module__.startswith("albacore.samplers")
    assert albacore.pruners.NopPruner.__module__.startswith("albacore.pruners")
    assert albacore.storages.InMemoryStorage.__module__.startswith("albacore.storages")
    assert "samplers" in dir(albacore)
    with pytest.raises(AttributeError, match=r"module 'albacore' has no attribute 'nonexistent'"):
        albacore.nonexistent  # noqa: B018


# Implementations `import albacore` must not load: each comes with the first use of its name.
NOT_ON_IMPORT = (
    "sqlalchemy", "scipy.optimize", "scipy.stats", "tqdm", "cmaes",
    "albacore.samplers._auto", "albacore.samplers._cmaes", "albacore.samplers._ga", "albacore.samplers._gp",
    "albacore.samplers._qmc", "albacore.samplers._random", "albacore.samplers._tpe",
    "albacore.pruners._median", "albacore.pruners._hyperband", "albacore.pruners._wilcoxon",
    "albacore.storages._in_memory", "albacore.storages._rdb", "albacore.storages.journal",
    "albacore.storages._resolve", "albacore.visualization", "albacore.importance", "albacore.terminator",
)
MAX_ALBACORE_MODULES_ON_IMPORT = 40


def _modules_after(statement: str) -> list[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_albacore_loads_no_sampler_pruner_or_storage_implementation() -> None:
    loaded = _modules_after("import albacore")
    own = [name for name in loaded if name == "albacore" or name.startswith("albacore.")]
    assert len(own) <= MAX_ALBACORE_MODULES_ON_IMPORT, own
    assert [name for name in NOT_ON_IMPORT if name in loaded] == []


def test_first_use_of_a_name_loads_its_implementation() -> None:
    loaded = _modules_after(
        "import albacore\n"
        "from albacore.samplers import TPESampler\n"
        "albacore.storages.RDBStorage  # noqa: B018\n"
        "albacore.pruners.WilcoxonPruner  # noqa: B018"
    )
    assert {"albacore.samplers._tpe", "albacore.storages._rdb", "sqlalchemy", "albacore.pruners._wilcoxon"} <= set(
        loaded
    )
    assert "albacore.samplers._gp" not in loaded


@pytest.mark.parametrize("package", ["albacore.samplers", "albacore.pruners", "albacore.storages"])
def test_lazy_packages_list_and_cache_their_names(package: str) -> None:
    import importlib

    module = importlib.import_module(package)
    assert set(module.__all__) <= set(dir(module))
    first = module.__all__[0]
    assert getattr(module, first) is vars(module)[first]  # cached after the first lookup
    with pytest.raises(AttributeError, match=rf"module '{package}' has no attribute 'Nonexistent'"):
        module.Nonexistent  # noqa: B018
