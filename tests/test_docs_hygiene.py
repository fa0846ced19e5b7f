"""The docs speak of the project: no issue-tracker references in the README, the guides or the
library's docstrings and comments (benchmark figures live in benchmarks/results/)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_ISSUE = re.compile(r"\bissues?\s*#?\d+|\(#\d+\)", re.IGNORECASE)


def _documents() -> list[Path]:
    files = [ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
    for package in ("core", "integrations"):
        files += sorted(p for p in (ROOT / package).rglob("*") if p.suffix in (".py", ".md", ".txt"))
    return [p for p in files if p.is_file()]


def test_no_issue_numbers_in_the_docs_or_the_library() -> None:
    hits = []
    for path in _documents():
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if _ISSUE.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert hits == [], "refer to the project, not to its issue tracker:\n" + "\n".join(hits)


def test_the_pattern_catches_issue_references() -> None:
    for text in ("That meets issue 6's targets", "see Issue #12", "fixed (#31)", "issues 4 and 5"):
        assert _ISSUE.search(text), text
    for text in ("no issue here", "1 issue", "tissue 3x3"):
        assert not _ISSUE.search(text), text
