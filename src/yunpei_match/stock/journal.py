"""The journal file: one SQLite database of ordered events, each checksummed and chained.

SQLite (WAL, ``synchronous=FULL``, one exclusive connection) makes every append atomic and
durable before it returns and rolls a torn write back by itself. What it cannot tell is that a
page was damaged after the fact, so every event carries a checksum chained to the one before
it; opening the journal checks the chain end to end, which catches an altered, deleted, moved
or lost row, and a write-ahead log a crash left is checked frame by frame before SQLite replays
it (:mod:`yunpei_match._wal`). A damaged journal is moved aside, never cut or deleted, and
``JournalError`` says where it went. This module knows events, not reservations: see
:mod:`yunpei_match.stock.ledger`.

Format version 2 (``PRAGMA application_id`` = ``JOURNAL_APPLICATION_ID``, ``PRAGMA
user_version`` = ``JOURNAL_VERSION``), in the two tables of ``_SCHEMA``:

- ``journal``, one row: format name, version, the stock snapshot's row count and fingerprint
  (UTF-8 bytes), and the ``seq`` and ``chain`` of the last event (0 and the header's digest
  when there is none), updated in the same transaction as each event.
- ``events``, one row per event: ``seq`` (1, 2, ... without gaps), ``kind`` (ASCII text),
  ``key`` (the event's idempotency key as bytes, ``UNIQUE`` per kind, or NULL), ``payload``
  (bytes whose meaning the kind gives) and ``chain``.

``chain`` is a 16-byte BLAKE2b digest of length-prefixed fields (each an 8-byte big-endian
length, then its bytes): for the header ``format, version, stock_rows, fingerprint`` (numbers
as ASCII decimals); for event ``n`` ``chain(n - 1), n, kind, key, payload``, with the key
written as ``b"\\x00"`` when NULL and ``b"\\x01" + key`` otherwise. New kinds of event (a stock
feed with an Arrow IPC payload) need no change of format. A journal of version 1 (JSON lines) is
migrated when opened (:mod:`yunpei_match._journal_v1`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
import time
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from .._base.tables import show
from ..errors import JournalError
from . import _journal_v1, _wal

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no version-1 ledger took a lock there either
    fcntl = None  # type: ignore[assignment]

__all__ = ["JOURNAL_APPLICATION_ID", "JOURNAL_FORMAT", "JOURNAL_VERSION", "Event", "Journal"]

JOURNAL_FORMAT = "yunpei_match.journal"
JOURNAL_VERSION = 2
JOURNAL_APPLICATION_ID = 0x594D4A4C  # "YMJL"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SCHEMA = (
    "CREATE TABLE events (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, key BLOB, "
    "payload BLOB NOT NULL, chain BLOB NOT NULL, UNIQUE (kind, key))",
    "CREATE TABLE journal (format TEXT NOT NULL, version INTEGER NOT NULL, "
    "stock_rows INTEGER NOT NULL, fingerprint BLOB NOT NULL, last_seq INTEGER NOT NULL, "
    "last_chain BLOB NOT NULL)",
)
_TABLES = [
    (b"table", b"events", b"events", _SCHEMA[0].encode()),
    (b"table", b"journal", b"journal", _SCHEMA[1].encode()),
    (b"index", b"sqlite_autoindex_events_1", b"events", None),
]
_CHECKPOINT_EVERY = 128  # events; bounds the log a crash leaves to check on reopening
_DAMAGE = {"SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_FORMAT", "SQLITE_RANGE", "SQLITE_MISMATCH"}


class Event(NamedTuple):
    """One journal row as stored: its ``seq``, ``kind``, ``key`` (bytes or None), ``payload``."""

    seq: int
    kind: str
    key: bytes | None
    payload: bytes


class _Damage(Exception):
    """The journal's content contradicts itself; the message says where."""


