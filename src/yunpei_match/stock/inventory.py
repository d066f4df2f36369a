"""Stock in a warehouse network: nearest stocked warehouse, substitutes, tiers, reservations.

An :class:`Inventory` joins a catalogue to warehouses and their stock. Stock is held as a CSR
``part -> (warehouse, qty)`` (see ``_stock.pyx``): a query visits only the few warehouses that
hold the part, measures their great-circle distance to the shop (haversine, R = 6371.0088 km)
and keeps the nearest that holds enough. When no warehouse holds the part itself, the other
parts of its interchange group (``catalog.numbers``) are searched and the answer is marked as a
substitute. Each answer carries the delivery tier its warehouse can promise
(:mod:`yunpei_match.stock.tiers`).

Quantities that can still be promised live in a reservation ledger
(:mod:`yunpei_match.stock.ledger`): :meth:`Inventory.reserve` takes a sourcing plan's lines all or
nothing, :meth:`~Inventory.commit` lets the stock leave, :meth:`~Inventory.release` gives it
back. Queries see reserved stock as gone. Given a journal path, every change is written ahead
to disk, so a restarted process loses nothing and applies nothing twice.

Examples
--------
>>> import yunpei_match as ym
>>> catalog = ym.Catalog.from_parquet("data/samples")
>>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
>>> offer = inventory.nearest_stocked("P0100005", 22.9944, 113.7049)  # a shop in Dongguan
>>> offer.tier, offer.km < 50
('1-3h', True)
"""

from __future__ import annotations

import itertools
import os
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .._base.ids import OnUnknown
from ..errors import MissingTableError, ReservationError
from . import _kernels as _stock
from .ledger import Ledger, Reservation
from .tables import (
    OrderLines,
    Warehouses,
    check_max_km,
    check_position,
    check_qty,
    encode_lines,
    encode_stock,
    encode_warehouses,
)
from .tiers import DeliveryTiers

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..offers import FillRate
    from .sourcing import SourcingPlan

__all__ = ["Inventory", "Offer"]

PARALLEL_LINES = 50_000  # lines per thread below which one thread is quicker


@dataclass(frozen=True)
class Offer:
    """Where one order line ships from.

    Attributes
    ----------
    warehouse_id : str
    part_id : str
        The part shipped: the one asked for, or an interchangeable one.
    substitute : bool
        True when ``part_id`` is not the part asked for but one of its interchange group.
    km : float
        Great-circle distance from the warehouse to the shop.
    tier : str or None
        The delivery tier the warehouse promises at that distance (None when no rule applies).
    hours : float or None
        The tier's promise in hours.
    """

    warehouse_id: str
    part_id: str
    substitute: bool
    km: float
    tier: str | None
    hours: float | None


