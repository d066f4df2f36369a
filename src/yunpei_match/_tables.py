"""Input tables: coercion to Arrow and column checks with messages that name the culprit.

Everything a user hands the library (pyarrow Tables or RecordBatches, polars or pandas
DataFrames, dicts of lists or arrays) becomes a ``pyarrow.Table`` here, and every column the
build reads is checked here, once, so that the kernels only ever see validated codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .errors import ColumnTypeError, DataError, DuplicateIdError, MissingColumnError, show

__all__ = [
    "as_table",
    "check_unique",
    "float_column",
    "int_column",
    "is_string_type",
    "require_columns",
    "show",
    "string_column",
]


def as_table(data: Any, table: str) -> pa.Table:
    """Coerce ``data`` to a pyarrow Table, or raise ColumnTypeError naming ``table``."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if hasattr(data, "to_arrow") and type(data).__module__.startswith("polars"):
        return data.to_arrow()
    if type(data).__module__.startswith("pandas"):
        return pa.Table.from_pandas(data, preserve_index=False)
    if isinstance(data, Mapping):
        try:
            return pa.table(dict(data))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as exc:
            raise ColumnTypeError(
                f"{table}: cannot build a table from the given columns: {exc}"
            ) from None
    raise ColumnTypeError(
        f"{table} must be a pyarrow Table, a polars or pandas DataFrame or a dict of columns, "
        f"got {type(data).__name__}"
    )


def require_columns(data: pa.Table, table: str, columns: tuple[str, ...]) -> None:
    """Raise MissingColumnError if any of ``columns`` is absent from ``data``."""
    missing = [name for name in columns if name not in data.column_names]
    if missing:
        raise MissingColumnError(
            f"{table} is missing required column(s) {', '.join(missing)}; "
            f"it has {', '.join(data.column_names) or 'no columns'}"
        )


def _value_type(arrow_type: pa.DataType) -> pa.DataType:
    return arrow_type.value_type if pa.types.is_dictionary(arrow_type) else arrow_type


def _first_null(column: pa.ChunkedArray) -> int:
    return int(pc.index(pc.is_null(column), True).as_py())


def _row(row: int, rows: np.ndarray | None) -> int:
    """The row number the user sees: ``rows`` maps a subset's rows back to the input's."""
    return int(rows[row]) if rows is not None else row


def is_string_type(arrow_type: pa.DataType) -> bool:
    """Whether a (dictionary value) type holds strings: string, large_string or string_view."""
    value_type = _value_type(arrow_type)
    return (
        pa.types.is_string(value_type)
        or pa.types.is_large_string(value_type)
        or pa.types.is_string_view(value_type)
    )


def string_column(
    data: pa.Table, table: str, name: str, *, nullable: bool = False, rows: np.ndarray | None = None
) -> pa.ChunkedArray:
    """Column ``name`` as strings (dictionary encoding kept); nulls rejected unless allowed.

    ``rows`` maps the rows of ``data`` to those of the user's table, for messages.
    """
    column = data.column(name)
    value_type = _value_type(column.type)
    if pa.types.is_null(value_type):
        if not nullable and len(column):
            raise DataError(f"{table}.{name} must not be null, got null at row {_row(0, rows)}")
        return pa.chunked_array([pa.nulls(len(column), pa.string())])
    if not is_string_type(column.type):
        raise ColumnTypeError(
            f"{table}.{name} must hold strings, got {column.type}; cast the column to strings first"
        )
    if not nullable and column.null_count:
        raise DataError(
            f"{table}.{name} must not be null, got null at row {_row(_first_null(column), rows)}"
        )
    if not pa.types.is_string(value_type):
        column = column.cast(
            pa.dictionary(column.type.index_type, pa.string())
            if pa.types.is_dictionary(column.type)
            else pa.string()
        )
    return column


def int_column(
    data: pa.Table,
    table: str,
    name: str,
    *,
    nullable: bool = False,
    low: int | None = None,
    high: int | None = None,
    rows: np.ndarray | None = None,
) -> pa.ChunkedArray:
    """Column ``name`` as int64, with nulls and values outside ``[low, high]`` rejected.

    ``rows`` maps the rows of ``data`` to those of the user's table, for messages.
    """
    column = data.column(name)
    if pa.types.is_null(column.type):
        column = pa.chunked_array([pa.nulls(len(column), pa.int64())])
    elif not pa.types.is_integer(column.type):
        raise ColumnTypeError(f"{table}.{name} must hold integers, got {column.type}")
    # Range checks run before the cast to int64, which would fail on huge unsigned values.
    unsigned = pa.types.is_unsigned_integer(column.type)
    for bound, bad, words in ((low, pc.less, ">="), (high, pc.greater, "<=")):
        if bound is None or (unsigned and bound <= 0 and words == ">="):
            continue
        # An unsigned column compares against a bound of its own type, not through int64.
        flags = bad(column, pa.scalar(bound, column.type) if unsigned else bound)
        if pc.any(flags).as_py():
            row = int(pc.index(flags, True).as_py())
            raise DataError(
                f"{table}.{name} must be {words} {bound}, got {column[row].as_py()} "
                f"at row {_row(row, rows)}"
            )
    column = column.cast(pa.int64())
    if not nullable and column.null_count:
        raise DataError(
            f"{table}.{name} must not be null, got null at row {_row(_first_null(column), rows)}"
        )
    return column


def float_column(
    data: pa.Table, table: str, name: str, *, low: float, high: float
) -> npt.NDArray[np.float64]:
    """Column ``name`` as a float64 numpy array; nulls, NaN and values outside [low, high]
    rejected (integers are accepted and converted)."""
    column = data.column(name)
    if not (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)):
        raise ColumnTypeError(f"{table}.{name} must hold numbers, got {column.type}")
    if column.null_count:
        raise DataError(f"{table}.{name} must not be null, got null at row {_first_null(column)}")
    values = column.cast(pa.float64()).to_numpy()
    bad = ~((values >= low) & (values <= high))  # NaN fails both comparisons
    if bad.any():
        row = int(np.argmax(bad))
        raise DataError(
            f"{table}.{name} must be within [{low:g}, {high:g}], got {float(values[row])!r} "
            f"at row {row}"
        )
    return np.ascontiguousarray(values)


def check_unique(ids: pa.ChunkedArray | pa.Array, table: str, name: str) -> None:
    """Raise DuplicateIdError naming the first repeated id and both of its rows."""
    counts = pc.value_counts(ids)
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated) == 0:
        return
    value = repeated[0].as_py()
    rows = np.flatnonzero(pc.equal(ids, value).to_numpy(zero_copy_only=False))
    raise DuplicateIdError(
        f"{table}.{name} must be unique, got {show(value)} at rows {int(rows[0])} and "
        f"{int(rows[1])}"
    )
