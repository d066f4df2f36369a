"""``python -m benchmarks.side_by_side`` (or ``python benchmarks/compare.py``): the command line.

Arguments, then the run loop: the copy bandwidth measured (``limit``), data and stores once,
every workload in turn, the facts and the table printed, and written as markdown (``--markdown
FILE``) or as a report with a plot (``--report DIR``, see ``report.write_report``) when asked.

With ``--shape NAME`` (repeatable, or ``all``) the run is another one: for each shape of
``yunpei_match.synth.SHAPES``, a catalogue, stock and demand of that shape at the scale, and on
it the lookup, batch and nearest-stocked workloads only, named ``workload [shape]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from yunpei_match import synth

from . import __doc__ as package_doc
from .batch import run_batch_parts, run_batch_vehicles
from .build_load import run_build, run_catalogue, run_load
from .data import Data, Stores, make_data, make_stores
from .limit import Limit, copy_bandwidth
from .lookup import run_lookup
from .part_numbers import run_numbers
from .report import facts_of, format_markdown, format_text, table_lines, write_report
from .rows import Row
from .stock import run_stock
from .vins import run_vins

DEFAULT_REQUESTS = {"tiny": 10_000, "S": 200_000, "M": 500_000, "L": 1_000_000}
TOOLS = (
    "numpy", "polars", "duckdb", "sqlite", "python", "rapidfuzz", "tantivy", "scipy", "sklearn"
)  # fmt: skip
# Skipped as a whole: their data is not even generated (the stock data when all three are).
GROUPS = ("numbers", "vins", "stock", "sourcing", "offers")
STOCK_GROUPS = {"stock", "sourcing", "offers"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=package_doc.splitlines()[0])
    parser.add_argument("--scale", default="S", choices=list(synth.SCALES))
    parser.add_argument("--requests", type=int, help="batch requests (default by scale)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--skip", action="append", default=[], choices=TOOLS + GROUPS, help="a tool or a group"
    )
    parser.add_argument(
        "--shape",
        action="append",
        default=[],
        choices=[*synth.SHAPES, "all"],
        help="run the lookup, batch and nearest-stocked workloads on a catalogue of this shape "
        "instead of the full run (repeatable; all: every shape)",
    )
    parser.add_argument("--markdown", type=Path, help="also write the table here as markdown")
    parser.add_argument(
        "--report",
        type=Path,
        metavar="DIR",
        help="also write DIR/benchmarks-SCALE.md (benchmarks.md for L) and a .png plot",
    )
    return parser.parse_args(argv)


def run_all(args: argparse.Namespace) -> tuple[list[str], list[Row]]:
    """The facts and the rows of every workload, all results checked."""
    m = args.requests or DEFAULT_REQUESTS.get(args.scale, 200_000)
    skip = set(args.skip)
    limit = Limit(copy_bandwidth())
    if args.shape:
        shapes = list(synth.SHAPES) if "all" in args.shape else list(dict.fromkeys(args.shape))
        facts, rows = run_shapes(args, shapes, m, skip, limit)
        return facts + limit.facts(), rows
    data = make_data(args.scale, args.seed)
    with scratch() as workdir:
        stores = make_stores(data, skip, workdir)
        rows = run_build(data, args.repeats, skip, limit)
        rows += run_catalogue(data, args.repeats)
        rows += run_load(data, args.repeats, workdir)
        rows += fitment_rows(data, stores, m, args.repeats, skip, limit)
        facts = facts_of(data, stores, m, args.repeats)
        for group, run in (("numbers", run_numbers), ("vins", run_vins)):
            if group not in skip:
                group_rows, group_facts = run(data, m, args.repeats, skip, limit)
                rows += group_rows
                facts += group_facts
        if not STOCK_GROUPS.issubset(skip):  # offers query the lookup stores' links tables
            group_rows, group_facts = run_stock(data, stores, m, args.repeats, skip, limit)
            rows += group_rows
            facts += group_facts
    return facts + limit.facts(), rows


def fitment_rows(
    data: Data, stores: Stores, m: int, repeats: int, skip: set[str], limit: Limit
) -> list[Row]:
    rows = run_lookup(data, stores, skip, stores.setup_seconds)
    rows += run_batch_parts(data, stores, m, repeats, skip, limit)
    return rows + run_batch_vehicles(data, stores, m, repeats, skip, limit)


def run_shapes(
    args: argparse.Namespace, shapes: list[str], m: int, skip: set[str], limit: Limit
) -> tuple[list[str], list[Row]]:
    """The lookup, batch and nearest-stocked rows on each shape, workloads named by shape."""
    facts: list[str] = []
    rows: list[Row] = []
    for shape in shapes:
        data = make_data(args.scale, args.seed, shape)
        shaped = Limit(limit.bandwidth)
        with scratch() as workdir:
            stores = make_stores(data, skip, workdir)
            found = fitment_rows(data, stores, m, args.repeats, skip, shaped)
            catalogue = facts_of(data, stores, m, args.repeats)[0]
            stock_rows, stock_facts = [], [""]
            if "stock" not in skip:
                stock_skip = skip | {"sourcing", "offers"}
                stock_rows, stock_facts = run_stock(
                    data, stores, m, args.repeats, stock_skip, shaped
                )
        rows += [replace(row, workload=f"{row.workload} [{shape}]") for row in found + stock_rows]
        summary = synth.SHAPES[shape].summary
        facts.append(f"shape {shape} ({summary}): {catalogue}; {stock_facts[0]}")
        for model, per_row in shaped.models.items():
            named = {f"{workload} [{shape}]": b for workload, b in per_row.items()}
            limit.models.setdefault(model, {}).update(named)
    return facts, rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    facts, rows = run_all(args)
    lines = table_lines(rows)
    print("\n".join(facts), end="\n\n")
    print(format_text(lines))
    print(f"\nall results equal across tools; ran in {time.perf_counter() - started:.1f} s")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(format_markdown(lines, facts), "utf-8")
    if args.report:
        written = write_report(args.report, args.scale, lines, facts, rows)
        print("report: " + ", ".join(str(path) for path in written))
    return 0


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="yunpei-compare-") as name:
        yield Path(name)


if __name__ == "__main__":
    sys.exit(main())
