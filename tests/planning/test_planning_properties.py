"""The planning kernels agree with their pure-Python twin on random series (hypothesis).

Series are drawn as dense lists of demands: empty tables, all-zero series, single periods,
mostly-zero intermittent series and huge quantities. Forecasts are compared to a relative 1e-12
(the twin sums the variance in another order), quantiles to the same relative 1e-12, which for
quantiles below 10^12 means exactly; given the same means and ratios, the quantile kernel and its
twin agree exactly.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from yunpei_match.planning import METHODS, _kernels, _kernels_py, forecast

SETTINGS = settings(max_examples=120, deadline=None)

quantities = st.one_of(
    st.integers(0, 3),
    st.integers(0, 60),
    st.floats(0.0, 1e12, allow_nan=False),
    st.sampled_from([0.0, 0.5, 2.0**52, 9e15]),
)
series = st.one_of(
    st.lists(st.integers(0, 2), min_size=1, max_size=60).map(lambda y: [float(v) for v in y]),
    st.lists(quantities, min_size=1, max_size=40),
    st.lists(st.just(0), min_size=1, max_size=5),
    st.lists(quantities, min_size=1, max_size=1),
)
tables = st.lists(series, max_size=8)


def _long(ys: list[list[float]]) -> dict[str, list]:
    rows = [(s, t, float(v)) for s, y in enumerate(ys) for t, v in enumerate(y)]
    return {
        "series": [r[0] for r in rows],
        "period": [r[1] - len(ys[r[0]]) for r in rows],  # every series ends at period -1
        "qty": [r[2] for r in rows],
    }


@SETTINGS
@given(tables, st.sampled_from(METHODS), st.floats(0.05, 1.0), st.booleans())
@example([[6.613719287391387e-264]], "auto", 1.0, False)  # its squared mean underflows
@example([[0, 5e-324]], "croston", 1.0, False)  # its mean underflows
def test_forecast_kernels_match_twin(ys, method, alpha, cumulative) -> None:
    options = {"horizon": 3, "method": method, "alpha": alpha, "cumulative": cumulative}
    ours = forecast(_long(ys), **options)
    twin = forecast(_long(ys), kernels="reference", **options)
    assert ours.num_rows == twin.num_rows == 3 * len(ys)
    np.testing.assert_allclose(ours.column("mean"), twin.column("mean"), rtol=1e-12, atol=0)
    for name in ("q50", "q90", "q95", "q99"):
        np.testing.assert_allclose(ours.column(name), twin.column(name), rtol=1e-12, atol=0)
    for name in ("series", "step", "method"):
        assert ours.column(name).equals(twin.column(name)), name


@SETTINGS
@given(
    st.lists(st.floats(0.0, 1e13, allow_nan=False), min_size=1, max_size=20),
    st.lists(st.floats(0.0, 1e9, allow_nan=False), min_size=20, max_size=20),
    st.integers(1, 12),
)
def test_quantile_kernel_matches_twin(means, ratios, periods) -> None:
    mean, ratio = np.array(means), np.array(ratios[: len(means)])
    ours, twin = np.empty((len(mean), 4), np.int64), np.empty((len(mean), 4), np.int64)
    levels = np.array([0.5, 0.9, 0.95, 0.99])
    z_scores = np.array([NormalDist().inv_cdf(level) for level in levels])
    _kernels.quantiles(mean, ratio, float(periods), levels, z_scores, 0, len(mean), ours)
    _kernels_py.quantiles(mean, ratio, float(periods), levels, z_scores, 0, len(mean), twin)
    np.testing.assert_array_equal(ours, twin)
    assert (np.diff(ours, axis=1) >= 0).all()


@pytest.mark.parametrize("n_threads", [1, 2])
def test_threads_split_the_series_without_changing_results(n_threads, monkeypatch) -> None:
    rng = np.random.default_rng(5)
    ys = [list((rng.random(30) < 0.3) * rng.integers(1, 9, 30)) for _ in range(400)]
    monkeypatch.setattr("yunpei_match.planning.forecasting.MIN_SERIES_PER_THREAD", 50)
    one = forecast(_long(ys), horizon=2, n_threads=1)
    assert forecast(_long(ys), horizon=2, n_threads=n_threads).equals(one)


rows = st.lists(
    st.tuples(st.integers(-3, 3), st.integers(-5, 5), st.sampled_from([0.0, 1.0, 2.5, 1e12])),
    max_size=30,
)


@SETTINGS
@given(rows, st.booleans())
def test_grouping_kernel_matches_twin(drawn, in_order) -> None:
    drawn = sorted(drawn) if in_order else drawn
    keys, periods, qty = (np.array(c, dtype) for c, dtype in
                          zip(zip(*drawn, strict=True) if drawn else ([], [], []),
                              (np.int64, np.int64, np.float64), strict=True))  # fmt: skip
    ours = _kernels.group_rows(keys, periods, qty)
    twin = _kernels_py.group_rows(keys, periods, qty)
    assert (ours is None) == (twin is None)
    assert (ours is None) == (not in_order and drawn != sorted(drawn, key=lambda r: r[:2]))
    for a, b in zip(ours or (), twin or (), strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
