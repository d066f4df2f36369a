"""The reservation journal on disk: its layout, crashes, and damage of every kind.

Every damaged journal must either reopen to exactly the acknowledged state or raise
``JournalError`` (moving the file aside, byte for byte, when it was ours); a silent change of
state is the one outcome that fails. The layout is read and written here with plain ``sqlite3``
and a checksum written from the module docstring's spec, not with the module's own code.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import random
import sqlite3
import zlib
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pyarrow as pa
import pytest
from test_ledger import Snapshot, check_conservation, journal_bytes, snapshot

from yunpei_match.errors import JournalError, ReservationError
from yunpei_match.stock import journal as journal_module
from yunpei_match.stock.journal import (
    JOURNAL_APPLICATION_ID,
    JOURNAL_FORMAT,
    JOURNAL_VERSION,
    Event,
    Journal,
)
from yunpei_match.stock.ledger import Ledger

IDS = "ABCD"


def digest(*fields: bytes) -> bytes:
    """The chained checksum of the spec: BLAKE2b-128 over length-prefixed fields."""
    state = hashlib.blake2b(digest_size=16)
    for field in fields:
        state.update(len(field).to_bytes(8, "big") + field)
    return state.digest()


def sql(path: Path, *statements: str, args: tuple = ()) -> list[tuple]:
    """Run statements on a closed journal with a plain connection; the last one's rows."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        rows: list[tuple] = []
        for statement in statements:
            rows = db.execute(statement, args if statement is statements[-1] else ()).fetchall()
        return rows


def append_event(path: Path, kind: str, key: bytes | None, payload: bytes) -> None:
    """Append an event to a closed journal with a valid chain, as a writer of the spec would."""
    (seq, chain), = sql(path, "SELECT last_seq, last_chain FROM journal")  # fmt: skip
    seq += 1
    tagged = b"\x00" if key is None else b"\x01" + key
    chain = digest(chain, b"%d" % seq, kind.encode(), tagged, payload)
    sql(path, "INSERT INTO events VALUES (?, ?, ?, ?, ?)", args=(seq, kind, key, payload, chain))
    sql(path, "UPDATE journal SET last_seq = ?, last_chain = ?", args=(seq, chain))


def four_orders(path: Path) -> Snapshot:
    """A closed journal of six events over four orders; the state they leave."""
    with Ledger([5, 5, 5], journal=path, fingerprint="f") as ledger:
        ledger.reserve("A", [0], [2])
        ledger.reserve("B", [1, 2], [1, 4])
        ledger.commit("A")
        ledger.reserve("C", [0], [3])
        ledger.release("B")
        ledger.reserve("D", [2], [5])
        return snapshot(ledger, IDS)


def outcome(path: Path, expected: Snapshot) -> str:
    """Open ``path``: "exact" or "error"; any other state fails, and so does a lost file."""
    before = path.read_bytes() if path.exists() else None
    try:
        with Ledger([5, 5, 5], journal=path, fingerprint="f") as ledger:
            assert snapshot(ledger, IDS) == expected
            return "exact"
    except JournalError as exc:
        moved = sorted(path.parent.glob(f"{path.name}.damaged-*Z"))
        if moved:  # ours and damaged: moved aside as it was, and the path stays refused
            assert "moved to" in str(exc) and moved[-1].read_bytes() == before
            with pytest.raises(JournalError, match=r"was found damaged and moved to"):
                Ledger([5, 5, 5], journal=path, fingerprint="f")
        else:  # not recognisably ours: left where it was, untouched
            assert path.read_bytes() == before
        return "error"


# --- the layout -------------------------------------------------------------------------------


