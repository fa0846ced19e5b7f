"""PEP 562 lazy exports: a package names what it exports and where each name lives.

A package ``__init__`` that uses it imports none of its implementation modules; the first
``package.Name`` (or ``from package import Name``) imports the module holding ``Name`` and
stores the value in the package, so later lookups are plain attribute reads.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from typing import Any, Callable


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return the ``__getattr__`` and ``__dir__`` of ``package``.

    Args:
        package: The package's ``__name__``.
        exports: Public name -> module defining it. A name whose module is
            ``f"{package}.{name}"`` exports the submodule itself.

    Returns:
        ``(__getattr__, __dir__)`` to assign in the package's namespace.

    Example:
        .. code-block:: python

            __getattr__, __dir__ = lazy_exports(__name__, {"RandomSampler": "albacore.samplers._random"})
    """

    def __getattr__(name: str) -> Any:
        module_name = exports.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(module_name)
        value = module if module_name == f"{package}.{name}" else getattr(module, name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
