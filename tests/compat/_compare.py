"""Walk an Optuna module and its albacore counterpart and list how their public APIs differ.

Each difference is one line, ``<optuna dotted name>: <what differs>``, for example
``optuna.study.Study.optimize: missing parameter 'gc_after_trial'``. The allow-list
(``allowlist.py``) maps such lines to the reason albacore differs on purpose.

What is compared:

* the public names of a module: ``__all__`` where the Optuna module defines it, else the
  classes and functions defined in the module itself;
* every function's signature: parameter names, order, kinds and defaults;
* every class's constructor signature and its public methods (signatures) and properties
  (present, and still a property rather than a method); for the classes given an instance
  factory, also the public attributes an instance sets on itself (``storage.engine``);
* the ``optuna`` console script: each command and its option strings.

Names albacore adds are not differences: Optuna code cannot depend on them.
"""

from __future__ import annotations

import argparse
import enum
import importlib
import inspect
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any, Callable

# Optuna's names that carry the project's name map to albacore's (OptunaSearchCV ->
# AlbacoreSearchCV, OptunaError -> AlbacoreError); the allow-list explains why.
RENAMES = {"Optuna": "Albacore", "optuna": "albacore"}


def counterpart_name(name: str) -> str:
    """albacore's name for an Optuna name."""
    for old, new in RENAMES.items():
        name = name.replace(old, new)
    return name


