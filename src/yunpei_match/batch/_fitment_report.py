"""The fitment job with the columns of the first one: ``request_id`` instead of ``row``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from ._jobs import FitmentJob
from ._runner import DEFAULT_BATCH_ROWS, Progress, run_job

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = ["FitmentJobReport", "run_fitment_job"]


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
