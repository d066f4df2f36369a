"""Warehouse, stock and order-line tables, checked and encoded for the stock kernels, and the
:class:`Offer` a line is answered with.

Warehouses become dense codes in ``warehouse_id`` order with positions and kind codes; stock
rows become the CSR ``part -> (warehouse, on hand)`` of ``_stock.pyx``, sorted by a counting
sort. Every check happens here, so the kernels only see codes in range and finite positions.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .._base.ids import IdDictionary, OnUnknown
from .._base.kernel_choice import Kernels, kernels_of
from .._base.tables import (
    as_table,
    check_unique,
    float_column,
    int_column,
    require_columns,
    show,
    string_column,
)
from ..errors import ColumnTypeError, DataError, DuplicateIdError
from .clusters import spatial_clusters, z_order
from .tiers import WAREHOUSE_KINDS

__all__ = [
    "Offer",
    "OrderLines",
    "Warehouses",
    "check_lines",
    "check_max_km",
    "check_position",
    "check_qty",
    "encode_lines",
    "encode_stock",
    "encode_warehouses",
    "stock_fingerprint",
]

DEFAULT_KIND = "central"  # a warehouse of unknown kind promises no same-city delivery
MAX_QTY = 2**62


@dataclass(frozen=True)
class Warehouses:
    """Warehouses in code order: the table, ids, positions and kind codes."""

    table: pa.Table
    ids: IdDictionary
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    kind: npt.NDArray[np.uint8]
    kinds: tuple[str, ...]
    cluster: npt.NDArray[np.int32]


@dataclass(frozen=True)
class OrderLines:
    """Order lines as arrays: shop position, part code (-1 when unknown and skipped), qty."""

    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    part: npt.NDArray[np.int32]
    qty: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.part)


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


def encode_warehouses(data: Any, kernels: Kernels) -> Warehouses:
    """Check the warehouses table and number its rows in space (Z-order), then by id."""
    table = as_table(data, "warehouses")
    require_columns(table, "warehouses", ("warehouse_id", "lat", "lon"))
    ids = string_column(table, "warehouses", "warehouse_id", blank=False).cast(pa.string())
    check_unique(ids, "warehouses", "warehouse_id")
    lat = float_column(table, "warehouses", "lat", low=-90.0, high=90.0)
    lon = float_column(table, "warehouses", "lon", low=-180.0, high=180.0)
    kind = _kind_column(table)
    kinds = tuple(sorted(set(pc.unique(kind).to_pylist())))
    by_id = pc.sort_indices(pc.sort_indices(ids)).to_numpy()  # each row's rank by id
    cluster = spatial_clusters(lat, lon)
    order = np.lexsort((by_id, z_order(lat, lon), cluster))
    kind_codes = pc.index_in(kind, value_set=pa.array(kinds, pa.string())).to_numpy()
    table = table.set_column(table.column_names.index("warehouse_id"), "warehouse_id", ids)
    if "kind" in table.column_names:
        table = table.set_column(table.column_names.index("kind"), "kind", kind)
    else:
        table = table.append_column("kind", kind)
    sorted_ids = ids.take(order).combine_chunks()
    return Warehouses(
        table=table.take(order),
        ids=IdDictionary(sorted_ids, "warehouses", "warehouse_id", "warehouses", kernels),
        lat=np.ascontiguousarray(lat[order]),
        lon=np.ascontiguousarray(lon[order]),
        kind=np.ascontiguousarray(kind_codes[order], np.uint8),
        kinds=kinds,
        cluster=np.ascontiguousarray(cluster[order], np.int32),
    )


def _kind_column(table: pa.Table) -> pa.ChunkedArray:
    """``kind`` trimmed and case-folded (``"FRONT "`` is front), or DataError at the first
    other value: a misspelt kind would silently take the slower tier of a central warehouse."""
    if "kind" not in table.column_names:
        return pa.chunked_array([pa.array([DEFAULT_KIND] * table.num_rows, pa.string())])
    raw = string_column(table, "warehouses", "kind").cast(pa.string())
    kind = pc.utf8_lower(pc.utf8_trim_whitespace(raw))
    unknown = pc.invert(pc.is_in(kind, value_set=pa.array(WAREHOUSE_KINDS, pa.string())))
    if pc.any(unknown).as_py():
        row = int(pc.index(unknown, True).as_py())
        raise DataError(
            f"warehouses.kind must be {' or '.join(map(repr, WAREHOUSE_KINDS))} (case and "
            f"surrounding spaces aside), got {show(raw[row].as_py())} at row {row}"
        )
    return kind


def encode_stock(
    data: Any, warehouses: IdDictionary, parts: IdDictionary, kernels: Kernels
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """The CSR ``part -> stock rows`` (indptr, warehouse code, qty on hand) of a stock table.

    Raises UnknownIdError for a warehouse or part the tables do not have, DataError for a
    negative or null quantity, DuplicateIdError for two rows of one (warehouse, part).
    """
    table = as_table(data, "stock")
    require_columns(table, "stock", ("warehouse_id", "part_id", "qty"))
    warehouse = warehouses.references(table, "stock", "warehouse_id")
    part = parts.references(table, "stock", "part_id")
    qty = int_column(table, "stock", "qty", low=0, high=MAX_QTY).to_numpy()
    impl = kernels_of(__name__, kernels)
    indptr, order, duplicate = impl.sort_stock(part, warehouse, len(parts), len(warehouses))
    if duplicate >= 0:
        first, second = sorted((int(order[duplicate - 1]), int(order[duplicate])))
        raise DuplicateIdError(
            f"stock has two rows for warehouse {show(warehouses.ids[warehouse[first]].as_py())} "
            f"and part {show(parts.ids[part[first]].as_py())}: rows {first} and {second}"
        )
    return (
        indptr,
        np.ascontiguousarray(warehouse[order], np.int32),
        np.ascontiguousarray(qty[order], np.int64),
    )


def encode_lines(
    data: Any, parts: IdDictionary, what: str, *, on_unknown: OnUnknown = "raise"
) -> OrderLines:
    """Check order lines (``lat``, ``lon``, ``part_id``, optional ``qty`` = 1) and encode them."""
    table = as_table(data, what)
    require_columns(table, what, ("lat", "lon", "part_id"))
    part = parts.codes(string_column(table, what, "part_id"), on_unknown=on_unknown)
    return OrderLines(
        lat=float_column(table, what, "lat", low=-90.0, high=90.0),
        lon=float_column(table, what, "lon", low=-180.0, high=180.0),
        part=part,
        qty=_quantities(table, what),
    )


def check_lines(lines: OrderLines, n_parts: int) -> OrderLines:
    """Order lines given as code arrays, checked as :func:`encode_lines` checks a table:
    one length, positions in range, part codes in ``[-1, n_parts)``, quantities >= 1."""
    if not isinstance(lines, OrderLines):
        raise ColumnTypeError(f"lines must be OrderLines, got {type(lines).__name__}")
    checked = OrderLines(
        lat=np.ascontiguousarray(lines.lat, np.float64),
        lon=np.ascontiguousarray(lines.lon, np.float64),
        part=np.ascontiguousarray(lines.part, np.int32),
        qty=np.ascontiguousarray(lines.qty, np.int64),
    )
    limits = {"lat": (-90, 90), "lon": (-180, 180), "part": (-1, n_parts - 1), "qty": (1, MAX_QTY)}
    for name, (low, high) in limits.items():
        column = getattr(checked, name)
        if column.ndim != 1 or len(column) != len(checked.part):
            raise DataError(f"lines.{name} must be one value per line, got shape {column.shape}")
        bad = ~((column >= low) & (column <= high))
        if bad.any():
            row = int(np.argmax(bad))
            raise DataError(
                f"lines.{name} must be within [{low}, {high}], got {show(column[row].item())} "
                f"at row {row}"
            )
    return checked


def stock_fingerprint(
    warehouses: Warehouses, stock: tuple[np.ndarray, ...], part_ids: IdDictionary
) -> str:
    """CRC-32 of the stock a journal is written over: ids, rows and quantities."""
    crc = 0
    for array in stock:
        crc = zlib.crc32(np.ascontiguousarray(array).view(np.uint8).data, crc)
    for ids in (warehouses.ids.ids, part_ids.ids):
        for buffer in ids.buffers()[1:]:
            crc = zlib.crc32(buffer, crc)
    return f"{crc:08x}"


def _quantities(table: pa.Table, what: str) -> npt.NDArray[np.int64]:
    if "qty" not in table.column_names:
        return np.ones(table.num_rows, np.int64)
    return np.ascontiguousarray(
        int_column(table, what, "qty", low=1, high=MAX_QTY).to_numpy(), np.int64
    )


def check_position(lat: Any, lon: Any) -> tuple[float, float]:
    """A shop position given as two numbers, checked; DataError or ColumnTypeError if bad."""
    return _number("lat", lat, -90.0, 90.0), _number("lon", lon, -180.0, 180.0)


def check_qty(qty: Any) -> int:
    """A quantity: an int in ``[1, MAX_QTY]``."""
    if isinstance(qty, bool) or not isinstance(qty, (int, np.integer)):
        raise ColumnTypeError(f"qty must be an int, got {type(qty).__name__}")
    if qty < 1:
        raise DataError(f"qty must be >= 1, got {qty}")
    if qty > MAX_QTY:
        raise DataError(f"qty must be <= {MAX_QTY}, got {show(int(qty))}")
    return int(qty)


def check_max_km(max_km: Any) -> float:
    """``max_km`` as a float (inf for None); DataError if negative or NaN."""
    if max_km is None:
        return float("inf")
    return _number("max_km", max_km, 0.0, float("inf"), expected="a number or None")


def _number(name: str, value: Any, low: float, high: float, expected: str = "a number") -> float:
    """A real number argument within ``[low, high]`` as a float; bools, NaN and other types
    are refused. An int too large for a float counts as infinite (it is out of any finite
    range, and within an unbounded one)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ColumnTypeError(f"{name} must be {expected}, got {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:
        number = float("inf") if value > 0 else float("-inf")
    if not low <= number <= high:
        bounds = f">= {low:g}" if high == float("inf") else f"within [{low:g}, {high:g}]"
        raise DataError(f"{name} must be {bounds}, got {show(value)}")
    return number