class Journal:
    """The open journal: its connection holds the file's lock; appends are durable on return."""

    def __init__(self, path: Path, db: sqlite3.Connection, seq: int, chain: bytes) -> None:
        self.path = path
        self._db = db
        self._seq = seq
        self._chain = chain
        self.broken: str | None = None  # set when a failed write leaves its outcome unknown
        self._close = weakref.finalize(self, db.close)  # a ledger dropped unclosed

    @classmethod
    def open(cls, path: Path, rows: int, fingerprint: str) -> tuple[Journal, list[Event]]:
        """Open (or create) ``path``, checked end to end; return it and the events to replay."""
        if _refuse_foreign(path):
            _migrate(path, rows, fingerprint)
        if not path.exists():
            _create(path, rows, fingerprint)
        try:
            db = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise JournalError(f"{path}: cannot open the journal: {exc}") from None
        try:
            db.text_factory = bytes  # undecodable text is damage to report, not a crash
            db.execute("PRAGMA locking_mode = EXCLUSIVE")  # one writer, no shared-memory file
            db.execute("PRAGMA wal_autocheckpoint = 0")  # a log SQLite restarts could be reused
            journal, events = cls._load(path, db, rows, fingerprint)
        except _Damage as exc:
            aside = _move_aside(path)
            with contextlib.suppress(sqlite3.Error):
                db.close()
            raise JournalError(
                f"{path} is damaged: {exc}; it was moved to {aside} as it was, and no ledger "
                "opens on this path until a person restores or removes it"
            ) from None
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.close()
            raise
        return journal, events

    @classmethod
    def _load(
        cls, path: Path, db: sqlite3.Connection, rows: int, fingerprint: str
    ) -> tuple[Journal, list[Event]]:
        try:
            _lock(db, path)
            try:
                problem = _wal.damage(Path(f"{path}-wal"))
                if problem is not None:
                    raise _Damage(f"its write-ahead log {path}-wal: {problem}")
                header, events, chain = _read(db, path)
            finally:
                db.execute("COMMIT")
            _check_header(header, path, rows, fingerprint)
            db.execute("PRAGMA journal_mode = WAL")  # a no-op unless the header byte was changed
            db.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as exc:
            if exc.sqlite_errorname in _DAMAGE:  # type: ignore[attr-defined]
                raise _Damage(f"SQLite cannot read it ({exc})") from None
            raise JournalError(f"{path}: cannot read the journal: {exc}") from None
        except UnicodeDecodeError:  # SQLite's message quotes the damaged schema's bytes
            raise _Damage("SQLite cannot read its schema") from None
        journal = cls(path, db, len(events), chain)
        if _size(Path(f"{path}-wal")):
            journal._checkpoint()  # a log a crash left, checked: into the database, and emptied
        return journal, events

    def append(self, kind: str, key: bytes | None, payload: bytes) -> None:
        """Write one event durably, or leave the journal as it was and raise ``OSError``.

        When the outcome of a failed commit is unknown (the event may be in the file),
        ``broken`` says so and the caller must stop writing.
        """
        seq = self._seq + 1
        chain = _link(self._chain, seq, kind, key, payload)
        try:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?)", (seq, kind, key, payload, chain)
            )
            self._db.execute("UPDATE journal SET last_seq = ?, last_chain = ?", (seq, chain))
        except sqlite3.Error as exc:
            self._undo(exc)
        try:
            _commit(self._db)
        except sqlite3.Error as exc:
            self.broken = f"committing to {self.path} failed ({exc}), with an unknown outcome"
            raise OSError(f"{self.path}: the journal could not be written: {exc}") from exc
        self._seq, self._chain = seq, chain
        if seq % _CHECKPOINT_EVERY == 0:
            self._checkpoint()

    def _checkpoint(self) -> None:
        """Fold the log into the database and empty it, so that frames are only appended."""
        with contextlib.suppress(sqlite3.Error):  # the events are durable in the log anyway
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _undo(self, exc: sqlite3.Error) -> None:
        """Roll back a transaction that failed before its commit; raise what it means."""
        try:
            if self._db.in_transaction:  # SQLite rolls some failures back by itself
                self._db.execute("ROLLBACK")
        except sqlite3.Error:
            self.broken = f"writing to {self.path} failed ({exc}) and could not be undone"
        if isinstance(exc, sqlite3.OperationalError):  # a full disk, an I/O error
            raise OSError(f"{self.path}: the journal could not be written: {exc}") from exc
        self.broken = f"{self.path} refused an event ({exc}): the file is damaged"
        raise JournalError(f"{self.broken}; reopen the ledger to check it") from exc

    def close(self) -> None:
        self._close()


def _commit(db: sqlite3.Connection) -> None:
    db.execute("COMMIT")


def _lock(db: sqlite3.Connection, path: Path) -> None:
    """Take the exclusive lock, which the connection keeps until it closes."""
    try:
        db.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorname.startswith("SQLITE_BUSY"):  # type: ignore[attr-defined]
            raise _one_writer(path) from None
        raise


