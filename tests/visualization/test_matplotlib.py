"""The matplotlib Axes, checked as data (artists, axes, values), and saved as PNG."""

from __future__ import annotations

import pathlib

import matplotlib.pyplot as plt
import numpy as np
import pytest

import albacore
from albacore.visualization import matplotlib as vis


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _offsets(ax, label: str) -> np.ndarray:
    (collection,) = [c for c in ax.collections if c.get_label() == label]
    return collection.get_offsets()


def test_optimization_history_axes(study: albacore.Study) -> None:
    ax = vis.plot_optimization_history(study)
    assert _offsets(ax, "Objective Value")[:, 0].tolist() == [0, 1, 4, 6]
    assert _offsets(ax, "Infeasible Trial").tolist() == [[2, 2.0]]
    (best,) = [line for line in ax.get_lines() if line.get_label() == "Best Value"]
    assert best.get_ydata().tolist() == [3.0, 1.0, 1.0, 1.0, 0.5]
    assert ax.get_xlabel() == "Trial" and ax.get_title() == "Optimization History Plot"


def test_intermediate_values_lines_per_state(study: albacore.Study) -> None:
    ax = vis.plot_intermediate_values(study)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"COMPLETE", "PRUNED"}
    assert lines["PRUNED"].get_ydata()[0] == 9.0


def test_parallel_coordinate_lines(study: albacore.Study) -> None:
    ax = vis.plot_parallel_coordinate(study, params=["x", "c"])
    (lines,) = ax.collections
    assert len(lines.get_segments()) == 4 and lines.get_array().tolist() == [3.0, 1.0, 4.0, 0.5]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Objective Value", "x", "c"]
    assert "infeasible" in ax.get_title()


def test_contour_matrix(study: albacore.Study) -> None:
    axes = vis.plot_contour(study)
    assert axes.shape == (3, 3) and not axes[0, 0].collections and axes[0, 0].get_ylabel() == "c"
    assert axes[1, 0].get_yscale() == "log" and axes[2, 1].get_xlabel() == "x"
    assert [t.get_text() for t in axes[2, 0].get_xticklabels()] == ["a", "b"]
    single = vis.plot_contour(study, params=["x", "y"])
    assert single.get_xlabel() == "x" and single.get_ylabel() == "y"


def test_slice_and_rank(study: albacore.Study) -> None:
    axes = vis.plot_slice(study)
    assert [ax.get_xlabel() for ax in axes] == ["c", "x", "y"]
    assert axes[1].get_xscale() == "log"
    assert axes[2].collections[0].get_offsets()[:, 0].tolist() == [2, 0]
    ax = vis.plot_rank(study, params=["x", "y"])
    assert ax.collections[0].get_array().tolist() == pytest.approx([2 / 3, 0.0])


def test_edf_timeline_pareto_hypervolume(study: albacore.Study, mo_study: albacore.Study) -> None:
    ax = vis.plot_edf(study)
    (line,) = ax.get_lines()
    assert line.get_ydata()[-1] == 1.0 and ax.get_ylim() == (0, 1)
    ax = vis.plot_timeline(study)
    bars = {c.get_label(): c for c in ax.collections}
    assert set(bars) == {"COMPLETE", "INFEASIBLE", "PRUNED", "FAIL"}
    (fail,) = bars["FAIL"].get_paths()
    assert fail.vertices[:, 1].min() == pytest.approx(2.6) and fail.vertices[:, 1].max() == pytest.approx(3.4)
    ax = vis.plot_pareto_front(mo_study)
    assert _offsets(ax, "Best Trial").tolist() == [[1.0, 1.0], [2.0, 3.0], [3.0, 4.0]]
    assert _offsets(ax, "Infeasible Trial").tolist() == [[0.5, 5.0]]
    ax = vis.plot_hypervolume_history(mo_study, [4.0, 0.0])
    assert ax.get_lines()[0].get_ydata().tolist() == [3.0, 7.0, 8.0, 8.0, 8.0]


def test_param_importances_and_terminator(study: albacore.Study) -> None:
    from albacore.terminator import BestValueStagnationEvaluator

    ax = vis.plot_param_importances(study)
    widths = [p.get_width() for p in ax.patches]
    assert sum(widths) == pytest.approx(1.0) and widths == sorted(widths)
    ax = vis.plot_terminator_improvement(study, improvement_evaluator=BestValueStagnationEvaluator(), min_n_trials=2)
    assert ax.get_lines()[-1].get_label() == "Terminator Improvement"


def test_saves_png(study: albacore.Study, tmp_path: pathlib.Path) -> None:
    for name in ("plot_optimization_history", "plot_slice", "plot_contour"):
        result = getattr(vis, name)(study)
        figure = (result.flat[0] if isinstance(result, np.ndarray) else result).figure
        path = tmp_path / f"{name}.png"
        figure.savefig(path, dpi=50)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 2000
