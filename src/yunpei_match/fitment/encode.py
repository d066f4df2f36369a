"""From input tables to encoded arrays: vehicles and parts in code order, fitment rows compiled.

Vehicle codes are positions in the vehicle ids sorted bytewise. Part codes are positions after
sorting parts by (category, part_id), so one category is one contiguous range of codes: that is
what lets a (vehicle, category) query read one run of links (see ``_kernels.pyx``).

A fitment row names either a ``vehicle_id`` or ``make`` + ``model`` + ``year_from`` +
``year_to``. Range rows are expanded to the vehicles they match, as ACES year-range applications
are expanded to base vehicles; any fitment column that is also a vehicle column acts as a
qualifier (null = any value). Qualifiers apply to range rows only: a row naming a vehicle_id is
taken as it is.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from .._base.ids import IdDictionary
from .._base.tables import check_unique, int_column, is_string_type, require_columns, string_column
from ..errors import ColumnTypeError, DataError, MissingColumnError

__all__ = ["Applications", "encode_fitments", "encode_parts", "encode_vehicles"]

VEHICLE_COLUMNS = ("vehicle_id", "make", "model", "year")
PART_COLUMNS = ("part_id", "brand", "part_number", "category")
RANGE_COLUMNS = ("make", "model", "year_from", "year_to")
DETAIL_COLUMNS = ("position", "qty", "note")
MIN_YEAR, MAX_YEAR = 1896, 2100  # ACES's earliest model year; a generous upper bound
MAX_POSITIONS = 65535  # 2**16 positions x 2**15 quantities x 2**31 notes fit a 2**62 key


def encode_vehicles(vehicles: pa.Table) -> pa.Table:
    """Validate the vehicles table and return it sorted by vehicle_id (the code order)."""
    require_columns(vehicles, "vehicles", VEHICLE_COLUMNS)
    ids = string_column(vehicles, "vehicles", "vehicle_id", blank=False)
    check_unique(ids, "vehicles", "vehicle_id")
    columns = {
        "vehicle_id": ids.cast(pa.string()),
        "make": string_column(vehicles, "vehicles", "make").cast(pa.string()),
        "model": string_column(vehicles, "vehicles", "model").cast(pa.string()),
        "year": int_column(vehicles, "vehicles", "year", low=MIN_YEAR, high=MAX_YEAR).cast(
            pa.int16()
        ),
    }
    table = vehicles.select([c for c in vehicles.column_names if c not in columns])
    for position, (name, column) in enumerate(columns.items()):
        table = table.add_column(position, name, column)
    return table.take(pc.sort_indices(table, [("vehicle_id", "ascending")]))


def encode_parts(parts: pa.Table) -> tuple[pa.Table, pa.Array, npt.NDArray[np.int32]]:
    """Validate parts; return them in code order, the sorted categories and category starts."""
    require_columns(parts, "parts", PART_COLUMNS)
    ids = string_column(parts, "parts", "part_id", blank=False)
    check_unique(ids, "parts", "part_id")
    columns = {"part_id": ids.cast(pa.string())}
    for name in PART_COLUMNS[1:]:
        # A blank category is refused like a blank id: it names no run a query could ask for.
        blank = name != "category"
        columns[name] = string_column(parts, "parts", name, blank=blank).cast(pa.string())
    columns["universal"] = _universal_column(parts)
    table = parts.select([c for c in parts.column_names if c not in columns])
    for position, (name, column) in enumerate(columns.items()):
        table = table.add_column(position, name, column)
    table = table.take(
        pc.sort_indices(table, [("category", "ascending"), ("part_id", "ascending")])
    )
    categories = pc.unique(table.column("category").combine_chunks())
    counts = pc.value_counts(table.column("category")).field("counts").to_numpy()
    starts = np.zeros(len(categories) + 1, np.int32)
    np.cumsum(counts, out=starts[1:])
    return table, categories, starts


def _universal_column(parts: pa.Table) -> pa.ChunkedArray:
    if "universal" not in parts.column_names:
        return pa.chunked_array([pa.array(np.zeros(parts.num_rows, bool))])
    column = parts.column("universal")
    if pa.types.is_null(column.type):
        return pa.chunked_array([pa.array(np.zeros(parts.num_rows, bool))])
    if not pa.types.is_boolean(column.type):
        raise ColumnTypeError(f"parts.universal must hold booleans, got {column.type}")
    return column.fill_null(False)


@dataclass(frozen=True)
class Applications:
    """Fitment rows compiled to codes: one entry per (vehicle, part, detail) application."""

    vehicle: npt.NDArray[np.int32]
    part: npt.NDArray[np.int32]
    detail: npt.NDArray[np.int32]
    details: pa.Table
    fitment_rows: int
    unmatched_rows: int
    universal_rows: int


def encode_fitments(
    fitments: pa.Table | None,
    vehicles: pa.Table,
    vehicle_ids: IdDictionary,
    part_ids: IdDictionary,
    universal: npt.NDArray[np.bool_],
) -> Applications:
    """Compile fitment rows to application codes (vehicle, part, detail)."""
    if fitments is None:
        fitments = pa.table({name: pa.array([], pa.string()) for name in ("part_id", "vehicle_id")})
    require_columns(fitments, "fitments", ("part_id",))
    if "vehicle_id" not in fitments.column_names:
        missing = [c for c in RANGE_COLUMNS if c not in fitments.column_names]
        if missing:
            raise MissingColumnError(
                f"fitments needs a vehicle_id column or make, model, year_from and year_to; "
                f"it lacks {', '.join(missing)} and has {', '.join(fitments.column_names)}"
            )
    qualifiers = _qualifier_columns(fitments, vehicles)
    part = part_ids.references(fitments, "fitments", "part_id")
    details, detail = _detail_codes(fitments)
    vehicle = (
        vehicle_ids.references(fitments, "fitments", "vehicle_id", nullable=True)
        if "vehicle_id" in fitments.column_names
        else np.full(fitments.num_rows, -1, np.int32)
    )
    universal_rows = int(np.count_nonzero(universal[part]))
    range_rows = np.flatnonzero(vehicle < 0)
    unmatched = 0
    if len(range_rows):  # at tens of millions of rows, skip every copy when there are none
        rows, matched = _expand_ranges(fitments, vehicles, range_rows, qualifiers)
        unmatched = len(range_rows) - len(np.unique(rows))
        row = np.concatenate([np.flatnonzero(vehicle >= 0), rows])
        vehicle = np.concatenate([vehicle[vehicle >= 0], matched])
        part, detail = part[row], detail[row]
    if universal_rows:
        keep = ~universal[part]
        vehicle, part, detail = vehicle[keep], part[keep], detail[keep]
    return Applications(
        vehicle=vehicle,
        part=part,
        detail=detail,
        details=details,
        fitment_rows=fitments.num_rows,
        unmatched_rows=unmatched,
        universal_rows=universal_rows,
    )


def _detail_codes(fitments: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """Distinct (position, qty, note) rows and each fitment row's int32 code among them.

    The three column codes are combined into one mixed-radix key and renumbered densely in a
    single counting pass: at 50 M rows hashing tuples would cost seconds.
    """
    n = fitments.num_rows
    names = set(fitments.column_names)
    position, positions = _string_codes(fitments, "position", names, n)
    if len(positions) > MAX_POSITIONS:  # keeps the packed key below 2**62, see the docstring
        raise DataError(
            f"fitments.position has {len(positions):,} distinct values; positions name places "
            f"on a vehicle (at most {MAX_POSITIONS:,}): is a note in the position column?"
        )
    note, notes = _string_codes(fitments, "note", names, n)
    if "qty" in names:
        qty_column = int_column(fitments, "fitments", "qty", nullable=True, low=0, high=32767)
        qty = qty_column.fill_null(-1).to_numpy()
    else:
        qty = np.full(n, -1, np.int16)
    quantities = np.arange(int(qty.max(initial=-1)) + 1, dtype=np.int16)
    radix_qty, radix_note = len(quantities) + 1, len(notes) + 1
    key = position.astype(np.int64)  # in place from here: every temporary is 8 bytes a row
    key += 1
    key *= radix_qty
    key += qty
    key += 1
    key *= radix_note
    key += note
    key += 1
    distinct, code = _dense_codes(key, (len(positions) + 1) * radix_qty * radix_note)
    parts_of = (
        distinct // (radix_qty * radix_note) - 1,
        distinct // radix_note % radix_qty - 1,
        distinct % radix_note - 1,
    )
    details = pa.table(
        {
            name: values.take(pa.array(codes, mask=codes < 0))
            for name, values, codes in zip(
                DETAIL_COLUMNS, (positions, pa.array(quantities), notes), parts_of, strict=True
            )
        }
    )
    return details, code


def _string_codes(
    fitments: pa.Table, name: str, names: set[str], n: int
) -> tuple[np.ndarray, pa.Array]:
    """Codes (int32, -1 for null) of an optional string column and its distinct values."""
    if name not in names:
        return np.full(n, -1, np.int32), pa.array([], pa.string())
    column = string_column(fitments, "fitments", name, nullable=True)
    if not pa.types.is_dictionary(column.type):
        column = column.dictionary_encode()
    column = column.unify_dictionaries()
    if column.num_chunks == 0:
        return np.full(n, -1, np.int32), pa.array([], pa.string())
    # Arrow allows repeated dictionary values: canonicalise the (small) dictionary first.
    canonical = column.chunk(0).dictionary.dictionary_encode()
    lookup = np.append(canonical.indices.to_numpy(), -1).astype(np.int32)
    codes = np.concatenate([lookup[_indices(chunk)] for chunk in column.chunks])
    return codes, canonical.dictionary.cast(pa.string())


def _indices(chunk: pa.DictionaryArray) -> np.ndarray:
    """A chunk's indices in their own (narrow) dtype, -1 for null: the lookup's last entry."""
    indices = chunk.indices
    if pa.types.is_unsigned_integer(indices.type):
        indices = indices.cast(pa.int64())
    return (indices.fill_null(-1) if indices.null_count else indices).to_numpy()


def _dense_codes(key: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of ``key`` (all below ``bound``) and each row's rank among them."""
    if bound <= 1 << 26:
        used = np.bincount(key, minlength=bound) > 0
        rank = (np.cumsum(used, dtype=np.int64) - 1).astype(np.int32)
        return np.flatnonzero(used), rank[key]
    distinct, inverse = np.unique(key, return_inverse=True)
    return distinct, inverse.reshape(-1).astype(np.int32)