def test_the_journal_is_sqlite_with_one_chained_event_per_change(tmp_path: Path) -> None:
    path = tmp_path / "orders.journal"
    four_orders(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.journal"]  # log folded in
    assert sql(path, "PRAGMA application_id") == [(JOURNAL_APPLICATION_ID,)]
    assert sql(path, "PRAGMA user_version") == [(JOURNAL_VERSION,)]
    assert sql(path, "PRAGMA journal_mode") == [("wal",)]
    ((*header, last_chain),) = sql(path, "SELECT * FROM journal")
    assert header == [JOURNAL_FORMAT, 2, 3, b"f", 6]
    events = sql(path, "SELECT * FROM events ORDER BY seq")
    assert [(seq, kind, key, json.loads(payload)) for seq, kind, key, payload, _ in events] == [
        (1, "reserve", b"A", {"rows": [0], "qty": [2]}),
        (2, "reserve", b"B", {"rows": [1, 2], "qty": [1, 4]}),
        (3, "commit", b"A", {}),
        (4, "reserve", b"C", {"rows": [0], "qty": [3]}),
        (5, "release", b"B", {}),
        (6, "reserve", b"D", {"rows": [2], "qty": [5]}),
    ]
    chain = digest(JOURNAL_FORMAT.encode(), b"2", b"3", b"f")
    for seq, kind, key, payload, stored in events:
        chain = digest(chain, b"%d" % seq, kind.encode(), b"\x01" + key, payload)
        assert stored == chain, seq
    assert last_chain == chain
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):  # one reserve per order id
        sql(path, "INSERT INTO events VALUES (7, 'reserve', x'41', x'7b7d', x'00')")


def test_reopening_replays_the_journal_and_appends_to_it(tmp_path: Path) -> None:
    path = tmp_path / "orders.journal"
    expected = four_orders(path)
    events = sql(path, "SELECT * FROM events")
    with Ledger([5, 5, 5], journal=str(path), fingerprint="f") as reopened:
        assert snapshot(reopened, IDS) == expected and len(reopened) == 4
        reopened.reserve("E", [1], [5])
    assert sql(path, "SELECT * FROM events")[:6] == events
    with Ledger([5, 5, 5], journal=path, fingerprint="f") as again:
        assert again.available.tolist() == [0, 0, 0]


def test_odd_order_ids_and_fingerprints_survive_the_journal(tmp_path: Path) -> None:
    ids = ["A\nB", "tab\there", "订单-1", "\ud800 lone surrogate", '"quoted"\\', ""]
    path = tmp_path / "orders.journal"
    with Ledger([20], journal=path, fingerprint="指纹\udc80") as ledger:
        for order_id in ids:
            ledger.reserve(order_id, [0], [1])
        ledger.commit(ids[2])
        expected = snapshot(ledger, ids)
    with Ledger([20], journal=path, fingerprint="指纹\udc80") as reopened:
        assert snapshot(reopened, ids) == expected


def test_a_new_journal_has_no_events_and_its_header(tmp_path: Path) -> None:
    path = tmp_path / "orders.journal"
    Ledger([1, 2], journal=path, fingerprint="x").close()
    assert sql(path, "SELECT stock_rows, fingerprint, last_seq FROM journal") == [(2, b"x", 0)]
    assert sql(path, "SELECT count(*) FROM events") == [(0,)]


def test_other_kinds_of_event_need_no_new_format(tmp_path: Path) -> None:
    path = tmp_path / "stock.journal"
    sink = pa.BufferOutputStream()
    batch = pa.table({"warehouse_id": ["W1"], "part_id": ["P1"], "qty": [3]})
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_table(batch)
    blob = sink.getvalue().to_pybytes()  # a stock feed's batch, as the live-stock issue plans
    journal, events = Journal.open(path, 3, "f")
    assert events == []
    journal.append("stock_feed", b"batch-1", blob)
    journal.append("stock_feed", None, b"\x00\xff")  # a kind may go without a key
    journal.close()
    journal, events = Journal.open(path, 3, "f")
    journal.close()
    assert events == [
        Event(1, "stock_feed", b"batch-1", blob),
        Event(2, "stock_feed", None, b"\x00\xff"),
    ]
    assert pa.ipc.open_stream(events[0].payload).read_all() == batch
    with pytest.raises(JournalError, match=r"row seq 1: cannot replay stock_feed .*is not reserve"):
        Ledger([5, 5, 5], journal=path, fingerprint="f")  # a ledger replays reservations only


def test_an_idempotency_key_is_unique_per_kind(tmp_path: Path) -> None:
    journal, _ = Journal.open(tmp_path / "orders.journal", 1, "")
    journal.append("reserve", b"A", b"{}")
    journal.append("commit", b"A", b"{}")  # another kind: another key space
    with pytest.raises(JournalError, match=r"refused an event \(UNIQUE constraint failed"):
        journal.append("reserve", b"A", b"{}")
    assert journal.broken is not None
    journal.close()
    journal, events = Journal.open(tmp_path / "orders.journal", 1, "")
    journal.close()
    assert [(event.seq, event.kind) for event in events] == [(1, "reserve"), (2, "commit")]


