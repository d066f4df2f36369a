"""The reservation ledger: every documented error, threads, crashes (the file: test_journal.py).

A ledger must never oversell (``available >= 0``), never lose or create stock (``on_hand ==
available + reserved``), change nothing when a call fails, and come back from its journal after
a SIGKILL at any moment with every acknowledged change and none applied twice.
"""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from yunpei_match.errors import (
    ColumnTypeError,
    DataError,
    IndexFileError,
    JournalError,
    ReservationError,
    UnknownIdError,
    YunpeiMatchError,
)
from yunpei_match.stock.ledger import Ledger, Reservation

Snapshot = tuple[list[int], list[int], dict[str, tuple[list[int], list[int], str]]]


def snapshot(ledger: Ledger, order_ids: Any = ()) -> Snapshot:
    """Everything observable about a ledger, as plain values, for the order ids named."""
    orders = {}
    for order_id in order_ids:
        found = ledger.reservation(order_id)
        if found is not None:
            orders[order_id] = (found.rows.tolist(), found.qty.tolist(), found.state)
    return ledger.on_hand.tolist(), ledger.available.tolist(), orders


def check_conservation(ledger: Ledger, order_ids: Any) -> None:
    reserved = np.zeros(len(ledger.on_hand), np.int64)
    for order_id in dict.fromkeys(order_ids):
        found = ledger.reservation(order_id)
        if found is not None and found.state == "reserved":
            reserved[found.rows] += found.qty
    assert (ledger.available >= 0).all()
    assert (ledger.available + reserved == ledger.on_hand).all()


def journal_bytes(path: Path) -> tuple[bytes, bytes]:
    """The journal's database and write-ahead log as they are on disk (the log may be absent)."""
    wal = Path(f"{path}-wal")
    return path.read_bytes(), wal.read_bytes() if wal.exists() else b""


# --- the basics -------------------------------------------------------------------------------


def test_reserve_sums_repeated_rows_sorts_them_and_holds_the_units() -> None:
    ledger = Ledger([5, 4, 3])
    reservation = ledger.reserve("A1", rows=[2, 0, 2], qty=[1, 2, 2])
    assert reservation == Reservation("A1", np.array([0, 2]), np.array([2, 3]), "reserved")
    assert reservation.rows.dtype == np.int64 and reservation.qty.dtype == np.int64
    assert ledger.available.tolist() == [3, 4, 0]
    assert ledger.on_hand.tolist() == [5, 4, 3]
    assert len(ledger) == 1


def test_release_gives_units_back_and_commit_lets_them_leave() -> None:
    ledger = Ledger([5, 4])
    ledger.reserve("A1", [0, 1], [2, 1])
    ledger.reserve("A2", [0], [3])
    ledger.release("A1")
    ledger.commit("A2")
    assert ledger.reservation("A1").state == "released"
    assert ledger.reservation("A2").state == "committed"
    assert ledger.on_hand.tolist() == [2, 4]
    assert ledger.available.tolist() == [2, 4]


def test_repeats_are_no_ops_and_a_retried_reserve_returns_the_reservation(tmp_path: Path) -> None:
    path = tmp_path / "orders.journal"
    with Ledger([5, 4], journal=path) as ledger:
        first = ledger.reserve("A1", [0, 1], [2, 1])
        assert ledger.reserve("A1", np.array([1, 0]), [1, 2]) is first
        ledger.reserve("A2", [0], [1])
        ledger.release("A2")
        ledger.commit("A1")
        files = journal_bytes(path)
        committed = ledger.reservation("A1")
        assert ledger.reserve("A1", [0, 1], [2, 1]) is committed
        ledger.commit("A1")
        ledger.release("A2")
        assert journal_bytes(path) == files  # nothing was written for the repeats
        assert ledger.on_hand.tolist() == [3, 3] and ledger.available.tolist() == [3, 3]


def test_available_and_on_hand_are_one_live_read_only_array_each() -> None:
    ledger = Ledger([5, 4])
    available, on_hand = ledger.available, ledger.on_hand
    ledger.reserve("A1", [0], [2])
    ledger.commit("A1")
    ledger.reserve("A2", [1], [1])
    assert ledger.available is available and ledger.on_hand is on_hand
    assert available.tolist() == [3, 3] and on_hand.tolist() == [3, 4]
    assert available.dtype == np.int64 and on_hand.dtype == np.int64
    for array in (available, on_hand):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 99


