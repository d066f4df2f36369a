"""What the commands share: the parser class, argument types, opening catalogues and stock."""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeAlias

from ..errors import show
from ._output import say, status

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..stock import Inventory

__all__ = [
    "AT_HELP",
    "TABLES_WANTED",
    "Parser",
    "UsageError",
    "add_quiet",
    "at_position",
    "column_names",
    "examples",
    "load_catalog",
    "load_inventory",
    "non_negative_float",
    "non_negative_int",
    "part_with_qty",
    "positive_int",
]

REGIONS = ("cn", "na", "eu", "any")
INDEX_WANTED = "a saved index (yunpei-match build) or a directory of parquet tables"
TABLES_WANTED = "a directory of parquet tables (vehicles, parts, fitments, ...)"
AT_HELP = "the shop, in degrees (e.g. 22.99,113.70 or -33.87,151.21)"
NEGATIVE_NUMBERS = re.compile(r"^-\d*\.?\d+(,\s*-?\d*\.?\d+)*$")


class UsageError(Exception):
    """A mistake in what the user asked, found by the command line itself: exit status 2."""


class Formatter(argparse.HelpFormatter):
    """Wraps prose to the terminal but keeps indented lines (example commands) whole, so they
    can be copied and pasted."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(
            indent + line
            if line.startswith("  ") or not line
            else textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent)
            for line in text.splitlines()
        )


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line, like every other error."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # argparse takes a word starting with "-" for an option unless it looks like one
        # negative number; a shop south or west of zero is two numbers, -33.87,151.21.
        self._negative_number_matcher = NEGATIVE_NUMBERS

    def error(self, message: str) -> NoReturn:
        print(f"yunpei-match: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        self.exit(2)


#: The sub-command table of the command line, which each command module adds its commands to.
Commands: TypeAlias = "argparse._SubParsersAction[Parser]"


def examples(*lines: str) -> str:
    """An epilog of example command lines."""
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bars or progress lines"
    )


def positive_int(text: str) -> int:
    return _whole(text, least=1)


def non_negative_int(text: str) -> int:
    return _whole(text, least=0)


def max_edits(text: str) -> int:
    """``--max-edits``, checked by the search's own rule as the command line is parsed."""
    from ..errors import DataError
    from ..numbers import check_search_options

    value = _whole(text, least=-sys.maxsize)
    try:
        check_search_options(value, None)
    except DataError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _whole(text: str, *, least: int) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {show(text)}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"expected a number >= {least}, got {value}")
    return value


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {show(text)}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text}")
    return value


def at_position(text: str) -> tuple[float, float]:
    """``"22.99,113.70"`` -> ``(22.99, 113.7)``: a shop's latitude and longitude in degrees."""
    parts = text.replace(" ", "").split(",")
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected LAT,LON in degrees (e.g. 22.99,113.70), got {show(text)}"
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise argparse.ArgumentTypeError(
            f"latitude must be in [-90, 90] and longitude in [-180, 180], got {show(text)}"
        )
    return lat, lon


def column_names(text: str) -> list[str]:
    """``"basket_id, shop_id"`` -> ``["basket_id", "shop_id"]``; ``""`` -> ``[]``."""
    names = [name.strip() for name in text.split(",")]
    if names == [""]:
        return []
    if "" in names:
        raise argparse.ArgumentTypeError(
            f"expected column names separated by commas, got {show(text)}"
        )
    return names


def part_with_qty(text: str) -> tuple[str, int]:
    """``"P0100005"`` -> ``("P0100005", 1)``; ``"P0500150:2"`` -> ``("P0500150", 2)``.

    The text after the last colon is the quantity: a part_id with a colon in it is given with
    its quantity (``"A:B:1"``).
    """
    part, colon, qty = text.rpartition(":")
    if not colon:
        return text, 1
    if not part:
        raise argparse.ArgumentTypeError(f"{show(text)} has a quantity but no part_id before it")
    if not re.fullmatch(r"-?[0-9]+", qty):
        raise argparse.ArgumentTypeError(
            f"the quantity of {show(text)} must be a whole number >= 1, got {show(qty)}"
        )
    if int(qty) < 1:
        raise argparse.ArgumentTypeError(
            f"the quantity of {show(text)} must be >= 1, got {int(qty)}"
        )
    return part, int(qty)


def load_catalog(
    path: Path, *, verbose: bool = True, quiet: bool = False, wanted: str = INDEX_WANTED
) -> Catalog:
    """A saved index memory-mapped, or a parquet directory built; says which and how long.
    ``wanted`` says what the command takes, for the message when ``path`` does not exist."""
    if not path.exists():
        raise UsageError(f"{path} does not exist: give {wanted}")
    from ..batch import open_catalog

    saved = (path / "manifest.json").exists()
    started = time.perf_counter()
    with status(f"{'loading' if saved else 'building'} the catalogue from {path}", quiet=quiet):
        catalog = open_catalog(path)
    if verbose:
        seconds = time.perf_counter() - started
        say(f"{'loaded' if saved else 'built'} {catalog!r} in {seconds:.3f} s")
    return catalog


def load_inventory(
    catalog: Catalog, index: Path, stock: Path | None, *, verbose: bool = True
) -> Inventory:
    """The warehouses and stock of ``stock`` (default: the catalogue's directory)."""
    from ..stock import Inventory

    where = stock if stock is not None else index
    if stock is None and (index / "manifest.json").exists() and not _has_table(index, "stock"):
        raise UsageError(
            f"{index} is a saved index, which holds no stock: give --stock DIR "
            "(a directory with warehouses.parquet and stock.parquet)"
        )
    inventory = Inventory.from_parquet(catalog, where)
    if verbose:
        say(f"stock: {inventory!r} from {where}")
    return inventory


def _has_table(directory: Path, name: str) -> bool:
    return (directory / f"{name}.parquet").exists() or (directory / name).is_dir()
