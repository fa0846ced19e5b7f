"""Warnings that point at the user's line rather than at albacore's internals."""

from __future__ import annotations

import os
import sys
import warnings
from types import FrameType

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class AlbacoreWarning(UserWarning):
    """Base class of the warnings albacore emits."""


class ExperimentalWarning(AlbacoreWarning):
    """Emitted when an experimental feature is used; its interface may still change."""


def _library_dirs() -> tuple[str, ...]:
    """Folders holding albacore's code: the package and its integrations (a separate folder
    in a source checkout)."""
    integrations = sys.modules.get("albacore.integrations")
    path = getattr(integrations, "__file__", None)
    return (_PACKAGE_DIR,) if path is None else (_PACKAGE_DIR, os.path.dirname(os.path.abspath(path)))


def _user_stacklevel() -> int:
    """Return the stacklevel of the first frame outside albacore."""
    library = _library_dirs()
    frame: FrameType | None = sys._getframe(2)
    level = 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(library):
        frame = frame.f_back
        level += 1
    return level


def warn(message: str, category: type[Warning] = AlbacoreWarning) -> None:
    """Emit ``message`` attributed to the first caller outside albacore."""
    warnings.warn(message, category, stacklevel=_user_stacklevel())
