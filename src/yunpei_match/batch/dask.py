"""Batch jobs on a Dask cluster: the jobs of :mod:`yunpei_match.batch` over a partitioned dataset.

Install with ``pip install 'yunpei_match[dask]'``. :func:`run_on_dask` takes a
:class:`~yunpei_match.batch.JobSpec` (a job by name, the saved index, the stock directory and
the job's options), a parquet dataset of many files and an output directory, and runs one task
per file on any ``distributed.Client``:

1. the client lists the files and has the workers count their rows from the parquet footers, so
   each file knows the number of its first row: ``row`` means the same as in a local run;
2. each task runs :func:`~yunpei_match.batch.run_job` on its file, with the same per-batch
   ``process`` as a local job, and writes ``part-NNNNN.parquet`` into the output directory (and
   its rejected rows into the rejects directory). Each worker process opens the saved index
   once, memory-mapped, and keeps it (one cache entry per path); the stock jobs' inventory is
   built once per (index, stock directory);
3. the client sums the reports and renames the finished directory into place. An earlier run's
   output and rejects directories are removed before the tasks start, so a failed job leaves
   neither (nor any staging directory, unless the client was killed: the next job writing the
   same output removes those, as :mod:`yunpei_match.batch._sink` says).

The sourcing job needs every line of an order in one file (a task sees one file); the client
checks it after the tasks and raises ``DataError`` naming two files that share an order.

Running it on a real cluster
----------------------------
Every worker and the client must see the index, the input and the output at the same path: a
shared filesystem (NFS, Lustre, a mounted volume). Object stores are not supported: the output
is committed by renaming a directory.

.. code-block:: bash

    # once: build the index where every machine sees it
    yunpei-match build /shared/catalog --out /shared/index
    # on the scheduler machine, and on each worker machine (same Python, yunpei_match[dask])
    dask scheduler
    dask worker tcp://scheduler:8786 --nworkers 4 --nthreads 1 --memory-limit 8GB

.. code-block:: python

    from distributed import Client
    from yunpei_match.batch import JobSpec
    from yunpei_match.batch.dask import run_on_dask

    client = Client("tcp://scheduler:8786")
    report = run_on_dask(client, JobSpec("fitment", "/shared/index"),
                         "/shared/requests/", "/shared/out/fitment")

Give the input as many files (a task is one file): polars ``write_parquet(...,
partition_by=...)``, DuckDB ``COPY ... (FORMAT parquet, PER_THREAD_OUTPUT)`` or Spark write
them. One thread per worker process is the right shape: the kernels are fast and the work per
row is small, so processes scale where threads would share one interpreter; the worker
processes of a machine share the memory-mapped index through the page cache, so it costs its
size once per machine, not once per process.

Examples
--------
>>> import tempfile
>>> from distributed import Client
>>> from yunpei_match.batch import JobSpec
>>> with Client(processes=False, n_workers=1, dashboard_address=None) as client:
...     with tempfile.TemporaryDirectory() as tmp:
...         report = run_on_dask(client, JobSpec("fitment", "data/samples"),
...                              "data/samples/requests.parquet", f"{tmp}/fitment")
>>> report.input_rows, report.accepted, report.rejected
(200, 194, 6)
"""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .._base.directories import replace_directory
from ..errors import DataError
from . import DEFAULT_BATCH_ROWS, JobReport, JobSpec, open_catalog, open_source, run_job
from ._runner import Progress, kept_columns
from ._sink import remove_stale, temporary_beside
from ._stock_jobs import SourcingJob

try:
    from distributed import as_completed
except ImportError as exc:  # pragma: no cover - the extra is not installed
    raise ImportError(
        "yunpei_match.batch.dask needs dask: pip install 'yunpei_match[dask]'"
    ) from exc

if TYPE_CHECKING:
    from distributed import Client

    from ..catalog import Catalog
    from ..stock import Inventory

__all__ = ["run_on_dask"]

PART = "part-{:05d}.parquet"


