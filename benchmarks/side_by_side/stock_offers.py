"""Offers for one VIN in SQL: DuckDB and SQLite, one parameterised query each.

What ``catalog.offers(vin=..., category=..., lat=..., lon=..., inventory=...)`` answers, as a
user would write it over plain tables (codes, built once; setup not timed):

``patterns (mask, key, vehicle, specificity)``
    The ``vin_patterns`` split by wildcard mask, the fixed characters of each as ``key``
    (``vins.polars_masks``); a VIN's key per mask is ``substr`` of it in SQL, and the vehicles
    of the most specific matching patterns are the VIN's candidates.
``links (vehicle, category, part)``
    The fitment links, universal parts spelled out (the table of the lookup workloads).
``groups (part, grp)`` and ``parts (part, category)``
    The catalogue's interchange groups: a group's other parts of the asked category are
    substitutes of a fitting part.
``stock (part, warehouse, available)`` and ``warehouses (warehouse, lat, lon, cos_lat, kind)``
    Positions in radians; warehouse codes in ``warehouse_id`` order (``nearest.StockStore``).

The query: the candidate vehicles, their fitting parts in the category, the substitutes, every
stock row holding the quantity with its haversine distance and delivery tier (a ``CASE`` made
from the inventory's tier rules), the best row of each part by (tier, km, warehouse), and the
first ``limit`` parts by (tier, km, substitute, part), as ``offers`` ranks them.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

import yunpei_match

from .checks import ResultMismatch
from .nearest import KM_TOLERANCE, R_KM, StockStore
from .vins import PolarsMasks

Offer = tuple[int, int, int, bool]  # part, warehouse, tier rank, substitute


def tier_case(inventory: yunpei_match.Inventory, kinds: tuple[str, ...]) -> str:
    """The tier rank of a row (``kind`` code, ``km``) under the inventory's rules, in SQL."""
    names = inventory.tiers.names
    cases = []
    for rule in inventory.tiers.rules:
        if rule.categories is not None:
            raise NotImplementedError("tier rules by category are not written in SQL here")
        test = [] if rule.max_km == float("inf") else [f"km <= {rule.max_km!r}"]
        if rule.kinds is not None:
            codes = [str(kinds.index(k)) for k in rule.kinds if k in kinds] or ["-1"]
            test.append(f"kind IN ({', '.join(codes)})")
        cases.append(f"WHEN {' AND '.join(test) or 'TRUE'} THEN {names.index(rule.tier)}")
    return f"CASE {' '.join(cases)} ELSE {len(names)} END"


def offers_sql(masks: PolarsMasks, tiers: str, param: str, least: str, join: str) -> str:
    """The query, with parameters ``vin``, ``category``, ``lat``, ``lon``, ``qty``, ``limit``
    written ``{param}name`` (``:`` for SQLite, ``$`` for DuckDB); ``least`` is the SQL of the
    smaller of two values and ``join`` of an inner join (SQLite's ``CROSS JOIN`` keeps the
    order written: from the few candidates to their stock, not the other way round)."""
    vin, p, j = f"{param}vin", param, join
    hits = " UNION ALL ".join(
        f"SELECT vehicle, specificity FROM patterns WHERE mask = {i} AND key = "
        + " || ".join(f"substr({vin}, {j + 1}, 1)" for j in fixed)
        for i, (fixed, _) in enumerate(masks)
    )
    km = (
        f"2 * {R_KM} * asin({least}(1.0, sqrt(pow(sin((w.lat - radians({p}lat)) / 2), 2) "
        f"+ w.cos_lat * cos(radians({p}lat)) * pow(sin((w.lon - radians({p}lon)) / 2), 2))))"
    )
    return f"""
WITH hits AS ({hits}),
vehicles AS (
    SELECT DISTINCT vehicle FROM hits WHERE specificity = (SELECT max(specificity) FROM hits)
),
fit AS MATERIALIZED (
    SELECT DISTINCT l.part FROM vehicles v
    {j} links l ON l.vehicle = v.vehicle AND l.category = {p}category
),
sub AS MATERIALIZED (
    SELECT DISTINCT m.part FROM fit f
    {j} groups g ON g.part = f.part
    {j} groups m ON m.grp = g.grp
    {j} parts c ON c.part = m.part
    WHERE c.category = {p}category AND m.part NOT IN (SELECT part FROM fit)
),
candidates AS MATERIALIZED (
    SELECT part, 0 AS substitute FROM fit UNION ALL SELECT part, 1 FROM sub
),
located AS (
    SELECT c.part, c.substitute, s.warehouse, w.kind, {km} AS km
    FROM candidates c
    {j} stock s ON s.part = c.part
    {j} warehouses w ON w.warehouse = s.warehouse
    WHERE s.available >= {p}qty
),
tiered AS (SELECT *, {tiers} AS tier FROM located),
best AS (
    SELECT *, row_number() OVER (PARTITION BY part ORDER BY tier, km, warehouse) AS n
    FROM tiered
)
SELECT part, warehouse, tier, substitute, km FROM best WHERE n = 1
ORDER BY tier, km, substitute, part
LIMIT {p}limit
"""