# --- journals that are not for this ledger, or not journals -----------------------------------


def set_version(path: Path) -> None:
    sql(path, "PRAGMA user_version = 3")


def set_application_id(path: Path) -> None:
    sql(path, "PRAGMA application_id = 7")


REFUSED = [
    pytest.param([5, 5, 5], "g", None, r"table journal: the journal is for stock fingerprint "
                 r"'f', the ledger's is 'g': the stock snapshot changed", id="fingerprint"),
    pytest.param([5, 5], "f", None, r"table journal: the journal is for 3 stock rows, the ledger "
                 r"has 2: the stock snapshot changed", id="rows"),
    pytest.param([5, 5, 5], "f", set_version,
                 r"journal version 3; this library reads version 2", id="version"),
    pytest.param([5, 5, 5], "f", set_application_id,
                 r"a SQLite database but not a yunpei_match\.journal file", id="application"),
    pytest.param([1, 5, 5], "f", None, r"table events row seq 1: cannot replay reserve b'A' "
                 r".*row 0 has 1 available, 2 asked.*stock snapshot changed", id="no-longer-fits"),
]  # fmt: skip


@pytest.mark.parametrize(("on_hand", "fingerprint", "change", "message"), REFUSED)
def test_a_journal_for_another_snapshot_is_refused_and_left_alone(
    tmp_path: Path, on_hand: list[int], fingerprint: str, change: Callable | None, message: str
) -> None:
    path = tmp_path / "orders.journal"
    four_orders(path)
    if change is not None:
        change(path)
    data = path.read_bytes()
    with pytest.raises(JournalError, match=message) as caught:
        Ledger(on_hand, journal=path, fingerprint=fingerprint)
    assert str(path) in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.journal"]
    assert path.read_bytes() == data
    sql(path, "BEGIN EXCLUSIVE", "ROLLBACK")  # the refused ledger let go of its lock


NOT_JOURNALS = [
    pytest.param(b"hello world", r"not a yunpei_match\.journal file", id="text"),
    pytest.param(b"part_id,qty\nP1,3\n", r"not a yunpei_match\.journal file", id="csv"),
    pytest.param(b"\x00" * 40, r"not a yunpei_match\.journal file", id="zeros"),
    pytest.param(b"", r"is empty: a journal never is", id="empty"),
]


