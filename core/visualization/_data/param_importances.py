"""Data of the parameter importance plot, from :func:`albacore.importance.get_param_importances`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from albacore.visualization._data._trials import Target, check_study, completed_trials, select_params

if TYPE_CHECKING:
    from albacore.importance import BaseImportanceEvaluator
    from albacore.trial._study_protocol import StudyReader

WHERE = "plot_param_importances"


@dataclass
class ImportanceSeries:
    """One objective's importances, most important first."""

    name: str
    importances: dict[str, float]


@dataclass
class ParamImportancesData:
    series: list[ImportanceSeries]
    target_name: str

    @staticmethod
    def label(importance: float) -> str:
        """The text on a bar: two decimals, ``<0.01`` below that."""
        return "<0.01" if importance < 0.01 else f"{importance:.2f}"


def param_importances_data(
    study: StudyReader,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> ParamImportancesData:
    """Normalized importances; a multi-objective study without ``target`` gets one series per
    objective (named by its metric name, else ``Objective i``)."""
    from albacore.importance import get_param_importances

    check_study(WHERE, study)
    n_objectives = len(study.directions)
    targets: list[tuple[str, Any]]
    if target is None and n_objectives > 1:
        names = getattr(study, "metric_names", None) or [f"Objective {i}" for i in range(n_objectives)]
        targets = [(names[i], _objective(i)) for i in range(n_objectives)]
        probe = targets[0][1]
    else:
        targets = [(target_name, target)]
        probe = target
    done = completed_trials(WHERE, study, probe)
    select_params(WHERE, done.trials, params)
    series = [
        ImportanceSeries(name, get_param_importances(study, evaluator=evaluator, params=params, target=fn))
        for name, fn in targets
    ]
    return ParamImportancesData(series, target_name)


def _objective(index: int) -> Target:
    return lambda t: cast("list[float]", t.values)[index]