def _expand_ranges(
    fitments: pa.Table, vehicles: pa.Table, rows: np.ndarray, qualifiers: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Expand range rows (indices ``rows``) to (row, vehicle code) pairs with a polars join."""
    if len(rows) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int32)
    require_columns(fitments, "fitments", RANGE_COLUMNS)
    subset = fitments.take(pa.array(rows))
    for name in ("make", "model"):  # a row needs vehicle_id or make + model + years
        string_column(subset, "fitments", name, rows=rows)
    years = {
        n: int_column(subset, "fitments", n, low=MIN_YEAR, high=MAX_YEAR, rows=rows)
        for n in ("year_from", "year_to")
    }
    reversed_rows = pc.greater(years["year_from"], years["year_to"])
    if pc.any(reversed_rows).as_py():
        bad = int(pc.index(reversed_rows, True).as_py())
        raise DataError(
            f"fitments.year_from must be <= year_to, got {years['year_from'][bad]} > "
            f"{years['year_to'][bad]} at row {int(rows[bad])}"
        )
    # Qualifier columns are renamed so that a qualifier may be any vehicle column, year too.
    wanted = pl.DataFrame(subset.select(["make", "model", *qualifiers])).rename(
        {q: f"wanted_{q}" for q in qualifiers}
    )
    wanted = wanted.with_columns(
        pl.col("make", "model").cast(pl.String),
        row=pl.Series(rows),
        year_from=pl.Series(years["year_from"]),
        year_to=pl.Series(years["year_to"]),
    )
    fleet = pl.DataFrame(
        vehicles.select(list(dict.fromkeys(["make", "model", "year", *qualifiers])))
    )
    fleet = fleet.with_columns(
        pl.col("make", "model").cast(pl.String), vehicle=pl.int_range(pl.len(), dtype=pl.Int32)
    )
    matched = wanted.join(fleet, on=["make", "model"], how="inner").filter(
        pl.col("year").is_between(pl.col("year_from"), pl.col("year_to")),
        *[
            pl.col(f"wanted_{q}").is_null() | (pl.col(f"wanted_{q}") == pl.col(q))
            for q in qualifiers
        ],
    )
    return matched["row"].to_numpy(), matched["vehicle"].to_numpy().astype(np.int32)


def _type_kind(arrow_type: pa.DataType) -> str:
    """The comparable kind of a column type: int widths and string flavours compare equal."""
    if is_string_type(arrow_type):
        return "text"
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    for kind, test in (
        ("integer", pa.types.is_integer),
        ("number", pa.types.is_floating),
        ("boolean", pa.types.is_boolean),
        ("null", pa.types.is_null),
    ):
        if test(arrow_type):
            return kind
    return str(arrow_type)


def _qualifier_columns(fitments: pa.Table, vehicles: pa.Table) -> list[str]:
    """Fitment columns that name a vehicle attribute; warn about columns that name nothing."""
    known = {"part_id", "vehicle_id", *RANGE_COLUMNS, *DETAIL_COLUMNS}
    identifying = {"vehicle_id", "make", "model"}
    qualifiers = [
        c
        for c in fitments.column_names
        if c in vehicles.column_names and c not in identifying and c not in known - {"year"}
    ]
    unknown = [
        c for c in fitments.column_names if c not in known and c not in vehicles.column_names
    ]
    if unknown:
        warnings.warn(
            f"fitments column(s) {', '.join(unknown)} are neither fitment fields nor vehicle "
            "attributes; they are ignored, so they do not qualify any fitment",
            UserWarning,
            stacklevel=5,
        )
    for name in qualifiers:
        wanted = _type_kind(fitments.schema.field(name).type)
        have = _type_kind(vehicles.schema.field(name).type)
        if wanted not in (have, "null"):
            raise ColumnTypeError(
                f"fitments.{name} qualifies vehicles.{name} and must hold the same kind of "
                f"values ({have}), got {wanted}"
            )
    return qualifiers
