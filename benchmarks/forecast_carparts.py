"""Forecast 2,674 real car-part series: accuracy, stock for a fill target, statsforecast beside.

The first 39 months of ``data/carparts`` are the history, the last 12 the test. For every method
(ours, statsforecast's implementation of the same method, and the naive mean of the history) it
reports MASE and RMSSE (errors scaled by the in-sample one-step naive errors, averaged over the
series whose history is not constant), checks that ours and statsforecast's forecasts are equal
within 1e-9, and times both. Then, for our methods and a naive baseline (the empirical
quantile of the history's 2-month sums), it finds the stock an order-up-to policy needs for
90/95/99 % fill: the order-up-to level of a part is the quantile of its demand over lead time
plus review (2 months) at one service level shared by all parts, the 12 held-out months are
replayed (lost sales), and the least service level whose fill reaches the target is found by
bisection. It reports that level, the fill reached, the mean stock on hand and the sum of the
levels.

Usage: ``python benchmarks/forecast_carparts.py [--series N] [--markdown FILE]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from yunpei_match.planning import forecast

DATA = Path(__file__).resolve().parents[1] / "data" / "carparts"
TSF = DATA / "car_parts_dataset_without_missing_values.tsf"
HISTORY, TEST = 39, 12
LEAD, REVIEW = 1, 1
FILL_TARGETS = (0.90, 0.95, 0.99)
#: Our method name and the statsforecast model doing the same.
PEERS = {
    "croston": "CrostonClassic",
    "sba": "CrostonSBA",
    "tsb": "TSB",
    "ses": "SimpleExponentialSmoothing",
    "adida": "ADIDA",
}


def read_tsf(path: Path = TSF) -> tuple[list[str], np.ndarray]:
    """Series names and their values (one row per series) of a Monash ``.tsf`` file of
    equal-length series."""
    names, rows = [], []
    for line in path.read_text().splitlines():
        if not line or line[0] in "#@":
            continue
        name, _start, values = line.split(":", 2)
        names.append(name)
        rows.append([float(v) for v in values.split(",")])
    return names, np.array(rows)


def long_table(y: np.ndarray) -> dict[str, np.ndarray]:
    """A (series, period, qty) table of a matrix of series."""
    n, t = y.shape
    return {
        "series": np.repeat(np.arange(n), t),
        "period": np.tile(np.arange(t), n),
        "qty": y.ravel(),
    }


def ours(train: np.ndarray, method: str, horizon: int, **options):
    """Our forecast table, rows in series order."""
    return forecast(long_table(train), horizon=horizon, method=method, **options)


def statsforecast_means(train: np.ndarray) -> tuple[dict[str, np.ndarray], float]:
    """statsforecast's one-step forecasts of every peer model, and the seconds they took."""
    return statsforecast_table(long_table(train))


def statsforecast_table(table: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], float]:
    """The same for a long table of integer series ids and periods; series in id order."""
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast import models as sfm

    models = [
        sfm.CrostonClassic(),
        sfm.CrostonSBA(),
        sfm.TSB(alpha_d=0.1, alpha_p=0.1),
        sfm.SimpleExponentialSmoothing(alpha=0.1),
        sfm.ADIDA(),
    ]
    frame = pd.DataFrame(table).rename(columns={"series": "unique_id", "period": "ds", "qty": "y"})
    started = time.perf_counter()
    out = StatsForecast(models=models, freq=1).forecast(df=frame, h=1)
    seconds = time.perf_counter() - started
    out = out.sort_values("unique_id")
    aliases = {"SimpleExponentialSmoothing": "SES"}
    means = {ours_: out[aliases.get(peer, peer)].to_numpy() for ours_, peer in PEERS.items()}
    return means, seconds


def scaled_errors(train: np.ndarray, test: np.ndarray, mean: np.ndarray) -> tuple[float, float]:
    """MASE and RMSSE of a flat forecast per series, over series with a non-constant history."""
    steps = np.diff(train, axis=1)
    mae_scale, mse_scale = np.abs(steps).mean(axis=1), (steps**2).mean(axis=1)
    keep = mae_scale > 0
    errors = test[keep] - mean[keep, None]
    mase = np.abs(errors).mean(axis=1) / mae_scale[keep]
    rmsse = np.sqrt((errors**2).mean(axis=1) / mse_scale[keep])
    return float(mase.mean()), float(rmsse.mean())


def simulate(levels: np.ndarray, test: np.ndarray) -> tuple[float, float]:
    """Fill rate and mean stock on hand of an order-up-to policy over the test months.

    Every month the order that lifts the inventory position (on hand plus on order) back to
    the part's level is placed; it arrives ``LEAD`` months later. Unmet demand is lost.
    """
    on_hand = levels.astype(np.float64).copy()
    pipeline = np.zeros((LEAD, len(levels)))
    served = held = 0.0
    for month in range(test.shape[1]):
        on_hand += pipeline[0]
        pipeline = np.roll(pipeline, -1, axis=0)
        pipeline[-1] = 0.0
        sold = np.minimum(test[:, month], on_hand)
        on_hand -= sold
        served += sold.sum()
        held += on_hand.sum()
        pipeline[-1] = np.maximum(levels - on_hand - pipeline.sum(axis=0), 0.0)
    return float(served / test.sum()), float(held / test.shape[1])


