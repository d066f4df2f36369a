"""Links read back from a generated catalogue: which parts fit which vehicles, at which position.

The number and stock generators take the tables :func:`generate` returns (or reads back from
parquet), not its internal state, so they recover what they need here: fitment rows by vehicle
id are taken as they are, and range rows are compiled to the vehicles they match by make, model,
year range and engine, the only qualifier the generator writes. The vehicles need not be sorted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._names import _POSITIONS

_YEARS = 10_000  # key stride of (family, year) keys: years are below it
_SLICE = 1 << 21  # rows per np.bincount call


class _Links(NamedTuple):
    part: np.ndarray  # int32 part code (row of the parts table)
    vehicle: np.ndarray  # int32 vehicle code (row of the vehicles table)
    position: np.ndarray  # int8 index into _POSITIONS, -1 for none
    n_parts: int
    n_vehicles: int


def _require(tables: object, names: tuple[str, ...]) -> Mapping[str, pa.Table]:
    if not isinstance(tables, Mapping):
        raise TypeError(f"tables must be a dict of tables, got {type(tables).__name__}")
    missing = [name for name in names if name not in tables]
    if missing:
        wanted = ", ".join(repr(name) for name in names)
        raise ValueError(f"tables must hold {wanted} as generate() returns; missing {missing[0]!r}")
    return tables


def _column(table: pa.Table, name: str) -> pa.Array:
    return table.column(name).combine_chunks()


def _codes(values: pa.Array, vocabulary: pa.Array) -> np.ndarray:
    """Index of each value in ``vocabulary``; -1 for nulls and values not in it.

    Integers of at most 32 bits, int8 for a vocabulary of fewer than 128 values.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):
        indices = _indices(values)
        if values.null_count == 0 and values.dictionary.equals(vocabulary):
            return indices  # encoded over the vocabulary itself, as generate() does at "L"
        # map the dictionary once and take through the indices, not hash every row
        lut = np.append(_codes(values.dictionary, vocabulary), np.int32(-1))
        return lut.astype(np.int8 if len(vocabulary) < 2**7 else np.int32)[indices]
    if values.equals(vocabulary):
        return np.arange(len(values), dtype=np.int32)
    found = pc.index_in(values.cast(vocabulary.type), value_set=vocabulary)
    return found.fill_null(-1).to_numpy().astype(np.int32)


def _links(tables: Mapping[str, pa.Table]) -> _Links:
    """Every fitment row's (part, vehicle, position), range rows expanded; duplicates kept."""
    vehicles, parts, fitments = tables["vehicles"], tables["parts"], tables["fitments"]
    part = _codes(_column(fitments, "part_id"), _column(parts, "part_id").cast(pa.string()))
    vehicle_ids = _column(fitments, "vehicle_id")
    vehicle = _codes(vehicle_ids, _column(vehicles, "vehicle_id").cast(pa.string()))
    position = _codes(_column(fitments, "position"), pa.array(_POSITIONS)).astype(
        np.int8, copy=False
    )
    if vehicle_ids.null_count == 0 and (vehicle >= 0).all() and (part >= 0).all():
        return _Links(part, vehicle, position, parts.num_rows, vehicles.num_rows)
    by_id = np.flatnonzero(vehicle >= 0)
    if vehicle_ids.null_count:
        by_range = pc.is_null(vehicle_ids)
        row, matched = _range_matches(vehicles, fitments.filter(by_range))
        ranged = np.flatnonzero(np.asarray(by_range))[row]
        part = np.concatenate([part[by_id], part[ranged]])
        position = np.concatenate([position[by_id], position[ranged]])
        vehicle = np.concatenate([vehicle[by_id], matched])
    elif len(by_id) < len(vehicle):
        part, vehicle, position = part[by_id], vehicle[by_id], position[by_id]
    keep = part >= 0
    if not keep.all():
        part, vehicle, position = part[keep], vehicle[keep], position[keep]
    return _Links(part, vehicle, position, parts.num_rows, vehicles.num_rows)


