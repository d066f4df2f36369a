"""Type stub of the compiled fitment kernels (see the layout notes at the top of _kernels.pyx)."""

import numpy as np
import numpy.typing as npt
from typing_extensions import disjoint_base

_I32 = npt.NDArray[np.int32]
_I64 = npt.NDArray[np.int64]

def compile_links(
    vehicle: _I32,
    part: _I32,
    detail: _I32,
    n_vehicles: int,
    n_parts: int,
    n_details: int,
) -> tuple[_I64, _I32, _I32, _I64, _I32, int]: ...
def transpose_links(vehicle_indptr: _I64, link_part: _I32, n_parts: int) -> tuple[_I64, _I32]: ...
def category_runs(
    vehicle_indptr: _I64,
    link_part: _I32,
    part_category: _I32,
    n_categories: int,
    sparse: bool,
) -> tuple[_I64, _I64, _I32]: ...
def split_details(link_part: _I32, link_detail: _I32, n_parts: int) -> tuple[_I32, _I64, _I32]: ...
def gather_parts(
    run_bounds: _I64,
    vehicle_runs: _I64,
    run_category: _I32,
    link_part: _I32,
    universal: _I32,
    universal_bounds: _I64,
    n_categories: int,
    request_vehicle: _I32,
    request_category: _I32,
) -> tuple[_I32, _I32]: ...

@disjoint_base
class RunIndex:
    def __init__(
        self,
        run_bounds: _I64,
        vehicle_runs: _I64,
        run_category: _I32,
        link_part: _I32,
        universal: _I32,
        universal_bounds: _I64,
        n_vehicles: int,
        n_categories: int,
    ) -> None: ...
    def part_codes(self, vehicle: int, category: int | None = None) -> _I32 | None: ...

def gather_vehicles(
    part_indptr: _I64,
    part_vehicle: _I32,
    part_universal: npt.NDArray[np.uint8],
    n_vehicles: int,
    request_part: _I32,
) -> tuple[_I32, _I32]: ...
def find_links(
    run_bounds: _I64,
    vehicle_runs: _I64,
    run_category: _I32,
    link_part: _I32,
    part_category: _I32,
    n_categories: int,
    vehicle: _I32,
    part: _I32,
) -> _I64: ...
