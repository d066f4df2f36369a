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
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .._base.ids import OnUnknown
from .._base.kernel_choice import Kernels, check_kernels, kernels_of
from ..errors import MissingTableError, ReservationError
from .ledger import Ledger, Reservation
from .tables import (
    Offer,
    OrderLines,
    Warehouses,
    check_lines,
    check_max_km,
    check_position,
    check_qty,
    encode_lines,
    encode_stock,
    encode_warehouses,
    stock_fingerprint,
)
from .tiers import DeliveryTiers, compile_rules, rule_ranks, tier_columns

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..offers import FillRate
    from .sourcing import SourcingPlan

__all__ = ["Inventory"]

PARALLEL_LINES = 50_000  # lines per thread below which one thread is quicker


class Inventory:
    """Warehouses and stock over a catalogue; build with :meth:`from_tables`.

    Queries are safe to run from many threads; reservations are serialised by the ledger.

    Attributes
    ----------
    catalog : Catalog
    tiers : DeliveryTiers
    warehouse_ids : IdDictionary
        Warehouse id <-> code lookups (codes in ``warehouse_id`` order).
    kernels : {"compiled", "reference"}
        The kernel choice its calls run on (see :meth:`from_tables`).
    """

    def __init__(
        self,
        catalog: Catalog,
        warehouses: Warehouses,
        stock: tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int64]],
        *,
        tiers: DeliveryTiers,
        journal: str | Path | None = None,
        kernels: Kernels | None = None,
    ) -> None:
        self.catalog = catalog
        self.tiers = tiers
        self.kernels = _kernels_for(catalog, kernels)
        self._warehouses = warehouses
        self.warehouse_ids = warehouses.ids
        self._indptr, self._warehouse, on_hand = stock
        self._kernels = kernels_of(__name__, self.kernels)
        fingerprint = (
            "" if journal is None else stock_fingerprint(warehouses, stock, catalog.part_ids)
        )
        self._ledger = Ledger(on_hand, journal=journal, fingerprint=fingerprint)
        part_group, group_indptr, group_part = catalog.numbers.interchange_groups
        self._index = self._kernels.StockIndex(
            self._indptr,
            self._warehouse,
            self._ledger.available,
            warehouses.lat,
            warehouses.lon,
            warehouses.kind,
            part_group,
            group_indptr,
            group_part,
            warehouses.cluster,
        )
        self._part_category = catalog.part_category
        self._rule_kinds, self._rule_max_km, self._category_rules = compile_rules(
            tiers, warehouses.kinds, catalog.category_ids.ids.to_pylist()
        )
        self._rule_rank = rule_ranks(tiers)

    def __repr__(self) -> str:
        return (
            f"<Inventory: {len(self.warehouse_ids):,} warehouses, "
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
        kernels: Kernels | None = None,
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
        kernels : {"compiled", "reference"}, optional
            What the inventory's own calls run on (its warehouse ids, the stock encoding, every
            stock query and the sourcing): the compiled kernels or their pure-Python twins, as
            for ``Catalog.from_tables``. None (the default) follows ``catalog.kernels``; the
            part lookups it asks of the catalogue always run on the catalogue's choice.

        Raises
        ------
        MissingColumnError, ColumnTypeError, DataError
            For a missing column, a wrong type, a null, a blank ``warehouse_id``, an unknown
            ``kind``, a coordinate out of range or a negative quantity (the message names the
            table, column, row and value), or a ``kernels`` that is neither choice.
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
        kernels = _kernels_for(catalog, kernels)
        encoded = encode_warehouses(warehouses, kernels)
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
        from ..catalog import read_table

        root = Path(directory)
        tables: dict[str, Any] = {name: read_table(root, name) for name in ("warehouses", "stock")}
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
        ids = self.warehouse_ids.ids.take(pa.array(self._warehouse[rows]))
        rows = rows[pc.sort_indices(ids).to_numpy()]
        return pa.table(
            {
                "warehouse_id": self.warehouse_ids.decode(self._warehouse[rows]),
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
            warehouse_id=self.warehouse_ids.ids[int(warehouse)].as_py(),
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

    def nearest_stocked_codes(
        self,
        lines: OrderLines,
        *,
        substitutes: bool = True,
        max_km: float | None = None,
        fastest: bool = False,
    ) -> tuple[np.ndarray, ...]:
        """:meth:`nearest_stocked_many` on codes: order lines as arrays in, code arrays out.

        The fast path for callers that hold part codes already (``catalog.part_ids``), as
        :meth:`~yunpei_match.fitment.FitmentIndex.part_codes_many` is for fitment.

        Parameters
        ----------
        lines : OrderLines
            ``lat``, ``lon`` (degrees), ``part`` (part codes; -1 for a line to skip) and ``qty``
            arrays of one length (:class:`yunpei_match.stock.OrderLines`).
        substitutes, max_km, fastest
            As for :meth:`nearest_stocked`.

        Returns
        -------
        tuple of numpy arrays
            ``(warehouse, part, substitute, km, rule)``, one value per line: the warehouse code
            (``warehouse_ids``; -1 where nothing qualifies), the part code shipped, whether it
            is a substitute, the distance and the code of the tier rule that applies (a
            position in ``tiers.rules``, -1 for none: see ``tiers.rule_tiers()``).

        Raises
        ------
        DataError, ColumnTypeError
            For arrays of unequal length, a position, part code or quantity out of range, or
            a negative ``max_km``.

        Examples
        --------
        >>> import numpy as np
        >>> import yunpei_match as ym
        >>> from yunpei_match.stock import OrderLines
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
        >>> lines = OrderLines(lat=np.array([22.9944]), lon=np.array([113.7049]),
        ...                    part=np.array([catalog.part_ids.code("P0100005")], np.int32),
        ...                    qty=np.ones(1, np.int64))
        >>> warehouse, part, substitute, km, rule = inventory.nearest_stocked_codes(lines)
        >>> inventory.tiers.rule_tiers()[0][rule[0]], bool(km[0] < 50)
        ('1-3h', True)
        """
        checked = check_lines(lines, len(self.catalog.part_ids))
        return self._nearest(checked, substitutes, check_max_km(max_km), fastest)

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
                "warehouse_id": self.warehouse_ids.decode_masked(warehouse),
                "part_id": self.catalog.part_ids.decode_masked(part),
                "substitute": pa.array(substitute.astype(bool), mask=missing),
                "km": pa.array(km, mask=missing),
                **tier_columns(self.tiers, rule),
            }
        )

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

        A convenience: calls :func:`yunpei_match.stock.sourcing.source_order` with this
        inventory, which documents the parameters, the algorithm and its guarantee.

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
        """Source many orders at once.

        A convenience: calls :func:`yunpei_match.stock.sourcing.source_orders` with this
        inventory, which documents the options and the result.
        """
        from .sourcing import source_orders

        return source_orders(self, lines, **options)

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
        warehouse, part, qty = self._filled_codes(plan)
        if not len(qty):
            raise ReservationError(f"order {order_id!r}: the plan fills no line")
        rows = self._stock_rows(warehouse, part)
        return self._ledger.reserve(order_id, rows, qty)

    def release(self, order_id: str) -> None:
        """Give a reserved order's stock back: a convenience, :meth:`Ledger.release` here."""
        self._ledger.release(order_id)

    def commit(self, order_id: str) -> None:
        """The reserved order ships: a convenience, :meth:`Ledger.commit` here."""
        self._ledger.commit(order_id)

    def reservation(self, order_id: str) -> Reservation | None:
        """The reservation of an order id, or None: a convenience, :meth:`Ledger.reservation`."""
        return self._ledger.reservation(order_id)

    def close(self) -> None:
        """Close the reservation journal: a convenience, :meth:`Ledger.close` here."""
        self._ledger.close()

    def _filled_codes(self, plan: SourcingPlan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(warehouse code, shipped part code, qty) of every filled line of a plan."""
        filled = plan.lines.filter(pc.field("filled"))
        warehouses = self.warehouse_ids.codes(filled.column("warehouse_id"))
        parts = self.catalog.part_ids.codes(filled.column("shipped_part_id"))
        return warehouses, parts, filled.column("qty").to_numpy().astype(np.int64)

    def _stock_rows(self, warehouse: np.ndarray, part: np.ndarray) -> np.ndarray:
        """Stock row of each (warehouse, part); ReservationError if the part is not there."""
        rows = np.empty(len(part), np.int64)
        for i, (w, p) in enumerate(zip(warehouse.tolist(), part.tolist(), strict=True)):
            lo, hi = int(self._indptr[p]), int(self._indptr[p + 1])
            at = lo + int(np.searchsorted(self._warehouse[lo:hi], w))
            if at >= hi or self._warehouse[at] != w:
                raise ReservationError(
                    f"warehouse {self.warehouse_ids.ids[w].as_py()!r} holds no part "
                    f"{self.catalog.part_ids.ids[p].as_py()!r}"
                )
            rows[i] = at
        return rows

    # -- fill rate ----------------------------------------------------------------------------

    def fill_rate(self, baskets: Any, *, within: str = "next-day", **options: Any) -> FillRate:
        """Share of repair-basket lines this network can deliver.

        A convenience: calls :func:`yunpei_match.offers.fill_rate` with this inventory, which
        documents the baskets, options and result. ``offers`` is a layer above ``stock``, so
        it is imported here, when called, never when this module loads.
        """
        from ..offers import fill_rate

        return fill_rate(self, baskets, within=within, **options)


def _kernels_for(catalog: Catalog, kernels: Kernels | None) -> Kernels:
    """An inventory's kernel choice: its own when given, else its catalogue's."""
    return catalog.kernels if kernels is None else check_kernels(kernels)


# -- for the sourcing of orders (stock.sourcing): the stock package's own access ---------------


def candidates(
    inventory: Inventory, lines: OrderLines, substitutes: bool, max_km: float
) -> tuple[np.ndarray, ...]:
    """Every stock row that could fill each line (``StockIndex.candidates``)."""
    return inventory._index.candidates(
        lines.lat, lines.lon, lines.part, lines.qty, max_km, bool(substitutes)
    )


def tier_rules(
    inventory: Inventory, warehouse: np.ndarray, km: np.ndarray, part: np.ndarray
) -> np.ndarray:
    """The tier rule (int8, -1 = none) of each (warehouse code, km, asked part code);
    a negative warehouse code gives -1. The kernels' rule, computed over arrays."""
    rule = np.full(len(warehouse), -1, np.int8)
    covers = inventory._category_rules[inventory._part_category[np.maximum(part, 0)]]
    kinds = inventory._warehouses.kind
    kind = kinds[np.maximum(warehouse, 0)] if len(kinds) else np.zeros(len(warehouse), np.uint8)
    rules = zip(inventory._rule_kinds, inventory._rule_max_km, strict=True)
    for t, (kinds, max_km) in enumerate(rules):
        applies = (rule < 0) & (warehouse >= 0) & (km <= max_km)
        applies &= ((covers >> t) & 1).astype(bool) & ((int(kinds) >> kind) & 1).astype(bool)
        rule[applies] = t
    return rule


def available(inventory: Inventory) -> npt.NDArray[np.int64]:
    """Units of each stock row not reserved (the ledger's live view)."""
    return inventory._ledger.available


def stock_kernels(inventory: Inventory) -> ModuleType:
    """The stock kernels the inventory runs (``from_tables(kernels=)``)."""
    return inventory._kernels