def offer_tables(
    store: StockStore, masks: PolarsMasks, catalog: yunpei_match.Catalog
) -> dict[str, pa.Table]:
    """The tables of the query but ``links`` (which the lookup stores hold already)."""
    part_group = catalog.numbers.interchange_groups[0]
    n_parts = len(catalog.part_ids)
    lat, lon = np.radians(store.lat), np.radians(store.lon)
    patterns = pl.concat(
        keys.with_columns(mask=pl.lit(i, pl.Int32)) for i, (_, keys) in enumerate(masks)
    )
    return {
        "patterns": patterns.to_arrow(),
        "parts": pa.table(
            {
                "part": np.arange(n_parts, dtype=np.int32),
                "category": catalog.part_category,
            }
        ),
        "groups": pa.table({"part": np.arange(n_parts, dtype=np.int32), "grp": part_group}),
        "stock": pa.table(
            {
                "part": (store.key // store.n_warehouses).astype(np.int32),
                "warehouse": store.warehouse,
                "available": store.available,
            }
        ),
        "warehouses": pa.table(
            {
                "warehouse": np.arange(store.n_warehouses, dtype=np.int32),
                "lat": lat,
                "lon": lon,
                "cos_lat": np.cos(lat),
                "kind": store.kind.astype(np.int32),
            }
        ),
    }


INDEXES = (  # name, table, columns
    ("patterns_key", "patterns", "mask, key, vehicle, specificity"),
    ("groups_group", "groups", "grp, part"),
    ("stock_part", "stock", "part, available, warehouse"),
)


def sqlite_type(arrow: pa.DataType) -> str:
    """The declared type: the column affinity must match for an index to serve a join."""
    if pa.types.is_integer(arrow):
        return "INTEGER"
    return "REAL" if pa.types.is_floating(arrow) else "TEXT"


def sqlite_offers_store(con: sqlite3.Connection, tables: dict[str, pa.Table]) -> None:
    """Load the tables into SQLite: primary keys on codes, covering indexes for the joins."""
    keys = {"parts": "part", "groups": "part", "warehouses": "warehouse"}
    with con:
        for name, table in tables.items():
            columns = ", ".join(
                f"{f.name} {sqlite_type(f.type)}"
                + (" PRIMARY KEY" if keys.get(name) == f.name else "")
                for f in table.schema
            )
            con.execute(f"CREATE TABLE {name} ({columns})")
            marks = ", ".join("?" * table.num_columns)
            rows = zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True)
            con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
        for name, table, columns in INDEXES:
            con.execute(f"CREATE INDEX {name} ON {table} ({columns})")
    con.execute("ANALYZE")


def duckdb_offers_store(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    """Load the tables into DuckDB, sorted by their join keys (zone maps skip the rest)."""
    order = {"patterns": "mask, key", "stock": "part, warehouse", "groups": "part"}
    for name, table in tables.items():
        con.register(f"{name}_arrow", table)
        by = f" ORDER BY {order[name]}" if name in order else ""
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow{by}")
        con.unregister(f"{name}_arrow")


def sqlite_offers(con: sqlite3.Connection, query: str, params: dict[str, Any]) -> list[tuple]:
    return con.execute(query, params).fetchall()


def duckdb_offers(con: duckdb.DuckDBPyConnection, query: str, params: dict[str, Any]) -> list:
    return con.execute(query, params).fetchall()


def ours_offers(
    table: pa.Table, catalog: yunpei_match.Catalog, store: StockStore, names: list[str]
) -> list[tuple]:
    """An ``offers`` table as (part, warehouse, tier rank, substitute, km) rows."""
    if not table.num_rows:
        return []
    part = catalog.part_ids.codes(table.column("part_id")).tolist()
    warehouse = pc.index_in(table.column("warehouse_id").cast(pa.string()), store.ids)
    tier = [len(names) if t is None else names.index(t) for t in table.column("tier").to_pylist()]
    return list(
        zip(
            part,
            warehouse.to_pylist(),
            tier,
            [int(s) for s in table.column("substitute").to_pylist()],
            table.column("km").to_pylist(),
            strict=True,
        )
    )


def compare_offers(what: str, expected: list[list[tuple]], got: list[list[tuple]]) -> None:
    """The same offers in the same order, distances within 1e-6 km, for each request."""
    for request, (want, have) in enumerate(zip(expected, got, strict=False)):
        same = len(want) == len(have) and all(
            tuple(a[:4]) == tuple(b[:4]) and abs(a[4] - b[4]) <= KM_TOLERANCE
            for a, b in zip(want, have, strict=True)
        )
        if not same:
            raise ResultMismatch(
                f"{what}: request {request} differs from yunpei_match's: {have[:3]} ... vs "
                f"{want[:3]} ... ({len(have)} vs {len(want)} offers)"
            )
