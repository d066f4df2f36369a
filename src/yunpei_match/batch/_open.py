"""Opening the catalogue a job runs on, without importing the jobs (a quick lookup needs it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = ["open_catalog"]


def open_catalog(path: str | Path) -> Catalog:
    """A saved index (a directory with ``manifest.json``) memory-mapped, or a directory of
    parquet tables built in memory.

    Raises
    ------
    MissingTableError, IndexFileError, DataError
        As :meth:`Catalog.load` and :meth:`Catalog.from_parquet` do.

    Examples
    --------
    >>> open_catalog("data/samples")  # doctest: +ELLIPSIS
    <Catalog: 400 vehicles, ...>
    """
    from ..catalog import Catalog

    path = Path(path)
    if (path / "manifest.json").exists():
        return Catalog.load(path)
    return Catalog.from_parquet(path)
