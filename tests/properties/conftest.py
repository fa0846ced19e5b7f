"""Hypothesis settings of the property-based tests: few examples, derandomized.

``derandomize=True`` draws the same examples on every run (no example database), so a run
is reproducible and CI never fails on a draw that a local run did not make.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "albacore",
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Investigating a failure: the same examples, reported as drawn (no shrinking).
settings.register_profile("albacore-debug", settings.get_profile("albacore"), phases=[Phase.explicit, Phase.generate])
settings.load_profile(os.environ.get("ALBACORE_HYPOTHESIS_PROFILE", "albacore"))
