"""Jobs by name, opened from paths: what a command line or a Dask worker rebuilds a job from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataError
from ._jobs import FitmentJob, NumberLookupJob, NumberSearchJob, VinDecodeJob
from ._open import open_catalog
from ._runner import Job
from ._stock_jobs import NearestStockedJob, OffersJob, SourcingJob

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..stock import Inventory

__all__ = ["JOBS", "JobSpec", "open_catalog"]

#: Job classes by name.
JOBS: dict[str, type[Job]] = {
    cls.name: cls
    for cls in (
        FitmentJob,
        NumberLookupJob,
        NumberSearchJob,
        VinDecodeJob,
        NearestStockedJob,
        SourcingJob,
        OffersJob,
    )
}
_STOCK_JOBS = (NearestStockedJob, SourcingJob, OffersJob)
INVENTORY_OPTIONS = ("tiers",)  # options that go to the Inventory rather than the job


@dataclass(frozen=True)
class JobSpec:
    """A job by name with the paths it opens: picklable, so a Dask worker can rebuild it.

    Parameters
    ----------
    job : str
        A name of :data:`JOBS`: ``"fitment"``, ``"numbers"``, ``"number-search"``,
        ``"vins"``, ``"nearest"``, ``"sourcing"`` or ``"offers"``.
    index : str or Path
        A saved index (memory-mapped) or a directory of parquet tables (built in memory);
        unused by ``vins``, which needs no catalogue.
    stock : str or Path, optional
        The directory with ``warehouses`` and ``stock`` parquet, for the stock jobs
        (``nearest``, ``sourcing``, ``offers``); by default ``index`` (a parquet catalogue
        directory holding them too). Reservations play no part in batch jobs.
    options : mapping, optional
        Keyword options of the job class (``{"region": "eu"}``, ``{"within": "next-day"}``,
        ``{"keep": ["basket_id", "shop_id"]}``), and ``tiers`` (a :class:`DeliveryTiers`) for
        the inventory.

    Raises
    ------
    DataError
        For a job name that is not in :data:`JOBS`.

    Examples
    --------
    >>> spec = JobSpec("fitment", "data/samples")
    >>> spec.open()
    <FitmentJob>
    """

    job: str
    index: str | Path
    stock: str | Path | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.job not in JOBS:
            raise DataError(f"no job named {self.job!r}; the jobs are {', '.join(JOBS)}")

    @property
    def job_class(self) -> type[Job]:
        return JOBS[self.job]

    @property
    def needs_catalog(self) -> bool:
        return self.job_class is not VinDecodeJob

    @property
    def needs_stock(self) -> bool:
        return issubclass(self.job_class, _STOCK_JOBS)

    @property
    def stock_path(self) -> Path:
        return Path(self.stock if self.stock is not None else self.index)

    def inventory_options(self) -> dict[str, Any]:
        return {k: v for k, v in self.options.items() if k in INVENTORY_OPTIONS}

    def open(self, *, catalog: Catalog | None = None, inventory: Inventory | None = None) -> Job:
        """Build the job, opening the catalogue and inventory unless they are given."""
        make: Any = self.job_class  # each job class takes its own first argument
        options = {k: v for k, v in self.options.items() if k not in INVENTORY_OPTIONS}
        if not self.needs_catalog:
            return make(**options)
        if catalog is None:
            catalog = inventory.catalog if inventory is not None else open_catalog(self.index)
        if not self.needs_stock:
            return make(catalog, **options)
        if inventory is None:
            from ..stock import Inventory

            inventory = Inventory.from_parquet(catalog, self.stock_path, **self.inventory_options())
        return make(inventory, **options)
