"""Input coercion for the planning tables: any table to Arrow, columns to checked numpy arrays.

Only :mod:`yunpei_match.errors` is shared with the rest of the package; the checks and their
messages follow the package's style ("history.qty must be >= 0, got -3 at row 17").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ColumnTypeError, DataError, MissingColumnError, show

#: Largest quantity accepted: beyond it float64 no longer holds every integer.
MAX_QTY = 2.0**53


def as_table(data: Any, name: str) -> pa.Table:
    """``data`` (pyarrow Table or RecordBatch, polars or pandas DataFrame, dict of columns) as
    a pyarrow Table."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if hasattr(data, "to_arrow") and hasattr(data, "columns"):  # polars
        return data.to_arrow()
    if hasattr(data, "to_numpy") and hasattr(data, "columns") and hasattr(data, "index"):
        return pa.Table.from_pandas(data, preserve_index=False)
    if isinstance(data, Mapping):
        try:
            return pa.table({str(key): value for key, value in data.items()})
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise ColumnTypeError(
                f"{name} columns must each become one Arrow array: {exc}"
            ) from exc
    raise ColumnTypeError(
        f"{name} must be a pyarrow Table, a polars or pandas DataFrame or a dict of columns, "
        f"got {type(data).__name__}"
    )


def column(table: pa.Table, name: str, column_name: str) -> pa.Array:
    """The column as one Arrow array (dictionaries decoded), with no null in it."""
    if column_name not in table.column_names:
        raise MissingColumnError(
            f"{name} is missing required column {column_name}; "
            f"it has {', '.join(table.column_names) or 'no columns'}"
        )
    values = table.column(column_name).combine_chunks()
    if pa.types.is_null(values.type) and not len(values):  # an empty column of no type
        return pa.array([], pa.int64())
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if values.null_count:
        row = int(np.flatnonzero(values.is_null().to_numpy(zero_copy_only=False))[0])
        raise DataError(f"{name}.{column_name} must not be null, got null at row {row}")
    return values


def numbers(
    values: pa.Array, name: str, *, low: float, high: float = MAX_QTY
) -> npt.NDArray[np.float64]:
    """A numeric column as float64, every value finite and in ``[low, high]``."""
    if not (pa.types.is_integer(values.type) or pa.types.is_floating(values.type)):
        raise ColumnTypeError(f"{name} must hold numbers, got {values.type}")
    array = values.to_numpy(zero_copy_only=False)
    # min and max first: they allocate nothing, and the mask of a 100 M-row column is not free
    if len(array) and not (array.min() >= low and array.max() <= high):  # NaN fails too
        bad = ~((array >= low) & (array <= high))
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{name} must be a finite number in [{low:g}, {high:g}], "
            f"got {show(values[row].as_py())} at row {row}"
        )
    return array.astype(np.float64, copy=False)


def ids(values: pa.Array, name: str) -> pa.DictionaryArray:
    """Series ids dictionary-encoded, the dictionary in order of first appearance."""
    try:
        return pc.dictionary_encode(values)
    except (pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        raise ColumnTypeError(
            f"{name} must hold ids that can be hashed, got {values.type}"
        ) from exc
