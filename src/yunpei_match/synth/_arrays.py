"""Array helpers: id and string columns built from integer codes, with no Python string per row."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def _ids(prefix: str, n: int, width: int, start: int = 1) -> pa.Array:
    """``prefix`` and start..start+n-1 zero-padded to ``width`` digits, no Python string per id."""
    width = max(width, len(str(start + n - 1)))
    chars = np.empty((n, len(prefix) + width), dtype=np.uint8)
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), np.uint8)
    number = np.arange(start, start + n)
    for j in range(width):
        chars[:, -1 - j] = ord("0") + number // 10**j % 10
    return _strings(chars)


def _strings(chars: np.ndarray) -> pa.Array:
    """Rows of an ASCII byte matrix as a string array."""
    return pa.array(chars.view(f"S{chars.shape[1]}").ravel()).cast(pa.string())


def _strings_by_code(dictionary: pa.Array, codes: np.ndarray, encoded: bool) -> pa.Array:
    nulls = codes < 0
    indices = pa.array(codes, mask=nulls if nulls.any() else None)
    if encoded:
        return pa.DictionaryArray.from_arrays(indices, dictionary)
    return dictionary.take(indices)