class Inventory:
    """Warehouses and stock over a catalogue; build with :meth:`from_tables`.

    Queries are safe to run from many threads; reservations are serialised by the ledger.
    """

    def __init__(
        self,
        catalog: Catalog,
        warehouses: Warehouses,
        stock: tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int64]],
        *,
        tiers: DeliveryTiers,
        journal: str | Path | None = None,
        kernels: ModuleType = _stock,
    ) -> None:
        self.catalog = catalog
        self.tiers = tiers
        self._warehouses = warehouses
        self._indptr, self._warehouse, on_hand = stock
        self._kernels = kernels
        fingerprint = _fingerprint(warehouses, stock, catalog) if journal is not None else ""
        self._ledger = Ledger(on_hand, journal=journal, fingerprint=fingerprint)
        numbers = catalog._numbers
        self._index = kernels.StockIndex(
            self._indptr,
            self._warehouse,
            self._ledger.available,
            warehouses.lat,
            warehouses.lon,
            warehouses.kind,
            numbers.part_group,
            numbers.group_indptr,
            numbers.group_part,
            warehouses.cluster,
        )
        self._part_category = catalog._links.part_category
        self._rule_kinds, self._rule_max_km, self._category_rules = tiers.compile(
            warehouses.kinds, catalog.category_ids.ids.to_pylist()
        )
        names = tiers.names
        self._rule_rank = np.array([names.index(r.tier) for r in tiers.rules], np.int32)

    def __repr__(self) -> str:
        return (
            f"<Inventory: {len(self._warehouses.ids):,} warehouses, "
            f"{len(self._warehouse):,} stock rows>"
        )

    # -- building -----------------------------------------------------------------------------

    @classmethod
    def from_tables(
        cls,
        catalog: Catalog,
        *,
        warehouses: Any,
        stock: Any,
        tiers: DeliveryTiers | None = None,
        journal: str | Path | None = None,
        kernels: ModuleType = _stock,
    ) -> Inventory:
        """Check and encode warehouses and stock for ``catalog``.

        Parameters
        ----------
        catalog : Catalog
            Parts are looked up in it; its interchange groups give the substitutes.
        warehouses : table-like
            ``warehouse_id``, ``lat``, ``lon`` (degrees), optional ``kind`` (``"front"`` or
            ``"central"``, trimmed and case-folded; ``"central"`` when absent), ``name``,
            ``city``, ``province``.
        stock : table-like
            ``warehouse_id``, ``part_id``, ``qty`` (an integer >= 0): one row per
            (warehouse, part).
        tiers : DeliveryTiers, optional
            Delivery rules; :meth:`DeliveryTiers.default` when None.
        journal : str or Path, optional
            Reservation journal: written ahead of every change and replayed here when it
            exists (it must have been written over the same stock).
        kernels : module, optional
            ``yunpei_match.stock._kernels`` (default) or its pure-Python twin,
            ``yunpei_match.stock._kernels_py``.

        Raises
        ------
        MissingColumnError, ColumnTypeError, DataError
            For a missing column, a wrong type, a null, a blank ``warehouse_id``, an unknown
            ``kind``, a coordinate out of range or a negative quantity; the message names the
            table, column, row and value.
        DuplicateIdError
            For a repeated warehouse id or two stock rows of one (warehouse, part).
        UnknownIdError
            For stock naming a warehouse or part that does not exist.
        JournalError
            If the journal is corrupt or was written over other stock.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> ym.Inventory.from_tables(
        ...     catalog,
        ...     warehouses={"warehouse_id": ["SZ"], "lat": [22.54], "lon": [114.06],
        ...                 "kind": ["front"]},
        ...     stock={"warehouse_id": ["SZ"], "part_id": ["P0100001"], "qty": [5]})
        <Inventory: 1 warehouses, 1 stock rows>
        """
        encoded = encode_warehouses(warehouses, catalog._kernels)
        rows = encode_stock(stock, encoded.ids, catalog.part_ids, kernels)
        tiers = DeliveryTiers.default() if tiers is None else tiers
        return cls(catalog, encoded, rows, tiers=tiers, journal=journal, kernels=kernels)

    @classmethod
    def from_parquet(cls, catalog: Catalog, directory: str | Path, **options: Any) -> Inventory:
        """Build from ``warehouses.parquet`` and ``stock.parquet`` (files or dataset folders).

        Raises
        ------
        MissingTableError
            If either table is missing.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> ym.Inventory.from_parquet(catalog, "data/samples")  # doctest: +ELLIPSIS
        <Inventory: ... warehouses, ... stock rows>
        """
        from ..catalog.catalog import _read_table

        root = Path(directory)
        tables: dict[str, Any] = {name: _read_table(root, name) for name in ("warehouses", "stock")}
        for name, table in tables.items():
            if table is None:
                raise MissingTableError(
                    f"{name} table not found: expected {root / name}.parquet or {root / name}/"
                )
        return cls.from_tables(catalog, **tables, **options)

    # -- what is where ------------------------------------------------------------------------

    @cached_property
    def warehouses(self) -> pa.Table:
        """The warehouses, sorted by ``warehouse_id``, with ``kind`` filled in."""
        table = self._warehouses.table
        return table.take(pc.sort_indices(table, [("warehouse_id", "ascending")]))

    def stock_of(self, part_id: str) -> pa.Table:
        """Where a part is, by ``warehouse_id``: ``on_hand`` and ``available`` (not reserved).

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
        >>> inventory.stock_of("P0100001").column_names
        ['warehouse_id', 'on_hand', 'available']
        """
        part = self.catalog.part_ids.code(part_id)
        rows = np.arange(self._indptr[part], self._indptr[part + 1])
        ids = self._warehouses.ids.ids.take(pa.array(self._warehouse[rows]))
        rows = rows[pc.sort_indices(ids).to_numpy()]
        return pa.table(
            {
                "warehouse_id": self._warehouses.ids.decode(self._warehouse[rows]),
                "on_hand": self._ledger.on_hand[rows],
                "available": self._ledger.available[rows],
            }
        )

    # -- nearest stocked ----------------------------------------------------------------------

    def nearest_stocked(
        self,
        part_id: str,
        lat: float,
        lon: float,
        *,
        qty: int = 1,
        substitutes: bool = True,
        max_km: float | None = None,
        fastest: bool = False,
    ) -> Offer | None:
        """The nearest warehouse holding ``qty`` of a part (or of an interchangeable one).

        Parameters
        ----------
        part_id : str
        lat, lon : float
            The shop, in degrees.
        qty : int, default 1
            A warehouse must hold at least this many (not reserved).
        substitutes : bool, default True
            When no warehouse holds the part itself, search the other parts of its
            interchange group; the offer is then marked ``substitute``.
        max_km : float, optional
            Ignore warehouses farther than this.
        fastest : bool, default False
            Rank warehouses by delivery tier first, then distance (a front warehouse at 30 km
            promising 1-3 h beats a distribution centre at 10 km promising next day).

        Returns
        -------
        Offer or None
            None when nothing qualifies. Of warehouses at the same place (a tie in distance),
            the lower ``warehouse_id`` ships.

        Raises
        ------
        UnknownIdError
            If the catalogue has no such part.
        DataError, ColumnTypeError
            For a position out of range, ``qty`` < 1 or a negative ``max_km``.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
        >>> inventory.nearest_stocked("P0100001", 39.9042, 116.4074).warehouse_id[:5]
        'WH-BJ'
        """
        lat, lon = check_position(lat, lon)
        lines = OrderLines(
            lat=np.array([lat]),
            lon=np.array([lon]),
            part=np.array([self.catalog.part_ids.code(part_id)], np.int32),
            qty=np.array([check_qty(qty)], np.int64),
        )
        found = self._nearest(lines, substitutes, check_max_km(max_km), fastest)
        if found[0][0] < 0:
            return None
        warehouse, part, substitute, km, rule = (column[0] for column in found)
        names, hours = self.tiers.rule_tiers()
        return Offer(
            warehouse_id=self._warehouses.ids.ids[int(warehouse)].as_py(),
            part_id=self.catalog.part_ids.ids[int(part)].as_py(),
            substitute=bool(substitute),
            km=float(km),
            tier=names[rule] if rule >= 0 else None,
            hours=hours[rule] if rule >= 0 else None,
        )

    def nearest_stocked_many(
        self,
        lines: Any,
        *,
        substitutes: bool = True,
        max_km: float | None = None,
        fastest: bool = False,
        on_unknown: OnUnknown = "raise",
    ) -> pa.Table:
        """:meth:`nearest_stocked` for every line of an order-line table.

        Parameters
        ----------
        lines : table-like
            ``lat``, ``lon``, ``part_id`` and optional ``qty`` (default 1).
        substitutes, max_km, fastest
            As for :meth:`nearest_stocked`.
        on_unknown : {"raise", "skip"}
            An unknown part raises ``UnknownIdError``, or gives a row of nulls.

        Returns
        -------
        pyarrow.Table
            One row per line, in order: ``warehouse_id``, ``part_id`` (shipped), ``substitute``,
            ``km``, ``tier``, ``hours``; nulls where nothing qualifies.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
        >>> lines = {"lat": [22.9944, 22.9944], "lon": [113.7049, 113.7049],
        ...          "part_id": ["P0100005", "P0100005"], "qty": [1, 10**9]}
        >>> inventory.nearest_stocked_many(lines).column("tier").to_pylist()
        ['1-3h', None]
        """
        encoded = encode_lines(lines, self.catalog.part_ids, "lines", on_unknown=on_unknown)
        found = self._nearest(encoded, substitutes, check_max_km(max_km), fastest)
        return self._offer_table(*found)

    def _nearest(
        self, lines: OrderLines, substitutes: bool, max_km: float, fastest: bool
    ) -> tuple[np.ndarray, ...]:
        """Run the kernel: (warehouse, part, substitute, km, rule) arrays, -1 where none.

        Big batches are cut in one slice per core, run on threads: the kernel releases the GIL
        and is bound by memory latency, which two cores hide twice as well as one.
        """
        rules = self._category_rules[self._part_category[np.maximum(lines.part, 0)]]
        columns = (lines.lat, lines.lon, lines.part, lines.qty, rules.astype(np.uint32))
        options = (
            self._rule_kinds,
            self._rule_max_km,
            self._rule_rank,
            max_km,
            bool(substitutes),
            bool(fastest),
        )

        def run(part: slice) -> tuple[np.ndarray, ...]:
            return self._index.nearest(*(column[part] for column in columns), *options)

        workers = min(os.cpu_count() or 1, len(lines) // PARALLEL_LINES)
        if workers <= 1:
            return run(slice(None))
        bounds = np.linspace(0, len(lines), workers + 1).astype(int)
        with ThreadPoolExecutor(workers) as pool:
            pieces = list(pool.map(run, [slice(a, b) for a, b in itertools.pairwise(bounds)]))
        return tuple(np.concatenate(column) for column in zip(*pieces, strict=True))

    def _offer_table(
        self,
        warehouse: np.ndarray,
        part: np.ndarray,
        substitute: np.ndarray,
        km: np.ndarray,
        rule: np.ndarray,
    ) -> pa.Table:
        missing = warehouse < 0
        return pa.table(
            {
                "warehouse_id": self._warehouses.ids.decode_masked(warehouse),
                "part_id": self.catalog.part_ids.decode_masked(part),
                "substitute": pa.array(substitute.astype(bool), mask=missing),
                "km": pa.array(km, mask=missing),
                **self.tier_columns(rule),
            }
        )

    def tier_columns(self, rule: np.ndarray) -> dict[str, pa.Array]:
        """``tier`` (dictionary) and ``hours`` columns of kernel rule codes (-1 = null)."""
        names, hours = self.tiers.rule_tiers()
        codes = pa.array(rule.astype(np.int32), mask=rule < 0)
        return {
            "tier": pa.DictionaryArray.from_arrays(codes, pa.array(names, pa.string())),
            "hours": pa.array(np.asarray([*hours, np.nan])[rule], mask=rule < 0),
        }

    # -- orders -------------------------------------------------------------------------------

    def source_order(
        self,
        lines: Any,
        lat: float,
        lon: float,
        *,
        max_shipments: int | None = None,
        substitutes: bool = True,
        max_km: float | None = None,
        within: str | None = None,
    ) -> SourcingPlan:
        """Source a whole order: the fewest shipments, then substitutes, then total distance.

        See :func:`yunpei_match.stock.sourcing.source_order` for the algorithm and its guarantee.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
        >>> plan = inventory.source_order({"part_id": ["P0100001", "P0200001"]}, 22.94, 113.64)
        >>> plan.fill_rate
        1.0
        """
        from .sourcing import source_order

        return source_order(
            self,
            lines,
            lat,
            lon,
            max_shipments=max_shipments,
            substitutes=substitutes,
            max_km=max_km,
            within=within,
        )

    def source_orders(self, lines: Any, **options: Any) -> pa.Table:
        """Source many orders at once; see :func:`yunpei_match.stock.sourcing.source_orders`."""
        from .sourcing import source_orders

        return source_orders(self, lines, **options)

    def candidates(
        self, lines: OrderLines, substitutes: bool, max_km: float
    ) -> tuple[np.ndarray, ...]:
        """Every stock row that could fill each line (``StockIndex.candidates``)."""
        return self._index.candidates(
            lines.lat, lines.lon, lines.part, lines.qty, max_km, bool(substitutes)
        )

    def tier_rules(self, warehouse: np.ndarray, km: np.ndarray, part: np.ndarray) -> np.ndarray:
        """The tier rule (int8, -1 = none) of each (warehouse code, km, asked part code);
        a negative warehouse code gives -1. The kernels' rule, computed over arrays."""
        rule = np.full(len(warehouse), -1, np.int8)
        covers = self._category_rules[self._part_category[np.maximum(part, 0)]]
        kinds = self._warehouses.kind
        kind = kinds[np.maximum(warehouse, 0)] if len(kinds) else np.zeros(len(warehouse), np.uint8)
        for t, (kinds, max_km) in enumerate(zip(self._rule_kinds, self._rule_max_km, strict=True)):
            applies = (rule < 0) & (warehouse >= 0) & (km <= max_km)
            applies &= ((covers >> t) & 1).astype(bool) & ((int(kinds) >> kind) & 1).astype(bool)
            rule[applies] = t
        return rule

    # -- reservations -------------------------------------------------------------------------

    def reserve(self, order_id: str, plan: SourcingPlan) -> Reservation:
        """Reserve every filled line of a plan, or none of them.

        Idempotent: reserving an order id again returns its reservation unchanged.

        Raises
        ------
        ReservationError
            If a line no longer has the stock (someone else reserved it first; nothing is
            reserved then), the plan fills no line, or the order id was released.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
        >>> plan = inventory.source_order({"part_id": ["P0100001"]}, 22.94, 113.64)
        >>> inventory.reserve("A-1001", plan).state
        'reserved'
        >>> inventory.commit("A-1001")
        """
        warehouse, part, qty = plan.filled_codes(self)
        if not len(qty):
            raise ReservationError(f"order {order_id!r}: the plan fills no line")
        rows = self._stock_rows(warehouse, part)
        return self._ledger.reserve(order_id, rows, qty)

    def release(self, order_id: str) -> None:
        """Give a reserved order's stock back (see :meth:`Ledger.release`)."""
        self._ledger.release(order_id)

    def commit(self, order_id: str) -> None:
        """The reserved order ships: its stock leaves (see :meth:`Ledger.commit`)."""
        self._ledger.commit(order_id)

    def reservation(self, order_id: str) -> Reservation | None:
        """The reservation of an order id, or None."""
        return self._ledger.reservation(order_id)

    def close(self) -> None:
        """Close the reservation journal."""
        self._ledger.close()

    def _stock_rows(self, warehouse: np.ndarray, part: np.ndarray) -> np.ndarray:
        """Stock row of each (warehouse, part); ReservationError if the part is not there."""
        rows = np.empty(len(part), np.int64)
        for i, (w, p) in enumerate(zip(warehouse.tolist(), part.tolist(), strict=True)):
            lo, hi = int(self._indptr[p]), int(self._indptr[p + 1])
            at = lo + int(np.searchsorted(self._warehouse[lo:hi], w))
            if at >= hi or self._warehouse[at] != w:
                raise ReservationError(
                    f"warehouse {self._warehouses.ids.ids[w].as_py()!r} holds no part "
                    f"{self.catalog.part_ids.ids[p].as_py()!r}"
                )
            rows[i] = at
        return rows

    # -- fill rate ----------------------------------------------------------------------------

    def fill_rate(self, baskets: Any, *, within: str = "next-day", **options: Any) -> FillRate:
        """Share of repair-basket lines this network can deliver; see
        :func:`yunpei_match.offers.fill_rate`."""
        from ..offers import fill_rate

        return fill_rate(self, baskets, within=within, **options)


def _fingerprint(warehouses: Warehouses, stock: tuple[np.ndarray, ...], catalog: Catalog) -> str:
    """CRC-32 of the stock a journal is written over: ids, rows and quantities."""
    crc = 0
    for array in stock:
        crc = zlib.crc32(np.ascontiguousarray(array).view(np.uint8).data, crc)
    for ids in (warehouses.ids.ids, catalog.part_ids.ids):
        for buffer in ids.buffers()[1:]:
            crc = zlib.crc32(buffer, crc)
    return f"{crc:08x}"
