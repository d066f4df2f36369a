"""Workload number lookup (single): one typed part number to its parts, timed per call.

The typed numbers of the batch workload (``number_data.typed_numbers``), one call each. Ours:
``catalog.numbers.lookup`` (normalises, finds the number, returns a table of its parts).
Against: the plain-Python key (``number_data.python_key``) and then one indexed query on a
(key, part) table: SQLite (in memory) with a B-tree index on (key, part) and a parameterised
query, DuckDB
with an ART index on the key and a prepared statement (``indexed``). Checked: the same part
codes, call by call. Median per call, over up to ``LOOKUP_CALLS`` numbers or
``LOOKUP_BUDGET_S`` per tool.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

import yunpei_match

from .checks import ResultMismatch
from .indexed import art_lookup
from .number_data import NumberData, python_key
from .rows import Row, race
from .timing import LOOKUP_CALLS, clocked, timed_per_call


def key_table(keys: list[str], stored_part: np.ndarray) -> pa.Table:
    return pa.table({"key": pa.array(keys, pa.string()), "part": stored_part.astype(np.int32)})


def sqlite_numbers(table: pa.Table) -> Callable[[str], list[int]]:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE numbers (key TEXT, part INTEGER)")
    with con:
        rows = zip(table.column("key").to_pylist(), table.column("part").to_pylist(), strict=True)
        con.executemany("INSERT INTO numbers VALUES (?, ?)", rows)
        con.execute("CREATE INDEX numbers_key ON numbers (key, part)")
    con.execute("ANALYZE")
    query = "SELECT DISTINCT part FROM numbers WHERE key = ? ORDER BY part"

    def lookup(number: str) -> list[int]:
        return [part for (part,) in con.execute(query, (python_key(number),))]

    return lookup


def duckdb_numbers(table: pa.Table) -> Callable[[str], np.ndarray]:
    # Keys hold A-Z and 0-9 only (python_key), so they go into the literal as they are.
    example = f"'{table.column('key')[0].as_py()}'"
    found = art_lookup(duckdb.connect(), "numbers_art", table, "part", example)

    def lookup(number: str) -> np.ndarray:
        return found(f"'{python_key(number)}'")

    return lookup


def ours_number(catalog: yunpei_match.Catalog) -> Callable[[str], np.ndarray]:
    def lookup(number: str) -> np.ndarray:
        parts = catalog.numbers.lookup(number).column("part_id").combine_chunks()
        return np.unique(parts.indices.to_numpy())

    return lookup


def check_numbers(requests: list[str]) -> Callable[[str, list[Any], list[Any]], None]:
    def check(what: str, expected: list[Any], got: list[Any]) -> None:
        for number, want, have in zip(requests, expected, got, strict=False):
            if not np.array_equal(np.asarray(want), np.asarray(have)):
                raise ResultMismatch(f"{what}: number {number!r}")

    return check


def run_number_single(
    numbers: NumberData,
    keys: list[str],
    skip: set[str],
    setup: dict[str, float],
) -> list[Row]:
    requests = numbers.typed.slice(0, LOOKUP_CALLS).to_pylist()
    table = key_table(keys, numbers.stored_part)
    tools: dict[str, Callable[[str], Any]] = {"ours: numbers.lookup": ours_number(numbers.catalog)}
    if "sqlite" not in skip:
        tools["sqlite: B-tree index, parameterised query"] = clocked(
            setup,
            "sqlite numbers table + index (in memory)",
            lambda: sqlite_numbers(table),
        )
    if "duckdb" not in skip:
        tools["duckdb: ART index, prepared statement"] = clocked(
            setup, "duckdb numbers table + ART index", lambda: duckdb_numbers(table)
        )
    return race(
        "number lookup (single)",
        tools,
        skip,
        lambda fn: timed_per_call(fn, [(number,) for number in requests]),
        check_numbers(requests),
        lambda _: None,
    )
