"""Studies: create, load, optimize, inspect."""

from albacore._study_types import StudyDirection
from albacore.study._callbacks import MaxTrialsCallback
from albacore.study._create import (
    copy_study,
    create_study,
    delete_study,
    get_all_study_names,
    get_all_study_summaries,
    load_study,
)
from albacore.study._duplicates import find_duplicate, tell_duplicate
from albacore.study._summary import StudySummary
from albacore.study.study import Study

__all__ = [
    "MaxTrialsCallback",
    "Study",
    "StudyDirection",
    "StudySummary",
    "copy_study",
    "create_study",
    "delete_study",
    "find_duplicate",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
    "tell_duplicate",
]
