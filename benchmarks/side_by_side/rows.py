"""One workload's table rows: every tool not skipped, timed, and checked against the first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

F = TypeVar("F")
R = TypeVar("R")


@dataclass(frozen=True)
class Row:
    """One line of the table; ``rows`` is the result size, for the rows/s column."""

    workload: str
    tool: str
    seconds: float
    rows: int | None = None
    reference: bool = False


def active(tools: dict[str, F], skip: set[str]) -> Iterator[tuple[str, F]]:
    """The tools not skipped (by the name before the colon), in order."""
    for tool, fn in tools.items():
        if tool.split(":")[0] not in skip:
            yield tool, fn


def race(
    workload: str,
    tools: dict[str, F],
    skip: set[str],
    measure: Callable[[F], tuple[float, R]],
    check: Callable[[str, R, R], None],
    count: Callable[[R], int | None],
) -> list[Row]:
    """Rows of the active tools; the first is the reference every result is checked against.

    ``measure`` times a tool and returns its result in a comparable form, ``check`` raises
    ``ResultMismatch`` on a difference and ``count`` gives the result size (or None).
    """
    rows: list[Row] = []
    expected: R | None = None
    for tool, fn in active(tools, skip):
        seconds, result = measure(fn)
        if expected is None:
            expected = result
        check(f"{workload}, {tool}", expected, result)
        rows.append(Row(workload, tool, seconds, count(result), reference=expected is result))
    return rows
