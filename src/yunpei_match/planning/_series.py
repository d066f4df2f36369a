"""From a long table of demand rows to the CSR of series the kernels read.

A series runs from its first row's period to the last period of the whole table (the common
forecast origin); periods inside that span with no row have zero demand, and rows of the same
series and period add up (several order lines in one month are that month's demand).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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
    offsets: np.ndarray
    positions: np.ndarray
    qty: np.ndarray
    n_periods: np.ndarray


def period_numbers(values: pa.Array, name: str, freq: str | None) -> np.ndarray:
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


def from_table(table: pa.Table, name: str, freq: str | None) -> tuple[Series, int]:
    """The series of a (``series``, ``period``, ``qty``) table, and its last period."""
    encoded = ids(column(table, name, "series"), f"{name}.series")
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    periods = period_numbers(column(table, name, "period"), f"{name}.period", freq)
    qty = numbers(column(table, name, "qty"), f"{name}.qty", low=0.0)
    order = _order(codes, periods)
    if order is not None:
        codes, periods, qty = codes[order], periods[order], qty[order]
    n_series = len(encoded.dictionary)
    starts = np.searchsorted(codes, np.arange(n_series))
    last = int(periods.max()) if len(periods) else 0
    n_periods = last - periods[starts] + 1 if len(periods) else np.zeros(0, np.int64)
    _check_span(n_periods, name)
    codes, periods, qty = _merged(codes, periods, qty)
    keep = qty > 0
    codes, periods, qty = codes[keep], periods[keep], qty[keep]
    offsets = np.zeros(n_series + 1, np.int64)
    np.cumsum(np.bincount(codes, minlength=n_series), out=offsets[1:])
    positions = (periods - last + n_periods[codes] - 1).astype(np.int32)
    series = Series(encoded.dictionary, offsets, positions, qty, n_periods.astype(np.int32))
    return series, last


def _order(codes: np.ndarray, periods: np.ndarray) -> np.ndarray | None:
    """The row order by (series, period), or None when the rows are in that order already."""
    step_code, step_period = np.diff(codes), np.diff(periods)
    if np.all((step_code > 0) | ((step_code == 0) & (step_period >= 0))):
        return None
    return np.lexsort((periods, codes))


def _merged(codes: np.ndarray, periods: np.ndarray, qty: np.ndarray):
    """Rows of one series and period summed into one."""
    new = np.ones(len(codes), bool)
    new[1:] = (codes[1:] != codes[:-1]) | (periods[1:] != periods[:-1])
    if new.all():
        return codes, periods, qty
    firsts = np.flatnonzero(new)
    return codes[firsts], periods[firsts], np.add.reduceat(qty, firsts)


def _check_span(n_periods: np.ndarray, name: str) -> None:
    too_long = n_periods > np.iinfo(np.int32).max
    if too_long.any():
        raise DataError(
            f"{name}.period spans {int(n_periods[too_long][0])} periods for one series; "
            f"at most {np.iinfo(np.int32).max} are supported"
        )
