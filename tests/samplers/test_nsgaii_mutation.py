"""Mutation operators of the genetic samplers: PolynomialMutation and the ``mutation`` hook."""

from __future__ import annotations

import numpy as np
import pytest

import albacore
from albacore.samplers import NSGAIIISampler, NSGAIISampler
from albacore.samplers.nsgaii import BaseMutation, PolynomialMutation


def _study_of(sampler: albacore.samplers.BaseSampler) -> albacore.Study:
    return albacore.create_study(directions=["minimize", "minimize"], sampler=sampler)


def test_polynomial_mutation_stays_in_bounds_and_near_the_value_for_large_eta() -> None:
    rng = np.random.default_rng(0)
    bounds = np.array([0.0, 10.0])
    study = albacore.create_study()
    spreads = []
    for eta in (1.0, 100.0):
        moved = np.array([PolynomialMutation(eta).mutation(3.0, rng, study, bounds) for _ in range(2000)])
        assert moved.min() >= 0.0 and moved.max() <= 10.0
        assert np.mean(moved > 3.0) == pytest.approx(0.5, abs=0.05)
        spreads.append(np.mean(np.abs(moved - 3.0)))
    assert spreads[1] < 0.2 < 1.0 < spreads[0]
    at_bound = [PolynomialMutation(5.0).mutation(10.0, rng, study, bounds) for _ in range(200)]
    assert max(at_bound) <= 10.0 and min(at_bound) < 10.0
    assert PolynomialMutation().mutation(2.0, rng, study, np.array([2.0, 2.0])) == 2.0


@pytest.mark.parametrize(
    ("eta", "message"),
    [
        (-1.0, r"PolynomialMutation: eta must be >= 0, got eta=-1.0"),
        (float("nan"), r"PolynomialMutation: eta must be a finite number, got eta=nan"),
        ("20", r"PolynomialMutation: eta must be a finite number, got eta='20'"),
    ],
)
def test_polynomial_mutation_rejects_a_bad_eta(eta, message) -> None:
    with pytest.raises(ValueError, match=message):
        PolynomialMutation(eta)


class _Recording(BaseMutation):
    def __init__(self) -> None:
        self.calls: list[tuple[float, tuple[float, float]]] = []

    def mutation(self, param, rng, study, search_space_bounds):
        self.calls.append((param, tuple(search_space_bounds)))
        return search_space_bounds[1] + 5.0  # out of bounds on purpose: the sampler clips


@pytest.mark.parametrize("sampler_class", [NSGAIISampler, NSGAIIISampler])
def test_the_sampler_hands_mutated_numerical_genes_to_the_mutation(sampler_class) -> None:
    mutation = _Recording()
    sampler = sampler_class(population_size=4, mutation=mutation, mutation_prob=1.0, seed=0)
    study = _study_of(sampler)

    def objective(trial: albacore.Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 1e-3, 1.0, log=True)
        n = trial.suggest_int("n", 0, 8)
        trial.suggest_categorical("c", ["a", "b"])
        return x, n

    study.optimize(objective, n_trials=12)
    later = study.trials[4:]
    assert mutation.calls
    assert {bounds for _, bounds in mutation.calls} == {(np.log(1e-3), 0.0), (0.0, 8.0)}
    # Every gene mutated, and the mutation pushed it past the high bound: the sampler clipped.
    assert all(t.params["x"] == pytest.approx(1.0) and t.params["n"] == 8 for t in later)


def test_a_mutation_that_is_not_a_base_mutation_is_rejected() -> None:
    with pytest.raises(TypeError, match=r"NSGAIISampler: mutation must be a BaseMutation or None, got mutation='poly'"):
        NSGAIISampler(mutation="poly")  # type: ignore[arg-type]


def test_polynomial_mutation_improves_on_random_restarts_of_a_converged_population() -> None:
    def zdt1(trial: albacore.Trial) -> tuple[float, float]:
        xs = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(5)]
        g = 1.0 + 9.0 * sum(xs[1:]) / 4
        return xs[0], g * (1.0 - (xs[0] / g) ** 0.5)

    def final_g(mutation: BaseMutation | None) -> float:
        sampler = NSGAIISampler(population_size=20, mutation=mutation, seed=1)
        study = _study_of(sampler)
        study.optimize(zdt1, n_trials=400)
        return float(np.mean([sum(t.params[f"x{i}"] for i in range(1, 5)) for t in study.trials[-40:]]))

    assert final_g(PolynomialMutation(20.0)) < final_g(None)