@pytest.mark.parametrize(("data", "message"), NOT_JOURNALS)
def test_a_file_that_is_not_a_journal_is_refused_and_never_touched(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "stock.csv"
    path.write_bytes(data)
    with pytest.raises(JournalError, match=rf"stock\.csv.*{message}"):
        Ledger([1], journal=path)
    assert path.read_bytes() == data and sorted(tmp_path.iterdir()) == [path]


def test_another_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    sql(path, "CREATE TABLE orders (id TEXT)")
    data = path.read_bytes()
    with pytest.raises(JournalError, match=r"shop\.db: a SQLite database but not a yunpei"):
        Ledger([1], journal=path)
    assert path.read_bytes() == data


def test_a_log_without_its_database_is_refused(tmp_path: Path) -> None:
    _, wal, _ = killed(tmp_path / "orders.journal")
    path = tmp_path / "copy.journal"
    Path(f"{path}-wal").write_bytes(wal)
    with pytest.raises(JournalError, match=r"copy\.journal is missing but its write-ahead log"):
        Ledger([5, 5, 5], journal=path, fingerprint="f")
    assert not path.exists() and Path(f"{path}-wal").read_bytes() == wal


def test_a_directory_is_not_a_journal(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match=r"is a directory, not a journal file"):
        Ledger([1], journal=tmp_path)


def test_a_journal_has_one_writer_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "orders.journal"
    first = Ledger([1], journal=path)
    with pytest.raises(JournalError, match=r"is open in another ledger; a journal has one writer"):
        Ledger([1], journal=path)
    first.reserve("A", [0], [1])  # the refused ledger took nothing from the first
    first.close()
    with Ledger([1], journal=path) as second:
        assert second.reservation("A").state == "reserved"
    dropped = Ledger([1], journal=path)
    del dropped
    gc.collect()  # a ledger dropped without close lets go of its journal too
    Ledger([1], journal=path).close()


# --- version 1 --------------------------------------------------------------------------------


def v1_line(record: object) -> bytes:
    """A line of a version-1 journal: JSON, a tab, its CRC-32 in 8 hex digits."""
    text = record if isinstance(record, bytes) else json.dumps(record, separators=(",", ":"))
    text = text.encode() if isinstance(text, str) else text
    return text + b"\t%08x\n" % zlib.crc32(text)


V1_HEADER = {"format": JOURNAL_FORMAT, "version": 1, "rows": 3, "fingerprint": "f"}
V1_RECORDS = [
    {"op": "reserve", "order": "A", "rows": [0], "qty": [2]},
    {"op": "reserve", "order": "B", "rows": [1, 2], "qty": [1, 4]},
    {"op": "commit", "order": "A"},
    {"op": "reserve", "order": "C", "rows": [0], "qty": [3]},
    {"op": "release", "order": "B"},
    {"op": "reserve", "order": "D", "rows": [2], "qty": [5]},
]


def test_a_version_1_journal_moves_onto_sqlite_and_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "orders.journal"
    expected = four_orders(tmp_path / "model.journal")
    data = b"".join(map(v1_line, [V1_HEADER, *V1_RECORDS])) + v1_line({"op": "commit"})[:9]
    path.write_bytes(data)  # ...and a last line cut short: that write never returned
    with Ledger([5, 5, 5], journal=path, fingerprint="f") as ledger:
        assert snapshot(ledger, IDS) == expected
        ledger.commit("C")
    assert Path(f"{path}.v1").read_bytes() == data
    assert [kind for (kind,) in sql(path, "SELECT kind FROM events ORDER BY seq")][-2:] == [
        "reserve",
        "commit",
    ]
    with Ledger([5, 5, 5], journal=path, fingerprint="f") as reopened:
        assert reopened.reservation("C").state == "committed"


V1_DAMAGE = [
    pytest.param(lambda lines: [*lines[:-1], lines[-1].replace(b"[5]", b"[6]")],
                 r"line 7: the record fails its CRC-32 check; .*damaged and was not migrated",
                 id="last-line-flipped"),
    pytest.param(lambda lines: [lines[0], v1_line(b"[" * 100_000 + b"]" * 100_000)],
                 r"line 2 is not a JSON record", id="nested"),
    pytest.param(lambda lines: [lines[0], v1_line({"op": "ship", "order": "A"})],
                 r"line 2: .* is not a reserve, release or commit record", id="unknown-op"),
    pytest.param(lambda lines: [v1_line({**V1_HEADER, "rows": 4}), *lines[1:]],
                 r"line 1: the version-1 header .* the stock snapshot changed", id="other-stock"),
]  # fmt: skip


@pytest.mark.parametrize(("damage", "message"), V1_DAMAGE)
def test_a_damaged_version_1_journal_is_refused_and_left_alone(
    tmp_path: Path, damage: Callable[[list[bytes]], list[bytes]], message: str
) -> None:
    path = tmp_path / "orders.journal"
    data = b"".join(damage([v1_line(record) for record in [V1_HEADER, *V1_RECORDS]]))
    path.write_bytes(data)
    with pytest.raises(JournalError, match=message):
        Ledger([5, 5, 5], journal=path, fingerprint="f")
    assert path.read_bytes() == data and sorted(tmp_path.iterdir()) == [path]


# --- writes that fail -------------------------------------------------------------------------


def test_a_full_disk_changes_nothing_and_the_ledger_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "orders.journal"
    ledger = Ledger([10**6, 5], journal=path)
    ledger.reserve("held", [1], [1])
    db = ledger._journal._db  # type: ignore[union-attr]
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
    failed = None
    for number in range(2000):
        before, files = snapshot(ledger, [f"O{number}", "held"]), journal_bytes(path)
        try:
            ledger.reserve(f"O{number}", [0], [1])
        except OSError as exc:
            failed = number
            assert "database or disk is full" in str(exc)
            break
    assert failed is not None, "the journal never filled its pages"
    assert snapshot(ledger, [f"O{failed}", "held"]) == before and journal_bytes(path) == files
    with pytest.raises(OSError, match="full"):
        ledger.commit("held")
    assert ledger.reservation("held").state == "reserved"
    db.execute(f"PRAGMA max_page_count = {2**30}")
    ledger.reserve(f"O{failed}", [0], [1])  # once the disk has room, the ledger goes on
    ledger.commit("held")
    expected = snapshot(ledger, [*(f"O{n}" for n in range(failed + 1)), "held"])
    ledger.close()
    with Ledger([10**6, 5], journal=path) as reopened:
        assert snapshot(reopened, [*(f"O{n}" for n in range(failed + 1)), "held"]) == expected


def test_a_commit_with_an_unknown_outcome_stops_the_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "orders.journal"
    ledger = Ledger([5], journal=path)
    commit = journal_module._commit

    def reached_the_disk_but_failed(db: sqlite3.Connection) -> None:
        commit(db)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(journal_module, "_commit", reached_the_disk_but_failed)
    with pytest.raises(OSError, match="disk I/O error"):
        ledger.reserve("A", [0], [2])
    monkeypatch.undo()
    assert ledger.reservation("A") is None
    with pytest.raises(ReservationError, match=r"unknown outcome; reopen the ledger"):
        ledger.reserve("B", [0], [1])
    ledger.close()
    with Ledger([5], journal=path) as reopened:  # the event did reach the file: replayed
        assert reopened.reservation("A").state == "reserved"
        reopened.reserve("A", [0], [2])  # and the client's retry is idempotent
        assert reopened.available.tolist() == [3]


# --- crashes: a log left behind ---------------------------------------------------------------


def killed(path: Path) -> tuple[bytes, bytes, list[Snapshot]]:
    """The database and log a SIGKILL after four calls leaves, and every state on the way."""
    ledger = Ledger([5, 5, 5], journal=path, fingerprint="f")
    states = [snapshot(ledger, IDS)]
    for call in (
        lambda: ledger.reserve("A", [0], [2]),
        lambda: ledger.reserve("B", [1, 2], [1, 4]),
        lambda: ledger.commit("A"),
        lambda: ledger.reserve("C", [0], [3]),
    ):
        call()
        states.append(snapshot(ledger, IDS))
    database, wal = journal_bytes(path)  # as they are on disk while the process runs
    ledger.close()
    return database, wal, states


def reopen_killed(path: Path, database: bytes, wal: bytes) -> Snapshot:
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()
    path.write_bytes(database)
    Path(f"{path}-wal").write_bytes(wal)
    with Ledger([5, 5, 5], journal=path, fingerprint="f") as reopened:
        check_conservation(reopened, IDS)
        return snapshot(reopened, IDS)


def test_a_log_left_by_a_kill_reopens_to_the_acknowledged_state(tmp_path: Path) -> None:
    database, wal, states = killed(tmp_path / "orders.journal")
    assert len(wal) > 4 * 4096  # the events are in the log, not yet in the database
    path = tmp_path / "copy.journal"
    assert reopen_killed(path, database, wal) == states[-1]
    assert not Path(f"{path}-wal").exists()  # folded into the database on close
    frames = (len(wal) - 32) // (24 + 4096)
    per_call = frames // 4  # each call commits the same number of pages
    last = 32 + (frames - per_call) * (24 + 4096)  # where the last call's frames begin
    for cut in range(last, len(wal), 331):  # that write torn anywhere: the call never returned
        assert reopen_killed(path, database, wal[:cut]) == states[-2], cut


def test_a_flipped_byte_in_a_log_left_by_a_kill_is_damage_not_a_torn_write(
    tmp_path: Path,
) -> None:
    database, wal, _ = killed(tmp_path / "orders.journal")
    path = tmp_path / "copy.journal"
    rng = random.Random(3)
    last_frame = range(len(wal) - 4096 - 24, len(wal))  # the last acknowledged call's commit
    for position in [*rng.sample(range(len(wal)), 100), *rng.sample(last_frame, 20)]:
        damaged = bytearray(wal)
        damaged[position] ^= 1 << rng.randrange(8)
        with pytest.raises(JournalError, match=r"write-ahead log .*copy\.journal-wal: (frame|its)"):
            reopen_killed(path, database, bytes(damaged))
        (log,) = tmp_path.glob("copy.journal.damaged-*-wal")
        assert log.read_bytes() == damaged, position  # the evidence, as it was


def test_the_log_is_emptied_as_it_grows_so_frames_are_only_appended(tmp_path: Path) -> None:
    path = tmp_path / "orders.journal"
    with Ledger([10**6], journal=path) as ledger:
        sizes = []
        for number in range(300):
            ledger.reserve(f"O{number}", [0], [1])
            sizes.append(Path(f"{path}-wal").stat().st_size)
    assert [n for n, size in enumerate(sizes) if size == 0] == [127, 255]
    assert all(later > earlier for earlier, later in itertools.pairwise(sizes[:127]))
    with Ledger([10**6], journal=path) as reopened:
        assert reopened.available.tolist() == [10**6 - 300]


# --- damage -----------------------------------------------------------------------------------


DAMAGE = [
    pytest.param(["UPDATE events SET payload = '{\"rows\":[0],\"qty\":[1]}' WHERE seq = 1"],
                 r"table events row seq 1 fails its chained checksum", id="payload"),
    pytest.param(["UPDATE events SET key = x'45' WHERE seq = 4"],
                 r"row seq 4 fails its chained checksum", id="key"),
    pytest.param(["UPDATE events SET kind = 'release' WHERE seq = 3"],
                 r"row seq 3 fails its chained checksum", id="kind"),
    pytest.param(["UPDATE events SET chain = x'00' WHERE seq = 6"],
                 r"row seq 6 fails its chained checksum", id="chain"),
    pytest.param(["DELETE FROM events WHERE seq = 3"],
                 r"table events has no event 3, the next is 4: rows were deleted", id="middle"),
    pytest.param(["DELETE FROM events WHERE seq = 6"],
                 r"table journal ends at event 6, the events table at event 5", id="last"),
    pytest.param(["DELETE FROM events"], r"ends at event 6, the events table at event 0",
                 id="all-events"),
    pytest.param(["UPDATE events SET seq = -seq WHERE seq IN (2, 3)",
                  "UPDATE events SET seq = 5 + seq WHERE seq IN (-2, -3)"],
                 r"row seq 2 fails its chained checksum", id="swapped-rows"),
    pytest.param(["UPDATE events SET seq = seq + 10 WHERE seq = 6",
                  "UPDATE journal SET last_seq = 16"],
                 r"no event 6, the next is 16", id="renumbered"),
    pytest.param(["UPDATE journal SET fingerprint = x'67'"],
                 r"row seq 1 fails its chained checksum", id="header-fingerprint"),
    pytest.param(["UPDATE journal SET last_seq = 5"],
                 r"ends at event 5, the events table at event 6", id="header-seq"),
    pytest.param(["INSERT INTO journal SELECT * FROM journal"], r"its one header row",
                 id="two-headers"),
    pytest.param(["UPDATE journal SET format = 'other'"], r"its one header row", id="format"),
    pytest.param(["UPDATE events SET payload = 7 WHERE seq = 2"],
                 r"row seq 2 has values of the wrong types", id="type"),
    pytest.param(["UPDATE events SET kind = CAST(x'ff' AS TEXT) WHERE seq = 2"],
                 r"row seq 2 fails its chained checksum", id="not-utf8"),
    pytest.param(["CREATE TABLE extra (x)"], r"its tables are not a journal's", id="schema"),
]  # fmt: skip


@pytest.mark.parametrize(("statements", "message"), DAMAGE)
def test_damage_raises_journal_error_and_moves_the_journal_aside(
    tmp_path: Path, statements: list[str], message: str
) -> None:
    path = tmp_path / "orders.journal"
    four_orders(path)
    sql(path, *statements)
    data = path.read_bytes()
    with pytest.raises(JournalError, match=rf"orders\.journal is damaged: .*{message}.*moved to"):
        Ledger([5, 5, 5], journal=path, fingerprint="f")
    (aside,) = tmp_path.glob("orders.journal.damaged-*")  # and no log: it held nothing
    assert aside.read_bytes() == data and not path.exists()
    with pytest.raises(JournalError, match=rf"was found damaged and moved to {aside}"):
        Ledger([5, 5, 5], journal=path, fingerprint="f")
    aside.unlink()  # a person decided: start afresh
    with Ledger([5, 5, 5], journal=path, fingerprint="f") as fresh:
        assert len(fresh) == 0


ALTERED = [
    pytest.param("ship", b"A", b"{}", r"kind 'ship' is not reserve, release or commit",
                 id="unknown-kind"),
    pytest.param("commit", b"Q", b"{}", r"order 'Q' has no reservation", id="unknown-order"),
    pytest.param("commit", None, b"{}", r"the event has no order id", id="no-key"),
    pytest.param("reserve", b"E", b"{not json", r"Expecting property name", id="not-json"),
    pytest.param("reserve", b"E", b"[1]", r"a JSON object with keys \['qty', 'rows'\]",
                 id="array"),
    pytest.param("release", b"C", b'{"rows":[0]}', r"a JSON object with keys \[\]", id="keys"),
    pytest.param("reserve", b"E", b"[" * 100_000 + b"]" * 100_000, r"recursion", id="nested"),
    pytest.param("reserve", b"E", b'{"rows":[0],"qty":[1.0]}', r"qty must hold integers",
                 id="float-qty"),
    pytest.param("reserve", b"E", b'{"rows":[0],"qty":[18446744073709551616]}', r"qty",
                 id="huge-qty"),
    pytest.param("reserve", b"E", b'{"rows":[9],"qty":[1]}', r"rows\[0\] = 9 is out of range",
                 id="row-out-of-range"),
    pytest.param("reserve", b"\xff", b'{"rows":[0],"qty":[1]}', r"can't decode", id="bad-id"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "key", "payload", "message"), ALTERED)
def test_a_well_formed_event_that_cannot_be_replayed_is_refused(
    tmp_path: Path, kind: str, key: bytes | None, payload: bytes, message: str
) -> None:
    path = tmp_path / "orders.journal"
    four_orders(path)
    append_event(path, kind, key, payload)
    data = path.read_bytes()
    with pytest.raises(JournalError, match=rf"table events row seq 7: cannot replay .*{message}"):
        Ledger([5, 5, 5], journal=path, fingerprint="f")
    assert path.read_bytes() == data  # sound as a file: left in place for a person


def test_a_flipped_byte_anywhere_is_the_exact_state_or_journal_error(tmp_path: Path) -> None:
    source = tmp_path / "source.journal"
    expected = four_orders(source)
    data = source.read_bytes()
    rows = sql(source, "SELECT payload, chain FROM events")
    values = [value for row in rows for value in row if len(value) > 2]  # "{}" is not unique
    starts = [data.find(value) for value in values]
    assert -1 not in starts
    watched = {  # bytes whose change must be caught: the stored payloads and chains
        start + offset
        for start, value in zip(starts, values, strict=True)
        for offset in range(len(value))
    }
    used = [i for i, byte in enumerate(data) if byte]
    rng = random.Random(11)
    positions = sorted({*used, *watched, *rng.sample(range(len(data)), 300)})
    path = tmp_path / "orders.journal"
    outcomes = {"exact": 0, "error": 0}
    for position in positions:
        damaged = bytearray(data)
        damaged[position] ^= 1 << rng.randrange(8)
        for leftover in tmp_path.glob("orders.journal*"):
            leftover.unlink()
        path.write_bytes(damaged)
        result = outcome(path, expected)
        outcomes[result] += 1
        assert result == "error" or position not in watched, position
    assert outcomes["error"] > len(watched) and outcomes["exact"] > 0, outcomes


def test_a_truncated_journal_is_the_exact_state_or_journal_error(tmp_path: Path) -> None:
    source = tmp_path / "source.journal"
    expected = four_orders(source)
    data = source.read_bytes()
    path = tmp_path / "orders.journal"
    results = set()
    for cut in sorted({*range(0, len(data), 509), *range(0, len(data), 4096), len(data) - 1}):
        for leftover in tmp_path.glob("orders.journal*"):
            leftover.unlink()
        path.write_bytes(data[:cut])
        results.add(outcome(path, expected))
    assert results == {"error"}
