"""Input tables: coercion to Arrow and column checks with messages that name the culprit.

Everything a user hands the library (pyarrow Tables or RecordBatches, polars or pandas
DataFrames, dicts of lists or arrays) becomes a ``pyarrow.Table`` here, and every column the
build reads is checked here, once, so that the kernels only ever see validated codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import (
    ColumnTypeError,
    DataError,
    DuplicateIdError,
    MissingColumnError,
    YunpeiMatchError,
    show,
)

__all__ = [
    "as_column",
    "as_table",
    "check_unique",
    "dataframe_library",
    "float_column",
    "int_column",
    "is_string_type",
    "require_columns",
    "show",
    "string_column",
]

INT64_MAX = 2**63 - 1


def dataframe_library(value: Any) -> Literal["polars", "pandas"] | None:
    """``"polars"`` or ``"pandas"`` if ``value`` is an object of that library, else None.

    Told by the type's module, so that neither library is imported to ask; a polars object
    counts only with its ``to_arrow``, the one method it is read through.
    """
    module = type(value).__module__
    if module.startswith("polars") and hasattr(value, "to_arrow"):
        return "polars"
    if module.startswith("pandas"):
        return "pandas"
    return None


def as_table(data: Any, table: str) -> pa.Table:
    """Coerce ``data`` to a pyarrow Table, or raise ColumnTypeError naming ``table``.

    A column that cannot become one Arrow array is named with its first culprit row (see
    :func:`as_column`); a name used by two columns is a DataError, whatever the input.
    """
    if isinstance(data, pa.Table):
        result = data
    elif isinstance(data, pa.RecordBatch):
        result = pa.Table.from_batches([data])
    elif (library := dataframe_library(data)) == "polars":
        result = data.to_arrow()
    elif library == "pandas" or isinstance(data, Mapping):
        # Column by column, so that a failure names its column; pandas ``items`` keeps repeated
        # names, which a dict of its columns would merge.
        names = [str(name) for name in data]
        columns = [as_column(values, f"{table}.{name}") for name, values in data.items()]
        try:
            result = pa.Table.from_arrays(columns, names=names)
        except pa.ArrowInvalid as exc:
            raise DataError(f"{table}: the columns must have one length each: {exc}") from None
    else:
        raise ColumnTypeError(
            f"{table} must be a pyarrow Table, a polars or pandas DataFrame or a dict of "
            f"columns, got {type(data).__name__}"
        )
    _check_names(result, table)
    if any(_plain(column) is not column for column in result.columns):
        result = pa.Table.from_arrays(
            [_plain(column) for column in result.columns], names=result.column_names
        )
    return result


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """``column`` in a layout every compute kernel takes: string and binary views and run-end
    encoding are expanded, since pyarrow can neither take nor sort them and the build does
    both to every column it keeps."""
    arrow_type = column.type
    if pa.types.is_run_end_encoded(arrow_type):
        decoded = [pc.run_end_decode(chunk) for chunk in column.chunks]
        return _plain(pa.chunked_array(decoded, arrow_type.value_type))
    if pa.types.is_string_view(arrow_type):
        return column.cast(pa.string())
    if pa.types.is_binary_view(arrow_type):
        return column.cast(pa.binary())
    return column


def _check_names(data: pa.Table, table: str) -> None:
    """Raise DataError if two columns share a name: which one the build would read is unclear."""
    names = data.column_names
    if len(set(names)) == len(names):
        return
    name = next(name for i, name in enumerate(names) if name in names[:i])
    first, second = [i for i, other in enumerate(names) if other == name][:2]
    raise DataError(
        f"{table}.{name} must be one column, got {names.count(name)} columns of that name "
        f"(positions {first} and {second})"
    )


def as_column(values: Any, what: str, *, strings: bool = False) -> pa.ChunkedArray:
    """One column (list, numpy, pandas or pyarrow) as a ChunkedArray, or a typed error.

    ``what`` names it in messages (``vehicles.year``). A value Arrow cannot hold (a lone
    surrogate, an integer past 64 bits) is a DataError, values of two types (or, with
    ``strings``, any value that is not a string) a ColumnTypeError, each naming the first
    such row. The type of a column that converts is for the caller to check.
    """
    if isinstance(values, pa.ChunkedArray):
        return values
    if isinstance(values, pa.Array):
        return pa.chunked_array([values])
    if isinstance(values, str | bytes):
        raise ColumnTypeError(f"{what} must be a sequence of values, got {show(values)}")
    try:
        return pa.table({"column": values}).column(0)
    except (pa.ArrowException, TypeError, ValueError, OverflowError) as exc:
        raise _culprit(values, what, exc, strings) from None


def _culprit(values: Any, what: str, failure: Exception, strings: bool) -> YunpeiMatchError:
    """The error naming the first value Arrow cannot read alone or whose type breaks the run."""
    expected = "must hold strings" if strings else "must be a sequence of values"
    try:
        items = list(values)
    except TypeError:
        return ColumnTypeError(f"{what} {expected}, got {type(values).__name__}")
    first: tuple[int, pa.DataType] | None = None
    for row, value in enumerate(items):
        if strings and value is not None and not isinstance(value, str):
            return ColumnTypeError(
                f"{what} must hold strings, got {type(value).__name__} {show(value)} at row {row}"
            )
        try:
            arrow_type = pa.array([value]).type
        except UnicodeError:
            return DataError(f"{what} must be valid Unicode text, got {show(value)} at row {row}")
        except (pa.ArrowException, OverflowError, TypeError, ValueError):
            if isinstance(value, int):
                return DataError(f"{what} must fit in 64 bits, got {show(value)} at row {row}")
            return ColumnTypeError(
                f"{what} cannot hold {type(value).__name__} values, got {show(value)} at row {row}"
            )
        if pa.types.is_null(arrow_type):
            continue
        if first is None:
            first = (row, arrow_type)
        elif _kind(arrow_type) != _kind(first[1]):
            return ColumnTypeError(
                f"{what} must hold values of one type, got {first[1]} at row {first[0]} and "
                f"{arrow_type} ({show(value)}) at row {row}"
            )
    inexact = _inexact_int(items)
    if inexact is not None:
        return DataError(
            f"{what} mixes floats with integers, got {show(items[inexact])} at row {inexact}, "
            "which no float holds exactly"
        )
    reason = "must hold strings" if strings else "cannot be read as an Arrow column"
    return ColumnTypeError(f"{what} {reason}: {failure}")


def _inexact_int(items: list[Any]) -> int | None:
    """Row of the first int past 2**53 in a list that also holds floats (Arrow refuses to
    round it), or None."""
    if not any(isinstance(value, float) for value in items):
        return None
    return next(
        (
            row
            for row, value in enumerate(items)
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53
        ),
        None,
    )


def _kind(arrow_type: pa.DataType) -> str:
    """Type family: values of one family convert together (ints with floats, not with uint64)."""
    if pa.types.is_floating(arrow_type) or pa.types.is_signed_integer(arrow_type):
        return "number"
    return "string" if is_string_type(arrow_type) else str(arrow_type)


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
    data: pa.Table,
    table: str,
    name: str,
    *,
    nullable: bool = False,
    blank: bool = True,
    rows: np.ndarray | None = None,
) -> pa.ChunkedArray:
    """Column ``name`` as strings (dictionary encoding kept); nulls rejected unless allowed,
    blank values (empty or whitespace only) rejected unless ``blank``.

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
    if not blank:
        _check_not_blank(column, table, name, rows)
    return column


def _check_not_blank(
    column: pa.ChunkedArray, table: str, name: str, rows: np.ndarray | None
) -> None:
    """Raise DataError at the first value that is empty or whitespace only (the batch jobs'
    rule: such an id could be built but never asked for)."""
    plain = column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column
    flags = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(plain)), 0)
    if pc.any(flags).as_py():
        row = int(pc.index(flags, True).as_py())
        raise DataError(
            f"{table}.{name} must not be blank, got {show(plain[row].as_py())} "
            f"at row {_row(row, rows)}"
        )


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
    if unsigned:
        high = INT64_MAX if high is None else min(high, INT64_MAX)
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
    # Unsafe: an integer past 2**53 rounds to a float that is out of range anyway.
    values = column.cast(pa.float64(), safe=False).to_numpy()
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
