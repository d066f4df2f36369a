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
:mod:`yunpei_match.batch.dask` runs the same jobs over a partitioned dataset on Dask.

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

The names below are imported on first use, as :mod:`yunpei_match`'s are: a command line that
only parses its arguments never loads pyarrow.

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

from typing import TYPE_CHECKING

from .._base.lazy import lazy_names

if TYPE_CHECKING:
    from ._checks import Verdicts
    from ._fitment_report import FitmentJobReport, run_fitment_job
    from ._jobs import FitmentJob, NumberLookupJob, NumberSearchJob, VinDecodeJob
    from ._open import open_catalog
    from ._runner import Job, JobReport, open_source, run_job
    from ._spec import JOBS, JobSpec
    from ._stock_jobs import NearestStockedJob, OffersJob, SourcingJob

#: Rows read and answered at a time: memory is a small multiple of it.
DEFAULT_BATCH_ROWS = 65_536

#: The module of each name imported on first use.
_LAZY = {
    "JOBS": "_spec",
    "FitmentJob": "_jobs",
    "FitmentJobReport": "_fitment_report",
    "Job": "_runner",
    "JobReport": "_runner",
    "JobSpec": "_spec",
    "NearestStockedJob": "_stock_jobs",
    "NumberLookupJob": "_jobs",
    "NumberSearchJob": "_jobs",
    "OffersJob": "_stock_jobs",
    "SourcingJob": "_stock_jobs",
    "Verdicts": "_checks",
    "VinDecodeJob": "_jobs",
    "open_catalog": "_open",
    "open_source": "_runner",
    "run_fitment_job": "_fitment_report",
    "run_job": "_runner",
}

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


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)
