"""Both backends expose Optuna 5.0's plot functions with the same arguments, so an Optuna
user's plotting code runs after changing the import."""

from __future__ import annotations

import inspect

import pytest

from albacore import visualization as vis
from albacore.visualization import matplotlib as vis_mpl

_PARAMS = "(study, params=None, *, target=None, target_name='Objective Value')"
EXPECTED = {
    "is_available": "()",
    "plot_contour": _PARAMS,
    "plot_edf": "(study, *, target=None, target_name='Objective Value')",
    "plot_hypervolume_history": "(study, reference_point)",
    "plot_intermediate_values": "(study)",
    "plot_optimization_history": "(study, *, target=None, target_name='Objective Value', error_bar=False)",
    "plot_parallel_coordinate": _PARAMS,
    "plot_param_importances": "(study, evaluator=None, params=None, *, target=None, target_name='Objective Value')",
    "plot_pareto_front": "(study, *, target_names=None, include_dominated_trials=True, constraints_func=None, "
                         "targets=None)",
    "plot_rank": _PARAMS,
    "plot_slice": _PARAMS,
    "plot_terminator_improvement": "(study, plot_error=False, improvement_evaluator=None, error_evaluator=None, "
                                   "min_n_trials=20)",
    "plot_timeline": "(study, n_recent_trials=None)",
}


def _plain(function) -> str:
    parameters = [
        p.replace(annotation=inspect.Parameter.empty) for p in inspect.signature(function).parameters.values()
    ]
    return str(inspect.Signature(parameters))


@pytest.mark.parametrize("backend", [vis, vis_mpl], ids=["plotly", "matplotlib"])
def test_names_and_signatures(backend) -> None:
    names = {n for n in backend.__all__ if n != "matplotlib"}
    assert names == set(EXPECTED)
    assert {n: _plain(getattr(backend, n)) for n in names} == EXPECTED
