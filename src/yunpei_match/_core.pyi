"""Type stub of the compiled kernels (see the layout notes at the top of _core.pyx)."""

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

@disjoint_base
class StringTable:
    def __init__(self, offsets: _I64, data: npt.NDArray[np.uint8]) -> None: ...
    def find(self, key: bytes) -> int: ...
    def find_many(self, offsets: _I64, data: npt.NDArray[np.uint8]) -> _I32: ...

def normalize_numbers(
    offsets: _I64, data: npt.NDArray[np.uint8]
) -> tuple[_I64, npt.NDArray[np.uint8]]: ...
def union_groups(number_indptr: _I64, number_part: _I32, n_parts: int) -> _I32: ...
def resolve_supersessions(next_number: _I32) -> tuple[_I32, int]: ...
def gather_numbers(
    number_indptr: _I64, number_part: _I32, latest: _I32, request_number: _I32
) -> tuple[_I32, _I32, npt.NDArray[np.uint8]]: ...
def build_grams(
    key_offsets: _I64, key_data: npt.NDArray[np.uint8], q: int
) -> tuple[_I64, _I32]: ...
def gram_candidates(
    gram_indptr: _I64,
    gram_key: _I32,
    key_offsets: _I64,
    key_data: npt.NDArray[np.uint8],
    length_order: _I32,
    length_indptr: _I64,
    query_offsets: _I64,
    query_data: npt.NDArray[np.uint8],
    q: int,
    max_edits: int,
) -> tuple[_I64, _I32]: ...
def build_deletions(
    key_offsets: _I64, key_data: npt.NDArray[np.uint8], max_length: int
) -> tuple[_I64, npt.NDArray[np.uint64], _I32]: ...
def deletion_candidates(
    bucket_indptr: _I64,
    variant_hash: npt.NDArray[np.uint64],
    variant_key: _I32,
    key_offsets: _I64,
    query_offsets: _I64,
    query_data: npt.NDArray[np.uint8],
    max_edits: int,
    max_length: int,
) -> tuple[_I64, _I32]: ...
def first_decrease(offsets: _I64) -> int: ...
def first_out_of_range(values: _I32, low: int, high: int) -> int: ...
def first_bad_string(offsets: _I32 | _I64, data: npt.NDArray[np.uint8]) -> int: ...
