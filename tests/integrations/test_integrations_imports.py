"""Integrations import their framework lazily and name the pip extra when it is missing."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

INTEGRATIONS = pathlib.Path(__file__).resolve().parents[2] / "integrations"
FRAMEWORKS = ("lightgbm", "xgboost", "sklearn", "torch", "keras", "pytorch_lightning", "lightning", "tensorflow")

# Python run in a subprocess: make `import <blocked>` fail as if the package were not installed
# (`blocked` may list several top-level packages, comma-separated).
BLOCKER = """
import sys
class _Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}.split(","):
            raise ImportError(f"No module named {{name!r}}")
        return None
sys.meta_path.insert(0, _Block())
"""


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_importing_the_lazy_modules_imports_no_framework() -> None:
    code = (
        "import sys, albacore.integrations, albacore.integrations.lightgbm, albacore.integrations.pytorch, "
        "albacore.integrations.pytorch_distributed\n"
        f"print(sorted(m for m in {FRAMEWORKS!r} if m in sys.modules))"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("blocked", "statement", "extra"),
    [
        ("xgboost", "import albacore.integrations.xgboost", "xgboost"),
        ("sklearn", "import albacore.integrations.sklearn", "sklearn"),
        ("keras", "import albacore.integrations.keras", "keras"),
        ("mlflow", "import albacore.integrations.mlflow", "mlflow"),
        ("wandb", "import albacore.integrations.wandb", "wandb"),
        ("tensorboard", "import albacore.integrations.tensorboard", "tensorboard"),
        ("catboost", "import albacore.integrations.catboost", "catboost"),
        ("ignite", "import albacore.integrations.pytorch_ignite", "ignite"),
        ("skorch", "import albacore.integrations.skorch", "skorch"),
        ("fastai", "import albacore.integrations.fastai", "fastai"),
        ("shap", "import albacore.integrations.shap", "shap"),
        ("pytorch_lightning,lightning", "import albacore.integrations.pytorch_lightning", "lightning"),
        (
            "lightgbm",
            "from albacore.integrations.lightgbm import LightGBMPruningCallback as C; C(None, 'auc')",
            "lightgbm",
        ),
        ("torch", "from albacore.integrations.pytorch_distributed import TorchDistributedTrial as T; T(None)", "torch"),
    ],
)
def test_missing_framework_names_the_extra(blocked, statement, extra) -> None:
    result = _run(BLOCKER.format(blocked=blocked) + statement)
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert f"pip install 'albacore[{extra}]'" in result.stderr


def test_integrations_use_the_public_surface_only() -> None:
    offenders = []
    for path in INTEGRATIONS.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # Private attributes of a study, a trial or a storage (``albacore.trial._x`` is a
            # module path, as in the type-only import of the StudyReader protocol).
            if re.search(r"study\._|\._storage\b|(?<!albacore\.)\btrial\._", line):
                offenders.append(f"{path.relative_to(INTEGRATIONS)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize(
    ("module", "names"),
    [
        (
            "albacore.integrations.lightgbm",
            ["Dataset", "LightGBMPruningCallback", "LightGBMTuner", "LightGBMTunerCV", "train"],
        ),
        ("albacore.integrations.xgboost", ["XGBoostPruningCallback"]),
        ("albacore.integrations.sklearn", ["AlbacoreSearchCV"]),
        ("albacore.integrations.pytorch", ["PyTorchPruningReporter", "report_and_maybe_prune"]),
        ("albacore.integrations.pytorch_lightning", ["PyTorchLightningPruningCallback"]),
        ("albacore.integrations.pytorch_distributed", ["TorchDistributedTrial"]),
        ("albacore.integrations.keras", ["KerasPruningCallback"]),
        ("albacore.integrations.mlflow", ["MLflowCallback"]),
        ("albacore.integrations.wandb", ["WeightsAndBiasesCallback"]),
        ("albacore.integrations.tensorboard", ["TensorBoardCallback"]),
        ("albacore.integrations.catboost", ["CatBoostPruningCallback"]),
        ("albacore.integrations.pytorch_ignite", ["PyTorchIgnitePruningHandler"]),
        ("albacore.integrations.skorch", ["SkorchPruningCallback"]),
        ("albacore.integrations.shap", ["ShapleyImportanceEvaluator"]),
    ],
)
def test_public_names(module, names) -> None:
    imported = __import__(module, fromlist=["__all__"])
    assert sorted(imported.__all__) == sorted(names)
    assert all(callable(getattr(imported, name)) for name in names)