def test_on_hand_is_copied_and_numpy_pyarrow_and_narrow_ints_are_accepted() -> None:
    source = np.array([5, 4], np.int32)
    ledger = Ledger(source)
    source[0] = 0
    assert ledger.on_hand.tolist() == [5, 4]
    ledger = Ledger(pa.array([5, 4], pa.uint16()))
    reservation = ledger.reserve("A1", pa.array([1, 0], pa.int32()), np.array([1, 2], np.uint8))
    assert reservation.rows.tolist() == [0, 1] and reservation.qty.tolist() == [2, 1]
    assert Ledger([]).on_hand.tolist() == []


def test_reservation_is_frozen_with_read_only_arrays_equal_by_value_and_hashable() -> None:
    reservation = Ledger([5]).reserve("A1", [0], [2])
    with pytest.raises(dataclasses.FrozenInstanceError):
        reservation.state = "committed"  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        reservation.qty[0] = 1
    twin = Reservation("A1", np.array([0]), np.array([2]), "reserved")
    assert reservation == twin and hash(reservation) == hash(twin)
    assert reservation != dataclasses.replace(twin, state="released")
    assert reservation != "A1"


def test_len_reservation_and_repr(tmp_path: Path) -> None:
    ledger = Ledger([5, 4])
    assert ledger.reservation("nope") is None and len(ledger) == 0 and ledger.journal is None
    ledger.reserve("A1", [0], [1])
    ledger.reserve("A2", [0], [1])
    ledger.commit("A2")
    assert repr(ledger) == "Ledger(2 rows; 2 orders: 1 reserved, 1 committed, 0 released)"
    with Ledger([1], journal=tmp_path / "j") as journaled:
        assert journaled.journal == tmp_path / "j"
        assert repr(journaled).endswith(f"journal={str(tmp_path / 'j')!r})")


def test_error_classes_inherit_the_builtins_a_caller_catches() -> None:
    assert issubclass(ReservationError, ValueError) and issubclass(
        ReservationError, YunpeiMatchError
    )
    assert issubclass(JournalError, IndexFileError) and issubclass(JournalError, ValueError)


# --- every documented Raises, and nothing changes when one is raised ---------------------------

CONSTRUCTOR_ERRORS = [
    pytest.param([1, -3], {}, DataError, r"on_hand must be >= 0, got -3 at row 1", id="negative"),
    pytest.param([[1, 2]], {}, DataError, r"on_hand must be 1-D, got 2 dimensions", id="2-d"),
    pytest.param([[1], [1, 2]], {}, DataError, r"on_hand must be a 1-D sequence", id="ragged"),
    pytest.param(
        [1.5], {}, ColumnTypeError, r"on_hand must hold integers, got float64", id="float"
    ),
    pytest.param([True], {}, ColumnTypeError, r"on_hand must hold integers, got bool", id="bool"),
    pytest.param("12", {}, ColumnTypeError, r"on_hand must be a sequence of integers", id="str"),
    pytest.param(
        np.array([1, 2**63], np.uint64),
        {},
        DataError,
        r"on_hand value 9223372036854775808 at position 1 does not fit in int64",
        id="uint64",
    ),
    pytest.param(
        [1],
        {"fingerprint": 3},
        ColumnTypeError,
        r"fingerprint must be a string, got int",
        id="fingerprint",
    ),
]


