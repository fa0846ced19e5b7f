"""The plotly figures, checked as data (traces, axes, values), and rendered to PNG."""

from __future__ import annotations

import pathlib

import numpy as np
import plotly.graph_objects as go
import pytest

import albacore
from albacore import visualization as vis


def _by_name(fig: go.Figure) -> dict[str, go.BaseTraceType]:
    return {t.name: t for t in fig.data}


def test_optimization_history_traces(study: albacore.Study) -> None:
    fig = vis.plot_optimization_history(study)
    traces = _by_name(fig)
    assert list(traces.x for traces in [traces["Objective Value"]])[0].tolist() == [0, 1, 4, 6]
    assert traces["Best Value"].y.tolist() == [3.0, 1.0, 1.0, 1.0, 0.5]
    assert traces["Infeasible Trial"].x.tolist() == [2]
    assert traces["Infeasible Trial"].marker.color == "#cccccc"
    assert fig.layout.xaxis.title.text == "Trial" and fig.layout.yaxis.title.text == "Objective Value"


def test_optimization_history_of_several_studies_and_error_bars(study: albacore.Study) -> None:
    other = albacore.create_study(study_name="other")
    other.add_trials(study.get_trials())
    names = [t.name for t in vis.plot_optimization_history([study, other]).data]
    assert "Objective Value of vis" in names and "Best Value of other" in names
    fig = vis.plot_optimization_history([study, other], error_bar=True, target_name="loss")
    assert fig.data[0].name == "loss" and fig.data[0].error_y.array.tolist() == [0, 0, 0, 0]
    assert fig.layout.yaxis.title.text == "loss"


def test_intermediate_values_one_trace_per_state(study: albacore.Study) -> None:
    traces = _by_name(vis.plot_intermediate_values(study))
    assert set(traces) == {"COMPLETE", "PRUNED"}
    assert traces["PRUNED"].y[0] == 9.0 and traces["PRUNED"].customdata[0] == 5


def test_parallel_coordinate_dimensions(study: albacore.Study) -> None:
    fig = vis.plot_parallel_coordinate(study, params=["x", "c"])
    (trace,) = fig.data
    assert isinstance(trace, go.Parcoords)
    labels = [d.label for d in trace.dimensions]
    assert labels == ["Objective Value", "x", "c"]
    assert list(trace.dimensions[0].values) == [3.0, 1.0, 4.0, 0.5]  # trials 0, 1, 4, 6
    assert trace.dimensions[2].ticktext == ("a", "b")
    assert trace.line.reversescale is True
    assert "1 infeasible trial left out" in fig.layout.title.text


def test_contour_matrix_axes_and_surfaces(study: albacore.Study) -> None:
    fig = vis.plot_contour(study)
    contours = [t for t in fig.data if isinstance(t, go.Contour)]
    assert len(contours) == 6  # 3 parameters: every ordered pair off the diagonal
    assert sum(bool(t.showscale) for t in contours) == 1
    assert fig.layout.yaxis4.type == "log" and fig.layout.yaxis4.title.text == "x"  # row 1 is x
    assert fig.layout.xaxis7.ticktext == ("a", "b")  # bottom-left panel's x axis is c
    infeasible = [t for t in fig.data if t.name == "Infeasible Trial"]
    assert infeasible and all(t.marker.color == "#cccccc" for t in infeasible)


def test_contour_of_two_parameters_is_one_panel(study: albacore.Study) -> None:
    fig = vis.plot_contour(study, params=["x", "y"])
    (contour,) = [t for t in fig.data if isinstance(t, go.Contour)]
    assert contour.xaxis == "x" and fig.layout.xaxis.title.text == "x" and fig.layout.yaxis.title.text == "y"
    assert np.asarray(contour.z).shape == (100, 100)


