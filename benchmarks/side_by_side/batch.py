"""Workloads batch parts and batch vehicles: many requests to all (request, code) rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

from yunpei_match.fitment import _kernels

from .checks import check_pairs, pair_keys
from .data import Codes, Data, Stores
from .limit import Limit
from .rows import Row, race
from .timing import timed

# What a gather must at least touch (``limit``): the code read from its run, the pair written.
GATHER_MODEL = (
    "12 B per output row (4 B code read from the request's run, 8 B written: int32 request "
    "index + int32 code) + the request codes read"
)


def numpy_gather(
    stores: Stores, keys_low: np.ndarray, keys_high: np.ndarray
) -> tuple[Codes, Codes]:
    """(request, part) rows of the links whose key lies in ``[keys_low, keys_high)``."""
    # Needles in sorted order let searchsorted walk the keys forwards: 3-4x faster than random.
    order = np.argsort(keys_low)
    low, high = np.empty_like(keys_low), np.empty_like(keys_high)
    low[order] = np.searchsorted(stores.link_key, keys_low[order])
    high[order] = np.searchsorted(stores.link_key, keys_high[order])
    return expand(low, high - low, stores.vehicle_part)


def expand(low: np.ndarray, counts: np.ndarray, values: Codes) -> tuple[Codes, Codes]:
    """Request index and ``values[low[r] : low[r] + counts[r]]`` for every request ``r``."""
    request = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    shift = np.repeat(low - (np.cumsum(counts) - counts), counts)
    return request, values[np.arange(len(request)) + shift]


def numpy_parts_for_vehicles(
    stores: Stores, category_start: np.ndarray, n_parts: int, vehicle: Codes, category: Codes
) -> tuple[Codes, Codes]:
    base = vehicle.astype(np.int64) * n_parts
    return numpy_gather(
        stores, base + category_start[category], base + category_start[category + 1]
    )


def numpy_vehicles_for_parts(stores: Stores, part: Codes) -> tuple[Codes, Codes]:
    low = stores.part_indptr[part]
    return expand(low, stores.part_indptr[part + 1] - low, stores.part_vehicle)


def duckdb_join(
    con: duckdb.DuckDBPyConnection, requests: dict[str, Codes], key: list[str], out: str
) -> tuple[Codes, Codes]:
    """Register the requests as an Arrow table and join them to the links in one query."""
    con.register("requests", pa.table(requests))
    try:
        query = (
            f"SELECT r.request_index, l.{out} FROM requests r JOIN links l USING ({', '.join(key)})"
        )
        found = con.sql(query).to_arrow_table()
    finally:
        con.unregister("requests")
    return found.column(0).to_numpy(), found.column(1).to_numpy()


def polars_join(
    frame: pl.DataFrame, requests: dict[str, Codes], key: list[str], out: str
) -> tuple[Codes, Codes]:
    found = pl.DataFrame(requests).join(frame, on=key, how="inner")
    return found.get_column("request_index").to_numpy(), found.get_column(out).to_numpy()


def request_table(**columns: Codes) -> dict[str, Codes]:
    size = len(next(iter(columns.values())))
    return {"request_index": np.arange(size, dtype=np.int32), **columns}


def run_batch_parts(
    data: Data, stores: Stores, m: int, repeats: int, skip: set, limit: Limit
) -> list[Row]:
    rng = np.random.default_rng(data.seed + 2)
    vehicle = rng.integers(0, data.n_vehicles, m, dtype=np.int32)
    category = rng.integers(0, data.n_categories, m, dtype=np.int32)
    catalog, links = data.catalog, data.catalog._links
    vehicle_ids = catalog.vehicle_ids.ids.take(vehicle)
    category_ids = catalog.category_ids.ids.take(category)
    vehicle_dict, category_dict = vehicle_ids.dictionary_encode(), category_ids.dictionary_encode()
    requests = request_table(vehicle=vehicle, category=category)
    key = ["vehicle", "category"]

    def api(ids: pa.Array, cats: pa.Array) -> Any:
        table = catalog.fitment.parts_for_vehicles(ids, categories=cats)
        return table.column("request_index"), table.column("part_id").combine_chunks().indices

    tools = {
        "ours: _kernels.gather_parts (codes)": lambda: _kernels.gather_parts(
            links.run_bounds,
            links.vehicle_runs,
            links.run_category,
            links.link_part,
            links.universal,
            links.universal_bounds,
            data.n_categories,
            vehicle,
            category,
        ),
        "ours: parts_for_vehicles (string ids)": lambda: api(vehicle_ids, category_ids),
        "ours: parts_for_vehicles (dictionary ids)": lambda: api(vehicle_dict, category_dict),
        "numpy: sorted searchsorted + repeat gather": lambda: numpy_parts_for_vehicles(
            stores, links.category_start, data.n_parts, vehicle, category
        ),
        "polars: join": lambda: polars_join(stores.frame, requests, key, "part"),
    }
    if (duck := stores.duck) is not None:
        tools["duckdb: join"] = lambda: duckdb_join(duck, requests, key, "part")
    rows = run_batch("batch parts", tools, repeats, skip, data.n_parts)
    return rows + limit.row(rows, "batch parts", 12, 8 * m, GATHER_MODEL + ", 8 B per request")


def run_batch_vehicles(
    data: Data, stores: Stores, m: int, repeats: int, skip: set, limit: Limit
) -> list[Row]:
    rng = np.random.default_rng(data.seed + 3)
    part = rng.integers(0, data.n_parts, m, dtype=np.int32)
    catalog, links = data.catalog, data.catalog._links
    part_ids = catalog.part_ids.ids.take(part)
    part_dict = part_ids.dictionary_encode()
    universal = data.universal.astype(np.uint8)
    requests = request_table(part=part)

    def api(ids: pa.Array) -> Any:
        table = catalog.fitment.vehicles_for_parts(ids)
        return table.column("request_index"), table.column("vehicle_id").combine_chunks().indices

    tools = {
        "ours: _kernels.gather_vehicles (codes)": lambda: _kernels.gather_vehicles(
            links.part_indptr, links.part_vehicle, universal, data.n_vehicles, part
        ),
        "ours: vehicles_for_parts (string ids)": lambda: api(part_ids),
        "ours: vehicles_for_parts (dictionary ids)": lambda: api(part_dict),
        "numpy: indptr + repeat gather": lambda: numpy_vehicles_for_parts(stores, part),
        "polars: join": lambda: polars_join(stores.frame, requests, ["part"], "vehicle"),
    }
    if (duck := stores.duck) is not None:
        tools["duckdb: join"] = lambda: duckdb_join(duck, requests, ["part"], "vehicle")
    rows = run_batch("batch vehicles", tools, repeats, skip, data.n_vehicles)
    return rows + limit.row(rows, "batch vehicles", 12, 4 * m, GATHER_MODEL + ", 4 B per request")


def run_batch(
    workload: str, tools: dict[str, Callable[[], Any]], repeats: int, skip: set, width: int
) -> list[Row]:
    """Rows of one batch workload; results compare as sorted (request, code) pair keys."""

    def measure(fn: Callable[[], Any]) -> tuple[float, np.ndarray]:
        seconds, (request, value) = timed(fn, repeats)
        return seconds, pair_keys(np.asarray(request), np.asarray(value), width)

    return race(workload, tools, skip, measure, check_pairs, len)
