"""TPESampler: the Tree-structured Parzen Estimator."""

from __future__ import annotations

import copy
import math
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from albacore._moo import to_minimization
from albacore._rng import SeededRNG
from albacore._validation import check_callable, check_int, check_number, check_type
from albacore._warnings import warn
from albacore.distributions import BaseDistribution
from albacore.logging import get_logger
from albacore.samplers._base import BaseSampler
from albacore.samplers._cache import StudyCache, Unpickled
from albacore.samplers._random import sample_uniform
from albacore.samplers._tpe._history import History, Snapshot, compatible
from albacore.samplers._tpe._parzen import ParzenEstimator
from albacore.samplers._tpe._space import SpaceCodec
from albacore.samplers._tpe._split import hypervolume_weights, rank_below, rank_weights, training_share
from albacore.samplers._tpe._unseen import ENUMERATE_LIMIT, FiniteGrid, is_whole_space, seen_codes, unseen_codes
from albacore.trial._constraints import CONSTRAINTS_KEY, constraints_dict, constraints_from_sequence
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

_logger = get_logger(__name__)


def default_gamma(n: int) -> int:
    """Number of good trials among ``n``: 15%, rounded up, at most 25."""
    return min(int(math.ceil(0.15 * n)), 25)


def default_weights(n: int) -> np.ndarray:
    """Observation weights, oldest first: the 25 newest count fully, older ones fade linearly."""
    if n < 25:
        return np.ones(n)
    return np.concatenate([np.linspace(1.0 / n, 1.0, num=n - 25), np.ones(25)])


class _Context:
    """What one trial's sampling decisions are based on (read once per trial)."""

    def __init__(self, snapshot: Snapshot, running: list[FrozenTrial]) -> None:
        self.snapshot = snapshot
        self.running = running
        self.splits: dict[bytes, np.ndarray] = {}  # rows considered -> good rows, best first


def _new_history(study: Study) -> History:
    return History(len(study.directions))


