"""The public names of albacore match the checked-in list, so API changes are deliberate.

After adding or removing a public name on purpose, regenerate the list with::

    python tests/test_public_api.py --update

and commit ``tests/public_api.txt`` together with the change.
"""

from __future__ import annotations

import importlib
import inspect
import pathlib
import sys

API_FILE = pathlib.Path(__file__).with_name("public_api.txt")

# Framework integrations (albacore.integrations.<framework>) import their framework, so
# their names are checked by the integration tests, not here.
PUBLIC_MODULES = (
    "albacore",
    "albacore.artifacts",
    "albacore.artifacts.exceptions",
    "albacore.cli",
    "albacore.dashboard",
    "albacore.distributions",
    "albacore.exceptions",
    "albacore.hypervolume",
    "albacore.importance",
    "albacore.integrations",
    "albacore.logging",
    "albacore.pruners",
    "albacore.samplers",
    "albacore.samplers.nsgaii",
    "albacore.search_space",
    "albacore.storages",
    "albacore.study",
    "albacore.terminator",
    "albacore.testing",
    "albacore.testing.pruners",
    "albacore.testing.samplers",
    "albacore.testing.storages",
    "albacore.trial",
    "albacore.visualization",
    "albacore.visualization.matplotlib",
)


def current_api() -> list[str]:
    """One line per public name: ``module.name``, sorted."""
    lines = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            lines.append(f"{module_name}.{name}")
    return sorted(lines)


def test_every_public_module_declares_all() -> None:
    missing = [m for m in PUBLIC_MODULES if not isinstance(getattr(importlib.import_module(m), "__all__", None), list)]
    assert missing == []


def test_every_listed_name_exists() -> None:
    broken = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            try:
                getattr(module, name)
            except (AttributeError, ImportError) as exc:
                broken.append(f"{module_name}.{name}: {type(exc).__name__}: {exc}")
    assert broken == []


def test_public_names_match_the_checked_in_list() -> None:
    expected = [line for line in API_FILE.read_text().splitlines() if line and not line.startswith("#")]
    actual = current_api()
    added = sorted(set(actual) - set(expected))
    removed = sorted(set(expected) - set(actual))
    assert (added, removed) == ([], []), (
        "the public API changed; if on purpose, run `python tests/test_public_api.py --update` "
        f"and commit tests/public_api.txt. added={added} removed={removed}"
    )


def test_public_classes_and_functions_have_docstrings() -> None:
    undocumented = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            try:
                obj = getattr(module, name)
            except (AttributeError, ImportError):
                continue  # reported by test_every_listed_name_exists
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and not inspect.getdoc(obj):
                undocumented.append(f"{module_name}.{name}")
    assert undocumented == []


# Signatures users call with Optuna's argument names: (callable, expected parameters), where
# "*" marks the start of keyword-only parameters and "name=default" gives a default's repr.
SIGNATURES = {
    "albacore.create_study": "*, storage=None, sampler=None, pruner=None, study_name=None, direction=None, "
    "load_if_exists=False, directions=None",
    "albacore.load_study": "*, study_name, storage, sampler=None, pruner=None",
    "albacore.delete_study": "*, study_name, storage",
    "albacore.copy_study": "*, from_study_name, from_storage, to_storage, to_study_name=None",
    "albacore.get_all_study_names": "storage",
    "albacore.get_all_study_summaries": "storage, include_best_trial=True",
    "albacore.Study.optimize": "self, func, n_trials=None, timeout=None, n_jobs=1, catch=(), callbacks=None, "
    "gc_after_trial=False, show_progress_bar=False",
    "albacore.Study.ask": "self, fixed_distributions=None",
    "albacore.Study.tell": "self, trial, values=None, state=None, skip_if_finished=False",
    "albacore.Study.enqueue_trial": "self, params, user_attrs=None, skip_if_exists=False",
    "albacore.Study.add_trial": "self, trial",
    "albacore.Study.add_trials": "self, trials",
    "albacore.Study.get_trials": "self, deepcopy=True, states=None",
    "albacore.Study.set_user_attr": "self, key, value",
    "albacore.Study.set_metric_names": "self, metric_names",
    "albacore.Study.stop": "self",
    "albacore.Trial.suggest_float": "self, name, low, high, *, step=None, log=False",
    "albacore.Trial.suggest_int": "self, name, low, high, *, step=1, log=False",
    "albacore.Trial.suggest_categorical": "self, name, choices",
    "albacore.Trial.report": "self, value, step",
    "albacore.Trial.should_prune": "self",
    "albacore.Trial.set_user_attr": "self, key, value",
    "albacore.Trial.set_system_attr": "self, key, value",
    "albacore.study.MaxTrialsCallback": "n_trials, states=(<TrialState.COMPLETE: 1>,)",
    "albacore.samplers.RandomSampler": "seed=None",
    "albacore.distributions.FloatDistribution": "low, high, log=False, step=None",
    "albacore.distributions.IntDistribution": "low, high, log=False, step=1",
    "albacore.distributions.CategoricalDistribution": "choices",
}


def _resolve(dotted: str) -> object:
    module_name, _, rest = dotted.partition(".")
    obj: object = importlib.import_module(module_name)
    for part in rest.split("."):
        obj = getattr(obj, part)
    return obj


def _describe(func: object) -> str:
    parts, keyword_only_started = [], False
    for param in inspect.signature(func).parameters.values():  # type: ignore[arg-type]
        if param.kind == param.KEYWORD_ONLY and not keyword_only_started:
            parts.append("*")
            keyword_only_started = True
        parts.append(param.name if param.default is param.empty else f"{param.name}={param.default!r}")
    return ", ".join(parts)


def _compatible(actual: str, expected: str) -> bool:
    """The expected parameters come first, in order; any extra one has a default."""
    have, want = actual.split(", "), expected.split(", ")
    extra = have[len(want):]
    return have[: len(want)] == want and all("=" in p or p == "*" for p in extra)


def test_optuna_compatible_signatures() -> None:
    mismatches = {
        name: _describe(_resolve(name)) for name, expected in SIGNATURES.items()
        if not _compatible(_describe(_resolve(name)), expected)
    }
    assert mismatches == {}


def _write() -> None:
    header = (
        "# Public names of albacore, one `module.name` per line. Regenerate: python tests/test_public_api.py --update\n"
    )
    API_FILE.write_text(header + "\n".join(current_api()) + "\n")
    print(f"wrote {API_FILE} ({len(current_api())} names)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        _write()
    else:
        print("usage: python tests/test_public_api.py --update", file=sys.stderr)
        sys.exit(2)
