"""Helpers of the behavioural twins: run one scenario on Optuna and on albacore, record what
each step returned, raised and warned, and compare the two records."""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable

from _compare import counterpart_name

# The reason the twins give where albacore rejects an argument that Optuna takes.
EAGER = (
    "albacore checks the argument when it is given and raises naming it and its value; Optuna "
    "accepts it and fails later, or runs with it"
)


def _plain(value: Any) -> Any:
    """A comparable form of a result: enums by name, floats with NaN equal to NaN, containers
    recursively; library objects (trials, studies) by their class name."""
    if type(value).__name__ in ("TrialState", "StudyDirection"):
        return f"{type(value).__name__}.{value.name}"
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return "nan" if math.isnan(value) else value
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return counterpart_name(type(value).__name__)


def _builtin_warning(kind: type[Warning]) -> str:
    """The nearest builtin warning class of ``kind`` (what a user's filter names, such as
    UserWarning for albacore's warnings), or ExperimentalWarning for either library's."""
    if kind.__name__ == "ExperimentalWarning":
        return kind.__name__
    return next(k.__name__ for k in kind.__mro__ if k.__module__ == "builtins")


class Recorder:
    """Runs the steps of a scenario and keeps ``(label, outcome, warnings)`` for each.

    ``outcome`` is ``("ok", result)`` or ``("raises", names)``: the names of the exception's
    class and its bases (the classes an ``except`` clause could name), with Optuna's names
    spelled as albacore's (``OptunaError`` -> ``AlbacoreError``).
    """

    def __init__(self) -> None:
        self.steps: list[tuple[str, tuple[str, Any], list[str]]] = []

    def __call__(self, label: str, step: Callable[[], Any], *, keep: Callable[[Any], Any] = _plain) -> Any:
        result = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = step()
                outcome: tuple[str, Any] = ("ok", keep(result))
            except Exception as exc:  # noqa: BLE001 - the class is what is compared
                outcome = ("raises", [counterpart_name(k.__name__) for k in type(exc).__mro__])
        kinds = sorted({_builtin_warning(type(w.message)) for w in caught} - {"ExperimentalWarning"})
        self.steps.append((label, outcome, kinds))
        return result


def record(module: Any, scenario: Callable[[Any, Recorder], None]) -> list[tuple[str, tuple[str, Any], list[str]]]:
    """The steps ``scenario(module, recorder)`` recorded, with the library's logging quiet."""
    module.logging.set_verbosity(module.logging.WARNING)
    recorder = Recorder()
    scenario(module, recorder)
    return recorder.steps


def _agree(expected: tuple[str, tuple[str, Any], list[str]], actual: tuple[str, tuple[str, Any], list[str]]) -> bool:
    """Whether a step did the same in both: equal results and warnings; for an exception, every
    class Optuna's is or derives from (the clauses that catch it) catches albacore's too."""
    (_, (kind, value), kinds), (_, (actual_kind, actual_value), actual_kinds) = expected, actual
    if kinds != actual_kinds or kind != actual_kind:
        return False
    if kind == "raises":
        return set(value) - {"object"} <= set(actual_value)
    return bool(value == actual_value)


def _shown(step: tuple[str, tuple[str, Any], list[str]]) -> str:
    kind, value = step[1]
    shown = value[0] if kind == "raises" else repr(value)
    return f"{kind} {shown}" + (f" warns {step[2]}" if step[2] else "")


def differing_steps(
    expected: list[tuple[str, tuple[str, Any], list[str]]], actual: list[tuple[str, tuple[str, Any], list[str]]]
) -> list[str]:
    """One line per step whose outcome or warnings differ: ``label: Optuna ... albacore ...``."""
    lines = [
        f"{e[0]}: Optuna {_shown(e)}; albacore {_shown(a)}" for e, a in zip(expected, actual) if not _agree(e, a)
    ]
    if [e[0] for e in expected] != [a[0] for a in actual]:
        lines.append(f"steps differ: Optuna {[e[0] for e in expected]} albacore {[a[0] for a in actual]}")
    return lines


def documented(line: str, labels: Any) -> bool:
    """Whether a line of :func:`differing_steps` is about one of the steps ``labels``."""
    return any(line.startswith(f"{label}: Optuna ") for label in labels)


def assert_same(
    expected: list[tuple[str, tuple[str, Any], list[str]]],
    actual: list[tuple[str, tuple[str, Any], list[str]]],
    allowed: Any,
) -> None:
    """Assert that the two recordings differ only at the steps ``allowed`` documents, and at
    each of them: a documented difference that went away must be removed from the table."""
    differing = differing_steps(expected, actual)
    assert [line for line in differing if not documented(line, allowed)] == []
    for label in allowed:
        assert any(line.startswith(f"{label}:") for line in differing), label
