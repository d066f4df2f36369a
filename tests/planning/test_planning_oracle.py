"""Our forecasts equal statsforecast's implementations of the same methods within 1e-9.

One statsforecast call covers every series (random intermittent series of many lengths, all-zero
and single-period ones, and real car-part series), so its set-up is paid once.
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.forecast_carparts import PEERS, read_tsf, statsforecast_table
from yunpei_match.planning import forecast

pytest.importorskip("statsforecast")


def _random_and_real() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(12)
    ys = []
    for s in range(250):
        n = int(rng.integers(1, 80))
        y = (rng.random(n) < rng.uniform(0.02, 1.0)) * rng.integers(1, 40, n).astype(float)
        ys.append(np.zeros(n) if s % 40 == 0 else y)
    _, real = read_tsf()
    ys += list(real[::20, :39])
    ids = np.concatenate([np.full(len(y), s) for s, y in enumerate(ys)])
    periods = np.concatenate([np.arange(100 - len(y), 100) for y in ys])
    return {"series": ids, "period": periods, "qty": np.concatenate(ys)}


def test_forecasts_equal_statsforecast() -> None:
    table = _random_and_real()
    peers, _ = statsforecast_table(table)
    for method, peer in peers.items():
        ours = forecast(table, horizon=1, method=method)
        assert ours.column("series").to_pylist() == list(range(len(peer)))
        mean = ours.column("mean").to_numpy()
        assert len(mean) == len(peer) > 350, method
        np.testing.assert_allclose(mean, peer, rtol=0, atol=1e-9, err_msg=PEERS[method])
