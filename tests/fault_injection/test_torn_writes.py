"""Torn writes of the journal file: the last record cut at every byte offset.

A writer killed mid-append leaves a prefix of its record at the end of the file. Whatever
the length of that prefix, opening the journal must give the state before the record (the
write never returned, so nobody relied on it), cut the prefix off, and keep the journal
writable, with readers that were already open seeing exactly what is appended next.
"""

from __future__ import annotations

import pytest

from albacore._study_types import StudyDirection
from albacore.distributions import FloatDistribution
from albacore.storages.journal import JournalFileBackend, JournalStorage
from albacore.trial import TrialState

pytestmark = pytest.mark.fault_injection

MIN = [StudyDirection.MINIMIZE]


def _summary(storage: JournalStorage) -> list[tuple]:
    study_id = storage.get_study_id_from_name("torn")
    return [
        (t.number, t.state, t.values, t.params, t.intermediate_values, t.datetime_complete)
        for t in storage.get_all_trials(study_id)
    ]


def _build(path, last_op: str) -> None:
    storage = JournalStorage(JournalFileBackend(path))
    study_id = storage.create_new_study(MIN, "torn")
    for value in (3.0, 1.0):
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_param(trial_id, "x", value, FloatDistribution(0, 10))
        storage.set_trial_intermediate_value(trial_id, 0, value + 1)
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [value])
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 2.5, FloatDistribution(0, 10))
    if last_op == "report":
        storage.set_trial_intermediate_value(trial_id, 0, 0.125)
    elif last_op == "tell":
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [2.5])


@pytest.mark.parametrize("last_op", ["suggest", "report", "tell"])
def test_last_record_torn_at_every_byte_offset(tmp_path, last_op) -> None:
    full_path = tmp_path / "full.log"
    _build(full_path, last_op)
    full = full_path.read_bytes()
    last = full[full.rindex(b"\n", 0, len(full) - 1) + 1:]
    good = full[: len(full) - len(last)]
    (tmp_path / "good.log").write_bytes(good)
    before = _summary(JournalStorage(JournalFileBackend(tmp_path / "good.log")))
    after = _summary(JournalStorage(JournalFileBackend(full_path)))
    assert before != after and len(last) > 100

    path = tmp_path / "cut.log"
    for cut in range(len(last) + 1):
        path.write_bytes(good)
        reader = JournalStorage(JournalFileBackend(path))  # open before the writer dies
        with open(path, "ab") as f:
            f.write(last[:cut])
        expected = after if cut == len(last) else before
        assert _summary(reader) == expected  # an incomplete line is never read
        storage = JournalStorage(JournalFileBackend(path))
        assert _summary(storage) == expected, f"cut at byte {cut} of {len(last)}"
        assert path.read_bytes() == (full if cut == len(last) else good), f"cut at byte {cut}"

        study_id = storage.get_study_id_from_name("torn")
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [-1.0])
        for view in (reader, storage, JournalStorage(JournalFileBackend(path))):
            trials = _summary(view)
            assert trials[:-1] == expected, f"cut at byte {cut}"
            assert trials[-1][:3] == (len(expected), TrialState.COMPLETE, [-1.0])


def test_header_torn_at_every_byte_offset(tmp_path) -> None:
    JournalFileBackend(tmp_path / "new.log")  # a new journal holds its header line only
    header = (tmp_path / "new.log").read_bytes()
    assert header.startswith(b"# albacore journal") and header.endswith(b"\n")
    path = tmp_path / "j.log"
    for cut in range(len(header)):
        path.write_bytes(header[:cut])
        storage = JournalStorage(JournalFileBackend(path))
        storage.create_new_study(MIN, "torn")
        assert path.read_bytes().startswith(header), f"cut at byte {cut}"
        assert JournalStorage(JournalFileBackend(path)).get_study_id_from_name("torn") == 0
        path.unlink()
