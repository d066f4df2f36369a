"""The rich progress bar of a batch job on a terminal, imported only when one is drawn."""

from __future__ import annotations

from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from ._output import count, rate

__all__ = ["rows_bar"]


class _RowsColumn(ProgressColumn):
    """``1,200,000 / 10,000,000 rows``."""

    def render(self, task: Task) -> Text:
        total = "?" if task.total is None else count(int(task.total))
        return Text(f"{count(int(task.completed))} / {total} rows")


class _RateColumn(ProgressColumn):
    """``3.1 M rows/s`` over the last seconds."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{rate(speed)} rows/s")


def rows_bar(stream: IO[str]) -> Progress:
    """A bar of rows done, rate, time left and time taken, drawn on ``stream``."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        _RowsColumn(),
        _RateColumn(),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
        console=Console(file=stream),
    )
