"""The ``source`` command's rough edges: ``--part ID:QTY`` parsing, errors for a one-off order,
the summary's counts, tier order and timing."""

from __future__ import annotations

import re

import pyarrow.parquet as pq
import pytest
from test_cli import SHOP, S, run, run_main_job, summary


@pytest.mark.parametrize(
    ("part", "message"),
    [
        ("P0100005:-2", "the quantity of 'P0100005:-2' must be >= 1, got -2"),
        ("P0100005:0", "the quantity of 'P0100005:0' must be >= 1, got 0"),
        ("P0100005:abc", "the quantity of 'P0100005:abc' must be a whole number >= 1, got 'abc'"),
        ("P0100005:", "the quantity of 'P0100005:' must be a whole number >= 1, got ''"),
        ("P0100005:1.5", "must be a whole number >= 1, got '1.5'"),
        (":3", "':3' has a quantity but no part_id before it"),
        ("P9999999", "--part 'P9999999': not a part_id of the catalogue (2,876 parts)"),
        ("P9999999:2", "--part 'P9999999': not a part_id of the catalogue"),
    ],
)
def test_a_bad_part_of_one_order_is_named(capsys, part, message):
    status, out, err = run(capsys, "source", S, "--part", part, "--at", SHOP)
    assert status == 2
    assert message in err
    assert "row" not in err  # one order typed in has no rows to point at
    assert out == ""


def test_a_quantity_after_the_part(capsys):
    status, out, _ = run(capsys, "source", S, "--part", "P0100005:3", "--at", SHOP)
    assert status == 0
    assert out.startswith("order of 1 line at 22.9944, 113.7049: 100% filled in 1 shipment,")
    assert re.search(r"^\s+0\s+P0100005\s+3\s+yes", out, re.M)


def test_the_summary_counts_one_order_in_the_singular(capsys, tmp_path):
    one = pq.read_table(f"{S}/orders.parquet").slice(0, 1)
    pq.write_table(one, tmp_path / "one.parquet")
    status, out, _ = run(
        capsys, "source", S, "--orders", tmp_path / "one.parquet", "--out", tmp_path / "o", "-q"
    )
    assert status == 0
    assert re.search(r"^source: 1 order line, 1 answered, 0 rejected -> 1 row in ", out, re.M)
    assert re.search(r"^sourced 1 order \(1 line\): 100\.0% of lines filled, 1 order ", out, re.M)
    assert "0 lines by substitute" in out


def test_the_summary_orders_tiers_fastest_first_and_times_the_baskets(capsys, tmp_path):
    status, out, _ = run_main_job(capsys, tmp_path / "plans.parquet")
    assert status == 0
    assert summary(out, "source") == (357, 357, 0)
    tiers = re.search(r"^lines by tier: (.*)$", out, re.M)
    assert tiers, out
    assert [item.rsplit(" ", 1)[0] for item in tiers.group(1).split(", ")] == [
        "1-3h",
        "next-day",
        "2-3d",
    ]
    timing = re.search(r"^baskets measured in ([\d.]+) s; ([\d.]+) s in all$", out, re.M)
    assert timing, out
    job = re.search(r"^source: .* rows in ([\d.]+) s", out, re.M)
    assert job, out
    rounding = 0.002  # each time is printed to the millisecond
    assert float(timing.group(2)) + rounding >= float(timing.group(1)) + float(job.group(1))
