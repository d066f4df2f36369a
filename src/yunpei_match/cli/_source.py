"""``source``: whole orders from the warehouses' stock, a file of them or one typed in.

The issue asks for ``source`` both as the batch sourcing job (the README's main job) and as a
quick lookup. One subcommand does both, told apart by its input: ``--orders FILE`` streams a
file of order lines through the sourcing job and prints the fill rate, shipments and tiers
(and, with ``--baskets``, the baskets' fill rate per tier); ``--part ID[:QTY] ... --at
LAT,LON`` sources one order and prints its plan.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UnknownIdError, show
from ._batch import (
    BatchCommand,
    add_batch_arguments,
    add_max_km,
    add_stock,
    add_substitutes,
    run_batch,
)
from ._common import (
    AT_HELP,
    Commands,
    UsageError,
    at_position,
    examples,
    load_catalog,
    load_inventory,
    part_with_qty,
    positive_int,
)
from ._output import count, counted, print_table, say

if TYPE_CHECKING:
    from ..stock import Inventory

__all__ = ["SOURCE", "add_source"]

S = "data/samples"


def _source_options(parser: argparse.ArgumentParser) -> None:
    add_stock(parser)
    one = parser.add_argument_group("one order instead of a file")
    one.add_argument(
        "--part",
        dest="parts",
        action="append",
        type=part_with_qty,
        metavar="ID[:QTY]",
        help="a line of the order: a part_id and its quantity (default 1); repeat per line "
        "(a part_id with a colon in it takes its quantity: A:B:1)",
    )
    one.add_argument("--at", type=at_position, metavar="LAT,LON", help=AT_HELP)
    parser.add_argument(
        "--baskets",
        type=Path,
        metavar="PATH",
        help="repair baskets (vehicle_id or vin, category, lat, lon): also print their fill "
        "rate within each tier",
    )
    parser.add_argument(
        "--within", metavar="TIER", help="only warehouses promising this tier or faster"
    )
    parser.add_argument(
        "--max-shipments", type=positive_int, metavar="N", help="at most N shipments an order"
    )
    add_max_km(parser)
    add_substitutes(parser)


SOURCE = BatchCommand(
    "source",
    "sourcing",
    "orders",
    "order lines",
    "batch or one order: source orders in the fewest shipments, with fill rates",
    "Source orders from the warehouses' stock: every line that can be filled is, in the fewest "
    "shipments, then the fewest substitutes, then the shortest distance.\n\n"
    "With --orders FILE (order_id, lat, lon, part_id, qty; grouped by order_id) it writes one "
    "plan row per line to --out and prints the share of lines filled, shipments per order, "
    "substitutes and tiers; with --baskets also the baskets' fill rate within each tier.\n"
    "With --part ID[:QTY] ... --at LAT,LON it sources that one order and prints its plan.",
    (
        f"yunpei-match source {S} --orders {S}/orders.parquet --baskets {S}/baskets.parquet "
        "--out out/plans.parquet",
        f"yunpei-match source {S} --part P0100005 --part P0500150:2 --at 22.9944,113.7049",
        "yunpei-match source out/index --stock data/samples --orders orders/ --out out/plans "
        "--dask local:2",
    ),
    options=("max_shipments", "substitutes", "max_km", "within"),
    needs_stock=True,
    batch_only=False,
)


def add_source(commands: Commands) -> None:
    parser = commands.add_parser(
        SOURCE.name,
        help=SOURCE.help,
        description=SOURCE.description,
        epilog=examples(*SOURCE.examples),
    )
    add_batch_arguments(parser, SOURCE)
    _source_options(parser)
    parser.set_defaults(run=_source)


def _source(args: argparse.Namespace) -> None:
    if args.parts and args.orders is not None:
        raise UsageError("give --orders FILE or --part ID ... --at LAT,LON, not both")
    if args.parts:
        _one_order(args)
        return
    if args.orders is None:
        raise UsageError(
            "give --orders FILE (a file of order lines) or --part ID[:QTY] ... --at LAT,LON "
            "(one order)"
        )
    if args.out is None:
        raise UsageError("--orders needs --out PATH for the plans")
    if args.at is not None:
        raise UsageError("--at is for one order (--part); each order of a file has its lat, lon")
    started = time.perf_counter()
    report, inventory = run_batch(args, SOURCE)
    print_sourcing(report.output)
    if args.baskets is not None:
        measured = time.perf_counter()
        _print_baskets(args, inventory)
        now = time.perf_counter()
        say(f"baskets measured in {now - measured:.3f} s; {now - started:.3f} s in all")


def _print_baskets(args: argparse.Namespace, inventory: Inventory | None) -> None:
    """The baskets' fill rate within each tier but the slowest."""
    from ..batch import open_source

    if inventory is None:  # the job ran on Dask: the baskets are measured here
        catalog = load_catalog(args.index, quiet=args.quiet)
        inventory = load_inventory(catalog, args.index, args.stock)
    baskets = open_source(args.baskets, table="baskets").to_table()
    for tier in inventory.tiers.names[:-1]:
        result = inventory.fill_rate(baskets, within=tier, substitutes=args.substitutes)
        say(
            f"fill rate of {counted(result.n_lines, 'basket lines')} within {tier}: "
            f"{result.rate:.1%} ({count(result.n_filled)} filled)"
        )


