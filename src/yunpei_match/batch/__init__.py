"""Batch jobs: request files of any size answered in bounded memory, streamed to parquet.

One :class:`Job` per workload answers one record batch at a time:

================= ========================== ======================================================
name              job                        input columns (and any id-like ones, kept)
================= ========================== ======================================================
``fitment``       :class:`FitmentJob`        ``vehicle_id`` and/or ``vin``, optional ``category``
``numbers``       :class:`NumberLookupJob`   ``number``
``number-search`` :class:`NumberSearchJob`   ``number``
``vins``          :class:`VinDecodeJob`      ``vin``
``nearest``       :class:`NearestStockedJob` ``part_id``, ``lat``, ``lon``, optional ``qty``
``sourcing``      :class:`SourcingJob`       ``order_id``, ``part_id``, ``lat``, ``lon``, ``qty``
``offers``        :class:`OffersJob`         ``vehicle_id``/``vin``, ``category``, ``lat``, ``lon``
================= ========================== ======================================================

:func:`run_job` reads the input with ``pyarrow.dataset``, record batch by record batch, and
writes the answers through a ``ParquetWriter`` as it goes: memory is bounded by the batch size
(and the input's row groups), never by the input size. The catalogue is the job's other input:
a saved index is memory-mapped (:meth:`Catalog.load`), a parquet catalogue directory is built in
memory (:func:`open_catalog`); the stock jobs also build an :class:`~yunpei_match.Inventory`
from ``warehouses`` and ``stock`` parquet, which a saved index does not hold.
:mod:`yunpei_match.distributed` runs the same jobs over a partitioned dataset on Dask.

Accounting
----------
Every input row is either *accepted* or *rejected*, so ``input_rows == accepted + rejected``
always, and no row is lost:

- a **rejected** row is written to the rejects file with its input columns, its ``row`` (int64,
  its number in the whole dataset, from 0) and a ``reason`` (``"unknown vehicle_id"``,
  ``"invalid vin (check_digit)"``, ``"lat out of range"``...). Bad values are per-row: a null
  or blank id, an unknown id, an invalid VIN, a bad coordinate, a quantity below 1. They never
  stop the job. A wrong *file* does: a missing required column or one of the wrong type
  (:class:`~yunpei_match.MissingColumnError`, :class:`~yunpei_match.ColumnTypeError`), a file
  that is not parquet (:class:`~yunpei_match.DataError`).
- an **accepted** row is answered in the results, whose rows carry its ``row`` number: by one
  result row or more, or by none when the answer is definitely empty (a vehicle with no part
  in the category; ``JobReport.empty`` counts them).

Kept columns
------------
Result rows carry, after ``row``, the request columns the caller names (``keep=[...]`` of a job,
``"keep"`` in :class:`JobSpec` options, ``--keep a,b`` on the command line) or, by default, the
request's **id-like** columns: those named ``*_id``, ``vin`` or ``category``, in the input's
order, except those the job outputs itself (the fitment job's ``vehicle_id`` is the matched
vehicle). So offers for ``baskets.parquet`` keep ``basket_id``, ``shop_id``, ``vehicle_id``
and ``category``. A named column the input lacks is a :class:`~yunpei_match.MissingColumnError`
before any row is read; ``keep=[]`` keeps none. Rejects keep every input column anyway.

Files
-----
Before it reads anything, a job removes the results and rejects files an earlier run left
under its names; it writes both under temporary names and renames them into place when it ends
well. So a failed job leaves no output, neither half-written nor an earlier run's (which would
pass for this run's answer); a job killed with SIGKILL leaves a hidden temporary, which the next
job writing the same output removes.

Examples
--------
>>> import tempfile, yunpei_match as ym
>>> from yunpei_match.batch import JobSpec, run_job
>>> job = JobSpec("fitment", "data/samples").open()  # or FitmentJob(catalog)
>>> with tempfile.TemporaryDirectory() as tmp:
...     report = run_job(job, "data/samples/requests.parquet", f"{tmp}/fitment.parquet",
...                      batch_size=64)
>>> report.input_rows, report.accepted, report.rejected, report.empty
(200, 194, 6, 18)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ..catalog import Catalog
from ._checks import Verdicts
from ._jobs import FitmentJob, NumberLookupJob, NumberSearchJob, VinDecodeJob
from ._runner import DEFAULT_BATCH_ROWS, Job, JobReport, Progress, open_source, run_job
from ._spec import JOBS, JobSpec, open_catalog
from ._stock_jobs import NearestStockedJob, OffersJob, SourcingJob

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "JOBS",
    "FitmentJob",
    "FitmentJobReport",
    "Job",
    "JobReport",
    "JobSpec",
    "NearestStockedJob",
    "NumberLookupJob",
    "NumberSearchJob",
    "OffersJob",
    "SourcingJob",
    "Verdicts",
    "VinDecodeJob",
    "open_catalog",
    "open_source",
    "run_fitment_job",
    "run_job",
]


@dataclass(frozen=True)
class FitmentJobReport:
    """What :func:`run_fitment_job` did: counts, where it wrote, how long it took.

    ``requests == answered + rejected``; ``answered`` counts the requests answered with parts
    or with none (see :class:`JobReport`, whose ``accepted`` it is).
    """

    requests: int
    answered: int
    rejected: int
    result_rows: int
    output: Path
    rejects: Path | None
    seconds: float

    @property
    def rows_per_second(self) -> float:
        """Result rows per second."""
        return self.result_rows / self.seconds if self.seconds else float("inf")


class _RequestIdFitmentJob(FitmentJob):
    """:class:`FitmentJob` with the columns of the first fitment job: ``request_id`` (the
    input's, as a string, or the row number) instead of ``row``."""

    def written(self, results: pa.Table) -> pa.Table:
        ids = results.column("request_id" if "request_id" in results.column_names else "row")
        columns = results.select(list(self.output_columns))
        return columns.add_column(0, "request_id", ids.cast(pa.string()))


def run_fitment_job(
    catalog: Catalog,
    requests: str | Path | Sequence[str | Path],
    output: str | Path,
    *,
    rejects: str | Path | None = None,
    batch_size: int = DEFAULT_BATCH_ROWS,
    progress: Progress | None = None,
) -> FitmentJobReport:
    """Answer every request of a parquet file with the parts that fit; one row per part.

    The fitment job of the command line: :class:`FitmentJob` through :func:`run_job`, writing
    ``request_id`` (the input's, or the row number, as a string), ``vehicle_id``, ``part_id``,
    ``brand``, ``part_number``, ``category``.

    Parameters
    ----------
    catalog : Catalog
    requests : path
        Parquet with ``vehicle_id`` and/or ``vin``, optional ``category`` (null = every
        category) and ``request_id``.
    output : path
        The results parquet.
    rejects : path, optional
        Rejected requests with their ``row`` and ``reason``; by default
        ``<output stem>.rejects.parquet``, written only when a request is rejected.
    batch_size, progress
        As for :func:`run_job`.

    Returns
    -------
    FitmentJobReport
        ``requests == answered + rejected``: no request is lost.

    Examples
    --------
    >>> import tempfile, yunpei_match as ym
    >>> catalog = ym.Catalog.from_parquet("data/samples")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     report = run_fitment_job(catalog, "data/samples/requests.parquet",
    ...                              f"{tmp}/out.parquet")
    >>> report.requests == report.answered + report.rejected
    True
    """
    report = run_job(
        _RequestIdFitmentJob(catalog),
        requests,
        output,
        batch_size=batch_size,
        rejects=rejects,
        progress=progress,
    )
    return FitmentJobReport(
        requests=report.input_rows,
        answered=report.accepted,
        rejected=report.rejected,
        result_rows=report.result_rows,
        output=report.output,
        rejects=report.rejects,
        seconds=report.seconds,
    )
