"""The real-demand benchmark on a subset of the car-part series: finite figures, equal peers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from benchmarks import forecast_carparts as bench

pytest.importorskip("statsforecast")


def test_carparts_figures_are_finite_and_ours_equal_statsforecast() -> None:
    _, y = bench.read_tsf()
    assert y.shape == (2674, 51)
    y = y[::10]
    train, test = y[:, : bench.HISTORY], y[:, bench.HISTORY :]
    rows, timings = bench.accuracy(train, test)
    for method, implementation, mase, rmsse, *rest in rows:
        assert math.isfinite(mase) and math.isfinite(rmsse), (method, implementation)
        if implementation == "yunpei_match" and method in bench.PEERS:
            assert rest[0] <= 1e-9, method
    mase = {(m, i): v for m, i, v, *_ in rows}
    for method in bench.PEERS:
        assert mase[(method, "yunpei_match")] == pytest.approx(mase[(method, "statsforecast")])
    stock = bench.stock(train, test)
    for _method, target, level, fill, held, _levels in stock:
        assert (fill >= target or level == 0.9999) and held >= 0
    # a higher fill target never needs a lower service level or less stock
    for method in {row[0] for row in stock}:
        mine = [row for row in stock if row[0] == method]
        assert [r[2] for r in mine] == sorted(r[2] for r in mine), method
        assert [r[5] for r in mine] == sorted(r[5] for r in mine), method
    assert "statsforecast" in bench.markdown(rows, timings, stock, len(y))
    assert np.isfinite(list(timings.values())).all()
