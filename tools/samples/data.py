"""Reading the hand-written tables of ``tools/sample_data/``.

Each table is a UTF-8 TSV file with a header row. Cells are text; an empty cell is a missing
value (``None``) unless the column says otherwise, and the functions below turn cells into the
numbers, flags and optional values the builders use.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

DATA_DIR = Path(__file__).resolve().parents[1] / "sample_data"
K = TypeVar("K")
V = TypeVar("V")


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of ``sample_data/<name>.tsv`` as column -> cell text, in file order.

    Blank lines are skipped; a row may leave out its trailing empty cells.
    """
    path = DATA_DIR / f"{name}.tsv"
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    columns = header.split("\t")
    rows = []
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) > len(columns):
            raise ValueError(f"{path}:{number}: {len(cells)} cells for {len(columns)} columns")
        cells += [""] * (len(columns) - len(cells))
        rows.append(dict(zip(columns, cells, strict=True)))
    return rows


def optional(cell: str) -> str | None:
    return cell or None


def optional_int(cell: str) -> int | None:
    return int(cell) if cell else None


def optional_float(cell: str) -> float | None:
    return float(cell) if cell else None


def flag(cell: str) -> bool:
    if cell not in ("yes", "no"):
        raise ValueError(f"expected yes or no, got {cell!r}")
    return cell == "yes"


def comma_list(cell: str) -> tuple[str, ...]:
    """``"Bosch, TRW"`` -> ``("Bosch", "TRW")``."""
    return tuple(item.strip() for item in cell.split(",") if item.strip())


def keyed(pairs: Iterable[tuple[K, V]]) -> dict[K, V]:
    """A dict of ``pairs`` in order; a key given twice is an error in the data, not an update."""
    out: dict[K, V] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"{key!r} is given twice")
        out[key] = value
    return out
