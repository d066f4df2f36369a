"""Nearest stocked warehouse per order line, by hand: numpy, DuckDB, polars, scikit-learn, scipy.

Each function answers order lines given as codes (part code, quantity, shop position in
degrees) from a :class:`StockStore` built once from the stock table, and returns, per line, the
warehouse code of the nearest warehouse holding at least the line's quantity of the part (-1
when none does) and its great-circle distance in km (haversine, R = 6371.0088 km; NaN when
none). Ties go to the lower warehouse code, as ``Inventory.nearest_stocked`` documents.
Substitutes are not searched: the comparison runs ours with ``substitutes=False``.

numpy
    Every line expanded to its part's stock rows (a CSR gather, in chunks of lines), rows
    without the quantity dropped, squared chord distances of unit vectors (no trigonometry per
    pair), then the first minimum of each line's run by ``np.minimum.reduceat``.
DuckDB
    The lines registered as an Arrow table and joined to a ``stock`` table (part, warehouse,
    available, warehouse position in radians) sorted by part; haversine in SQL and
    ``min_by(warehouse, (km, warehouse))`` per line.
polars
    The same join in a lazy query, haversine as expressions, ``group_by(line)`` keeping the
    row of the smallest (km, warehouse).
scikit-learn
    ``BallTree(metric="haversine")`` per (part, quantity) group of lines, over the part's
    warehouses holding that quantity, queried for the group's shops.
scipy
    One ``cKDTree`` over the warehouses' 3-D unit vectors (chord order is great-circle order):
    each line's k nearest warehouses (k = 4, 16, 64, then all) until one holds the quantity,
    found by ``np.searchsorted`` in the sorted (part, warehouse) keys; lines whose part no
    warehouse holds in that quantity are dropped first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

import yunpei_match

from .checks import ResultMismatch

R_KM = 6371.0088
KM_TOLERANCE = 1e-6
CHUNK_LINES = 1 << 17
TREE_ROUNDS = (4, 16, 64)


@dataclass(frozen=True)
class Lines:
    """Order lines as codes: part, quantity, shop position in degrees."""

    part: np.ndarray
    qty: np.ndarray
    lat: np.ndarray
    lon: np.ndarray

    def head(self, n: int) -> Lines:
        return Lines(self.part[:n], self.qty[:n], self.lat[:n], self.lon[:n])

    def __len__(self) -> int:
        return len(self.part)


@dataclass(frozen=True)
class StockStore:
    """Stock by part code (a CSR sorted by warehouse code) and the warehouses' positions.

    Warehouse codes here are positions in sorted ``warehouse_id`` (``ids``), so that the lower
    code is the lower id; yunpei_match numbers warehouses its own way and its answers are
    mapped to these codes (``ours_codes``) before they are compared.
    """

    ids: pa.Array
    indptr: np.ndarray
    warehouse: np.ndarray
    available: np.ndarray
    lat: np.ndarray  # warehouse positions, degrees
    lon: np.ndarray
    kind: np.ndarray  # warehouse kind: index into kinds
    kinds: tuple[str, ...]
    xyz: np.ndarray  # (n_warehouses, 3) unit vectors
    axes: tuple[np.ndarray, ...]  # its columns, contiguous
    key: np.ndarray  # part * n_warehouses + warehouse of every row, sorted
    most: np.ndarray  # the most any warehouse holds of each part

    @property
    def n_warehouses(self) -> int:
        return len(self.lat)


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    lat, lon = np.radians(lat), np.radians(lon)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """Great-circle km between points in degrees."""
    lat1, lon1, lat2, lon2 = (np.radians(v) for v in (lat1, lon1, lat2, lon2))
    a = (
        np.sin(0.5 * (lat2 - lat1)) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin(0.5 * (lon2 - lon1)) ** 2
    )
    return 2.0 * R_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def stock_store(warehouses: pa.Table, stock: pa.Table, catalog: yunpei_match.Catalog) -> StockStore:
    """The CSR of the stock table; warehouse codes are positions in sorted ``warehouse_id``."""
    ids = warehouses.column("warehouse_id").cast(pa.string()).combine_chunks()
    order = pc.sort_indices(ids).to_numpy()
    ids = ids.take(pa.array(order))
    warehouse = pc.index_in(stock.column("warehouse_id").cast(pa.string()), ids).to_numpy()
    part = catalog.part_ids.codes(stock.column("part_id"))
    qty = stock.column("qty").to_numpy()
    rows = np.lexsort((warehouse, part))
    n_parts = len(catalog.part_ids)
    indptr = np.zeros(n_parts + 1, np.int64)
    np.cumsum(np.bincount(part, minlength=n_parts), out=indptr[1:])
    warehouse, part, qty = warehouse[rows].astype(np.int32), part[rows], qty[rows]
    lat = warehouses.column("lat").to_numpy()[order]
    lon = warehouses.column("lon").to_numpy()[order]
    kind_names = warehouses.column("kind").cast(pa.string()).to_numpy(zero_copy_only=False)
    kinds = tuple(sorted(set(kind_names.tolist())))
    most = np.zeros(n_parts, np.int64)
    np.maximum.at(most, part, qty)
    xyz = unit_vectors(lat, lon)
    return StockStore(
        ids=ids,
        indptr=indptr,
        warehouse=warehouse,
        available=qty.astype(np.int64),
        lat=lat,
        lon=lon,
        kind=np.searchsorted(kinds, kind_names[order]).astype(np.uint8),
        kinds=kinds,
        xyz=xyz,
        axes=tuple(np.ascontiguousarray(xyz[:, axis]) for axis in range(3)),
        key=part.astype(np.int64) * len(lat) + warehouse,
        most=most,
    )


def ours_codes(store: StockStore, inventory: yunpei_match.Inventory) -> np.ndarray:
    """The store's code of each of the inventory's warehouse codes, and -1 last (for -1)."""
    ids = inventory.warehouse_ids.ids.cast(pa.string())  # the ids in the kernel's code order
    return np.append(pc.index_in(ids, store.ids).to_numpy(), -1).astype(np.int32)


def lines_of(table: pa.Table, catalog: yunpei_match.Catalog) -> Lines:
    return Lines(
        part=catalog.part_ids.codes(table.column("part_id")),
        qty=table.column("qty").to_numpy().astype(np.int64),
        lat=table.column("lat").to_numpy(),
        lon=table.column("lon").to_numpy(),
    )


def answer(store: StockStore, lines: Lines, warehouse: np.ndarray) -> tuple[np.ndarray, ...]:
    """(warehouse, km) with the haversine km of the chosen warehouses; NaN where none."""
    found = warehouse >= 0
    km = np.full(len(warehouse), np.nan)
    w = warehouse[found]
    km[found] = haversine_km(lines.lat[found], lines.lon[found], store.lat[w], store.lon[w])
    return warehouse.astype(np.int32), km


# -- numpy --------------------------------------------------------------------------------------


def numpy_nearest(store: StockStore, lines: Lines) -> tuple[np.ndarray, ...]:
    out = np.full(len(lines), -1, np.int32)
    xyz = unit_vectors(lines.lat, lines.lon)
    for lo in range(0, len(lines), CHUNK_LINES):
        hi = min(len(lines), lo + CHUNK_LINES)
        start = store.indptr[lines.part[lo:hi]]
        count = store.indptr[lines.part[lo:hi] + 1] - start
        line = np.repeat(np.arange(hi - lo), count)
        row = np.arange(len(line)) + np.repeat(start - (np.cumsum(count) - count), count)
        keep = store.available[row] >= lines.qty[lo:hi][line]
        line, row = line[keep], row[keep]
        if not len(line):
            continue
        w = store.warehouse[row]
        chord2 = np.zeros(len(w))
        for axis in range(3):
            chord2 += (store.axes[axis][w] - xyz[lo:hi, axis][line]) ** 2
        starts = np.flatnonzero(np.r_[True, line[1:] != line[:-1]])
        best = np.minimum.reduceat(chord2, starts)
        at = np.flatnonzero(chord2 == np.repeat(best, np.diff(np.r_[starts, len(line)])))
        first = at[np.r_[True, line[at][1:] != line[at][:-1]]]  # rows are by warehouse code
        out[lo + line[first]] = w[first]
    return answer(store, lines, out)


# -- DuckDB -------------------------------------------------------------------------------------

HAVERSINE_SQL = (
    f"2 * {R_KM} * asin(least(1.0, sqrt(pow(sin((s.lat - radians(l.lat)) / 2), 2) "
    "+ s.cos_lat * cos(radians(l.lat)) * pow(sin((s.lon - radians(l.lon)) / 2), 2))))"
)
DUCKDB_NEAREST = f"""
SELECT line, min_by(warehouse, (km, warehouse)) AS warehouse FROM (
    SELECT l.line, s.warehouse, {HAVERSINE_SQL} AS km
    FROM lines l JOIN stock s ON s.part = l.part AND s.available >= l.qty
) GROUP BY line
"""


def stock_frame(store: StockStore) -> pl.DataFrame:
    """(part, warehouse, available, lat, lon in radians, cos_lat) by part, then warehouse."""
    w = store.warehouse
    part = (store.key // store.n_warehouses).astype(np.int32)
    lat, lon = np.radians(store.lat), np.radians(store.lon)
    return pl.DataFrame(
        {
            "part": part,
            "warehouse": w,
            "available": store.available,
            "lat": lat[w],
            "lon": lon[w],
            "cos_lat": np.cos(lat)[w],
        }
    )


def duckdb_stock(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> None:
    con.register("stock_arrow", frame.to_arrow())
    con.execute("CREATE TABLE stock AS SELECT * FROM stock_arrow ORDER BY part, warehouse")
    con.unregister("stock_arrow")


def duckdb_nearest(
    con: duckdb.DuckDBPyConnection, store: StockStore, lines: Lines
) -> tuple[np.ndarray, ...]:
    table = pa.table(
        {
            "line": np.arange(len(lines), dtype=np.int32),
            "part": lines.part,
            "qty": lines.qty,
            "lat": lines.lat,
            "lon": lines.lon,
        }
    )
    con.register("lines", table)
    try:
        found = con.sql(DUCKDB_NEAREST).to_arrow_table()
    finally:
        con.unregister("lines")
    out = np.full(len(lines), -1, np.int32)
    out[found.column("line").to_numpy()] = found.column("warehouse").to_numpy()
    return answer(store, lines, out)


# -- polars -------------------------------------------------------------------------------------


def polars_km() -> pl.Expr:
    lat, lon = pl.col("shop_lat").radians(), pl.col("shop_lon").radians()
    a = (0.5 * (pl.col("lat") - lat)).sin().pow(2) + pl.col("cos_lat") * lat.cos() * (
        0.5 * (pl.col("lon") - lon)
    ).sin().pow(2)
    return 2.0 * R_KM * a.clip(upper_bound=1.0).sqrt().arcsin()


def polars_nearest(frame: pl.DataFrame, store: StockStore, lines: Lines) -> tuple[np.ndarray, ...]:
    requests = pl.LazyFrame(
        {
            "line": np.arange(len(lines), dtype=np.int32),
            "part": lines.part,
            "qty": lines.qty,
            "shop_lat": lines.lat,
            "shop_lon": lines.lon,
        }
    )
    found = (
        requests.join(frame.lazy(), on="part")
        .filter(pl.col("available") >= pl.col("qty"))
        .select("line", "warehouse", km=polars_km())
        .group_by("line")
        .agg(pl.col("warehouse").sort_by("km", "warehouse").first())
        .collect()
    )
    out = np.full(len(lines), -1, np.int32)
    out[found.get_column("line").to_numpy()] = found.get_column("warehouse").to_numpy()
    return answer(store, lines, out)


# -- scikit-learn -------------------------------------------------------------------------------


def balltree_nearest(store: StockStore, lines: Lines) -> tuple[np.ndarray, ...]:
    from sklearn.neighbors import BallTree

    out = np.full(len(lines), -1, np.int32)
    shops = np.radians(np.stack([lines.lat, lines.lon], axis=1))
    order = np.lexsort((lines.qty, lines.part))
    part, qty = lines.part[order], lines.qty[order]
    cut = np.flatnonzero(np.r_[True, (part[1:] != part[:-1]) | (qty[1:] != qty[:-1]), True])
    for a, b in zip(cut[:-1].tolist(), cut[1:].tolist(), strict=True):
        p = int(part[a])
        rows = np.arange(store.indptr[p], store.indptr[p + 1])
        rows = rows[store.available[rows] >= qty[a]]
        if not len(rows):
            continue
        w = store.warehouse[rows]
        tree = BallTree(
            np.radians(np.stack([store.lat[w], store.lon[w]], axis=1)), metric="haversine"
        )
        at = tree.query(shops[order[a:b]], k=1, return_distance=False)[:, 0]
        out[order[a:b]] = w[at]
    return answer(store, lines, out)


# -- scipy --------------------------------------------------------------------------------------


def kdtree_nearest(tree: Any, store: StockStore, lines: Lines) -> tuple[np.ndarray, ...]:
    out = np.full(len(lines), -1, np.int32)
    xyz = unit_vectors(lines.lat, lines.lon)
    open_ = np.flatnonzero(store.most[lines.part] >= lines.qty)
    done = 0
    for k in (*TREE_ROUNDS, store.n_warehouses):
        k = min(k, store.n_warehouses)
        if not len(open_) or k <= done:
            break
        _, near = tree.query(xyz[open_], k=max(k, 2), workers=-1)
        near = near[:, done:k]
        keys = lines.part[open_, None].astype(np.int64) * store.n_warehouses + near
        at = np.minimum(np.searchsorted(store.key, keys), len(store.key) - 1)
        hit = (store.key[at] == keys) & (store.available[at] >= lines.qty[open_, None])
        found = hit.any(axis=1)
        first = hit.argmax(axis=1)
        out[open_[found]] = near[found, first[found]]
        open_, done = open_[~found], k
    return answer(store, lines, out)


def kdtree(store: StockStore) -> Any:
    from scipy.spatial import cKDTree

    return cKDTree(store.xyz)


# -- checks -------------------------------------------------------------------------------------


def compare_nearest(
    what: str, expected: tuple[np.ndarray, ...], got: tuple[np.ndarray, ...], n: int, ties: dict
) -> None:
    """Same lines found, distances within 1e-6 km; another warehouse only at such a distance.

    ``ties[what]`` counts the lines answered by another warehouse at the same distance.
    """
    want_w, want_km = expected[0][:n], expected[1][:n]
    got_w, got_km = got
    found = want_w >= 0
    if not np.array_equal(found, got_w >= 0):
        differ = int((found != (got_w >= 0)).sum())
        raise ResultMismatch(f"{what}: {differ:,} of {n:,} lines found by one tool only")
    far = np.abs(want_km[found] - got_km[found]) > KM_TOLERANCE
    if far.any():
        line = int(np.flatnonzero(found)[np.argmax(far)])
        raise ResultMismatch(
            f"{what}: {int(far.sum()):,} lines at another distance, e.g. line {line}: "
            f"{got_km[line]!r} km (warehouse {got_w[line]}) vs {want_km[line]!r} km "
            f"(warehouse {want_w[line]})"
        )
    ties[what] = int((want_w != got_w).sum())
