"""Outside ids (strings) to dense int32 codes and back.

Batch inputs are mapped with Arrow's hash lookup (``pyarrow.compute.index_in``). When a column
arrives dictionary-encoded (parquet dictionary pages, polars categoricals) only its dictionary is
looked up, once, and the row codes are a ``take`` through its indices: no string is hashed per
row. Results go back out as dictionary arrays over the catalogue's id array, so building a result
column copies no string.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ._tables import show
from .errors import ColumnTypeError, DataError, UnknownIdError

__all__ = ["IdDictionary", "OnUnknown", "as_string_array"]

OnUnknown = Literal["raise", "skip"]


def as_string_array(values: Any, what: str) -> pa.ChunkedArray:
    """Coerce a batch of ids (list, numpy, pyarrow, polars, pandas) to Arrow strings.

    Dictionary-encoded input stays dictionary-encoded, chunk by chunk. A lone string is
    refused: batch methods take sequences, and each has a scalar twin.
    """
    if isinstance(values, str | bytes):
        raise ColumnTypeError(f"{what} must be a sequence of ids, got the single string {values!r}")
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values])
    elif not isinstance(values, pa.ChunkedArray):
        module = type(values).__module__
        if module.startswith("polars") and hasattr(values, "to_arrow"):
            values = pa.chunked_array([values.to_arrow()])
        elif module.startswith("pandas"):
            values = pa.chunked_array([pa.Array.from_pandas(values)])
        else:
            try:
                values = pa.chunked_array(
                    [pa.array(values if isinstance(values, np.ndarray) else list(values))]
                )
            except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as exc:
                raise ColumnTypeError(f"{what} must hold strings: {exc}") from None
    dictionary = pa.types.is_dictionary(values.type)
    value_type = values.type.value_type if dictionary else values.type
    if pa.types.is_null(value_type):
        return values.cast(pa.string())
    if not (
        pa.types.is_string(value_type)
        or pa.types.is_large_string(value_type)
        or pa.types.is_string_view(value_type)
    ):
        raise ColumnTypeError(f"{what} must hold strings, got {values.type}")
    if not pa.types.is_string(value_type):
        values = values.cast(
            pa.dictionary(values.type.index_type, pa.string()) if dictionary else pa.string()
        )
    return values


def _lookup(chunk: pa.Array, value_set: pa.Array) -> pa.Array:
    """Codes of one chunk (null where absent); a dictionary chunk looks up its dictionary only."""
    if pa.types.is_dictionary(chunk.type):
        return pc.index_in(chunk.dictionary, value_set=value_set).take(chunk.indices)
    return pc.index_in(chunk, value_set=value_set)


class IdDictionary:
    """The ids of one catalogue table, in code order, with lookups both ways.

    Parameters
    ----------
    ids : pyarrow.StringArray
        Unique, non-null ids; the code of ``ids[i]`` is ``i``.
    table, column : str
        Names used in error messages (``vehicles``, ``vehicle_id``).
    plural : str
        What the ids denote, for messages ("vehicles", "parts").
    """

    def __init__(self, ids: pa.Array, table: str, column: str, plural: str) -> None:
        self.ids = ids
        self.table = table
        self.column = column
        self.plural = plural
        self._scalar_codes: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def code(self, value: str) -> int:
        """Code of one id; raise UnknownIdError if the catalogue does not have it."""
        if not isinstance(value, str):
            raise ColumnTypeError(f"{self.column} must be a string, got {type(value).__name__}")
        if self._scalar_codes is None:
            # Built on first use: a dict answers one id in ~50 ns, an Arrow lookup in ~50 us.
            self._scalar_codes = {v: i for i, v in enumerate(self.ids.to_pylist())}
        code = self._scalar_codes.get(value)
        if code is None:
            raise UnknownIdError(
                f"{self.column} {show(value)} is not in the catalogue ({len(self):,} {self.plural})"
            )
        return code

    def codes(self, values: Any, *, on_unknown: OnUnknown = "raise") -> npt.NDArray[np.int32]:
        """Codes of a batch of ids; unknown or null ids raise, or become -1 with ``"skip"``."""
        if on_unknown not in ("raise", "skip"):
            raise DataError(f"on_unknown must be 'raise' or 'skip', got {on_unknown!r}")
        array = as_string_array(values, f"{self.column} values")
        found = pa.chunked_array([_lookup(chunk, self.ids) for chunk in array.chunks], pa.int32())
        if on_unknown == "raise" and found.null_count:
            row = int(pc.index(pc.is_null(found), True).as_py())
            value = array[row].as_py()
            if value is None:
                raise DataError(f"{self.column} must not be null, got null at row {row}")
            raise UnknownIdError(
                f"{self.column} {show(value)} at row {row} is not in the catalogue "
                f"({len(self):,} {self.plural})"
            )
        return np.asarray(found.fill_null(-1).to_numpy(), dtype=np.int32)

    def decode(self, codes: npt.NDArray[np.int32]) -> pa.DictionaryArray:
        """Dictionary array of ids for in-range ``codes`` (no string is copied)."""
        return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), self.ids, safe=False)
