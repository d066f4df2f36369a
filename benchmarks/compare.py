"""Side by side: yunpei_match against the tools a user would otherwise pick, on the same data.

One run generates one seeded synthetic catalogue (``yunpei_match.synth``), builds every store
from it, runs each workload through every tool, checks that every tool returns the same set of
pairs as yunpei_match (a mismatch raises ``ResultMismatch`` and the script exits non-zero), and
prints a table of medians.

Usage
-----
::

    python benchmarks/compare.py --scale S
    python benchmarks/compare.py --scale L --requests 1000000 --markdown docs/benchmarks.md
    python benchmarks/compare.py --scale M --skip sqlite --repeats 3

Workloads
---------
build
    Fitment index from (vehicle, part) code arrays: ``_links.build_links`` (also interns the
    application details) against a hand-written numpy CSR (sort of packed int64 vehicle/part
    keys, repeats dropped, bincount/cumsum offsets; the same for the transpose) and the same in
    polars (lazy sort + unique). Each builds both directions.
catalogue
    ``Catalog.from_tables`` end to end from the string tables (yunpei_match alone).
load
    ``Catalog.load`` of a saved index, without and with CRC checks, against ``np.load`` with
    ``mmap_mode="r"`` of the same arrays as ``.npy`` files: a floor, not a competitor.
lookup
    One vehicle + one category, codes in, part codes out: the fast path
    ``catalog.fitment.part_codes`` against a numpy CSR (vehicle indptr, then ``np.searchsorted``
    of the category's part-code bounds in the vehicle's sorted parts), SQLite (covering index,
    parameterised query), DuckDB (table sorted by the key, parameterised query) and a polars
    filter on a sorted frame. The median is per call, over many random requests.
batch parts
    Many (vehicle, category) requests to all (request, part) rows. ``_core.gather_parts`` on
    codes is the reference; ``parts_for_vehicles`` is the full API from id strings (plain and
    dictionary-encoded). Against: numpy CSR gather (searchsorted bounds, repeat/arange
    expansion), a DuckDB join and a polars join.
batch vehicles
    Many parts to all (request, vehicle) rows: ``_core.gather_vehicles`` and
    ``vehicles_for_parts`` against the same three.

The other tools get a plain links table (vehicle, category, part codes) in which universal
parts are spelled out for every vehicle; yunpei_match keeps them aside. Every tool works on
int32 codes except the API rows, which start from id strings.

Columns
-------
workload
    What is timed (above).
tool
    ``ours ...`` rows are yunpei_match; the row marked ``*`` is the workload's reference.
median
    Median wall time of the timed runs after one untimed warm-up run (``time.perf_counter``):
    at least ``--repeats`` runs, more for fast ones (up to 0.5 s or 100 runs); for ``lookup``,
    the median time of one call.
rows/s
    Result rows per second (batch workloads).
theirs/ours
    This row's median divided by the reference row's: above 1, yunpei_match is faster.

DuckDB and polars use every core they are given; the yunpei_match kernels run on one.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

import yunpei_match
from yunpei_match import _core, synth
from yunpei_match._build import Applications, encode_fitments
from yunpei_match._links import build_links
from yunpei_match._tables import as_table

T = TypeVar("T")
Codes = np.ndarray
DEFAULT_REQUESTS = {"tiny": 10_000, "S": 200_000, "M": 500_000, "L": 1_000_000}
LOOKUP_CALLS = 20_000
LOOKUP_BUDGET_S = 3.0
LOOKUP_MIN_CALLS = 50
MIN_TIMING_S = 0.5
MAX_RUNS = 100
TOOLS = ("numpy", "polars", "duckdb", "sqlite")


class ResultMismatch(AssertionError):
    """Another tool returned something other than yunpei_match did."""


@dataclass(frozen=True)
class Row:
    workload: str
    tool: str
    seconds: float
    rows: int | None = None
    reference: bool = False


# --------------------------------------------------------------------------------------------
# Timing and checking


def timed(fn: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Median seconds of runs of ``fn`` after one untimed run, whose result is kept.

    At least ``repeats`` runs; fast functions run on until ``MIN_TIMING_S`` has passed (at most
    ``MAX_RUNS``), so that a median of milliseconds does not hang on five noisy samples.
    """
    result = fn()
    times: list[float] = []
    began = time.perf_counter()
    while len(times) < repeats or (
        time.perf_counter() - began < MIN_TIMING_S and len(times) < MAX_RUNS
    ):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def timed_per_call(
    fn: Callable[[int, int], Any], requests: list[tuple[int, int]]
) -> tuple[float, list[Any]]:
    """Median seconds of one call over the requests, stopping early once the budget is spent."""
    for vehicle, category in requests[:10]:
        fn(vehicle, category)
    times, results = [], []
    deadline = time.perf_counter() + LOOKUP_BUDGET_S
    for vehicle, category in requests:
        start = time.perf_counter()
        result = fn(vehicle, category)
        times.append(time.perf_counter() - start)
        results.append(result)
        if len(times) >= LOOKUP_MIN_CALLS and time.perf_counter() > deadline:
            break
    return statistics.median(times), results


