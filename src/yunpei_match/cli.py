"""Command line: ``yunpei-match`` (also ``python -m yunpei_match``).

User mistakes (a missing file, a bad column, an unknown id) end with one line on stderr and exit
status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .batch import run_fitment_job
from .catalog import Catalog
from .errors import DataError, MissingTableError, YunpeiMatchError
from .inventory import Inventory

__all__ = ["main"]


def _open_catalog(source: Path) -> tuple[Catalog, str, float]:
    """A saved index (has manifest.json) is memory-mapped; a parquet directory is built."""
    started = time.perf_counter()
    if (source / "manifest.json").exists():
        catalog, how = Catalog.load(source), "loaded"
    else:
        catalog, how = Catalog.from_parquet(source), "built"
    return catalog, how, time.perf_counter() - started


def _cmd_build(args: argparse.Namespace) -> None:
    catalog, _, seconds = _open_catalog(args.catalog)
    catalog.save(args.out)
    print(f"built {catalog!r} in {seconds:.3f} s; saved to {args.out}")
    _print_stats(catalog)


def _cmd_fitment(args: argparse.Namespace) -> None:
    catalog, how, seconds = _open_catalog(args.catalog)
    print(f"{how} {catalog!r} in {seconds:.3f} s")
    report = run_fitment_job(catalog, args.requests, args.out)
    print(
        f"fitment job: {report.requests:,} requests, {report.answered:,} answered, "
        f"{report.rejected:,} rejected -> {report.result_rows:,} rows in {report.seconds:.3f} s "
        f"({report.rows_per_second:,.0f} rows/s)"
    )
    print(f"results: {report.output}")
    if report.rejects:
        print(f"rejects: {report.rejects}")


def _cmd_source(args: argparse.Namespace) -> None:
    catalog, how, seconds = _open_catalog(args.catalog)
    print(f"{how} {catalog!r} in {seconds:.3f} s")
    stock_dir = args.stock or args.catalog
    inventory = Inventory.from_parquet(catalog, stock_dir)
    print(f"stock: {inventory!r} from {stock_dir}")
    orders = _read(args.orders, "orders")
    started = time.perf_counter()
    plans = inventory.source_orders(
        orders,
        max_shipments=args.max_shipments,
        substitutes=not args.no_substitutes,
        within=args.within,
    )
    seconds = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(plans, args.out)
    _print_sourcing(plans, seconds)
    print(f"plans: {args.out}")
    if args.baskets is not None:
        baskets = _read(args.baskets, "baskets")
        for tier in inventory.tiers.names[:-1]:
            result = inventory.fill_rate(baskets, within=tier)
            print(
                f"fill rate of {result.n_lines:,} basket lines within {tier}: "
                f"{result.rate:.1%} ({result.n_filled:,} filled)"
            )


def _print_sourcing(plans: pa.Table, seconds: float) -> None:
    frame = pl.from_arrow(plans)
    assert isinstance(frame, pl.DataFrame)
    per_order = frame.group_by("order_id").agg(
        pl.col("warehouse_id").drop_nulls().n_unique().alias("shipments"),
        pl.col("filled").all().alias("complete"),
    )
    lines = frame.height
    filled = int(frame["filled"].sum())
    print(
        f"sourced {per_order.height:,} orders ({lines:,} lines) in {seconds:.3f} s: "
        f"{filled / max(lines, 1):.1%} of lines filled, "
        f"{int(per_order['complete'].sum()):,} orders complete, "
        f"{per_order['shipments'].mean() or 0:.2f} shipments per order, "
        f"{int(frame['substitute'].sum() or 0):,} lines by substitute"
    )
    tiers = frame.filter(pl.col("filled"))["tier"].cast(pl.String).value_counts(sort=True)
    print("lines by tier: " + ", ".join(f"{t} {n:,}" for t, n in tiers.iter_rows()))


def _read(path: Path, what: str) -> pa.Table:
    if not path.exists():
        raise MissingTableError(f"{what} file not found: {path}")
    try:
        return pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{what}: cannot read {path}: {exc}") from None


def _print_stats(catalog: Catalog) -> None:
    for key, value in catalog.stats.as_dict().items():
        print(f"  {key:>16}: {value:,}" if isinstance(value, int) else f"  {key:>16}: {value}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="yunpei-match",
        description="Fitment and inventory matching for auto-parts catalogues.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build an index from parquet tables and save it")
    build.add_argument("catalog", type=Path, help="directory with vehicles/parts/fitments parquet")
    build.add_argument("--out", type=Path, required=True, help="directory to save the index to")
    build.set_defaults(run=_cmd_build)

    fitment = commands.add_parser(
        "fitment", help="answer a parquet file of (vehicle_id, category) requests"
    )
    fitment.add_argument("catalog", type=Path, help="parquet directory or saved index")
    fitment.add_argument("--requests", type=Path, required=True, help="requests parquet")
    fitment.add_argument("--out", type=Path, required=True, help="result parquet to write")
    fitment.set_defaults(run=_cmd_fitment)

    source = commands.add_parser(
        "source", help="source a parquet file of order lines from the warehouses' stock"
    )
    source.add_argument("catalog", type=Path, help="parquet directory or saved index")
    source.add_argument(
        "--stock",
        type=Path,
        help="directory with warehouses.parquet and stock.parquet (default: the catalog's)",
    )
    source.add_argument(
        "--orders", type=Path, required=True, help="order lines: order_id, lat, lon, part_id, qty"
    )
    source.add_argument("--out", type=Path, required=True, help="plan parquet to write")
    source.add_argument(
        "--baskets", type=Path, help="repair baskets parquet: also report the fill rate"
    )
    source.add_argument("--max-shipments", type=int, help="at most this many shipments an order")
    source.add_argument("--within", help="only warehouses promising this tier or faster")
    source.add_argument(
        "--no-substitutes", action="store_true", help="never ship an interchangeable part"
    )
    source.set_defaults(run=_cmd_source)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except (YunpeiMatchError, FileNotFoundError, PermissionError) as exc:
        print(f"yunpei-match: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
