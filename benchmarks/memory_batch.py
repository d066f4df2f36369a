"""Peak memory of the streaming fitment job: 100 k requests against 10 M.

A script, not a test. It builds the synthetic catalogue at scale "S", saves it with
``Catalog.save``, writes request files drawn from its vehicle ids and categories (one request
in a thousand names a vehicle the catalogue does not have, so the rejects path streams too),
then runs the fitment job over each file in a fresh subprocess and reports the child's peak
resident memory and its speed. A child that only loads the index gives the fixed cost.

Peak RSS is read per child with ``os.wait4`` and, as a cross-check, with
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, which is the largest of all children
waited for so far (so it can only confirm a later, larger child, never isolate a smaller one).

Run from the repository root::

    python benchmarks/memory_batch.py                      # 100 k and 10 M requests
    python benchmarks/memory_batch.py --sizes 100000 1000000 --batch-size 32768
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

CHUNK_ROWS = 1 << 20  # requests written per row group
UNKNOWN_SHARE = 0.001


def build_index(directory: Path, scale: str) -> Path:
    """The synthetic catalogue at ``scale``, saved (the job memory-maps it)."""
    import yunpei_match as ym
    from yunpei_match import synth

    catalog = ym.Catalog.from_tables(**synth.generate(scale))
    return catalog.save(directory / f"index-{scale}")


def write_requests(path: Path, index: Path, n: int, seed: int = 0) -> Path:
    """``n`` (vehicle_id, category) requests drawn uniformly from the catalogue's ids."""
    import yunpei_match as ym

    catalog = ym.Catalog.load(index)
    vehicles = pa.concat_arrays([catalog.vehicle_ids.ids, pa.array(["V-NOT-IN-CATALOGUE"])])
    categories = catalog.category_ids.ids
    rng = np.random.default_rng(seed)
    schema = pa.schema(
        [
            ("request_id", pa.int64()),
            ("vehicle_id", pa.dictionary(pa.int32(), pa.string())),
            ("category", pa.dictionary(pa.int32(), pa.string())),
        ]
    )
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, n, CHUNK_ROWS):
            m = min(CHUNK_ROWS, n - start)
            vehicle = rng.integers(0, len(vehicles) - 1, m, dtype=np.int32)
            vehicle[rng.random(m) < UNKNOWN_SHARE] = len(vehicles) - 1
            category = rng.integers(0, len(categories), m, dtype=np.int32)
            batch = pa.table(
                {
                    "request_id": pa.array(np.arange(start, start + m)),
                    "vehicle_id": pa.DictionaryArray.from_arrays(vehicle, vehicles),
                    "category": pa.DictionaryArray.from_arrays(category, categories),
                },
                schema=schema,
            )
            writer.write_table(batch)
    return path


def child(args: argparse.Namespace) -> None:
    """In the subprocess: load the index and (unless --baseline) run the job; print JSON."""
    import yunpei_match as ym
    from yunpei_match.batch import FitmentJob, run_job

    catalog = ym.Catalog.load(args.index)
    job = FitmentJob(catalog)
    facts: dict[str, object] = {}
    if not args.baseline:
        started = time.perf_counter()
        report = run_job(job, args.requests, args.out, batch_size=args.batch_size)
        seconds = time.perf_counter() - started
        facts = {
            "input_rows": report.input_rows,
            "rejected": report.rejected,
            "result_rows": report.result_rows,
            "seconds": seconds,
            "output_bytes": Path(report.output).stat().st_size,
        }
    facts["self_maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(facts))


def measure(command: list[str]) -> tuple[dict[str, object], int, int]:
    """Run ``command``; its JSON line, its peak RSS (wait4) and RUSAGE_CHILDREN's, in kB."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"child failed with status {process.returncode}: {command}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 10_000_000])
    parser.add_argument("--scale", default="S")
    parser.add_argument("--batch-size", type=int, default=65_536)
    parser.add_argument("--workdir", type=Path, help="where to write (default: a temp dir)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        run(Path(tmp), args)


def run(work: Path, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    index = build_index(work, args.scale)
    print(f"index at scale {args.scale}: {index} ({time.perf_counter() - started:.1f} s)")
    me = [sys.executable, __file__, "--child", "--index", str(index)]
    facts, rss, _ = measure([*me, "--baseline"])
    print(f"baseline (import + load the index): peak RSS {rss / 1024:.0f} MB")
    rows = []
    for n in sorted(args.sizes):
        t = time.perf_counter()
        requests = write_requests(work / f"requests-{n}.parquet", index, n)
        written = time.perf_counter() - t
        command = [*me, "--requests", str(requests), "--out", str(work / f"out-{n}.parquet")]
        facts, rss, children = measure([*command, "--batch-size", str(args.batch_size)])
        seconds = float(facts["seconds"])  # type: ignore[arg-type]
        rows.append((n, facts, rss, children, seconds))
        print(
            f"{n:>12,} requests (written in {written:.1f} s): peak RSS {rss / 1024:.0f} MB "
            f"(RUSAGE_CHILDREN so far {children / 1024:.0f} MB), {seconds:.2f} s, "
            f"{n / seconds:,.0f} requests/s, {facts['result_rows']:,} result rows, "
            f"{facts['rejected']:,} rejected"
        )
        for path in (requests, work / f"out-{n}.parquet", work / f"out-{n}.rejects.parquet"):
            path.unlink(missing_ok=True)
    print("\n| requests | peak RSS | requests/s | result rows/s | result rows |")
    print("|---:|---:|---:|---:|---:|")
    for n, facts, rss, _, seconds in rows:
        results = int(facts["result_rows"])  # type: ignore[call-overload]
        print(
            f"| {n:,} | {rss / 1024:.0f} MB | {n / seconds:,.0f} | {results / seconds:,.0f} "
            f"| {results:,} |"
        )


if __name__ == "__main__":
    main()
