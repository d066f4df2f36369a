"""The batch subcommands: one per job of :mod:`yunpei_match.batch`, and ``build``.

Each streams a parquet file or a directory of them through :func:`~yunpei_match.batch.run_job`
(or, with ``--dask``, :func:`~yunpei_match.batch.dask.run_on_dask`) with a progress bar, then
prints what the job did. A :class:`BatchCommand` row says everything a subcommand needs: its
job, what its input option is called, which job options it exposes and its help.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..batch import DEFAULT_BATCH_ROWS
from ..errors import show
from ._common import (
    INDEX_WANTED,
    REGIONS,
    TABLES_WANTED,
    Commands,
    UsageError,
    add_quiet,
    column_names,
    examples,
    load_catalog,
    load_inventory,
    max_edits,
    non_negative_float,
    positive_int,
)
from ._output import RowProgress, count, counted, rate, say, status

if TYPE_CHECKING:
    from distributed import Client

    from ..batch import JobReport, JobSpec
    from ..stock import Inventory

__all__ = ["COMMANDS", "BatchCommand", "add_batch_commands", "add_build", "run_batch"]

INDEX_HELP = INDEX_WANTED


@dataclass(frozen=True)
class BatchCommand:
    """A batch subcommand: its job and how its arguments map to the job's."""

    name: str
    job: str
    source: str  # the input option, after the job's ``table``: --requests, --lines, --orders
    noun: str  # what an input row is, for the summary
    help: str
    description: str
    examples: tuple[str, ...]
    options: tuple[str, ...] = ()  # argument dests passed to the job as keyword options
    add_options: Callable[[argparse.ArgumentParser], None] | None = None
    needs_index: bool = True
    needs_stock: bool = False
    batch_only: bool = True  # False: the input and --out are optional (source's one order)


def add_region(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region",
        choices=REGIONS,
        default="cn",
        help="whose VIN rules apply: check digit mandatory in cn and na (default: cn)",
    )


def add_stock(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stock",
        type=Path,
        metavar="DIR",
        help="directory with warehouses.parquet and stock.parquet (default: INDEX, when it is "
        "a parquet directory; a saved index holds no stock)",
    )


def add_substitutes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-substitutes",
        dest="substitutes",
        action="store_false",
        help="never offer or ship an interchangeable part instead of the one asked for",
    )


def add_max_km(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-km",
        type=non_negative_float,
        metavar="KM",
        help="ignore warehouses farther than this",
    )


def _search_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-edits", type=max_edits, default=2, help="largest edit distance, 0 to 4 (default: 2)"
    )
    parser.add_argument(
        "--limit", type=positive_int, default=5, help="at most N numbers a request (default: 5)"
    )


def _nearest_options(parser: argparse.ArgumentParser) -> None:
    add_stock(parser)
    add_max_km(parser)
    parser.add_argument(
        "--fastest", action="store_true", help="rank by delivery tier first, then distance"
    )
    add_substitutes(parser)


def _offers_options(parser: argparse.ArgumentParser) -> None:
    add_stock(parser)
    parser.add_argument(
        "--limit", type=positive_int, default=10, help="at most N offers a request (default: 10)"
    )
    add_substitutes(parser)


S = "data/samples"
COMMANDS = (
    BatchCommand(
        "fitment",
        "fitment",
        "requests",
        "requests",
        "batch: the parts that fit each request's vehicle or VIN",
        "Answer a parquet file (or directory) of requests with the parts that fit: vehicle_id "
        "and/or vin (a null vehicle_id falls back to the VIN), optional category (null = every "
        "category) and request_id. One result row per (request, vehicle, part): row, the "
        "kept request columns (request_id, vin), vehicle_id, part_id, brand, part_number, "
        "category.",
        (
            f"yunpei-match fitment {S} --requests {S}/requests.parquet --out out/fitment.parquet",
            "yunpei-match fitment out/index --requests requests/ --out out/parts --dask local:2",
        ),
        options=("region",),
        add_options=add_region,
    ),
    BatchCommand(
        "numbers",
        "numbers",
        "requests",
        "numbers",
        "batch: the parts of each typed part number",
        "Look up a parquet file of typed part numbers (column number, optional request_id): "
        "the part whose own number it is, the parts listing it as an OE number, and those of "
        "its newest number when it was superseded. An unknown number is rejected.",
        (f"yunpei-match numbers {S} --requests numbers.parquet --out out/numbers.parquet",),
    ),
    BatchCommand(
        "search",
        "number-search",
        "requests",
        "numbers",
        "batch: numbers within a few typos of each typed number",
        "Typo-tolerant search for a parquet file of typed part numbers (column number): the "
        "nearest numbers by edit distance with their parts, exactly as a full scan would find "
        "them.",
        (f"yunpei-match search {S} --requests typed.parquet --out out/near.parquet --max-edits 1",),
        options=("max_edits", "limit"),
        add_options=_search_options,
    ),
    BatchCommand(
        "vins",
        "vins",
        "requests",
        "VINs",
        "batch: validate and decode each VIN (no catalogue needed)",
        "Validate and decode a parquet file of VINs (column vin, optional request_id): maker, "
        "country, model years, plant, serial. Invalid VINs are rejected with their reasons.",
        (f"yunpei-match vins --requests {S}/vins.parquet --out out/vins.parquet --region any",),
        options=("region",),
        add_options=add_region,
        needs_index=False,
    ),
    BatchCommand(
        "nearest",
        "nearest",
        "lines",
        "lines",
        "batch: the nearest warehouse holding each line's part",
        "For each line (part_id, lat, lon, optional qty and request_id) the nearest warehouse "
        "holding the part, or an interchangeable one, with its delivery tier; nulls where "
        "nothing qualifies.",
        (f"yunpei-match nearest {S} --lines {S}/orders.parquet --out out/nearest.parquet",),
        options=("max_km", "fastest", "substitutes"),
        add_options=_nearest_options,
        needs_stock=True,
    ),
    BatchCommand(
        "offers",
        "offers",
        "requests",
        "requests",
        "batch: parts that fit, in stock near each request's shop",
        "For each request (vehicle_id or vin, category, lat, lon, optional qty) the parts that "
        "fit, and their interchangeable parts, in stock near the shop, best first: tier, "
        "distance, fitting before substitutes.",
        (f"yunpei-match offers {S} --requests {S}/baskets.parquet --out out/offers.parquet",),
        options=("limit", "substitutes"),
        add_options=_offers_options,
        needs_stock=True,
    ),
)


