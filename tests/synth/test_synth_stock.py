"""Tests of the synthetic OE numbers, warehouses, stock and order lines (``yunpei_match.synth``).

Sizes are checked at ``"tiny"`` and ``"S"`` only. At ``"L"`` (run by hand, not here: too slow
for a unit test) ``generate_stock`` gives 500 warehouses and ~10.05 M stock rows for 1.5 M parts.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_synth import ENCODED, links, tables

from yunpei_match import synth
from yunpei_match.synth import (
    SCALES,
    Scale,
    generate,
    generate_numbers,
    generate_orders,
    generate_stock,
    write_parquet,
)
from yunpei_match.synth._places import _places

PLAIN_SCALES = ["tiny", "S"]
OE_NUMBERS = pa.schema(
    [("part_id", pa.string()), ("oe_number", pa.string()), ("oe_brand", pa.string())]
)
WAREHOUSES = pa.schema(
    [
        ("warehouse_id", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("name", pa.string()),
        ("city", pa.string()),
        ("province", pa.string()),
        ("kind", pa.string()),
    ]
)
R_KM = 6371.0088


def stock_schema(encoded: bool) -> pa.Schema:
    ids = pa.dictionary(pa.int32(), pa.string()) if encoded else pa.string()
    return pa.schema([("warehouse_id", ids), ("part_id", ids), ("qty", pa.int64())])


def order_schema(encoded: bool) -> pa.Schema:
    part_id = pa.dictionary(pa.int32(), pa.string()) if encoded else pa.string()
    return pa.schema(
        [
            ("order_id", pa.string()),
            ("lat", pa.float64()),
            ("lon", pa.float64()),
            ("part_id", part_id),
            ("qty", pa.int64()),
        ]
    )


@cache
def numbers(scale: str | Scale, seed: int = 0) -> pa.Table:
    return generate_numbers(tables(scale), seed=seed)["oe_numbers"]


@cache
def stock(scale: str | Scale, seed: int = 0) -> dict[str, pa.Table]:
    return generate_stock(tables(scale), seed=seed)


@cache
def orders(scale: str | Scale, seed: int = 0) -> pa.Table:
    n_lines = 20_000 if scale == "S" else 3_000
    return generate_orders(tables(scale), stock(scale), n_lines=n_lines, seed=seed)


def frame(table: pa.Table) -> pl.DataFrame:
    """A polars frame with dictionary-encoded id columns as plain strings."""
    df = pl.from_arrow(table)
    return df.with_columns(pl.col(pl.Categorical).cast(pl.String))


def km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distances by haversine, pairwise over broadcast arrays."""
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * R_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def nearest_km(lat: np.ndarray, lon: np.ndarray, to_lat: np.ndarray, to_lon: np.ndarray):
    return km(lat[:, None], lon[:, None], to_lat[None, :], to_lon[None, :]).min(axis=1)


# -- OE numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_numbers_are_seeded(scale: str | Scale) -> None:
    assert numbers(scale).equals(generate_numbers(tables(scale), seed=0)["oe_numbers"])
    assert not numbers(scale).equals(numbers(scale, seed=1))


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_numbers_schema_keys_and_no_repeats(scale: str | Scale) -> None:
    oe, parts = frame(numbers(scale)), frame(tables(scale)["parts"])
    assert numbers(scale).schema == OE_NUMBERS
    assert oe.height > 0 and oe.null_count().sum_horizontal().item() == 0
    assert oe["part_id"].is_in(parts["part_id"].implode()).all()
    assert oe.select("part_id", "oe_number").is_unique().all()
    universal = parts.filter("universal")["part_id"]
    assert not oe["part_id"].is_in(universal.implode()).any()
    assert set(oe["oe_brand"]) <= {make.brand for make in synth._names._MAKES}


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_parts_sharing_a_number_fit_the_same_vehicles_in_one_category(scale: str) -> None:
    oe, parts = frame(numbers(scale)), frame(tables(scale)["parts"])
    fits = (
        links(scale)
        .unique()
        .group_by("part_id")
        .agg(pl.struct("vehicle_id", "position").sort().alias("fits"))
    )
    per_number = (
        oe.join(parts.select("part_id", "category"), on="part_id")
        .join(fits, on="part_id")
        .group_by("oe_number")
        .agg(pl.col("category").n_unique(), pl.col("fits").n_unique(), pl.len())
    )
    assert per_number.height == oe["oe_number"].n_unique()
    assert (per_number["category"] == 1).all() and (per_number["fits"] == 1).all()
    assert per_number["len"].max() >= 3


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_a_group_with_an_oe_part_takes_its_number(scale: str) -> None:
    oe, parts = frame(numbers(scale)), frame(tables(scale)["parts"])
    own = parts.select(pl.col("part_number").alias("oe_number"), "brand", "part_id")
    by_oe_part = oe.join(own, on="oe_number", suffix="_oe")
    assert by_oe_part.height > 0.2 * oe.height
    assert (by_oe_part["brand"] == by_oe_part["oe_brand"]).all()
    # an OE part gets no row for its own number
    assert (by_oe_part["part_id"] != by_oe_part["part_id_oe"]).all()