class TPESampler(Unpickled, BaseSampler):
    """Tree-structured Parzen Estimator: models good and bad trials and samples where the
    ratio of their densities is highest.

    After ``n_startup_trials`` random trials, finished trials are split into a good group
    (the best ``gamma(n)``) and the rest. Each group gets a Parzen estimator (a mixture of
    truncated Gaussians, one per trial, plus a broad prior); ``n_ei_candidates`` points are
    drawn from the good model and the one maximizing ``l(x) / g(x)`` is chosen, which
    maximizes expected improvement under the TPE model.

    Where albacore's TPE departs from the textbook algorithm (and from Optuna's defaults):

    * With the default ``weights``, good single-objective trials are also weighted by rank
      (the best counts 1, the worst of the good group about 0.5), as expected improvement
      weights them by how far they beat the split; multi-objective good trials are weighted
      by their hypervolume contribution.
    * Categorical choices are drawn by Thompson sampling: each choice's chance of being
      good gets a Beta posterior from the weighted counts of good and bad trials that took
      it, and the largest draw wins; the numeric candidates are then drawn from the good
      model conditioned on those choices. Clear winners are exploited as by ``l / g``, but a
      choice tried a few times with unlucky results (often a branch of a conditional space
      whose own parameters were still untuned) keeps a chance to be revisited.
    * PRUNED trials rank below the COMPLETE ones (those that got further first) and weigh
      in both models by the share of a full run they trained.
    * Multivariate kernels share one width per dimension, Scott's rule on the weighted
      spread of the group's trials; univariate kernels are as wide as the larger gap to
      their neighbours. Both are at least ``1 / min(100, n + 1)`` of the range for a group
      of ``n`` trials.

    Args:
        n_startup_trials: Number of finished trials sampled at random before modelling.
        n_ei_candidates: Candidates drawn from the good model per decision.
        seed: Seed of the random generator.
        multivariate: Model the parameters sampled together jointly, so interactions
            between them are captured. ``None`` means True for single-objective studies and
            False for multi-objective ones.
        group: Split conditional search spaces into groups of parameters that always appear
            together and model each group jointly (implies multivariate).
        warn_independent_sampling: Warn when a multivariate sampler has to sample a
            parameter on its own (it is outside the jointly modelled space). ``None`` means
            True unless ``group`` is set.
        constant_liar: Count running trials as bad, so parallel workers spread out.
        constraints_func: ``func(frozen_trial) -> sequence of floats``; a trial is feasible
            iff every value is <= 0. Infeasible trials count as bad. Values are stored in
            the trial's ``"constraints"`` system attribute, as ``trial.set_constraint``
            does; constraints set by the objective are honoured without this argument.
        consider_prior: Add the broad prior kernel to both models.
        prior_weight: Weight of the prior kernel relative to one trial.
        consider_endpoints: For univariate models, count the ends of a parameter's range
            as neighbours when choosing kernel widths.
        gamma: ``func(n_finished) -> int``: how many trials are good. Default: 15%,
            rounded up, at most 25.
        weights: ``func(n) -> array`` of observation weights, oldest trial first.
            Default: equal for 25 trials, then older trials fade, and good trials of a
            single-objective study are further weighted by rank (see above). A given
            function is used as is, without the rank factor.
        categorical_distance_func: Mapping from a categorical parameter name to
            ``func(choice_a, choice_b) -> float``; kernels then spread probability to
            nearby choices, so trials with a similar choice shape the numeric model (the
            choice itself is drawn from the counts of each choice, see above).
        avoid_duplicates: In a finite space (categorical, int and stepped float parameters
            only) that holds every parameter of the trials, propose a configuration no
            finished or running trial has had while such configurations remain: the best
            unseen candidate by ``l(x) / g(x)``; when every candidate was seen and the space
            has at most 4096 points, candidates drawn from the good model restricted to the
            unseen points; startup trials draw uniformly among the unseen points. Applies
            to the jointly modelled parameters (``multivariate=True``, the default for one
            objective) or a single parameter. ``False`` samples as textbook TPE does.

    Raises:
        ValueError: On an invalid argument, e.g. ``n_startup_trials < 0``.
        TypeError: When a function argument is not callable.

    Example:
        .. code-block:: python

            sampler = albacore.samplers.TPESampler(seed=0)
            study = albacore.create_study(sampler=sampler)
            study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=50)
    """

    _unpickled = {"_local": threading.local, "_warned": set}
    _local: threading.local
    _warned: set[str]

    def __init__(
        self,
        *,
        n_startup_trials: int = 10,
        n_ei_candidates: int = 24,
        seed: int | None = None,
        multivariate: bool | None = None,
        group: bool = False,
        warn_independent_sampling: bool | None = None,
        constant_liar: bool = True,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        consider_prior: bool = True,
        prior_weight: float = 1.0,
        consider_endpoints: bool = False,
        gamma: Callable[[int], int] | None = None,
        weights: Callable[[int], np.ndarray] | None = None,
        categorical_distance_func: dict[str, Callable[[Any, Any], float]] | None = None,
        avoid_duplicates: bool = True,
    ) -> None:
        check_int("TPESampler", "n_startup_trials", n_startup_trials, 0)
        check_type("TPESampler", "avoid_duplicates", avoid_duplicates, bool, "a bool")
        check_int("TPESampler", "n_ei_candidates", n_ei_candidates, 1)
        check_number("TPESampler", "prior_weight", prior_weight, 0, low_open=True)
        if multivariate is False and group:
            raise ValueError("TPESampler: group=True needs multivariate modelling, got multivariate=False")
        for name, func in (("constraints_func", constraints_func), ("gamma", gamma), ("weights", weights)):
            check_callable("TPESampler", name, func, allow_none=True)
        if categorical_distance_func is not None and (
            not isinstance(categorical_distance_func, dict)
            or not all(callable(f) for f in categorical_distance_func.values())
        ):
            raise TypeError(
                "TPESampler: categorical_distance_func must be a dict from parameter name to a "
                f"callable, got categorical_distance_func={categorical_distance_func!r}"
            )
        self._n_startup_trials = n_startup_trials
        self._n_ei_candidates = n_ei_candidates
        self._rng = SeededRNG(seed)
        self._multivariate = multivariate
        self._group = group
        self._warn_independent = (not group) if warn_independent_sampling is None else warn_independent_sampling
        self._constant_liar = constant_liar
        self._constraints_func = constraints_func
        self._prior_weight = float(prior_weight) if consider_prior else None
        self._consider_endpoints = consider_endpoints
        self._gamma = gamma or default_gamma
        self._weights = weights or default_weights
        self._rank_weighted = weights is None
        self._categorical_distance_func = categorical_distance_func
        self._avoid_duplicates = avoid_duplicates
        self._histories = StudyCache(_new_history)
        self._init_unpickled()

    @property
    def n_startup_trials(self) -> int:
        """The ``n_startup_trials`` this sampler was created with."""
        return self._n_startup_trials

    def reseed_rng(self) -> None:
        self._rng.reseed()

    # --- the sampler contract ----------------------------------------------------------------
    def _is_multivariate(self, study: Study) -> bool:
        if self._multivariate is None:
            return self._group or len(study.directions) == 1
        return self._multivariate

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        if not self._is_multivariate(study):
            return {}
        snapshot = self._context(study, trial).snapshot
        source = snapshot.latest if self._group else snapshot.intersection
        return {name: dist for name, dist in sorted(source.items()) if not dist.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        context = self._context(study, trial)
        if context.snapshot.n < self._n_startup_trials:
            return self._random_unseen(context, search_space) if self._avoid_duplicates else {}
        if not self._group:
            return self._sample(study, context, search_space, "scott")
        params: dict[str, Any] = {}
        for names in _decompose(context.snapshot.param_sets):
            sub_space = {name: search_space[name] for name in sorted(names) if name in search_space}
            if sub_space:
                params.update(self._sample(study, context, sub_space, "scott"))
        return params

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        context = self._context(study, trial)
        if context.snapshot.n < self._n_startup_trials:
            return sample_uniform(self._rng.rng, param_distribution)
        if (
            self._warn_independent
            and self._is_multivariate(study)
            and param_name not in self._warned
            and not self._jointly_modelled(study, trial, param_name, param_distribution)
        ):
            self._warned.add(param_name)
            warn(
                f"TPESampler: parameter {param_name!r} is sampled on its own, outside the jointly "
                f"modelled parameters (some trials lack it or used another distribution); "
                f"consider group=True for conditional search spaces"
            )
        return self._sample(study, context, {param_name: param_distribution}, "neighbor")[param_name]

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        if self._constraints_func is None or state not in (TrialState.COMPLETE, TrialState.PRUNED):
            return
        finished = copy.copy(trial)
        finished.state = state
        finished.values = None if values is None else list(values)
        constraints = constraints_from_sequence(self._constraints_func(finished))
        # Values set with trial.set_constraint are kept (and win), as in Optuna.
        study.set_trial_system_attr(trial, CONSTRAINTS_KEY, {**constraints, **constraints_dict(trial.system_attrs)})

    # --- internals ---------------------------------------------------------------------------
    def _jointly_modelled(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> bool:
        """Whether ``param_name`` belongs to the joint space as the history stands now.

        The joint space only shrinks as trials finish (it is empty before the first one), so
        a parameter in it that still reaches ``sample_independent`` belongs to a trial asked
        before the startup trials had finished (batched ask-and-tell), not to one outside
        the joint space.
        """
        return self.infer_relative_search_space(study, trial).get(param_name) == param_distribution

    def _context(self, study: Study, trial: FrozenTrial) -> _Context:
        """The history behind ``trial``'s decisions, read once per trial and thread."""
        key = study.key
        trial_key = (trial.number, trial.datetime_start)
        cached = getattr(self._local, "context", None)
        if cached is not None and cached[0] == key and cached[1] == trial_key:
            hit: _Context = cached[2]
            return hit
        history = self._histories.get(study)
        running = history.update(study)
        running = [t for t in running if t.number != trial.number] if self._constant_liar else []
        context = _Context(history.snapshot(), running)
        self._local.context = (key, trial_key, context)
        return context

    def _sample(
        self, study: Study, context: _Context, space: dict[str, BaseDistribution], bandwidth: str
    ) -> dict[str, Any]:
        snapshot = context.snapshot
        codec = SpaceCodec(space, self._categorical_distance_func)
        columns = {name: snapshot.column(name, dist) for name, dist in space.items()}
        has_all = np.all(~np.isnan(np.vstack(list(columns.values()))), axis=0)
        # Split among the trials that have these parameters, so conditional parameters are
        # modelled from the best trials of their own branch.
        rows = np.flatnonzero(has_all)
        ranked = context.splits.get(rows.tobytes())
        if ranked is None:
            ranked = rank_below(snapshot, study.directions, int(self._gamma(len(rows))), rows)
            context.splits[rows.tobytes()] = ranked
        below = np.zeros(snapshot.n, dtype=bool)
        below[ranked] = True
        by_number = np.argsort(snapshot.numbers, kind="stable")
        below_rows = by_number[(has_all & below)[by_number]]
        above_rows = by_number[(has_all & ~below)[by_number]]
        z_b, c_b = codec.encode({k: v[below_rows] for k, v in columns.items()})
        z_a, c_a = codec.encode({k: v[above_rows] for k, v in columns.items()})
        # Pruned trials count in both models by the share of a full run they trained.
        w_b = self._below_weights(study, snapshot, below_rows, ranked) * training_share(snapshot, below_rows)
        w_a = np.asarray(self._weights(len(above_rows)), dtype=float)
        w_a = w_a * training_share(snapshot, above_rows)
        liars = _running_rows(context.running, space)
        if liars:
            z_l, c_l = codec.encode(liars)
            z_a, c_a = np.vstack([z_a, z_l]), np.vstack([c_a, c_l])
            w_a = np.append(w_a, np.ones(len(z_l)))
        options: dict[str, Any] = dict(
            prior_weight=self._prior_weight, bandwidth=bandwidth, consider_endpoints=self._consider_endpoints
        )
        good = ParzenEstimator(z_b, c_b, w_b, codec, **options)
        bad = ParzenEstimator(z_a, c_a, w_a, codec, **options)
        choices = self._draw_choices(good, bad) if codec.n_choices else None
        z, cats = good.sample(self._rng.rng, self._n_ei_candidates, choices)
        values, z = codec.snap(z)
        edges = codec.bin_edges(values)
        score = good.log_pdf(z, cats, edges) - bad.log_pdf(z, cats, edges)
        best = int(np.argmax(score))
        if self._avoid_duplicates and is_whole_space(snapshot, space):
            grid = FiniteGrid(codec)
            if grid.size is not None:
                seen = seen_codes(grid, columns, rows, liars)
                picked = self._unseen_candidate(grid, seen, values, cats, score, good, bad)
                if picked is not None:
                    return codec.to_params(*picked)
        return codec.to_params(values[best], cats[best])

    def _unseen_candidate(
        self,
        grid: FiniteGrid,
        seen: np.ndarray,
        values: np.ndarray,
        cats: np.ndarray,
        score: np.ndarray,
        good: ParzenEstimator,
        bad: ParzenEstimator,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """A point no trial has had, to use instead of the best candidate; None keeps it."""
        fresh = ~np.isin(grid.codes(values, cats), seen)
        if fresh[int(np.argmax(score))]:
            return None
        if fresh.any():
            index = np.flatnonzero(fresh)
            best = int(index[np.argmax(score[index])])
            return values[best], cats[best]
        if grid.size is None or grid.size > ENUMERATE_LIMIT:
            return None
        left = unseen_codes(grid, seen)
        if len(left) == 0:
            return None  # every point has been tried: a repeat it is
        # TPE on the unseen points: candidates drawn from l(x) restricted to them, best l / g.
        v, c = grid.points(left)
        z = (
            np.column_stack([dim.encode(v[:, j]) for j, dim in enumerate(grid.codec.numeric)])
            if len(grid.codec.numeric)
            else np.empty((len(left), 0))
        )
        edges = grid.codec.bin_edges(v)
        log_l = good.log_pdf(z, c, edges)
        p = np.exp(log_l - log_l.max())
        drawn = self._rng.rng.choice(len(left), size=self._n_ei_candidates, p=p / p.sum())
        ratio = log_l[drawn] - bad.log_pdf(z[drawn], c[drawn], grid.codec.bin_edges(v[drawn]))
        best = int(drawn[np.argmax(ratio)])
        return v[best], c[best]

    def _random_unseen(self, context: _Context, space: dict[str, BaseDistribution]) -> dict[str, Any]:
        """A startup trial's point drawn uniformly among the unseen ones of a finite space."""
        snapshot = context.snapshot
        if not is_whole_space(snapshot, space):
            return {}
        codec = SpaceCodec(space, self._categorical_distance_func)
        grid = FiniteGrid(codec)
        if grid.size is None or grid.size > ENUMERATE_LIMIT:
            return {}
        columns = {name: snapshot.column(name, dist) for name, dist in space.items()}
        rows = np.flatnonzero(np.all(~np.isnan(np.vstack(list(columns.values()))), axis=0))
        left = unseen_codes(grid, seen_codes(grid, columns, rows, _running_rows(context.running, space)))
        if len(left) == 0:
            return {}
        v, c = grid.points(left[[int(self._rng.rng.integers(len(left)))]])
        return codec.to_params(v[0], c[0])

    def _draw_choices(self, good: ParzenEstimator, bad: ParzenEstimator) -> np.ndarray:
        """One choice per categorical dimension, by Thompson sampling.

        Each choice's chance of landing in the good group gets a Beta posterior whose counts
        are the weighted numbers of good and bad trials that took it (the prior's weight
        shared among the choices); the choice with the largest draw wins. Well-observed
        choices end up ranked as ``l(c) / g(c)`` ranks them, while rarely tried ones keep a
        chance that shrinks as evidence against them accumulates, so an option whose early
        trials were unlucky (say, a branch whose own parameters were still untuned) is not
        abandoned for good.
        """
        rng = self._rng.rng
        return np.array(
            [
                int(
                    np.argmax(
                        rng.beta(np.maximum(good.choice_counts(j), 1e-12), np.maximum(bad.choice_counts(j), 1e-12))
                    )
                )
                for j in range(len(good.cat_log_p))
            ],
            dtype=int,
        )

    def _below_weights(self, study: Study, snapshot: Snapshot, rows: np.ndarray, ranked: np.ndarray) -> np.ndarray:
        """Weights of the good rows (in trial-number order); ``ranked`` holds them best first."""
        if len(rows) == 0:
            return np.ones(0)
        if len(study.directions) == 1:
            weights = np.asarray(self._weights(len(rows)), dtype=float)
            if self._rank_weighted:
                rank = np.empty(snapshot.n, dtype=int)
                rank[ranked] = np.arange(len(ranked))
                weights = weights * rank_weights(rank[rows], len(rows))
            return weights
        values = snapshot.values[rows]
        ok = ~np.isnan(values).any(axis=1) & (snapshot.violation[rows] <= 0)
        weights = np.ones(len(rows))
        if ok.sum() > 1:
            weights[ok] = hypervolume_weights(to_minimization(values[ok], study.directions))
        return weights


def _running_rows(running: list[FrozenTrial], space: dict[str, BaseDistribution]) -> dict[str, np.ndarray]:
    """Internal values of ``space`` for running trials that already have all of it."""
    rows: dict[str, list[float]] = {name: [] for name in space}
    for trial in running:
        dists = trial.distributions
        if not all(name in dists and compatible(dists[name], d) for name, d in space.items()):
            continue
        internal = {name: dists[name].to_internal_repr(trial.params[name]) for name in space}
        if all(space[name].contains(v) for name, v in internal.items()):
            for name, value in internal.items():
                rows[name].append(value)
    if not rows or not next(iter(rows.values())):
        return {}
    return {name: np.array(values) for name, values in rows.items()}


def _decompose(param_sets: list[frozenset[str]]) -> list[frozenset[str]]:
    """Partition parameter names into groups such that every trial's set is a union of groups."""
    groups: list[frozenset[str]] = []
    for names in sorted(param_sets, key=lambda s: sorted(s)):
        refined: list[frozenset[str]] = []
        rest = set(names)
        for group in groups:
            inside, outside = group & names, group - names
            refined.extend(g for g in (inside, outside) if g)
            rest -= group
        if rest:
            refined.append(frozenset(rest))
        groups = refined
    return sorted(groups, key=lambda g: sorted(g))
