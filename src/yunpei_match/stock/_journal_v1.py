"""Version-1 journals (JSON lines), read once so that they move onto SQLite.

Version 1 wrote ``<json>\\t<crc32 of the json, 8 hex digits>\\n`` per change after a header line
(format, version, rows, fingerprint), and read a bad last line as a torn write and cut it off,
which lost an acknowledged change when the line had been damaged instead. Reading one here is
strict: only a last line without its newline (a write that never returned) is left out; any
other line that fails its CRC-32 raises ``JournalError`` and the file stays as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import zlib
from pathlib import Path
from typing import Any

from .._base.tables import show
from ..errors import JournalError

__all__ = ["HEADER_START", "events", "keep"]

HEADER_START = b'{"format":"yunpei_match.journal",'  # how every version-1 journal began


def events(data: bytes, path: Path, rows: int, fingerprint: str) -> list[tuple[str, bytes, bytes]]:
    """The ``(kind, key, payload)`` of each change in a version-1 journal, in order."""
    lines = data.split(b"\n")
    lines.pop()  # b"" after the last newline, else a write cut short that never returned
    records = [_record(path, number, line) for number, line in enumerate(lines, start=1)]
    expected = {"format": "yunpei_match.journal", "version": 1, "rows": rows}
    if not records or records[0] != {**expected, "fingerprint": fingerprint}:
        raise JournalError(
            f"{path} line 1: the version-1 header {show(records[0] if records else None, 200)} "
            f"is not for this ledger's {rows:,} stock rows and fingerprint {show(fingerprint)}: "
            "the stock snapshot changed"
        )
    return [_event(path, number, record) for number, record in enumerate(records[1:], start=2)]


def keep(path: Path) -> Path:
    """Copy the file to ``<path>.v1`` durably; a crash on the way leaves the original alone."""
    backup = Path(f"{path}.v1")
    temporary = Path(f"{backup}.new")
    shutil.copyfile(path, temporary)
    fd = os.open(temporary, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, backup)
    return backup


def _record(path: Path, number: int, line: bytes) -> dict[str, Any]:
    text, tab, crc = line.rpartition(b"\t")
    if (
        not tab
        or len(crc) != 8
        or crc.strip(b"0123456789abcdef")
        or int(crc, 16) != zlib.crc32(text)
    ):
        raise JournalError(
            f"{path} line {number}: the record fails its CRC-32 check; the version-1 journal is "
            "damaged and was not migrated"
        )
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise JournalError(f"{path} line {number} is not a JSON record: {exc}") from None
    if not isinstance(record, dict):
        raise JournalError(f"{path} line {number} is not a JSON object")
    return record


def _event(path: Path, number: int, record: dict[str, Any]) -> tuple[str, bytes, bytes]:
    kind = record.get("op")
    keys = {"op", "order", "rows", "qty"} if kind == "reserve" else {"op", "order"}
    if kind not in ("reserve", "release", "commit") or set(record) != keys:
        raise JournalError(
            f"{path} line {number}: {show(record, 120)} is not a reserve, release or commit record"
        )
    if not isinstance(record["order"], str):
        raise JournalError(f"{path} line {number}: order {show(record['order'])} is not a string")
    payload = {key: record[key] for key in ("rows", "qty") if key in record}
    text = json.dumps(payload, separators=(",", ":")).encode("ascii")
    return kind, record["order"].encode("utf-8", "surrogatepass"), text