@pytest.mark.parametrize(("on_hand", "options", "error", "message"), CONSTRUCTOR_ERRORS)
def test_constructor_errors(on_hand: Any, options: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        Ledger(on_hand, **options)


RESERVE_ERRORS = [
    pytest.param(
        "A", [0, 3], [1, 1], DataError,
        r"order 'A': rows\[1\] = 3 is out of range, the ledger has 3 stock rows", id="row-high",
    ),
    pytest.param("A", [-1], [1], DataError, r"rows\[0\] = -1 is out of range", id="row-negative"),
    pytest.param(
        "A", [0, 1], [1, 0], DataError, r"order 'A': qty must be > 0, got 0 at position 1",
        id="qty-zero",
    ),
    pytest.param("A", [0], [-2], DataError, r"qty must be > 0, got -2 at position 0", id="qty<0"),
    pytest.param("A", [0, 1], [1], DataError, r"rows has 2 values but qty has 1", id="lengths"),
    pytest.param("A", [], [], DataError, r"needs at least one line, rows is empty", id="empty"),
    pytest.param("A", [[0]], [[1]], DataError, r"rows must be 1-D, got 2 dimensions", id="2-d"),
    pytest.param(
        "A", [0.0], [1], ColumnTypeError, r"rows must hold integers, got float64", id="float-row"
    ),
    pytest.param("A", [0], ["1"], ColumnTypeError, r"qty must hold integers", id="str-qty"),
    pytest.param("A", 0, 1, DataError, r"rows must be 1-D, got 0 dimensions", id="scalar"),
    pytest.param(
        "A", [0, 0], [2**62, 2**62], DataError, r"the quantities of row 0 add up past int64",
        id="overflow",
    ),
    pytest.param(7, [0], [1], ColumnTypeError, r"order_id must be a string, got int", id="id"),
    pytest.param(
        "A", [0], [6], ReservationError,
        r"order 'A': row 0 has 5 available, 6 asked; nothing was reserved", id="short",
    ),
    pytest.param(
        "A", [0, 1, 2, 1], [1, 3, 1, 3], ReservationError, r"row 1 has 5 available, 6 asked",
        id="short-after-summing",
    ),
    pytest.param("A", [2], [3], ReservationError, r"row 2 has 2 available, 3 asked", id="held"),
]  # fmt: skip


@pytest.mark.parametrize(("order_id", "rows", "qty", "error", "message"), RESERVE_ERRORS)
def test_reserve_errors_change_nothing(
    tmp_path: Path, order_id: Any, rows: Any, qty: Any, error: type, message: str
) -> None:
    path = tmp_path / "orders.journal"
    with Ledger([5, 5, 5], journal=path) as ledger:
        ledger.reserve("held", [2], [3])
        before, journal = snapshot(ledger, ["A", "held"]), journal_bytes(path)
        with pytest.raises(error, match=message):
            ledger.reserve(order_id, rows, qty)
        assert snapshot(ledger, ["A", "held"]) == before
        assert journal_bytes(path) == journal
        assert len(ledger) == 1


Call = tuple[str, tuple[Any, ...]]
STATE_ERRORS = [
    pytest.param(
        [("reserve", ("A", [0], [1]))], ("reserve", ("A", [0], [2])), ReservationError,
        r"order 'A' is already reserved with other lines", id="reserved-other-lines",
    ),
    pytest.param(
        [("reserve", ("A", [0], [1])), ("commit", ("A",))], ("reserve", ("A", [1], [1])),
        ReservationError, r"order 'A' is already committed with other lines",
        id="committed-other-lines",
    ),
    pytest.param(
        [("reserve", ("A", [0], [1])), ("release", ("A",))], ("reserve", ("A", [0], [1])),
        ReservationError, r"order 'A' was released; order ids are single use", id="reuse",
    ),
    pytest.param(
        [("reserve", ("A", [0], [1])), ("commit", ("A",))], ("release", ("A",)),
        ReservationError, r"order 'A' is committed: its stock has left", id="release-committed",
    ),
    pytest.param(
        [("reserve", ("A", [0], [1])), ("release", ("A",))], ("commit", ("A",)),
        ReservationError, r"order 'A' was released: reserve its lines again under a new id",
        id="commit-released",
    ),
    pytest.param(
        [], ("release", ("Z",)), UnknownIdError, r"order 'Z' has no reservation",
        id="release-unknown",
    ),
    pytest.param(
        [], ("commit", ("Z",)), UnknownIdError, r"order 'Z' has no reservation",
        id="commit-unknown",
    ),
    pytest.param(
        [], ("release", (7,)), ColumnTypeError, r"order_id must be a string, got int",
        id="release-int",
    ),
    pytest.param(
        [], ("commit", (None,)), ColumnTypeError, r"order_id must be a string, got NoneType",
        id="commit-none",
    ),
    pytest.param(
        [], ("reservation", (b"A",)), ColumnTypeError, r"order_id must be a string, got bytes",
        id="reservation-bytes",
    ),
    pytest.param(
        [("reserve", ("A", [0], [1])), ("close", ())], ("reserve", ("A", [0], [1])),
        ReservationError, r"the ledger is closed: no reservation can be made or changed",
        id="closed-reserve",
    ),
    pytest.param(
        [("reserve", ("A", [0], [1])), ("close", ())], ("release", ("A",)), ReservationError,
        r"the ledger is closed", id="closed-release",
    ),
    pytest.param(
        [("reserve", ("A", [0], [1])), ("close", ())], ("commit", ("A",)), ReservationError,
        r"the ledger is closed", id="closed-commit",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("setup", "call", "error", "message"), STATE_ERRORS)
def test_state_errors_change_nothing(
    tmp_path: Path, setup: list[Call], call: Call, error: type, message: str
) -> None:
    path = tmp_path / "orders.journal"
    ledger = Ledger([5, 5], journal=path)
    for method, args in setup:
        getattr(ledger, method)(*args)
    before, journal = snapshot(ledger, ["A", "Z"]), journal_bytes(path)
    with pytest.raises(error, match=message):
        getattr(ledger, call[0])(*call[1])
    assert snapshot(ledger, ["A", "Z"]) == before
    assert journal_bytes(path) == journal
    ledger.close()


def test_close_is_idempotent_and_reads_still_work(tmp_path: Path) -> None:
    ledger = Ledger([5], journal=tmp_path / "j")
    ledger.reserve("A", [0], [2])
    ledger.close()
    ledger.close()
    assert ledger.reservation("A").state == "reserved" and ledger.available.tolist() == [3]


# --- threads ----------------------------------------------------------------------------------


@pytest.mark.parametrize("journaled", [False, True], ids=["memory", "journal"])
def test_threads_never_oversell_and_conserve_stock(tmp_path: Path, journaled: bool) -> None:
    on_hand = [6, 4, 3, 2]
    path = tmp_path / "orders.journal" if journaled else None
    ledger = Ledger(on_hand, journal=path)
    ids = [f"O{i}" for i in range(150)]
    made: list[list[Reservation]] = [[] for _ in range(8)]
    unexpected: list[BaseException] = []
    oversold: list[list[int]] = []
    start, stop = threading.Barrier(9), threading.Event()

    def work(worker: int) -> None:
        rng = random.Random(worker)
        start.wait()
        for _ in range(250):
            order_id, dice = rng.choice(ids), rng.random()
            try:
                if dice < 0.5:
                    rows = rng.sample(range(len(on_hand)), rng.randint(1, 3))
                    made[worker].append(
                        ledger.reserve(order_id, rows, [rng.randint(1, 3) for _ in rows])
                    )
                elif dice < 0.75:
                    ledger.release(order_id)
                else:
                    ledger.commit(order_id)
            except (ReservationError, UnknownIdError):
                pass
            except BaseException as exc:  # reported by the assert below
                unexpected.append(exc)

    def watch() -> None:
        start.wait()
        while not stop.is_set():
            if ledger.available.min() < 0 or ledger.on_hand.min() < 0:
                oversold.append(ledger.available.tolist())

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often: interleave inside the calls
    try:
        threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
        watcher = threading.Thread(target=watch)
        for thread in [*threads, watcher]:
            thread.start()
        for thread in threads:
            thread.join()
        stop.set()
        watcher.join()
    finally:
        sys.setswitchinterval(interval)
    assert not oversold and not unexpected
    check_conservation(ledger, ids)
    successes = [reservation for batch in made for reservation in batch]
    assert len(ledger) == len({reservation.order_id for reservation in successes}) > 0
    committed = np.zeros(len(on_hand), np.int64)
    for reservation in successes:
        found = ledger.reservation(reservation.order_id)
        assert (found.rows.tolist(), found.qty.tolist()) == (
            reservation.rows.tolist(),
            reservation.qty.tolist(),
        )
    for order_id in {reservation.order_id for reservation in successes}:
        found = ledger.reservation(order_id)
        if found.state == "committed":
            committed[found.rows] += found.qty
    assert (ledger.on_hand == np.array(on_hand) - committed).all()
    expected = snapshot(ledger, ids)
    ledger.close()
    if journaled:
        with Ledger(on_hand, journal=path) as reopened:
            assert snapshot(reopened, ids) == expected


# --- a stateful test against a plain model -----------------------------------------------------

ORDER_IDS = st.sampled_from(["A", "B", "C", "D", "E"])


class LedgerMachine(RuleBasedStateMachine):
    """Every call mirrored on a dict ``order -> (rows, qty, state)`` and a list of on-hand units."""

    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="ledger-machine-"))
        self.path = self.directory / "orders.journal"

    @initialize(on_hand=st.lists(st.integers(0, 12), min_size=1, max_size=4))
    def start(self, on_hand: list[int]) -> None:
        self.initial = list(on_hand)
        self.on_hand = list(on_hand)
        self.orders: dict[str, tuple[list[int], list[int], str]] = {}
        self.ledger = Ledger(on_hand, journal=self.path, fingerprint="machine")

    def available(self) -> list[int]:
        available = list(self.on_hand)
        for rows, qty, state in self.orders.values():
            if state == "reserved":
                for row, units in zip(rows, qty, strict=True):
                    available[row] -= units
        return available

    @rule(order_id=ORDER_IDS, data=st.data())
    def reserve(self, order_id: str, data: st.DataObject) -> None:
        lines = data.draw(
            st.lists(
                st.tuples(st.integers(0, len(self.initial) - 1), st.integers(1, 3)),
                min_size=1,
                max_size=4,
            )
        )
        summed: dict[int, int] = {}
        for row, units in lines:
            summed[row] = summed.get(row, 0) + units
        wanted = (sorted(summed), [summed[row] for row in sorted(summed)])
        existing = self.orders.get(order_id)
        rows, qty = [row for row, _ in lines], [units for _, units in lines]
        if existing is not None and (existing[2] == "released" or existing[:2] != wanted):
            event("reserve: id taken")
            with pytest.raises(ReservationError, match=f"order '{order_id}'"):
                self.ledger.reserve(order_id, rows, qty)
        elif existing is None and any(self.available()[r] < q for r, q in summed.items()):
            event("reserve: short")
            with pytest.raises(ReservationError, match=r"available, \d+ asked"):
                self.ledger.reserve(order_id, rows, qty)
        else:
            event("reserve: made" if existing is None else "reserve: same lines again")
            reservation = self.ledger.reserve(order_id, rows, qty)
            self.orders.setdefault(order_id, (*wanted, "reserved"))
            assert reservation.state == self.orders[order_id][2]

    @rule(order_id=ORDER_IDS, data=st.data())
    def retry_reserve(self, order_id: str, data: st.DataObject) -> None:
        """A client's retry: the same lines, maybe reordered and with a row split in two."""
        if order_id not in self.orders:
            return
        rows, qty, state = self.orders[order_id]
        lines = [(row, units) for row, units in zip(rows, qty, strict=True)]
        if qty[0] > 1 and data.draw(st.booleans()):
            lines[:1] = [(rows[0], 1), (rows[0], qty[0] - 1)]
        lines = data.draw(st.permutations(lines))
        call_rows, call_qty = [row for row, _ in lines], [units for _, units in lines]
        if state == "released":
            with pytest.raises(ReservationError, match=r"order ids are single use"):
                self.ledger.reserve(order_id, call_rows, call_qty)
        else:
            event(f"retry of a {state} order")
            found = self.ledger.reserve(order_id, call_rows, call_qty)
            assert (found.rows.tolist(), found.qty.tolist(), found.state) == (rows, qty, state)

    @rule(order_id=ORDER_IDS, row=st.integers(-3, 8), units=st.integers(-2, 2))
    def reserve_with_bad_arguments(self, order_id: str, row: int, units: int) -> None:
        if 0 <= row < len(self.initial) and units > 0:
            return
        with pytest.raises(DataError):
            self.ledger.reserve(order_id, [row], [units])

    @rule(order_id=ORDER_IDS)
    def release(self, order_id: str) -> None:
        self.finish(order_id, "release", "released", "committed")

    @rule(order_id=ORDER_IDS)
    def commit(self, order_id: str) -> None:
        self.finish(order_id, "commit", "committed", "released")

    def finish(self, order_id: str, method: str, target: str, refused: str) -> None:
        existing = self.orders.get(order_id)
        event(f"{method} of a {'unknown' if existing is None else existing[2]} order")
        if existing is None:
            with pytest.raises(UnknownIdError):
                getattr(self.ledger, method)(order_id)
        elif existing[2] == refused:
            with pytest.raises(ReservationError, match=f"order '{order_id}'"):
                getattr(self.ledger, method)(order_id)
        else:
            getattr(self.ledger, method)(order_id)
            if existing[2] == "reserved" and target == "committed":
                for row, units in zip(existing[0], existing[1], strict=True):
                    self.on_hand[row] -= units
            self.orders[order_id] = (existing[0], existing[1], target)

    @rule()
    def reopen(self) -> None:
        event(f"reopen with {len(self.orders)} orders")
        before = snapshot(self.ledger, self.orders)
        self.ledger.close()
        self.ledger = Ledger(self.initial, journal=self.path, fingerprint="machine")
        assert snapshot(self.ledger, self.orders) == before
        assert len(self.ledger) == len(self.orders)

    @invariant()
    def matches_the_model(self) -> None:
        if not hasattr(self, "ledger"):
            return
        assert self.ledger.on_hand.tolist() == self.on_hand
        assert self.ledger.available.tolist() == self.available()
        assert min(self.available(), default=0) >= 0
        assert snapshot(self.ledger, "ABCDE")[2] == self.orders
        assert len(self.ledger) == len(self.orders)
        check_conservation(self.ledger, self.orders)

    def teardown(self) -> None:
        if hasattr(self, "ledger"):
            self.ledger.close()
        shutil.rmtree(self.directory, ignore_errors=True)