def add_batch_arguments(parser: argparse.ArgumentParser, command: BatchCommand) -> None:
    """The arguments every batch subcommand has."""
    if command.needs_index:
        parser.add_argument("index", type=Path, metavar="INDEX", help=INDEX_HELP)
    parser.add_argument(
        f"--{command.source}",
        type=Path,
        required=command.batch_only,
        metavar="PATH",
        help=f"the {command.source}: a parquet file or a directory of them",
    )
    _add_outputs(parser, required=command.batch_only)
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=DEFAULT_BATCH_ROWS,
        metavar="N",
        help="rows read and answered at a time; memory follows it "
        f"(default: {count(DEFAULT_BATCH_ROWS)})",
    )
    parser.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="run on Dask, one task per input file: a scheduler address "
        "(tcp://host:8786) or local[:N] for N local worker processes",
    )
    add_quiet(parser)


def _add_outputs(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """--out, --rejects and --keep: what a batch command writes."""
    parser.add_argument(
        "--out",
        type=Path,
        required=required,
        metavar="PATH",
        help="the results: parquet, or CSV when the name ends in .csv (with --dask, a "
        "directory of parquet parts)",
    )
    parser.add_argument(
        "--rejects",
        type=Path,
        metavar="PATH",
        help="rejected rows with their reason (default: OUT with .rejects.parquet, or "
        ".rejects.csv for a CSV OUT)",
    )
    parser.add_argument(
        "--keep",
        type=column_names,
        metavar="COLUMNS",
        help="request columns to copy to every result row, comma-separated (default: the "
        "id-like ones: *_id, vin, category; --keep= for none)",
    )


def add_batch_commands(commands: Commands) -> None:
    for command in COMMANDS:
        parser = commands.add_parser(
            command.name,
            help=command.help,
            description=command.description,
            epilog=examples(*command.examples),
        )
        add_batch_arguments(parser, command)
        if command.add_options is not None:
            command.add_options(parser)
        parser.set_defaults(run=_runner(command))


def _runner(command: BatchCommand) -> Callable[[argparse.Namespace], None]:
    def run(args: argparse.Namespace) -> None:
        run_batch(args, command)

    return run


def run_batch(
    args: argparse.Namespace, command: BatchCommand
) -> tuple[JobReport, Inventory | None]:
    """Run the command's job over its input and print the summary.

    Returns
    -------
    (JobReport, Inventory or None)
        The report, and the inventory the job used when it ran here (a stock job without
        ``--dask``), for commands that say more (``source --baskets``).
    """
    from ..batch import JobSpec

    options = {name: getattr(args, name) for name in command.options}
    if args.keep is not None:
        options["keep"] = args.keep
    index = args.index if command.needs_index else Path()
    spec = JobSpec(command.job, index, stock=getattr(args, "stock", None), options=options)
    source = getattr(args, command.source)
    if args.dask:
        report, inventory = _run_on_dask(args, command, spec, source), None
    else:
        report, inventory = _run_here(args, command, spec, source)
    print_report(report, command)
    return report, inventory


def _run_here(
    args: argparse.Namespace, command: BatchCommand, spec: JobSpec, source: Path
) -> tuple[JobReport, Inventory | None]:
    from ..batch import run_job

    index = Path(spec.index)
    catalog = load_catalog(index, quiet=args.quiet) if command.needs_index else None
    inventory = None
    if command.needs_stock and catalog is not None:
        inventory = load_inventory(catalog, index, args.stock)
    job = spec.open(catalog=catalog, inventory=inventory)
    with RowProgress(command.name, quiet=args.quiet) as progress:
        report = run_job(
            job,
            source,
            args.out,
            batch_size=args.batch_size,
            rejects=args.rejects,
            progress=progress,
        )
    return report, inventory


def print_report(report: JobReport, command: BatchCommand) -> None:
    """What the job did: rows in, answered, rejected and why, rows out, time; the files."""
    noun = command.noun
    written = report.result_rows / report.seconds if report.seconds else float("inf")
    say(
        f"{command.name}: {counted(report.input_rows, noun)}, {count(report.accepted)} answered, "
        f"{count(report.rejected)} rejected -> {counted(report.result_rows, 'rows')} "
        f"in {report.seconds:.3f} s ({rate(report.rows_per_second)} {noun}/s, "
        f"{rate(written)} rows written/s)"
    )
    if report.empty:
        say(f"empty answers: {count(report.empty)} {noun} answered with no rows")
    # The count before a colon, the reason after it: a reason may end with a number itself.
    for reason, n in report.reasons.items():
        say(f"rejected {count(n)}: {reason}")
    say(f"results: {report.output}")
    if report.rejects is not None:
        say(f"rejects: {report.rejects}")


# -- Dask -----------------------------------------------------------------------------------------


def _run_on_dask(
    args: argparse.Namespace, command: BatchCommand, spec: JobSpec, source: Path
) -> JobReport:
    if command.needs_index and not Path(spec.index).exists():
        raise UsageError(f"{spec.index} does not exist: give a saved index (yunpei-match build)")
    if not source.exists():
        raise UsageError(f"{command.source} not found: {source}")
    if any(p is not None and p.suffix.lower() == ".csv" for p in (args.out, args.rejects)):
        raise UsageError("--dask writes directories of parquet parts: CSV is for a local run")
    try:
        from ..batch.dask import run_on_dask
    except ImportError:
        raise UsageError("--dask needs dask: pip install 'yunpei_match[dask]'") from None
    with dask_client(args.dask, quiet=args.quiet) as client:
        say(f"dask: {_describe(client)}")
        with RowProgress(f"{command.name} on dask", quiet=args.quiet) as progress:
            return run_on_dask(
                client,
                spec,
                source,
                args.out,
                rejects=args.rejects,
                batch_size=args.batch_size,
                progress=progress,
            )


@contextmanager
def dask_client(address: str, *, quiet: bool = False) -> Iterator[Client]:
    """A client of the scheduler at ``address``, or of a LocalCluster for ``local[:N]``."""
    from distributed import Client, LocalCluster

    if address == "local" or address.startswith("local:"):
        workers = _local_workers(address)
        with (
            status(f"starting {workers} local Dask worker(s)", quiet=quiet),
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address, timeout=15)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"cannot connect to the Dask scheduler at {address}: {exc}") from None
    with client:
        yield client