def print_sourcing(output: Path) -> None:
    """Fill rate, shipments, substitutes and tiers of the plans written (file or directory)."""
    import polars as pl  # here, not at the top: every command's start-up would pay for it

    scan = pl.scan_csv if output.suffix.lower() == ".csv" else pl.scan_parquet
    frame = scan(output / "*.parquet" if output.is_dir() else output)
    per_order = frame.group_by("order_id").agg(
        pl.col("warehouse_id").cast(pl.String).drop_nulls().n_unique().alias("shipments"),
        pl.col("filled").all().alias("complete"),
    )
    orders = per_order.select(
        pl.len().alias("orders"), pl.col("complete").sum(), pl.col("shipments").mean()
    ).collect()
    lines = frame.select(
        pl.len().alias("lines"), pl.col("filled").sum(), pl.col("substitute").sum()
    ).collect()
    tiers = (  # fastest first: by the hours a tier promises, as the rules are ordered
        frame.filter(pl.col("filled"))
        .group_by(pl.col("tier").cast(pl.String))
        .agg(pl.col("hours").min(), pl.len())
        .sort(["hours", "tier"], nulls_last=True)
        .collect()
    )
    n_lines, filled, substitutes = lines.row(0)
    n_orders, complete, shipments = orders.row(0)
    say(
        f"sourced {counted(n_orders, 'orders')} ({counted(n_lines, 'lines')}): "
        f"{(filled or 0) / max(n_lines, 1):.1%} of lines filled, "
        f"{counted(complete or 0, 'orders')} complete, {shipments or 0:.2f} shipments per order, "
        f"{counted(substitutes or 0, 'lines')} by substitute"
    )
    by_tier = (f"{tier or 'no tier'} {count(n)}" for tier, _, n in tiers.iter_rows())
    say("lines by tier: " + (", ".join(by_tier) or "-"))


def _one_order(args: argparse.Namespace) -> None:
    if args.at is None:
        raise UsageError("--part needs --at LAT,LON: where the shop is")
    for name in ("out", "baskets", "dask", "rejects", "keep"):
        if getattr(args, name) is not None:
            raise UsageError(f"--{name} is for a file of orders (--orders), not one order")
    catalog = load_catalog(args.index, verbose=False, quiet=args.quiet)
    for part, _ in args.parts:
        try:
            catalog.part_ids.code(part)
        except UnknownIdError:
            raise UsageError(
                f"--part {show(part)}: not a part_id of the catalogue "
                f"({len(catalog.part_ids):,} parts)"
            ) from None
    inventory = load_inventory(catalog, args.index, args.stock, verbose=False)
    lat, lon = args.at
    plan = inventory.source_order(
        {"part_id": [p for p, _ in args.parts], "qty": [q for _, q in args.parts]},
        lat,
        lon,
        max_shipments=args.max_shipments,
        substitutes=args.substitutes,
        max_km=args.max_km,
        within=args.within,
    )
    how = "" if plan.optimal else " (not proven best)"
    title = (
        f"order of {counted(plan.lines.num_rows, 'lines')} at {lat}, {lon}: "
        f"{plan.fill_rate:.0%} filled in {counted(plan.n_shipments, 'shipments')}, "
        f"{plan.total_km:.1f} km{how}"
    )
    print_table(plan.lines, title=title)
    if plan.n_shipments:
        say()
        print_table(plan.shipments, title="shipments")
