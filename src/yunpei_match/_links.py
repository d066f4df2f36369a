"""The fitment arrays: how they are built from application rows and how they are checked.

The layout itself is described at the top of ``_core.pyx``. This module owns the invariants:
``build_links`` establishes them, ``check_links`` verifies them on arrays read from disk before
any kernel touches them (sizes, offsets monotonic and in range, codes in range), so a truncated
or altered file raises ``IndexFileError`` instead of reading out of bounds.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from types import ModuleType
from typing import Literal

import numpy as np
import numpy.typing as npt

from . import _core
from .errors import DataError, IndexFileError

__all__ = ["Layout", "LinkArrays", "build_links", "check_links"]

Layout = Literal["auto", "dense", "sparse"]
DENSE_FLOOR = 1 << 23  # a dense table of up to 64 MB is always fine: memory is not short there


@dataclass(frozen=True)
class LinkArrays:
    """Every array of a fitment index (see the layout notes in ``_core.pyx``)."""

    category_start: npt.NDArray[np.int32]
    run_bounds: npt.NDArray[np.int64]
    vehicle_runs: npt.NDArray[np.int64]
    run_category: npt.NDArray[np.int32]
    link_part: npt.NDArray[np.int32]
    part_detail: npt.NDArray[np.int32]
    exception_link: npt.NDArray[np.int64]
    exception_detail: npt.NDArray[np.int32]
    set_indptr: npt.NDArray[np.int64]
    set_detail: npt.NDArray[np.int32]
    part_indptr: npt.NDArray[np.int64]
    part_vehicle: npt.NDArray[np.int32]
    universal: npt.NDArray[np.int32]
    universal_bounds: npt.NDArray[np.int64]

    @property
    def n_links(self) -> int:
        return len(self.link_part)

    @property
    def sparse(self) -> bool:
        """Whether (vehicle, category) runs are listed sparsely (see ``_core.category_runs``)."""
        return len(self.vehicle_runs) > 0

    def vehicle_indptr(self) -> npt.NDArray[np.int64]:
        """Offsets of each vehicle's links (all categories), whatever the layout."""
        if self.sparse:
            return self.run_bounds[self.vehicle_runs]
        return self.run_bounds[:: max(len(self.category_start) - 1, 1)]

    def span(self, vehicle: int, category: int | None) -> tuple[int, int]:
        """First and past-the-end link positions of a vehicle's run (all categories if None)."""
        n_categories = len(self.category_start) - 1
        if not self.sparse:
            base = vehicle * n_categories
            first, last = (
                (base, base + n_categories)
                if category is None
                else (base + category, base + category + 1)
            )
            return int(self.run_bounds[first]), int(self.run_bounds[last])
        runs = slice(self.vehicle_runs[vehicle], self.vehicle_runs[vehicle + 1])
        if category is None:
            return int(self.run_bounds[runs.start]), int(self.run_bounds[runs.stop])
        r = runs.start + int(np.searchsorted(self.run_category[runs], category))
        if r < runs.stop and self.run_category[r] == category:
            return int(self.run_bounds[r]), int(self.run_bounds[r + 1])
        return 0, 0

    def detail_sets(self, links: npt.NDArray[np.integer]) -> npt.NDArray[np.int64]:
        """Detail-set code of the links at positions ``links`` (ascending or not)."""
        codes = self.part_detail[self.link_part[links]].astype(np.int64)
        where = np.searchsorted(self.exception_link, links)
        hit = where < len(self.exception_link)
        hit[hit] = self.exception_link[where[hit]] == links[hit]
        codes[hit] = self.exception_detail[where[hit]]
        return codes

    @property
    def nbytes(self) -> int:
        """Bytes held by all arrays."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))

    def __post_init__(self) -> None:
        # The index is shared between threads and handed out as views: nobody may write to it.
        for f in fields(self):
            getattr(self, f.name).setflags(write=False)

    def as_dict(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def build_links(
    vehicle: npt.NDArray[np.int32],
    part: npt.NDArray[np.int32],
    detail: npt.NDArray[np.int32],
    *,
    n_vehicles: int,
    category_start: npt.NDArray[np.int32],
    n_details: int,
    universal_mask: npt.NDArray[np.bool_],
    layout: Layout = "auto",
    kernels: ModuleType = _core,
) -> tuple[LinkArrays, int]:
    """Build the fitment arrays from validated application codes; return them and duplicates.

    The caller guarantees ``0 <= vehicle < n_vehicles``, ``0 <= part < len(universal_mask)``,
    ``0 <= detail < n_details`` and ``category_start`` non-decreasing from 0 to the part count.
    ``layout`` picks how (vehicle, category) runs are found: ``"dense"`` (one offset per pair,
    two loads a lookup), ``"sparse"`` (each vehicle's categories, a binary search) or
    ``"auto"``: dense unless its table would cost more than half an offset per link.
    """
    n_parts = len(universal_mask)
    n_categories = len(category_start) - 1
    part_category = np.repeat(
        np.arange(n_categories, dtype=np.int32), np.diff(category_start)
    ).astype(np.int32)
    vehicle_indptr, link_part, link_detail, set_indptr, set_detail, duplicates = (
        kernels.compile_links(vehicle, part, detail, n_vehicles, n_parts, n_details)
    )
    if layout not in ("auto", "dense", "sparse"):
        raise DataError(f"layout must be 'auto', 'dense' or 'sparse', got {layout!r}")
    dense_size = n_vehicles * n_categories
    sparse = layout == "sparse" or (
        layout == "auto" and dense_size > max(len(link_part) // 2, DENSE_FLOOR)
    )
    run_bounds, vehicle_runs, run_category = kernels.category_runs(
        vehicle_indptr, link_part, part_category, n_categories, sparse
    )
    part_indptr, part_vehicle = kernels.transpose_links(vehicle_indptr, link_part, n_parts)
    universal = np.flatnonzero(universal_mask).astype(np.int32)
    part_detail, exception_link, exception_detail = kernels.split_details(
        link_part, link_detail, n_parts
    )
    arrays = LinkArrays(
        category_start=np.ascontiguousarray(category_start, np.int32),
        run_bounds=run_bounds,
        vehicle_runs=vehicle_runs,
        run_category=run_category,
        link_part=link_part,
        part_detail=part_detail,
        exception_link=exception_link,
        exception_detail=exception_detail,
        set_indptr=set_indptr,
        set_detail=set_detail,
        part_indptr=part_indptr,
        part_vehicle=part_vehicle,
        universal=universal,
        universal_bounds=np.searchsorted(universal, category_start).astype(np.int64),
    )
    return arrays, int(duplicates)


def check_links(
    arrays: LinkArrays, *, n_vehicles: int, n_parts: int, n_details: int, where: str
) -> None:
    """Verify the invariants every kernel relies on; raise IndexFileError naming the array."""
    n_categories = len(arrays.category_start) - 1

    def fail(name: str, what: str) -> None:
        raise IndexFileError(f"{where}: {name} {what}; the index is corrupt, rebuild or re-save it")

    if arrays.sparse:
        runs = {
            "run_bounds": len(arrays.run_category) + 1,
            "vehicle_runs": n_vehicles + 1,
        }
    else:
        runs = {"run_bounds": n_vehicles * n_categories + 1, "run_category": 0}
    expected = {
        **runs,
        "part_indptr": n_parts + 1,
        "universal_bounds": n_categories + 1,
        "part_detail": n_parts,
        "exception_detail": len(arrays.exception_link),
        "part_vehicle": arrays.n_links,
    }
    for name, size in expected.items():
        if len(getattr(arrays, name)) != size:
            fail(name, f"has {len(getattr(arrays, name)):,} entries, expected {size:,}")
    if n_categories < 0:
        fail("category_start", "is empty")
    offsets = {
        "category_start": (arrays.category_start.astype(np.int64), n_parts),
        "run_bounds": (arrays.run_bounds, arrays.n_links),
        **(
            {"vehicle_runs": (arrays.vehicle_runs, len(arrays.run_category))}
            if arrays.sparse
            else {}
        ),
        "part_indptr": (arrays.part_indptr, arrays.n_links),
        "set_indptr": (arrays.set_indptr, len(arrays.set_detail)),
        "universal_bounds": (arrays.universal_bounds, len(arrays.universal)),
    }
    for name, (values, end) in offsets.items():
        if len(values) == 0 or values[0] != 0 or values[-1] != end:
            fail(name, f"must run from 0 to {end:,}")
        if _core.first_decrease(values) >= 0:
            fail(name, "is not non-decreasing")
    n_sets = len(arrays.set_indptr) - 1
    codes = {
        "link_part": (arrays.link_part, n_parts),
        "part_vehicle": (arrays.part_vehicle, n_vehicles),
        "set_detail": (arrays.set_detail, n_details),
        "universal": (arrays.universal, n_parts),
        "run_category": (arrays.run_category, max(n_categories, 0)),
    }
    for name, (values, high) in codes.items():
        bad = _core.first_out_of_range(values, 0, high)
        if bad >= 0:
            fail(name, f"holds {int(values[bad])} at {bad}, outside [0, {high})")
    n_codes = max(n_details + n_sets, 1)  # parts without links hold code 0
    for name in ("part_detail", "exception_detail"):
        bad = _core.first_out_of_range(getattr(arrays, name), 0, n_codes)
        if bad >= 0:
            fail(name, f"holds {int(getattr(arrays, name)[bad])} at {bad}, outside [0, {n_codes})")
    exceptions = arrays.exception_link
    if len(exceptions) and (
        exceptions[0] < 0 or exceptions[-1] >= arrays.n_links or np.any(np.diff(exceptions) <= 0)
    ):
        fail("exception_link", "must be strictly increasing link positions")
    if len(arrays.universal) > 1 and np.any(np.diff(arrays.universal) <= 0):
        fail("universal", "is not strictly increasing")