def _local_workers(address: str) -> int:
    _, _, n = address.partition(":")
    if not n:
        return os.cpu_count() or 1
    if not n.isdigit() or int(n) < 1:
        raise UsageError(f"--dask local:N needs N >= 1 worker processes, got {show(address)}")
    return int(n)


def _describe(client: Any) -> str:
    workers = client.scheduler_info().get("workers", {})
    threads = sum(w.get("nthreads", 0) for w in workers.values())
    return (
        f"{client.scheduler.address}, {len(workers)} worker{'s' * (len(workers) != 1)}, "
        f"{threads} thread{'s' * (threads != 1)}"
    )


# -- build ----------------------------------------------------------------------------------------


def add_build(commands: Commands) -> None:
    parser = commands.add_parser(
        "build",
        help="build an index from parquet tables and save it",
        description="Build the catalogue from a directory of parquet tables (vehicles, parts, "
        "fitments, and optional oe_numbers, supersessions, vin_patterns) and save it as an "
        "index that every other command memory-maps in milliseconds.",
        epilog=examples(f"yunpei-match build {S} --out out/index"),
    )
    parser.add_argument("catalog", type=Path, help="directory of parquet tables")
    parser.add_argument("--out", type=Path, required=True, help="directory to save the index to")
    add_quiet(parser)
    parser.set_defaults(run=_build)


def _build(args: argparse.Namespace) -> None:
    catalog = load_catalog(args.catalog, quiet=args.quiet, wanted=TABLES_WANTED)
    started = time.perf_counter()
    with status(f"saving the index to {args.out}", quiet=args.quiet):
        path = catalog.save(args.out)
    say(f"saved to {path} in {time.perf_counter() - started:.3f} s")
    for key, value in catalog.stats.as_dict().items():
        shown = f"{value:,}" if isinstance(value, int) else f"{value:.3f}"
        say(f"  {key:>18}: {shown}")
