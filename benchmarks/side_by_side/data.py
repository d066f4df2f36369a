"""The shared data: one catalogue, the plain links table the other tools get, and their stores.

The other tools get every (vehicle, category, part) link with universal parts spelled out for
every vehicle; yunpei_match keeps them aside. The stores are built once, before any timing, and
their setup times are reported as facts, not compared.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

import yunpei_match
from yunpei_match import synth
from yunpei_match._base.tables import as_table
from yunpei_match.fitment.encode import Applications, encode_fitments

from .timing import clocked

Codes = np.ndarray


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
    shape: str = "default"  # of yunpei_match.synth.SHAPES: the catalogue's, stock's, demand's

    @property
    def n_vehicles(self) -> int:
        return len(self.catalog.vehicle_ids)

    @property
    def n_parts(self) -> int:
        return len(self.catalog.part_ids)

    @property
    def n_categories(self) -> int:
        return len(self.catalog.category_ids)


def make_data(scale: str, seed: int, shape: str = "default") -> Data:
    tables = synth.generate(scale, seed=seed, shape=shape)
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
    return Data(
        scale, seed, tables, catalog, applications, universal, vehicle, category, part, shape
    )


def plain_links(catalog: yunpei_match.Catalog, universal: np.ndarray) -> tuple[Codes, Codes]:
    """Every (vehicle, part) pair, universal parts spelled out, sorted by vehicle then part."""
    links = catalog._links
    n_vehicles = len(catalog.vehicle_ids)
    per_vehicle = np.diff(links.vehicle_indptr())
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
    frame = clocked(
        setup,
        "polars: frame sorted by vehicle, category, part",
        lambda: pl.DataFrame(
            {"vehicle": data.vehicle, "category": data.category, "part": data.part}
        ).sort("vehicle", "category", "part"),
    )
    duck = lite = None
    if "duckdb" not in skip:
        duck = clocked(
            setup, "duckdb: CREATE TABLE ... ORDER BY", lambda: duckdb_store(frame.to_arrow())
        )
    if "sqlite" not in skip:
        lite = clocked(
            setup,
            "sqlite: executemany + CREATE INDEX",
            lambda: sqlite_store(data, workdir / "links.sqlite"),
        )
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
