"""Workload lookup: one (vehicle, category) to its part codes, timed per call.

DuckDB answers twice: by a parameterised query on the table sorted by the key (zone maps skip
the other row groups), and through an ART index on a packed key ``vehicle * categories +
category`` (``indexed``; DuckDB scans an index for one column only) with a prepared statement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import polars as pl

from .checks import ResultMismatch
from .data import Codes, Data, Stores
from .indexed import art_lookup
from .rows import Row, race
from .timing import LOOKUP_CALLS, clocked, timed_per_call


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


def duckdb_art_lookup(
    con: duckdb.DuckDBPyConnection, data: Data, stores: Stores
) -> Callable[[int, int], Codes]:
    n_categories = data.n_categories
    links = stores.frame.select(
        key=pl.col("vehicle").cast(pl.Int64) * n_categories + pl.col("category"), part="part"
    )
    example = str(links.item(0, "key"))
    found = art_lookup(con, "links_art", links.to_arrow(), "part", example)

    def lookup(vehicle: int, category: int) -> Codes:
        return found(str(vehicle * n_categories + category))

    return lookup


def polars_lookup(frame: pl.DataFrame) -> Callable[[int, int], pl.Series]:
    def lookup(vehicle: int, category: int) -> pl.Series:
        found = frame.filter(pl.col("vehicle") == vehicle, pl.col("category") == category)
        return found.get_column("part")

    return lookup


def check_lookups(requests: list[tuple[int, int]]) -> Callable[[str, list[Any], list[Any]], None]:
    """A check that the answers to the requests are equal, one by one."""

    def check(what: str, expected: list[Any], got: list[Any]) -> None:
        for (vehicle, category), want, have in zip(requests, expected, got, strict=False):
            if not np.array_equal(np.asarray(want), np.asarray(have)):
                raise ResultMismatch(f"{what}: vehicle {vehicle}, category {category}")

    return check


def run_lookup(data: Data, stores: Stores, skip: set[str], setup: dict[str, float]) -> list[Row]:
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
        tools["duckdb: ART index, prepared statement"] = clocked(
            setup,
            "duckdb: ART index on the packed lookup key",
            lambda: duckdb_art_lookup(stores.duck, data, stores),
        )
    if stores.lite is not None:
        tools["sqlite: covering index, parameterised query"] = sqlite_lookup(stores.lite)
    return race(
        "lookup",
        tools,
        skip,
        lambda fn: timed_per_call(fn, requests),
        check_lookups(requests),
        lambda _: None,
    )
