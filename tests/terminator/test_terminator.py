"""Terminator and TerminatorCallback: when a study stops, and when it does not."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import albacore
from albacore.distributions import FloatDistribution
from albacore.terminator import (
    BaseTerminator,
    BestValueStagnationEvaluator,
    CrossValidationErrorEvaluator,
    EMMREvaluator,
    MedianErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
    Terminator,
    TerminatorCallback,
    report_cross_validation_scores,
)
from albacore.trial import create_trial

_SPACE = {"x": FloatDistribution(-1.0, 1.0), "y": FloatDistribution(-1.0, 1.0)}


def _study_with(points: np.ndarray, cv_spread: float) -> albacore.Study:
    """Trials of f = x^2 + y^2 at ``points``, each with 5 fold scores spread by ``cv_spread``."""
    study = albacore.create_study()
    folds = np.array([-2.0, -1.0, 0.0, 1.0, 2.0]) * cv_spread
    for x, y in points:
        value = float(x * x + y * y)
        study.add_trial(create_trial(params={"x": float(x), "y": float(y)}, distributions=_SPACE, value=value,
                                     system_attrs={"terminator:cv_scores": list(value + folds)}))
    return study


def test_default_terminator_stops_a_converged_study() -> None:
    rng = np.random.default_rng(0)
    # 40 trials spread over the square, then 60 close to the optimum; CV noise about 0.1.
    points = np.concatenate([rng.uniform(-1, 1, size=(40, 2)), rng.normal(0.0, 0.03, size=(60, 2))])
    study = _study_with(points, cv_spread=0.1)
    assert Terminator().should_terminate(study)


def test_default_terminator_does_not_stop_a_fresh_study() -> None:
    rng = np.random.default_rng(1)
    points = rng.uniform(-1, 1, size=(25, 2))
    study = _study_with(points, cv_spread=1e-3)
    assert not Terminator().should_terminate(study)
    # Fewer trials than min_n_trials: never, whatever the evaluators say.
    assert not Terminator(error_evaluator=StaticErrorEvaluator(1e9)).should_terminate(_study_with(points[:19], 1e-3))


def test_emmr_with_median_error_stops_a_converged_study_only() -> None:
    def run(n_trials: int) -> albacore.Study:
        emmr = EMMREvaluator(seed=0)
        callback = TerminatorCallback(Terminator(emmr, MedianErrorEvaluator(emmr)))
        study = albacore.create_study(sampler=albacore.samplers.GPSampler(seed=0, deterministic_objective=True))
        study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=n_trials, callbacks=[callback])
        return study

    assert len(run(25).trials) == 25  # the median is not known before warm-up + initial trials
    stopped = run(120)
    assert 30 <= len(stopped.trials) < 120
    assert stopped.best_value < 1e-3


def test_callback_stops_study_optimize() -> None:
    callback = TerminatorCallback(Terminator(BestValueStagnationEvaluator(max_stagnation_trials=5)))
    study = albacore.create_study()
    # The first trial stays the best; stagnation exceeds 5 from the 7th trial, but the
    # terminator waits for its min_n_trials=20.
    study.optimize(lambda t: t.suggest_float("x", 0, 1) * 0 + t.number, n_trials=100, callbacks=[callback])
    assert len(study.trials) == 20


def test_callback_logs_the_stop(albacore_logs) -> None:
    callback = TerminatorCallback(Terminator(BestValueStagnationEvaluator(0), min_n_trials=3))
    study = albacore.create_study()
    study.optimize(lambda t: float(t.number), n_trials=10, callbacks=[callback])
    assert len(study.trials) == 3
    assert "The study was stopped by the terminator after trial 2." in albacore_logs.messages()


def test_report_cross_validation_scores_feeds_the_error_evaluator() -> None:
    study = albacore.create_study(direction="maximize")

    def objective(trial: albacore.Trial) -> float:
        scores = [0.8, 0.9, 0.85] if trial.number == 0 else [0.5, 0.6, 0.7]
        report_cross_validation_scores(trial, np.array(scores))
        trial.suggest_float("x", 0, 1)
        return float(np.mean(scores))

    study.optimize(objective, n_trials=2)
    assert study.trials[0].system_attrs["terminator:cv_scores"] == [0.8, 0.9, 0.85]
    error = CrossValidationErrorEvaluator().evaluate(study.trials, study.direction)
    assert error == pytest.approx(np.sqrt((1 / 3 + 1 / 2) * np.var([0.8, 0.9, 0.85])))


def test_report_cross_validation_scores_rejects_bad_scores() -> None:
    trial = albacore.create_study().ask()
    with pytest.raises(ValueError, match=r"at least two folds, got scores=\[0.5\]"):
        report_cross_validation_scores(trial, [0.5])
    with pytest.raises(ValueError, match="scores must be finite"):
        report_cross_validation_scores(trial, [0.5, float("nan")])
    with pytest.raises(ValueError, match="scores must be numbers"):
        report_cross_validation_scores(trial, ["a", "b"])


def test_cross_validation_error_needs_reported_scores() -> None:
    study = albacore.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    with pytest.raises(ValueError, match=r"the best trial \(number \d\) has no cross-validation scores"):
        CrossValidationErrorEvaluator().evaluate(study.trials, study.direction)
    with pytest.raises(ValueError, match="no COMPLETE trial among the 0 given"):
        CrossValidationErrorEvaluator().evaluate([], study.direction)


def test_terminator_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="min_n_trials must be an int >= 1, got min_n_trials=0"):
        Terminator(min_n_trials=0)
    with pytest.raises(TypeError, match="improvement_evaluator must be a BaseImprovementEvaluator"):
        Terminator(improvement_evaluator=StaticErrorEvaluator(0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="error_evaluator must be a BaseErrorEvaluator"):
        Terminator(error_evaluator=RegretBoundEvaluator())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="terminator must be a BaseTerminator, got terminator=3"):
        TerminatorCallback(3)  # type: ignore[arg-type]


def test_terminator_rejects_multi_objective_studies() -> None:
    study = albacore.create_study(directions=["minimize", "maximize"])
    with pytest.raises(ValueError, match="only single-objective studies can be terminated; this study has 2"):
        Terminator().should_terminate(study)


def test_custom_terminator_in_the_callback() -> None:
    class AfterFive(BaseTerminator):
        def should_terminate(self, study: albacore.Study) -> bool:
            return len(study.trials) >= 5

    study = albacore.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=50, callbacks=[TerminatorCallback(AfterFive())])
    assert len(study.trials) == 5


def test_callback_pickles() -> None:
    callback = pickle.loads(pickle.dumps(TerminatorCallback()))
    assert isinstance(callback, TerminatorCallback)
