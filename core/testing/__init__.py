"""Test kits shipped with albacore: contracts every storage and sampler must meet.

Import from the submodules (they import pytest): :mod:`albacore.testing.storages`,
:mod:`albacore.testing.samplers`, :mod:`albacore.testing.pruners`.
"""

__all__: list[str] = []
