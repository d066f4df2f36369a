"""Single lookups through an index: DuckDB with an ART index and a prepared statement.

What a user who wants point lookups from DuckDB does: a table keyed by the lookup key, an ART
index on it (``CREATE INDEX``) and a statement prepared once (``PREPARE``) and executed per call
(``EXECUTE name(value)``: DuckDB's Python API prepares a parameterised ``execute`` anew on every
call, and ``EXECUTE`` takes its arguments as literals). DuckDB decides between an index scan and
a table scan when a query runs, so the store checks with ``EXPLAIN ANALYZE`` that the prepared
lookup scans the index; were it not, the row would time something else than its name says.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import numpy as np
import pyarrow as pa

from .checks import ResultMismatch


def art_lookup(
    con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, out: str, example: str
) -> Callable[[str], np.ndarray]:
    """A lookup of the sorted distinct ``out`` values of a ``key`` (a SQL literal), by index.

    ``table`` (columns ``key`` and ``out``) becomes the DuckDB table ``name`` with an ART index
    on ``key``; ``example`` is the literal of a key in the table, to check the plan with (for a
    key absent from every row group's statistics DuckDB plans no scan at all).
    """
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")
    con.execute(f"CREATE INDEX {name}_key ON {name} (key)")
    con.execute(
        f"PREPARE {name}_lookup AS SELECT DISTINCT {out} FROM {name} WHERE key = $1 ORDER BY {out}"
    )
    plan = con.execute(f"EXPLAIN ANALYZE EXECUTE {name}_lookup({example})").fetchall()[0][1]
    if "Index Scan" not in plan:
        raise ResultMismatch(f"duckdb: the prepared lookup on {name} does not use its ART index")

    def lookup(key: str) -> np.ndarray:
        return con.execute(f"EXECUTE {name}_lookup({key})").fetchnumpy()[out]

    return lookup
