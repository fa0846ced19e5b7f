"""Imports between albacore's modules follow the module map of DESIGN.md, in one direction.

Layers, lowest first (a module may import its own layer and the layers below it):

0. base modules: ``exceptions``, ``logging``, ``_imports``, ``_warnings``, ``_experimental``,
   ``_rng``, ``_lazy``, ``_validation``
1. ``distributions``, ``_study_types``, ``_moo``, ``hypervolume``
2. ``trial``, ``search_space``
3. ``storages``
4. ``samplers``, ``pruners``
5. ``study``
6. ``visualization``, ``importance``, ``terminator``, ``artifacts``
7. ``dashboard``, ``cli``, ``testing``, ``integrations`` and the ``albacore`` package itself
   (its lazy attributes reach every subpackage)

Every import counts: module level, inside functions, and type-only ones under
``if TYPE_CHECKING:``, as well as ``importlib.import_module("albacore...")`` with a literal
name. Code below ``study`` names a study's type through the protocols of
``albacore.trial._study_protocol`` (``StudyLike``, ``StudyHandle``). On top of the layers,
samplers and pruners use the public surface of storages only (``albacore.storages``, not
``albacore.storages._*``).
"""

from __future__ import annotations

import ast
import pathlib
from collections.abc import Iterator
from typing import NamedTuple

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
SOURCE_ROOTS = {"albacore": REPO / "core", "albacore.integrations": REPO / "integrations"}

LAYERS: dict[str, int] = {
    **dict.fromkeys(
        ("exceptions", "logging", "_imports", "_warnings", "_experimental", "_rng", "_lazy", "_validation"), 0
    ),
    **dict.fromkeys(("distributions", "_study_types", "_moo", "hypervolume"), 1),
    **dict.fromkeys(("trial", "search_space"), 2),
    "storages": 3,
    **dict.fromkeys(("samplers", "pruners"), 4),
    "study": 5,
    **dict.fromkeys(("visualization", "importance", "terminator", "artifacts"), 6),
    **dict.fromkeys(("dashboard", "cli", "testing", "integrations", ""), 7),
}

# Packages that may reach another package only through its public modules (no `_`-prefixed
# part below the package name).
PUBLIC_SURFACE_ONLY = {("samplers", "storages"), ("pruners", "storages")}

# (importer, imported) pairs allowed for now, each with the reason it is not fixed yet.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


class Import(NamedTuple):
    importer: str
    imported: str
    path: pathlib.Path
    line: int


def _modules() -> dict[str, pathlib.Path]:
    modules = {}
    for package, root in SOURCE_ROOTS.items():
        for path in root.rglob("*.py"):
            parts = [*package.split("."), *path.relative_to(root).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports_of(module: str, path: pathlib.Path) -> Iterator[Import]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            # `from albacore import trial` imports the submodule albacore.trial.
            targets = [
                f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source for alias in node.names
            ]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Name, ast.Attribute))
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            targets = [node.args[0].value]
        for target in targets:
            if target == "albacore" or target.startswith("albacore."):
                yield Import(module, target, path, node.lineno)


def _component(module: str) -> str:
    """The top-level part below ``albacore`` (``""`` for the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _violation(imp: Import) -> str | None:
    source, target = _component(imp.importer), _component(imp.imported)
    if source == target:
        return None
    if LAYERS[target] > LAYERS[source]:
        return f"{source} (layer {LAYERS[source]}) imports {target} (layer {LAYERS[target]})"
    if (source, target) in PUBLIC_SURFACE_ONLY and any(p.startswith("_") for p in imp.imported.split(".")[2:]):
        return f"{source} uses {target} through its public modules only"
    return None


def _all_imports() -> list[Import]:
    return [imp for module, path in sorted(MODULES.items()) for imp in _imports_of(module, path)]


def test_every_top_level_module_has_a_layer() -> None:
    components = {_component(module) for module in MODULES} | {_component(i.imported) for i in _all_imports()}
    assert sorted(components - set(LAYERS)) == []


def test_imports_follow_the_module_map() -> None:
    found = []
    for imp in _all_imports():
        reason = _violation(imp)
        if reason is not None and (imp.importer, imp.imported) not in KNOWN_EXCEPTIONS:
            found.append(f"{imp.path.relative_to(REPO)}:{imp.line}: {imp.importer} -> {imp.imported}: {reason}")
    assert found == []


def test_known_exceptions_are_still_needed() -> None:
    # Once a listed import is fixed, its entry goes: the list only shrinks.
    violating = {(i.importer, i.imported) for i in _all_imports() if _violation(i) is not None}
    assert sorted(set(KNOWN_EXCEPTIONS) - violating) == []


@pytest.mark.parametrize(
    ("code", "importer", "imported", "reason"),
    [
        (
            "if TYPE_CHECKING:\n    from albacore.study.study import Study\n",
            "albacore.samplers._x",
            "albacore.study.study",
            "samplers (layer 4) imports study (layer 5)",
        ),
        (
            "def f():\n    import albacore.visualization\n",
            "albacore.storages._x",
            "albacore.visualization",
            "storages (layer 3) imports visualization (layer 6)",
        ),
        (
            "from albacore.storages._rdb import RDBStorage\n",
            "albacore.pruners._x",
            "albacore.storages._rdb",
            "pruners uses storages through its public modules only",
        ),
        (
            "import importlib\nimportlib.import_module('albacore.study')\n",
            "albacore.trial._x",
            "albacore.study",
            "trial (layer 2) imports study (layer 5)",
        ),
    ],
)
def test_the_checker_reports_an_upward_import(
    tmp_path: pathlib.Path, code: str, importer: str, imported: str, reason: str
) -> None:
    path = tmp_path / "_x.py"
    path.write_text(code)
    (imp,) = _imports_of(importer, path)
    assert imp.imported == imported
    assert _violation(imp) == reason


def test_the_checker_allows_downward_and_public_imports(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "_x.py"
    path.write_text(
        "from albacore.storages import InMemoryStorage\n"
        "from albacore.trial._frozen import FrozenTrial\n"
        "from . import _base\n"
    )
    imports = list(_imports_of("albacore.samplers._x", path))
    assert [i.imported for i in imports] == ["albacore.storages", "albacore.trial._frozen", "albacore.samplers._base"]
    assert [_violation(i) for i in imports] == [None, None, None]
