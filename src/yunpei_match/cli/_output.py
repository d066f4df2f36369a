"""What the command line prints: small tables, key/value fields, numbers, and progress.

Answers go to stdout, progress and status to stderr. Each stream is looked at when something is
printed: on a terminal, rich draws tables and live progress bars; otherwise (a pipe, a file, a
CI log) tables are plain aligned text and progress is a line every few seconds, so logs stay
readable and greppable. rich's console, tables and bars are imported when first drawn, and
pyarrow never: a command that prints no table (``--help``) loads neither.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

from rich.cells import cell_len

if TYPE_CHECKING:
    import pyarrow as pa
    from rich.progress import Progress

__all__ = [
    "RowProgress",
    "count",
    "counted",
    "is_terminal",
    "print_fields",
    "print_table",
    "rate",
    "say",
    "status",
]

NUMBER_WITH_UNIT = re.compile(r"^-?[\d,]+(\.\d+)?( [kMG])?( [a-zA-Z/ ]+)?$")

#: Seconds between the plain progress lines written when stderr is not a terminal.
PLAIN_INTERVAL_SECONDS = 5.0


def is_terminal(stream: IO[str]) -> bool:
    """Whether ``stream`` is an interactive terminal (tests patch this)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def say(message: str = "") -> None:
    """One line of the answer or summary, on stdout."""
    print(message, flush=True)


def count(n: int) -> str:
    """``1200000`` -> ``'1,200,000'``."""
    return f"{n:,}"


def counted(n: int, noun: str) -> str:
    """``(1200, "orders")`` -> ``'1,200 orders'``; ``(1, "order lines")`` -> ``'1 order line'``."""
    return f"{count(n)} {noun[:-1] if n == 1 and noun.endswith('s') else noun}"


def rate(per_second: float) -> str:
    """A rate in a few digits: ``3.1 M``, ``850 k``, ``120``."""
    if per_second != per_second or per_second == float("inf"):
        return "-"
    for factor, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if per_second >= factor:
            return f"{per_second / factor:.3g}{suffix}"
    return f"{per_second:.3g}"


def cell(value: Any) -> str:
    """A value as a table cell: ``-`` for null, yes/no, one decimal for fractions."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value) or "-"
    return str(value)


def print_table(
    table: pa.Table | Sequence[dict[str, Any]],
    *,
    title: str | None = None,
    columns: Sequence[str] | None = None,
) -> None:
    """A small table on stdout: rich on a terminal, aligned plain text otherwise."""
    if not isinstance(table, Sequence):  # a pyarrow Table, told apart without importing pyarrow
        rows, names = table.to_pylist(), table.column_names
    else:
        rows = list(table)
        names = list(rows[0]) if rows else []
    columns = names if columns is None else columns
    cells = [[cell(row.get(name)) for name in columns] for row in rows]
    numeric = [_numeric(rows, name) for name in columns]
    if is_terminal(sys.stdout):
        from rich.console import Console
        from rich.table import Table

        grid = Table(title=title, title_justify="left", title_style="bold")
        for name, right in zip(columns, numeric, strict=True):
            grid.add_column(name, justify="right" if right else "left")
        for line in cells:
            grid.add_row(*line)
        Console(file=sys.stdout).print(grid)
        return
    if title:
        say(title)
    say(_plain_text(list(columns), numeric, cells))


def print_fields(fields: Sequence[tuple[str, Any]], *, title: str | None = None) -> None:
    """Named values, one a line: a borderless two-column table."""
    pairs = [(name, cell(value)) for name, value in fields]
    if is_terminal(sys.stdout):
        from rich.console import Console
        from rich.table import Table

        grid = Table(title=title, title_justify="left", title_style="bold", show_header=False)
        grid.add_column(style="bold")
        grid.add_column()
        for name, value in pairs:
            grid.add_row(name, value)
        Console(file=sys.stdout).print(grid)
        return
    if title:
        say(title)
    width = max((cell_len(name) for name, _ in pairs), default=0)
    for name, value in pairs:
        say(f"  {name}{' ' * (width - cell_len(name))}  {value}")


def _numeric(rows: list[dict[str, Any]], name: str) -> bool:
    """Whether a column holds numbers (or numbers with a unit: ``"66.6 ms"``): right-aligned."""
    values = [row.get(name) for row in rows if row.get(name) is not None]
    return bool(values) and all(
        (isinstance(v, int | float) and not isinstance(v, bool))
        or (isinstance(v, str) and NUMBER_WITH_UNIT.match(v) is not None)
        for v in values
    )


def _plain_text(header: list[str], numeric: list[bool], cells: list[list[str]]) -> str:
    """Header and rows, each column as wide as its widest cell (wide CJK characters count 2)."""
    lines = [header, *cells]
    widths = [max(cell_len(line[k]) for line in lines) for k in range(len(header))]

    def fit(text: str, width: int, right: bool) -> str:
        pad = " " * (width - cell_len(text))
        return pad + text if right else text + pad

    return "\n".join(
        "  ".join(
            fit(text, widths[k], numeric[k] and n > 0) for k, text in enumerate(line)
        ).rstrip()
        for n, line in enumerate(lines)
    )


@contextmanager
def status(message: str, *, quiet: bool = False) -> Iterator[None]:
    """A spinner on stderr while slow work without a row count runs (a catalogue build)."""
    if quiet or not is_terminal(sys.stderr):
        yield
        return
    from rich.console import Console

    with Console(file=sys.stderr).status(message):
        yield


class RowProgress:
    """Progress of a batch job, for the runner's ``progress(rows_done, total_rows)`` callback.

    On a terminal, a rich bar (rows done, rate, time left); otherwise a plain line on stderr
    every :data:`PLAIN_INTERVAL_SECONDS` and one when the job ends:
    ``fitment: 1,200,000 / 10,000,000 rows (3.1 M rows/s)``. Nothing with ``quiet``.

    Parameters
    ----------
    name : str
        What runs (``"fitment"``).
    quiet : bool, default False
    """

    def __init__(self, name: str, *, quiet: bool = False) -> None:
        self.name, self.quiet = name, quiet
        self._bar: Progress | None = None
        self._task: Any = None
        self._started = self._printed = time.perf_counter()
        self._done: int = 0
        self._total: int | None = None
        self._shown: int | None = None

    def __enter__(self) -> RowProgress:
        self._started = self._printed = time.perf_counter()
        if not self.quiet and is_terminal(sys.stderr):
            from ._bar import rows_bar

            self._bar = rows_bar(sys.stderr)
            self._bar.start()
            self._task = self._bar.add_task(self.name, total=None)
        return self

    def __call__(self, rows_done: int, total_rows: int | None) -> None:
        self._done, self._total = rows_done, total_rows
        if self._bar is not None:
            self._bar.update(self._task, completed=rows_done, total=total_rows)
        elif not self.quiet and time.perf_counter() - self._printed >= PLAIN_INTERVAL_SECONDS:
            self._line()

    def __exit__(self, exc_type: object, *_: object) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif not self.quiet and exc_type is None and self._shown != self._done:
            self._line()

    def _line(self) -> None:
        seconds = time.perf_counter() - self._started
        total = "" if self._total is None else f" / {count(self._total)}"
        speed = rate(self._done / seconds) if seconds > 0 else "-"
        print(
            f"{self.name}: {count(self._done)}{total} rows ({speed} rows/s)",
            file=sys.stderr,
            flush=True,
        )
        self._printed, self._shown = time.perf_counter(), self._done
