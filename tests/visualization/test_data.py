"""The figure data layer: which trials each plot shows, with which values."""

from __future__ import annotations

import numpy as np
import pytest

import albacore
from albacore.distributions import FloatDistribution
from albacore.trial import create_trial
from albacore.visualization import _data


def test_history_values_feasibility_and_running_best(study: albacore.Study) -> None:
    data = _data.optimization_history_data(study)
    (s,) = data.series
    assert s.numbers.tolist() == [0, 1, 2, 4, 6]
    assert s.values.tolist() == [3.0, 1.0, 2.0, 4.0, 0.5]
    assert s.feasible.tolist() == [True, True, False, True, True]
    assert s.best.tolist() == [3.0, 1.0, 1.0, 1.0, 0.5]  # the infeasible 2.0 never counts


def test_history_best_waits_for_the_first_feasible_trial_and_follows_maximize() -> None:
    s = albacore.create_study(direction="maximize")
    for value, bad in [(9.0, True), (1.0, False), (3.0, False), (2.0, False)]:
        t = create_trial(value=value)
        t.set_constraint("c", 1.0 if bad else 0.0)
        s.add_trial(t)
    best = _data.optimization_history_data(s).series[0].best
    assert np.isnan(best[0]) and best[1:].tolist() == [1.0, 3.0, 3.0]


def test_history_error_bars_are_mean_and_std_over_studies() -> None:
    studies = []
    for offset in (0.0, 2.0):
        s = albacore.create_study()
        s.add_trials([create_trial(value=v + offset) for v in (4.0, 2.0, 3.0)])
        studies.append(s)
    bars = _data.optimization_history_data(studies, error_bar=True).error_bar
    assert bars.numbers.tolist() == [0, 1, 2]
    assert bars.value_mean.tolist() == [5.0, 3.0, 4.0]
    assert bars.value_std.tolist() == [1.0, 1.0, 1.0]
    assert bars.best_mean.tolist() == [5.0, 3.0, 3.0]


def test_history_with_target_has_no_best_line(study: albacore.Study) -> None:
    (s,) = _data.optimization_history_data(study, target=lambda t: t.params["x"]).series
    assert s.best is None
    assert s.values.tolist() == pytest.approx([0.01, 1.0, 0.1, 5.0, 0.001])


def test_intermediate_values_of_complete_pruned_and_running_trials(study: albacore.Study) -> None:
    data = _data.intermediate_values_data(study)
    assert [(c.number, c.state) for c in data.curves] == [(0, "COMPLETE"), (1, "COMPLETE"), (5, "PRUNED")]
    assert data.curves[1].steps.tolist() == [0, 1, 2] and data.curves[1].values.tolist() == [4.0, 2.0, 1.0]
    steps, values, numbers = data.grouped()["COMPLETE"]
    assert np.isnan(steps[2]) and numbers.tolist() == [0, 0, 0, 1, 1, 1, 1]


def test_parallel_coordinate_leaves_out_infeasible_and_incomplete_trials(study: albacore.Study) -> None:
    data = _data.parallel_coordinate_data(study)
    # Trial 2 is infeasible; trials 1 and 4 have no "y" (conditional).
    assert data.numbers.tolist() == [0, 6]
    assert [d.label for d in data.dimensions] == ["Objective Value", "c", "x", "y"]
    x = data.dimensions[2]
    assert x.scale == "log" and x.values.tolist() == pytest.approx([-2.0, -3.0])
    assert x.ticktext == ["0.001", "0.01"]
    assert data.dimensions[1].ticktext == ["a"]
    assert any("infeasible" in n for n in data.notes) and any("without every parameter" in n for n in data.notes)


def test_parallel_coordinate_samples_a_large_study_and_keeps_the_best() -> None:
    s = albacore.create_study()
    d = FloatDistribution(0, 1)
    rng = np.random.default_rng(0)
    s.add_trials(
        [create_trial(value=float(v), params={"p": float(v)}, distributions={"p": d}) for v in rng.random(3000)]
    )
    s.add_trial(create_trial(value=-1.0, params={"p": 0.0}, distributions={"p": d}))
    data = _data.parallel_coordinate_data(s)
    assert len(data.numbers) == 2000 and 3000 in data.numbers.tolist()
    assert "showing 2,000 of 3,001 trials" in data.notes[0]


def test_contour_grid_means_and_panels(study: albacore.Study) -> None:
    data = _data.contour_data(study, params=["x", "c"])
    assert data.params == ["x", "c"]
    panel = data.panels[("c", "x")]
    assert panel.z.shape == (100, 2)  # y = x on a 100-point grid, c has 2 choices
    assert data.panels[("x", "c")].z.shape == (2, 100)
    assert not np.isnan(panel.z).any()
    assert sorted(panel.feasible_y.tolist()) == pytest.approx([0.001, 0.01, 1.0, 5.0])
    assert panel.infeasible_y.tolist() == pytest.approx([0.1])
    # The cell holding trial 6 (c="a", x=0.001) has its value.
    row = int(np.argmin(np.abs(data.axes["x"].grid - np.log10(0.001))))
    assert panel.z[row, 0] == pytest.approx(0.5)
    assert data.z_range == (0.5, 4.0)


def test_fill_grid_interpolates_between_known_cells() -> None:
    z = np.full((1, 5), np.nan)
    z[0, 0], z[0, 4] = 0.0, 4.0
    filled = _data.contour.fill_grid(z)
    assert filled[0].tolist() == pytest.approx([0.0, 1.0, 2.0, 3.0, 4.0], abs=0.05)


