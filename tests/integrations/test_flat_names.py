"""``albacore.integrations.<Class>``: the flat names ``optuna.integration`` users write."""

from __future__ import annotations

import subprocess
import sys

import pytest

import albacore.integrations


def test_flat_names_are_the_framework_modules_classes() -> None:
    from albacore.integrations.lightgbm import LightGBMPruningCallback
    from albacore.integrations.sklearn import AlbacoreSearchCV

    assert albacore.integrations.LightGBMPruningCallback is LightGBMPruningCallback
    assert albacore.integrations.AlbacoreSearchCV is AlbacoreSearchCV
    assert "XGBoostPruningCallback" in dir(albacore.integrations)


def test_an_unknown_flat_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match=r"module 'albacore.integrations' has no attribute 'OptunaSearchCV'"):
        albacore.integrations.OptunaSearchCV  # noqa: B018


def test_importing_the_package_imports_no_framework() -> None:
    code = (
        "import sys, albacore.integrations as i; "
        "print(sorted(m for m in ('lightgbm', 'sklearn', 'torch', 'xgboost', 'keras') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
