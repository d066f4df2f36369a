"""Stock jobs: nearest stocked warehouse per line, whole-order sourcing, offers per request.

Sourcing needs every line of an order in one call, but batches are cut by row count. The
sourcing job therefore requires its input grouped by ``order_id`` (all lines of an order next to
each other, as in a file sorted by it) and holds the last order of each batch back until the
next batch shows it complete. It checks the grouping rather than trusting it: inside each
batch exactly, and across batches against 64-bit hashes of the orders already sourced (8 bytes
an order), so an order split in two never gets two plans.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from .._base.tables import as_table
from ..errors import DataError
from ..offers import check_limit, offers_many
from ..stock import MAX_NODES, MAX_QTY, check_max_km, check_max_shipments
from ._checks import Verdicts, blank_mask, check_ids, float_values, null_mask, positions, quantities
from ._jobs import categories, request_vehicles
from ._runner import Job

if TYPE_CHECKING:
    from ..stock import Inventory

__all__ = ["NearestStockedJob", "OffersJob", "SourcingJob"]

LINE_KINDS = {"part_id": "string", "lat": "number", "lon": "number", "qty": "integer"}


def check_lines(inventory: Inventory, table: pa.Table, verdicts: Verdicts) -> None:
    """Reject order lines with a missing, blank or unknown part, a bad position or quantity."""
    parts = check_ids(table, "part_id", verdicts)
    codes = inventory.catalog.part_ids.codes(parts, on_unknown="skip")
    verdicts.reject(codes < 0, "unknown part_id")
    positions(table, verdicts)
    quantities(table, verdicts, most=MAX_QTY)


def _line_columns(table: pa.Table) -> list[str]:
    return [name for name in ("lat", "lon", "part_id", "qty") if name in table.column_names]


class NearestStockedJob(Job):
    """The nearest warehouse holding each line's part (or an interchangeable one)
    (:meth:`Inventory.nearest_stocked_many <yunpei_match.Inventory.nearest_stocked_many>`).

    Input: ``part_id``, ``lat``, ``lon``, optional ``qty`` (default 1) and ``request_id``.
    Output: one row per accepted line: ``row``, ``request_id``, ``warehouse_id``, ``part_id``
    (shipped), ``substitute``, ``km``, ``tier``, ``hours``; nulls where nothing qualifies.
    Rejects: a missing, blank or unknown part, a missing or out-of-range position, a
    quantity missing, below 1 or beyond 2**62.

    Parameters
    ----------
    inventory : Inventory
    substitutes, max_km, fastest
        As for ``nearest_stocked_many``.
    keep : sequence of str, optional
        Request columns copied to the results (:class:`Job`); by default the id-like ones.

    Examples
    --------
    >>> import pyarrow as pa, yunpei_match as ym
    >>> catalog = ym.Catalog.from_parquet("data/samples")
    >>> job = NearestStockedJob(ym.Inventory.from_parquet(catalog, "data/samples"))
    >>> lines = pa.table({"part_id": ["P0100005", "P0100005"], "lat": [22.9944, 95.0],
    ...                   "lon": [113.7049, 113.7049]})
    >>> results, rejects = job.process(lines, 0)
    >>> results.column("tier").to_pylist(), rejects.column("reason").to_pylist()
    (['1-3h'], ['lat out of range'])
    """

    name = "nearest"
    table = "lines"
    required = ("part_id", "lat", "lon")
    kinds: ClassVar[dict[str, str]] = LINE_KINDS
    output_columns = ("warehouse_id", "part_id", "substitute", "km", "tier", "hours")
    dictionary_columns = ("part_id",)

    def __init__(
        self,
        inventory: Inventory,
        *,
        substitutes: bool = True,
        max_km: float | None = None,
        fastest: bool = False,
        keep: Sequence[str] | None = None,
    ) -> None:
        super().__init__(keep=keep)
        check_max_km(max_km)
        self.inventory = inventory
        self.options: dict[str, Any] = {
            "substitutes": substitutes,
            "max_km": max_km,
            "fastest": fastest,
        }

    def _answer(self, table: pa.Table, rows: np.ndarray) -> tuple[pa.Table, pa.Table]:
        verdicts = Verdicts(table.num_rows)
        check_lines(self.inventory, table, verdicts)
        ok = np.flatnonzero(verdicts.accepted)
        lines = table.select(_line_columns(table)).take(ok)
        found = self.inventory.nearest_stocked_many(lines, **self.options)
        columns = {name: found.column(name) for name in found.column_names}
        return self.results(table, rows, ok, columns), self.rejects(table, rows, verdicts)


class OffersJob(Job):
    """Parts that fit each request's vehicle or VIN in a category, in stock near its shop,
    best first (:func:`yunpei_match.offers.offers_many`).

    Input: ``vehicle_id`` and/or ``vin`` (a null ``vehicle_id`` falls back to the VIN),
    ``category``, ``lat``, ``lon``, optional ``qty`` and ``request_id``. Output: ``row``,
    ``request_id``, ``part_id``, ``brand``, ``part_number``, ``warehouse_id``, ``km``,
    ``tier``, ``hours``, ``substitute``; a request with nothing in stock is answered empty.
    Rejects: as :class:`FitmentJob` (VINs under the Chinese rules), plus a missing category,
    a bad position or quantity.

    Parameters
    ----------
    inventory : Inventory
    limit : int or None, default 10
        At most this many offers a request.
    substitutes : bool, default True
    keep : sequence of str, optional
        Request columns copied to the results (:class:`Job`); by default the id-like ones.

    Examples
    --------
    >>> import pyarrow as pa, yunpei_match as ym
    >>> catalog = ym.Catalog.from_parquet("data/samples")
    >>> job = OffersJob(ym.Inventory.from_parquet(catalog, "data/samples"), limit=1)
    >>> requests = pa.table({"vehicle_id": ["V070010", "V070010"],
    ...                      "category": ["brake pads", None], "lat": [31.23, 31.23],
    ...                      "lon": [121.47, 121.47]})
    >>> results, rejects = job.process(requests, 0)
    >>> results.num_rows, rejects.column("reason").to_pylist()
    (1, ['missing category'])
    """

    name = "offers"
    required = ("category", "lat", "lon")
    any_of = ("vehicle_id", "vin")
    kinds: ClassVar[dict[str, str]] = {
        "vehicle_id": "string",
        "vin": "string",
        "category": "string",
        **LINE_KINDS,
    }
    output_columns = (
        "part_id",
        "brand",
        "part_number",
        "warehouse_id",
        "km",
        "tier",
        "hours",
        "substitute",
    )
    dictionary_columns = ("vehicle_id", "category")

    def __init__(
        self,
        inventory: Inventory,
        *,
        limit: int | None = 10,
        substitutes: bool = True,
        keep: Sequence[str] | None = None,
    ) -> None:
        super().__init__(keep=keep)
        self.inventory = inventory
        self.limit, self.substitutes = check_limit(limit), bool(substitutes)

    def _answer(self, table: pa.Table, rows: np.ndarray) -> tuple[pa.Table, pa.Table]:
        verdicts = Verdicts(table.num_rows)
        catalog = self.inventory.catalog
        request_vehicles(catalog, table, verdicts, "cn")  # offers_many reads VINs the Chinese way
        categories(catalog, table, verdicts, required=True)
        positions(table, verdicts)
        quantities(table, verdicts, most=MAX_QTY)
        ok = np.flatnonzero(verdicts.accepted)
        names = ("vehicle_id", "vin", "category", "lat", "lon", "qty")
        requests = table.select([n for n in names if n in table.column_names]).take(ok)
        found = offers_many(
            catalog,
            requests,
            inventory=self.inventory,
            limit=self.limit,
            substitutes=self.substitutes,
        )
        local = ok[found.column("request_index").to_numpy()]
        columns = {name: found.column(name) for name in self.output_columns}
        return self.results(table, rows, local, columns), self.rejects(table, rows, verdicts)


class SeenOrders:
    """64-bit hashes of the orders already sourced, kept as sorted runs merged like a binary
    counter: a lookup is a binary search in each of O(log n) runs, and each hash is merged
    O(log n) times. Two different order ids share a hash with a chance of about n**2 / 2**65
    (3e-6 for 10 M orders); that would be reported as a split order, never sourced wrong.
    """

    def __init__(self) -> None:
        self._runs: list[np.ndarray] = []

    def add(self, hashes: np.ndarray) -> np.ndarray:
        """Which of ``hashes`` were added before; then remember them all."""
        seen = np.zeros(len(hashes), bool)
        for run in self._runs:
            at = np.minimum(np.searchsorted(run, hashes), len(run) - 1)
            seen |= run[at] == hashes
        run = np.unique(hashes)
        if not len(run):
            return seen
        while self._runs and len(self._runs[-1]) <= len(run):
            run = np.union1d(self._runs.pop(), run)
        self._runs.append(run)
        return seen

    def all(self) -> np.ndarray:
        """Every hash added, sorted, once."""
        return np.unique(np.concatenate([np.empty(0, np.uint64), *self._runs]))


def order_hashes(ids: pa.Array) -> np.ndarray:
    """64-bit hashes of order ids (stable within one polars version, across processes)."""
    return pl.Series(ids.cast(pa.string())).hash(seed=0).to_numpy()


class SourcingJob(Job):
    """Source whole orders from the warehouses' stock, in the fewest shipments
    (:func:`yunpei_match.stock.sourcing.source_orders`).

    Input: ``order_id``, ``lat``, ``lon`` (the shop, the same on every line of an order),
    ``part_id``, optional ``qty``, **grouped by** ``order_id``: all lines of an order next to
    each other (a file sorted by ``order_id`` is). An order reappearing after other orders is
    a ``DataError``, raised when it is met. Memory is a few batches plus the largest order.
    Rows without an order id are rejected as they come, so they may precede, in the rejects
    file, the lines of an order that was still waiting for its end.
    Output: one row per line: ``row``, the kept columns, ``order_id``, ``part_id``,
    ``qty``, ``filled``, ``warehouse_id``, ``shipped_part_id``, ``substitute``, ``km``,
    ``tier``, ``hours``, ``optimal``. Rejects: a line as for :class:`NearestStockedJob` or with
    a missing or blank ``order_id``; an order whose lines give different positions (all its
    lines); and the other lines of an order with a rejected line, since sourcing part of an
    order as if it were all of it would give a wrong plan.

    Parameters
    ----------
    inventory : Inventory
    max_shipments, substitutes, max_km, within, max_nodes
        As for ``source_orders``.
    keep : sequence of str, optional
        Request columns copied to the results (:class:`Job`); by default the id-like ones.

    Examples
    --------
    >>> import pyarrow.parquet as pq, yunpei_match as ym
    >>> catalog = ym.Catalog.from_parquet("data/samples")
    >>> job = SourcingJob(ym.Inventory.from_parquet(catalog, "data/samples"))
    >>> orders = pq.read_table("data/samples/orders.parquet")
    >>> first, _ = job.process(orders.slice(0, 100), 0)  # the last order waits for more lines
    >>> rest, _ = job.process(orders.slice(100), 100)
    >>> last, _ = job.finish()  # the end of the input completes the last order
    >>> first.num_rows < 100, first.num_rows + rest.num_rows + last.num_rows == orders.num_rows
    (True, True)
    """

    name = "sourcing"
    table = "orders"
    required = ("order_id", "part_id", "lat", "lon")
    kinds: ClassVar[dict[str, str]] = {"order_id": "string", **LINE_KINDS}
    output_columns = (
        "order_id",
        "part_id",
        "qty",
        "filled",
        "warehouse_id",
        "shipped_part_id",
        "substitute",
        "km",
        "tier",
        "hours",
        "optimal",
    )
    dictionary_columns = ("part_id",)

    def __init__(
        self,
        inventory: Inventory,
        *,
        max_shipments: int | None = None,
        substitutes: bool = True,
        max_km: float | None = None,
        within: str | None = None,
        max_nodes: int = MAX_NODES,
        keep: Sequence[str] | None = None,
    ) -> None:
        super().__init__(keep=keep)
        check_max_shipments(max_shipments)
        check_max_km(max_km)
        if within is not None:
            inventory.tiers.rank(within)  # raises for a tier the rules do not have
        self.inventory = inventory
        self.options = {
            "max_shipments": max_shipments,
            "substitutes": substitutes,
            "max_km": max_km,
            "within": within,
            "max_nodes": max_nodes,
        }
        self._held: tuple[pa.Table, np.ndarray] | None = None
        self._seen = SeenOrders()

    def process(
        self, batch: pa.RecordBatch | pa.Table, first_row: int
    ) -> tuple[pa.Table, pa.Table]:
        table = as_table(batch, self.table)  # string views expanded: pyarrow cannot take them
        rows = np.arange(first_row, first_row + table.num_rows, dtype=np.int64)
        if self._held is not None:
            table = pa.concat_tables([self._held[0], table])
            rows = np.concatenate([self._held[1], rows])
        codes, ids = self._orders(table, rows)
        held = _last_order(codes)
        self._held = (table.take(held), rows[held]) if len(held) else None
        now = np.setdiff1d(np.arange(len(rows)), held, assume_unique=True)
        return self._complete(table.take(now), rows[now], codes[now], ids)

    def finish(self) -> tuple[pa.Table, pa.Table] | None:
        if self._held is None:
            return None
        table, rows = self._held
        self._held = None
        codes, ids = self._orders(table, rows)
        return self._complete(table, rows, codes, ids)

    def order_hashes(self) -> np.ndarray:
        """Hashes of every order sourced so far (for the Dask job's check across files)."""
        return self._seen.all()

    def _orders(self, table: pa.Table, rows: np.ndarray) -> tuple[np.ndarray, pa.Array]:
        """Order code per line (-1 for a null or blank id) and the ids; raises if an order
        reappears after another."""
        column = table.column("order_id")
        usable = ~(null_mask(column) | blank_mask(column))
        encoded = pc.dictionary_encode(column.cast(pa.string())).combine_chunks()
        codes = encoded.indices.fill_null(-1).to_numpy().astype(np.int64)
        codes[~usable] = -1
        _check_grouped(codes, encoded.dictionary, rows)
        return codes, encoded.dictionary

    def _complete(
        self, table: pa.Table, rows: np.ndarray, codes: np.ndarray, ids: pa.Array
    ) -> tuple[pa.Table, pa.Table]:
        """Check complete orders against those already sourced, then answer them."""
        orders, first = np.unique(codes[codes >= 0], return_index=True)
        if len(orders):
            again = self._seen.add(order_hashes(ids.take(pa.array(orders))))
            if again.any():
                k = int(np.argmax(again))
                row = int(rows[codes >= 0][first[k]])
                raise DataError(_split_order_message(ids[int(orders[k])].as_py(), row))
        return self._plan(table, rows, codes)

    def _answer(self, table: pa.Table, rows: np.ndarray) -> tuple[pa.Table, pa.Table]:
        return self._plan(table, rows, self._orders(table, rows)[0])

    def _plan(
        self, table: pa.Table, rows: np.ndarray, codes: np.ndarray
    ) -> tuple[pa.Table, pa.Table]:
        """Reject bad lines and orders, source the rest (complete orders only)."""
        verdicts = Verdicts(table.num_rows)
        check_ids(table, "order_id", verdicts)
        check_lines(self.inventory, table, verdicts)
        _check_orders(table, codes, verdicts)
        ok = np.flatnonzero(verdicts.accepted)
        lines = table.select(["order_id", *_line_columns(table)]).take(ok)
        plans = self.inventory.source_orders(lines, **self.options)
        columns = {name: plans.column(name) for name in plans.column_names}
        return self.results(table, rows, ok, columns), self.rejects(table, rows, verdicts)


def _last_order(codes: np.ndarray) -> np.ndarray:
    """Positions of the last order's lines, from its first to its last (rows without an order
    id in between included): what waits for the next batch. Rows without an order id after
    it are not held, so a long run of them never piles up."""
    usable = np.flatnonzero(codes >= 0)
    if not len(usable):
        return usable
    end = int(usable[-1])
    other = np.flatnonzero((codes[:end] >= 0) & (codes[:end] != codes[end]))
    return np.arange(int(other[-1]) + 1 if len(other) else 0, end + 1)


def _check_grouped(codes: np.ndarray, ids: pa.Array, rows: np.ndarray) -> None:
    """Raise DataError naming the first order whose lines are not all together."""
    at = np.flatnonzero(codes >= 0)
    sequence = codes[at]
    starts = np.flatnonzero(np.r_[True, sequence[1:] != sequence[:-1]]) if len(at) else at
    runs = sequence[starts]
    if len(runs) == len(np.unique(runs)):
        return
    order = np.argsort(runs, kind="stable")
    repeated = order[1:][runs[order][1:] == runs[order][:-1]]
    k = int(repeated.min())
    raise DataError(_split_order_message(ids[int(runs[k])].as_py(), int(rows[at[starts[k]]])))


def _split_order_message(order: str, row: int) -> str:
    return (
        f"orders.order_id must be grouped (all lines of an order together): order {order!r} "
        f"appears again at row {row} after other orders; sort the file by order_id"
    )


def _check_orders(table: pa.Table, codes: np.ndarray, verdicts: Verdicts) -> None:
    """Reject orders whose lines give different positions, and every line of an order with a
    rejected line."""
    usable = codes >= 0
    n_orders = int(codes.max(initial=-1)) + 1
    slot = np.where(usable, codes, n_orders)  # lines without an order share a last, unused slot
    lat, lon = (np.nan_to_num(float_values(table.column(n))) for n in ("lat", "lon"))
    fine = usable & verdicts.accepted
    moved = np.zeros(n_orders + 1, bool)
    for values in (lat, lon):
        low = np.full(n_orders + 1, np.inf)
        high = np.full(n_orders + 1, -np.inf)
        np.minimum.at(low, slot[fine], values[fine])
        np.maximum.at(high, slot[fine], values[fine])
        moved |= (high > low) & np.isfinite(low)
    verdicts.reject(usable & moved[slot], "lat/lon differ between the order's lines")
    bad = np.zeros(n_orders + 1, bool)
    bad[slot[usable & ~verdicts.accepted]] = True
    verdicts.reject(usable & bad[slot], "another line of the order is rejected")
