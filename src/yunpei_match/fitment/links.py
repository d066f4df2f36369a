"""The fitment arrays: how they are built from application rows and how they are checked.

The layout itself is described at the top of ``_kernels.pyx``. This module owns the invariants:
``build_links`` establishes them, ``check_links`` verifies them on arrays read from disk before
any kernel touches them (sizes, offsets monotonic and in range, codes in range), so a truncated
or altered file raises ``IndexFileError`` instead of reading out of bounds.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt

from .._base.arrays import ArrayGroup, Checks, check_layout
from .._base.kernel_choice import Kernels, kernels_of
from ..errors import DataError, IndexFileError

__all__ = ["Layout", "LinkArrays", "build_links", "check_links", "link_span", "part_categories"]

Layout = Literal["auto", "dense", "sparse"]
DENSE_FLOOR = 1 << 23  # a dense table of up to 64 MB is always fine: memory is not short there


@dataclass(frozen=True)
class LinkArrays(ArrayGroup):
    """Every array of a fitment index (see the layout notes in ``_kernels.pyx``)."""

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
        """Whether (vehicle, category) runs are listed sparsely (see ``_kernels.category_runs``)."""
        return len(self.vehicle_runs) > 0

    def vehicle_indptr(self) -> npt.NDArray[np.int64]:
        """Offsets of each vehicle's links (all categories), whatever the layout."""
        if self.sparse:
            return self.run_bounds[self.vehicle_runs]
        return self.run_bounds[:: max(len(self.category_start) - 1, 1)]

    def span(self, vehicle: int, category: int | None) -> tuple[int, int]:
        """First and past-the-end link positions of a vehicle's run (all categories if None)."""
        run = link_span(
            self.run_bounds,
            self.vehicle_runs,
            self.run_category,
            len(self.category_start) - 1,
            vehicle,
            -1 if category is None else category,
        )
        return run.start, run.stop

    @cached_property
    def part_category(self) -> npt.NDArray[np.int32]:
        """Category code of each part code (read-only): built once, read by every index."""
        part_category = part_categories(self.category_start)
        part_category.setflags(write=False)
        return part_category

    def detail_sets(self, links: npt.NDArray[np.integer]) -> npt.NDArray[np.int64]:
        """Detail-set code of the links at positions ``links`` (ascending or not)."""
        codes = self.part_detail[self.link_part[links]].astype(np.int64)
        where = np.searchsorted(self.exception_link, links)
        hit = where < len(self.exception_link)
        hit[hit] = self.exception_link[where[hit]] == links[hit]
        codes[hit] = self.exception_detail[where[hit]]
        return codes


def link_span(
    run_bounds: npt.NDArray[np.int64],
    vehicle_runs: npt.NDArray[np.int64],
    run_category: npt.NDArray[np.int32],
    n_categories: int,
    vehicle: int,
    category: int,
) -> range:
    """Positions of a vehicle's links in one category (``category < 0``: all), in either layout.

    The kernels find the same run in C (``_kernels._link_span``); this is its one Python copy,
    read by :meth:`LinkArrays.span` and by the kernels' twin.
    """
    if len(vehicle_runs) == 0:  # dense: one offset per (vehicle, category)
        base = vehicle * n_categories
        first, last = (
            (base, base + n_categories) if category < 0 else (base + category, base + category + 1)
        )
        return range(int(run_bounds[first]), int(run_bounds[last]))
    low, high = int(vehicle_runs[vehicle]), int(vehicle_runs[vehicle + 1])
    if category < 0:
        return range(int(run_bounds[low]), int(run_bounds[high]))
    r = bisect.bisect_left(run_category, category, low, high)  # the vehicle's categories, sorted
    if r < high and run_category[r] == category:
        return range(int(run_bounds[r]), int(run_bounds[r + 1]))
    return range(0)


