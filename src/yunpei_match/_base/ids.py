"""Outside ids (strings) to dense int32 codes and back.

Lookups go through a hash table over the catalogue's id bytes (``_kernels.StringTable``), built on
first use and kept, so a call hashes only its queries. When a column arrives dictionary-encoded
(parquet dictionary pages, polars categoricals) only its dictionary is looked up and the row
codes are a gather through its indices: no string is hashed per row. Results go back out as
dictionary arrays over the catalogue's id array, so building a result column copies no string.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ..errors import ColumnTypeError, DataError, UnknownIdError
from .kernel_choice import Kernels, base_kernels
from .tables import as_column, dataframe_library, is_string_type, show, string_column

__all__ = [
    "IdDictionary",
    "OnUnknown",
    "as_string_array",
    "check_text",
    "string_buffers",
    "string_table",
]

OnUnknown = Literal["raise", "skip"]


def as_string_array(values: Any, what: str) -> pa.ChunkedArray:
    """Coerce a batch of ids (list, numpy, pyarrow, polars, pandas) to Arrow strings.

    Dictionary-encoded input stays dictionary-encoded, chunk by chunk. A lone string is
    refused: batch methods take sequences, and each has a scalar twin.
    """
    if isinstance(values, str | bytes):
        raise ColumnTypeError(f"{what} must be a sequence of ids, got the single string {values!r}")
    library = dataframe_library(values)
    if library == "polars":
        values = pa.chunked_array([values.to_arrow()])
    elif library is None and not isinstance(values, pa.Array | pa.ChunkedArray | np.ndarray):
        try:
            values = list(values)
        except TypeError:
            raise ColumnTypeError(
                f"{what} must hold strings, got {type(values).__name__}"
            ) from None
    values = as_column(values, what, strings=True)
    dictionary = pa.types.is_dictionary(values.type)
    value_type = values.type.value_type if dictionary else values.type
    if pa.types.is_null(value_type):
        return values.cast(pa.string())
    if not is_string_type(value_type):
        raise ColumnTypeError(f"{what} must hold strings, got {values.type}")
    if not pa.types.is_string(value_type):
        values = values.cast(
            pa.dictionary(values.type.index_type, pa.string()) if dictionary else pa.string()
        )
    return values


def check_text(value: Any, what: str) -> str:
    """A string argument, checked: ColumnTypeError if it is not a str, DataError if it holds a
    lone surrogate (no UTF-8 encoding exists, so it can name nothing in the catalogue)."""
    if not isinstance(value, str):
        raise ColumnTypeError(f"{what} must be a string, got {type(value).__name__}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DataError(
            f"{what} must be valid Unicode text, got {show(value)} (a lone surrogate at "
            f"position {exc.start})"
        ) from None
    return value


def string_buffers(array: pa.Array) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    """Zero-based int64 offsets and the UTF-8 bytes of a string array (no string is copied)."""
    _, offsets_buffer, data_buffer = array.buffers()[:3]
    offsets = np.frombuffer(
        offsets_buffer, np.int32, count=len(array) + 1, offset=array.offset * 4
    ).astype(np.int64)
    data = (
        np.frombuffer(data_buffer, np.uint8) if data_buffer is not None else np.empty(0, np.uint8)
    )
    data = data[offsets[0] : offsets[-1]]
    offsets -= offsets[0]
    return offsets, data


def string_table(strings: pa.Array, kernels: Kernels) -> Any:
    """A hash table (``StringTable``) from each string of ``strings`` to its first position."""
    return base_kernels(kernels).StringTable(*string_buffers(strings))


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
    kernels : {"compiled", "reference"}
        Which hash table serves the lookups (:mod:`~yunpei_match._base.kernel_choice`).
    """

    def __init__(
        self, ids: pa.Array, table: str, column: str, plural: str, kernels: Kernels
    ) -> None:
        self.ids = ids
        self.table = table
        self.column = column
        self.plural = plural
        self._kernels = kernels
        self._table: Any = None
        # The last dictionary mapped, kept alive so that its buffers' addresses identify it:
        # the chunks of one column, and repeated calls on one table, share their dictionary.
        self._last_dictionary: tuple[tuple[int, ...], pa.Array, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def lookup_table(self) -> Any:
        """The hash table over the ids (``_kernels.StringTable``), for lookups by raw bytes."""
        # Built on first use and kept: a lookup then hashes only the queries, never the ids.
        # Two threads racing here both build an equal table; either one is kept.
        if self._table is None:
            self._table = string_table(self.ids, self._kernels)
        return self._table

    def code(self, value: str) -> int:
        """Code of one id; raise UnknownIdError if the catalogue does not have it."""
        code = self.lookup_table().find(check_text(value, self.column).encode("utf-8"))
        if code < 0:
            raise UnknownIdError(
                f"{self.column} {show(value)} is not in the catalogue ({len(self):,} {self.plural})"
            )
        return int(code)

    def codes(self, values: Any, *, on_unknown: OnUnknown = "raise") -> npt.NDArray[np.int32]:
        """Codes of a batch of ids; unknown or null ids raise, or become -1 with ``"skip"``."""
        if on_unknown not in ("raise", "skip"):
            raise DataError(f"on_unknown must be 'raise' or 'skip', got {on_unknown!r}")
        array = as_string_array(values, f"{self.column} values")
        chunks = [self._chunk_codes(chunk) for chunk in array.chunks]
        found = np.concatenate(chunks) if chunks else np.empty(0, np.int32)
        if on_unknown == "raise" and (found < 0).any():
            row = int(np.argmax(found < 0))
            value = array[row].as_py()
            if value is None:
                raise DataError(f"{self.column} must not be null, got null at row {row}")
            raise UnknownIdError(
                f"{self.column} {show(value)} at row {row} is not in the catalogue "
                f"({len(self):,} {self.plural})"
            )
        return found

    def _chunk_codes(self, chunk: pa.Array) -> npt.NDArray[np.int32]:
        """Codes of one chunk, -1 for unknown or null; a dictionary chunk maps its dictionary."""
        table = self.lookup_table()
        if pa.types.is_dictionary(chunk.type):
            mapped = self._dictionary_codes(chunk.dictionary)
            indices = chunk.indices
            if indices.null_count:
                indices = indices.cast(pa.int64()).fill_null(-1)
            return mapped[indices.to_numpy()].astype(np.int32, copy=False)
        codes = table.find_many(*string_buffers(chunk))
        if chunk.null_count:
            codes[chunk.is_null().to_numpy(zero_copy_only=False)] = -1
        return codes

    def _dictionary_codes(self, dictionary: pa.Array) -> npt.NDArray[np.int32]:
        """Codes of a dictionary's entries, then -1 (for null indices); the last one cached."""
        key = (
            dictionary.offset,
            len(dictionary),
            *(buffer.address if buffer is not None else 0 for buffer in dictionary.buffers()),
        )
        last = self._last_dictionary
        if last is not None and last[0] == key:
            return last[2]
        mapped = np.append(self.lookup_table().find_many(*string_buffers(dictionary)), -1)
        self._last_dictionary = (key, dictionary, mapped)
        return mapped

    def references(
        self, data: pa.Table, table: str, column: str, *, nullable: bool = False
    ) -> npt.NDArray[np.int32]:
        """Codes of a column of another table that refers to these ids (a foreign key).

        Nulls are refused unless ``nullable`` (then they become -1); an id this table does not
        have raises UnknownIdError naming the referring table, column, row and value.
        """
        values = string_column(data, table, column, nullable=nullable)
        codes = self.codes(values, on_unknown="skip")
        unknown = (codes < 0) & ~values.is_null().to_numpy(zero_copy_only=False)
        if unknown.any():
            row = int(np.argmax(unknown))
            raise UnknownIdError(
                f"{table}.{column} {show(values[row].as_py())} at row {row} is not in {self.table}"
            )
        return codes

    def decode(self, codes: npt.NDArray[np.int32]) -> pa.DictionaryArray:
        """Dictionary array of ids for in-range ``codes`` (no string is copied)."""
        return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), self.ids, safe=False)

    def decode_masked(self, codes: npt.NDArray[np.int32]) -> pa.DictionaryArray:
        """:meth:`decode` with null where a code is negative."""
        indices = pa.array(codes, pa.int32(), mask=codes < 0)
        return pa.DictionaryArray.from_arrays(indices, self.ids, safe=False)
