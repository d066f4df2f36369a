"""Output written aside and renamed into place: parquet one buffered row group at a time, or CSV.

Temporary names
---------------
A file (or a Dask job's directory) is written as ``.NAME.PID-HEX@HOST.tmp`` beside ``NAME`` and
renamed into place when the job ends well. An error, Ctrl-C or SIGTERM (the command line turns
it into an exception) removes it on the way out; SIGKILL or a power cut cannot, so the next job
writing ``NAME`` removes the temporaries of ``NAME`` whose process is gone: same host, and no
process with that pid. A temporary of a live process (a job running beside this one), of
another host sharing the filesystem, or of a pid that has been reused, is left alone: removing
one that is still being written would break that job, and leaving one only costs disk.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import socket
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import DataError
from ._checks import null_mask

__all__ = ["ROW_GROUP_ROWS", "Sink", "remove_stale", "temporary_beside"]

ROW_GROUP_ROWS = 1 << 18  # results buffered per parquet row group: memory, not speed, sets it
_HOST = socket.gethostname().replace("/", "_")


def temporary_beside(path: Path, kind: str = "tmp") -> Path:
    """``out/a.parquet`` -> ``out/.a.parquet.<pid>-<hex>@<host>.tmp``: a name no other job
    uses, from which a later job can tell whether its writer is still running."""
    return path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}@{_HOST}.{kind}")


def remove_stale(path: Path) -> list[Path]:
    """Remove the temporaries of ``path`` left by processes of this host that are gone.

    Names without ``@HOST`` (written before the host was part of the name) count as this
    host's. Returns what was removed.
    """
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(\d+)-[0-9a-f]{{8}}(?:@(.+))?\.(?:tmp|old)")
    removed = []
    candidates = path.parent.glob(f".{glob.escape(path.name)}.*") if path.parent.is_dir() else ()
    for candidate in candidates:
        found = pattern.fullmatch(candidate.name)
        if found is None or found.group(2) not in (None, _HOST) or _running(int(found.group(1))):
            continue
        if candidate.is_dir() and not candidate.is_symlink():
            shutil.rmtree(candidate, ignore_errors=True)
        else:
            candidate.unlink(missing_ok=True)
        removed.append(candidate)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another job of this process (a thread) may be writing it
    if os.name != "posix":
        return True  # no harmless way to ask; keep the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class Sink:
    """A table written under a temporary name beside ``path``, renamed into place on commit.

    ``path`` ending in ``.csv`` is written as CSV (header, then one line a row); anything else
    as parquet. :meth:`clear` (before the job reads anything) removes an earlier run's file at
    ``path`` and stale temporaries, so whatever happens next, no file from another run is left
    under that name.

    Parquet results are buffered up to :data:`ROW_GROUP_ROWS` rows and written as one row group.
    Dictionary columns (ids and names over the catalogue's) stay dictionary-encoded, and each
    row group's dictionary is cut down to the values it uses: the writer then stores the codes
    as they are, instead of hashing every string again, and never repeats a catalogue-wide
    dictionary in every row group.
    """

    def __init__(self, path: Path, *, always: bool, table: str = "results") -> None:
        self.path = path
        self.always = always  # write a file even with no rows (the results)
        self.table = table  # what it holds, for messages
        self.csv = path.suffix.lower() == ".csv"
        self.temporary = temporary_beside(path)
        self.writer: Any = None
        self.schema: pa.Schema | None = None
        self.buffer: list[pa.Table] = []
        self.buffered = 0

    def clear(self) -> None:
        """Remove an earlier run's file at ``path`` and the temporaries of dead processes."""
        remove_stale(self.path)
        if self.path.is_file() or self.path.is_symlink():
            self.path.unlink()

    def write(self, table: pa.Table) -> None:
        if self.writer is None and (table.num_rows or self.always):
            self._open(table.schema)
        if not table.num_rows or self.writer is None:
            return
        if not table.schema.equals(self.schema):
            table = table.cast(self.schema)
        self.buffer.append(table)
        self.buffered += table.num_rows
        if self.buffered >= ROW_GROUP_ROWS:
            self._flush()

    def _open(self, schema: pa.Schema) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.schema = schema
        if not self.csv:
            self.writer = pq.ParquetWriter(self.temporary, schema, **_options(schema))
            return
        import pyarrow.csv

        unwritable = [f"{f.name} ({f.type})" for f in schema if pa.types.is_nested(f.type)]
        if unwritable:
            raise DataError(
                f"{self.table} cannot be written as CSV to {self.path}: column(s) "
                f"{', '.join(unwritable)} hold lists; give a .parquet name"
            )
        self.writer = pyarrow.csv.CSVWriter(str(self.temporary), schema)

    def _flush(self) -> None:
        if self.buffer and self.writer is not None:
            table = pa.concat_tables(self.buffer)
            if self.csv:
                self.writer.write_table(table)
            else:
                columns = [
                    _compact(column) if pa.types.is_dictionary(column.type) else column
                    for column in table.columns
                ]
                table = pa.Table.from_arrays(columns, schema=table.schema)
                self.writer.write_table(table, row_group_size=len(table) or None)
        self.buffer, self.buffered = [], 0

    def commit(self) -> Path | None:
        """Finish the file and rename it into place; None when nothing was written."""
        if self.writer is None:
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
