"""The public names of albacore match the checked-in list, so API changes are deliberate.

After adding or removing a public name on purpose, regenerate the list with::

    python tests/test_public_api.py --update

and commit ``tests/public_api.txt`` together with the change.
"""

from __future__ import annotations

import importlib
import inspect
import pathlib
import sys

API_FILE = pathlib.Path(__file__).with_name("public_api.txt")

# Framework integrations (albacore.integrations.<framework>) import their framework, so
# their names are checked by the integration tests, not here.
PUBLIC_MODULES = (
    "albacore",
    "albacore.cli",
    "albacore.distributions",
    "albacore.exceptions",
    "albacore.hypervolume",
    "albacore.integrations",
    "albacore.logging",
    "albacore.pruners",
    "albacore.samplers",
    "albacore.samplers.nsgaii",
    "albacore.search_space",
    "albacore.storages",
    "albacore.study",
    "albacore.testing",
    "albacore.testing.pruners",
    "albacore.testing.samplers",
    "albacore.testing.storages",
    "albacore.trial",
)


def current_api() -> list[str]:
    """One line per public name: ``module.name``, sorted."""
    lines = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            lines.append(f"{module_name}.{name}")
    return sorted(lines)


def test_every_public_module_declares_all() -> None:
    missing = [m for m in PUBLIC_MODULES if not isinstance(getattr(importlib.import_module(m), "__all__", None), list)]
    assert missing == []


def test_every_listed_name_exists() -> None:
    broken = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            try:
                getattr(module, name)
            except (AttributeError, ImportError) as exc:
                broken.append(f"{module_name}.{name}: {type(exc).__name__}: {exc}")
    assert broken == []


def test_public_names_match_the_checked_in_list() -> None:
    expected = [line for line in API_FILE.read_text().splitlines() if line and not line.startswith("#")]
    actual = current_api()
    added = sorted(set(actual) - set(expected))
    removed = sorted(set(expected) - set(actual))
    assert (added, removed) == ([], []), (
        "the public API changed; if on purpose, run `python tests/test_public_api.py --update` "
        f"and commit tests/public_api.txt. added={added} removed={removed}"
    )


def test_public_classes_and_functions_have_docstrings() -> None:
    undocumented = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            try:
                obj = getattr(module, name)
            except (AttributeError, ImportError):
                continue  # reported by test_every_listed_name_exists
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and not inspect.getdoc(obj):
                undocumented.append(f"{module_name}.{name}")
    assert undocumented == []


def _write() -> None:
    header = "# Public names of albacore, one `module.name` per line. Regenerate: python tests/test_public_api.py --update\n"
    API_FILE.write_text(header + "\n".join(current_api()) + "\n")
    print(f"wrote {API_FILE} ({len(current_api())} names)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        _write()
    else:
        print("usage: python tests/test_public_api.py --update", file=sys.stderr)
        sys.exit(2)
