"""forecast(): input forms, periods and dates, degenerate series, the prior blend, errors."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from yunpei_match.errors import (
    ColumnTypeError,
    DataError,
    DuplicateIdError,
    MissingColumnError,
    YunpeiMatchError,
)
from yunpei_match.planning import forecast

HISTORY = {"series": ["pad", "pad", "pad", "belt"], "period": [0, 2, 5, 3], "qty": [2, 1, 3, 1]}


def _rows(table: pa.Table) -> list[dict]:
    return table.to_pylist()


@pytest.mark.parametrize(
    "convert",
    [dict, pa.table, pl.DataFrame, pd.DataFrame, lambda d: pa.table(d).to_batches()[0]],
    ids=["dict", "arrow", "polars", "pandas", "record-batch"],
)
def test_every_table_form_gives_the_same_forecast(convert) -> None:
    assert _rows(forecast(convert(HISTORY), horizon=2)) == _rows(forecast(HISTORY, horizon=2))


@pytest.mark.parametrize("id_type", [pa.int8(), pa.uint32(), pa.uint64(), pa.large_string()])
def test_ids_of_any_type_come_back_as_given(id_type) -> None:
    values = [2**64 - 1, 3] if id_type == pa.uint64() else [7, 3]
    ids = pa.array([str(v) for v in values] if id_type == pa.large_string() else values, id_type)
    table = pa.table({"series": ids, "period": [0, 1], "qty": [1, 2]})
    series = forecast(table, horizon=1).column("series")
    assert series.type.value_type == id_type
    assert series.to_pylist() == ids.to_pylist()


@pytest.mark.parametrize(
    ("freq", "second"),
    [("D", dt.date(2024, 1, 2)), ("Q", dt.date(2024, 6, 30)), ("Y", dt.date(2025, 12, 31))],
)
def test_each_date_frequency_counts_one_period_to_the_next(freq, second) -> None:
    table = {"series": ["a", "a"], "period": [dt.date(2024, 1, 1), second], "qty": [2, 2]}
    by_number = {"series": ["a", "a"], "period": [0, 1], "qty": [2, 2]}
    assert _rows(forecast(table, horizon=1, freq=freq)) == _rows(forecast(by_number, horizon=1))


def test_missing_periods_are_zero_and_rows_of_one_period_add_up() -> None:
    dense = {"series": ["pad"] * 6, "period": list(range(6)), "qty": [2, 0, 1, 0, 0, 3]}
    split = {"series": ["pad"] * 4, "period": [5, 0, 2, 0], "qty": [3, 1, 1, 1]}
    for method in ("croston", "tsb", "ses", "adida"):
        assert _rows(forecast(split, horizon=1, method=method)) == _rows(
            forecast(dense, horizon=1, method=method)
        )


def test_series_end_at_the_last_period_of_the_table() -> None:
    table = {"series": [7, 7, 8], "period": [0, 1, 9], "qty": [4, 4, 1]}
    early = forecast(table, horizon=1, method="ses").column("mean").to_pylist()[0]
    assert early == pytest.approx(4 * 0.9**8)  # eight periods of no demand after the last sale


@pytest.mark.parametrize("method", ["croston", "sba", "tsb", "ses", "adida", "auto"])
def test_degenerate_series(method) -> None:
    empty = forecast({"series": [], "period": [], "qty": []}, horizon=3, method=method)
    assert empty.num_rows == 0 and empty.column_names[:3] == ["series", "step", "mean"]
    zeros = forecast({"series": ["a"] * 4, "period": [0, 1, 2, 3], "qty": [0] * 4}, horizon=2)
    assert [r["mean"] for r in _rows(zeros)] == [0.0, 0.0]
    assert {r["q99"] for r in _rows(zeros)} == {0}
    single = _rows(forecast({"series": ["a"], "period": [4], "qty": [3]}, horizon=1, method=method))
    # one sale in one period: ADI 1 and CV² 0 make it smooth, so "auto" uses SES
    assert single[0]["mean"] == pytest.approx(3.0 * (0.95 if method == "sba" else 1))


def test_auto_uses_ses_for_smooth_series_and_sba_for_the_rest() -> None:
    smooth = {"series": ["s"] * 12, "period": list(range(12)), "qty": [5, 6, 5, 4] * 3}
    lumpy = {"series": ["l"] * 3, "period": [0, 5, 11], "qty": [1, 30, 2]}
    table = pa.concat_tables([pa.table(smooth), pa.table(lumpy)])
    assert forecast(table, horizon=1).column("method").to_pylist() == ["ses", "sba"]


def test_dates_become_periods_of_the_given_frequency() -> None:
    days = [dt.date(2024, 1, 3), dt.date(2024, 1, 30), dt.date(2024, 3, 1)]
    monthly = forecast({"series": ["a"] * 3, "period": days, "qty": [1, 2, 4]}, horizon=1,
                       method="ses", freq="M")  # fmt: skip
    by_month = forecast({"series": ["a"] * 2, "period": [0, 2], "qty": [3, 4]}, horizon=1,
                        method="ses")  # fmt: skip
    assert _rows(monthly) == _rows(by_month)
    stamps = pa.array([dt.datetime(2024, 1, 1, 9), dt.datetime(2024, 1, 7, 23)], pa.timestamp("s"))
    weekly = forecast(pa.table({"series": ["a", "a"], "period": stamps, "qty": [1, 1]}),
                      horizon=1, freq="W", method="ses")  # fmt: skip
    assert weekly.column("mean").to_pylist() == [pytest.approx(2.0)]  # Monday to Sunday: one week


def test_other_levels_name_their_columns() -> None:
    table = forecast(HISTORY, horizon=1, levels=(0.8, 0.975, 0.999))
    assert table.column_names[3:6] == ["q80", "q97.5", "q99.9"]
    default = forecast(HISTORY, horizon=1)
    assert table.column("q80").to_pylist() <= default.column("q90").to_pylist()


def test_cumulative_quantiles_grow_with_the_step() -> None:
    table = forecast(HISTORY, horizon=4, cumulative=True)
    pad = [r for r in _rows(table) if r["series"] == "pad"]
    assert [r["mean"] for r in pad] == pytest.approx([pad[0]["mean"] * h for h in (1, 2, 3, 4)])
    assert all(a["q95"] <= b["q95"] for a, b in pairwise(pad))


def test_a_new_series_gets_the_prior_and_a_long_history_dominates() -> None:
    long = {"series": ["old"] * 400, "period": list(range(400)), "qty": [2.0] * 400}
    prior = {"series": ["new", "old"], "prior_mean": [1.5, 10.0], "prior_weight": [4.0, 4.0]}
    rows = _rows(forecast(long, horizon=1, method="ses", prior=prior))
    assert [r["series"] for r in rows] == ["old", "new"]
    assert rows[0]["mean"] == pytest.approx((4 * 10.0 + 400 * 2.0) / 404)
    assert rows[1]["mean"] == 1.5 and rows[1]["method"] == "prior"
    # Gamma(shape 6, rate 4) mixed Poisson: negative binomial r = 6, p = 0.8
    stats = pytest.importorskip("scipy.stats")
    assert rows[1]["q90"] == stats.nbinom.ppf(0.9, 6, 0.8)
    only_prior = forecast({"series": [], "period": [], "qty": []}, horizon=1, prior=prior)
    assert only_prior.column("mean").to_pylist() == [1.5, 10.0]


GOOD = {"series": ["a", "a"], "period": [0, 1], "qty": [1, 2]}
NOT_NUMBERS = r"history.qty must hold numbers, got string"
NULL_ID = r"history.series must not be null, got null at row 0"
NEGATIVE = r"history.qty must be a finite number in \[0, .*\], got -3 at row 1"
BAD_INPUTS = [
    ({"series": ["a"], "qty": [1]}, {}, MissingColumnError, "history is missing .* period"),
    ({**GOOD, "qty": [1, None]}, {}, DataError, r"history.qty must not be null, got null at row 1"),
    ({**GOOD, "qty": [1, -3]}, {}, DataError, NEGATIVE),
    ({**GOOD, "qty": [float("nan"), 1]}, {}, DataError, r"history.qty .* got nan at row 0"),
    ({**GOOD, "qty": ["1", "2"]}, {}, ColumnTypeError, NOT_NUMBERS),
    ({**GOOD, "period": ["x", "y"]}, {}, ColumnTypeError, r"history.period must hold integers"),
    ({**GOOD, "series": [None, "a"]}, {}, DataError, NULL_ID),
    ({**GOOD, "period": [dt.date(2024, 1, 1)] * 2}, {}, DataError, r"freq must be one of"),
    ({**GOOD, "period": [0, 2**40]}, {}, DataError, r"history.period spans 1099511627777"),
    (GOOD, {"method": "holt"}, DataError, r"method must be one of .* got 'holt'"),
    (GOOD, {"horizon": 0}, DataError, r"horizon must be an integer >= 1, got 0"),
    (GOOD, {"alpha": 0.0}, DataError, r"alpha must be in \(0, 1\], got 0.0"),
    (GOOD, {"levels": [0.9, 0.5]}, DataError, r"levels must ascend, got \[0.9, 0.5\]"),
    (GOOD, {"levels": [1.0]}, DataError, r"levels must be one or more numbers in \(0, 1\)"),
    ([1, 2], {}, ColumnTypeError, r"history must be a pyarrow Table"),
    (GOOD, {"prior": {"series": ["a", "a"], "prior_mean": [1, 1], "prior_weight": [1, 1]}},
     DuplicateIdError, r"prior.series lists 'a' twice"),
    (GOOD, {"prior": {"series": [1], "prior_mean": [1], "prior_weight": [1]}},
     ColumnTypeError, r"prior.series must hold ids of the history's type string"),
    (GOOD, {"prior": {"series": ["a"], "prior_mean": [1], "prior_weight": [0]}},
     DataError, r"prior.prior_weight must be .* got 0 at row 0"),
]  # fmt: skip


@pytest.mark.parametrize(("history", "options", "error", "message"), BAD_INPUTS)
def test_bad_input_raises_a_typed_error(history, options, error, message) -> None:
    with pytest.raises(error, match=message) as caught:
        forecast(history, **{"horizon": 1, **options})
    assert isinstance(caught.value, YunpeiMatchError)
