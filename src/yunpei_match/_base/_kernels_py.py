"""Pure-Python twins of the kernels in ``_kernels.pyx``: the same names, the same results.

Each function is written the most obvious way (sorting, dicts, loops) so that it is plainly
right; tests run the public API over both this module and the compiled kernels and compare them
on random inputs. Nothing here is fast and nothing here should be used in production.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]


class StringTable:
    """Strings (as offsets + bytes) to their first position; see ``_kernels.StringTable``."""

    def __init__(self, offsets: Int64Array, data: npt.NDArray[np.uint8]) -> None:
        self._codes: dict[bytes, int] = {}
        for code, key in enumerate(split_strings(offsets, data)):
            self._codes.setdefault(key, code)

    def find(self, key: bytes) -> int:
        return self._codes.get(key, -1)

    def find_many(self, offsets: Int64Array, data: npt.NDArray[np.uint8]) -> Int32Array:
        return np.array([self.find(key) for key in split_strings(offsets, data)], np.int32)


def split_strings(offsets: Int64Array, data: npt.NDArray[np.uint8]) -> list[bytes]:
    """The strings of an Arrow-style string array, as bytes."""
    raw = data.tobytes()
    return [raw[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]


def offsets_of(counts: list[int]) -> Int64Array:
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


def first_decrease(offsets: Int64Array) -> int:
    """Position of the first decrease in ``offsets``, or -1; see ``_kernels.first_decrease``."""
    for i in range(1, len(offsets)):
        if offsets[i] < offsets[i - 1]:
            return i
    return -1


def first_out_of_range(values: Int32Array, low: int, high: int) -> int:
    """Position of the first value outside ``[low, high)``, or -1."""
    for i, x in enumerate(values.tolist()):
        if not low <= x < high:
            return i
    return -1


def first_bad_string(offsets: npt.NDArray[np.integer], data: npt.NDArray[np.uint8]) -> int:
    """Row of the first string out of bounds, else the first not UTF-8, or -1; see ``_kernels``."""
    n, size = len(offsets) - 1, len(data)
    for i in range(n):
        if not 0 <= offsets[i] <= offsets[i + 1] <= size:
            return i
    for i in range(n):
        try:
            bytes(data[offsets[i] : offsets[i + 1]]).decode("utf-8")
        except UnicodeDecodeError:
            return i
    return -1
