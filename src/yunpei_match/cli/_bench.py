"""``bench``: a quick benchmark of the main workloads on a generated catalogue.

Each workload runs a few times and the median is printed, as the command line would run it:
the catalogue built from parquet, saved and memory-mapped back, and each batch job streaming a
parquet file to a parquet file (reading, answering and writing all count). A job's rate is
given per input row and per row written: one fitment request is answered by every part of its
category that fits the vehicle, dozens of rows, so requests/s alone says little. ``--data DIR``
times a directory ``yunpei-match synth`` wrote instead of generating one. It is a quick look,
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
from typing import TYPE_CHECKING, Any

from ._common import Commands, UsageError, add_quiet, examples, non_negative_int, positive_int
from ._output import count, print_table, rate, say, status
from ._synth import DEFAULT_ROWS

if TYPE_CHECKING:
    from ..batch import Job

__all__ = ["add_bench"]

SEARCH_SHARE = 0.01  # typo search is ~100x the work of an exact lookup
SLOW_SHARE = 0.2  # sourcing and offers visit many warehouses per row


#: The files of a synth directory that bench reads, besides the catalogue's tables.
INPUTS = ("requests", "numbers", "vins", "orders", "stock")


@dataclass
class Step:
    """One timed workload: ``run`` does it once; ``rows`` of ``unit`` each time. A batch job's
    ``run`` returns its :class:`JobReport`, whose result rows are the rows written."""

    name: str
    rows: int
    unit: str
    run: Callable[[], Any]


def add_bench(commands: Commands) -> None:
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
            "yunpei-match synth out/S --scale S && yunpei-match bench --data out/S",
            "python benchmarks/compare.py --scale S   # the side-by-side comparison",
        ),
    )
    data = parser.add_mutually_exclusive_group()
    data.add_argument("--scale", choices=list(DEFAULT_ROWS), help="generate (default: S)")
    data.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="time a directory written by yunpei-match synth instead of generating one",
    )
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
    parser.add_argument("--seed", type=non_negative_int, help="seed of the catalogue (default: 0)")
    add_quiet(parser)
    parser.set_defaults(run=_bench)


def _bench(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="yunpei-bench-") as tmp:
        root = Path(tmp)
        if args.data is not None:
            data, written, what = args.data, _synth_files(args), f"data {args.data}"
        else:
            from ._synth_inputs import write_synthetic

            data, scale = root / "catalog", args.scale or "S"
            started = time.perf_counter()
            with status(f"generating scale {scale}", quiet=args.quiet):
                written = write_synthetic(data, scale, seed=args.seed or 0, rows=args.rows)
            say(f"scale {scale}: generated in {time.perf_counter() - started:.2f} s")
            what = f"scale {scale}"
        steps = _steps(root, data, written)
        results = [_time(step, args.repeats, args.quiet) for step in steps]
    print_table(results, title=f"yunpei-match bench, {what}: medians of {args.repeats}")
    scale = "" if args.data is not None else f" --scale {args.scale or 'S'}"
    say(
        "side by side with numpy, polars, DuckDB, SQLite and plain Python: "
        f"python benchmarks/compare.py{scale}"
    )


def _synth_files(args: argparse.Namespace) -> dict[str, tuple[Path, int]]:
    """The inputs of a synth directory with their row counts; refuses what is not one."""
    if args.rows is not None or args.seed is not None:
        raise UsageError("--rows and --seed are for generated data, not --data DIR")
    if not args.data.is_dir():
        raise UsageError(f"{args.data} is not a directory written by yunpei-match synth")
    written = {}
    for name in INPUTS:
        path = args.data / f"{name}.parquet"
        if not path.is_file():
            raise UsageError(
                f"{args.data} has no {path.name}: give a directory written by yunpei-match "
                f"synth (yunpei-match synth {args.data} --scale S)"
            )
        written[name] = (path, _row_count(path))
    return written


def _row_count(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def _steps(root: Path, data: Path, written: dict[str, tuple[Path, int]]) -> list[Step]:
    from ..batch import (
        FitmentJob,
        NearestStockedJob,
        NumberLookupJob,
        NumberSearchJob,
        OffersJob,
        SourcingJob,
        VinDecodeJob,
    )
    from ..catalog import Catalog
    from ..stock import Inventory

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
    from ..batch import run_job

    return lambda: run_job(make(), source, out)


def _head(path: Path, to: Path, share: float) -> tuple[Path, int]:
    """The first ``share`` of a parquet file, written to ``to`` (at least 10 rows)."""
    import pyarrow.parquet as pq

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
        report = step.run()
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    written = getattr(report, "result_rows", None)  # a batch job's JobReport
    return {
        "workload": step.name,
        "rows": count(step.rows),
        "median": f"{median * 1e3:.1f} ms" if median < 1 else f"{median:.2f} s",
        "rate": f"{rate(step.rows / median)} {step.unit}/s" if median > 0 else "-",
        "rows written": None if written is None else count(written),
        "written/s": None if written is None or median <= 0 else f"{rate(written / median)} rows/s",
        "best": f"{min(seconds) * 1e3:.1f} ms" if min(seconds) < 1 else f"{min(seconds):.2f} s",
    }
