"""The reservation ledger: who holds which stock, kept safe across crashes by a write-ahead journal.

The ledger knows stock *rows* (one per (warehouse, part), numbered ``0..n_rows-1`` by the
Inventory) and two int64 arrays over them: ``on_hand``, the units physically there, and
``available``, those not held by an open reservation. An order moves through three states::

    reserve --> reserved --commit--> committed    (the stock leaves: on_hand drops)
                    `------release--> released    (the units become available again)

so ``on_hand == available + (sum of the quantities of reserved orders)`` at every moment.

*One lock: check, log, apply.* Every change takes one ``threading.Lock``, checks that it can be
made, appends it to the journal, and only then applies it. A failed check raises before anything
is written or changed, so a reservation is all or nothing. Readers (the Inventory's kernels) read
the live ``available`` array without the lock; the array object is never replaced.

*Write-ahead journal.* With ``journal=path`` each change is one event in a SQLite database
(:mod:`yunpei_match.stock.journal`: WAL, ``synchronous=FULL``), committed before the call returns:
its kind (``reserve``, ``release``, ``commit``), the order id as its key (``UNIQUE`` per kind)
and a JSON payload (``{"rows": [...], "qty": [...]}`` for a reserve, ``{}`` otherwise), with a
checksum chained to the event before. The journal's header row holds the format, version, row
count and a caller-chosen fingerprint of the stock snapshot. Opening a ledger on an existing
journal checks the chain, then replays the events through the same checks as live calls; a
journal for another snapshot, or whose replay no longer fits the stock, raises
``JournalError`` rather than yield negative stock. No pickle.

*Torn writes and damage.* A process killed mid-write leaves a transaction SQLite rolls back
when the journal is next opened: that call never returned, so nobody was told it succeeded. A
journal damaged after the fact (a changed byte, a deleted, moved or lost event, a file SQLite
cannot read, a damaged frame in the log a crash left) is not a crash: opening it raises
``JournalError`` naming the event or frame, and moves the file aside, so no acknowledged change
is ever dropped quietly. So a crash at any point loses no acknowledged change and applies none
twice.

*Idempotency by order id.* Reserving an id already reserved or committed with the same lines
returns the existing reservation; releasing a released order or committing a committed one does
nothing. A client retrying after a crash, unsure whether its call got through, thus never
applies a change twice. Ids are single use: a released id cannot be reserved again, lest a late
retry of its old reservation take the stock a second time.

*One writer.* A ledger's connection holds SQLite's exclusive lock on its journal for the
ledger's life, so two ledgers never write one journal.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .._base.tables import show
from ..errors import ColumnTypeError, DataError, JournalError, ReservationError, UnknownIdError
from .journal import Event, Journal

__all__ = ["Ledger", "Reservation"]

STATES = ("reserved", "committed", "released")
_INT64_MAX = int(np.iinfo(np.int64).max)
_JSON = json.JSONEncoder(separators=(",", ":"))  # made once: json.dumps builds one per call


@dataclass(frozen=True, eq=False)
class Reservation:
    """The lines held for one order and where the order stands.

    Parameters
    ----------
    order_id : str
        The caller's order id (single use).
    rows : numpy.ndarray
        int64 stock rows, sorted, each once (repeated rows of the request are summed).
    qty : numpy.ndarray
        int64 quantities (> 0), one per row.
    state : str
        ``"reserved"``, ``"committed"`` or ``"released"``.

    Examples
    --------
    >>> from yunpei_match.stock.ledger import Ledger
    >>> reservation = Ledger([4, 4]).reserve("A1", rows=[1, 0, 1], qty=[1, 2, 1])
    >>> reservation.rows, reservation.qty, reservation.state
    (array([0, 1]), array([2, 2]), 'reserved')
    """

    order_id: str
    rows: np.ndarray
    qty: np.ndarray
    state: str

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Reservation):
            return NotImplemented
        return (
            self.order_id == other.order_id
            and self.state == other.state
            and np.array_equal(self.rows, other.rows)
            and np.array_equal(self.qty, other.qty)
        )

    def __hash__(self) -> int:
        return hash((self.order_id, self.state, self.rows.tobytes(), self.qty.tobytes()))


class Ledger:
    """Reservations of stock rows: all-or-nothing, thread-safe, journaled, idempotent by order id.

    Parameters
    ----------
    on_hand : array-like of int
        Units on hand per stock row (1-D, >= 0); copied.
    journal : str or pathlib.Path, optional
        Write-ahead journal (a SQLite file). Every change is committed to it before it is
        applied; an existing journal is checked and replayed first. Without it the ledger
        lives in memory only.
    fingerprint : str, default ""
        Names the stock snapshot; a journal written under another fingerprint is refused.

    Raises
    ------
    DataError
        ``on_hand`` is not 1-D, holds a negative quantity, or one too large for int64.
    ColumnTypeError
        ``on_hand`` does not hold integers, or ``fingerprint`` is not a string.
    JournalError
        The journal is damaged (it is then moved aside), of another format or version, for
        another row count or fingerprint, no longer fits the stock, or is open in another ledger.

    Examples
    --------
    >>> from yunpei_match.stock.ledger import Ledger
    >>> ledger = Ledger([5, 0, 2])
    >>> ledger.reserve("A1", rows=[0, 2, 0], qty=[1, 1, 2])
    Reservation(order_id='A1', rows=array([0, 2]), qty=array([3, 1]), state='reserved')
    >>> ledger.available
    array([2, 0, 1])
    >>> ledger.commit("A1")
    >>> ledger.on_hand
    array([2, 0, 1])
    >>> ledger.reserve("A2", rows=[1], qty=[1])
    Traceback (most recent call last):
    ...
    yunpei_match.errors.ReservationError: order 'A2': row 1 has 0 available, 1 asked; ...

    With a journal the reservations outlive the process:

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "reservations.journal"
    ...     with Ledger([5, 0, 2], journal=path) as ledger:
    ...         _ = ledger.reserve("B1", rows=[0], qty=[2])
    ...     with Ledger([5, 0, 2], journal=path) as reopened:
    ...         print(reopened.reservation("B1").state, reopened.available)
    reserved [3 0 2]
    """

    def __init__(
        self, on_hand: Any, *, journal: str | os.PathLike[str] | None = None, fingerprint: str = ""
    ) -> None:
        if not isinstance(fingerprint, str):
            raise ColumnTypeError(f"fingerprint must be a string, got {type(fingerprint).__name__}")
        self._on_hand = _as_on_hand(on_hand)
        self._available = self._on_hand.copy()
        # one read-only view of each, handed out for the ledger's life: kernels keep hold of it
        self._on_hand_view = _read_only(self._on_hand)
        self._available_view = _read_only(self._available)
        self._orders: dict[str, Reservation] = {}
        self._lock = threading.Lock()
        self._refusal: str | None = None  # why changes are refused (closed, journal broken)
        self._journal: Journal | None = None
        if journal is not None:
            opened, events = Journal.open(Path(journal), len(self._on_hand), fingerprint)
            try:
                for event in events:
                    self._replay(opened.path, event)
            except BaseException:
                opened.close()
                raise
            self._journal = opened

    @property
    def available(self) -> np.ndarray:
        """Read-only int64 units per row not held by a reservation; the same live array always."""
        return self._available_view

    @property
    def on_hand(self) -> np.ndarray:
        """Read-only int64 units physically on hand per row; drops when an order is committed."""
        return self._on_hand_view

    @property
    def journal(self) -> Path | None:
        """Path of the write-ahead journal, or None for a ledger kept in memory only."""
        return None if self._journal is None else self._journal.path

    def __len__(self) -> int:
        return len(self._orders)

    def __repr__(self) -> str:
        counts = dict.fromkeys(STATES, 0)
        with self._lock:
            for reservation in self._orders.values():
                counts[reservation.state] += 1
        states = ", ".join(f"{n:,} {state}" for state, n in counts.items())
        journal = "" if self._journal is None else f", journal={str(self._journal.path)!r}"
        return f"Ledger({len(self._on_hand):,} rows; {len(self):,} orders: {states}{journal})"

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the journal; later changes raise ``ReservationError``. Closing twice is fine."""
        with self._lock:
            if self._journal is not None:
                self._journal.close()
            if self._refusal is None:
                self._refusal = "the ledger is closed"

    def reservation(self, order_id: str) -> Reservation | None:
        """The reservation of ``order_id`` in its current state, or None if the id is unknown.

        Raises
        ------
        ColumnTypeError
            ``order_id`` is not a string.

        Examples
        --------
        >>> from yunpei_match.stock.ledger import Ledger
        >>> ledger = Ledger([1])
        >>> ledger.reservation("A1") is None
        True
        >>> _ = ledger.reserve("A1", [0], [1])
        >>> ledger.release("A1")
        >>> ledger.reservation("A1").state
        'released'
        """
        _check_order_id(order_id)
        return self._orders.get(order_id)

    def reserve(self, order_id: str, rows: Any, qty: Any) -> Reservation:
        """Hold ``qty[i]`` units of stock row ``rows[i]`` for ``order_id``: all lines or none.

        Parameters
        ----------
        order_id : str
            The order's id. Reserving it again with the same lines returns the existing
            reservation (a safe retry); ids are single use.
        rows : array-like of int
            Stock rows, at least one; a row may repeat (its quantities are summed).
        qty : array-like of int
            Units per line, each > 0, as many as ``rows``.

        Returns
        -------
        Reservation
            Rows sorted, each once, with their summed quantities.

        Raises
        ------
        ReservationError
            A row has fewer units available than asked (nothing is reserved), or the id is
            already reserved or committed with other lines, or was released.
        DataError
            ``rows`` empty or not 1-D, a row out of range, a quantity <= 0, lengths differ, or
            the quantities of a row add up past int64.
        ColumnTypeError
            ``order_id`` is not a string, or ``rows`` / ``qty`` do not hold integers.

        Examples
        --------
        >>> from yunpei_match.stock.ledger import Ledger
        >>> ledger = Ledger([3, 3])
        >>> first = ledger.reserve("A1", rows=[0, 1], qty=[2, 1])
        >>> ledger.reserve("A1", rows=[1, 0], qty=[1, 2]) is first  # a retry changes nothing
        True
        >>> ledger.available
        array([1, 2])
        """
        _check_order_id(order_id)
        line_rows, line_qty = _lines(order_id, rows, qty, len(self._on_hand))
        with self._lock:
            self._check_open()
            return self._reserve(order_id, line_rows, line_qty)

    def release(self, order_id: str) -> None:
        """Give the units of a reserved order back; releasing a released order does nothing.

        Raises
        ------
        ReservationError
            The order is committed: its stock has left.
        UnknownIdError
            No order has this id.
        ColumnTypeError
            ``order_id`` is not a string.

        Examples
        --------
        >>> from yunpei_match.stock.ledger import Ledger
        >>> ledger = Ledger([3])
        >>> _ = ledger.reserve("A1", [0], [2])
        >>> ledger.release("A1")
        >>> ledger.available
        array([3])
        """
        _check_order_id(order_id)
        with self._lock:
            self._check_open()
            self._release(order_id)

    def commit(self, order_id: str) -> None:
        """Let a reserved order's units leave (on_hand drops); committing twice does nothing.

        Raises
        ------
        ReservationError
            The order was released.
        UnknownIdError
            No order has this id.
        ColumnTypeError
            ``order_id`` is not a string.

        Examples
        --------
        >>> from yunpei_match.stock.ledger import Ledger
        >>> ledger = Ledger([3])
        >>> _ = ledger.reserve("A1", [0], [2])
        >>> ledger.commit("A1")
        >>> ledger.on_hand, ledger.available
        (array([1]), array([1]))
        """
        _check_order_id(order_id)
        with self._lock:
            self._check_open()
            self._commit(order_id)

    # The methods below run under the lock (or during replay, before the ledger is shared).

    def _reserve(self, order_id: str, rows: np.ndarray, qty: np.ndarray) -> Reservation:
        existing = self._orders.get(order_id)
        if existing is not None:
            return _same_lines(existing, rows, qty)
        short = np.flatnonzero(self._available[rows] < qty)
        if len(short):
            row, asked = int(rows[short[0]]), int(qty[short[0]])
            raise ReservationError(
                f"order {show(order_id)}: row {row} has {int(self._available[row]):,} available, "
                f"{asked:,} asked; nothing was reserved"
            )
        self._log("reserve", order_id, {"rows": rows.tolist(), "qty": qty.tolist()})
        self._available[rows] -= qty
        reservation = Reservation(order_id, rows, qty, "reserved")
        self._orders[order_id] = reservation
        return reservation

    def _release(self, order_id: str) -> None:
        reservation = self._known(order_id)
        if reservation.state == "released":
            return
        if reservation.state == "committed":
            raise ReservationError(
                f"order {show(order_id)} is committed: its stock has left and cannot be released"
            )
        self._log("release", order_id, {})
        self._available[reservation.rows] += reservation.qty
        self._orders[order_id] = replace(reservation, state="released")

    def _commit(self, order_id: str) -> None:
        reservation = self._known(order_id)
        if reservation.state == "committed":
            return
        if reservation.state == "released":
            raise ReservationError(
                f"order {show(order_id)} was released: reserve its lines again under a new id"
            )
        self._log("commit", order_id, {})
        self._on_hand[reservation.rows] -= reservation.qty
        self._orders[order_id] = replace(reservation, state="committed")

    def _known(self, order_id: str) -> Reservation:
        reservation = self._orders.get(order_id)
        if reservation is None:
            raise UnknownIdError(f"order {show(order_id)} has no reservation")
        return reservation

    def _check_open(self) -> None:
        if self._refusal is not None:
            raise ReservationError(f"{self._refusal}: no reservation can be made or changed")

    def _log(self, kind: str, order_id: str, payload: dict[str, Any]) -> None:
        if self._journal is None:
            return
        key = order_id.encode("utf-8", "surrogatepass")
        text = _JSON.encode(payload).encode("ascii")
        try:
            self._journal.append(kind, key, text)
        except (OSError, JournalError):
            if self._journal.broken is not None:
                # the event may be in the file unapplied, and later events could then
                # disagree with it on replay: refuse changes; reopening replays it, and a
                # client's retry of the same call is idempotent
                self._refusal = f"{self._journal.broken}; reopen the ledger"
            raise

    def _replay(self, path: Path, event: Event) -> None:
        try:
            self._apply_event(event)
        except (TypeError, ValueError, LookupError, RecursionError) as exc:  # numpy's too
            raise JournalError(
                f"{path} table events row seq {event.seq}: cannot replay {event.kind} "
                f"{show(event.key)} {show(event.payload, 120)}: {exc}; the stock snapshot "
                "changed or the journal was altered"
            ) from None

    def _apply_event(self, event: Event) -> None:
        if event.kind not in ("reserve", "release", "commit"):
            raise DataError(f"kind {show(event.kind)} is not reserve, release or commit")
        if event.key is None:
            raise DataError("the event has no order id")
        order_id = event.key.decode("utf-8", "surrogatepass")
        payload = json.loads(event.payload)  # RecursionError when nested too deep
        keys = {"rows", "qty"} if event.kind == "reserve" else set()
        if not isinstance(payload, dict) or set(payload) != keys:
            raise DataError(f"the payload must be a JSON object with keys {sorted(keys)}")
        if event.kind == "reserve":
            lines = _lines(order_id, payload["rows"], payload["qty"], len(self._on_hand))
            self._reserve(order_id, *lines)
        elif event.kind == "release":
            self._release(order_id)
        else:
            self._commit(order_id)


