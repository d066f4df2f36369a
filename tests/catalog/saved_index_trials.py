"""Load damaged saved indexes and run every query on them, each in a forked child process.

Run by ``test_storage_damage.py`` as ``python saved_index_trials.py PLAN``, where ``PLAN`` is
a JSON file ``{"verify_checksums": bool, "trials": [[directory, description], ...]}``. One
interpreter imports the library once and forks a child per directory, so hundreds of damaged
copies cost seconds; a child that dies by a signal (a segmentation fault, a bus error, the
alarm of a hung query) cannot take the others with it. Prints one JSON object per trial:
``{"trial": description, "outcome": outcome}``, where the outcome is ``"answered"`` (loaded,
and every query answered), ``"refused"`` (a ``YunpeiMatchError``, at load or in a query),
``"signal N"``, or the type, message and last frame of any other exception.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import traceback
from typing import Any

SECONDS_PER_TRIAL = 60  # a hung child is killed by its alarm and reported as "signal 14"


def main(plan_path: str) -> None:
    with open(plan_path, encoding="utf-8") as handle:
        plan = json.load(handle)
    # Everything a child uses is imported once here, not once per child.
    import polars  # noqa: F401
    import pyarrow.parquet  # noqa: F401
    import rapidfuzz  # noqa: F401

    import yunpei_match.cli  # noqa: F401

    for directory, description in plan["trials"]:
        outcome = _in_child(directory, plan["verify_checksums"])
        print(json.dumps({"trial": description, "outcome": outcome}), flush=True)


def _in_child(directory: str, verify_checksums: bool) -> str:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        signal.alarm(SECONDS_PER_TRIAL)
        try:
            outcome = _trial(directory, verify_checksums)
        except BaseException:  # reported to the parent, whatever it is
            outcome = _describe_exception()
        os.write(write_end, outcome.encode("utf-8", "replace"))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        reported = pipe.read().decode("utf-8")
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return reported or f"exit status {os.waitstatus_to_exitcode(status)} without a report"


def _describe_exception() -> str:
    kind, value, tb = sys.exc_info()
    frame = traceback.extract_tb(tb)[-1] if tb is not None else None
    where = f" at {frame.filename}:{frame.lineno}" if frame is not None else ""
    return f"{kind.__name__ if kind else '?'}: {str(value)[:300]}{where}"


def _trial(directory: str, verify_checksums: bool) -> str:
    import yunpei_match as ym

    try:
        catalog = ym.Catalog.load(directory, verify_checksums=verify_checksums)
        _query(catalog)
    except ym.YunpeiMatchError:
        outcome = "refused"
    else:
        outcome = "answered"
    if verify_checksums:  # the command line loads with checksums on: run it once per copy
        _command_line(directory)
    return outcome


def _query(catalog: Any) -> None:
    """Every query a user runs after a load, and every conversion of every table."""
    repr(catalog)
    fitment = catalog.fitment
    vehicles = catalog.vehicle_ids.ids.to_pylist()
    parts = catalog.part_ids.ids.to_pylist()
    categories = catalog.category_ids.ids.to_pylist()
    results = [
        fitment.parts_for_vehicles(vehicles),
        fitment.vehicles_for_parts(parts),
        *(fitment.parts_for_vehicle(v) for v in vehicles),
        *(fitment.parts_for_vehicle(v, category=c) for v in vehicles for c in categories),
        *(fitment.vehicles_for_part(p) for p in parts),
        catalog.vins.vehicles_for_vins([VIN, "LFV2A21K6A309239X"]),
        fitment.parts_for_vin(VIN),
    ]
    for part in parts:
        for vehicle in vehicles:
            fitment.fits(part, vehicle)
        results.append(catalog.numbers.interchange(part))
    numbers = catalog._number_tables.numbers.column("number").to_pylist()
    for number in numbers:
        results += [catalog.numbers.lookup(number), catalog.numbers.search(number)]
        catalog.numbers.latest(number)
    results += [catalog.numbers.search("0986494l23"), catalog.numbers.lookup_many(numbers)]
    for result in results:
        result.to_pylist()
    _convert(_tables(catalog))


def _tables(catalog: Any) -> list[Any]:
    import pyarrow as pa

    return [
        catalog.vehicles,
        catalog.parts,
        catalog.details,
        pa.table({"category": catalog.category_ids.ids}),
        catalog._number_tables.numbers,
        catalog._number_tables.brands,
        catalog._vin_patterns,
    ]


def _convert(tables: list[Any]) -> None:
    import polars as pl
    import pyarrow.parquet as pq

    for table in tables:
        table.to_pylist()
        pq.write_table(table, io.BytesIO())
        pl.from_arrow(table)


def _command_line(directory: str) -> None:
    """``fit`` and ``number`` on the damaged index: an answer, or one line on stderr."""
    from yunpei_match.cli import main

    for argv in (["fit", directory, "V1"], ["number", directory, "0 986 494 123", "--search"]):
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            status = main([*argv, "--quiet"])
        lines = err.getvalue().splitlines()
        if status != 0 and not (status == 2 and len(lines) == 1):
            raise AssertionError(f"{argv[0]} ended with {status} and printed {lines[-3:]}")


VIN = "LFV2A21K6A3092399"

if __name__ == "__main__":
    main(sys.argv[1])
