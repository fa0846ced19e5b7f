"""Bad input gets an error naming the problem, in both backends."""

from __future__ import annotations

import subprocess
import sys

import pytest

import albacore
from albacore import visualization as vis
from albacore.visualization import matplotlib as vis_mpl

BACKENDS = [vis, vis_mpl]
SINGLE = ["plot_optimization_history", "plot_parallel_coordinate", "plot_contour", "plot_slice", "plot_edf",
          "plot_rank", "plot_param_importances", "plot_terminator_improvement"]


@pytest.mark.parametrize("backend", BACKENDS, ids=["plotly", "matplotlib"])
@pytest.mark.parametrize("name", SINGLE + ["plot_intermediate_values", "plot_timeline"])
def test_empty_study(backend, name: str, empty_study: albacore.Study) -> None:
    with pytest.raises(ValueError, match=r"study 'empty' has no trials to plot"):
        getattr(backend, name)(empty_study)


@pytest.mark.parametrize("backend", BACKENDS, ids=["plotly", "matplotlib"])
@pytest.mark.parametrize("name", SINGLE)
def test_only_failed_trials(backend, name: str, failed_study: albacore.Study) -> None:
    with pytest.raises(ValueError, match=r"study 'failed' has no COMPLETE trial to plot \(1 FAIL\)"):
        getattr(backend, name)(failed_study)


@pytest.mark.parametrize("backend", BACKENDS, ids=["plotly", "matplotlib"])
@pytest.mark.parametrize("name", ["plot_parallel_coordinate", "plot_contour", "plot_slice", "plot_rank",
                                  "plot_param_importances"])
def test_unknown_parameter(backend, name: str, study: albacore.Study) -> None:
    with pytest.raises(ValueError, match=r"parameter 'nope' does not exist .* its parameters are \['c', 'x', 'y'\]"):
        getattr(backend, name)(study, params=["x", "nope"])


@pytest.mark.parametrize("backend", BACKENDS, ids=["plotly", "matplotlib"])
@pytest.mark.parametrize("name", ["plot_optimization_history", "plot_parallel_coordinate", "plot_contour",
                                  "plot_slice", "plot_edf", "plot_rank"])
def test_multi_objective_without_target(backend, name: str, mo_study: albacore.Study) -> None:
    with pytest.raises(ValueError, match=r"study 'mo' has 2 objectives; pass target"):
        getattr(backend, name)(mo_study)


def test_other_bad_arguments(study: albacore.Study, mo_study: albacore.Study, failed_study: albacore.Study) -> None:
    with pytest.raises(ValueError, match=r"needs at least two parameters, got \['x'\]"):
        vis.plot_contour(study, params=["x"])
    with pytest.raises(ValueError, match=r"has 1 objective\(s\); a Pareto front plot needs 2 or 3"):
        vis.plot_pareto_front(study)
    with pytest.raises(ValueError, match=r"reference_point must hold 2 finite numbers.*got reference_point=\[1.0\]"):
        vis.plot_hypervolume_history(mo_study, reference_point=[1.0])
    with pytest.raises(ValueError, match=r"has one objective; a hypervolume history needs several"):
        vis_mpl.plot_hypervolume_history(study, reference_point=[1.0])
    with pytest.raises(ValueError, match=r"n_recent_trials must be a positive int, got n_recent_trials=0"):
        vis.plot_timeline(study, n_recent_trials=0)
    with pytest.raises(ValueError, match=r"expected 2 target_names.*got target_names=\['a'\]"):
        vis.plot_pareto_front(mo_study, target_names=["a"])
    with pytest.raises(TypeError, match=r"target must be a callable FrozenTrial -> float, got target=3"):
        vis.plot_slice(study, target=3)
    with pytest.raises(TypeError, match=r"study must be an albacore Study, got study='vis'"):
        vis.plot_slice("vis")
    with pytest.raises(ValueError, match=r"terminator works on single-objective studies"):
        vis.plot_terminator_improvement(mo_study)
    with pytest.raises(ValueError, match=r"no trial of study 'failed' reported an intermediate value"):
        vis.plot_intermediate_values(failed_study)


def test_importing_visualization_imports_no_plotting_library() -> None:
    code = (
        "import sys, albacore.visualization, albacore.visualization.matplotlib\n"
        "print(sorted({'plotly', 'matplotlib'} & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_plotly_names_the_extra(study: albacore.Study, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "plotly", None)  # makes `import plotly` raise ImportError
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert vis.is_available() is False and vis_mpl.is_available() is False
    with pytest.raises(ImportError, match=r"plot_slice requires plotly.*pip install 'albacore\[visualization\]'"):
        vis.plot_slice(study)
    with pytest.raises(ImportError, match=r"plot_slice requires matplotlib.*pip install 'albacore\[visualization\]'"):
        vis_mpl.plot_slice(study)


@pytest.mark.parametrize("backend", BACKENDS, ids=["plotly", "matplotlib"])
def test_multi_objective_plots_on_empty_and_failed_studies(backend) -> None:
    for name, trial in (
        ("mo-empty", None),
        ("mo-failed", albacore.trial.create_trial(state=albacore.trial.TrialState.FAIL)),
    ):
        s = albacore.create_study(study_name=name, directions=["minimize", "minimize"])
        if trial is not None:
            s.add_trial(trial)
        expected = "has no trials to plot" if trial is None else r"has no COMPLETE trial to plot \(1 FAIL\)"
        with pytest.raises(ValueError, match=f"study '{name}' {expected}"):
            backend.plot_pareto_front(s)
        with pytest.raises(ValueError, match=f"study '{name}' {expected}"):
            backend.plot_hypervolume_history(s, reference_point=[1.0, 1.0])