TestLedgerMachine = LedgerMachine.TestCase
TestLedgerMachine.settings = settings(max_examples=200, stateful_step_count=40, deadline=None)


# --- SIGKILL at random moments ------------------------------------------------------------------

CHILD = '''
import random
import sys

from yunpei_match.errors import ReservationError, UnknownIdError
from yunpei_match.stock.ledger import Ledger

ON_HAND = [400, 300, 200, 100, 50]


def calls(seed, prefix):
    """The same sequence of (method, order id, rows, qty) for a seed, without end."""
    rng = random.Random(seed)
    made = 0
    while True:
        method = rng.choices(("reserve", "release", "commit"), (4, 2, 2))[0]
        if method == "reserve" and rng.random() < 0.9:
            made += 1
            rows = rng.sample(range(len(ON_HAND)), rng.randint(1, 3))
            yield "reserve", f"{prefix}{made}", rows, [rng.randint(1, 9) for _ in rows]
        elif method == "reserve":  # a retry of an earlier id, maybe with other lines
            yield "reserve", f"{prefix}{rng.randint(1, made + 1)}", [0], [1]
        else:
            yield method, f"{prefix}{rng.randint(1, made + 1)}", None, None


def apply(ledger, call):
    method, order_id, rows, qty = call
    try:
        if method == "reserve":
            ledger.reserve(order_id, rows, qty)
        else:
            getattr(ledger, method)(order_id)
    except (ReservationError, UnknownIdError) as exc:
        return type(exc).__name__
    return "ok"


if __name__ == "__main__":
    journal, seed, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with Ledger(ON_HAND, journal=journal, fingerprint="kill") as ledger:
        print("ready", flush=True)
        for number, call in zip(range(100_000), calls(seed, prefix)):
            print(number, apply(ledger, call), flush=True)
'''


