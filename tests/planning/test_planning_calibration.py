"""The demand quantiles are calibrated on series drawn from a known intermittent process.

Each of 2,000 series is Bernoulli(p) occurrence times 1 + Poisson(lam) size, p and lam drawn per
series; 60 periods are the history, 12 more are drawn from the same process. A quantile ``q`` of
level ``a`` of a discrete demand is right when P(D < q) <= a <= P(D <= q): the test checks both
sides on the held-out draws, to 0.02 (parameter uncertainty, which the model leaves out, makes
the intervals a little narrow).
"""

from __future__ import annotations

import numpy as np
import pytest

from yunpei_match.planning import forecast

N, HISTORY, AHEAD = 2000, 60, 12
LEVELS = {"q50": 0.5, "q90": 0.9, "q95": 0.95, "q99": 0.99}


@pytest.fixture(scope="module")
def drawn():
    rng = np.random.default_rng(3)
    p, lam = rng.uniform(0.05, 0.9, N), rng.uniform(0.2, 6.0, N)
    y = (rng.random((N, HISTORY + AHEAD)) < p[:, None]) * (
        1 + rng.poisson(lam[:, None], (N, HISTORY + AHEAD))
    )
    table = {
        "series": np.repeat(np.arange(N), HISTORY),
        "period": np.tile(np.arange(HISTORY), N),
        "qty": y[:, :HISTORY].ravel(),
    }
    return table, y[:, HISTORY:]


@pytest.mark.parametrize("method", ["croston", "sba", "tsb", "ses", "adida", "auto"])
@pytest.mark.parametrize("cumulative", [False, True])
def test_quantiles_cover_their_level(drawn, method, cumulative) -> None:
    table, future = drawn
    steps = 3
    result = forecast(table, horizon=steps, method=method, cumulative=cumulative)
    rows = np.asarray(result.column("step")) == (steps if cumulative else 1)
    # per period: every held-out period is a draw; cumulative: the sum of the first three
    demand = future[:, :steps].sum(axis=1)[:, None] if cumulative else future
    for name, level in LEVELS.items():
        q = np.asarray(result.column(name))[rows][:, None]
        assert (demand < q).mean() <= level + 0.02, name
        assert (demand <= q).mean() >= level - 0.02, name


def test_quantiles_are_those_of_the_negative_binomial() -> None:
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(8)
    table = {
        "series": np.repeat(np.arange(50), 30),
        "period": np.tile(np.arange(30), 50),
        "qty": ((rng.random(1500) < 0.4) * rng.integers(1, 12, 1500)).astype(float),
    }
    result = forecast(table, horizon=1, method="ses")
    y = table["qty"].reshape(50, 30)
    mean = result.column("mean").to_numpy()
    ratio = np.maximum(y.var(axis=1) / y.mean(axis=1), 1.0)
    r, p = mean / (ratio - 1.0), 1.0 / ratio
    for name, level in LEVELS.items():
        expected = stats.nbinom.ppf(level, r, p)
        np.testing.assert_array_equal(result.column(name).to_numpy(), expected)
