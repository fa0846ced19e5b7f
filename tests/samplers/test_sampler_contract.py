"""Runs the sampler contract kit (albacore.testing.samplers) against every sampler albacore ships."""

from __future__ import annotations

import pytest

from albacore.samplers import RandomSampler
from albacore.testing.samplers import SamplerContract


class TestRandomSampler(SamplerContract):
    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: RandomSampler(seed=seed)