def run_on_dask(
    client: Client,
    spec: JobSpec,
    source: str | Path,
    output: str | Path,
    *,
    rejects: str | Path | None = None,
    batch_size: int = DEFAULT_BATCH_ROWS,
    progress: Progress | None = None,
) -> JobReport:
    """Run a batch job over a partitioned parquet dataset on a Dask cluster.

    Parameters
    ----------
    client : distributed.Client
        Any client: a ``LocalCluster``'s or a real cluster's.
    spec : JobSpec
        The job, its index (a saved index is memory-mapped by each worker once), its stock
        directory and options. Relative paths are made absolute here. The columns kept
        (``"keep"`` in the options, by default the id-like ones) are chosen from the whole
        dataset's schema, so every part has the same columns.
    source : path
        A directory of parquet files (or one file); one task per file.
    output : path
        The results directory: ``part-NNNNN.parquet``, one per input file (in the order of the
        files), each with the columns of the local job. An earlier run's directory there
        (holding only such parts) is removed when the job starts, whether it then succeeds or
        fails; a directory holding anything else is refused.
    rejects : path, optional
        The rejects directory, by default ``<output>.rejects``; created only when a row is
        rejected.
    batch_size : int, default 65,536
        Rows a task reads and answers at a time.
    progress : callable, optional
        Called as ``progress(rows_done, total_rows)`` as files finish.

    Returns
    -------
    JobReport
        Summed over the files; ``output`` and ``rejects`` are directories.

    Raises
    ------
    MissingTableError, MissingColumnError, ColumnTypeError, DataError
        As :func:`~yunpei_match.batch.run_job` does (from the first task that fails); a
        ``DataError`` if an order of the sourcing job spans two files.
    """
    started = time.perf_counter()
    spec = _absolute(spec)
    cls = spec.job_class
    output = Path(output).absolute()
    rejects_dir = (
        Path(rejects).absolute() if rejects else output.with_name(output.name + ".rejects")
    )
    for path in (output, rejects_dir):
        if path.resolve() == Path(source).resolve():
            raise DataError(f"output {path} is the {cls.table} the job reads")
        _clear(path)
    dataset = open_source(Path(source).absolute(), table=cls.table)
    cls.check_schema(dataset.schema)
    # The columns kept are settled here, on the whole dataset, so every part has the same ones.
    keep = kept_columns(cls, spec.options.get("keep"), dataset.schema)
    spec = replace(spec, options={**spec.options, "keep": list(keep)})
    files = list(dataset.files)
    counts = client.gather(client.map(_count_rows, files, table=cls.table, pure=False))
    offsets = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])[:-1].tolist()
    staging = [_staging(path) for path in (output, rejects_dir)]
    try:
        reports = _run_tasks(
            client, spec, files, offsets, staging, batch_size, (progress, int(sum(counts)))
        )
        if issubclass(cls, SourcingJob):
            _check_orders_in_one_file(reports, files)
        written = _commit(staging[0], output), _commit(staging[1], rejects_dir, always=False)
    except BaseException:
        for path in staging:
            shutil.rmtree(path, ignore_errors=True)
        raise
    return _report(spec.job, reports, written, time.perf_counter() - started)


def _run_tasks(
    client: Client,
    spec: JobSpec,
    files: list[str],
    offsets: list[int],
    staging: list[Path],
    batch_size: int,
    progress: tuple[Progress | None, int],
) -> list[dict[str, Any]]:
    """One task per file; reports in file order. The first failure cancels the rest."""
    outputs = [str(staging[0] / PART.format(i)) for i in range(len(files))]
    rejects = [str(staging[1] / PART.format(i)) for i in range(len(files))]
    futures = client.map(
        _run_part,
        [spec] * len(files),
        files,
        offsets,
        outputs,
        rejects,
        [batch_size] * len(files),
        pure=False,
    )
    index = {future.key: i for i, future in enumerate(futures)}
    reports: list[dict[str, Any]] = [{} for _ in files]
    callback, total = progress
    done = 0
    try:
        for future in as_completed(futures):
            report = future.result()  # re-raises the task's error here
            reports[index[future.key]] = report
            done += report["input_rows"]
            if callback is not None:
                callback(done, total)
    except BaseException:
        client.cancel(futures)
        raise
    return reports


def _run_part(
    spec: JobSpec,
    path: str,
    first_row: int,
    output: str,
    rejects: str,
    batch_size: int,
) -> dict[str, Any]:
    """The task: the local job over one file, with the worker's cached catalogue."""
    job = _open_job(spec)
    report = run_job(job, path, output, batch_size=batch_size, rejects=rejects, first_row=first_row)
    return {
        "input_rows": report.input_rows,
        "rejected": report.rejected,
        "empty": report.empty,
        "result_rows": report.result_rows,
        "reasons": report.reasons,
        "hashes": job.order_hashes() if isinstance(job, SourcingJob) else None,
    }


