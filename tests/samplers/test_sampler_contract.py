"""Runs the sampler contract kit (albacore.testing.samplers) against every sampler albacore ships.

Every sampler exported by ``albacore.samplers`` has a class here; a sampler's variant of the
contract is declared with the kit's class attributes (see the kit's module docstring).
"""

from __future__ import annotations

from typing import Any

import pytest

import albacore.samplers
from albacore.distributions import CategoricalDistribution, FloatDistribution
from albacore.samplers import (
    AutoSampler,
    BruteForceSampler,
    CmaEsSampler,
    GPSampler,
    GridSampler,
    NSGAIIISampler,
    NSGAIISampler,
    PartialFixedSampler,
    QMCSampler,
    RandomSampler,
    TPESampler,
)
from albacore.testing.samplers import CONDITIONAL_SPACE, ENQUEUED_PARAMS, SEARCH_SPACE, SamplerContract


def _grid() -> dict[str, list[Any]]:
    """A grid over the kit's space: the bounds, the enqueued values and a midpoint."""
    grid = {}
    for name, dist in {**SEARCH_SPACE, **CONDITIONAL_SPACE}.items():
        if isinstance(dist, CategoricalDistribution):
            grid[name] = list(dist.choices)
            continue
        values = {dist.low, dist.high, *(p[name] for p in ENQUEUED_PARAMS if name in p)}
        if isinstance(dist, FloatDistribution) and dist.step is None and not dist.log:
            values.add((dist.low + dist.high) / 2)
        grid[name] = sorted(values)
    return grid


class TestRandomSampler(SamplerContract):
    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: RandomSampler(seed=seed)


class TestTPESampler(SamplerContract):
    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: TPESampler(seed=seed, n_startup_trials=5)


class TestTPESamplerMultivariateGroup(SamplerContract):
    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: TPESampler(seed=seed, n_startup_trials=5, multivariate=True, group=True)


class TestQMCSampler(SamplerContract):
    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: QMCSampler(seed=seed)


class TestGridSampler(SamplerContract):
    fixed_search_space = True

    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: GridSampler(_grid(), seed=seed)


class TestBruteForceSampler(SamplerContract):
    continuous_floats = False

    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: BruteForceSampler(seed=seed)


class TestNSGAIISampler(SamplerContract):
    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: NSGAIISampler(seed=seed, population_size=4)


class TestNSGAIIISampler(SamplerContract):
    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: NSGAIIISampler(seed=seed, population_size=4)


class TestPartialFixedSampler(SamplerContract):
    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: PartialFixedSampler({"units": 8}, TPESampler(seed=seed, n_startup_trials=5))


class TestCmaEsSampler(SamplerContract):
    multi_objective = False

    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: CmaEsSampler(seed=seed, n_startup_trials=2, popsize=4, warn_independent_sampling=False)


class TestCmaEsSamplerWithMargin(SamplerContract):
    multi_objective = False

    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: CmaEsSampler(
            seed=seed, n_startup_trials=2, popsize=4, with_margin=True, warn_independent_sampling=False
        )


class TestGPSampler(SamplerContract):
    n_trials = 8  # each GP trial fits a model: keep the kit fast, past the 4 start-up trials

    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: GPSampler(seed=seed, n_startup_trials=4, warn_independent_sampling=False)


class TestAutoSampler(SamplerContract):
    n_trials = 8  # it delegates to GPSampler on small studies

    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: AutoSampler(seed=seed)


def test_every_exported_sampler_runs_the_contract() -> None:
    exported = {
        name for name in albacore.samplers.__all__
        if name.endswith("Sampler") and name != "BaseSampler"
    }
    covered = {
        cls.__name__.removeprefix("Test").removesuffix("MultivariateGroup").removesuffix("WithMargin")
        for cls in globals().values()
        if isinstance(cls, type) and issubclass(cls, SamplerContract) and cls is not SamplerContract
    }
    assert sorted(exported - covered) == []


@pytest.mark.parametrize(
    ("sampler", "expected"),
    [
        (RandomSampler(), 0),
        (QMCSampler(), 0),
        (TPESampler(), 10),
        (TPESampler(n_startup_trials=3), 3),
        (GPSampler(n_startup_trials=4), 4),
        (CmaEsSampler(n_startup_trials=5), 5),
        (PartialFixedSampler({"x": 1.0}, TPESampler(n_startup_trials=6)), 6),
        (AutoSampler(), 10),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, int) else str(v),
)
def test_n_startup_trials_is_the_history_a_sampler_needs_before_modelling(sampler, expected) -> None:
    # HyperbandPruner shows a bracket alone to the sampler once it holds this many trials.
    assert sampler.n_startup_trials == expected
