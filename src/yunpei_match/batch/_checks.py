"""Per-row checks shared by the jobs: each bad value rejects its row with a reason.

A :class:`Verdicts` holds one reason code per row of a batch; the checks below reject rows in
place, from the most to the least basic, so a row carries the first thing wrong with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "Verdicts",
    "blank_mask",
    "check_ids",
    "float_values",
    "null_mask",
    "positions",
    "quantities",
]


class Verdicts:
    """Why each row of a batch is rejected: code 0 = accepted, else an index into the reasons.

    The first reason given to a row wins, so checks run from the most to the least basic
    (a null id before an unknown one).

    Examples
    --------
    >>> import numpy as np
    >>> verdicts = Verdicts(3)
    >>> verdicts.reject(np.array([True, False, True]), "missing vehicle_id")
    >>> verdicts.reject(np.array([True, True, False]), "unknown vehicle_id")
    >>> verdicts.accepted.tolist(), verdicts.reasons_of(np.array([0, 1, 2])).to_pylist()
    ([False, False, False], ['missing vehicle_id', 'unknown vehicle_id', 'missing vehicle_id'])
    """

    def __init__(self, n: int) -> None:
        self.code = np.zeros(n, np.int16)
        self._reasons: list[str] = [""]
        self._codes: dict[str, int] = {}

    def _code_of(self, reason: str) -> int:
        if reason not in self._codes:
            self._codes[reason] = len(self._reasons)
            self._reasons.append(reason)
        return self._codes[reason]

    def reject(self, mask: npt.NDArray[np.bool_], reason: str) -> None:
        """Reject the rows where ``mask`` is true that no earlier check rejected."""
        hit = mask & (self.code == 0)
        if hit.any():
            self.code[hit] = self._code_of(reason)

    def reject_at(self, rows: npt.NDArray[np.integer], reason: str) -> None:
        """:meth:`reject` for the rows at positions ``rows``."""
        mask = np.zeros(len(self.code), bool)
        mask[rows] = True
        self.reject(mask, reason)

    def reject_each(self, rows: npt.NDArray[np.integer], reasons: Sequence[str]) -> None:
        """Reject row ``rows[i]`` with ``reasons[i]`` (unless already rejected)."""
        for row, reason in zip(rows.tolist(), reasons, strict=True):
            if self.code[row] == 0:
                self.code[row] = self._code_of(reason)

    @property
    def accepted(self) -> npt.NDArray[np.bool_]:
        return self.code == 0

    def reasons_of(self, rows: npt.NDArray[np.integer]) -> pa.Array:
        """The reason of each row at ``rows``, as strings."""
        return pa.array(self._reasons, pa.string()).take(pa.array(self.code[rows], pa.int32()))


def null_mask(column: pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    """True where ``column`` is null."""
    return np.asarray(column.is_null().to_numpy(zero_copy_only=False), bool)


def blank_mask(column: pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    """True where a string column holds only whitespace (or nothing); false for nulls.

    A dictionary chunk is checked through its dictionary only.
    """
    pieces = [np.zeros(0, bool)]
    for chunk in column.chunks:
        if pa.types.is_null(chunk.type):
            pieces.append(np.zeros(len(chunk), bool))
        elif pa.types.is_dictionary(chunk.type):
            blank = np.append(_blank_strings(chunk.dictionary), False)
            indices = chunk.indices.cast(pa.int64()).fill_null(-1).to_numpy()
            pieces.append(blank[indices])
        else:
            pieces.append(_blank_strings(chunk))
    return np.concatenate(pieces)


def _blank_strings(array: pa.Array) -> npt.NDArray[np.bool_]:
    if not pa.types.is_string(array.type):
        array = array.cast(pa.string())
    length = pc.utf8_length(pc.utf8_trim_whitespace(array))
    return np.asarray(pc.equal(length, 0).fill_null(False).to_numpy(zero_copy_only=False), bool)


def check_ids(table: pa.Table, name: str, verdicts: Verdicts) -> pa.ChunkedArray:
    """Reject null and blank values of string column ``name``; return the column."""
    column = table.column(name)
    verdicts.reject(null_mask(column), f"missing {name}")
    verdicts.reject(blank_mask(column), f"blank {name}")
    return column


def float_values(column: pa.ChunkedArray) -> npt.NDArray[np.float64]:
    """A numeric column as float64, nulls as NaN."""
    if not len(column):
        return np.empty(0, np.float64)
    # Unsafe: an integer past 2**53 rounds to a float, and such a position is out of range.
    values = column.cast(pa.float64(), safe=False).to_numpy(zero_copy_only=False)
    return np.asarray(values, np.float64)


def positions(table: pa.Table, verdicts: Verdicts) -> tuple[np.ndarray, np.ndarray]:
    """``lat`` and ``lon`` as float64; nulls, NaN and values out of range rejected."""
    values = []
    for name, limit in (("lat", 90.0), ("lon", 180.0)):
        column = table.column(name)
        verdicts.reject(null_mask(column), f"missing {name}")
        number = float_values(column)
        with np.errstate(invalid="ignore"):
            verdicts.reject(~(np.abs(number) <= limit), f"{name} out of range")
        values.append(np.nan_to_num(number))
    return values[0], values[1]


def quantities(table: pa.Table, verdicts: Verdicts, *, most: int) -> None:
    """Reject null ``qty`` and values below 1 or above ``most`` (when the column is there)."""
    if "qty" not in table.column_names:
        return
    column = table.column("qty")
    null = null_mask(column)
    verdicts.reject(null, "missing qty")
    if pa.types.is_null(column.type) or not len(column):
        return
    unsigned = pa.types.is_unsigned_integer(column.type)
    qty = column.cast(pa.uint64() if unsigned else pa.int64()).fill_null(1).to_numpy()
    verdicts.reject(qty < 1, "qty must be >= 1")
    verdicts.reject(qty > most, "qty out of range")