def _count_rows(path: str, table: str) -> int:
    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{table}: cannot read {path}: {exc}") from None


# -- the worker's cache -------------------------------------------------------------------------

_lock = threading.Lock()
_catalogs: dict[str, Catalog] = {}
_inventories: dict[tuple[str, str, str], Inventory] = {}
_opened: Counter[str] = Counter()  # how often each index was opened in this process (tests)


def _open_job(spec: JobSpec) -> Any:
    """The job of ``spec`` over this process's cached catalogue (and inventory)."""
    if not spec.needs_catalog:
        return spec.open()
    if not spec.needs_stock:
        return spec.open(catalog=_catalog(str(spec.index)))
    return spec.open(inventory=_inventory(spec))


def _catalog(index: str) -> Catalog:
    # One lock for the few opens: a worker's threads asking at once open the index once.
    with _lock:
        if index not in _catalogs:
            _catalogs[index] = open_catalog(index)
            _opened[index] += 1
        return _catalogs[index]


def _inventory(spec: JobSpec) -> Inventory:
    from ..stock import Inventory

    options = spec.inventory_options()
    key = (str(spec.index), str(spec.stock_path), repr(sorted(options.items())))
    catalog = _catalog(str(spec.index))
    with _lock:
        if key not in _inventories:
            _inventories[key] = Inventory.from_parquet(catalog, spec.stock_path, **options)
        return _inventories[key]


def opened_indexes() -> dict[str, int]:
    """How many times this process opened each index: 1 each, by the cache's design.

    A diagnostic: ``client.run(opened_indexes)`` asks every worker.
    """
    return dict(_opened)


# -- committing ---------------------------------------------------------------------------------


def _absolute(spec: JobSpec) -> JobSpec:
    stock = None if spec.stock is None else str(Path(spec.stock).absolute())
    return replace(spec, index=str(Path(spec.index).absolute()), stock=stock)


def _clear(path: Path) -> None:
    """Remove an earlier job's directory of parts at ``path`` and stale staging directories;
    refuse a file, or a directory holding anything but parts (it is not a job's output)."""
    if path.exists() and not path.is_dir():
        raise DataError(f"{path} is a file; the Dask job writes a directory of parts there")
    remove_stale(path)
    if path.is_dir():
        foreign = [p.name for p in path.iterdir() if not p.name.startswith("part-")]
        if foreign:
            raise DataError(
                f"{path} holds files other than a job's parts ({foreign[0]}...); not replacing it"
            )
        shutil.rmtree(path)


def _staging(path: Path) -> Path:
    staging = temporary_beside(path)
    staging.mkdir(parents=True)
    return staging


def _commit(staging: Path, path: Path, *, always: bool = True) -> Path | None:
    """Move ``staging`` to ``path``; an empty one (no rejects) only when ``always``."""
    if always or any(staging.iterdir()):
        replace_directory(staging, path)
        return path
    shutil.rmtree(staging)
    return None


def _check_orders_in_one_file(reports: list[dict[str, Any]], files: list[str]) -> None:
    """Raise DataError if two files hold lines of one order (by the hashes of their ids)."""
    hashes = np.concatenate([np.empty(0, np.uint64), *(r["hashes"] for r in reports)])
    part = np.repeat(np.arange(len(reports)), [len(r["hashes"]) for r in reports])
    order = np.argsort(hashes, kind="stable")
    same = np.flatnonzero(hashes[order][1:] == hashes[order][:-1])
    if len(same):
        a, b = sorted((int(part[order][same[0]]), int(part[order][same[0] + 1])))
        raise DataError(
            f"{len(same)} order(s) have lines in two files, e.g. {files[a]} and {files[b]}; "
            "the sourcing job needs every line of an order in one file"
        )


def _report(
    name: str,
    reports: list[dict[str, Any]],
    written: tuple[Path | None, Path | None],
    seconds: float,
) -> JobReport:
    reasons: Counter[str] = Counter()
    for r in reports:
        reasons.update(r["reasons"])
    input_rows = sum(r["input_rows"] for r in reports)
    rejected = sum(r["rejected"] for r in reports)
    return JobReport(
        job=name,
        input_rows=input_rows,
        accepted=input_rows - rejected,
        rejected=rejected,
        empty=sum(r["empty"] for r in reports),
        result_rows=sum(r["result_rows"] for r in reports),
        output=written[0] or Path(),
        rejects=written[1],
        seconds=seconds,
        reasons=dict(reasons.most_common()),
    )