def printed_format(template: str) -> str:
    """A regular expression for a part-number format of ``yunpei_match.synth._names``."""
    slots = {"#": "[0-9]", "@": "[A-HJ-NPR-Z]", "*": "[0-9A-HJ-NPR-Z]"}
    return "".join(slots.get(c, re.escape(c)) for c in template)


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_numbers_are_printed_in_a_format_of_their_oe_brand(scale: str) -> None:
    oe = frame(numbers(scale))
    formats = {
        make.brand: "^(" + "|".join(printed_format(f) for f in make.formats) + ")$"
        for make in synth._names._MAKES
    }
    for (brand,), rows in oe.group_by("oe_brand"):
        assert rows["oe_number"].str.contains(formats[brand]).all(), brand


def test_interchange_groups_have_realistic_sizes() -> None:
    oe, parts = frame(numbers("S")), frame(tables("S")["parts"])
    per_number = oe.group_by("oe_number").len()["len"]
    with_row = oe["part_id"].n_unique() / parts.height
    assert 0.5 < with_row < 0.95  # many parts stand alone
    assert per_number.median() <= 3 and per_number.quantile(0.99) <= 12
    two_numbers = oe.group_by("part_id").len().filter(pl.col("len") == 2).height
    assert two_numbers > 0  # the bridges of chained groups
    assert oe.group_by("part_id").len()["len"].max() == 2


def test_numbers_build_a_catalog() -> None:
    from yunpei_match import Catalog

    t = tables("tiny")
    catalog = Catalog.from_tables(**t, **generate_numbers(t))
    assert catalog.stats.oe_rows == numbers("tiny").num_rows


# -- warehouses ----------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_stock_is_seeded(scale: str | Scale) -> None:
    again = generate_stock(tables(scale), seed=0)
    other = generate_stock(tables(scale), seed=1)
    for name, table in stock(scale).items():
        assert table.equals(again[name]), name
        assert not table.equals(other[name]), name


@pytest.mark.parametrize(("scale", "n"), [("tiny", 8), ("S", 50), (ENCODED, 8)])
def test_warehouses_schema_ids_and_kinds(scale: str | Scale, n: int) -> None:
    w = stock(scale)["warehouses"]
    assert w.schema == WAREHOUSES and w.num_rows == n
    assert w.column("warehouse_id").to_pylist() == [f"W{i:05d}" for i in range(n)]
    kinds = w.column("kind").to_pylist()
    assert kinds.count("central") == max(1, round(0.15 * n))
    assert set(kinds) == {"front", "central"}
    assert w.column("name").to_pylist()[0].startswith(w.column("city").to_pylist()[0])
    assert frame(w).select("name").is_unique().all()


def test_warehouses_stand_near_their_city() -> None:
    w, places = frame(stock("S")["warehouses"]), _places()
    city = pl.DataFrame(
        {"city": places.name.to_pylist(), "clat": places.lat, "clon": places.lon, "hub": places.hub}
    )
    w = w.join(city, on="city")
    d = km(w["lat"].to_numpy(), w["lon"].to_numpy(), w["clat"].to_numpy(), w["clon"].to_numpy())
    front = (w["kind"] == "front").to_numpy()
    assert (d[front] <= 15.0 + 1e-6).all() and (d[~front] <= 40.0 + 1e-6).all()
    assert np.median(d) > 1.0  # scattered, not stacked on the centre
    assert w.filter(pl.col("kind") == "central")["hub"].all()
    assert w["city"].n_unique() >= 15 and w["province"].null_count() == 0


