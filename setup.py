"""Package discovery for the core/ -> albacore and integrations/ -> albacore.integrations mapping.

Everything else lives in pyproject.toml; this file only lists the packages, because the
source folders are not named after the import package.
"""

from setuptools import find_packages, setup


def _packages(root: str, prefix: str) -> list[str]:
    return [prefix] + [f"{prefix}.{name}" for name in find_packages(root)]


setup(
    packages=_packages("core", "albacore") + _packages("integrations", "albacore.integrations"),
    package_dir={"albacore": "core", "albacore.integrations": "integrations"},
)
