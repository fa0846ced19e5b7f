"""Per-study caches for samplers, and the pickling rule they share.

A sampler may keep, per study, data derived from what the storage holds (encoded finished
trials, a fitted model, the bookkeeping of its running trials). Two rules hold for all of
them:

* The cache is keyed by :attr:`albacore.Study.key`, so two studies that share a name and
  an id in two storages never mix, and every handle on one study sees the same entry (a
  view of the study has its own, unless the cache is made ``shared_by_views``). An entry
  is dropped when the storage object it came from is garbage collected.
* A sampler pickles without its caches, locks and other process-local state: the copy
  starts empty and rebuilds what it needs from the storage. A :class:`StudyCache` pickles
  empty by itself; the :class:`Unpickled` mixin drops and remakes the other attributes.
  No sampler writes its own ``__getstate__``/``__setstate__``.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Hashable, Iterator
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Generic, TypeVar

from albacore.search_space import IntersectionSearchSpace

if TYPE_CHECKING:
    from albacore.trial._study_protocol import StudyLike as Study

V = TypeVar("V")


class StudyCache(Generic[V]):
    """A thread-safe map from a study (by its ``key``) to one value made by ``factory``.

    Entries live as long as the storage object of their study; a pickled cache unpickles
    empty, so a sampler holding one pickles without it.

    Args:
        factory: ``factory(study)`` makes the entry of a study seen first. It must pickle
            (a class, a module-level function or a ``functools.partial`` of one) for the
            cache to pickle.
        shared_by_views: Whether a view of a study (:class:`albacore.pruners.StudyView`,
            whose key extends its study's) shares the study's entry. Data derived from the
            trials a sampler is shown must stay per view (False, the default); bookkeeping
            of a trial that one hook writes and another reads (``before_trial`` is given the
            view, ``after_trial`` the study) must be shared (True).
    """

    def __init__(self, factory: Callable[[Study], V], *, shared_by_views: bool = False) -> None:
        self._factory = factory
        self._shared_by_views = shared_by_views
        self._lock = threading.Lock()
        # storage token -> {rest of the key -> value}: the outer map is weak, so an entry
        # goes with its storage. Values must not refer to the study or storage themselves.
        self._entries: weakref.WeakKeyDictionary[Any, dict[Hashable, V]] = weakref.WeakKeyDictionary()

    def _split(self, study: Study) -> tuple[Any, tuple[Any, ...]]:
        # A study's key is (storage token, study id); a view appends its own items.
        token, *rest = study.key[:2] if self._shared_by_views else study.key
        return token, tuple(rest)

    def get(self, study: Study) -> V:
        """The entry of ``study``, made by the factory on first use."""
        token, inner = self._split(study)
        with self._lock:
            entries = self._entries.get(token)
            if entries is None:
                entries = self._entries[token] = {}
            value = entries.get(inner)
            if value is None:
                value = entries[inner] = self._factory(study)
            return value

    def __getitem__(self, study: Study) -> V:
        """The entry of ``study``; KeyError if it has none yet (nothing is made)."""
        token, inner = self._split(study)
        with self._lock:
            entries = self._entries.get(token)
            if entries is None or inner not in entries:
                raise KeyError(f"no cache entry for study {study.study_name!r} (key {study.key!r})")
            return entries[inner]

    def values(self) -> Iterator[V]:
        """A snapshot of every entry (e.g. to reseed the RNGs they hold)."""
        with self._lock:
            snapshot = [v for entries in self._entries.values() for v in entries.values()]
        return iter(snapshot)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_new_cache, (self._factory, self._shared_by_views))


def _new_cache(factory: Callable[[Study], V], shared_by_views: bool) -> StudyCache[V]:
    """Unpickles a :class:`StudyCache` empty, with its factory and view sharing."""
    return StudyCache(factory, shared_by_views=shared_by_views)


def new_dict(study: Study) -> dict[Any, Any]:
    """A ``StudyCache`` factory: an empty dict per study."""
    return {}


def new_intersection(include_pruned: bool, study: Study) -> IntersectionSearchSpace:
    """A ``StudyCache`` factory (through ``functools.partial(new_intersection, include_pruned)``):
    the incrementally kept intersection search space of one study."""
    return IntersectionSearchSpace(include_pruned=include_pruned)


class Unpickled:
    """Mixin: attributes listed in ``_unpickled`` do not pickle and are remade on unpickling.

    ``_unpickled`` maps an attribute name to a factory making its fresh value (a lock, an
    empty set of warned-about names, a ``threading.local``). Call :meth:`_init_unpickled`
    from ``__init__`` to make them the first time.
    """

    _unpickled: ClassVar[dict[str, Callable[[], Any]]] = {}

    def _init_unpickled(self) -> None:
        for name, factory in self._unpickled.items():
            setattr(self, name, factory())

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for name in self._unpickled:
            state.pop(name, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_unpickled()
