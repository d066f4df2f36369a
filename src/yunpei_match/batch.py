"""Batch jobs over request files: read requests, answer them in one vectorised call, write parquet.

Examples
--------
>>> import tempfile, yunpei_match as ym
>>> from yunpei_match.batch import run_fitment_job
>>> catalog = ym.Catalog.from_parquet("data/samples")
>>> with tempfile.TemporaryDirectory() as tmp:
...     report = run_fitment_job(catalog, "data/samples/requests.parquet", f"{tmp}/out.parquet")
>>> report.requests == report.answered + report.rejected
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ._tables import require_columns
from .catalog import Catalog

__all__ = ["FitmentJobReport", "run_fitment_job"]


@dataclass(frozen=True)
class FitmentJobReport:
    """What a fitment job did: counts, where it wrote, how long it took."""

    requests: int
    answered: int
    rejected: int
    result_rows: int
    output: Path
    rejects: Path | None
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.result_rows / self.seconds if self.seconds else float("inf")


def run_fitment_job(
    catalog: Catalog, requests: str | Path, output: str | Path, *, rejects: str | Path | None = None
) -> FitmentJobReport:
    """Answer every (vehicle_id, category) request of a parquet file; write one row per part.

    Parameters
    ----------
    catalog : Catalog
    requests : path
        Parquet with ``vehicle_id`` and optionally ``category`` (null = every category) and
        ``request_id`` (carried to the output; the row number is used when absent).
    output : path
        Parquet written with ``request_id``, ``vehicle_id``, ``part_id``, ``brand``,
        ``part_number``, ``category``.
    rejects : path, optional
        Parquet for requests naming an unknown vehicle or category, with a ``reason``; by
        default ``<output stem>.rejects.parquet`` beside the output, written only if needed.

    Returns
    -------
    FitmentJobReport
        ``requests == answered + rejected``: no request is lost.
    """
    started = time.perf_counter()
    table = pq.read_table(requests)
    require_columns(table, "requests", ("vehicle_id",))
    request_ids = (
        table.column("request_id").cast(pa.string())
        if "request_id" in table.column_names
        else pa.array(np.arange(table.num_rows).astype(str))
    )
    categories = table.column("category") if "category" in table.column_names else None
    reasons = _reject_reasons(catalog, table, categories)
    found = catalog.fitment.parts_for_vehicles(
        table.column("vehicle_id"), categories=categories, on_unknown="skip"
    )
    rows = found.column("request_index")
    part_codes = (
        found.column("part_id").chunk(0).indices if found.num_rows else pa.array([], pa.int32())
    )
    parts = catalog.parts.select(["brand", "part_number", "category"]).take(part_codes)
    result = pa.table(
        {
            "request_id": pc.take(request_ids, rows),
            "vehicle_id": pc.take(table.column("vehicle_id"), rows),
            "part_id": found.column("part_id"),
            **{name: parts.column(name) for name in parts.column_names},
        }
    )
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(result, output)
    rejected = int(np.count_nonzero(reasons != ""))
    rejects_path = _write_rejects(table, reasons, rejects or output.with_suffix(".rejects.parquet"))
    return FitmentJobReport(
        requests=table.num_rows,
        answered=table.num_rows - rejected,
        rejected=rejected,
        result_rows=result.num_rows,
        output=output,
        rejects=rejects_path,
        seconds=time.perf_counter() - started,
    )


def _reject_reasons(
    catalog: Catalog, table: pa.Table, categories: pa.ChunkedArray | None
) -> np.ndarray:
    """Why each request cannot be answered ('' when it can)."""
    reasons = np.full(table.num_rows, "", dtype=object)
    vehicles = catalog.vehicle_ids.codes(table.column("vehicle_id"), on_unknown="skip")
    reasons[vehicles < 0] = "unknown vehicle_id"
    if categories is not None:
        codes = catalog.category_ids.codes(categories, on_unknown="skip")
        unknown = (codes < 0) & ~categories.is_null().to_numpy()
        reasons[unknown & (reasons == "")] = "unknown category"
    return reasons


def _write_rejects(table: pa.Table, reasons: np.ndarray, path: str | Path) -> Path | None:
    mask = reasons != ""
    if not mask.any():
        return None
    rejected = table.filter(pa.array(mask)).append_column(
        "reason", pa.array(reasons[mask].tolist(), pa.string())
    )
    pq.write_table(rejected, path)
    return Path(path)
