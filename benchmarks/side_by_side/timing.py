"""Timing: the median of repeated runs, and the median of single calls within a budget."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
MIN_TIMING_S = 0.5
MAX_RUNS = 100
LOOKUP_CALLS = 20_000
LOOKUP_BUDGET_S = 3.0
LOOKUP_MIN_CALLS = 50


def timed(fn: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Median seconds of runs of ``fn`` after one untimed run, whose result is kept.

    At least ``repeats`` runs; fast functions run on until ``MIN_TIMING_S`` has passed (at most
    ``MAX_RUNS``), so that a median of milliseconds does not hang on five noisy samples.
    """
    result = fn()
    times: list[float] = []
    began = time.perf_counter()
    while len(times) < repeats or (
        time.perf_counter() - began < MIN_TIMING_S and len(times) < MAX_RUNS
    ):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def timed_per_call(
    fn: Callable[..., Any], requests: list[tuple[Any, ...]]
) -> tuple[float, list[Any]]:
    """Median seconds of one call ``fn(*request)`` over the requests, stopping early once the
    budget is spent (after ``LOOKUP_MIN_CALLS`` calls at least)."""
    for request in requests[:10]:
        fn(*request)
    times, results = [], []
    deadline = time.perf_counter() + LOOKUP_BUDGET_S
    for request in requests:
        start = time.perf_counter()
        result = fn(*request)
        times.append(time.perf_counter() - start)
        results.append(result)
        if len(times) >= LOOKUP_MIN_CALLS and time.perf_counter() > deadline:
            break
    return statistics.median(times), results


def clocked(seconds: dict[str, float], name: str, fn: Callable[[], T]) -> T:
    """The result of ``fn()``, once, with its wall time stored as ``seconds[name]``."""
    start = time.perf_counter()
    result = fn()
    seconds[name] = time.perf_counter() - start
    return result