def run_and_kill(script: Path, journal: Path, seed: int, prefix: str, rng: random.Random) -> list:
    """Start a child on the journal, SIGKILL it at a random moment; return the acknowledged ops."""
    child = subprocess.Popen(
        [sys.executable, str(script), str(journal), str(seed), prefix],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    read = []
    try:
        if rng.random() < 0.25:
            time.sleep(rng.uniform(0.0, 0.6))  # maybe while it imports or replays
        else:
            read.append(child.stdout.readline())
            assert read[0] == "ready\n", child.communicate(timeout=30)[1]
            read += [child.stdout.readline() for _ in range(rng.randint(0, 40))]
            time.sleep(rng.uniform(0.0, 0.005))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        # read through the text buffers: communicate() would skip what readline() buffered
        rest, errors = child.stdout.read(), child.stderr.read()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL, errors
    text = "".join(read) + rest
    complete = [line for line in text.splitlines(keepends=True) if line.endswith("\n")]
    acked = complete[1:] if complete[:1] == ["ready\n"] else []
    return [line.split() for line in acked]


def test_sigkill_at_random_moments_loses_no_acknowledged_change(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD, "utf-8")
    child: dict[str, Any] = {"__name__": "kill_child"}
    exec(compile(CHILD, str(script), "exec"), child)
    journal = tmp_path / "orders.journal"
    model = Ledger(child["ON_HAND"])  # the same calls, applied in memory without any crash
    order_ids: list[str] = []
    rng = random.Random(4)
    for round_number in range(6):
        seed, prefix = 1000 + round_number, f"R{round_number}-"
        calls = child["calls"](seed, prefix)
        acked = run_and_kill(script, journal, seed, prefix, rng)
        for number, (printed_number, outcome) in enumerate(acked):
            call = next(calls)
            order_ids.append(call[1])
            assert (int(printed_number), child["apply"](model, call)) == (number, outcome)
        in_flight = next(calls)  # its record may have reached the journal before the kill
        order_ids.append(in_flight[1])
        with Ledger(child["ON_HAND"], journal=journal, fingerprint="kill") as reopened:
            if snapshot(reopened, order_ids) != snapshot(model, order_ids):
                child["apply"](model, in_flight)
            assert snapshot(reopened, order_ids) == snapshot(model, order_ids)
            check_conservation(reopened, order_ids)
    assert len(model) > 10
