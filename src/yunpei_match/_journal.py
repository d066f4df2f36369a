"""The reservation journal file: framing, CRC-32 checks, torn-tail repair, fsync'ed appends.

See :mod:`yunpei_match.ledger` for what is written and why; this module only knows lines. Each
record is ``<json>\\t<crc32 of the json, 8 hex digits>\\n``; the first is a header with the
format, version, row count and stock fingerprint.
"""

from __future__ import annotations

import contextlib
import json
import os
import weakref
import zlib
from pathlib import Path
from typing import Any

from ._tables import show
from .errors import JournalError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: keeping to one ledger per journal is on the user
    fcntl = None  # type: ignore[assignment]

__all__ = ["JOURNAL_FORMAT", "JOURNAL_VERSION", "Journal"]

JOURNAL_FORMAT = "yunpei_match.journal"
JOURNAL_VERSION = 1
_HEADER = b'{"format":"yunpei_match.journal",'  # how every journal starts, whatever its snapshot


class Journal:
    """The open journal file: locked, validated, its torn tail cut off; appends are fsync'ed."""

    def __init__(self, path: Path, fd: int, size: int) -> None:
        self.path = path
        self._fd = fd
        self._size = size
        self.broken: str | None = None  # set when a failed write could not be rolled back
        self._close = weakref.finalize(self, os.close, fd)  # a ledger dropped unclosed

    @classmethod
    def open(
        cls, path: Path, rows: int, fingerprint: str
    ) -> tuple[Journal, list[tuple[int, dict[str, Any]]]]:
        """Open (or create) ``path``; return it and the records to replay with line numbers."""
        if path.is_dir():
            raise JournalError(f"{path} is a directory, not a journal file")
        created = not path.exists()
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)  # no \r\n
        fd = os.open(path, flags, 0o644)
        try:
            _lock(fd, path)
            with open(path, "rb") as handle:
                data = handle.read()
            records, size = _parse(data, path)
            if size < len(data):
                os.ftruncate(fd, size)  # a torn last record: that write never returned
        except BaseException:
            os.close(fd)
            raise
        journal = cls(path, fd, size)
        try:
            if records:
                _check_header(records[0][1], path, rows, fingerprint)
                return journal, records[1:]
            header = {"format": JOURNAL_FORMAT, "version": JOURNAL_VERSION, "rows": rows}
            journal.append({**header, "fingerprint": fingerprint})
        except BaseException:
            journal.close()
            raise
        if created:
            _sync_directory(path.parent)
        return journal, []

    def append(self, record: dict[str, Any]) -> None:
        """Write one record durably, or leave the file as it was and raise ``OSError``."""
        self._write(_encode(record))

    def _write(self, data: bytes) -> None:
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked (a full disk, a signal)
                view = view[os.write(self._fd, view) :]
            os.fsync(self._fd)
        except OSError as exc:
            try:
                os.ftruncate(self._fd, self._size)
            except OSError:
                self.broken = f"writing to {self.path} failed ({exc}) and could not be undone"
            raise
        self._size += len(data)

    def close(self) -> None:
        self._close()


def _encode(record: dict[str, Any]) -> bytes:
    # ASCII JSON: ids with newlines, tabs or lone surrogates cannot break the line framing
    text = json.dumps(record, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    return b"%s\t%08x\n" % (text, zlib.crc32(text))


def _decode(line: bytes) -> bytes | None:
    """The JSON bytes of a framed line, or None if its framing or CRC-32 is bad."""
    text, tab, crc = line.rpartition(b"\t")
    if not tab or len(crc) != 8 or crc.strip(b"0123456789abcdef"):
        return None
    return text if int(crc, 16) == zlib.crc32(text) else None


def _parse(data: bytes, path: Path) -> tuple[list[tuple[int, dict[str, Any]]], int]:
    """The sound records of a journal with their line numbers, and the bytes they span."""
    lines = data.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline; otherwise a torn write
    records: list[tuple[int, dict[str, Any]]] = []
    size = 0
    for number, line in enumerate(lines, start=1):
        text = _decode(line)
        if text is None and number == len(lines) and not tail:
            tail = line  # a bad CRC on the last line: also a write that never returned
            break
        if text is None:
            damaged = "is not a journal" if number == 1 else "is damaged before its last record"
            raise JournalError(
                f"{path} line {number}: the record fails its CRC-32 check or framing; the file "
                f"{damaged}"
            )
        try:
            record = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise JournalError(f"{path} line {number} is not a JSON record: {exc}") from None
        if not isinstance(record, dict):
            raise JournalError(f"{path} line {number} is not a JSON object")
        records.append((number, record))
        size += len(line) + 1
    if tail and not records and not (tail.startswith(_HEADER) or _HEADER.startswith(tail)):
        # never cut away a file that does not start like a journal header: it is not ours
        raise JournalError(f"{path} line 1: not a {JOURNAL_FORMAT} file")
    return records, size


def _check_header(header: dict[str, Any], path: Path, rows: int, fingerprint: str) -> None:
    where = f"{path} line 1"
    if header.get("format") != JOURNAL_FORMAT:
        raise JournalError(f"{where}: not a {JOURNAL_FORMAT} file")
    version = header.get("version")
    if type(version) is not int or version != JOURNAL_VERSION:
        raise JournalError(
            f"{where}: journal version {version!r}; this library reads version {JOURNAL_VERSION}"
        )
    if set(header) != {"format", "version", "rows", "fingerprint"}:
        raise JournalError(f"{where}: the header must have format, version, rows and fingerprint")
    if type(header["rows"]) is not int or header["rows"] != rows:
        raise JournalError(
            f"{where}: the journal is for {show(header['rows'])} stock rows, the ledger has "
            f"{rows:,}: the stock snapshot changed"
        )
    if header["fingerprint"] != fingerprint:
        raise JournalError(
            f"{where}: the journal is for stock fingerprint {show(header['fingerprint'])}, the "
            f"ledger's is {show(fingerprint)}: the stock snapshot changed"
        )


def _lock(fd: int, path: Path) -> None:
    if fcntl is None:  # pragma: no cover
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise JournalError(f"{path} is open in another ledger; a journal has one writer") from None


def _sync_directory(directory: Path) -> None:
    """Make a new file's directory entry durable (best effort: not every platform allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