def part_categories(category_start: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    """Category code of each part code: parts are numbered in category order."""
    n_categories = len(category_start) - 1
    return np.repeat(np.arange(n_categories, dtype=np.int32), np.diff(category_start))


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
    kernels: Kernels = "compiled",
) -> tuple[LinkArrays, int]:
    """Build the fitment arrays from validated application codes; return them and duplicates.

    The caller guarantees ``0 <= vehicle < n_vehicles``, ``0 <= part < len(universal_mask)``,
    ``0 <= detail < n_details`` and ``category_start`` non-decreasing from 0 to the part count.
    ``layout`` picks how (vehicle, category) runs are found: ``"dense"`` (one offset per pair,
    two loads a lookup), ``"sparse"`` (each vehicle's categories, a binary search) or
    ``"auto"``: dense unless its table would cost more than half an offset per link.
    ``kernels`` picks the compiled kernels or their twins (``_base.kernel_choice``).
    """
    impl = kernels_of(__name__, kernels)
    n_parts = len(universal_mask)
    n_categories = len(category_start) - 1
    part_category = part_categories(category_start)
    vehicle_indptr, link_part, link_detail, set_indptr, set_detail, duplicates = impl.compile_links(
        vehicle, part, detail, n_vehicles, n_parts, n_details
    )
    if layout not in ("auto", "dense", "sparse"):
        raise DataError(f"layout must be 'auto', 'dense' or 'sparse', got {layout!r}")
    dense_size = n_vehicles * n_categories
    sparse = layout == "sparse" or (
        layout == "auto" and dense_size > max(len(link_part) // 2, DENSE_FLOOR)
    )
    run_bounds, vehicle_runs, run_category = impl.category_runs(
        vehicle_indptr, link_part, part_category, n_categories, sparse
    )
    part_indptr, part_vehicle = impl.transpose_links(vehicle_indptr, link_part, n_parts)
    universal = np.flatnonzero(universal_mask).astype(np.int32)
    part_detail, exception_link, exception_detail = impl.split_details(
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
    arrays: LinkArrays,
    *,
    n_vehicles: int,
    n_parts: int,
    n_details: int,
    where: str,
    kernels: Kernels,
) -> None:
    """Verify the invariants every fitment kernel relies on; raise IndexFileError if broken.

    The checks run on the ``_base`` kernels of the choice ``kernels``.
    """
    n_categories = len(arrays.category_start) - 1
    if n_categories < 0:
        raise IndexFileError(f"{where}: category_start is empty; rebuild or re-save the index")
    a = arrays
    runs: Checks
    run_offsets: Checks
    if a.sparse:
        runs = {
            "run_bounds": (a.run_bounds, len(a.run_category) + 1),
            "vehicle_runs": (a.vehicle_runs, n_vehicles + 1),
        }
        run_offsets = {"vehicle_runs": (a.vehicle_runs, len(a.run_category))}
    else:
        runs = {
            "run_bounds": (a.run_bounds, n_vehicles * n_categories + 1),
            "run_category": (a.run_category, 0),
        }
        run_offsets = {}
    n_codes = max(n_details + len(a.set_indptr) - 1, 1)  # parts without links hold code 0
    check_layout(
        where,
        sizes={
            **runs,
            "part_indptr": (a.part_indptr, n_parts + 1),
            "universal_bounds": (a.universal_bounds, n_categories + 1),
            "part_detail": (a.part_detail, n_parts),
            "exception_detail": (a.exception_detail, len(a.exception_link)),
            "part_vehicle": (a.part_vehicle, a.n_links),
        },
        offsets={
            "category_start": (a.category_start, n_parts),
            "run_bounds": (a.run_bounds, a.n_links),
            **run_offsets,
            "part_indptr": (a.part_indptr, a.n_links),
            "set_indptr": (a.set_indptr, len(a.set_detail)),
            "universal_bounds": (a.universal_bounds, len(a.universal)),
        },
        codes={
            "link_part": (a.link_part, n_parts),
            "part_vehicle": (a.part_vehicle, n_vehicles),
            "set_detail": (a.set_detail, n_details),
            "universal": (a.universal, n_parts),
            "run_category": (a.run_category, max(n_categories, 0)),
            "part_detail": (a.part_detail, n_codes),
            "exception_detail": (a.exception_detail, n_codes),
        },
        kernels=kernels,
    )
    _check_increasing(a.exception_link, a.n_links, "exception_link", where)
    _check_increasing(a.universal, n_parts, "universal", where)


def _check_increasing(values: np.ndarray, end: int, name: str, where: str) -> None:
    """Strictly increasing values in ``[0, end)`` (positions or codes searched by bisection)."""
    if len(values) and (values[0] < 0 or values[-1] >= end or np.any(np.diff(values) <= 0)):
        raise IndexFileError(
            f"{where}: {name} must be strictly increasing within [0, {end}); the index is "
            "corrupt, rebuild or re-save it"
        )
