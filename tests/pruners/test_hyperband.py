"""HyperbandPruner: stable brackets, one successive halving per bracket, bracket views for samplers.

Brackets follow the study name, so every Hyperband study here has a fixed one: under a random
name a short run can leave a bracket empty (about 1 run in 100 for 25 trials).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

import pytest

import albacore
from albacore.pruners import HyperbandPruner
from albacore.trial import TrialState

RUNG = "hyperband:completed_rung_"


def hyperband(**kwargs) -> HyperbandPruner:
    """Brackets 0, 1, 2 with first rungs at steps 1, 3, 9 unless overridden."""
    return HyperbandPruner(**{"min_resource": 1, "max_resource": 9, "reduction_factor": 3, **kwargs})


_BRACKETS_SCRIPT = """
import json, albacore
pruner = albacore.pruners.HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
study = albacore.create_study(study_name="hyperband-stable", pruner=pruner)
print(json.dumps([pruner.bracket_of(study, n) for n in range(300)]))
"""


def test_brackets_are_the_same_in_every_process():
    pruner = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    study = albacore.create_study(study_name="hyperband-stable", pruner=pruner)
    here = [pruner.bracket_of(study, n) for n in range(300)]
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", _BRACKETS_SCRIPT], capture_output=True, text=True, env=env, check=True
        )
        assert json.loads(out.stdout.strip().splitlines()[-1]) == here
    # Four brackets (1, 3, 9, 27 <= 27), the aggressive ones holding the most trials.
    counts = Counter(here)
    assert set(counts) == {0, 1, 2, 3}
    assert counts[0] > counts[1] > counts[3]


def test_brackets_depend_on_the_study_name():
    pruner = hyperband()
    first = albacore.create_study(study_name="hyperband-a", pruner=pruner)
    second = albacore.create_study(study_name="hyperband-b", pruner=pruner)
    assert [pruner.bracket_of(first, n) for n in range(50)] != [pruner.bracket_of(second, n) for n in range(50)]


def _ask_in_bracket(study: albacore.Study, pruner: HyperbandPruner, bracket: int) -> albacore.Trial:
    """Ask trials until one falls in ``bracket``; the others are failed right away."""
    while True:
        trial = study.ask()
        if pruner.bracket_of(study, trial.number) == bracket:
            return trial
        study.tell(trial, state=TrialState.FAIL)


def _report(trial: albacore.Trial, steps: dict[int, float]) -> list[int]:
    pruned = []
    for step, value in steps.items():
        trial.report(value, step)
        if trial.should_prune():
            pruned.append(step)
    return pruned


def test_each_bracket_runs_its_own_successive_halving():
    pruner = hyperband()
    study = albacore.create_study(study_name="hyperband-own-halving", pruner=pruner)
    leader0 = _ask_in_bracket(study, pruner, 0)
    assert _report(leader0, {1: 1.0, 3: 1.0}) == []  # rungs 0 and 1 of bracket 0
    leader1 = _ask_in_bracket(study, pruner, 1)
    # Bracket 1 has no rung at step 1; rungs at 3 and 9 hold only this trial: promoted,
    # although bracket 0 holds better values under the same rung names.
    assert _report(leader1, {1: 5.0, 3: 5.0, 9: 5.0}) == []
    assert study.get_trials()[leader1.number].system_attrs[f"{RUNG}1"] == 5.0
    follower0 = _ask_in_bracket(study, pruner, 0)
    assert _report(follower0, {0: 0.0, 1: 2.0}) == [1]
    follower1 = _ask_in_bracket(study, pruner, 1)
    assert _report(follower1, {1: 6.0, 3: 6.0}) == [3]


def test_maximize_is_respected():
    pruner = hyperband()
    study = albacore.create_study(study_name="hyperband-maximize", direction="maximize", pruner=pruner)
    assert _report(_ask_in_bracket(study, pruner, 0), {1: 1.0}) == []
    assert _report(_ask_in_bracket(study, pruner, 0), {1: 2.0}) == []
    assert _report(_ask_in_bracket(study, pruner, 0), {1: 0.5}) == [1]


class _RecordingSampler(albacore.samplers.RandomSampler):
    """Records the trial numbers each sampler hook could see."""

    def __init__(self) -> None:
        super().__init__(seed=0)
        self.seen: dict[tuple[str, int], list[int]] = {}

    def _record(self, hook: str, study, trial) -> None:
        self.seen[(hook, trial.number)] = [t.number for t in study.get_trials(deepcopy=False)]

    def before_trial(self, study, trial):
        self._record("before", study, trial)

    def infer_relative_search_space(self, study, trial):
        self._record("infer", study, trial)
        return super().infer_relative_search_space(study, trial)

    def sample_independent(self, study, trial, param_name, param_distribution):
        self._record("independent", study, trial)
        return super().sample_independent(study, trial, param_name, param_distribution)

    def after_trial(self, study, trial, state, values):
        self._record("after", study, trial)


def _objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    for step in range(10):
        trial.report(x + step, step)
    return x


def test_samplers_see_only_the_trials_of_the_same_bracket():
    sampler, pruner = _RecordingSampler(), hyperband()
    study = albacore.create_study(study_name="hyperband-views", sampler=sampler, pruner=pruner)
    study.optimize(_objective, n_trials=30)
    brackets = [pruner.bracket_of(study, n) for n in range(30)]
    assert len(set(brackets)) == 3
    for n in range(30):
        same = [m for m in range(n + 1) if brackets[m] == brackets[n]]
        for hook in ("before", "infer", "independent"):
            assert sampler.seen[(hook, n)] == same
        assert sampler.seen[("after", n)] == list(range(n + 1))  # the real study


def test_auto_max_resource_comes_from_the_first_completed_trials():
    pruner = HyperbandPruner()
    study = albacore.create_study(study_name="hyperband-auto", pruner=pruner)
    first, second = study.ask(), study.ask()
    assert pruner.bracket_of(study, 0) is None
    assert pruner.study_for_sampler(study, first._frozen()) is study  # no brackets yet
    assert _report(first, {0: 5.0, 9: 5.0}) == []  # nothing pruned before a trial completes
    study.tell(first, 5.0)
    _report(second, {0: 9.0, 1: 9.0})  # alone in its rungs: the first trial recorded none
    assert study.system_attrs["hyperband:max_resource"] == 9
    assert {pruner.bracket_of(study, n) for n in range(100)} == {0, 1, 2}


def test_pruned_trials_keep_their_last_intermediate_value():
    pruner = hyperband()
    study = albacore.create_study(study_name="hyperband-last-value", pruner=pruner)

    def objective(trial: albacore.Trial) -> float:
        for step in range(10):
            trial.report(float(trial.number + step), step)
            if trial.should_prune():
                raise albacore.TrialPruned()
        return 0.0

    study.optimize(objective, n_trials=20)
    pruned = [t for t in study.trials if t.state == TrialState.PRUNED]
    assert pruned
    for t in pruned:
        assert t.value == t.intermediate_values[t.last_step]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_resource": 0}, r"HyperbandPruner: min_resource must be >= 1, got min_resource=0"),
        ({"max_resource": "max"}, r"HyperbandPruner: max_resource must be an int, got max_resource='max'"),
        ({"max_resource": 0}, r"HyperbandPruner: max_resource must be >= 1, got max_resource=0"),
        (
            {"min_resource": 5, "max_resource": 3},
            r"HyperbandPruner: max_resource must be >= min_resource, got max_resource=3 with min_resource=5",
        ),
        ({"reduction_factor": 1}, r"HyperbandPruner: reduction_factor must be >= 2, got reduction_factor=1"),
        ({"max_resource": 9, "bootstrap_count": -1}, r"bootstrap_count must be >= 0, got bootstrap_count=-1"),
        ({"bootstrap_count": 2}, r"bootstrap_count > 0 needs an explicit max_resource, got bootstrap_count=2"),
    ],
)
def test_argument_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        HyperbandPruner(**kwargs)


def test_a_patient_wrapper_passes_the_bracket_view_on():
    inner = hyperband()
    sampler = _RecordingSampler()
    study = albacore.create_study(
        study_name="hyperband-patient", sampler=sampler, pruner=albacore.pruners.PatientPruner(inner, patience=1)
    )
    study.optimize(_objective, n_trials=12)
    brackets = [inner.bracket_of(study, n) for n in range(12)]
    for n in range(12):
        assert sampler.seen[("independent", n)] == [m for m in range(n + 1) if brackets[m] == brackets[n]]


def test_other_pruners_show_the_sampler_the_whole_study():
    study = albacore.create_study(pruner=albacore.pruners.MedianPruner())
    trial = study.ask()
    assert study.pruner.study_for_sampler(study, trial._frozen()) is study


def test_bracket_views_have_their_own_cache_identity():
    # Samplers key caches of finished trials by study.key: each bracket needs its own key.
    pruner = hyperband()
    study = albacore.create_study(
        study_name="hyperband-cache-identity", sampler=albacore.samplers.RandomSampler(seed=0), pruner=pruner
    )
    trials = [study.ask() for _ in range(20)]
    views = {}
    for trial in trials:
        view = pruner.study_for_sampler(study, trial._frozen())
        assert isinstance(view, albacore.pruners.StudyView)
        views.setdefault(pruner.bracket_of(study, trial.number), set()).add(view.key)
    assert len(views) == 3
    keys = [next(iter(ids)) for ids in views.values()]
    assert all(len(ids) == 1 for ids in views.values())
    assert len(set(keys)) == 3 and study.key not in keys


def test_tpe_runs_on_bracket_views():
    sampler, pruner = albacore.samplers.TPESampler(seed=0, n_startup_trials=2), hyperband()
    study = albacore.create_study(study_name="hyperband-tpe-views", sampler=sampler, pruner=pruner)
    study.optimize(_objective, n_trials=25)
    assert len(study.trials) == 25
    assert {pruner.bracket_of(study, n) for n in range(25)} == {0, 1, 2}


def test_tpe_models_only_the_trials_of_the_same_bracket():
    # Optuna 5.0's TPE reads every trial of the study under Hyperband; albacore's must not
    # once a bracket holds its n_startup_trials.
    sampler, pruner = albacore.samplers.TPESampler(seed=0, n_startup_trials=2), hyperband()
    study = albacore.create_study(study_name="hyperband-tpe", sampler=sampler, pruner=pruner)
    study.optimize(_objective, n_trials=40)
    views = {}
    for n in range(40):
        view = pruner.study_for_sampler(study, study.trials[n])
        if view is not study:
            views[pruner.bracket_of(study, n)] = view
    bracket_histories = {bracket: set(sampler._histories[view].row_of) for bracket, view in views.items()}
    assert set(bracket_histories) == {0, 1, 2}
    for bracket, numbers in bracket_histories.items():
        assert {pruner.bracket_of(study, n) for n in numbers} == {bracket}


class _StartupSampler(_RecordingSampler):
    """A recording sampler that declares it models the history after ``n`` finished trials."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self._n = n

    @property
    def n_startup_trials(self) -> int:
        return self._n


