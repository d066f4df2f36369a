"""Sourcing whole orders: which warehouses ship which lines, in as few shipments as possible.

The problem
-----------
An order is a list of lines (part, qty) and a shop. A warehouse *can fill* a line when it holds
the quantity (not reserved) of the part itself or, with ``substitutes``, of a part of its
interchange group. Lines naming the same part are sourced together (their quantities add up).
A plan picks a set of warehouses (the *shipments*) and gives each line one of them. The goal,
in this order:

1. fill every line that any warehouse can fill;
2. with the fewest shipments (a repair shop receives, checks and pays for each one);
3. with the fewest lines shipped as substitutes (the shop asked for that brand);
4. with the shortest total distance, summed over the shipments (each shipment travels once).

``within`` restricts the warehouses to those promising that delivery tier or a faster one (for
a shop that needs the parts in 1-3 hours, a next-day warehouse is no candidate at all).

Inside a plan a line ships the part itself when a chosen warehouse has it, else the nearest
substitute; then from the nearest chosen warehouse.

The algorithm
-------------
This is set cover: small for one order, hard in general. As order-routing engines do
(Salesforce's ``findRoutesWithFewestSplits``: single locations, then pairs, then triples...), we
search exactly for covers of size 1, 2, 3... by branch and bound: branch on the unfilled line
with the fewest candidate warehouses (one of them must ship it), prune a branch whose distance
already exceeds the best cover of this size, or whose remaining lines cannot be covered by the
shipments left. The first size with a cover is the fewest shipments, and the search keeps the
cover with the fewest substitutes, then the least total distance (ties: the smaller warehouse
codes). An order's lines are bits of masks of 64-bit words, so orders of any size are
searched the same way. Kernels, each over all orders at once with the GIL released, drop the
warehouses a nearer one makes redundant, search the covers, and give the lines to the
warehouses chosen.
The search stops after ``max_nodes`` branches; the plan is then the greedy cover (repeatedly
the warehouse filling the most open lines, nearest first), which uses at most
``H(n) ~ ln n + 1`` times the fewest shipments, and is marked ``optimal=False``.

``max_shipments`` caps the plan: when no cover of that many warehouses exists, the greedy picks
that many warehouses filling as many lines as it can (at least ``1 - 1/e`` of the most that
could be filled) and the others are reported unfilled.

Guarantee: when ``plan.optimal`` is true, no plan fills as many lines with fewer shipments, no
plan with as many shipments ships fewer substitutes, and no plan equal in both travels a shorter
total distance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .._base.tables import as_table, require_columns, string_column
from ..errors import ColumnTypeError, DataError
from .inventory import Inventory, available, candidates, stock_kernels, tier_rules
from .tables import OrderLines, check_max_km, check_position, encode_lines
from .tiers import rule_ranks, tier_columns

__all__ = ["SourcingPlan", "source_order", "source_orders"]

MAX_NODES = 20_000  # branches of the exact search per order before falling back to greedy
# More shipments or branches than any order can use, and within the kernels' int64: a larger
# cap or budget means the same.
_UNLIMITED = 1 << 62


@dataclass(frozen=True)
class SourcingPlan:
    """How an order ships.

    Attributes
    ----------
    lines : pyarrow.Table
        One row per order line, in order: ``line``, ``part_id`` (asked), ``qty``, ``filled``,
        ``warehouse_id``, ``shipped_part_id``, ``substitute``, ``km``, ``tier``, ``hours``
        (nulls for a line no warehouse can fill).
    shipments : pyarrow.Table
        One row per warehouse shipping: ``warehouse_id``, ``km``, ``lines`` (how many),
        ``tier`` and ``hours`` (the slowest of its lines).
    optimal : bool
        Whether the exact search proved the plan best (see the module docstring).
    """

    lines: pa.Table
    shipments: pa.Table
    optimal: bool

    @property
    def fill_rate(self) -> float:
        """Share of the order's lines the plan fills."""
        filled = self.lines.column("filled").to_numpy(zero_copy_only=False)
        return float(filled.mean()) if len(filled) else 1.0

    @property
    def n_shipments(self) -> int:
        return self.shipments.num_rows

    @property
    def total_km(self) -> float:
        """Distance summed over the shipments."""
        return float(pc.sum(self.shipments.column("km")).as_py() or 0.0)

    @property
    def unfilled(self) -> list[int]:
        """Positions of the lines no shipment fills."""
        filled = self.lines.column("filled").to_numpy(zero_copy_only=False)
        return np.flatnonzero(~filled).tolist()