def _fitted_counts(tables: Mapping[str, pa.Table]) -> np.ndarray:
    """Fitment rows of each part once range rows are expanded: the vehicles it fits, counting
    a vehicle twice where the part fits two positions. No array as long as the fitments."""
    vehicles, parts, fitments = tables["vehicles"], tables["parts"], tables["fitments"]
    ids = _column(parts, "part_id").cast(pa.string())
    part, vehicle_ids = _column(fitments, "part_id"), fitments.column("vehicle_id")
    if not vehicle_ids.null_count:
        return _count_codes(part, ids)
    by_range = pc.is_null(vehicle_ids)
    rows = fitments.filter(by_range)
    row, _ = _range_matches(vehicles, rows)
    ranged = _codes(_column(rows, "part_id"), ids)[row]
    by_id = _count_codes(part.filter(pc.invert(by_range)), ids)
    return by_id + np.bincount(ranged[ranged >= 0], minlength=len(ids))


def _count_codes(values: pa.Array, vocabulary: pa.Array) -> np.ndarray:
    """How often each entry of ``vocabulary`` occurs in ``values``."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_dictionary(values.type):
        codes = _codes(values, vocabulary)
        return _bincount(codes[codes >= 0], len(vocabulary))
    # count dictionary indices, then map the counts: one pass over the rows, none hashing
    indices = _indices(values)
    per_entry = _bincount(indices, len(values.dictionary) + 1)[:-1]
    lut = _codes(values.dictionary, vocabulary)
    counts = np.zeros(len(vocabulary), np.int64)
    np.add.at(counts, lut[lut >= 0], per_entry[lut >= 0])
    return counts


def _indices(values: pa.DictionaryArray) -> np.ndarray:
    """The indices of a dictionary array, one past the dictionary where null."""
    if values.null_count:
        return pc.fill_null(values.indices, len(values.dictionary)).to_numpy()
    return values.indices.to_numpy()


def _bincount(codes: np.ndarray, n: int) -> np.ndarray:
    """``np.bincount`` a slice at a time: its int64 copy of the input stays small and is reused
    rather than a fresh array as long as the input (first-touch page faults dominate)."""
    counts = np.zeros(n, np.int64)
    for start in range(0, len(codes), _SLICE):
        counts += np.bincount(codes[start : start + _SLICE], minlength=n)
    return counts


def _family_keys(
    table: pa.Table, year: str, families: pa.Array | None = None
) -> tuple[np.ndarray, pa.Array]:
    """(family, year) keys of a table's rows; families are the distinct make + model pairs."""
    family = pc.binary_join_element_wise(
        _column(table, "make").cast(pa.string()), _column(table, "model").cast(pa.string()), "\x1f"
    )
    if families is None:
        families = pc.unique(family)
    code = _codes(family, families).astype(np.int64)
    years = _column(table, year).cast(pa.int64()).fill_null(-1).to_numpy()
    return np.where(code >= 0, code * _YEARS + years, -1), families


def _range_matches(vehicles: pa.Table, rows: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """(range row, vehicle code) of each vehicle a range row matches."""
    vehicle_key, families = _family_keys(vehicles, "year")
    first, _ = _family_keys(rows, "year_from", families)
    last, _ = _family_keys(rows, "year_to", families)
    order = np.argsort(vehicle_key, kind="stable")
    sorted_key = vehicle_key[order]
    lo = np.searchsorted(sorted_key, first, side="left")
    hi = np.searchsorted(sorted_key, last, side="right")
    lens = np.where((first >= 0) & (last >= first), hi - lo, 0)
    row = np.repeat(np.arange(len(lens)), lens)
    # the i-th match of a row whose matches begin at offset o is sorted vehicle lo + i - o
    vehicle = order[np.arange(len(row)) + np.repeat(lo - (np.cumsum(lens) - lens), lens)]
    engines = pc.unique(_column(vehicles, "engine").cast(pa.string()))
    wanted = _column(rows, "engine")
    # a null engine matches any; an engine no vehicle has (-1 here) matches none
    any_engine = np.asarray(pc.is_null(wanted))[row]
    wanted_code = _codes(wanted, engines)[row]
    vehicle_engine = _codes(_column(vehicles, "engine"), engines)[vehicle]
    keep = any_engine | ((wanted_code >= 0) & (wanted_code == vehicle_engine))
    return row[keep], vehicle[keep].astype(np.int32)
