"""``synth``: a generated catalogue, its stock, and an input file for every batch job.

The catalogue, OE numbers, warehouses, stock and order lines come from
:mod:`yunpei_match.synth`. The other inputs are drawn from what was generated
(:mod:`._synth_inputs`), so that each batch subcommand has something realistic to answer:
``requests.parquet`` (a vehicle and the category of a part fitting it, and a shop near a city:
fitment, offers, and the baskets of ``source --baskets``), ``numbers.parquet`` (part and OE
numbers as people type them, a few with a typo) and ``vins.parquet`` (VINs of Chinese and
foreign makers, a few with a wrong check digit; the synthetic catalogue has no VIN patterns,
so they are for ``vins``)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ._common import Commands, add_quiet, examples, non_negative_int, positive_int
from ._output import count, print_table, say, status

__all__ = ["DEFAULT_ROWS", "add_synth"]

#: Rows of each generated input file, by scale (the keys are the scales of yunpei_match.synth).
DEFAULT_ROWS = {"tiny": 1_000, "S": 100_000, "M": 1_000_000, "L": 1_000_000}


def add_synth(commands: Commands) -> None:
    parser = commands.add_parser(
        "synth",
        help="write a generated catalogue, its stock and inputs for every batch job",
        description="Generate a seeded synthetic catalogue (vehicles, parts, fitments, "
        "oe_numbers), warehouses in Chinese cities and their stock, and input files for the "
        "batch commands: orders, requests (also usable as repair baskets), numbers, vins. "
        "Scales: tiny (40 vehicles, 300 parts), S (200, 30 k), M (1,000, 300 k), "
        "L (5,000 vehicles, 1.5 M parts, 50 M links).",
        epilog=examples(
            "yunpei-match synth out/tiny --scale tiny",
            "yunpei-match synth out/S --scale S --seed 7",
            "yunpei-match fitment out/S --requests out/S/requests.parquet --out out/parts.parquet",
        ),
    )
    parser.add_argument("directory", type=Path, metavar="DIR", help="where to write (created)")
    parser.add_argument("--scale", choices=list(DEFAULT_ROWS), default="tiny")
    parser.add_argument(
        "--seed", type=non_negative_int, default=0, help="the same seed, the same files"
    )
    parser.add_argument(
        "--rows",
        type=positive_int,
        metavar="N",
        help="rows of each input file (orders, requests, numbers, vins); default by scale: "
        + ", ".join(f"{k} {count(v)}" for k, v in DEFAULT_ROWS.items()),
    )
    add_quiet(parser)
    parser.set_defaults(run=_synth)


def _synth(args: argparse.Namespace) -> None:
    from ._synth_inputs import write_synthetic

    started = time.perf_counter()
    with status(f"generating scale {args.scale} into {args.directory}", quiet=args.quiet):
        written = write_synthetic(args.directory, args.scale, seed=args.seed, rows=args.rows)
    rows = [{"table": name, "rows": n, "file": str(path)} for name, (path, n) in written.items()]
    print_table(rows, title=f"scale {args.scale}, seed {args.seed}")
    say(f"written in {time.perf_counter() - started:.2f} s")