def source_order(
    inventory: Inventory,
    lines: Any,
    lat: float,
    lon: float,
    *,
    max_shipments: int | None = None,
    substitutes: bool = True,
    max_km: float | None = None,
    within: str | None = None,
) -> SourcingPlan:
    """Source one order for a shop at (``lat``, ``lon``); see the module docstring.

    Parameters
    ----------
    inventory : Inventory
    lines : table-like
        ``part_id`` and optional ``qty`` (default 1).
    lat, lon : float
        The shop, in degrees.
    max_shipments : int, optional
        At most this many warehouses.
    substitutes : bool, default True
        Let interchangeable parts fill a line.
    max_km : float, optional
        Ignore warehouses farther than this.
    within : str, optional
        Only warehouses promising this delivery tier or a faster one (a tier name of the
        inventory's rules).

    Returns
    -------
    SourcingPlan

    Raises
    ------
    UnknownIdError
        For a part the catalogue does not have.
    DataError, ColumnTypeError
        For an empty order, a bad position, quantity, ``max_shipments`` or ``max_km``.

    Examples
    --------
    >>> import yunpei_match as ym
    >>> catalog = ym.Catalog.from_parquet("data/samples")
    >>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
    >>> plan = inventory.source_order(
    ...     {"part_id": ["P0100001", "P0200001", "P0100002"], "qty": [1, 1, 2]}, 31.23, 121.47)
    >>> plan.n_shipments, plan.fill_rate, plan.optimal
    (1, 1.0, True)
    """
    lat, lon = check_position(lat, lon)
    table = as_table(lines, "lines")
    if not table.num_rows:
        raise DataError("an order needs at least one line")
    result = source_orders(
        inventory,
        table.drop_columns([c for c in ("order_id", "lat", "lon") if c in table.column_names])
        .append_column("order_id", pa.array(["order"] * table.num_rows))
        .append_column("lat", pa.array(np.full(table.num_rows, lat)))
        .append_column("lon", pa.array(np.full(table.num_rows, lon))),
        max_shipments=max_shipments,
        substitutes=substitutes,
        max_km=max_km,
        within=within,
    )
    return _plan(result)


def _plan(result: pa.Table) -> SourcingPlan:
    lines = result.drop_columns(["order_id", "optimal"]).append_column(
        "line", pa.array(np.arange(result.num_rows, dtype=np.int32))
    )
    lines = lines.select(["line", *lines.column_names[:-1]])
    filled = lines.filter(pc.field("filled"))
    warehouse = filled.column("warehouse_id").combine_chunks()
    codes = warehouse.indices.to_numpy()  # warehouse codes: ids in sorted order
    hours = filled.column("hours").to_numpy(zero_copy_only=False)
    slowest = np.lexsort((np.nan_to_num(hours, nan=np.inf), codes))
    last: npt.NDArray[np.intp] = (
        slowest[np.r_[codes[slowest][1:] != codes[slowest][:-1], True]]
        if len(codes)
        else np.empty(0, np.intp)
    )
    km = filled.column("km").to_numpy(zero_copy_only=False)[last]
    shipments = pa.table(
        {
            "warehouse_id": warehouse.take(pa.array(last, pa.int64())),
            "km": pa.array(km, pa.float64()),
            "lines": pa.array(np.bincount(codes)[codes[last]] if len(codes) else [], pa.int64()),
            "tier": filled.column("tier").combine_chunks().take(pa.array(last, pa.int64())),
            "hours": pa.array(hours[last], pa.float64(), from_pandas=True),
        }
    ).take(pa.array(np.lexsort((codes[last], km)) if len(codes) else [], pa.int64()))
    optimal = bool(result.column("optimal")[0].as_py()) if result.num_rows else True
    return SourcingPlan(lines=lines, shipments=shipments, optimal=optimal)


