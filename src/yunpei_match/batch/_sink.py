"""Parquet output written aside and renamed into place, one buffered row group at a time."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ._checks import null_mask

__all__ = ["ROW_GROUP_ROWS", "Sink"]

ROW_GROUP_ROWS = 1 << 18  # results buffered per parquet row group: memory, not speed, sets it


class Sink:
    """Parquet written under a temporary name beside ``path``, renamed into place on commit.

    Results are buffered up to :data:`ROW_GROUP_ROWS` rows and written as one row group.
    Dictionary columns (ids and names over the catalogue's) stay dictionary-encoded, and each
    row group's dictionary is cut down to the values it uses: the writer then stores the codes
    as they are, instead of hashing every string again, and never repeats a catalogue-wide
    dictionary in every row group.
    """

    def __init__(self, path: Path, *, always: bool) -> None:
        self.path = path
        self.always = always  # write a file even with no rows (the results)
        self.temporary = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
        self.writer: pq.ParquetWriter | None = None
        self.buffer: list[pa.Table] = []
        self.buffered = 0

    def write(self, table: pa.Table) -> None:
        if self.writer is None and (table.num_rows or self.always):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.temporary, table.schema, **_options(table.schema))
        if not table.num_rows or self.writer is None:
            return
        if not table.schema.equals(self.writer.schema):
            table = table.cast(self.writer.schema)
        self.buffer.append(table)
        self.buffered += table.num_rows
        if self.buffered >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.buffer and self.writer is not None:
            table = pa.concat_tables(self.buffer)
            columns = [
                _compact(column) if pa.types.is_dictionary(column.type) else column
                for column in table.columns
            ]
            table = pa.Table.from_arrays(columns, schema=table.schema)
            self.writer.write_table(table, row_group_size=len(table) or None)
        self.buffer, self.buffered = [], 0

    def commit(self) -> Path | None:
        """Finish the file and rename it into place; with nothing written, remove a stale file
        of the same name (it would belong to an earlier run) and return None."""
        if self.writer is None:
            if self.path.is_file():
                self.path.unlink()
            return None
        self._flush()
        self.writer.close()
        os.replace(self.temporary, self.path)
        return self.path

    def abort(self) -> None:
        if self.writer is not None:
            # The file is being thrown away; the first error is the one to report.
            with contextlib.suppress(OSError, pa.ArrowException):
                self.writer.close()
        self.temporary.unlink(missing_ok=True)


def _options(schema: pa.Schema) -> dict[str, Any]:
    """Writer options: the sorted ``row`` delta-encoded, statistics for the plain columns only
    (min/max over dictionary strings took over half the write time and are rarely filtered on).
    """
    dictionary = [f.name for f in schema if pa.types.is_dictionary(f.type)]
    options: dict[str, Any] = {
        "write_statistics": [name for name in schema.names if name not in dictionary],
        "use_dictionary": [name for name in schema.names if name != "row"],
    }
    if "row" in schema.names and schema.field("row").type == pa.int64():
        options["column_encoding"] = {"row": "DELTA_BINARY_PACKED"}
    return options


def _compact(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary column as one chunk whose dictionary holds only the values used."""
    if column.num_chunks > 1 and not all(
        chunk.dictionary.equals(column.chunk(0).dictionary) for chunk in column.chunks[1:]
    ):
        column = pa.table({"c": column}).unify_dictionaries().column("c")
    dictionary = column.chunk(0).dictionary
    indices = pa.chunked_array([c.indices for c in column.chunks], column.type.index_type)
    valid = ~null_mask(indices)
    codes = indices.fill_null(0).to_numpy().astype(np.int64, copy=False)
    used = np.zeros(len(dictionary), bool)
    used[codes[valid]] = True
    renumber = (np.cumsum(used) - 1).astype(np.int32)
    compacted = pa.DictionaryArray.from_arrays(
        pa.array(renumber[codes], pa.int32(), mask=~valid if not valid.all() else None),
        dictionary.take(pa.array(np.flatnonzero(used))),
    )
    return pa.chunked_array([compacted.cast(column.type)])
