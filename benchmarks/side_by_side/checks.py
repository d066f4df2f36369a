"""Checks that another tool returned what yunpei_match returned."""

from __future__ import annotations

from typing import Any

import numpy as np


class ResultMismatch(AssertionError):
    """Another tool returned something other than yunpei_match did."""


def pair_keys(first: Any, second: Any, width: int) -> np.ndarray:
    """Sorted int64 keys ``first * width + second`` of a result's pairs."""
    first = np.asarray(first, dtype=np.int64)
    return np.sort(first * width + np.asarray(second, dtype=np.int64))


def check_pairs(what: str, expected: np.ndarray, got: np.ndarray) -> None:
    if not np.array_equal(expected, got):
        raise ResultMismatch(
            f"{what}: returned {len(got):,} pairs, yunpei_match {len(expected):,}; "
            f"{len(np.setxor1d(expected, got)):,} distinct pairs are in one result only"
        )


def check_arrays(what: str, expected: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> None:
    for name, array in expected.items():
        if not np.array_equal(array, got[name]):
            raise ResultMismatch(f"{what}: {name} differs from yunpei_match's")
