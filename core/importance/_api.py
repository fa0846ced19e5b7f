"""get_param_importances: the entry point of :mod:`albacore.importance`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from albacore.importance._base import BaseImportanceEvaluator, check_params, completed_trials
from albacore.importance._ped_anova import PedAnovaImportanceEvaluator
from albacore.trial._frozen import FrozenTrial

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyReader


def get_param_importances(
    study: StudyReader,
    *,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    target: Callable[[FrozenTrial], float] | None = None,
    normalize: bool = True,
) -> dict[str, float]:
    """Importance of each parameter for the objective, from the study's completed trials.

    The result maps parameter names to non-negative importances, ordered from the most to
    the least important. With ``normalize`` (the default) they sum to 1 (equal shares when
    every raw importance is 0).

    The default evaluator is :class:`PedAnovaImportanceEvaluator`, which assesses every
    parameter of a completed trial (conditional ones included) and, on a multi-objective
    study without ``target``, the importance of reaching the Pareto front. The forest-based
    :class:`FanovaImportanceEvaluator` and :class:`MeanDecreaseImpurityImportanceEvaluator`
    assess the parameters every completed trial has (or the trials having all of
    ``params``) and need ``target`` on a multi-objective study.

    Args:
        study: The study to analyse.
        evaluator: The importance algorithm; a :class:`PedAnovaImportanceEvaluator` by default.
        params: Names of the parameters to assess (None: the evaluator's default set; an
            empty list gives an empty result).
        target: Function of a trial giving the value to explain, e.g.
            ``lambda t: t.values[0]`` or ``lambda t: t.duration.total_seconds()``; None for
            the objective value.
        normalize: Scale the importances to sum to 1.

    Returns:
        A ``dict`` from parameter name to importance, in descending order of importance.

    Raises:
        TypeError: If ``evaluator`` is not a :class:`BaseImportanceEvaluator`, ``params`` is
            not a list of names or ``target`` is not callable.
        ValueError: If the study has no completed trial, a name in ``params`` is unknown, or
            the evaluator needs ``target`` on a multi-objective study.

    Example:
        .. code-block:: python

            study = albacore.create_study()
            study.optimize(lambda t: t.suggest_float("x", -3, 3) ** 2 + t.suggest_float("y", -3, 3),
                           n_trials=50)
            albacore.importance.get_param_importances(study)  # {'x': 0.8..., 'y': 0.1...}
    """
    if evaluator is None:
        evaluator = PedAnovaImportanceEvaluator()
    elif not isinstance(evaluator, BaseImportanceEvaluator):
        raise TypeError(
            f"get_param_importances: evaluator must be a BaseImportanceEvaluator, got evaluator={evaluator!r}"
        )
    check_params("get_param_importances", params)
    completed_trials("get_param_importances", study)
    if params is not None and len(params) == 0:
        return {}
    raw = evaluator.evaluate(study, params=params, target=target)
    if not normalize:
        return dict(raw)
    total = sum(raw.values())
    if total == 0.0:
        return {name: 1.0 / len(raw) for name in raw}
    return {name: value / total for name, value in raw.items()}
