"""The physical limit: the machine's copy bandwidth, turned into the best rate of a workload.

A workload must at least read its input and write its output once. Its *limit row* is the time
those bytes take at the copy bandwidth measured in the same run: a STREAM-like copy
(``np.copyto``) between two arrays far larger than the caches, the best of a few, counting the
bytes read plus the bytes written. No program moving those bytes through memory can be faster on
this machine, so the limit row's time over ours (the ``theirs/ours`` column) is the fraction of
the limit ours reaches. The model of each workload (what it must at least touch) is a fact of
the report; it is a lower bound: gathers read scattered cache lines, not only the bytes used,
and the index itself (offsets, the stock rows scanned) is left out.

The single-call workloads (``lookup``, ``number lookup (single)``, ``offers``) and the
compute-bound ones (``number search``, ``sourcing``, ``catalogue``, ``load``) have no limit row:
a call moves a few hundred bytes, which take nanoseconds at this bandwidth, while the time goes
on the Python call, on edit-distance work or on planning.
"""

from __future__ import annotations

import time

import numpy as np
import pyarrow as pa

from .rows import Row

COPY_BYTES = 1 << 28  # per array: 256 MiB, well past any last-level cache
COPY_RUNS = 5


def copy_bandwidth(nbytes: int = COPY_BYTES, runs: int = COPY_RUNS) -> float:
    """Bytes read plus bytes written per second by the best of ``runs`` large array copies."""
    source = np.ones(nbytes // 8)
    target = np.empty_like(source)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        np.copyto(target, source)
        best = min(best, time.perf_counter() - start)
    return 2 * source.nbytes / best


class Limit:
    """The bandwidth of this run, and the limit rows and models of the workloads so far."""

    def __init__(self, bandwidth: float) -> None:
        self.bandwidth = bandwidth
        self.models: dict[str, dict[str, float]] = {}  # model: {workload: bytes per row}

    def row(
        self, rows: list[Row], workload: str, per_row: float, fixed: float, model: str
    ) -> list[Row]:
        """The limit row of ``workload`` (whose reference is among ``rows``), or none if absent.

        The workload must at least touch ``per_row`` bytes per row its reference counts plus
        ``fixed`` bytes in all; the limit row counts the same rows, so that its rate is the
        best rate possible.
        """
        reference = next((r for r in rows if r.workload == workload and r.reference), None)
        if reference is None or not reference.rows:
            return []
        nbytes = per_row * reference.rows + fixed
        self.models.setdefault(model, {})[workload] = nbytes / reference.rows
        tool = f"limit: {self.bandwidth / 1e9:,.1f} GB/s copy, {nbytes / 1e6:,.3g} MB (floor)"
        return [Row(workload, tool, nbytes / self.bandwidth, reference.rows)]

    def facts(self) -> list[str]:
        return [
            f"physical limit: copy bandwidth {self.bandwidth / 1e9:,.2f} GB/s (read + written, "
            f"best of {COPY_RUNS} np.copyto of {COPY_BYTES >> 20} MiB, this run); a limit row's "
            "time is the bytes its workload must at least touch at that rate, and its "
            "theirs/ours is the fraction of the limit ours reaches",
            *(
                f"limit model, {model}; per row counted: "
                + ", ".join(f"{workload} {b:,.1f} B" for workload, b in per_row.items())
                for model, per_row in self.models.items()
            ),
        ]


def string_bytes(array: pa.Array) -> int:
    """Bytes of a pyarrow string array's data and offsets: what reading it costs at least."""
    return sum(buffer.size for buffer in array.buffers()[1:] if buffer is not None)