def source_orders(
    inventory: Inventory,
    lines: Any,
    *,
    max_shipments: int | None = None,
    substitutes: bool = True,
    max_km: float | None = None,
    within: str | None = None,
    max_nodes: int = MAX_NODES,
) -> pa.Table:
    """Source many orders: :func:`source_order` for each ``order_id`` of a line table.

    Parameters
    ----------
    lines : table-like
        ``order_id``, ``lat``, ``lon`` (the shop; equal on all lines of an order),
        ``part_id`` and optional ``qty``.
    max_shipments, substitutes, max_km, within
        As for :func:`source_order`.
    max_nodes : int, default 20,000
        Branches of the exact search per order before the greedy cover takes over.

    Returns
    -------
    pyarrow.Table
        One row per line, in input order: ``order_id``, ``part_id``, ``qty``, ``filled``,
        ``warehouse_id``, ``shipped_part_id``, ``substitute``, ``km``, ``tier``, ``hours``
        and ``optimal`` (of the line's order).

    Examples
    --------
    >>> import pyarrow.parquet as pq
    >>> import yunpei_match as ym
    >>> catalog = ym.Catalog.from_parquet("data/samples")
    >>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
    >>> orders = pq.read_table("data/samples/orders.parquet")
    >>> plans = inventory.source_orders(orders)
    >>> plans.num_rows == orders.num_rows
    True
    """
    cap = check_max_shipments(max_shipments)
    table = as_table(lines, "lines")
    require_columns(table, "lines", ("order_id",))
    order_ids = string_column(table, "lines", "order_id").cast(pa.string()).combine_chunks()
    encoded = encode_lines(table, inventory.catalog.part_ids, "lines")
    order = pc.dictionary_encode(order_ids).indices.to_numpy()
    _check_one_position(encoded, order, order_ids)
    demand = _demands(encoded, order)
    cand = candidates(inventory, demand.lines, substitutes, check_max_km(max_km))
    if within is not None:
        cand = _within(inventory, cand, demand.lines.part, inventory.tiers.rank(within))
    choice, optimal = _solve(
        cand,
        demand,
        available(inventory),
        cap,
        min(max_nodes, _UNLIMITED),
        stock_kernels(inventory),
        len(inventory.warehouse_ids),
    )
    return _line_table(
        inventory, table, order_ids, encoded, demand, cand, choice, optimal.astype(bool)[order]
    )


def _within(
    inventory: Inventory, cand: tuple[np.ndarray, ...], part: np.ndarray, target: int
) -> tuple[np.ndarray, ...]:
    """The candidates whose warehouse promises the ``target`` tier rank or faster."""
    indptr, _, warehouse, _, _, km = cand
    line = np.repeat(np.arange(len(part)), np.diff(indptr))
    rule = tier_rules(inventory, warehouse, km, part[line])
    keep = (rule >= 0) & (rule_ranks(inventory.tiers)[np.maximum(rule, 0)] <= target)
    kept = np.r_[0, np.cumsum(keep)]
    return (kept[indptr].astype(np.int64), *(column[keep] for column in cand[1:]))


def check_max_shipments(max_shipments: Any) -> int:
    if max_shipments is None:
        return _UNLIMITED
    if isinstance(max_shipments, bool) or not isinstance(max_shipments, (int, np.integer)):
        raise ColumnTypeError(
            f"max_shipments must be an int or None, got {type(max_shipments).__name__}"
        )
    if max_shipments < 1:
        raise DataError(f"max_shipments must be >= 1, got {max_shipments}")
    return min(int(max_shipments), _UNLIMITED)


def _check_one_position(lines: OrderLines, order: np.ndarray, order_ids: pa.Array) -> None:
    """Every line of an order must give the same shop position."""
    first = np.full(order.max(initial=-1) + 1, -1, np.int64)
    first[order[::-1]] = np.arange(len(order) - 1, -1, -1)
    moved = (lines.lat != lines.lat[first[order]]) | (lines.lon != lines.lon[first[order]])
    if moved.any():
        row = int(np.argmax(moved))
        raise DataError(
            f"lines.lat/lon must be the same on every line of an order: order "
            f"{order_ids[row].as_py()!r} has another position at row {row}"
        )


