"""Lazy imports of optional dependencies.

``import albacore`` imports no ML framework, pandas or plotting library. Modules that need
one call :func:`require` at the point of use; a missing package gives an ImportError that
says which pip extra installs it.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, *, extra: str, feature: str | None = None) -> ModuleType:
    """Import ``module`` or raise an ImportError naming the extra that provides it.

    Args:
        module: Dotted module name, e.g. ``"lightgbm"`` or ``"sqlalchemy.orm"``.
        extra: The albacore extra that installs it, e.g. ``"lightgbm"``.
        feature: What needs the module, used in the message; defaults to ``module``.

    Returns:
        The imported module.

    Raises:
        ImportError: If the module cannot be imported.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        what = feature or top
        raise ImportError(
            f"{what} requires {top}, which could not be imported ({exc}). "
            f"Install it with: pip install 'albacore[{extra}]'"
        ) from exc
