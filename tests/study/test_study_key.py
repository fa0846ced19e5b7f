"""Study.key: the public identity per-study caches are keyed by."""

from __future__ import annotations

import pickle

import albacore
from albacore.storages import InMemoryStorage


def test_handles_through_one_storage_share_a_key_and_other_storages_never_do() -> None:
    storage = InMemoryStorage()
    study = albacore.create_study(study_name="s", storage=storage)
    assert albacore.load_study(study_name="s", storage=storage).key == study.key
    other = albacore.create_study(study_name="s", storage=InMemoryStorage())
    assert other.key != study.key
    assert hash(study.key) == hash(albacore.load_study(study_name="s", storage=storage).key)


def test_two_studies_of_one_storage_have_different_keys() -> None:
    storage = InMemoryStorage()
    first = albacore.create_study(study_name="a", storage=storage)
    second = albacore.create_study(study_name="b", storage=storage)
    assert first.key[0] is second.key[0] and first.key != second.key


def test_a_recreated_study_gets_a_new_key() -> None:
    # Study ids are never reused, so a cache cannot take a new study for a deleted one.
    storage = InMemoryStorage()
    old = albacore.create_study(study_name="s", storage=storage).key
    albacore.delete_study(study_name="s", storage=storage)
    assert albacore.create_study(study_name="s", storage=storage).key != old


def test_an_unpickled_study_gets_a_fresh_storage_token(tmp_path) -> None:
    study = albacore.create_study(study_name="s", storage=f"sqlite:///{tmp_path / 'db.sqlite'}")
    copied = pickle.loads(pickle.dumps(study))
    assert copied.key[1:] == study.key[1:] and copied.key[0] is not study.key[0]
    assert pickle.loads(pickle.dumps(copied)).key != study.key