def test_a_bracket_sees_the_whole_study_until_it_holds_the_samplers_startup_trials():
    sampler, pruner = _StartupSampler(3), hyperband()
    study = albacore.create_study(study_name="hyperband-borrow", sampler=sampler, pruner=pruner)
    study.optimize(_objective, n_trials=40)
    brackets = [pruner.bracket_of(study, n) for n in range(40)]
    for n in range(40):
        before = [m for m in range(n) if brackets[m] == brackets[n]]  # all finished: n_jobs=1
        expected = list(range(n + 1)) if len(before) < 3 else before + [n]
        assert sampler.seen[("independent", n)] == expected, n
    # Every bracket got past its startup in 40 trials, so each had both views.
    assert all(Counter(brackets)[b] > 3 for b in range(3))


def test_failed_trials_do_not_count_towards_a_brackets_startup():
    pruner = hyperband()
    study = albacore.create_study(study_name="hyperband-startup", sampler=_StartupSampler(1), pruner=pruner)
    first = study.ask()
    bracket = pruner.bracket_of(study, first.number)
    study.tell(first, state=TrialState.FAIL)
    trial = _ask_in_bracket(study, pruner, bracket)
    assert pruner.study_for_sampler(study, trial._frozen()) is study  # only a failed trial there
    study.tell(trial, 0.5)
    trial = _ask_in_bracket(study, pruner, bracket)
    view = pruner.study_for_sampler(study, trial._frozen())
    assert view is not study and view.bracket == bracket
