"""The files ``synth`` writes: the generated catalogue and stock, and an input for each job.

The catalogue, OE numbers, warehouses, stock and order lines come from
:mod:`yunpei_match.synth`; the other inputs are drawn here from what was generated (see
:mod:`._synth`). Apart from the command's module so that the command line starts without numpy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import synth
from ._synth import DEFAULT_ROWS

__all__ = ["requests", "typed_numbers", "vins", "write_synthetic"]

TYPO_SHARE = 0.05
BAD_VIN_SHARE = 0.02
VIN_ALPHABET = np.frombuffer(b"0123456789ABCDEFGHJKLMNPRSTUVWXYZ", np.uint8)
YEAR_CODES = np.frombuffer(b"ABCDEFGHJKLMNPRS", np.uint8)  # 2010 to 2025
WMIS = "LFV LSV LSG LGB LVG LHG LBV LE4 LGW LB3 LZW LRW WVW WBA WDD VF1 JTD JHM KMH 1FA 5YJ"
# ISO 3779 transliteration (letters by table, digits as such) and position weights
LETTERS = dict(
    zip("ABCDEFGHJKLMNPRSTUVWXYZ", (*range(1, 9), *range(1, 6), 7, 9, *range(2, 10)), strict=True)
)
WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2])


def write_synthetic(
    directory: Path, scale: str, *, seed: int = 0, rows: int | None = None
) -> dict[str, tuple[Path, int]]:
    """Write the catalogue, stock and inputs; each table's path and row count."""
    n = DEFAULT_ROWS[scale] if rows is None else rows
    paths = synth.write_parquet(directory, scale, seed=seed, stock=True)
    parts = pq.read_table(paths["parts"])
    stock = pq.read_table(paths["stock"])
    orders = synth.generate_orders({"parts": parts}, {"stock": stock}, n_lines=n, seed=seed)
    fitments = pq.read_table(paths["fitments"], columns=["vehicle_id", "part_id"])
    rng = np.random.default_rng([seed, 0x5EED])
    inputs = {
        "orders": orders,
        "requests": requests(fitments, parts, orders, n, rng),
        "numbers": typed_numbers(parts, pq.read_table(paths["oe_numbers"]), n, rng),
        "vins": pa.table({"request_id": _ids("V", n), "vin": vins(n, rng)}),
    }
    for name, table in inputs.items():
        paths[name] = directory / f"{name}.parquet"
        pq.write_table(table, paths[name])
    return {name: (path, pq.ParquetFile(path).metadata.num_rows) for name, path in paths.items()}


def requests(
    fitments: pa.Table, parts: pa.Table, orders: pa.Table, n: int, rng: np.random.Generator
) -> pa.Table:
    """Vehicles with the category of a part fitting them, at shops where orders come from."""
    vehicle = fitments.column("vehicle_id")
    rows = rng.integers(0, fitments.num_rows, size=2 * n + 16)
    rows = rows[np.asarray(vehicle.take(pa.array(rows)).is_valid())][:n]
    part = fitments.column("part_id").take(pa.array(rows)).cast(pa.string())
    at = pc.index_in(part, value_set=parts.column("part_id").cast(pa.string()))
    shop = pa.array(rng.integers(0, orders.num_rows, size=len(rows)))
    return pa.table(
        {
            "request_id": _ids("R", len(rows)),
            "vehicle_id": vehicle.take(pa.array(rows)).cast(pa.string()),
            "category": parts.column("category").take(at),
            "lat": orders.column("lat").take(shop),
            "lon": orders.column("lon").take(shop),
        }
    )


def typed_numbers(
    parts: pa.Table, oe_numbers: pa.Table, n: int, rng: np.random.Generator
) -> pa.Table:
    """Part and OE numbers as typed: lower case, no spaces or dashes, a few with a typo."""
    pool = pa.concat_arrays(
        [
            parts.column("part_number").combine_chunks().cast(pa.string()),
            oe_numbers.column("oe_number").combine_chunks().cast(pa.string()),
        ]
    )
    typed = pool.take(pa.array(rng.integers(0, len(pool), size=n))).to_pylist()
    style = rng.integers(0, 3, size=n)
    typo = rng.random(n) < TYPO_SHARE
    spots = rng.random(n)
    chars = rng.choice(list("0123456789ABCDEFGHJKLMNPRSTUVWXYZ"), size=n)
    for i, number in enumerate(typed):
        if style[i] == 1:
            number = number.lower()
        elif style[i] == 2:
            number = number.replace(" ", "").replace("-", "")
        if typo[i] and number:
            k = int(spots[i] * len(number))
            number = number[:k] + chars[i] + number[k + 1 :]
        typed[i] = number
    return pa.table({"request_id": _ids("N", n), "number": pa.array(typed, pa.string())})


def vins(n: int, rng: np.random.Generator) -> pa.Array:
    """Valid VINs of real makers (model years 2010-2025), a few with a wrong check digit."""
    wmis = np.frombuffer("".join(WMIS.split()).encode(), np.uint8).reshape(-1, 3)
    chars = VIN_ALPHABET[rng.integers(0, len(VIN_ALPHABET), size=(n, 17))]
    chars[:, :3] = wmis[rng.integers(0, len(wmis), size=n)]
    chars[:, 9] = YEAR_CODES[rng.integers(0, len(YEAR_CODES), size=n)]
    chars[:, 11:] = VIN_ALPHABET[rng.integers(0, 10, size=(n, 6))]  # the serial is digits
    values = np.zeros(256, np.int64)
    values[VIN_ALPHABET[:10]] = np.arange(10)
    values[np.frombuffer("".join(LETTERS).encode(), np.uint8)] = list(LETTERS.values())
    check = (values[chars] * WEIGHTS).sum(axis=1) % 11
    wrong = rng.random(n) < BAD_VIN_SHARE
    check[wrong] = (check[wrong] + 1 + rng.integers(0, 10, size=int(wrong.sum()))) % 11
    chars[:, 8] = np.frombuffer(b"0123456789X", np.uint8)[check]
    offsets = np.arange(0, 17 * n + 1, 17, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes()))


def _ids(prefix: str, n: int) -> pa.Array:
    return pa.array([f"{prefix}{i:07d}" for i in range(n)], pa.string())
