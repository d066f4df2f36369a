"""Workloads vin validate and vin vehicles: is a VIN valid, and which vehicles can it be.

vin validate
    Typed VINs (``vin_data.typed_vins``) to one validity flag each, under the Chinese rules
    (GB 16735: 17 characters of the VIN alphabet, a model-year code in position 10, the check
    digit in position 9, digits in positions 14-17). Ours: ``decode_vins`` (validation and
    decoding: WMI, maker, model years, ...) and ``validate_vins``. polars: an expression over
    the upper-cased VIN without spaces and dashes (a regex for the alphabet, ``str.slice`` per
    position, ``replace_strict`` transliteration, the weighted sum). Python: the same rules in
    a loop.
    The other tools validate only, and normalise ASCII only (the data has no full-width VINs).
    The rate counts VINs.
vin vehicles
    Valid VINs (``vin_data.pattern_vins``) to the vehicles of their most specific matching
    ``vin_patterns``. Ours: ``catalog.vins.vehicles_for_vins``. polars and DuckDB: the
    patterns split by wildcard mask, each mask's fixed characters as a key; the VINs' key per
    mask joined to them, then the hits of the highest specificity per VIN kept. The rate counts
    VINs.
"""

from __future__ import annotations

import re
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa

import yunpei_match

from .data import Data
from .limit import Limit, string_bytes
from .rows import Row
from .sampled import (
    Tool,
    pairs_race,
    prefix_flags,
    repeated,
    request_codes,
    sampled_race,
    setup_fact,
)
from .timing import clocked
from .vin_data import (
    CORRUPT_SHARE,
    LETTER_VALUES,
    MASKS,
    WEIGHTS,
    pattern_vins,
    typed_vins,
    vin_catalog,
    vin_patterns_table,
)

PYTHON_SAMPLE = 50_000
CHECK_VALUES = {str(d): d for d in range(10)} | LETTER_VALUES
VIN = re.compile("[A-HJ-NPR-Z0-9]{17}")
PolarsMasks = list[tuple[tuple[int, ...], pl.DataFrame]]


def python_valid(vin: str) -> bool:
    """Valid under the Chinese rules, in plain Python."""
    vin = vin.upper().replace(" ", "").replace("-", "").replace(".", "")
    if not VIN.fullmatch(vin) or vin[9] in "UZ0" or not vin[13:].isdigit():
        return False
    total = sum(CHECK_VALUES[c] * w for c, w in zip(vin, WEIGHTS, strict=True))
    return vin[8] == "0123456789X"[total % 11]


def polars_valid(vins: pl.Series) -> np.ndarray:
    """Valid under the Chinese rules, as polars expressions."""
    vin = pl.col("vin")
    total = pl.sum_horizontal(
        vin.str.slice(i, 1).replace_strict(CHECK_VALUES, default=0, return_dtype=pl.Int32) * w
        for i, w in enumerate(WEIGHTS)
        if w
    )
    remainder = total % 11
    check_digit = pl.when(remainder == 10).then(pl.lit("X")).otherwise(remainder.cast(pl.String))
    valid = (
        vin.str.contains(f"^{VIN.pattern}$")
        & ~vin.str.slice(9, 1).is_in(["U", "Z", "0"])
        & vin.str.slice(13, 4).str.contains("^[0-9]{4}$")
        & (vin.str.slice(8, 1) == check_digit)
    )
    return (
        pl.LazyFrame({"vin": vins})
        .select(vin=vin.str.to_uppercase().str.replace_all(r"[ .\-]", ""))
        .select(valid=valid)
        .collect()
        .get_column("valid")
        .to_numpy()
    )


def valid_flags(table: pa.Table) -> np.ndarray:
    return table.column("valid").to_numpy()


def run_vin_validate(vins: pa.Array, repeats: int, skip: set[str]) -> list[Row]:
    total = len(vins)
    series, strings = pl.Series(vins), vins.to_pylist()
    tools = {
        "ours: decode_vins": Tool(
            lambda n: valid_flags(yunpei_match.decode_vins(vins.slice(0, n))), total
        ),
        "ours: validate_vins": Tool(
            lambda n: valid_flags(yunpei_match.validate_vins(vins.slice(0, n))), total
        ),
        "polars: slice + replace_strict + weighted sum": Tool(
            lambda n: polars_valid(series[:n]), total
        ),
        "python: loop": Tool(
            lambda n: np.array([python_valid(v) for v in strings[:n]]),
            min(PYTHON_SAMPLE, total),
        ),
    }
    return sampled_race(
        "vin validate",
        tools,
        skip,
        total=total,
        clock=repeated(repeats, np.asarray),
        compare=prefix_flags,
    )


def mask_key(text: pl.Expr, fixed: tuple[int, ...]) -> pl.Expr:
    """The characters of ``text`` at the fixed positions, as one string."""
    return pl.concat_str([text.str.slice(i, 1) for i in fixed])


def polars_masks(patterns: pa.Table, vehicle: np.ndarray) -> PolarsMasks:
    """Per wildcard mask: its fixed positions and a (key, vehicle, specificity) frame."""
    frame = pl.DataFrame({"pattern": pl.Series(patterns.column("pattern")), "vehicle": vehicle})
    frame = frame.with_columns(mask=pl.col("pattern").str.replace_all("[^*]", "."))
    masks = []
    for (mask,), group in frame.group_by("mask", maintain_order=True):
        fixed = tuple(i for i, c in enumerate(str(mask)) if c != "*")
        keys = group.select(
            key=mask_key(pl.col("pattern"), fixed),
            vehicle="vehicle",
            specificity=pl.lit(len(fixed), pl.Int8),
        )
        masks.append((fixed, keys))
    return masks


