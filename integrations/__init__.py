"""Adapters between albacore and ML frameworks.

Each framework has its own module, ``albacore.integrations.<framework>``, which imports the
framework only when used; a missing framework gives an ImportError naming the pip extra
that installs it.
"""

__all__: list[str] = []
