"""The one decorator that flags an API that may still change."""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from albacore._warnings import ExperimentalWarning, warn

_T = TypeVar("_T", bound=Callable[..., Any])


def experimental(version: str) -> Callable[[_T], _T]:
    """Mark a function or class as experimental since ``version``.

    Calling it (or instantiating it) emits an :class:`ExperimentalWarning` once per call site.

    Args:
        version: The albacore version that introduced the feature.
    """

    def decorator(obj: _T) -> _T:
        message = f"{obj.__qualname__} is experimental (added in v{version}); its interface may change."
        if isinstance(obj, type):
            original_init = obj.__init__  # type: ignore[misc]

            @functools.wraps(original_init)
            def init(self: Any, *args: Any, **kwargs: Any) -> None:
                warn(message, ExperimentalWarning)
                original_init(self, *args, **kwargs)

            obj.__init__ = init  # type: ignore[misc]
            return obj

        @functools.wraps(obj)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            warn(message, ExperimentalWarning)
            return obj(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