def polars_vehicles(masks: PolarsMasks, vins: pl.Series) -> tuple[Any, Any]:
    frame = pl.LazyFrame({"vin": vins}).with_row_index("request_index")
    hits = pl.concat(
        frame.select("request_index", key=mask_key(pl.col("vin"), fixed)).join(keys.lazy(), "key")
        for fixed, keys in masks
    )
    best = hits.filter(pl.col("specificity") == pl.col("specificity").max().over("request_index"))
    found = best.select("request_index", "vehicle").unique().collect()
    return found.get_column("request_index").to_numpy(), found.get_column("vehicle").to_numpy()


def duckdb_store(masks: PolarsMasks) -> tuple[duckdb.DuckDBPyConnection, str]:
    """A DuckDB table of the pattern keys by mask, and the query joining VINs to it."""
    con = duckdb.connect()
    keys = pl.concat(k.with_columns(mask=pl.lit(i)) for i, (_, k) in enumerate(masks))
    con.register("keys_arrow", keys.to_arrow())
    con.execute("CREATE TABLE patterns AS SELECT * FROM keys_arrow")
    con.unregister("keys_arrow")
    joins = " UNION ALL ".join(
        "SELECT v.request_index, p.vehicle, p.specificity FROM vins v JOIN patterns p "
        f"ON p.mask = {i} AND p.key = {' || '.join(f'substr(v.vin, {j + 1}, 1)' for j in fixed)}"
        for i, (fixed, _) in enumerate(masks)
    )
    query = (
        "SELECT DISTINCT request_index, vehicle FROM (SELECT *, max(specificity) OVER "
        f"(PARTITION BY request_index) AS best FROM ({joins})) WHERE specificity = best"
    )
    return con, query


def duckdb_vehicles(con: duckdb.DuckDBPyConnection, query: str, vins: pa.Array) -> tuple:
    con.register("vins", pa.table({"request_index": np.arange(len(vins)), "vin": vins}))
    try:
        found = con.sql(query).to_arrow_table()
    finally:
        con.unregister("vins")
    return found.column(0).to_numpy(), found.column(1).to_numpy()


def run_vin_vehicles(
    catalog: yunpei_match.Catalog,
    patterns: pa.Table,
    vins: pa.Array,
    repeats: int,
    skip: set[str],
    setup: dict[str, float],
) -> list[Row]:
    vehicle = catalog.vehicle_ids.codes(patterns.column("vehicle_id"))
    masks = clocked(setup, "polars mask keys", lambda: polars_masks(patterns, vehicle))
    series, total = pl.Series(vins), len(vins)
    tools = {
        "ours: vins.vehicles_for_vins": Tool(
            lambda n: request_codes(catalog.vins.vehicles_for_vins(vins.slice(0, n)), "vehicle_id"),
            total,
        ),
        "polars: key per mask + join": Tool(lambda n: polars_vehicles(masks, series[:n]), total),
    }
    if "duckdb" not in skip:
        con, query = clocked(setup, "duckdb patterns table", lambda: duckdb_store(masks))
        tools["duckdb: key per mask + join"] = Tool(
            lambda n: duckdb_vehicles(con, query, vins.slice(0, n)), total
        )
    width = len(catalog.vehicle_ids)
    return pairs_race("vin vehicles", tools, skip, total, repeats, width)


def run_vins(
    data: Data, m: int, repeats: int, skip: set[str], limit: Limit
) -> tuple[list[Row], list[str]]:
    """Both VIN workloads, and the facts about them."""
    setup: dict[str, float] = {}
    typed = clocked(setup, "typed VINs", lambda: typed_vins(m, data.seed))
    patterns, stems = vin_patterns_table(data.tables["vehicles"], data.seed)
    catalog = clocked(setup, "VIN catalogue", lambda: vin_catalog(data.tables, patterns))
    vins = clocked(setup, "pattern VINs", lambda: pattern_vins(stems, m, data.seed))
    rows = run_vin_validate(typed, repeats, skip)
    model = "the VIN strings read (data + int32 offsets)"
    rows += limit.row(rows, "vin validate", 1, string_bytes(typed), model + " + 1 B flag written")
    rows += run_vin_vehicles(catalog, patterns, vins, repeats, skip, setup)
    pairs = catalog.vins.vehicles_for_vins(vins).num_rows
    fixed = string_bytes(vins) + 8 * pairs
    rows += limit.row(rows, "vin vehicles", 0, fixed, model + " + 8 B per (request, vehicle) pair")
    n_patterns = len(set(patterns.column("pattern").to_pylist()))
    return rows, [
        f"vins: {m:,} typed VINs (~{CORRUPT_SHARE:.0%} corrupted); {patterns.num_rows:,} "
        f"vin_patterns rows ({n_patterns:,} distinct patterns, {len(MASKS)} masks) over "
        f"{data.n_vehicles:,} vehicles; {m:,} pattern VINs",
        "vin validate, vin vehicles: rows/s counts VINs",
        setup_fact("VIN workloads", setup),
    ]
