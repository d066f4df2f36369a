"""Races in which a slow tool answers only the first requests and its time is extrapolated.

A pure-Python loop over a million queries, or a full rapidfuzz scan per query, would take most
of a run; such a tool answers the first ``n`` requests, its time is scaled to all of them, its
name says so (``(100,000 of 1,000,000, extrapolated)``), and its answers are checked against
yunpei_match's answers to the same first ``n`` requests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from .checks import ResultMismatch, check_pairs, pair_keys
from .rows import Row, race
from .timing import timed


@dataclass(frozen=True)
class Tool:
    """``run(n)`` answers the first ``n`` requests; the tool is timed on ``n`` of them."""

    run: Callable[[int], Any]
    n: int


@dataclass(frozen=True)
class Answer:
    """A tool's answers to its first ``n`` requests, in a form the workload compares."""

    value: Any
    n: int


Clock = Callable[[Tool], tuple[float, Any]]
Compare = Callable[[str, Any, Any, int], None]


def repeated(repeats: int, convert: Callable[[Any], Any]) -> Clock:
    """Median of repeated runs (``timing.timed``), the result converted for comparison."""

    def clock(tool: Tool) -> tuple[float, Any]:
        seconds, result = timed(lambda: tool.run(tool.n), repeats)
        return seconds, convert(result)

    return clock


def one_pass(warm_up: int, convert: Callable[[Any], Any]) -> Clock:
    """One timed run over all the tool's requests, after an untimed run over a few of them."""

    def clock(tool: Tool) -> tuple[float, Any]:
        tool.run(min(warm_up, tool.n))
        start = time.perf_counter()
        result = tool.run(tool.n)
        return time.perf_counter() - start, convert(result)

    return clock


def sampled_race(
    workload: str,
    tools: dict[str, Tool],
    skip: set[str],
    *,
    total: int,
    clock: Clock,
    compare: Compare,
    per_request: bool = False,
) -> list[Row]:
    """Rows of the tools, the first the reference; times scaled to ``total`` requests.

    With ``per_request`` a row's time is that of one request and it has no rate; otherwise it
    is the time of all ``total`` requests and its rate counts requests.
    """
    scale = 1 if per_request else total
    named = {
        name + (f" ({tool.n:,} of {total:,}, extrapolated)" if tool.n < total else ""): tool
        for name, tool in tools.items()
    }

    def measure(tool: Tool) -> tuple[float, Answer]:
        seconds, value = clock(tool)
        return seconds / tool.n * scale, Answer(value, tool.n)

    def check(what: str, expected: Answer, got: Answer) -> None:
        compare(what, expected.value, got.value, got.n)

    return race(workload, named, skip, measure, check, lambda _: None if per_request else total)


def pairs_race(
    workload: str, tools: dict[str, Tool], skip: set[str], total: int, repeats: int, width: int
) -> list[Row]:
    """A race of tools returning (request, code) arrays, codes below ``width``; rate per request."""
    return sampled_race(
        workload,
        tools,
        skip,
        total=total,
        clock=repeated(repeats, lambda pairs: pair_keys(pairs[0], pairs[1], width)),
        compare=prefix_pairs(width),
    )


def prefix_pairs(width: int) -> Compare:
    """Compare sorted pair keys ``request * width + value`` on the first ``n`` requests."""

    def compare(what: str, expected: np.ndarray, got: np.ndarray, n: int) -> None:
        check_pairs(what, expected[expected < n * width], got)

    return compare


def prefix_flags(what: str, expected: np.ndarray, got: np.ndarray, n: int) -> None:
    """Compare one flag per request on the first ``n`` requests."""
    differ = np.flatnonzero(expected[:n] != got)
    if len(differ):
        raise ResultMismatch(
            f"{what}: {len(differ):,} of {n:,} flags differ from yunpei_match's, first at "
            f"request {int(differ[0])}"
        )


def prefix_sets(what: str, expected: set[tuple], got: set[tuple], n: int) -> None:
    """Compare sets of tuples whose first item is the request, on the first ``n`` requests."""
    want = {item for item in expected if item[0] < n}
    if want != got:
        raise ResultMismatch(
            f"{what}: {len(got - want):,} answers not in yunpei_match's, {len(want - got):,} of "
            f"yunpei_match's missing, e.g. {sorted(want ^ got)[:3]}"
        )


def request_codes(table: pa.Table, column: str) -> tuple[pa.ChunkedArray, pa.Array]:
    """A result table's ``request_index`` and the codes of its dictionary column ``column``."""
    return table.column("request_index"), table.column(column).combine_chunks().indices


def setup_fact(what: str, seconds: dict[str, float]) -> str:
    """The line of facts on the setup times of a workload family's data and stores."""
    done = ", ".join(f"{name} {s:.2f} s" for name, s in seconds.items())
    return f"setup of the {what} (not compared): {done}"
