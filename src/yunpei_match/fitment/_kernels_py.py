"""Pure-Python twins of the kernels in ``_kernels.pyx``: the same names, the same results.

Each function is written the most obvious way (sorting, dicts, loops) so that it is plainly
right; tests run the public API over both this module and the compiled kernels and compare them
on random inputs. Nothing here is fast and nothing here should be used in production.
"""

from __future__ import annotations

import operator

import numpy as np
import numpy.typing as npt

from .._base._kernels_py import offsets_of
from .links import link_span

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]


def compile_links(
    vehicle: Int32Array,
    part: Int32Array,
    detail: Int32Array,
    n_vehicles: int,
    n_parts: int,
    n_details: int,
) -> tuple[Int64Array, Int32Array, Int32Array, Int64Array, Int32Array, int]:
    """Distinct (vehicle, part) links with interned detail sets; see ``_kernels.compile_links``."""
    details_of: dict[tuple[int, int], set[int]] = {}
    for v, p, d in zip(vehicle.tolist(), part.tolist(), detail.tolist(), strict=True):
        details_of.setdefault((v, p), set()).add(d)
    sets: dict[tuple[int, ...], int] = {}
    links_per_vehicle = [0] * n_vehicles
    links_p, links_d = [], []
    for (v, p), members in sorted(details_of.items()):
        key = tuple(sorted(members))
        code = key[0] if len(key) == 1 else sets.setdefault(key, n_details + len(sets))
        links_per_vehicle[v] += 1
        links_p.append(p)
        links_d.append(code)
    set_indptr = [0]
    set_detail: list[int] = []
    for key in sets:  # dicts keep insertion order = order of first appearance
        set_detail.extend(key)
        set_indptr.append(len(set_detail))
    n_duplicates = len(vehicle) - sum(len(m) for m in details_of.values())
    return (
        offsets_of(links_per_vehicle),
        np.array(links_p, np.int32),
        np.array(links_d, np.int32),
        np.array(set_indptr, np.int64),
        np.array(set_detail, np.int32),
        n_duplicates,
    )


def transpose_links(
    vehicle_indptr: Int64Array, link_part: Int32Array, n_parts: int
) -> tuple[Int64Array, Int32Array]:
    """The part -> vehicles transpose; see ``_kernels.transpose_links``."""
    vehicles_of: list[list[int]] = [[] for _ in range(n_parts)]
    for v in range(len(vehicle_indptr) - 1):
        for p in link_part[vehicle_indptr[v] : vehicle_indptr[v + 1]].tolist():
            vehicles_of[p].append(v)
    part_vehicle = np.array([v for vs in vehicles_of for v in sorted(vs)], np.int32)
    return offsets_of([len(vs) for vs in vehicles_of]), part_vehicle


def category_runs(
    vehicle_indptr: Int64Array,
    link_part: Int32Array,
    part_category: Int32Array,
    n_categories: int,
    sparse: bool,
) -> tuple[Int64Array, Int64Array, Int32Array]:
    """Run offsets per (vehicle, category), dense or sparse; see ``_kernels.category_runs``."""
    n_vehicles = len(vehicle_indptr) - 1
    counts: dict[tuple[int, int], int] = {}
    for v in range(n_vehicles):
        for p in link_part[vehicle_indptr[v] : vehicle_indptr[v + 1]].tolist():
            key = (v, int(part_category[p]))
            counts[key] = counts.get(key, 0) + 1
    if not sparse:
        dense = [counts.get((v, c), 0) for v in range(n_vehicles) for c in range(n_categories)]
        return offsets_of(dense), np.empty(0, np.int64), np.empty(0, np.int32)
    runs = sorted(counts)
    runs_per_vehicle = [sum(1 for v, _ in runs if v == vehicle) for vehicle in range(n_vehicles)]
    return (
        offsets_of([counts[run] for run in runs]),
        offsets_of(runs_per_vehicle),
        np.array([c for _, c in runs], np.int32),
    )


def split_details(
    link_part: Int32Array, link_detail: Int32Array, n_parts: int
) -> tuple[Int32Array, Int64Array, Int32Array]:
    """Usual detail code per part and the links that differ; see ``_kernels.split_details``."""
    usual = [0] * n_parts
    votes = [0] * n_parts
    for p, d in zip(link_part.tolist(), link_detail.tolist(), strict=True):
        if votes[p] == 0:
            usual[p], votes[p] = d, 1
        else:
            votes[p] += 1 if usual[p] == d else -1
    exceptions = [
        (i, d)
        for i, (p, d) in enumerate(zip(link_part.tolist(), link_detail.tolist(), strict=True))
        if d != usual[p]
    ]
    return (
        np.array(usual, np.int32),
        np.array([i for i, _ in exceptions], np.int64),
        np.array([d for _, d in exceptions], np.int32),
    )