def _check_order_id(order_id: object) -> str:
    if not isinstance(order_id, str):
        raise ColumnTypeError(f"order_id must be a string, got {type(order_id).__name__}")
    return order_id


def _read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


def _as_on_hand(values: Any) -> np.ndarray:
    array = _integer_array(values, "on_hand")
    negative = np.flatnonzero(array < 0)
    if len(negative):
        row = int(negative[0])
        raise DataError(f"on_hand must be >= 0, got {int(array[row])} at row {row}")
    return array.copy()


def _integer_array(values: Any, name: str) -> np.ndarray:
    """``values`` as a fresh-or-borrowed 1-D int64 array; lists, numpy, pyarrow, polars."""
    if isinstance(values, (str, bytes)):
        raise ColumnTypeError(f"{name} must be a sequence of integers, got {show(values)}")
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name} must be a 1-D sequence of integers: {exc}") from None
    if array.ndim != 1:
        raise DataError(f"{name} must be 1-D, got {array.ndim} dimensions")
    if len(array) == 0:
        return np.empty(0, np.int64)  # [] arrives as float64
    if array.dtype.kind not in "iu":
        raise ColumnTypeError(f"{name} must hold integers, got {array.dtype}")
    if array.dtype.kind == "u":
        big = np.flatnonzero(array > _INT64_MAX)
        if len(big):
            position = int(big[0])
            raise DataError(
                f"{name} value {int(array[position])} at position {position} does not fit in int64"
            )
    return array.astype(np.int64, copy=False)