def _one_writer(path: Path) -> JournalError:
    return JournalError(f"{path} is open in another ledger; a journal has one writer")


def _digest(*fields: bytes) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for field in fields:
        digest.update(len(field).to_bytes(8, "big"))
        digest.update(field)
    return digest.digest()


def _link(chain: bytes, seq: int, kind: str | bytes, key: bytes | None, payload: bytes) -> bytes:
    """The chained checksum of event ``seq`` after one whose chain was ``chain``."""
    kind_bytes = kind.encode("ascii") if isinstance(kind, str) else kind
    tagged_key = b"\x00" if key is None else b"\x01" + key
    return _digest(chain, b"%d" % seq, kind_bytes, tagged_key, payload)


def _header_chain(rows: int, fingerprint: bytes) -> bytes:
    return _digest(JOURNAL_FORMAT.encode(), b"%d" % JOURNAL_VERSION, b"%d" % rows, fingerprint)


def _create(
    path: Path,
    rows: int,
    fingerprint: str,
    events: Sequence[tuple[str, bytes | None, bytes]] = (),
    *,
    replace: bool = False,
) -> None:
    """Lay out a new journal of ``events`` beside ``path`` and put it there complete."""
    fd, name = tempfile.mkstemp(prefix=f"{path.name}.", suffix=".new", dir=path.parent)
    os.close(fd)
    try:
        db = sqlite3.connect(name, isolation_level=None)
        try:
            _lay_out(db, rows, fingerprint.encode("utf-8", "surrogatepass"), events)
        finally:
            db.close()  # folds the log into the file and syncs it
        if replace:
            os.replace(name, path)
        else:
            _refuse_to_start_afresh(path)  # again: another ledger may have moved one aside since
            with contextlib.suppress(FileExistsError):  # another ledger made one first: open it
                os.link(name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
    _sync_directory(path.parent)


def _lay_out(
    db: sqlite3.Connection,
    rows: int,
    fingerprint: bytes,
    events: Sequence[tuple[str, bytes | None, bytes]],
) -> None:
    """The tables, header and ``events`` of a journal, in one transaction of an empty database."""
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("BEGIN IMMEDIATE")
    db.execute(f"PRAGMA application_id = {JOURNAL_APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {JOURNAL_VERSION}")
    for statement in _SCHEMA:
        db.execute(statement)
    chain = _header_chain(rows, fingerprint)
    for seq, (kind, key, payload) in enumerate(events, start=1):
        chain = _link(chain, seq, kind, key, payload)
        db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?)", (seq, kind, key, payload, chain))
    db.execute(
        "INSERT INTO journal VALUES (?, ?, ?, ?, ?, ?)",
        (JOURNAL_FORMAT, JOURNAL_VERSION, rows, fingerprint, len(events), chain),
    )
    db.execute("COMMIT")


def _migrate(path: Path, rows: int, fingerprint: str) -> None:
    """Replace a version-1 journal by a version-2 one of the same changes; keep it as ``.v1``."""
    with open(path, "rb") as handle:
        if fcntl is not None:  # version 1 took this lock too: no ledger of it is running
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise _one_writer(path) from None
        if os.fstat(handle.fileno()).st_ino != _inode(path):
            return  # another ledger migrated it in the meantime
        events = _journal_v1.events(handle.read(), path, rows, fingerprint)
        _journal_v1.keep(path)
        _create(path, rows, fingerprint, events, replace=True)


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None


def _read(db: sqlite3.Connection, path: Path) -> tuple[tuple[Any, ...], list[Event], bytes]:
    """Header, events and last chain of a sound journal."""
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = db.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"
    ).fetchall()
    if application_id != JOURNAL_APPLICATION_ID:
        raise JournalError(f"{path}: a SQLite database but not a {JOURNAL_FORMAT} file")
    if version != JOURNAL_VERSION:
        raise JournalError(
            f"{path}: journal version {version}; this library reads version {JOURNAL_VERSION}"
        )
    if tables != _TABLES:
        raise _Damage(f"its tables are not a journal's: {show(tables, 200)}")
    problems = db.execute("PRAGMA quick_check").fetchall()
    if problems != [(b"ok",)]:
        raise _Damage(f"SQLite's quick_check finds {show(problems[0][0], 200)}")
    headers = db.execute("SELECT * FROM journal").fetchall()
    if len(headers) != 1 or headers[0][:2] != (JOURNAL_FORMAT.encode(), JOURNAL_VERSION):
        raise _Damage(f"table journal must hold its one header row, got {show(headers, 200)}")
    header = headers[0]
    if not (isinstance(header[2], int) and isinstance(header[3], bytes)):
        raise _Damage(
            f"table journal has stock_rows {show(header[2])}, fingerprint {show(header[3])}"
        )
    events, chain = _events(db, _header_chain(header[2], header[3]))
    if (header[4], header[5]) != (len(events), chain):
        raise _Damage(
            f"table journal ends at event {show(header[4])}, the events table at event "
            f"{len(events)}, or their chains differ: events were lost or the header altered"
        )
    return header, events, chain