def test_warehouse_count_and_scale_can_be_chosen() -> None:
    t = tables("tiny")
    assert generate_stock(t, n_warehouses=3)["warehouses"].num_rows == 3
    assert generate_stock(t, scale="S")["warehouses"].num_rows == 50
    custom = Scale(40, 300, 30.0, n_warehouses=5, mean_stock_rows_per_part=1.0)
    result = generate_stock(t, scale=custom)
    assert result["warehouses"].num_rows == 5
    assert 0.8 * 300 < result["stock"].num_rows < 1.2 * 300


# -- stock ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_stock_schema_keys_and_one_row_per_warehouse_and_part(scale: str | Scale) -> None:
    encoded = synth._resolve_scale(scale).dictionary_encoded
    s = stock(scale)["stock"]
    assert s.schema == stock_schema(encoded)
    df, parts = frame(s), frame(tables(scale)["parts"])
    assert df.select("warehouse_id", "part_id").is_unique().all()
    assert df["part_id"].is_in(parts["part_id"].implode()).all()
    w = frame(stock(scale)["warehouses"])
    assert df["warehouse_id"].is_in(w["warehouse_id"].implode()).all()
    assert df.equals(df.sort("warehouse_id", "part_id"))
    assert df.null_count().sum_horizontal().item() == 0


def test_encoded_stock_ids_index_the_id_columns() -> None:
    s, t = stock(ENCODED)["stock"], tables(ENCODED)
    part_id = s.column("part_id").combine_chunks()
    warehouse_id = s.column("warehouse_id").combine_chunks()
    assert part_id.dictionary.equals(t["parts"].column("part_id").combine_chunks())
    assert warehouse_id.dictionary.equals(stock(ENCODED)["warehouses"].column(0).combine_chunks())


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_stock_rows_meet_the_scale(scale: str) -> None:
    target = SCALES[scale].mean_stock_rows_per_part * SCALES[scale].n_parts
    assert stock(scale)["stock"].num_rows == pytest.approx(target, rel=0.1)


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_quantities_are_small_and_skewed_with_some_zeros(scale: str) -> None:
    qty = frame(stock(scale)["stock"])["qty"]
    assert qty.min() >= 0
    assert 0.02 < (qty == 0).mean() < 0.1
    assert qty.median() <= 8 and qty.max() >= 5 * qty.median()


def test_popular_parts_are_held_widely_and_most_parts_narrowly() -> None:
    s, parts = frame(stock("S")["stock"]), frame(tables("S")["parts"])
    fitted = links("S").unique().group_by("part_id").len(name="fitted")
    held = s.group_by("part_id").len(name="held")
    per_part = parts.join(fitted, on="part_id", how="left").join(held, on="part_id", how="left")
    per_part = per_part.fill_null(0)
    assert 0.05 < (per_part["held"] == 0).mean() < 0.3  # some parts held nowhere
    assert per_part["held"].median() <= 3
    assert per_part["held"].max() == 50
    wide = per_part["fitted"] >= per_part["fitted"].quantile(0.9)
    assert per_part.filter(wide)["held"].mean() > 3 * per_part.filter(~wide)["held"].mean()
    universal = per_part.filter("universal")["held"].mean()
    assert universal > 2 * per_part["held"].mean()


def test_central_warehouses_hold_more_of_the_catalogue() -> None:
    s, w = frame(stock("S")["stock"]), frame(stock("S")["warehouses"])
    per_warehouse = s.join(w, on="warehouse_id").group_by("warehouse_id", "kind")
    sizes = (
        per_warehouse.agg(pl.len(), pl.col("qty").sum())
        .group_by("kind")
        .agg(pl.col("len").mean(), pl.col("qty").mean())
    )
    by_kind = dict(zip(sizes["kind"], sizes["len"], strict=True))
    assert by_kind["central"] > 2 * by_kind["front"]
    units = dict(zip(sizes["kind"], sizes["qty"], strict=True))
    assert units["central"] > 5 * units["front"]


# -- order lines ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_orders_are_seeded_and_exactly_n_lines(scale: str | Scale) -> None:
    n = 20_000 if scale == "S" else 3_000
    again = generate_orders(tables(scale), stock(scale), n_lines=n, seed=0)
    assert orders(scale).equals(again) and orders(scale).num_rows == n
    other = generate_orders(tables(scale), stock(scale), n_lines=n, seed=1)
    assert not orders(scale).equals(other)


