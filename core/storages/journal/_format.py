"""How a journal record is written down: a CRC32-framed JSON line.

A record is stored as ``<crc32 of the JSON, 8 lowercase hex digits> <JSON>``. The checksum
tells a record damaged after it was written (a flipped bit, an edited or overwritten line)
from a good one, so a damaged record is reported instead of being skipped or misread.

Journals written before the framing existed hold bare JSON lines (``{"op": ...}``); they stay
readable, and the JSON must then parse as a record to count as one. A record replaced by
``repair`` (a *tombstone*: ``#`` then dashes, the length of the line it replaces) carries
nothing and is skipped.
"""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

#: The first line of every journal file this version creates.
HEADER = b"# albacore journal, format 2\n"

_CRC = re.compile(rb"[0-9a-f]{8}")


def encode(record: dict[str, Any]) -> bytes:
    """The framed form of ``record`` (without a line end)."""
    text = json.dumps(record, separators=(",", ":")).encode()
    return b"%08x %s" % (zlib.crc32(text), text)


def tombstone(length: int) -> bytes:
    """A line of ``length`` bytes that replaces a damaged record and decodes to nothing."""
    return b"#" + b"-" * (length - 1)


def is_tombstone(line: bytes) -> bool:
    """Whether ``line`` is a :func:`tombstone`."""
    return line[:1] == b"#" and not line.strip(b"#-")


def decode(line: bytes) -> dict[str, Any] | None:
    """The record on ``line`` (no line end), or None for a tombstone or an empty line.

    Raises:
        ValueError: If the line is not a good record, saying why.
    """
    if not line or is_tombstone(line):
        return None
    if line[:1] == b"{":  # a record from before the framing: the JSON is all there is to check
        return _record(line)
    if len(line) < 10 or line[8:9] != b" " or not _CRC.fullmatch(line, 0, 8):
        raise ValueError("it is not a journal record (no checksum prefix)")
    text = line[9:]
    if zlib.crc32(text) != int(line[:8], 16):
        raise ValueError("its checksum does not match its content")
    return _record(text)


def _record(text: bytes) -> dict[str, Any]:
    try:
        record = json.loads(text)
    except ValueError:
        raise ValueError("it is not valid JSON") from None
    if not isinstance(record, dict) or not {"op", "writer", "seq"} <= record.keys():
        raise ValueError("it is JSON but not a journal record (no op, writer and seq)")
    return record


def is_record(line: bytes) -> bool:
    """Whether ``line`` decodes to a record (not a tombstone, not damaged)."""
    try:
        return decode(line) is not None
    except ValueError:
        return False