def test_slice_panels(study: albacore.Study) -> None:
    fig = vis.plot_slice(study, params=["y", "x"])
    named = [t for t in fig.data if t.name in ("y", "x")]
    assert named[0].x.tolist() == [2, 0] and named[1].x.tolist() == pytest.approx([0.01, 1.0, 5.0, 0.001])
    assert fig.layout.xaxis2.type == "log" and fig.layout.yaxis.title.text == "Objective Value"
    infeasible = [t.x.tolist() for t in fig.data if t.name == "Infeasible Trial"]
    assert infeasible[0] == [4] and infeasible[1] == pytest.approx([0.1])


def test_rank_colours_and_colorbar(study: albacore.Study) -> None:
    fig = vis.plot_rank(study, params=["x", "y"])
    feasible = [t for t in fig.data if t.marker.colorscale is not None and t.x is not None and t.x[0] is not None]
    assert feasible[0].marker.color.tolist() == pytest.approx([2 / 3, 0.0])  # trials 0 and 6 have y
    colorbar = fig.data[-1].marker.colorbar
    assert colorbar.ticktext[0] == "min. (0.5)" and fig.layout.title.text == "Rank (Objective Value)"


def test_edf_timeline_pareto_hypervolume(study: albacore.Study, mo_study: albacore.Study) -> None:
    edf = vis.plot_edf([study, mo_study], target=lambda t: t.values[0])
    assert [t.name for t in edf.data] == ["vis", "mo"] and edf.layout.yaxis.range == (0, 1)
    timeline = _by_name(vis.plot_timeline(study))
    assert timeline["FAIL"].y == (3,) and timeline["INFEASIBLE"].marker.color == "#cccccc"
    pareto = _by_name(vis.plot_pareto_front(mo_study, target_names=["a", "b"]))
    assert pareto["Best Trial"].customdata.tolist() == [0, 1, 2]
    assert pareto["Trial"].customdata.tolist() == [3] and pareto["Infeasible Trial"].x.tolist() == [0.5]
    three = vis.plot_pareto_front(mo_study, targets=lambda t: (*t.values, t.params["p"]))
    assert isinstance(three.data[0], go.Scatter3d)
    hv = vis.plot_hypervolume_history(mo_study, reference_point=[4.0, 0.0])
    assert hv.data[0].y.tolist() == [3.0, 7.0, 8.0, 8.0, 8.0]


def test_param_importances_and_terminator(study: albacore.Study) -> None:
    from albacore.terminator import BestValueStagnationEvaluator, StaticErrorEvaluator

    fig = vis.plot_param_importances(study)
    (bars,) = fig.data
    assert set(bars.y) == {"x", "c", "y"} and sum(bars.x) == pytest.approx(1.0)
    assert list(bars.x) == sorted(bars.x)  # most important on top
    fig = vis.plot_terminator_improvement(
        study, plot_error=True, improvement_evaluator=BestValueStagnationEvaluator(),
        error_evaluator=StaticErrorEvaluator(0.1), min_n_trials=2,
    )
    assert [t.name for t in fig.data][1:] == ["Terminator Improvement", "Error"]
    assert fig.data[2].y.tolist() == [0.1] * 5


def test_large_study_is_sampled_and_says_so() -> None:
    from albacore.distributions import FloatDistribution
    from albacore.trial import create_trial

    s = albacore.create_study()
    d = FloatDistribution(0, 1)
    rng = np.random.default_rng(1)
    s.add_trials([create_trial(value=float(a + b), params={"a": float(a), "b": float(b)},
                               distributions={"a": d, "b": d}) for a, b in rng.random((2500, 2))])
    fig = vis.plot_contour(s)
    assert "markers: 2,000 of 2,500 trials" in fig.layout.title.text
    assert len([t for t in fig.data if t.name == "Feasible Trial"][0].x) == 2000
    assert "showing 2,000 of 2,500" in vis.plot_rank(s).layout.title.text
    assert isinstance(vis.plot_slice(s).data[0], go.Scattergl)


def test_renders_to_png_with_kaleido(study: albacore.Study, tmp_path: pathlib.Path) -> None:
    for name in ("plot_optimization_history", "plot_contour"):
        path = tmp_path / f"{name}.png"
        getattr(vis, name)(study).write_image(path, width=500, height=400)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000