@pytest.mark.parametrize("scale", [*PLAIN_SCALES, ENCODED])
def test_order_schema_keys_and_quantities(scale: str | Scale) -> None:
    encoded = synth._resolve_scale(scale).dictionary_encoded
    o = orders(scale)
    assert o.schema == order_schema(encoded)
    df, parts = frame(o), frame(tables(scale)["parts"])
    assert df["part_id"].is_in(parts["part_id"].implode()).all()
    assert df.null_count().sum_horizontal().item() == 0
    assert df["qty"].min() >= 1 and df["qty"].is_between(1, 4).mean() > 0.85


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_an_order_is_one_shop_with_distinct_parts(scale: str) -> None:
    df = frame(orders(scale))
    runs = df.select(pl.col("order_id").rle_id())["order_id"]
    assert runs.n_unique() == df["order_id"].n_unique()  # an order's lines are adjacent
    per_order = df.group_by("order_id", maintain_order=True).agg(
        pl.col("lat").n_unique(), pl.col("lon").n_unique(), pl.col("part_id").n_unique(), pl.len()
    )
    assert (per_order["lat"] == 1).all() and (per_order["lon"] == 1).all()
    assert (per_order["part_id"] == per_order["len"]).all()
    assert per_order["len"][:-1].is_between(1, 8).all()
    assert 1.8 < per_order["len"].mean() < 3.2
    assert df["order_id"][0] == "O0000001"


def test_order_sizes_keep_to_the_range_but_the_last() -> None:
    o = frame(generate_orders(tables("tiny"), stock("tiny"), n_lines=1_001, lines_per_order=(3, 5)))
    sizes = o.group_by("order_id", maintain_order=True).len()["len"]
    assert o.height == 1_001 and sizes[:-1].is_between(3, 5).all() and 1 <= sizes[-1] <= 5


def test_shops_stand_near_a_city_or_a_remote_town() -> None:
    o, places = frame(orders("S")).unique("order_id"), _places()
    lat, lon = o["lat"].to_numpy(), o["lon"].to_numpy()
    assert (nearest_km(lat, lon, places.lat, places.lon) <= 30.0 + 1e-6).all()
    w = frame(stock("S")["warehouses"])
    to_warehouse = nearest_km(lat, lon, w["lat"].to_numpy(), w["lon"].to_numpy())
    far = (to_warehouse > 300).mean()
    assert 0.01 < far < 0.3  # in remote towns, or in cities with no warehouse at this scale
    assert np.median(to_warehouse) < 30


def test_lines_mostly_ask_for_stocked_and_popular_parts() -> None:
    o, s = frame(orders("S")), frame(stock("S")["stock"])
    on_hand = s.filter(pl.col("qty") > 0)["part_id"].unique()
    missing = 1 - o["part_id"].is_in(on_hand.implode()).mean()
    assert 0.02 < missing < 0.1
    demand = o["part_id"].value_counts()["count"]
    assert demand.max() >= 10 * demand.median()


def test_no_lines_gives_an_empty_table() -> None:
    o = generate_orders(tables("tiny"), stock("tiny"), n_lines=0)
    assert o.num_rows == 0 and o.schema == order_schema(False)


# -- degenerate scales, parquet, arguments -------------------------------------------------------


def test_degenerate_catalogues_still_generate() -> None:
    one = generate(Scale(1, 1, 1.0, (1, 1), 1))
    oe = generate_numbers(one)["oe_numbers"]
    assert oe.schema == OE_NUMBERS and oe.num_rows <= 1
    result = generate_stock(one, n_warehouses=1)
    assert result["warehouses"].column("kind").to_pylist() == ["central"]
    assert result["stock"].num_rows <= 1
    lines = generate_orders(one, result, n_lines=5)
    assert lines.column("part_id").to_pylist() == ["SP0000001"] * 5
    bare = generate(Scale(3, 5, 0.0, universal_share=0.0))
    assert generate_numbers(bare)["oe_numbers"].schema == OE_NUMBERS
    empty = generate_stock(bare, scale=Scale(3, 5, 0.0, mean_stock_rows_per_part=0.0))
    assert empty["stock"].num_rows == 0
    assert generate_orders(bare, empty, n_lines=4).num_rows == 4  # all out of stock


def test_a_catalogue_without_fitments_gets_no_numbers_but_stock() -> None:
    t = {**tables("tiny"), "fitments": tables("tiny")["fitments"].slice(0, 0)}
    assert generate_numbers(t)["oe_numbers"].num_rows == 0
    held = frame(generate_stock(t)["stock"])
    universal = frame(t["parts"]).filter("universal")["part_id"]
    assert held.height > 0 and held["part_id"].is_in(universal.implode()).any()