def gather_parts(
    run_bounds: Int64Array,
    vehicle_runs: Int64Array,
    run_category: Int32Array,
    link_part: Int32Array,
    universal: Int32Array,
    universal_bounds: Int64Array,
    n_categories: int,
    request_vehicle: Int32Array,
    request_category: Int32Array,
) -> tuple[Int32Array, Int32Array]:
    """Parts fitting each request, in part-code order; see ``_kernels.gather_parts``."""
    index: list[int] = []
    parts: list[int] = []
    for r, (v, c) in enumerate(
        zip(request_vehicle.tolist(), request_category.tolist(), strict=True)
    ):
        if v < 0:
            continue
        links = link_span(run_bounds, vehicle_runs, run_category, n_categories, v, c)
        first, last = (0, n_categories) if c < 0 else (c, c + 1)
        universals = range(int(universal_bounds[first]), int(universal_bounds[last]))
        found = sorted([int(link_part[i]) for i in links] + [int(universal[i]) for i in universals])
        index.extend([r] * len(found))
        parts.extend(found)
    return np.array(index, np.int32), np.array(parts, np.int32)


class RunIndex:
    """Scalar (vehicle, category) lookups; see ``_kernels.RunIndex``."""

    def __init__(
        self,
        run_bounds: Int64Array,
        vehicle_runs: Int64Array,
        run_category: Int32Array,
        link_part: Int32Array,
        universal: Int32Array,
        universal_bounds: Int64Array,
        n_vehicles: int,
        n_categories: int,
    ) -> None:
        self._arrays = (run_bounds, vehicle_runs, run_category)
        self._link_part, self._universal = link_part, universal
        self._universal_bounds = universal_bounds
        self._n_vehicles, self._n_categories = n_vehicles, n_categories

    def part_codes(self, vehicle: int, category: int | None = None) -> Int32Array | None:
        vehicle = operator.index(vehicle)
        c = -1 if category is None else operator.index(category)
        if not 0 <= vehicle < self._n_vehicles or not -1 <= c < self._n_categories:
            return None
        if c == -1 and category is not None:
            return None
        links = link_span(*self._arrays, self._n_categories, vehicle, c)
        first, last = (0, self._n_categories) if c < 0 else (c, c + 1)
        universals = range(int(self._universal_bounds[first]), int(self._universal_bounds[last]))
        if not universals:  # as the kernel: a view of the (read-only) link array, no copy
            return self._link_part[links.start : links.stop]
        codes = [int(self._link_part[i]) for i in links] + [
            int(self._universal[i]) for i in universals
        ]
        return np.array(sorted(codes), np.int32)


def gather_vehicles(
    part_indptr: Int64Array,
    part_vehicle: Int32Array,
    part_universal: npt.NDArray[np.uint8],
    n_vehicles: int,
    request_part: Int32Array,
) -> tuple[Int32Array, Int32Array]:
    """Vehicles each requested part fits; see ``_kernels.gather_vehicles``."""
    index: list[int] = []
    vehicles: list[int] = []
    for r, p in enumerate(request_part.tolist()):
        if p < 0:
            continue
        if part_universal[p]:
            found = list(range(n_vehicles))
        else:
            found = part_vehicle[part_indptr[p] : part_indptr[p + 1]].tolist()
        index.extend([r] * len(found))
        vehicles.extend(found)
    return np.array(index, np.int32), np.array(vehicles, np.int32)


def find_links(
    run_bounds: Int64Array,
    vehicle_runs: Int64Array,
    run_category: Int32Array,
    link_part: Int32Array,
    part_category: Int32Array,
    n_categories: int,
    vehicle: Int32Array,
    part: Int32Array,
) -> Int64Array:
    """Position of each (vehicle, part) link, or -1; see ``_kernels.find_links``."""
    found = []
    for v, p in zip(vehicle.tolist(), part.tolist(), strict=True):
        run = link_span(
            run_bounds, vehicle_runs, run_category, n_categories, v, int(part_category[p])
        )
        found.append(next((i for i in run if link_part[i] == p), -1))
    return np.array(found, np.int64)
