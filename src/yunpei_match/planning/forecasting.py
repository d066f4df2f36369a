"""Demand forecasts for spare parts: intermittent-demand methods, quantiles, a prior blend.

:func:`forecast` takes a long table of demand (``series``, ``period``, ``qty``) and returns one
row per series and step ahead with the expected demand and its quantiles. The methods are the
field's standards for spare parts, where most periods sell nothing:

``"croston"``
    Croston (1972): SES (``alpha``) of the non-zero demand sizes divided by SES (``alpha``) of
    the intervals between them.
``"sba"``
    Syntetos–Boylan approximation (2005): Croston times ``1 - alpha / 2`` = 0.95 at the
    default alpha (the factor is fixed at 0.95, as in statsforecast), removing Croston's bias.
``"tsb"``
    Teunter–Syntetos–Babai (2011): SES (``alpha_p``) of the demand occurrence (1 or 0 every
    period) times SES (``alpha_d``) of the demand sizes; it decays towards zero when a part
    stops selling.
``"ses"``
    Simple exponential smoothing (``alpha``) of the demand of every period.
``"adida"``
    Nikolopoulos et al. (2011): demand summed over non-overlapping buckets as long as the mean
    interval between demands (rounded half to even, counted back from the last period), SES of
    the bucket sums with its alpha chosen in [0.1, 0.3] by least squared one-step error
    (golden-section search), shared out equally over the bucket's periods.
``"auto"``
    per series by the Syntetos–Boylan–Croston classification: ADI (mean interval between
    demands) < 1.32 and CV² (squared coefficient of variation of the non-zero sizes,
    population variance) < 0.49 is *smooth* and gets SES; *erratic*, *intermittent* and
    *lumpy* series (and those with no demand) get SBA, which Syntetos, Boylan and Croston (2005)
    found the most accurate in those three classes.

Every SES starts its level at the first value. The methods, their fixed parameters and their
starting values are those of statsforecast's ``CrostonClassic``, ``CrostonSBA``, ``TSB``,
``SimpleExponentialSmoothing`` and ``ADIDA``: the forecasts agree to 1e-9.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from statistics import NormalDist
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from .._base.kernel_choice import Kernels, kernels_of
from ..errors import DataError
from ._prior import blend
from ._series import Series, from_table
from ._tables import as_table

__all__ = ["METHODS", "forecast"]

#: Method names, in the order of the kernels' method codes.
METHODS = ("croston", "sba", "tsb", "ses", "adida", "auto")
#: Default quantile levels, columns ``q50``, ``q90``, ``q95`` and ``q99``.
LEVELS = (0.5, 0.9, 0.95, 0.99)
#: Code of series that have no history and take their forecast from the prior alone.
PRIOR = len(METHODS)
#: Below this many series one thread does the work: starting a second costs more.
MIN_SERIES_PER_THREAD = 50_000


def forecast(
    history: Any,
    *,
    horizon: int,
    method: str = "auto",
    alpha: float = 0.1,
    alpha_d: float = 0.1,
    alpha_p: float = 0.1,
    freq: str | None = None,
    prior: Any = None,
    cumulative: bool = False,
    levels: Sequence[float] = LEVELS,
    n_threads: int | None = None,
    kernels: Kernels = "compiled",
) -> pa.Table:
    """Forecast the demand of every series ``horizon`` periods ahead.

    Parameters
    ----------
    history : pyarrow Table, polars or pandas DataFrame, or dict of columns
        Columns ``series`` (ids of any hashable Arrow type), ``period`` and ``qty`` (demand,
        a number >= 0). ``period`` holds integers (consecutive integers are consecutive
        periods) or dates/timestamps, which ``freq`` turns into periods. A series spans from
        its first row's period to the last period of the table; missing periods are zero
        demand and rows of the same series and period add up. To count periods of zero demand
        before a series' first sale, give a row of ``qty`` 0 at its start.
    horizon : int
        Steps ahead, >= 1.
    method : {"auto", "croston", "sba", "tsb", "ses", "adida"}
        Forecasting method (see the module docstring), default ``"auto"``.
    alpha : float
        Smoothing constant of SES and of both Croston/SBA smoothings, in (0, 1]; default 0.1.
    alpha_d, alpha_p : float
        TSB's smoothing constants of the demand size and of the demand probability, in
        (0, 1]; default 0.1 each.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Period of date periods: days; ISO weeks (Monday to Sunday); calendar months, quarters
        or years. Every date in one period adds to that period. Not used for integer periods.
    prior : table, optional
        Columns ``series``, ``prior_mean`` (expected demand per period, >= 0) and
        ``prior_weight`` (how many periods of history the prior is worth, > 0): blended with
        each series' history by a Gamma–Poisson update; prior series with no history are
        forecast from the prior alone (see the guide, section 12).
    cumulative : bool
        When true, the ``mean`` and quantiles of step ``h`` are those of the total demand of
        steps 1 to ``h`` (what an order-up-to level needs); by default those of step ``h`` alone.
    levels : sequence of float
        Ascending quantile levels in (0, 1), default (0.5, 0.9, 0.95, 0.99); the level ``a``
        gives the column ``q<100 a>`` (``q50``, ``q97.5``...).
    n_threads : int, optional
        Threads sharing the series; default: every core.
    kernels : {"compiled", "reference"}
        The compiled kernels (the default) or their pure-Python twins, chosen as everywhere in
        the package (:mod:`yunpei_match._base.kernel_choice`).

    Returns
    -------
    pyarrow.Table
        One row per series (in order of first appearance; prior-only series after) and step:
        ``series`` (dictionary-encoded ids), ``step`` (int32, 1 to ``horizon``), ``mean``
        (float64), ``q50``, ``q90``, ``q95``, ``q99`` (by default; int64 demand quantiles: the
        least integer ``k`` with P(demand <= k) >= the level) and ``method`` (the method
        used).

    Raises
    ------
    MissingColumnError
        A required column is missing.
    ColumnTypeError
        ``history`` or ``prior`` is not a table, or a column holds the wrong type.
    DataError
        A null, a negative or non-finite quantity, dates without ``freq``, a bad option or
        level, or a prior listing one series twice.

    Examples
    --------
    >>> from yunpei_match.planning import forecast
    >>> history = {"series": ["pad", "pad", "pad", "belt"], "period": [0, 2, 5, 3],
    ...            "qty": [2, 1, 3, 1]}
    >>> table = forecast(history, horizon=1, method="croston")
    >>> table.column("mean").to_pylist()
    [1.558139534883721, 1.0]
    >>> table.column("q90").to_pylist(), table.column("method").to_pylist()
    ([3, 2], ['croston', 'croston'])
    """
    code = _check_options(method, horizon, alpha, alpha_d, alpha_p)
    impl = kernels_of(__name__, kernels)
    levels_array = _check_levels(levels)
    series, _ = from_table(as_table(history, "history"), "history", freq, impl)
    mean, ratio, chosen = _fit(series, code, (alpha, alpha_d, alpha_p), n_threads, impl)
    names = series.names
    if prior is not None:
        names, mean, ratio, chosen = blend(prior, series, mean, ratio, chosen, PRIOR)
    options = {"horizon": horizon, "cumulative": cumulative, "levels": levels_array,
               "n_threads": n_threads, "kernels": impl}  # fmt: skip
    return _table(names, mean, ratio, chosen, options)


def _check_options(method: str, horizon: int, *alphas: float) -> int:
    if method not in METHODS:
        raise DataError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise DataError(f"horizon must be an integer >= 1, got {horizon!r}")
    for name, value in zip(("alpha", "alpha_d", "alpha_p"), alphas, strict=True):
        if not 0.0 < value <= 1.0:
            raise DataError(f"{name} must be in (0, 1], got {value!r}")
    return METHODS.index(method)


def _ranges(n: int, n_threads: int | None) -> list[tuple[int, int]]:
    threads = max(1, min(n_threads or os.cpu_count() or 1, n // MIN_SERIES_PER_THREAD or 1))
    bounds = np.linspace(0, n, threads + 1).astype(np.int64)
    return [(int(a), int(b)) for a, b in pairwise(bounds)]


def _parallel(work: Callable[[int, int], None], n: int, n_threads: int | None) -> None:
    """Run ``work(start, stop)`` over the series split between threads (the GIL released)."""
    ranges = _ranges(n, n_threads)
    if len(ranges) == 1:
        work(*ranges[0])
        return
    with ThreadPoolExecutor(len(ranges)) as pool:
        for future in [pool.submit(work, a, b) for a, b in ranges]:
            future.result()


def _fit(
    series: Series,
    code: int,
    alphas: tuple[float, float, float],
    n_threads: int | None,
    kernels: ModuleType,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.int8]]:
    n = len(series.n_periods)
    mean, ratio, chosen = np.empty(n), np.empty(n), np.empty(n, np.int8)

    def work(start: int, stop: int) -> None:
        kernels.fit(series.offsets, series.positions, series.qty, series.n_periods, code,
                    *alphas, start, stop, mean, ratio, chosen)  # fmt: skip

    _parallel(work, n, n_threads)
    return mean, ratio, chosen


def _table(
    names: pa.Array,
    mean: npt.NDArray[np.float64],
    ratio: npt.NDArray[np.float64],
    chosen: npt.NDArray[np.int8],
    options: dict[str, Any],
) -> pa.Table:
    n, horizon = len(mean), options["horizon"]
    steps = np.arange(1, horizon + 1)
    step_mean = mean[:, None] * (steps if options["cumulative"] else np.ones(horizon))
    columns = {
        "series": pa.DictionaryArray.from_arrays(
            np.repeat(np.arange(n, dtype=np.int32), horizon), names
        ),
        "step": np.tile(steps.astype(np.int32), n),
        "mean": step_mean.ravel(),
        **_quantile_columns(mean, ratio, options),
    }
    labels = pa.array([*METHODS, "prior"])
    columns["method"] = pa.DictionaryArray.from_arrays(np.repeat(chosen, horizon), labels)
    return pa.table(columns)


def _quantile_columns(
    mean: npt.NDArray[np.float64], ratio: npt.NDArray[np.float64], options: dict[str, Any]
) -> dict[str, npt.NDArray[np.int64]]:
    """``q<level>`` columns: the quantiles of every step (or of steps 1 to h, cumulative)."""
    n, horizon, levels = len(mean), options["horizon"], options["levels"]
    z_scores = np.array([NormalDist().inv_cdf(level) for level in levels])
    blocks = []
    for periods in range(1, horizon + 1) if options["cumulative"] else [1]:
        out = np.empty((n, len(levels)), np.int64)

        def work(a: int, b: int, p: int = periods, o: npt.NDArray[np.int64] = out) -> None:
            options["kernels"].quantiles(mean, ratio, float(p), levels, z_scores, a, b, o)

        _parallel(work, n, options["n_threads"])
        blocks.append(out)
    if options["cumulative"]:
        quantiles = np.stack(blocks, axis=1)
    else:
        quantiles = np.repeat(blocks[0][:, None], horizon, axis=1)
    flat = quantiles.reshape(n * horizon, len(levels))
    return {quantile_column(level): flat[:, i] for i, level in enumerate(levels)}


def quantile_column(level: float) -> str:
    """The column of a quantile level: ``q50`` for 0.5, ``q97.5`` for 0.975."""
    return f"q{round(level * 100, 10):g}"


def _check_levels(levels: Sequence[float]) -> npt.NDArray[np.float64]:
    array = np.asarray(levels, dtype=np.float64)
    if array.ndim != 1 or not len(array) or not ((array > 0) & (array < 1)).all():
        raise DataError(f"levels must be one or more numbers in (0, 1), got {levels!r}")
    if (np.diff(array) <= 0).any():
        raise DataError(f"levels must ascend, got {levels!r}")
    return array