def naive_levels(train: np.ndarray, level: float) -> np.ndarray:
    """Baseline order-up-to levels: the empirical quantile of the history's 2-month sums."""
    window = LEAD + REVIEW
    sums = np.stack([train[:, i : i + window].sum(axis=1) for i in range(HISTORY - window + 1)])
    return np.ceil(np.quantile(sums, level, axis=0))


def accuracy(train: np.ndarray, test: np.ndarray) -> tuple[list[tuple], dict[str, float]]:
    """Rows (method, implementation, MASE, RMSSE, max difference to statsforecast, seconds)."""
    peers, peer_seconds = statsforecast_means(train)
    rows = []
    for method in (*PEERS, "auto"):
        started = time.perf_counter()
        mean = ours(train, method, 1).column("mean").to_numpy()
        seconds = time.perf_counter() - started
        diff = float(np.max(np.abs(mean - peers[method]))) if method in peers else float("nan")
        rows.append((method, "yunpei_match", *scaled_errors(train, test, mean), diff, seconds))
        if method in peers:
            rows.append((method, "statsforecast", *scaled_errors(train, test, peers[method])))
    naive = train.mean(axis=1)
    rows.append(("mean of history", "numpy", *scaled_errors(train, test, naive)))
    return rows, {"statsforecast (5 models)": peer_seconds}


def order_up_to(train: np.ndarray, method: str, level: float) -> np.ndarray:
    """Order-up-to levels per part: the ``level`` quantile of demand over lead time + review."""
    if method == "naive":
        return naive_levels(train, level)
    table = ours(train, method, LEAD + REVIEW, cumulative=True, levels=[level])
    last = np.asarray(table.column("step")) == LEAD + REVIEW
    return np.asarray(table.column(table.column_names[3]))[last].astype(np.float64)


def stock_for_fill(train: np.ndarray, test: np.ndarray, method: str, target: float):
    """The least service level (by bisection; fill grows with it) whose order-up-to levels
    reach ``target`` fill over the test months: (level, fill, stock on hand, sum of levels).
    When even the top level falls short, its figures are returned."""
    low, high = 0.5, 0.9999
    best = (high, *simulate(order_up_to(train, method, high), test))
    for _ in range(14):
        middle = (low + high) / 2
        levels = order_up_to(train, method, middle)
        fill, held = simulate(levels, test)
        if fill >= target:
            high, best = middle, (middle, fill, held)
        else:
            low = middle
    return (*best, float(order_up_to(train, method, best[0]).sum()))


def stock(train: np.ndarray, test: np.ndarray) -> list[tuple]:
    """Rows (method, target fill, service level needed, fill reached, mean stock on hand,
    sum of order-up-to levels) for 90/95/99 % fill."""
    rows = []
    for method in ("croston", "sba", "tsb", "ses", "adida", "auto", "naive"):
        for target in FILL_TARGETS:
            rows.append((method, target, *stock_for_fill(train, test, method, target)))
    return rows


def markdown(accuracy_rows, timings, stock_rows, n_series: int) -> str:
    lines = [
        f"Series: {n_series}; history {HISTORY} months, test {TEST}; "
        f"order-up-to over lead time {LEAD} + review {REVIEW} months.",
        "",
        "| method | implementation | MASE | RMSSE | max \\|ours − statsforecast\\| | seconds |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in accuracy_rows:
        diff = f"{row[4]:.1e}" if len(row) > 4 and row[4] == row[4] else ""
        seconds = f"{row[5]:.4f}" if len(row) > 5 else ""
        lines.append(f"| {row[0]} | {row[1]} | {row[2]:.4f} | {row[3]:.4f} | {diff} | {seconds} |")
    lines += [f"| all five | {k} | | | | {v:.4f} |" for k, v in timings.items()]
    lines += [
        "",
        "| method | target fill | service level needed | fill reached | mean stock on hand |"
        " sum of levels |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {m} | {t:.0%} | {a:.4f} | {f:.2%} | {h:,.0f} | {s:,.0f} |"
        for m, t, a, f, h, s in stock_rows
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=None, help="first N series only")
    parser.add_argument("--markdown", type=Path, default=None, help="also write the tables here")
    args = parser.parse_args()
    _, y = read_tsf()
    y = y[: args.series]
    train, test = y[:, :HISTORY], y[:, HISTORY : HISTORY + TEST]
    ours(train[:10], "adida", 1)  # first call outside the timings
    rows, timings = accuracy(train, test)
    started = time.perf_counter()
    for method in PEERS:
        ours(train, method, 1)
    timings["yunpei_match (5 models)"] = time.perf_counter() - started
    text = markdown(rows, timings, stock(train, test), len(y))
    print(text)
    if args.markdown:
        args.markdown.write_text(text)


if __name__ == "__main__":
    main()
