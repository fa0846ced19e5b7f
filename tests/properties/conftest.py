"""Hypothesis settings of the property-based tests: few examples, derandomized.

``derandomize=True`` draws the same examples on every run (no example database), so a run
is reproducible and CI never fails on a draw that a local run did not make.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "albacore",
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("albacore")
