"""The ``albacore`` command line (``albacore --help``; also ``python -m albacore.cli``)."""

from albacore.cli._main import build_parser, main

__all__ = ["build_parser", "main"]
