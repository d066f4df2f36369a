"""Groups of index arrays, and the layout checks every saved index passes before a kernel reads it.

Each domain keeps its arrays in an :class:`ArrayGroup` (read-only, listed and sized by field) and
checks them on load with :func:`check_layout`: sizes, offsets that rise from 0 to their end, and
codes in range, which are the guarantees the kernels run under with bounds checks off.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ..errors import IndexFileError
from .kernel_choice import Kernels, base_kernels

__all__ = ["ArrayGroup", "Checks", "check_layout"]


@dataclass(frozen=True)
class ArrayGroup:
    """Base of the index array groups: read-only arrays, listed and sized by field."""

    def __post_init__(self) -> None:
        # The index is shared between threads and handed out as views: nobody may write to it.
        for f in fields(self):
            getattr(self, f.name).setflags(write=False)

    def as_dict(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def nbytes(self) -> int:
        """Bytes held by all arrays."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))


Checks = dict[str, tuple[np.ndarray, int]]


def check_layout(
    where: str, *, sizes: Checks, offsets: Checks, codes: Checks, kernels: Kernels
) -> None:
    """Raise IndexFileError unless every array has its size, offsets rise from 0 to their end,
    and codes lie in ``[0, high)``: the guarantees the kernels read arrays under."""
    checks = base_kernels(kernels)

    def fail(name: str, what: str) -> None:
        raise IndexFileError(f"{where}: {name} {what}; the index is corrupt, rebuild or re-save it")

    for name, (values, size) in sizes.items():
        if len(values) != size:
            fail(name, f"has {len(values):,} entries, expected {size:,}")
    for name, (values, end) in offsets.items():
        if len(values) == 0 or values[0] != 0 or values[-1] != end:
            fail(name, f"must run from 0 to {end:,}")
        if checks.first_decrease(values.astype(np.int64, copy=False)) >= 0:
            fail(name, "is not non-decreasing")
    for name, (values, high) in codes.items():
        bad = checks.first_out_of_range(values, 0, high)
        if bad >= 0:
            fail(name, f"holds {int(values[bad])} at {bad}, outside [0, {high})")
