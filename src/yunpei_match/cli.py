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

from . import __version__
from .batch import run_fitment_job
from .catalog import Catalog
from .errors import YunpeiMatchError

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
