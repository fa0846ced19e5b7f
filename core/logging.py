"""albacore's logging configuration.

Every module logs through ``get_logger(__name__)``, a child of the ``albacore`` logger. By
default the ``albacore`` logger has its own stderr handler at INFO level and does not
propagate to the root logger, so a study prints one line per finished trial and nothing
else. The functions here change that.

Example:
    .. code-block:: python

        import albacore

        albacore.logging.set_verbosity(albacore.logging.WARNING)  # silence per-trial lines
"""

from __future__ import annotations

import logging
import sys
import threading
from logging import CRITICAL, DEBUG, ERROR, FATAL, INFO, WARN, WARNING

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "WARN",
    "WARNING",
    "disable_default_handler",
    "disable_propagation",
    "enable_default_handler",
    "enable_propagation",
    "get_logger",
    "get_verbosity",
    "set_verbosity",
]

_LIBRARY_NAME = __name__.split(".")[0]
_lock = threading.Lock()
_default_handler: logging.Handler | None = None


def _library_logger() -> logging.Logger:
    return logging.getLogger(_LIBRARY_NAME)


def _configure_library_logger() -> None:
    global _default_handler
    with _lock:
        if _default_handler is not None:
            return
        _default_handler = logging.StreamHandler(sys.stderr)
        _default_handler.setFormatter(
            logging.Formatter("[%(levelname)s %(asctime)s] %(message)s")
        )
        logger = _library_logger()
        logger.addHandler(_default_handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def get_logger(name: str) -> logging.Logger:
    """Return the logger for module ``name``, a child of the ``albacore`` logger.

    Args:
        name: Usually ``__name__`` of the calling module.
    """
    _configure_library_logger()
    return logging.getLogger(name)


def get_verbosity() -> int:
    """Return the level of the ``albacore`` logger (e.g. ``albacore.logging.INFO``)."""
    _configure_library_logger()
    return _library_logger().getEffectiveLevel()


def set_verbosity(verbosity: int) -> None:
    """Set the level of the ``albacore`` logger.

    Args:
        verbosity: A level from the ``logging`` module, e.g. ``albacore.logging.WARNING``.

    Raises:
        ValueError: If ``verbosity`` is not one of the standard levels.
    """
    if verbosity not in (DEBUG, INFO, WARNING, ERROR, CRITICAL):
        raise ValueError(
            f"set_verbosity: verbosity must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, "
            f"got verbosity={verbosity!r}"
        )
    _configure_library_logger()
    _library_logger().setLevel(verbosity)


def disable_default_handler() -> None:
    """Stop albacore's own stderr handler (for example to use only your own handlers)."""
    _configure_library_logger()
    assert _default_handler is not None
    _library_logger().removeHandler(_default_handler)


def enable_default_handler() -> None:
    """Restore albacore's own stderr handler."""
    _configure_library_logger()
    assert _default_handler is not None
    _library_logger().addHandler(_default_handler)


def disable_propagation() -> None:
    """Stop albacore's records from reaching the root logger (the default)."""
    _configure_library_logger()
    _library_logger().propagate = False


def enable_propagation() -> None:
    """Let albacore's records reach the root logger's handlers.

    pytest 9.1 and later capture non-propagating loggers in ``caplog`` on their own; turning
    propagation on in such a test makes ``caplog`` see each record twice.
    """
    _configure_library_logger()
    _library_logger().propagate = True
