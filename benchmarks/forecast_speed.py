"""Forecast 10 M synthetic weekly series of a year; statsforecast on a sample for the ratio.

Each series has 52 weeks of intermittent demand: the chance of a sale in a week is drawn per
series from Beta(0.6, 2) (mean 0.23, most series rarely sell), its size is 1 + Poisson(1.5).
The long table holds one row per week with a sale plus a row of quantity 0 in week 0 where
there was none, so every series spans the year (about 12.8 rows per series; int64 ids, int8
weeks, int16 quantities). The script times :func:`yunpei_match.planning.forecast` over the whole
table for each method, then statsforecast's model of the same method over the first
``--sample`` series (one call, so its set-up is paid once), checks both forecast the sample
the same within 1e-9, and extrapolates statsforecast's per-series rate to all series. It prints
the peak resident memory of the process.

Usage: ``python benchmarks/forecast_speed.py [--series N] [--sample N] [--methods ...]``.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pyarrow as pa

from benchmarks.forecast_carparts import statsforecast_table
from yunpei_match.planning import forecast

WEEKS = 52
CHUNK = 1_000_000


def weekly_table(n_series: int, seed: int = 0) -> pa.Table:
    """The seeded long table of ``n_series`` weekly series (see the module docstring)."""
    rng = np.random.default_rng(seed)
    parts = []
    for start in range(0, n_series, CHUNK):
        n = min(CHUNK, n_series - start)
        p = rng.beta(0.6, 2.0, n)
        sale = rng.random((n, WEEKS)) < p[:, None]
        row = sale.copy()
        row[:, 0] = True  # week 0 always has a row: the series starts there
        series, week = np.nonzero(row)
        qty = ((1 + rng.poisson(1.5, len(series))) * sale[series, week]).astype(np.int16)
        parts.append(
            pa.table({"series": series + start, "period": week.astype(np.int8), "qty": qty})
        )
    return pa.concat_tables(parts).combine_chunks()


def dense(table: pa.Table, n_series: int) -> dict[str, np.ndarray]:
    """Every week of the first ``n_series`` series as a row: statsforecast reads the rows of a
    series as consecutive periods, so the weeks without a sale must be there."""
    qty = np.zeros((n_series, WEEKS))
    series, week = table.column("series").to_numpy(), table.column("period").to_numpy()
    qty[series, week] = table.column("qty").to_numpy()
    return {
        "series": np.repeat(np.arange(n_series), WEEKS),
        "period": np.tile(np.arange(WEEKS), n_series),
        "qty": qty.ravel(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--methods", nargs="+", default=["auto", "sba", "ses", "tsb", "adida"])
    args = parser.parse_args()
    started = time.perf_counter()
    table = weekly_table(args.series)
    print(f"{args.series:,} series, {table.num_rows:,} rows, {table.nbytes / 1e9:.2f} GB, "
          f"made in {time.perf_counter() - started:.1f} s")  # fmt: skip
    sample = table.slice(0, int(np.searchsorted(table.column("series").to_numpy(), args.sample)))
    peers, peer_seconds = statsforecast_table(dense(sample, args.sample))
    print(f"statsforecast, 5 models over {args.sample:,} series: {peer_seconds:.2f} s")
    started = time.perf_counter()
    forecast(table, horizon=1)
    print(f"first call (auto; pays the first touch of fresh memory): "
          f"{time.perf_counter() - started:.2f} s")  # fmt: skip
    for method in args.methods:
        started = time.perf_counter()
        result = forecast(table, horizon=1, method=method)
        seconds = time.perf_counter() - started
        line = f"{method:>6}: {seconds:6.2f} s, {args.series / seconds / 1e6:5.2f} M series/s"
        if method in peers:
            ours = forecast(sample, horizon=1, method=method).column("mean").to_numpy()
            diff = float(np.max(np.abs(ours - peers[method])))
            line += f"; max |ours - statsforecast| on the sample {diff:.1e}"
        print(line, flush=True)
        del result
    rate = peer_seconds / 5 / args.sample
    print(
        f"statsforecast: {rate * 1e6:.1f} µs per series and model, so "
        f"{rate * args.series:,.0f} s per model for {args.series:,} series (extrapolated)"
    )
    print(
        f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB"
    )


if __name__ == "__main__":
    main()