def _lines(order_id: str, rows: Any, qty: Any, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Checked lines of a reservation: rows sorted and distinct, quantities summed, read-only."""
    where = f"order {show(order_id)}"
    rows = _integer_array(rows, "rows")
    qty = _integer_array(qty, "qty")
    if len(rows) == 0:
        raise DataError(f"{where}: a reservation needs at least one line, rows is empty")
    if len(rows) != len(qty):
        raise DataError(f"{where}: rows has {len(rows):,} values but qty has {len(qty):,}")
    outside = np.flatnonzero((rows < 0) | (rows >= n_rows))
    if len(outside):
        position = int(outside[0])
        raise DataError(
            f"{where}: rows[{position}] = {int(rows[position])} is out of range, the ledger has "
            f"{n_rows:,} stock rows"
        )
    not_positive = np.flatnonzero(qty <= 0)
    if len(not_positive):
        position = int(not_positive[0])
        raise DataError(
            f"{where}: qty must be > 0, got {int(qty[position])} at position {position}"
        )
    unique, inverse = np.unique(rows, return_inverse=True)
    if len(rows) * int(qty.max()) > _INT64_MAX:  # summing repeats in int64 could wrap around
        totals = np.zeros(len(unique), object)
        np.add.at(totals, inverse, qty.astype(object))
        if totals.max() > _INT64_MAX:
            row = int(unique[np.argmax(totals > _INT64_MAX)])
            raise DataError(f"{where}: the quantities of row {row} add up past int64")
    summed = np.zeros(len(unique), np.int64)
    np.add.at(summed, inverse, qty)
    return _read_only(unique.astype(np.int64, copy=False)), _read_only(summed)


def _same_lines(existing: Reservation, rows: np.ndarray, qty: np.ndarray) -> Reservation:
    """The existing reservation if a new request repeats it; otherwise why it cannot be made."""
    order = show(existing.order_id)
    if existing.state == "released":
        raise ReservationError(
            f"order {order} was released; order ids are single use: reserve under a new id"
        )
    if not (np.array_equal(existing.rows, rows) and np.array_equal(existing.qty, qty)):
        raise ReservationError(f"order {order} is already {existing.state} with other lines")
    return existing
