"""Workloads build, catalogue and load: making the fitment index, and reading a saved one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

import yunpei_match
from yunpei_match.fitment.links import build_links

from .checks import ResultMismatch, check_arrays
from .data import Codes, Data, csr
from .limit import Limit
from .rows import Row, race
from .timing import timed


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


def run_build(data: Data, repeats: int, skip: set[str], limit: Limit) -> list[Row]:
    app = data.applications
    sizes = (data.n_vehicles, data.n_parts)
    tools = {
        "ours: build_links": lambda: ours_build(data),
        "numpy: sort packed keys, bincount CSR": lambda: numpy_build(app.vehicle, app.part, *sizes),
        "polars: sort + unique packed keys": lambda: polars_build(app.vehicle, app.part, *sizes),
    }
    rows = race(
        "build", tools, skip, lambda fn: timed(fn, repeats), check_arrays, lambda _: len(app.part)
    )
    model = (
        "8 B per input row read (int32 vehicle, part) + 8 B per link written (the part code by "
        "vehicle, the vehicle code by part)"
    )
    return rows + limit.row(rows, "build", 8, 8 * data.catalog.stats.links, model)


def run_catalogue(data: Data, repeats: int) -> list[Row]:
    seconds, catalog = timed(lambda: yunpei_match.Catalog.from_tables(**data.tables), repeats)
    if catalog.stats.links != data.catalog.stats.links:
        raise ResultMismatch("catalogue: a rebuild holds a different number of links")
    rows = data.tables["fitments"].num_rows
    return [Row("catalogue", "ours: Catalog.from_tables", seconds, rows, reference=True)]


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
