"""``bench``: a quick benchmark of the main workloads on a generated catalogue.

Each workload runs a few times and the median is printed, as the command line would run it:
the catalogue built from parquet, saved and memory-mapped back, and each batch job streaming a
parquet file to a parquet file (reading, answering and writing all count). It is a quick look,
not the comparison: ``benchmarks/compare.py`` runs the same work through numpy, polars, DuckDB,
SQLite and plain Python and checks the answers agree.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from .. import synth
from ..batch import (
    FitmentJob,
    Job,
    NearestStockedJob,
    NumberLookupJob,
    NumberSearchJob,
    OffersJob,
    SourcingJob,
    VinDecodeJob,
    run_job,
)
from ..catalog import Catalog
from ..inventory import Inventory
from ._common import add_quiet, examples, non_negative_int, positive_int
from ._output import count, print_table, rate, say, status
from ._synth import DEFAULT_ROWS, write_synthetic

__all__ = ["add_bench"]

SEARCH_SHARE = 0.01  # typo search is ~100x the work of an exact lookup
SLOW_SHARE = 0.2  # sourcing and offers visit many warehouses per row


@dataclass
class Step:
    """One timed workload: ``run`` does it once; ``rows`` of ``unit`` each time."""

    name: str
    rows: int
    unit: str
    run: Callable[[], Any]


def add_bench(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "bench",
        help="a quick built-in benchmark on a generated catalogue",
        description="Generate a catalogue (yunpei-match synth), then time building it, saving "
        "and loading the index, and each batch job through parquet: fitment, number lookups "
        "and typo search, VIN decoding, nearest stocked, sourcing and offers. Prints the "
        "median of --repeats runs. For yunpei_match side by side with numpy, polars, DuckDB "
        "and SQLite, run benchmarks/compare.py from the repository.",
        epilog=examples(
            "yunpei-match bench",
            "yunpei-match bench --scale M --repeats 5",
            "python benchmarks/compare.py --scale S   # the side-by-side comparison",
        ),
    )
    parser.add_argument("--scale", choices=list(synth.SCALES), default="S")
    parser.add_argument(
        "--rows",
        type=positive_int,
        metavar="N",
        help="requests per batch workload (default by scale: "
        + ", ".join(f"{k} {count(v)}" for k, v in DEFAULT_ROWS.items())
        + f"); typo search uses {SEARCH_SHARE * 100:.0f}%% of them, sourcing and offers "
        f"{SLOW_SHARE * 100:.0f}%%",
    )
    parser.add_argument(
        "--repeats", type=positive_int, default=3, help="runs of each workload (default: 3)"
    )
    parser.add_argument(
        "--seed", type=non_negative_int, default=0, help="seed of the catalogue (default: 0)"
    )
    add_quiet(parser)
    parser.set_defaults(run=_bench)


def _bench(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="yunpei-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        with status(f"generating scale {args.scale}", quiet=args.quiet):
            written = write_synthetic(root / "catalog", args.scale, seed=args.seed, rows=args.rows)
        say(f"scale {args.scale}: generated in {time.perf_counter() - started:.2f} s")
        results = [_time(step, args.repeats, args.quiet) for step in _steps(root, written)]
    print_table(results, title=f"yunpei-match bench, scale {args.scale}: medians of {args.repeats}")
    say(
        "side by side with numpy, polars, DuckDB, SQLite and plain Python: "
        f"python benchmarks/compare.py --scale {args.scale}"
    )


def _steps(root: Path, written: dict[str, tuple[Path, int]]) -> list[Step]:
    data = root / "catalog"
    files = {name: written[name] for name in ("requests", "numbers", "vins", "orders")}
    files["search"] = _head(files["numbers"][0], root / "search.parquet", SEARCH_SHARE)
    files["sourcing"] = _head(files["orders"][0], root / "sourcing.parquet", SLOW_SHARE)
    files["offers"] = _head(files["requests"][0], root / "offers.parquet", SLOW_SHARE)
    catalog = Catalog.from_parquet(data)
    inventory = Inventory.from_parquet(catalog, data)
    links, stock_rows = catalog.stats.links, written["stock"][1]
    out = root / "out.parquet"
    jobs: list[tuple[str, str, str, Callable[[], Job]]] = [
        ("fitment", "requests", "requests", lambda: FitmentJob(catalog)),
        ("number lookup", "numbers", "numbers", lambda: NumberLookupJob(catalog)),
        ("number typo search", "search", "numbers", lambda: NumberSearchJob(catalog)),
        ("VIN decoding", "vins", "VINs", VinDecodeJob),
        ("nearest stocked", "orders", "lines", lambda: NearestStockedJob(inventory)),
        ("sourcing", "sourcing", "lines", lambda: SourcingJob(inventory)),
        ("offers", "offers", "requests", lambda: OffersJob(inventory)),
    ]
    return [
        Step("build from parquet", links, "links", lambda: Catalog.from_parquet(data)),
        Step("save the index", links, "links", lambda: catalog.save(root / "index")),
        Step("load the index", links, "links", lambda: Catalog.load(root / "index")),
        Step("build the stock", stock_rows, "rows", lambda: Inventory.from_parquet(catalog, data)),
        *(
            Step(name, files[source][1], unit, _job_run(make, files[source][0], out))
            for name, source, unit, make in jobs
        ),
    ]


def _job_run(make: Callable[[], Job], source: Path, out: Path) -> Callable[[], Any]:
    return lambda: run_job(make(), source, out)


def _head(path: Path, to: Path, share: float) -> tuple[Path, int]:
    """The first ``share`` of a parquet file, written to ``to`` (at least 10 rows)."""
    table = pq.read_table(path)
    n = min(table.num_rows, max(10, int(table.num_rows * share)))
    pq.write_table(table.slice(0, n), to)
    return to, n


def _time(step: Step, repeats: int, quiet: bool) -> dict[str, Any]:
    seconds = []
    for k in range(repeats):
        if not quiet:
            print(f"bench: {step.name} ({k + 1}/{repeats})", file=sys.stderr, flush=True)
        started = time.perf_counter()
        step.run()
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    return {
        "workload": step.name,
        "rows": count(step.rows),
        "median": f"{median * 1e3:.1f} ms" if median < 1 else f"{median:.2f} s",
        "rate": f"{rate(step.rows / median)} {step.unit}/s" if median > 0 else "-",
        "best": f"{min(seconds) * 1e3:.1f} ms" if min(seconds) < 1 else f"{min(seconds):.2f} s",
    }