def pair_keys(first: Any, second: Any, width: int) -> np.ndarray:
    """Sorted int64 keys ``first * width + second`` of a result's pairs."""
    first = np.asarray(first, dtype=np.int64)
    return np.sort(first * width + np.asarray(second, dtype=np.int64))


def check_pairs(what: str, expected: np.ndarray, got: np.ndarray) -> None:
    if not np.array_equal(expected, got):
        raise ResultMismatch(
            f"{what}: returned {len(got):,} pairs, yunpei_match {len(expected):,}; "
            f"{len(np.setxor1d(expected, got)):,} distinct pairs are in one result only"
        )


def check_arrays(what: str, expected: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> None:
    for name, array in expected.items():
        if not np.array_equal(array, got[name]):
            raise ResultMismatch(f"{what}: {name} differs from yunpei_match's")


# --------------------------------------------------------------------------------------------
# Data: one catalogue, and the plain links table the other tools get


@dataclass
class Data:
    scale: str
    seed: int
    tables: dict[str, pa.Table]
    catalog: yunpei_match.Catalog
    applications: Applications
    universal: np.ndarray
    vehicle: Codes
    category: Codes
    part: Codes

    @property
    def n_vehicles(self) -> int:
        return len(self.catalog.vehicle_ids)

    @property
    def n_parts(self) -> int:
        return len(self.catalog.part_ids)

    @property
    def n_categories(self) -> int:
        return len(self.catalog.category_ids)


def make_data(scale: str, seed: int) -> Data:
    tables = synth.generate(scale, seed=seed)
    catalog = yunpei_match.Catalog.from_tables(**tables)
    universal = catalog.parts.column("universal").to_numpy(zero_copy_only=False)
    applications = encode_fitments(
        as_table(tables["fitments"], "fitments"),
        catalog.vehicles,
        catalog.vehicle_ids,
        catalog.part_ids,
        universal,
    )
    vehicle, part = plain_links(catalog, universal)
    links = catalog._links
    category = np.repeat(
        np.arange(len(links.category_start) - 1, dtype=np.int32), np.diff(links.category_start)
    )[part]
    return Data(scale, seed, tables, catalog, applications, universal, vehicle, category, part)


def plain_links(catalog: yunpei_match.Catalog, universal: np.ndarray) -> tuple[Codes, Codes]:
    """Every (vehicle, part) pair, universal parts spelled out, sorted by vehicle then part."""
    links = catalog._links
    n_vehicles, n_categories = len(catalog.vehicle_ids), len(links.category_start) - 1
    per_vehicle = np.diff(links.run_bounds[::n_categories])
    universal_codes = np.flatnonzero(universal).astype(np.int32)
    vehicle = np.concatenate(
        [
            np.repeat(np.arange(n_vehicles, dtype=np.int32), per_vehicle),
            np.repeat(np.arange(n_vehicles, dtype=np.int32), len(universal_codes)),
        ]
    )
    part = np.concatenate([links.link_part, np.tile(universal_codes, n_vehicles)])
    key = np.sort(vehicle.astype(np.int64) * len(universal) + part)
    return (key // len(universal)).astype(np.int32), (key % len(universal)).astype(np.int32)


def csr(keys: Codes, n_keys: int) -> np.ndarray:
    """Offsets of a CSR whose rows are sorted by ``keys``."""
    indptr = np.zeros(n_keys + 1, np.int64)
    np.cumsum(np.bincount(keys, minlength=n_keys), out=indptr[1:])
    return indptr


# --------------------------------------------------------------------------------------------
# Stores the other tools query, built once


@dataclass
class Stores:
    vehicle_indptr: np.ndarray
    vehicle_part: Codes
    link_key: np.ndarray
    part_indptr: np.ndarray
    part_vehicle: Codes
    frame: pl.DataFrame
    duck: duckdb.DuckDBPyConnection | None
    lite: sqlite3.Connection | None
    setup_seconds: dict[str, float]

    @property
    def numpy_bytes(self) -> int:
        arrays = (self.vehicle_indptr, self.vehicle_part, self.link_key)
        return sum(a.nbytes for a in (*arrays, self.part_indptr, self.part_vehicle))


def make_stores(data: Data, skip: set[str], workdir: Path) -> Stores:
    setup: dict[str, float] = {}
    transposed = np.sort(data.part.astype(np.int64) * data.n_vehicles + data.vehicle)
    start = time.perf_counter()
    frame = pl.DataFrame(
        {"vehicle": data.vehicle, "category": data.category, "part": data.part}
    ).sort("vehicle", "category", "part")
    setup["polars: frame sorted by vehicle, category, part"] = time.perf_counter() - start
    duck = lite = None
    if "duckdb" not in skip:
        start = time.perf_counter()
        duck = duckdb_store(frame.to_arrow())
        setup["duckdb: CREATE TABLE ... ORDER BY"] = time.perf_counter() - start
    if "sqlite" not in skip:
        start = time.perf_counter()
        lite = sqlite_store(data, workdir / "links.sqlite")
        setup["sqlite: executemany + CREATE INDEX"] = time.perf_counter() - start
    return Stores(
        vehicle_indptr=csr(data.vehicle, data.n_vehicles),
        vehicle_part=data.part,
        link_key=data.vehicle.astype(np.int64) * data.n_parts + data.part,
        part_indptr=csr(data.part, data.n_parts),
        part_vehicle=(transposed % data.n_vehicles).astype(np.int32),
        frame=frame,
        duck=duck,
        lite=lite,
        setup_seconds=setup,
    )


def duckdb_store(links: pa.Table) -> duckdb.DuckDBPyConnection:
    """A DuckDB table sorted by its lookup key, so that zone maps skip all other row groups."""
    con = duckdb.connect()
    con.register("links_arrow", links)
    con.execute("CREATE TABLE links AS SELECT * FROM links_arrow ORDER BY vehicle, category, part")
    con.unregister("links_arrow")
    return con


def sqlite_store(data: Data, path: Path, chunk: int = 1_000_000) -> sqlite3.Connection:
    """A SQLite table loaded with executemany, then a covering index on the lookup key."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("CREATE TABLE links (vehicle INTEGER, category INTEGER, part INTEGER)")
    with con:
        for lo in range(0, len(data.part), chunk):
            rows = zip(
                data.vehicle[lo : lo + chunk].tolist(),
                data.category[lo : lo + chunk].tolist(),
                data.part[lo : lo + chunk].tolist(),
                strict=True,
            )
            con.executemany("INSERT INTO links VALUES (?, ?, ?)", rows)
        con.execute("CREATE INDEX links_vehicle_category ON links (vehicle, category, part)")
    con.execute("ANALYZE")
    return con


# --------------------------------------------------------------------------------------------
# Workload: index build from code arrays


def ours_build(data: Data) -> dict[str, np.ndarray]:
    app, links = data.applications, data.catalog._links
    arrays, _ = build_links(
        app.vehicle,
        app.part,
        app.detail,
        n_vehicles=data.n_vehicles,
        category_start=links.category_start,
        n_details=app.details.num_rows,
        universal_mask=data.universal,
    )
    return {
        "vehicle_indptr": arrays.run_bounds[:: data.n_categories],
        "vehicle_part": arrays.link_part,
        "part_indptr": arrays.part_indptr,
        "part_vehicle": arrays.part_vehicle,
    }


def numpy_build(vehicle: Codes, part: Codes, n_vehicles: int, n_parts: int) -> dict[str, Any]:
    # Sort packed int64 keys and drop repeats: np.unique without return_inverse takes a hash
    # path in numpy >= 2.3 that is ~100x slower than this at millions of rows.
    key = np.sort(vehicle.astype(np.int64) * n_parts + part)
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    link_vehicle, link_part = np.divmod(key, n_parts)
    transposed = np.sort(link_part * n_vehicles + link_vehicle)
    return {
        "vehicle_indptr": csr(link_vehicle, n_vehicles),
        "vehicle_part": link_part.astype(np.int32),
        "part_indptr": csr(transposed // n_vehicles, n_parts),
        "part_vehicle": (transposed % n_vehicles).astype(np.int32),
    }


def polars_build(vehicle: Codes, part: Codes, n_vehicles: int, n_parts: int) -> dict[str, Any]:
    # A packed int64 key again: polars' multi-column unique + sort is 10-30x slower here.
    key = pl.col("key")
    by_vehicle = (
        pl.LazyFrame({"vehicle": vehicle, "part": part})
        .select(key=pl.col("vehicle").cast(pl.Int64) * n_parts + pl.col("part"))
        .sort("key")
        .unique(maintain_order=True)
        .select(vehicle=(key // n_parts).cast(pl.Int32), part=(key % n_parts).cast(pl.Int32))
        .collect()
    )
    by_part = (
        by_vehicle.lazy()
        .select(key=pl.col("part").cast(pl.Int64) * n_vehicles + pl.col("vehicle"))
        .sort("key")
        .select(part=(key // n_vehicles).cast(pl.Int32), vehicle=(key % n_vehicles).cast(pl.Int32))
        .collect()
    )
    return {
        "vehicle_indptr": csr(by_vehicle["vehicle"].to_numpy(), n_vehicles),
        "vehicle_part": by_vehicle["part"].to_numpy(),
        "part_indptr": csr(by_part["part"].to_numpy(), n_parts),
        "part_vehicle": by_part["vehicle"].to_numpy(),
    }


def run_build(data: Data, repeats: int, skip: set[str]) -> list[Row]:
    app = data.applications
    sizes = (data.n_vehicles, data.n_parts)
    tools = {
        "ours: build_links": lambda: ours_build(data),
        "numpy: sort packed keys, bincount CSR": lambda: numpy_build(app.vehicle, app.part, *sizes),
        "polars: sort + unique packed keys": lambda: polars_build(app.vehicle, app.part, *sizes),
    }
    rows: list[Row] = []
    expected: Any = None
    for tool, fn in active(tools, skip):
        seconds, result = timed(fn, repeats)
        if expected is None:
            expected = result
        check_arrays(f"build, {tool}", expected, result)
        rows.append(Row("build", tool, seconds, len(app.part), reference=expected is result))
    return rows


def run_catalogue(data: Data, repeats: int) -> list[Row]:
    seconds, catalog = timed(lambda: yunpei_match.Catalog.from_tables(**data.tables), repeats)
    if catalog.stats.links != data.catalog.stats.links:
        raise ResultMismatch("catalogue: a rebuild holds a different number of links")
    rows = data.tables["fitments"].num_rows
    return [Row("catalogue", "ours: Catalog.from_tables", seconds, rows, reference=True)]


# --------------------------------------------------------------------------------------------
# Workload: load of a saved index


def run_load(data: Data, repeats: int, workdir: Path) -> list[Row]:
    path = data.catalog.save(workdir / "index")
    arrays = data.catalog._links.as_dict()
    for name, array in arrays.items():
        np.save(workdir / f"{name}.npy", array)

    def numpy_load() -> dict[str, np.ndarray]:
        return {name: np.load(workdir / f"{name}.npy", mmap_mode="r") for name in arrays}

    tools = {
        "ours: Catalog.load, no checksums": lambda: yunpei_match.Catalog.load(
            path, verify_checksums=False
        ),
        "ours: Catalog.load, checksums": lambda: yunpei_match.Catalog.load(path),
    }
    rows: list[Row] = []
    for tool, fn in tools.items():
        seconds, catalog = timed(fn, repeats)
        check_arrays(f"load, {tool}", arrays, catalog._links.as_dict())
        rows.append(Row("load", tool, seconds, reference=not rows))
    seconds, loaded = timed(numpy_load, repeats)
    check_arrays("load, np.load", arrays, loaded)
    rows.append(Row("load", "numpy: np.load(mmap_mode='r'), arrays only (floor)", seconds))
    return rows


# --------------------------------------------------------------------------------------------
# Workload: single lookup (vehicle, category) -> part codes


def numpy_lookup(stores: Stores, category_start: np.ndarray) -> Callable[[int, int], Codes]:
    indptr, parts = stores.vehicle_indptr, stores.vehicle_part

    def lookup(vehicle: int, category: int) -> Codes:
        own = parts[indptr[vehicle] : indptr[vehicle + 1]]
        low, high = np.searchsorted(own, category_start[category : category + 2])
        return own[low:high]

    return lookup


def sqlite_lookup(con: sqlite3.Connection) -> Callable[[int, int], list[int]]:
    query = "SELECT part FROM links WHERE vehicle = ? AND category = ? ORDER BY part"

    def lookup(vehicle: int, category: int) -> list[int]:
        return [part for (part,) in con.execute(query, (vehicle, category))]

    return lookup


def duckdb_lookup(con: duckdb.DuckDBPyConnection) -> Callable[[int, int], Codes]:
    query = "SELECT part FROM links WHERE vehicle = $1 AND category = $2 ORDER BY part"

    def lookup(vehicle: int, category: int) -> Codes:
        return con.execute(query, [vehicle, category]).fetchnumpy()["part"]

    return lookup


def polars_lookup(frame: pl.DataFrame) -> Callable[[int, int], pl.Series]:
    def lookup(vehicle: int, category: int) -> pl.Series:
        found = frame.filter(pl.col("vehicle") == vehicle, pl.col("category") == category)
        return found.get_column("part")

    return lookup


def run_lookup(data: Data, stores: Stores, skip: set[str]) -> list[Row]:
    rng = np.random.default_rng(data.seed + 1)
    vehicles = rng.integers(0, data.n_vehicles, LOOKUP_CALLS).tolist()
    categories = rng.integers(0, data.n_categories, LOOKUP_CALLS).tolist()
    requests = list(zip(vehicles, categories, strict=True))
    category_start = data.catalog._links.category_start
    tools: dict[str, Callable[[int, int], Any]] = {
        "ours: fitment.part_codes": data.catalog.fitment.part_codes,
        "numpy: CSR + searchsorted": numpy_lookup(stores, category_start),
        "polars: filter sorted frame": polars_lookup(stores.frame),
    }
    if stores.duck is not None:
        tools["duckdb: parameterised query"] = duckdb_lookup(stores.duck)
    if stores.lite is not None:
        tools["sqlite: parameterised query"] = sqlite_lookup(stores.lite)
    rows: list[Row] = []
    expected: Any = None
    for tool, fn in active(tools, skip):
        seconds, results = timed_per_call(fn, requests)
        if expected is None:
            expected = results
        for (vehicle, category), want, got in zip(requests, expected, results, strict=False):
            if not np.array_equal(np.asarray(want), np.asarray(got)):
                raise ResultMismatch(f"lookup, {tool}: vehicle {vehicle}, category {category}")
        rows.append(Row("lookup", tool, seconds, reference=expected is results))
    return rows


# --------------------------------------------------------------------------------------------
# Workload: batch (vehicle, category) -> (request, part)


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


def run_batch_parts(data: Data, stores: Stores, m: int, repeats: int, skip: set) -> list[Row]:
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
        "ours: _core.gather_parts (codes)": lambda: _core.gather_parts(
            links.run_bounds,
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
    return run_batch("batch parts", tools, repeats, skip, data.n_parts)


# --------------------------------------------------------------------------------------------
# Workload: batch part -> (request, vehicle)


def numpy_vehicles_for_parts(stores: Stores, part: Codes) -> tuple[Codes, Codes]:
    low = stores.part_indptr[part]
    return expand(low, stores.part_indptr[part + 1] - low, stores.part_vehicle)


def run_batch_vehicles(data: Data, stores: Stores, m: int, repeats: int, skip: set) -> list[Row]:
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
        "ours: _core.gather_vehicles (codes)": lambda: _core.gather_vehicles(
            links.part_indptr, links.part_vehicle, universal, data.n_vehicles, part
        ),
        "ours: vehicles_for_parts (string ids)": lambda: api(part_ids),
        "ours: vehicles_for_parts (dictionary ids)": lambda: api(part_dict),
        "numpy: indptr + repeat gather": lambda: numpy_vehicles_for_parts(stores, part),
        "polars: join": lambda: polars_join(stores.frame, requests, ["part"], "vehicle"),
    }
    if (duck := stores.duck) is not None:
        tools["duckdb: join"] = lambda: duckdb_join(duck, requests, ["part"], "vehicle")
    return run_batch("batch vehicles", tools, repeats, skip, data.n_vehicles)


def run_batch(
    workload: str, tools: dict[str, Callable[[], Any]], repeats: int, skip: set, width: int
) -> list[Row]:
    rows: list[Row] = []
    expected: Any = None
    for tool, fn in active(tools, skip):
        seconds, (request, value) = timed(fn, repeats)
        keys = pair_keys(np.asarray(request), np.asarray(value), width)
        if expected is None:
            expected = keys
        check_pairs(f"{workload}, {tool}", expected, keys)
        rows.append(Row(workload, tool, seconds, len(keys), reference=expected is keys))
    return rows


# --------------------------------------------------------------------------------------------
# Report


def active(tools: dict[str, T], skip: set[str]) -> Iterator[tuple[str, T]]:
    """The tools not skipped (by the name before the colon), in order."""
    for tool, fn in tools.items():
        if tool.split(":")[0] not in skip:
            yield tool, fn


def human_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:,.3g} {unit}"
    return f"{seconds / 1e-9:,.3g} ns"


def table_lines(rows: list[Row]) -> list[list[str]]:
    lines = []
    references = {row.workload: row.seconds for row in rows if row.reference}
    for row in rows:
        rate = f"{row.rows / row.seconds / 1e6:,.1f} M" if row.rows and row.seconds else ""
        ratio = row.seconds / references[row.workload] if row.workload in references else None
        mark = " *" if row.reference else ""
        lines.append(
            [row.workload, row.tool + mark, human_time(row.seconds), rate, f"{ratio:,.2f}"]
        )
    return lines


HEADER = ["workload", "tool", "median", "rows/s", "theirs/ours"]


def format_text(lines: list[list[str]]) -> str:
    widths = [max(len(x) for x in column) for column in zip(HEADER, *lines, strict=True)]
    out = []
    for i, line in enumerate([HEADER, *lines]):
        cells = [
            c.ljust(w) if j < 2 else c.rjust(w)
            for j, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells))
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def format_markdown(lines: list[list[str]], facts: list[str]) -> str:
    body = ["| " + " | ".join(HEADER) + " |", "|---|---|---:|---:|---:|"]
    body += ["| " + " | ".join(line) + " |" for line in lines]
    return "\n".join(["# yunpei_match side by side", "", *[f"- {f}" for f in facts], "", *body, ""])


def facts_of(data: Data, stores: Stores, m: int, repeats: int) -> list[str]:
    stats = data.catalog.stats
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    setup = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stores.setup_seconds.items())
    return [
        f"scale {data.scale}: {stats.vehicles:,} vehicles, {stats.parts:,} parts, "
        f"{stats.categories:,} categories, {stats.fitment_rows:,} fitment rows",
        f"links {stats.links:,} stored (+ {len(data.part) - stats.links:,} universal spelled "
        f"out for the other tools = {len(data.part):,})",
        f"index memory: ours {stats.index_bytes / stats.links:.2f} bytes/link "
        f"({stats.index_bytes:,} B); numpy CSR {stores.numpy_bytes / len(data.part):.2f} "
        "bytes/link",
        f"batch requests {m:,}; repeats {repeats}; lookups up to {LOOKUP_CALLS:,} calls or "
        f"{LOOKUP_BUDGET_S:g} s per tool",
        f"machine: {cores} cores usable ({os.cpu_count()} total); python "
        f"{sys.version.split()[0]}, numpy {np.__version__}, polars {pl.__version__}, duckdb "
        f"{duckdb.__version__}, sqlite {sqlite3.sqlite_version}",
        f"setup of the other stores (not compared): {setup}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S", choices=list(synth.SCALES))
    parser.add_argument("--requests", type=int, help="batch requests (default by scale)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip", action="append", default=[], choices=TOOLS)
    parser.add_argument("--markdown", type=Path, help="also write the table here as markdown")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    m = args.requests or DEFAULT_REQUESTS.get(args.scale, 200_000)
    skip = set(args.skip)
    data = make_data(args.scale, args.seed)
    with scratch() as workdir:
        stores = make_stores(data, skip, workdir)
        rows = run_build(data, args.repeats, skip)
        rows += run_catalogue(data, args.repeats)
        rows += run_load(data, args.repeats, workdir)
        rows += run_lookup(data, stores, skip)
        rows += run_batch_parts(data, stores, m, args.repeats, skip)
        rows += run_batch_vehicles(data, stores, m, args.repeats, skip)
        facts = facts_of(data, stores, m, args.repeats)
    lines = table_lines(rows)
    print("\n".join(facts), end="\n\n")
    print(format_text(lines))
    print(f"\nall results equal across tools; ran in {time.perf_counter() - started:.1f} s")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(format_markdown(lines, facts), "utf-8")
    return 0


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="yunpei-compare-") as name:
        yield Path(name)


if __name__ == "__main__":
    sys.exit(main())
