"""Pure-Python twin of :mod:`yunpei_match.planning._kernels`: each method the obvious way.

Every series is first expanded to its dense list of demands per period; each method is then
written as its textbook recursion over that list. Tests run the kernels and this twin on the
same random series and compare the results.
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import numpy.typing as npt

CROSTON, SBA, TSB, SES, ADIDA, AUTO = range(6)
SCAN_MAX = 100000.0
LOG_P0_MIN = -600.0
GOLDEN = (math.sqrt(5.0) + 1.0) / 2.0


def _ses(values: list[float], alpha: float) -> float:
    level = values[0]
    for value in values:
        level = alpha * value + (1.0 - alpha) * level
    return level


def _intervals(y: list[float]) -> list[float]:
    demand_periods = [t + 1 for t, value in enumerate(y) if value != 0]
    return [float(b - a) for a, b in pairwise([0, *demand_periods])]


def _croston(y: list[float], alpha: float) -> float:
    sizes = [value for value in y if value > 0]
    interval = _ses(_intervals(y), alpha)
    size = _ses(sizes, alpha)
    return size / interval if interval != 0.0 else size


def _sse(x: list[float], alpha: float) -> float:
    forecast, sse = x[0], 0.0
    for previous, value in pairwise(x):
        forecast = alpha * previous + (1.0 - alpha) * forecast
        sse += (value - forecast) ** 2
    return sse


def _golden_alpha(x: list[float]) -> float:
    a, b = 0.1, 0.3
    c, d = b - (b - a) / GOLDEN, a + (b - a) / GOLDEN
    fc, fd = _sse(x, c), _sse(x, d)
    while abs(b - a) >= 1e-12 and fc != fd:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - (b - a) / GOLDEN
            fc = _sse(x, c)
        else:
            a, c, fc = c, d, fd
            d = a + (b - a) / GOLDEN
            fd = _sse(x, d)
    return (b + a) / 2.0


def _adida(y: list[float]) -> float:
    intervals = _intervals(y)
    k = round(sum(intervals) / len(intervals))
    lost = len(y) % k
    sums = [sum(y[i : i + k]) for i in range(lost, len(y), k)]
    if len(sums) <= 1:
        return sums[0] / k
    return _ses(sums, _golden_alpha(sums)) / k


def _classify(y: list[float]) -> int:
    sizes = [value for value in y if value > 0]
    if not sizes:
        return SBA
    adi = sum(_intervals(y)) / len(sizes)
    # CV² < 0.49 written without the division: the square of a tiny mean underflows to 0
    smooth_sizes = float(np.var(sizes)) < 0.49 * float(np.mean(sizes)) ** 2
    return SES if adi < 1.32 and smooth_sizes else SBA


def _forecast(method: int, y: list[float], alpha: float, alpha_d: float, alpha_p: float) -> float:
    if not y or (method != SES and not any(y)):
        return 0.0
    if method == SES:
        return _ses(y, alpha)
    if method == CROSTON:
        return _croston(y, alpha)
    if method == SBA:
        return 0.95 * _croston(y, alpha)
    if method == TSB:
        sizes = [value for value in y if value > 0]
        return _ses([float(value != 0) for value in y], alpha_p) * _ses(sizes, alpha_d)
    return _adida(y)


def _ratio(y: list[float]) -> float:
    mean = sum(y) / len(y) if y else 0.0
    if not mean > 0.0:  # no demand, or so little that its mean underflows
        return 1.0
    return sum((value - mean) ** 2 for value in y) / len(y) / mean


def fit(
    offsets: npt.NDArray[np.int64],
    positions: npt.NDArray[np.int32],
    qty: npt.NDArray[np.float64],
    n_periods: npt.NDArray[np.int32],
    method: int,
    alpha: float,
    alpha_d: float,
    alpha_p: float,
    start: int,
    stop: int,
    mean: npt.NDArray[np.float64],
    ratio: npt.NDArray[np.float64],
    chosen: npt.NDArray[np.int8],
) -> None:
    """Fit series ``start .. stop - 1``, writing ``mean``, ``ratio`` and ``chosen`` in place."""
    for s in range(start, stop):
        y = [0.0] * int(n_periods[s])
        for j in range(offsets[s], offsets[s + 1]):
            y[positions[j]] = float(qty[j])
        chosen[s] = _classify(y) if method == AUTO else method
        mean[s] = _forecast(int(chosen[s]), y, alpha, alpha_d, alpha_p)
        ratio[s] = _ratio(y)


def _normal_quantile(mu: float, sd: float, z: float) -> int:
    q = math.ceil(mu + z * sd) if math.isfinite(mu + z * sd) else 4 * 10**18
    return max(0, min(q, 4 * 10**18))


def _quantiles_one(
    mu: float, ratio: float, levels: npt.NDArray[np.float64], z_scores: npt.NDArray[np.float64]
) -> list[int]:
    d = max(ratio, 1.0)
    if not mu > 0.0:
        return [0] * len(levels)
    r = mu / (d - 1.0) if d > 1.0 else 0.0
    p0_log = -mu if d == 1.0 else -r * math.log(d)
    if p0_log < LOG_P0_MIN or mu + 8.0 * math.sqrt(mu * d) > SCAN_MAX or math.isinf(mu * d):
        return [_normal_quantile(mu, math.sqrt(mu * d), z) for z in z_scores]
    out, k, pk = [], 0.0, math.exp(p0_log)
    cdf = pk
    for level in levels:
        while cdf < level and k < SCAN_MAX:
            pk *= (mu / (k + 1.0)) if d == 1.0 else (k + r) / (k + 1.0) * (1.0 - 1.0 / d)
            k += 1.0
            cdf += pk
        out.append(int(k))
    return out


def quantiles(
    mean: npt.NDArray[np.float64],
    ratio: npt.NDArray[np.float64],
    periods: float,
    levels: npt.NDArray[np.float64],
    z_scores: npt.NDArray[np.float64],
    start: int,
    stop: int,
    out: npt.NDArray[np.int64],
) -> None:
    """Quantiles of the demand over ``periods`` periods for series ``start .. stop - 1``."""
    for s in range(start, stop):
        out[s, :] = _quantiles_one(float(mean[s]) * periods, float(ratio[s]), levels, z_scores)


def group_rows(
    keys: npt.NDArray[np.int64], periods: npt.NDArray[np.int64], qty: npt.NDArray[np.float64]
) -> (
    tuple[
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
        npt.NDArray[np.int32],
        npt.NDArray[np.float64],
    ]
    | None
):
    """CSR of demand rows sorted by series key then period, or None when they are not sorted."""
    rows = list(zip(keys.tolist(), periods.tolist(), qty.tolist(), strict=True))
    if rows != sorted(rows, key=lambda row: row[:2]):
        return None
    series: dict[int, dict[int, float]] = {}
    for key, period, value in rows:
        demands = series.setdefault(key, {})
        demands[period] = demands.get(period, 0.0) + value
    first = [min(demands) for demands in series.values()]
    kept = [
        [(p - f, v) for p, v in demands.items() if v > 0]
        for f, demands in zip(first, series.values(), strict=True)
    ]
    offsets = np.cumsum([0] + [len(k) for k in kept]).astype(np.int64)
    flat = [pair for k in kept for pair in k]
    return (
        np.array(list(series), np.int64),
        np.array(first, np.int64),
        offsets,
        np.array([p for p, _ in flat], np.int32),
        np.array([v for _, v in flat], np.float64),
    )
