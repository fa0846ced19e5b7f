"""Behavioural twins: the study and trial life cycle (ask and tell, enqueue_trial, add_trial,
best-trial accessors, reports and suggestions on finished trials) in Optuna and albacore.

Each scenario runs once with ``optuna`` and once with ``albacore``; every step's result (in a
comparable form), the class of what it raised and the classes of the warnings it emitted must
agree, except where ``DIFFERENT`` documents why not.
"""

from __future__ import annotations

from typing import Any, Callable

import _twin
import optuna
import pytest

import albacore


def _states(study: Any) -> list[str]:
    return [t.state.name for t in study.trials]


def ask_and_tell(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study()
    trial = study.ask()
    rec("state after ask", lambda: study.trials[0].state)
    rec("suggest", lambda: type(trial.suggest_float("x", 0.0, 1.0)).__name__)
    rec("tell a value", lambda: study.tell(trial, 1.5).state)
    rec("tell again", lambda: study.tell(trial, 2.0))
    rec("tell again, skip_if_finished", lambda: study.tell(trial, 2.0, skip_if_finished=True).value)
    rec("value kept", lambda: study.trials[0].value)
    rec("report after tell", lambda: trial.report(1.0, 0))
    rec("suggest after tell", lambda: trial.suggest_float("y", 0.0, 1.0))
    rec("set_user_attr after tell", lambda: trial.set_user_attr("k", 1))
    rec("should_prune after tell", lambda: trial.should_prune())


def tell_variants(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study()
    rec("tell by number", lambda: study.tell(study.ask().number, 1.0).state)
    rec("tell unknown number", lambda: study.tell(99, 1.0))
    rec("tell without a value", lambda: study.tell(study.ask()))
    rec("tell two values to one objective", lambda: study.tell(study.ask(), [1.0, 2.0]))
    rec("tell NaN", lambda: study.tell(study.ask(), float("nan")).state)
    rec("tell inf", lambda: study.tell(study.ask(), float("inf")).state)
    rec("tell a string", lambda: study.tell(study.ask(), "abc"))
    rec("tell None", lambda: study.tell(study.ask(), None))
    rec("tell PRUNED", lambda: study.tell(study.ask(), state=m.trial.TrialState.PRUNED).state)
    rec("tell PRUNED with a value", lambda: study.tell(study.ask(), 1.0, state=m.trial.TrialState.PRUNED).value)
    rec("tell FAIL", lambda: study.tell(study.ask(), state=m.trial.TrialState.FAIL).state)
    rec("tell FAIL with a value", lambda: study.tell(study.ask(), 1.0, state=m.trial.TrialState.FAIL))
    rec("tell RUNNING", lambda: study.tell(study.ask(), 1.0, state=m.trial.TrialState.RUNNING))
    rec("tell WAITING", lambda: study.tell(study.ask(), 1.0, state=m.trial.TrialState.WAITING))
    rec("states", lambda: _states(study))


def tell_on_pruned(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study()
    trial = study.ask()
    trial.report(0.5, 0)
    rec("tell PRUNED after a report", lambda: study.tell(trial, state=m.trial.TrialState.PRUNED).value)
    rec("tell a value to the pruned trial", lambda: study.tell(trial, 1.0))
    rec("tell it PRUNED again", lambda: study.tell(trial, state=m.trial.TrialState.PRUNED))
    rec("intermediate values", lambda: study.trials[0].intermediate_values)
    rec("best trial of a study with only a pruned trial", lambda: study.best_trial)
    pruned = study.ask()
    rec("tell PRUNED without reports", lambda: study.tell(pruned, state=m.trial.TrialState.PRUNED).value)


def multi_objective_tell(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study(directions=["minimize", "maximize"])
    rec("tell one value to two objectives", lambda: study.tell(study.ask(), 1.0))
    rec("tell two values", lambda: study.tell(study.ask(), [1.0, 2.0]).values)
    rec("tell a tuple", lambda: study.tell(study.ask(), (3.0, 4.0)).values)
    rec("tell NaN in one objective", lambda: study.tell(study.ask(), [float("nan"), 1.0]).state)
    rec("best_trial", lambda: study.best_trial)
    rec("best_value", lambda: study.best_value)
    rec("best_params", lambda: study.best_params)
    rec("best_trials", lambda: [t.number for t in study.best_trials])
    rec("direction", lambda: study.direction)
    rec("directions", lambda: study.directions)
    rec("trial.value", lambda: study.trials[1].value)


def best_trial_errors(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study(direction="maximize")
    rec("best_trial of an empty study", lambda: study.best_trial)
    rec("best_value of an empty study", lambda: study.best_value)
    rec("best_params of an empty study", lambda: study.best_params)
    rec("best_trials of an empty study", lambda: study.best_trials)
    study.tell(study.ask(), state=m.trial.TrialState.FAIL)
    rec("best_trial with only a failed trial", lambda: study.best_trial)
    trial = study.ask()
    trial.suggest_int("n", 0, 10)
    study.tell(trial, 3.0)
    study.tell(study.ask({"n": m.distributions.IntDistribution(0, 10)}), 7.0)
    study.tell(study.ask(), 7.0)
    rec("best_trial", lambda: study.best_trial.number)
    rec("best_value", lambda: study.best_value)
    rec("best_params", lambda: study.best_params == study.best_trial.params)
    rec("best_trials", lambda: [t.number for t in study.best_trials])


def enqueue(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study()
    rec("enqueue", lambda: study.enqueue_trial({"x": 0.25, "c": "b"}, user_attrs={"origin": "manual"}))
    rec("waiting", lambda: _states(study))
    rec("enqueue the same, skip_if_exists", lambda: study.enqueue_trial({"x": 0.25, "c": "b"}, skip_if_exists=True))
    rec("still one", lambda: len(study.trials))
    rec("enqueue the same again", lambda: study.enqueue_trial({"x": 0.25, "c": "b"}))
    trial = study.ask()
    rec("fixed x", lambda: trial.suggest_float("x", 0.0, 1.0))
    rec("fixed c", lambda: trial.suggest_categorical("c", ["a", "b"]))
    rec("user attrs", lambda: trial.user_attrs)
    rec("fixed x outside its new range", lambda: study.ask().suggest_float("x", 0.5, 1.0) >= 0.5)
    rec("enqueue a value outside the range", lambda: study.enqueue_trial({"x": 5.0}))
    rec("suggest it", lambda: study.ask().suggest_float("x", 0.0, 1.0) <= 1.0)
    rec("enqueue a choice not offered", lambda: study.enqueue_trial({"c": "z"}))
    rec("suggest it", lambda: study.ask().suggest_categorical("c", ["a", "b"]) in ("a", "b"))
    rec("optimize takes the waiting trials first", lambda: _optimize_params(m, study))


def _optimize_params(m: Any, study: Any) -> list[Any]:
    study.enqueue_trial({"x": 0.75})
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
    return [study.trials[-1].params, _states(study)]


def add_trial(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study()
    dist = m.distributions.FloatDistribution(0.0, 1.0)
    rec("add a complete trial", lambda: study.add_trial(m.trial.create_trial(params={"x": 0.5},
                                                                            distributions={"x": dist}, value=2.0)))
    rec("number", lambda: study.trials[0].number)
    rec("add a running trial", lambda: study.add_trial(m.trial.create_trial(state=m.trial.TrialState.RUNNING)))
    rec("add a waiting trial", lambda: study.add_trial(m.trial.create_trial(state=m.trial.TrialState.WAITING)))
    rec("add a failed trial", lambda: study.add_trial(m.trial.create_trial(state=m.trial.TrialState.FAIL)))
    rec("add a pruned trial", lambda: study.add_trial(m.trial.create_trial(state=m.trial.TrialState.PRUNED,
                                                                          intermediate_values={0: 1.0})))
    rec("add a complete trial without a value", lambda: study.add_trial(m.trial.create_trial(
        state=m.trial.TrialState.COMPLETE)))
    rec("add a trial with a param outside its distribution", lambda: study.add_trial(m.trial.create_trial(
        params={"x": 5.0}, distributions={"x": dist}, value=1.0)))
    rec("add two values to a single objective", lambda: study.add_trial(m.trial.create_trial(values=[1.0, 2.0])))
    rec("add_trials", lambda: study.add_trials([m.trial.create_trial(value=v) for v in (0.1, 0.2)]))
    rec("states", lambda: _states(study))
    rec("best", lambda: study.best_value)
    rec("create_trial with value and values", lambda: m.trial.create_trial(value=1.0, values=[1.0]))
    rec("create_trial param without distribution", lambda: m.trial.create_trial(params={"x": 1.0}, value=1.0))


def reports(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study()
    trial = study.ask()
    rec("report", lambda: trial.report(1.0, 0))
    rec("report the same step", lambda: trial.report(2.0, 0))
    rec("kept", lambda: study.trials[0].intermediate_values)
    rec("report a string", lambda: trial.report("x", 1))
    rec("report a negative step", lambda: trial.report(1.0, -1))
    rec("report an int value", lambda: trial.report(3, 2))
    rec("report NaN", lambda: trial.report(float("nan"), 3))
    rec("values", lambda: study.trials[0].intermediate_values)
    rec("last_step", lambda: study.trials[0].last_step)


def report_float_step(m: Any, rec: _twin.Recorder) -> None:
    trial = m.create_study().ask()
    rec("report step 1.5", lambda: trial.report(1.0, 1.5))
    rec("report step 2.0", lambda: trial.report(1.0, 2.0))


def suggestions(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study()
    trial = study.ask()
    rec("suggest_float", lambda: 0.0 <= trial.suggest_float("x", 0.0, 1.0) <= 1.0)
    rec("same name, same range", lambda: trial.suggest_float("x", 0.0, 1.0) == trial.params["x"])
    rec("same name, other range", lambda: trial.suggest_float("x", 0.0, 2.0) == trial.params["x"])
    rec("same name, other type", lambda: trial.suggest_int("x", 0, 1))
    rec("suggest_int low > high", lambda: trial.suggest_int("n", 5, 1))
    rec("suggest_int float bounds", lambda: type(trial.suggest_int("m", 0.0, 3.0)).__name__)
    rec("suggest_float log low 0", lambda: trial.suggest_float("lr", 0.0, 1.0, log=True))
    rec("suggest_categorical None choice", lambda: trial.suggest_categorical("e", [None]))
    rec("single-value float", lambda: trial.suggest_float("s", 1.0, 1.0))
    rec("params", lambda: sorted(trial.params))
    study.tell(trial, 1.0)
    rec("distributions", lambda: sorted(study.trials[0].distributions))


def container_choices(m: Any, rec: _twin.Recorder) -> None:
    trial = m.create_study().ask()
    rec("suggest_categorical a list choice", lambda: trial.suggest_categorical("c", [[1], [1]]))
    rec("suggest_categorical a dict choice", lambda: trial.suggest_categorical("d", [{"a": 1}]))


def study_misc(m: Any, rec: _twin.Recorder) -> None:
    storage = m.storages.InMemoryStorage()
    rec("create", lambda: m.create_study(study_name="s", storage=storage).study_name)
    rec("create the same name", lambda: m.create_study(study_name="s", storage=storage))
    rec("load_if_exists", lambda: m.create_study(study_name="s", storage=storage, load_if_exists=True).study_name)
    rec("load an unknown study", lambda: m.load_study(study_name="nope", storage=storage))
    rec("load without a name", lambda: m.load_study(study_name=None, storage=storage).study_name)
    rec("delete an unknown study", lambda: m.delete_study(study_name="nope", storage=storage))
    rec("study names", lambda: m.get_all_study_names(storage=storage))
    study = m.load_study(study_name="s", storage=storage)
    rec("stop outside optimize", lambda: study.stop())
    rec("set_user_attr", lambda: study.set_user_attr("k", [1, 2]))
    rec("user_attrs", lambda: study.user_attrs)
    rec("optimize, objective raises", lambda: study.optimize(_raise, n_trials=1))
    rec("optimize, catch", lambda: study.optimize(_raise, n_trials=1, catch=(KeyError,)))
    rec("optimize, objective returns None", lambda: study.optimize(lambda t: None, n_trials=1))
    rec("optimize, objective returns a string", lambda: study.optimize(lambda t: "abc", n_trials=1))
    rec("optimize, objective returns two values", lambda: study.optimize(lambda t: (1.0, 2.0), n_trials=1))
    rec("optimize, objective prunes", lambda: study.optimize(_prune(m), n_trials=1))
    rec("optimize, n_trials 0", lambda: study.optimize(lambda t: 1.0, n_trials=0))
    rec("states", lambda: _states(study))
    rec("get_trials by state", lambda: len(study.get_trials(states=(m.trial.TrialState.FAIL,))))
    rec("delete", lambda: m.delete_study(study_name="s", storage=storage))
    rec("names after delete", lambda: m.get_all_study_names(storage=storage))


def summaries_and_copies(m: Any, rec: _twin.Recorder) -> None:
    storage = m.storages.InMemoryStorage()
    study = m.create_study(study_name="src", storage=storage, directions=["minimize", "maximize"])
    study.set_user_attr("owner", "me")
    study.tell(study.ask(), [1.0, 2.0])
    study.tell(study.ask(), state=m.trial.TrialState.FAIL)
    m.create_study(study_name="empty", storage=storage)
    rec("set_metric_names of the wrong length", lambda: study.set_metric_names(["a"]))
    rec("set_metric_names", lambda: study.set_metric_names(["loss", "acc"]))
    rec("metric_names", lambda: study.metric_names)
    rec("metric_names of a study without", lambda: m.load_study(study_name="empty", storage=storage).metric_names)

    def summaries(include_best_trial: bool) -> Any:
        return [
            [s.study_name, s.n_trials, s.directions, s.user_attrs, s.datetime_start is None,
             None if s.best_trial is None else s.best_trial.number]
            for s in m.get_all_study_summaries(storage, include_best_trial=include_best_trial)
        ]

    rec("summaries", lambda: summaries(True))
    rec("summaries without best trials", lambda: summaries(False))
    other = m.storages.InMemoryStorage()
    rec("copy_study", lambda: m.copy_study(from_study_name="src", from_storage=storage, to_storage=other))
    copied = m.load_study(study_name="src", storage=other)
    rec("copied trials", lambda: [[t.state, t.values, t.number] for t in copied.trials])
    rec("copied attributes", lambda: [copied.user_attrs, copied.directions, copied.metric_names])
    rec("copy onto an existing name", lambda: m.copy_study(from_study_name="src", from_storage=storage,
                                                           to_storage=other))
    rec("copy under a new name", lambda: m.copy_study(from_study_name="src", from_storage=storage,
                                                      to_storage=other, to_study_name="dst"))
    rec("names", lambda: sorted(m.get_all_study_names(other)))
    rec("copy an unknown study", lambda: m.copy_study(from_study_name="nope", from_storage=storage,
                                                      to_storage=other))


def callbacks_and_stop(m: Any, rec: _twin.Recorder) -> None:
    study = m.create_study()
    seen: list[Any] = []

    def callback(study: Any, trial: Any) -> None:
        seen.append((trial.number, trial.state.name))
        if trial.number == 2:
            study.stop()

    rec("optimize with a stopping callback", lambda: study.optimize(lambda t: t.suggest_float("x", 0, 1),
                                                                    n_trials=10, callbacks=[callback]))
    rec("trials run", lambda: len(study.trials))
    rec("callbacks saw", lambda: seen)
    rec("a callback that is not callable", lambda: study.optimize(lambda t: 1.0, n_trials=1, callbacks=[3]))
    rec("n_trials negative", lambda: study.optimize(lambda t: 1.0, n_trials=-1))
    rec("timeout negative", lambda: study.optimize(lambda t: 1.0, timeout=-1.0))
    rec("catch not a tuple of classes", lambda: study.optimize(lambda t: 1.0, n_trials=1, catch=3))
    rec("ask with fixed distributions", lambda: study.ask({"k": m.distributions.IntDistribution(4, 4)}).params)
    rec("should_prune on two objectives", lambda: m.create_study(directions=["minimize"] * 2).ask().should_prune())
    rec("report on two objectives", lambda: m.create_study(directions=["minimize"] * 2).ask().report(1.0, 0))


def attributes(m: Any, rec: _twin.Recorder) -> None:
    _attributes_in(m, rec, "in memory", None)
    _attributes_in(m, rec, "in SQLite", "sqlite:///:memory:")


def _attributes_in(m: Any, rec: _twin.Recorder, where: str, storage: str | None) -> None:
    import datetime

    study = m.create_study(storage=storage)
    trial = study.ask()
    for name, value in {"a dict": {"a": [1, 2]}, "a tuple": (1, 2), "NaN": float("nan"), "an object": object(),
                        "a datetime": datetime.datetime(2020, 1, 1)}.items():
        rec(f"{where}: trial attribute {name}", lambda v=value: trial.set_user_attr("k", v))
        rec(f"{where}: read back {name}", lambda: _twin_value(study.trials[0].user_attrs.get("k")))
    rec(f"{where}: study attribute", lambda: study.set_user_attr("s", [1, {"b": None}]))
    rec(f"{where}: study attributes", lambda: study.user_attrs)
    rec(f"{where}: a non-string key", lambda: study.set_user_attr(3, 1))


def _twin_value(value: Any) -> Any:
    """A comparable form of a stored attribute (objects by their class name)."""
    if value is None or isinstance(value, (bool, int, float, str, list, tuple, dict)):
        return value
    return type(value).__name__


def fixed_and_frozen_trials(m: Any, rec: _twin.Recorder) -> None:
    fixed = m.trial.FixedTrial({"x": 0.5, "n": 2, "c": "b"}, number=7)
    rec("fixed float", lambda: fixed.suggest_float("x", 0.0, 1.0))
    rec("fixed int", lambda: fixed.suggest_int("n", 0, 5))
    rec("fixed choice", lambda: fixed.suggest_categorical("c", ["a", "b"]))
    rec("fixed value outside the range", lambda: fixed.suggest_float("x", 0.6, 1.0))
    rec("fixed choice not offered", lambda: fixed.suggest_categorical("c", ["a"]))
    rec("missing fixed value", lambda: fixed.suggest_float("y", 0.0, 1.0))
    rec("fixed number", lambda: fixed.number)
    rec("fixed params", lambda: fixed.params)
    rec("fixed report", lambda: fixed.report(1.0, 0))
    rec("fixed should_prune", lambda: fixed.should_prune())
    rec("fixed user attr", lambda: [fixed.set_user_attr("k", 1), fixed.user_attrs][1])
    rec("fixed datetime_start", lambda: fixed.datetime_start is not None)
    frozen = m.trial.create_trial(params={"x": 0.5}, distributions={"x": m.distributions.FloatDistribution(0, 1)},
                                  value=1.0, intermediate_values={0: 2.0, 3: 1.0})
    rec("frozen suggest", lambda: frozen.suggest_float("x", 0.0, 1.0))
    rec("frozen suggest unknown", lambda: frozen.suggest_float("y", 0.0, 1.0))
    rec("frozen report", lambda: frozen.report(5.0, 9))
    rec("frozen should_prune", lambda: frozen.should_prune())
    rec("frozen last_step", lambda: frozen.last_step)
    rec("frozen duration", lambda: frozen.duration is not None)
    rec("frozen value and values", lambda: [frozen.value, frozen.values])
    rec("frozen number", lambda: frozen.number)
    rec("frozen equality", lambda: frozen == m.trial.create_trial(
        params={"x": 0.5}, distributions={"x": m.distributions.FloatDistribution(0, 1)}, value=1.0,
        intermediate_values={0: 2.0, 3: 1.0}))
    rec("set value of a frozen trial", lambda: setattr(frozen, "value", 3.0))
    rec("after set", lambda: frozen.values)
    rec("create_trial RUNNING with a value", lambda: m.trial.create_trial(state=m.trial.TrialState.RUNNING,
                                                                            value=1.0))
    rec("create_trial FAIL with a value", lambda: m.trial.create_trial(state=m.trial.TrialState.FAIL, value=1.0))
    rec("create_trial PRUNED with a value", lambda: m.trial.create_trial(state=m.trial.TrialState.PRUNED,
                                                                           value=1.0).value)


def _raise(trial: Any) -> float:
    raise KeyError("boom")


def _prune(m: Any) -> Callable[[Any], float]:
    def objective(trial: Any) -> float:
        raise m.TrialPruned()

    return objective


SCENARIOS: dict[str, Callable[[Any, _twin.Recorder], None]] = {
    f.__name__: f
    for f in (ask_and_tell, tell_variants, tell_on_pruned, multi_objective_tell, best_trial_errors, enqueue,
              add_trial, reports, report_float_step, suggestions, container_choices, study_misc, summaries_and_copies,
              callbacks_and_stop, attributes, fixed_and_frozen_trials)
}

_CHOICES = (
    "choices must be None, bool, int, float or str, which every storage keeps as they are; Optuna "
    "warns and accepts others (lists, dicts), which its storages may not round-trip"
)
_STEP = "a step must be an int (numpy ints too); Optuna truncates a float step, so 1.5 overwrites step 1"

# scenario -> step label -> why albacore's outcome differs on purpose (README, "Differences from Optuna").
_EAGER = _twin.EAGER
_JSON = (
    "user and system attributes must be JSON values in every storage, InMemoryStorage included, so "
    "a study behaves the same when it moves to a database (TypeError); Optuna's InMemoryStorage keeps "
    "any object, its databases raise TypeError too"
)
DIFFERENT: dict[str, dict[str, str]] = {
    "container_choices": {"suggest_categorical a list choice": _CHOICES, "suggest_categorical a dict choice": _CHOICES},
    "report_float_step": {"report step 1.5": _STEP, "report step 2.0": _STEP},
    "attributes": {
        label: _JSON
        for label in ("in memory: trial attribute an object", "in memory: read back an object",
                      "in memory: trial attribute a datetime", "in memory: read back a datetime")
    },
    "callbacks_and_stop": {
        "n_trials negative": _EAGER,
        "timeout negative": _EAGER,
        "catch not a tuple of classes": _EAGER,
        "should_prune on two objectives": (
            "albacore prunes multi-objective trials with pruners that support it (ParetoPruner, "
            "ThresholdPruner, SuccessiveHalving/Hyperband); with another pruner should_prune raises "
            "ValueError naming it, where Optuna raises NotImplementedError for every pruner"
        ),
        "report on two objectives": (
            "a multi-objective trial reports one value per objective (trial.report([v1, v2], step)); a "
            "single number raises TypeError, where Optuna raises NotImplementedError for any report"
        ),
    },
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_life_cycle_behaves_as_optuna(scenario: str) -> None:
    expected = _twin.record(optuna, SCENARIOS[scenario])
    actual = _twin.record(albacore, SCENARIOS[scenario])
    _twin.assert_same(expected, actual, DIFFERENT.get(scenario, {}))