def public_names(module: ModuleType) -> list[str]:
    """``__all__``, or the classes and functions the module defines itself."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return sorted(names)
    return sorted(
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == module.__name__
    )


def _signature(obj: Callable[..., Any]) -> inspect.Signature | None:
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return None


def _same_default(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if inspect.isclass(a) and inspect.isclass(b) or callable(a) and callable(b):
        return counterpart_name(getattr(a, "__name__", "")) == getattr(b, "__name__", None)
    if isinstance(a, enum.Enum) and isinstance(b, enum.Enum):
        return a.name == b.name
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # noqa: BLE001 - a default without a usable __eq__ differs
        return False


def compare_signatures(where: str, expected: Callable[..., Any], actual: Callable[..., Any]) -> Iterator[str]:
    """Differences between two callables' parameters."""
    want, got = _signature(expected), _signature(actual)
    if want is None or got is None:
        return
    want_params, got_params = list(want.parameters.values()), list(got.parameters.values())
    got_by_name = {p.name: p for p in got_params}
    for p in want_params:
        q = got_by_name.get(p.name)
        if q is None:
            if p.kind is not p.VAR_KEYWORD or not any(x.kind is x.VAR_KEYWORD for x in got_params):
                yield f"{where}: missing parameter {p.name!r}"
            continue
        if p.kind is not q.kind:
            yield f"{where}: parameter {p.name!r} is {q.kind.description}, Optuna's is {p.kind.description}"
        if (p.default is p.empty) != (q.default is q.empty):
            yield f"{where}: parameter {p.name!r} " + ("has a default" if p.default is p.empty else "is required")
        elif p.default is not p.empty and not _same_default(p.default, q.default):
            yield f"{where}: parameter {p.name!r} defaults to {q.default!r}, Optuna's to {p.default!r}"
    want_names = {p.name for p in want_params}
    for q in got_params:
        if q.name not in want_names and q.default is q.empty and q.kind not in (q.VAR_POSITIONAL, q.VAR_KEYWORD):
            yield f"{where}: extra required parameter {q.name!r}"
    positional = [p.name for p in want_params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    got_positional = [q.name for q in got_params if q.kind in (q.POSITIONAL_ONLY, q.POSITIONAL_OR_KEYWORD)]
    common = [n for n in positional if n in got_positional]
    if common != [n for n in got_positional if n in common] or got_positional[: len(common)] != common:
        yield f"{where}: positional parameters are {got_positional}, Optuna's are {positional}"


def _members(cls: type) -> dict[str, Any]:
    """Public attributes of a class as defined on it or its bases (raw, not bound)."""
    members = {}
    for klass in reversed(cls.__mro__):
        if klass is object:
            continue
        for name, value in vars(klass).items():
            if not name.startswith("_"):
                members[name] = value
    return members


def _unwrap(member: Any) -> Any:
    return member.__func__ if isinstance(member, (staticmethod, classmethod)) else member


def compare_instances(where: str, expected: object, actual: object) -> Iterator[str]:
    """Public attributes an Optuna instance sets on itself that albacore's instance lacks."""
    for name in sorted(vars(expected)):
        if not name.startswith("_") and not hasattr(actual, name):
            yield f"{where}: missing instance attribute {name!r}"


def compare_classes(where: str, expected: type, actual: type) -> Iterator[str]:
    """Differences in a class's constructor, methods and properties."""
    if issubclass(expected, enum.Enum):
        missing = sorted(set(expected.__members__) - set(getattr(actual, "__members__", {})))
        yield from (f"{where}: missing member {name!r}" for name in missing)
        return
    yield from compare_signatures(where, expected, actual)
    got = _members(actual)
    for name, member in sorted(_members(expected).items()):
        if name not in got and not hasattr(actual, name):
            yield f"{where}: missing attribute {name!r}"
            continue
        other = got.get(name, getattr(actual, name, None))
        if isinstance(member, property):
            if not isinstance(other, property) and callable(other):
                yield f"{where}.{name}: is a method, Optuna's is a property"
        elif callable(_unwrap(member)) and not inspect.isclass(member):
            if isinstance(other, property):
                yield f"{where}.{name}: is a property, Optuna's is a method"
            elif callable(_unwrap(other)):
                yield from compare_signatures(f"{where}.{name}", _unwrap(member), _unwrap(other))


def compare_modules(
    optuna_name: str, albacore_name: str, instances: dict[str, Callable[[ModuleType], object]] | None = None
) -> Iterator[str]:
    """Every difference between an Optuna module's public API and albacore's module.

    Args:
        optuna_name: The Optuna module, e.g. ``"optuna.storages"``.
        albacore_name: Its albacore counterpart.
        instances: Public name -> ``factory(module)`` making an instance from either module
            (called with Optuna's, then with albacore's), to compare instance attributes.
    """
    instances = instances or {}
    expected = importlib.import_module(optuna_name)
    try:
        actual = importlib.import_module(albacore_name)
    except ImportError:
        yield f"{optuna_name}: no module {albacore_name}"
        return
    for name in public_names(expected):
        where = f"{optuna_name}.{name}"
        try:
            want = getattr(expected, name)
        except (AttributeError, ImportError):
            continue  # a name Optuna lists but cannot import here is not part of its API
        try:
            got = getattr(actual, counterpart_name(name))
        except (AttributeError, ImportError):
            yield f"{where}: missing"
            continue
        if inspect.isclass(want):
            if not inspect.isclass(got):
                yield f"{where}: not a class"
            else:
                found = list(compare_classes(where, want, got))
                if name in instances:
                    expected_instance, actual_instance = instances[name](expected), instances[name](actual)
                    yield from compare_instances(where, expected_instance, actual_instance)
                    missing = re.compile(rf"{re.escape(where)}: missing attribute '(\w+)'\Z")
                    found = [d for d in found if not ((m := missing.match(d)) and hasattr(actual_instance, m.group(1)))]
                yield from found
        elif inspect.isfunction(want) or inspect.isbuiltin(want):
            if callable(got):
                yield from compare_signatures(where, want, got)
            else:
                yield f"{where}: not callable"


def cli_options(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, set[str]]:
    """Command path (``""`` for the top level) -> its option strings, through every subcommand."""
    commands: dict[str, set[str]] = {prefix.strip(): set()}
    for action in parser._actions:  # argparse exposes its actions only privately
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                commands.update(cli_options(sub, f"{prefix} {name}"))
        else:
            commands[prefix.strip()].update(s for s in action.option_strings if s not in ("-h", "--help"))
    return commands


def compare_cli(expected: argparse.ArgumentParser, actual: argparse.ArgumentParser) -> Iterator[str]:
    """Commands and flags of Optuna's console script that albacore's lacks."""
    want, got = cli_options(expected), cli_options(actual)
    for command, options in sorted(want.items()):
        where = f"optuna {command}".strip()
        if command not in got:
            yield f"{where}: missing command"
            continue
        for option in sorted(options - got[command]):
            yield f"{where}: missing option {option}"