def test_slice_panels_hold_only_trials_with_the_parameter(study: albacore.Study) -> None:
    data = _data.slice_data(study)
    panels = {p.name: p for p in data.panels}
    assert panels["y"].numbers.tolist() == [0, 2, 6] and panels["y"].x.tolist() == [2, 4, 0]
    assert panels["c"].x.tolist() == [0, 1, 0, 1, 0] and panels["c"].choices == ("a", "b")
    assert panels["x"].x.tolist() == pytest.approx([0.01, 1.0, 0.1, 5.0, 0.001])
    assert panels["x"].feasible.tolist() == [True, True, False, True, True]


def test_rank_colours_feasible_trials_by_value_rank(study: albacore.Study) -> None:
    data = _data.rank_data(study, params=["x", "y"])
    assert data.numbers.tolist() == [0, 1, 2, 4, 6]
    assert data.rank[[0, 1, 3, 4]].tolist() == pytest.approx([2 / 3, 1 / 3, 1.0, 0.0])
    assert np.isnan(data.rank[2])
    assert data.colorbar_ticks[0][1] == "min. (0.5)" and data.colorbar_ticks[-1][1] == "max. (4)"


def test_edf_fraction_of_feasible_values(study: albacore.Study) -> None:
    data = _data.edf_data(study)
    assert data.x[0] == 0.5 and data.x[-1] == 4.0
    ((name, y),) = data.curves
    assert name == "vis" and y[0] == 0.25 and y[-1] == 1.0
    assert y[np.searchsorted(data.x, 3.0) - 1] == 0.5  # just below 3: values 0.5 and 1


def test_timeline_groups_trials_by_state(study: albacore.Study) -> None:
    data = _data.timeline_data(study)
    assert {s: b.numbers for s, b in data.bars.items()} == {
        "COMPLETE": [0, 1, 4, 6],
        "INFEASIBLE": [2],
        "PRUNED": [5],
        "FAIL": [3],
    }
    assert _data.timeline_data(study, n_recent_trials=2).bars.keys() == {"PRUNED", "COMPLETE"}


def test_pareto_front_splits_best_dominated_and_infeasible(mo_study: albacore.Study) -> None:
    data = _data.pareto_front_data(mo_study)
    assert data.best.numbers.tolist() == [0, 1, 2]
    assert data.dominated.numbers.tolist() == [3]
    assert data.infeasible.numbers.tolist() == [4]
    assert data.target_names == ["Objective 0", "Objective 1"]
    assert _data.pareto_front_data(mo_study, include_dominated_trials=False).dominated is None


def test_pareto_front_with_constraints_func_and_targets(mo_study: albacore.Study) -> None:
    data = _data.pareto_front_data(mo_study, constraints_func=lambda t: [t.params["p"] - 3.5])
    assert data.best.numbers.tolist() == [0, 1, 2] and data.infeasible.numbers.tolist() == [4]
    data = _data.pareto_front_data(mo_study, targets=lambda t: (t.values[0], -t.values[1], t.params["p"]))
    assert data.best.points.shape[1] == 3


def test_hypervolume_history_against_hand_computed_values(mo_study: albacore.Study) -> None:
    data = _data.hypervolume_history_data(mo_study, reference_point=[4.0, 0.0])
    # Minimization view: (1,-1), (2,-3), (3,-4), (3,-2), (0.5,-5 infeasible); reference (4, 0).
    assert data.hypervolumes.tolist() == pytest.approx([3.0, 7.0, 8.0, 8.0, 8.0])


def test_param_importances_series_per_objective(mo_study: albacore.Study) -> None:
    data = _data.param_importances_data(mo_study)
    assert [s.name for s in data.series] == ["Objective 0", "Objective 1"]
    assert all(set(s.importances) == {"p"} for s in data.series)
    assert _data.param_importances.ParamImportancesData.label(0.004) == "<0.01"


def test_terminator_improvement_evaluates_prefixes(study: albacore.Study) -> None:
    from albacore.terminator import BestValueStagnationEvaluator, StaticErrorEvaluator

    data = _data.terminator_improvement_data(
        study,
        plot_error=True,
        improvement_evaluator=BestValueStagnationEvaluator(max_stagnation_trials=2),
        error_evaluator=StaticErrorEvaluator(0.5),
        min_n_trials=3,
    )
    assert data.numbers.tolist() == [0, 1, 2, 4, 6]
    assert data.errors.tolist() == [0.5] * 5
    assert data.before_min.tolist() == [True, True, False, False, False]
    assert len(data.improvements) == 5 and np.all(np.isfinite(data.improvements))


@pytest.mark.parametrize("min_n_trials", [0, 1.5, True])
def test_terminator_improvement_wants_a_positive_int_min_n_trials(study: albacore.Study, min_n_trials) -> None:
    with pytest.raises(ValueError, match=r"plot_terminator_improvement: min_n_trials must be a positive int, got "):
        _data.terminator_improvement_data(study, min_n_trials=min_n_trials)


@pytest.mark.parametrize("n_objectives", [2, 3])
def test_hypervolume_history_matches_recomputing_every_prefix(n_objectives: int) -> None:
    from albacore.hypervolume import compute_hypervolume

    rng = np.random.default_rng(n_objectives)
    points = rng.random((200, n_objectives))
    s = albacore.create_study(directions=["minimize"] * n_objectives)
    s.add_trials([create_trial(values=p.tolist()) for p in points])
    got = _data.hypervolume_history_data(s, [1.0] * n_objectives).hypervolumes
    want = [compute_hypervolume(points[: i + 1], np.ones(n_objectives)) for i in range(len(points))]
    assert got.tolist() == pytest.approx(want)