@dataclass(frozen=True)
class _Demands:
    """Distinct (order, part) pairs, grouped by order, as order lines for the kernel."""

    lines: OrderLines
    order_indptr: npt.NDArray[np.int64]
    of_line: npt.NDArray[np.int64]  # demand of each input line
    n_orders: int


def _demands(lines: OrderLines, order: np.ndarray) -> _Demands:
    n_orders = int(order.max(initial=-1)) + 1
    key = order.astype(np.int64) * (int(lines.part.max(initial=0)) + 1) + lines.part
    keys, first, of_line = np.unique(key, return_index=True, return_inverse=True)
    qty = np.zeros(len(keys), np.int64)
    np.add.at(qty, of_line, lines.qty)
    demand_order = order[first]
    return _Demands(
        lines=OrderLines(
            lat=lines.lat[first], lon=lines.lon[first], part=lines.part[first], qty=qty
        ),
        order_indptr=np.searchsorted(demand_order, np.arange(n_orders + 1)).astype(np.int64),
        of_line=of_line.astype(np.int64),
        n_orders=n_orders,
    )


def _solve(
    cand: tuple[np.ndarray, ...],
    demand: _Demands,
    available: np.ndarray,
    cap: int,
    max_nodes: int,
    kernels: Any,
    n_warehouses: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate chosen for each demand (-1 = unfilled) and whether each order's plan is
    proved optimal: the cover search of every order, then the lines given to the warehouses
    chosen, within the stock of each row (kernel calls over all orders at once)."""
    indptr, row, warehouse, part, substitute, km = cand
    # A demand's own part's candidates come before its substitutes (StockIndex.candidates).
    own = np.r_[0, np.cumsum(substitute == 0)]
    own_end = (indptr[:-1] + own[indptr[1:]] - own[indptr[:-1]]).astype(np.int64)
    # Per order, the warehouses worth a look (the kernel drops the dominated ones).
    summary = kernels.order_warehouses(
        indptr, warehouse, substitute, km, demand.order_indptr, n_warehouses
    )
    weight = np.bincount(demand.of_line, minlength=len(demand.lines)).astype(np.int64)
    chosen_indptr, chosen, optimal = kernels.cover_orders(
        *summary, demand.order_indptr, weight, cap, max_nodes
    )
    return kernels.assign_orders(
        indptr,
        own_end,
        row,
        warehouse,
        part,
        substitute,
        km,
        demand.lines.qty,
        available,
        demand.order_indptr,
        chosen_indptr,
        chosen,
        optimal,
        cap,
        n_warehouses,
    )


def _line_table(
    inventory: Inventory,
    table: pa.Table,
    order_ids: pa.Array,
    lines: OrderLines,
    demand: _Demands,
    cand: tuple[np.ndarray, ...],
    choice: np.ndarray,
    optimal: np.ndarray,
) -> pa.Table:
    _, _, warehouse, part, substitute, km = cand
    pick = choice[demand.of_line]
    filled = pick >= 0
    safe = np.maximum(pick, 0)
    w = np.where(filled, warehouse[safe] if len(warehouse) else -1, -1).astype(np.int32)
    shipped = np.where(filled, part[safe] if len(part) else -1, -1).astype(np.int32)
    distance = np.where(filled, km[safe] if len(km) else np.nan, np.nan)
    rule = tier_rules(inventory, w, distance, lines.part)
    return pa.table(
        {
            "order_id": order_ids,
            "part_id": inventory.catalog.part_ids.decode(lines.part),
            "qty": pa.array(lines.qty),
            "filled": pa.array(filled),
            "warehouse_id": inventory.warehouse_ids.decode_masked(w),
            "shipped_part_id": inventory.catalog.part_ids.decode_masked(shipped),
            "substitute": pa.array(
                (substitute[safe] if len(substitute) else np.zeros(len(pick))).astype(bool),
                mask=~filled,
            ),
            "km": pa.array(distance, mask=~filled),
            **tier_columns(inventory.tiers, rule),
            "optimal": pa.array(optimal),
        }
    )
