"""The job runner: stream a parquet dataset through a job, write results and rejects as it goes.

A :class:`Job` answers one record batch at a time. :func:`run_job` opens the source as a
``pyarrow.dataset`` (discovery, schema, row count), feeds the job its record batches in file
order, numbering the rows of the whole dataset, and writes what comes back through one
``ParquetWriter`` (a CSV writer for a ``.csv`` name) for the results and one, opened on the
first reject, for the rejects. Before it reads anything, the runner removes the files an earlier
run left under those names; both are then written to temporary names beside their final paths
(see :mod:`._sink`) and renamed into place only when the whole input has been read. So a job
that fails, however it fails, leaves no results and no rejects: not half-written ones, and not
an earlier run's, which would look like the answer to this run's input.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .._base.tables import INT64_MAX, as_table, is_string_type
from ..errors import ColumnTypeError, DataError, MissingColumnError, MissingTableError, show
from . import DEFAULT_BATCH_ROWS
from ._checks import Verdicts
from ._sink import Sink

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "Job",
    "JobReport",
    "Progress",
    "is_id_like",
    "kept_columns",
    "open_source",
    "run_job",
]

RESERVED = ("row", "reason")  # columns the runner adds to results and rejects

Progress = Callable[[int, "int | None"], None]


# -- jobs ---------------------------------------------------------------------------------------


class Job:
    """One workload answered a record batch at a time: the base of the batch jobs.

    A job names its ``required`` input columns (and, in ``any_of``, columns of which at least
    one must be present), the kind of each column it reads (``"string"``, ``"number"`` or
    ``"integer"``), and answers a batch with :meth:`process`. Subclasses implement
    ``_answer(table, rows)``, where ``rows`` are the batch's row numbers in the whole dataset.

    Examples
    --------
    A job of one's own: upper-case a column, rejecting nulls.

    >>> import numpy as np, pyarrow as pa, pyarrow.compute as pc
    >>> from yunpei_match.batch import Job, Verdicts
    >>> class Shout(Job):
    ...     name, required, output_columns = "shout", ("text",), ("loud",)
    ...     def _answer(self, table, rows):
    ...         verdicts = Verdicts(table.num_rows)
    ...         verdicts.reject(np.asarray(table["text"].is_null()), "missing text")
    ...         ok = np.flatnonzero(verdicts.accepted)
    ...         loud = pc.utf8_upper(table["text"].take(ok))
    ...         return (self.results(table, rows, ok, {"loud": loud}),
    ...                 self.rejects(table, rows, verdicts))
    >>> results, rejects = Shout().process(pa.table({"text": ["hi", None]}), first_row=10)
    >>> results.to_pylist(), rejects.to_pylist()
    ([{'row': 10, 'loud': 'HI'}], [{'text': None, 'row': 11, 'reason': 'missing text'}])

    Attributes
    ----------
    name : str
        The job's name (``"fitment"``...).
    table : str
        What the input is called in messages (``"requests"``, ``"orders"``).
    required : tuple of str
        Columns the input must have.
    any_of : tuple of str
        The input must have at least one of these columns.
    output_columns : tuple of str
        The result columns after ``row`` and the kept columns.
    dictionary_columns : tuple of str
        Id columns read dictionary-encoded: ids are then looked up once per distinct value.
    keep : tuple of str or None
        Input columns copied to every result row, after ``row``; None (the default) keeps the
        input's id-like columns (see :func:`kept_columns`).
    """

    name: ClassVar[str] = ""
    table: ClassVar[str] = "requests"
    required: ClassVar[tuple[str, ...]] = ()
    any_of: ClassVar[tuple[str, ...]] = ()
    kinds: ClassVar[dict[str, str]] = {}
    output_columns: ClassVar[tuple[str, ...]] = ()
    dictionary_columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, keep: Sequence[str] | None = None) -> None:
        self.keep = _checked_keep(type(self), keep)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    @classmethod
    def check_schema(cls, schema: pa.Schema) -> None:
        """Raise if the input cannot be this job's: a column missing, of the wrong type, or
        named like a column the job adds.

        Raises
        ------
        MissingColumnError
            If a required column is missing.
        ColumnTypeError
            If a column holds the wrong type (integers for ids...).
        DataError
            If the input has a column named ``row`` or ``reason``.
        """
        names = schema.names
        has = ", ".join(names) or "no columns"
        missing = [name for name in cls.required if name not in names]
        if missing:
            raise MissingColumnError(
                f"{cls.table} is missing required column(s) {', '.join(missing)}; it has {has}"
            )
        if cls.any_of and not any(name in names for name in cls.any_of):
            raise MissingColumnError(
                f"{cls.table} needs a {' or a '.join(cls.any_of)} column; it has {has}"
            )
        for name in RESERVED:
            if name in names:
                raise DataError(
                    f"{cls.table} has a column named {name!r}, which the job adds to its output "
                    "(is it a rejects file?); drop or rename it"
                )
        for name, kind in cls.kinds.items():
            if name in names:
                _check_kind(cls.table, name, schema.field(name).type, kind)

    def process(
        self, batch: pa.RecordBatch | pa.Table, first_row: int
    ) -> tuple[pa.Table, pa.Table]:
        """Answer one batch whose first row is row ``first_row`` of the dataset.

        Returns
        -------
        (pyarrow.Table, pyarrow.Table)
            The results (``row``, the kept columns, then :attr:`output_columns`), sorted by
            ``row``; and the rejects: the input columns of the rejected rows plus ``row``
            (int64) and ``reason`` (string).
        """
        table = as_table(batch, self.table)  # string views expanded: pyarrow cannot take them
        rows = np.arange(first_row, first_row + table.num_rows, dtype=np.int64)
        return self._answer(table, rows)

    def finish(self) -> tuple[pa.Table, pa.Table] | None:
        """Answer whatever the job held back from earlier batches (the sourcing job holds the
        last order of a batch until it is complete); None when nothing is held."""
        return None

    def _answer(self, table: pa.Table, rows: np.ndarray) -> tuple[pa.Table, pa.Table]:
        raise NotImplementedError

    def written(self, results: pa.Table) -> pa.Table:
        """The results as the output file holds them (by default as :meth:`process` gives
        them; a job may reshape them here, after the runner has counted them)."""
        return results

    def results(
        self, table: pa.Table, rows: np.ndarray, local: np.ndarray, columns: dict[str, Any]
    ) -> pa.Table:
        """Result rows for input rows ``local`` (positions in ``table``): ``row``, the kept
        columns, then ``columns``."""
        local = np.asarray(local, np.int64)
        out: dict[str, Any] = {"row": pa.array(rows[local], pa.int64())}
        for name in kept_columns(type(self), self.keep, table.schema):
            out[name] = table.column(name).take(local)
        out.update(columns)
        return pa.table(out)

    @staticmethod
    def rejects(table: pa.Table, rows: np.ndarray, verdicts: Verdicts) -> pa.Table:
        """The rejected rows of ``table`` with their ``row`` and ``reason``."""
        bad = np.flatnonzero(~verdicts.accepted)
        return (
            table.take(bad)
            .append_column("row", pa.array(rows[bad], pa.int64()))
            .append_column("reason", verdicts.reasons_of(bad))
        )


def is_id_like(name: str) -> bool:
    """Whether a request column is kept by default: ``*_id``, ``vin`` or ``category``."""
    return name.endswith("_id") or name in ("vin", "category")


def kept_columns(job: type[Job], keep: Sequence[str] | None, schema: pa.Schema) -> tuple[str, ...]:
    """The input columns a job copies to its results: ``keep``, or by default (None) every
    id-like column of the input (:func:`is_id_like`) that the job does not output itself.

    Raises
    ------
    MissingColumnError
        If ``keep`` names a column the input does not have.
    ColumnTypeError, DataError
        If ``keep`` is not a sequence of names, or names a column the job outputs.
    """
    names = schema.names
    keep = _checked_keep(job, keep)
    if keep is None:
        taken = (*RESERVED, *job.output_columns)
        return tuple(name for name in names if is_id_like(name) and name not in taken)
    missing = [name for name in keep if name not in names]
    if missing:
        raise MissingColumnError(
            f"{job.table} has no column {', '.join(missing)} to keep; it has "
            f"{', '.join(names) or 'no columns'}"
        )
    return tuple(keep)


def _checked_keep(job: type[Job], keep: Sequence[str] | None) -> tuple[str, ...] | None:
    if keep is None:
        return None
    if isinstance(keep, str) or not all(isinstance(name, str) for name in keep):
        raise ColumnTypeError(f"keep must be a sequence of column names, got {show(keep)}")
    clash = [name for name in keep if name in (*RESERVED, *job.output_columns)]
    if clash:
        raise DataError(f"keep names output column(s) of the {job.name} job: {', '.join(clash)}")
    return tuple(keep)


def _check_kind(table: str, name: str, arrow_type: pa.DataType, kind: str) -> None:
    value_type = arrow_type.value_type if pa.types.is_dictionary(arrow_type) else arrow_type
    if pa.types.is_null(value_type):
        return
    ok = {
        "string": is_string_type(value_type),
        "number": pa.types.is_integer(value_type) or pa.types.is_floating(value_type),
        "integer": pa.types.is_integer(value_type),
    }[kind]
    if not ok:
        words = {"string": "strings", "number": "numbers", "integer": "integers"}[kind]
        raise ColumnTypeError(f"{table}.{name} must hold {words}, got {arrow_type}")


# -- running ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobReport:
    """What a job did: counts, where it wrote, how long it took.

    ``input_rows == accepted + rejected`` always. A rejected row is in the rejects file with
    its reason. An accepted row is answered in the results: by the result rows that carry its
    ``row`` number, or by none when its answer is empty (``empty`` counts those: a vehicle
    with no part in the category, a number search finding nothing within reach, no offer in
    stock).

    Attributes
    ----------
    job : str
    input_rows, accepted, rejected, empty, result_rows : int
    output : Path
        The results (a parquet file; a directory of them for a Dask job).
    rejects : Path or None
        The rejects, or None when no row was rejected.
    seconds : float
    reasons : dict of str to int
        Rejected rows per reason.
    """

    job: str
    input_rows: int
    accepted: int
    rejected: int
    empty: int
    result_rows: int
    output: Path
    rejects: Path | None
    seconds: float
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        """Input rows per second."""
        return self.input_rows / self.seconds if self.seconds else float("inf")


# What reading a damaged parquet file raises: a bad footer, an encoding value no reader knows, a
# column name that is not UTF-8.
UNREADABLE = (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, UnicodeDecodeError)


def open_source(
    source: str | Path | Sequence[str | Path] | ds.Dataset,
    *,
    table: str = "requests",
    dictionary_columns: Sequence[str] = (),
) -> ds.Dataset:
    """The parquet dataset of a file, a directory of files, a list of files (or a Dataset).

    ``dictionary_columns`` are read dictionary-encoded. Files and directories whose names start
    with ``.`` or ``_`` are skipped, as pyarrow does.

    Raises
    ------
    MissingTableError
        If a path does not exist.
    DataError
        If the files cannot be read as parquet.
    """
    if isinstance(source, ds.Dataset):
        return source
    paths = [source] if isinstance(source, str | Path) else list(source)
    for path in paths:
        if not Path(path).exists():
            raise MissingTableError(f"{table} file not found: {path}")
    read_options = ds.ParquetReadOptions(dictionary_columns=list(dictionary_columns))
    try:
        dataset = ds.dataset(
            [str(p) for p in paths]
            if len(paths) != 1 or Path(paths[0]).is_file()
            else str(paths[0]),
            format=ds.ParquetFileFormat(read_options=read_options),
        )
        dataset.schema.names  # noqa: B018 (decodes the column names, which may not be UTF-8)
        return dataset
    except UNREADABLE as exc:
        raise DataError(f"{table}: cannot read {source}: {exc}") from None


def _batches(
    dataset: ds.Dataset, batch_size: int, table: str, dictionary_columns: Sequence[str]
) -> Iterator[pa.RecordBatch | pa.Table]:
    """The dataset's batches in order, in the dataset's schema; a read error is a DataError.

    Parquet files are pulled one batch at a time (``ParquetFile.iter_batches``): memory is a
    batch and one row group. ``Dataset.to_batches`` decodes ahead of its consumer into a queue,
    which for a 10 M-row file held most of the file (90 MB here), growing with the input.
    """
    if not (
        isinstance(dataset, ds.FileSystemDataset)
        and isinstance(dataset.format, ds.ParquetFileFormat)
    ):
        yield from _guarded(dataset.to_batches(batch_size=batch_size, use_threads=False), table)
        return
    schema = dataset.schema
    read = [name for name in dictionary_columns if name in schema.names]
    for path in dataset.files:
        try:
            source = dataset.filesystem.open_input_file(path)
            reader = pq.ParquetFile(source, read_dictionary=read, pre_buffer=False)
        except UNREADABLE as exc:
            raise DataError(f"{table}: cannot read {path}: {exc}") from None
        with source:
            for batch in _guarded(reader.iter_batches(batch_size=batch_size), table, path):
                yield batch if batch.schema.equals(schema) else _conform(batch, schema, path)


def _guarded(
    batches: Iterator[pa.RecordBatch], table: str, path: str = "the input"
) -> Iterator[pa.RecordBatch]:
    while True:
        try:
            batch = next(batches)
            # A damaged file can decode to arrays that break their own invariants (dictionary
            # indices past the dictionary, offsets past the data): caught here, not in a check.
            batch.validate(full=True)
        except StopIteration:
            return
        except UNREADABLE as exc:
            raise DataError(f"{table}: cannot read {path}: {exc}") from None
        yield batch


def _conform(batch: pa.RecordBatch, schema: pa.Schema, path: str) -> pa.Table:
    """A batch of a file whose schema differs from the dataset's (the first file's): missing
    columns become nulls and types are cast, as the dataset scanner does."""
    names = batch.schema.names
    columns = [
        batch.column(f.name) if f.name in names else pa.nulls(batch.num_rows, f.type)
        for f in schema
    ]
    try:
        return pa.Table.from_arrays(columns, names=schema.names).cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise DataError(f"{path} does not fit the schema of the other files: {exc}") from None


def default_rejects(output: Path) -> Path:
    """``out/fitment.parquet`` -> ``out/fitment.rejects.parquet`` (``.rejects.csv`` beside a
    CSV output)."""
    suffix = ".csv" if output.suffix.lower() == ".csv" else ".parquet"
    return output.with_suffix(".rejects" + suffix)


def run_job(
    job: Job,
    source: str | Path | Sequence[str | Path] | ds.Dataset,
    output: str | Path,
    *,
    batch_size: int = DEFAULT_BATCH_ROWS,
    rejects: str | Path | None = None,
    progress: Progress | None = None,
    first_row: int = 0,
) -> JobReport:
    """Stream a parquet dataset through a job; write the results and the rejects as it goes.

    Parameters
    ----------
    job : Job
        See :mod:`yunpei_match.batch` for the jobs.
    source : path, list of paths or pyarrow.dataset.Dataset
        A parquet file, a directory of parquet files, or a list of files.
    output : path
        The results file: parquet, or CSV when the name ends in ``.csv``. An earlier run's file
        there is removed first; the new one is written aside and renamed into place when the
        job ends well, so a failed job leaves no results file at all.
    batch_size : int, default 65,536
        Rows read and answered at a time. Memory is a few batches, whatever the input size
        (plus the input's row groups, which parquet reads whole).
    rejects : path, optional
        The file for the rejected rows (parquet, or CSV by its name): their input columns,
        ``row`` and ``reason``. By default ``<output stem>.rejects.parquet`` (``.rejects.csv``
        beside a CSV output). Written only when a row is rejected; an earlier run's file there
        is removed first, as for ``output``.
    progress : callable, optional
        Called as ``progress(rows_done, total_rows)`` after each batch (``total_rows`` from the
        parquet footers; None when unknown).
    first_row : int, default 0
        Number of the first row, for a part of a larger dataset (the Dask jobs).

    Returns
    -------
    JobReport
        ``input_rows == accepted + rejected``.

    Raises
    ------
    MissingTableError
        If the source does not exist.
    MissingColumnError, ColumnTypeError, DataError
        If the input is not parquet, lacks a required column or has one of the wrong type,
        or (the sourcing job) is not grouped by order; if ``output`` or ``rejects`` is a
        directory or an input file; if a result column holds lists and the output is CSV.

    Examples
    --------
    >>> import tempfile, yunpei_match as ym
    >>> from yunpei_match.batch import FitmentJob, run_job
    >>> job = FitmentJob(ym.Catalog.from_parquet("data/samples"))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     report = run_job(job, "data/samples/requests.parquet", f"{tmp}/parts.parquet")
    >>> report.input_rows == report.accepted + report.rejected, report.reasons
    (True, {'unknown vehicle_id': 6})
    """
    started = time.perf_counter()
    sinks = _sinks(job, source, Path(output), rejects)
    counts = _Counts(first_row)
    try:
        for sink in sinks:
            sink.clear()
        batch_size = _check_batch_size(batch_size)
        dataset = open_source(source, table=job.table, dictionary_columns=job.dictionary_columns)
        job.check_schema(dataset.schema)
        kept_columns(type(job), job.keep, dataset.schema)  # a missing one fails here, not later
        total = _count_rows(dataset)
        for batch in _batches(dataset, batch_size, job.table, job.dictionary_columns):
            counts.add(job, sinks, *job.process(batch, counts.next_row), batch.num_rows)
            if progress is not None:
                progress(counts.input_rows, total)
        held = job.finish()
        if held is not None:
            counts.add(job, sinks, *held, 0)
        if sinks[0].writer is None:  # no batch at all: an empty answer fixes the schema
            empty = dataset.schema.empty_table()
            counts.add(job, sinks, *job.process(empty, counts.next_row), 0)
        written = sinks[0].commit(), sinks[1].commit()
    except BaseException:
        for sink in sinks:
            sink.abort()
        raise
    return counts.report(job.name, written, time.perf_counter() - started)


def _sinks(job: Job, source: object, output: Path, rejects: str | Path | None) -> tuple[Sink, Sink]:
    """The results' and the rejects' sinks, refusing names that would overwrite the input."""
    if output.is_dir():
        raise DataError(f"output {output} is a directory; give a file name")
    rejects = Path(rejects) if rejects is not None else default_rejects(output)
    inputs = [source] if isinstance(source, str | Path) else source
    if isinstance(inputs, list | tuple):
        given = {Path(p).resolve() for p in inputs}
        for path in (output, rejects):
            if path.resolve() in given:
                raise DataError(f"output {path} is the {job.table} file the job reads")
    return Sink(output, always=True), Sink(rejects, always=False, table="rejects")


class _Counts:
    """Running totals of a job."""

    def __init__(self, first_row: int) -> None:
        self.next_row = first_row
        self.input_rows = self.rejected = self.answered = self.result_rows = 0
        self.reasons: Counter[str] = Counter()

    def add(
        self, job: Job, sinks: tuple[Sink, Sink], results: pa.Table, rejects: pa.Table, read: int
    ) -> None:
        sinks[0].write(job.written(results))
        sinks[1].write(rejects)
        self.input_rows += read
        self.next_row += read
        self.result_rows += results.num_rows
        self.answered += _distinct(results.column("row").to_numpy())
        self.rejected += rejects.num_rows
        if rejects.num_rows:
            counts = pc.value_counts(rejects.column("reason")).to_pylist()
            self.reasons.update({c["values"]: c["counts"] for c in counts})

    def report(self, name: str, written: tuple[Path | None, ...], seconds: float) -> JobReport:
        accepted = self.input_rows - self.rejected
        return JobReport(
            job=name,
            input_rows=self.input_rows,
            accepted=accepted,
            rejected=self.rejected,
            empty=accepted - self.answered,
            result_rows=self.result_rows,
            output=written[0] or Path(),
            rejects=written[1],
            seconds=seconds,
            reasons=dict(self.reasons.most_common()),
        )


def _distinct(rows: np.ndarray) -> int:
    """Distinct values of a row column (sorted, as the jobs give it, or not)."""
    if len(rows) == 0:
        return 0
    if (rows[1:] >= rows[:-1]).all():
        return int(np.count_nonzero(rows[1:] != rows[:-1])) + 1
    return len(np.unique(rows))


def _count_rows(dataset: ds.Dataset) -> int | None:
    try:
        return int(dataset.count_rows())
    except (pa.ArrowException, OSError):
        return None


def _check_batch_size(batch_size: Any) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
        raise ColumnTypeError(f"batch_size must be an int, got {type(batch_size).__name__}")
    if batch_size < 1:
        raise DataError(f"batch_size must be >= 1, got {batch_size}")
    if batch_size > INT64_MAX:  # the readers take an int64
        raise DataError(f"batch_size must be <= {INT64_MAX}, got {show(int(batch_size))}")
    return int(batch_size)
