"""Type stub of the compiled part-number kernels (see the notes at the top of _kernels.pyx)."""

import numpy as np
import numpy.typing as npt

_I32 = npt.NDArray[np.int32]
_I64 = npt.NDArray[np.int64]

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
