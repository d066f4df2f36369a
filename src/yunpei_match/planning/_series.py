"""From a long table of demand rows to the CSR of series the kernels read.

A series runs from its first row's period to the last period of the whole table (the common
forecast origin); periods inside that span with no row have zero demand, and rows of the same
series and period add up (several order lines in one month are that month's demand).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ..errors import ColumnTypeError, DataError
from ._tables import column, ids, numbers

#: Accepted date frequencies and how a date becomes a period number.
FREQUENCIES = ("D", "W", "M", "Q", "Y")


@dataclass(frozen=True)
class Series:
    """Demand series in CSR form: the non-zero demands of series ``s`` are
    ``positions[offsets[s]:offsets[s + 1]]`` (periods from the series' first) and ``qty`` alike;
    the series spans ``n_periods[s]`` periods. ``names`` holds the ids, code ``s`` at ``s``."""

    names: pa.Array
    offsets: npt.NDArray[np.int64]
    positions: npt.NDArray[np.int32]
    qty: npt.NDArray[np.float64]
    n_periods: npt.NDArray[np.int32]


def period_numbers(values: pa.Array, name: str, freq: str | None) -> npt.NDArray[np.int64]:
    """Integer periods as they are; dates and timestamps as ``freq`` periods since 1970."""
    if pa.types.is_integer(values.type):
        return values.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    if not (pa.types.is_date(values.type) or pa.types.is_timestamp(values.type)):
        raise ColumnTypeError(f"{name} must hold integers, dates or timestamps, got {values.type}")
    if freq not in FREQUENCIES:
        raise DataError(
            f"{name} holds dates: freq must be one of {', '.join(FREQUENCIES)}, got {freq!r}"
        )
    days = values.cast(pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    if freq == "D":
        return days.astype(np.int64)
    if freq == "W":  # weeks start on Monday; 1970-01-01 was a Thursday
        return (days.astype(np.int64) + 3) // 7
    if freq == "Y":
        return days.astype("datetime64[Y]").astype(np.int64)
    months = days.astype("datetime64[M]").astype(np.int64)
    return months if freq == "M" else months // 3


def from_table(
    table: pa.Table, name: str, freq: str | None, kernels: ModuleType
) -> tuple[Series, int]:
    """The series of a (``series``, ``period``, ``qty``) table, and its last period.

    Integer ids already grouped in ascending order (as a sorted export comes) are taken as
    they are; other ids are dictionary-encoded and the rows sorted first.
    """
    values = column(table, name, "series")
    periods = period_numbers(column(table, name, "period"), f"{name}.period", freq)
    qty = numbers(column(table, name, "qty"), f"{name}.qty", low=0.0)
    grouped = None
    if pa.types.is_integer(values.type) and values.type != pa.uint64():  # int64 holds them
        keys = values.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
        grouped = kernels.group_rows(keys, periods, qty)
        names = None if grouped is None else pa.array(grouped[0]).cast(values.type)
    if grouped is None:
        encoded = ids(values, f"{name}.series")
        keys = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        order = np.lexsort((periods, keys))
        grouped = kernels.group_rows(keys[order], periods[order], qty[order])
        names = encoded.dictionary
    _, first, offsets, positions, sums = grouped
    last = int(periods.max()) if len(periods) else 0
    n_periods = last - first + 1
    _check_span(n_periods, name)
    return Series(names, offsets, positions, sums, n_periods.astype(np.int32)), last


def _check_span(n_periods: npt.NDArray[np.int64], name: str) -> None:
    too_long = n_periods > np.iinfo(np.int32).max
    if too_long.any():
        raise DataError(
            f"{name}.period spans {int(n_periods[too_long][0])} periods for one series; "
            f"at most {np.iinfo(np.int32).max} are supported"
        )