def _events(db: sqlite3.Connection, chain: bytes) -> tuple[list[Event], bytes]:
    """Every event in order, each checked against its chained checksum."""
    events: list[Event] = []
    for seq, kind, key, payload, stored in db.execute("SELECT * FROM events ORDER BY seq"):
        expected = len(events) + 1
        if seq != expected:
            raise _Damage(
                f"table events has no event {expected}, the next is {seq}: rows were deleted"
            )
        if not all(isinstance(value, bytes) for value in (kind, payload, stored)) or not (
            key is None or isinstance(key, bytes)
        ):
            raise _Damage(f"table events row seq {seq} has values of the wrong types")
        chain = _link(chain, seq, kind, key, payload)
        if chain != stored:
            raise _Damage(
                f"table events row seq {seq} fails its chained checksum: that row was altered, "
                "or one before it removed or moved"
            )
        try:
            events.append(Event(seq, kind.decode("ascii"), key, payload))
        except UnicodeDecodeError:
            raise _Damage(f"table events row seq {seq}: kind {show(kind)} is not ASCII") from None
    return events, chain


def _check_header(header: tuple[Any, ...], path: Path, rows: int, fingerprint: str) -> None:
    where = f"{path} table journal"
    if header[2] != rows:
        raise JournalError(
            f"{where}: the journal is for {header[2]:,} stock rows, the ledger has {rows:,}: the "
            "stock snapshot changed"
        )
    if header[3] != fingerprint.encode("utf-8", "surrogatepass"):
        raise JournalError(
            f"{where}: the journal is for stock fingerprint "
            f"{show(header[3].decode('utf-8', 'surrogatepass'))}, the ledger's is "
            f"{show(fingerprint)}: the stock snapshot changed"
        )


def _refuse_foreign(path: Path) -> bool:
    """Refuse, before SQLite touches it, a path that is not (or no longer) a journal.

    Returns whether it is a journal of version 1, to migrate.
    """
    if path.is_dir():
        raise JournalError(f"{path} is a directory, not a journal file")
    if not path.exists():
        _refuse_to_start_afresh(path)
        return False
    with open(path, "rb") as handle:
        start = handle.read(len(_SQLITE_MAGIC))
    if start == _SQLITE_MAGIC:
        return False
    if not start:  # never one of ours: a new journal is linked into place complete
        raise JournalError(
            f"{path} is empty: a journal never is (it was truncated, or is not one); restore "
            "it, or remove it to start an empty journal"
        )
    if start == _journal_v1.HEADER_START[: len(start)]:
        return True
    raise JournalError(f"{path}: not a {JOURNAL_FORMAT} file")


def _refuse_to_start_afresh(path: Path) -> None:
    """Refuse to make a new journal where a damaged one was moved aside, or its log is left."""
    aside = sorted(path.parent.glob(f"{path.name}.damaged-*[0-9Z]"))  # not their logs
    if aside:
        raise JournalError(
            f"{path} was found damaged and moved to {aside[-1]}: restore it, or remove it "
            "to start an empty journal"
        )
    if _size(Path(f"{path}-wal")):  # an empty one is harmless: SQLite starts it afresh
        raise JournalError(f"{path} is missing but its write-ahead log {path}-wal is there")


def _move_aside(path: Path) -> Path:
    """Rename a damaged journal and its log out of the way, unchanged; return the new name."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
    os.rename(path, aside)
    for suffix in ("-wal", "-journal"):  # SQLite's own logs: moved with it when they hold any
        log = Path(f"{path}{suffix}")
        if _size(log):
            os.rename(log, f"{aside}{suffix}")
    _sync_directory(path.parent)
    return aside


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _sync_directory(directory: Path) -> None:
    """Make a directory's new or renamed entries durable (best effort: not every platform can)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