@pytest.mark.parametrize("scale", PLAIN_SCALES)
def test_fitted_counts_expand_range_rows_as_the_catalogue_does(scale: str) -> None:
    expected = links(scale).group_by("part_id").len()
    parts = frame(tables(scale)["parts"]).with_row_index("row")
    expected = parts.join(expected, on="part_id", how="left").fill_null(0)["len"].to_numpy()
    assert np.array_equal(synth._fitted._fitted_counts(tables(scale)), expected)


def test_stock_is_read_back_from_parquet_the_same(tmp_path: Path) -> None:
    paths = write_parquet(tmp_path, "tiny", stock=True)
    assert sorted(paths) == ["fitments", "oe_numbers", "parts", "stock", "vehicles", "warehouses"]
    read = {name: pq.read_table(path) for name, path in paths.items()}
    assert read["oe_numbers"].equals(numbers("tiny"))
    for name in ("warehouses", "stock"):
        assert read[name].equals(stock("tiny")[name]), name
    # the generators work on tables read back from parquet, with the same results
    assert generate_numbers(read)["oe_numbers"].equals(numbers("tiny"))
    assert generate_stock(read)["stock"].equals(stock("tiny")["stock"])


def test_scales_carry_stock_defaults() -> None:
    assert [SCALES[name].n_warehouses for name in SCALES] == [8, 50, 200, 500]
    assert SCALES["L"].mean_stock_rows_per_part == pytest.approx(6.7)
    positional = Scale(20, 100, 10.0, (2, 5), 2, 0.1, 1, False, 0.01)
    assert positional.n_warehouses == 50 and positional.mean_stock_rows_per_part == 5.0


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"n_warehouses": 0}, ValueError, r"Scale.n_warehouses must be >= 1, got 0"),
        ({"n_warehouses": 2.0}, TypeError, r"Scale.n_warehouses must be an int, got float"),
        ({"mean_stock_rows_per_part": -1.0}, ValueError, r"mean_stock_rows_per_part must be >= 0"),
    ],
)
def test_bad_stock_scales_raise(changes: dict, error: type, match: str) -> None:
    fields = {"n_vehicles": 10, "n_parts": 10, "mean_parts_per_vehicle": 1.0, **changes}
    with pytest.raises(error, match=match):
        Scale(**fields)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda t, s: generate_numbers([t]),
            TypeError,
            "tables must be a dict of tables, got list",
        ),
        (
            lambda t, s: generate_numbers({"parts": t["parts"]}),
            ValueError,
            "tables must hold 'vehicles', 'parts', 'fitments' as generate\\(\\) returns; "
            "missing 'vehicles'",
        ),
        (lambda t, s: generate_numbers(t, seed=-1), ValueError, "seed must be >= 0, got -1"),
        (lambda t, s: generate_stock(t, n_warehouses=0), ValueError, "n_warehouses must be >= 1"),
        (
            lambda t, s: generate_stock(t, n_warehouses=1.5),
            TypeError,
            "n_warehouses must be an int",
        ),
        (lambda t, s: generate_stock(t, scale="XL"), ValueError, "unknown scale 'XL'"),
        (lambda t, s: generate_stock(t, seed=True), TypeError, "seed must be an int, got bool"),
        (
            lambda t, s: generate_orders(t, s, n_lines=-1),
            ValueError,
            "n_lines must be >= 0, got -1",
        ),
        (lambda t, s: generate_orders(t, s, n_lines=1.0), TypeError, "n_lines must be an int"),
        (
            lambda t, s: generate_orders(t, s, n_lines=5, lines_per_order=(0, 3)),
            ValueError,
            r"lines_per_order\[0\] must be >= 1, got 0",
        ),
        (
            lambda t, s: generate_orders(t, s, n_lines=5, lines_per_order=(3, 2)),
            ValueError,
            r"lines_per_order\[1\] must be >= 3, got 2",
        ),
        (
            lambda t, s: generate_orders(t, s, n_lines=5, lines_per_order=3),
            TypeError,
            r"lines_per_order must be a \(fewest, most\) pair, got 3",
        ),
        (
            lambda t, s: generate_orders(t, {"warehouses": s["warehouses"]}, n_lines=5),
            ValueError,
            "missing 'stock'",
        ),
    ],
)
def test_bad_arguments_raise(call, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call(tables("tiny"), stock("tiny"))
