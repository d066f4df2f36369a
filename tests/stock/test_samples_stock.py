"""Invariants of the stock side of the sample catalogue: warehouses, stock, shops, orders, baskets.

The city coordinates the sample places warehouses and shops by are real; they are checked here
against published great-circle distances, with a haversine written out in this file (the
library's own distance kernel is tested on its own).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import yunpei_match as ym

CITIES_TSV = Path(__file__).resolve().parents[2] / "tools" / "sample_data" / "cities.tsv"
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
CHINA_LAT, CHINA_LON = (18.0, 54.0), (73.0, 135.0)
FRONT_KM = 50.0  # the default 1-3 h tier: a front warehouse within 50 km

S, F64, I64 = pa.string(), pa.float64(), pa.int64()
SCHEMAS = {
    "warehouses": [
        ("warehouse_id", S),
        ("name", S),
        ("city", S),
        ("province", S),
        ("kind", S),
        ("lat", F64),
        ("lon", F64),
    ],
    "stock": [("warehouse_id", S), ("part_id", S), ("qty", I64)],
    "shops": [
        ("shop_id", S),
        ("name", S),
        ("city", S),
        ("province", S),
        ("lat", F64),
        ("lon", F64),
    ],
    "orders": [
        ("order_id", S),
        ("shop_id", S),
        ("lat", F64),
        ("lon", F64),
        ("part_id", S),
        ("qty", I64),
    ],
    "baskets": [
        ("basket_id", S),
        ("shop_id", S),
        ("lat", F64),
        ("lon", F64),
        ("vehicle_id", S),
        ("category", S),
    ],
}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def tables(samples_dir: Path) -> dict[str, pl.DataFrame]:
    names = [*SCHEMAS, "parts", "vehicles"]
    return {name: pl.read_parquet(samples_dir / f"{name}.parquet") for name in names}


@pytest.fixture(scope="module")
def catalog(samples_dir: Path) -> ym.Catalog:
    return ym.Catalog.from_parquet(samples_dir)


@pytest.fixture(scope="module")
def cities() -> dict[str, dict[str, str]]:
    with CITIES_TSV.open(encoding="utf-8", newline="") as f:
        return {row["city"]: row for row in csv.DictReader(f, delimiter="\t")}


@pytest.fixture(scope="module")
def out_everywhere(tables) -> set[str]:
    """Parts listed somewhere but with no unit in any warehouse."""
    totals = tables["stock"].group_by("part_id").agg(pl.col("qty").sum())
    return set(totals.filter(pl.col("qty") == 0)["part_id"])


@pytest.mark.parametrize("name", SCHEMAS)
def test_columns_types_and_no_nulls(samples_dir, name):
    table = pq.read_table(samples_dir / f"{name}.parquet")
    assert [(field.name, field.type) for field in table.schema] == SCHEMAS[name]
    assert all(column.null_count == 0 for column in table.columns)


@pytest.mark.parametrize(("name", "key"), [("warehouses", "warehouse_id"), ("shops", "shop_id")])
def test_ids_are_unique(tables, name, key):
    assert tables[name][key].is_unique().all()


def test_front_warehouses_and_distribution_centres(tables):
    kinds = tables["warehouses"]["kind"].value_counts().rows()
    counts = dict(kinds)
    assert set(counts) == {"front", "central"}
    assert 30 <= counts["front"] <= 40
    assert 6 <= counts["central"] <= 8
    per_city = tables["warehouses"].filter(pl.col("kind") == "front")["city"].value_counts()
    assert per_city.filter(pl.col("count") == 2).height >= 3  # a few cities with two


@pytest.mark.parametrize("name", ["warehouses", "shops", "orders", "baskets"])
def test_coordinates_are_in_range_and_in_china(tables, name):
    lat, lon = tables[name]["lat"], tables[name]["lon"]
    assert lat.is_between(-90, 90).all() and lon.is_between(-180, 180).all()
    assert lat.is_between(*CHINA_LAT).all() and lon.is_between(*CHINA_LON).all()


@pytest.mark.parametrize("name", ["warehouses", "shops"])
def test_places_lie_in_their_city_and_province(tables, cities, name):
    for row in tables[name].iter_rows(named=True):
        city = cities[row["city"]]
        assert row["province"] == city["province"]
        centre = float(city["lat"]), float(city["lon"])
        assert haversine_km(*centre, row["lat"], row["lon"]) < 50, row


@pytest.mark.parametrize(
    ("a", "b", "published_km"),
    [
        ("北京", "上海", 1067),
        ("北京", "广州", 1888),
        ("广州", "深圳", 104),
        ("上海", "广州", 1212),
        ("上海", "杭州", 164),
    ],
)
def test_city_coordinates_give_published_great_circle_distances(cities, a, b, published_km):
    here, there = cities[a], cities[b]
    distance = haversine_km(
        float(here["lat"]), float(here["lon"]), float(there["lat"]), float(there["lon"])
    )
    assert distance == pytest.approx(published_km, rel=0.02)


def test_haversine_gives_a_degree_of_latitude_and_a_quarter_meridian():
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.195, abs=1e-3)
    assert haversine_km(0, 0, 90, 0) == pytest.approx(math.pi / 2 * EARTH_RADIUS_KM)


def test_stock_has_one_row_per_warehouse_and_part_with_known_ids(tables):
    stock = tables["stock"]
    assert not stock.select("warehouse_id", "part_id").is_duplicated().any()
    assert stock["warehouse_id"].is_in(tables["warehouses"]["warehouse_id"].implode()).all()
    assert stock["part_id"].is_in(tables["parts"]["part_id"].implode()).all()
    assert 10_000 <= stock.height <= 60_000


def test_quantities_are_non_negative_and_some_rows_are_sold_out(tables):
    qty = tables["stock"]["qty"]
    assert (qty >= 0).all()
    assert 0.01 < (qty == 0).mean() < 0.1


def test_distribution_centres_hold_most_of_the_catalogue_in_larger_quantities(tables):
    stock = tables["stock"].join(
        tables["warehouses"].select("warehouse_id", "kind"), on="warehouse_id"
    )
    per_warehouse = stock.group_by("warehouse_id", "kind").agg(
        pl.len().alias("parts"), pl.col("qty").median().alias("median_qty")
    )
    central = per_warehouse.filter(pl.col("kind") == "central")
    front = per_warehouse.filter(pl.col("kind") == "front")
    assert central["parts"].min() > tables["parts"].height / 2
    assert central["parts"].min() > 2 * front["parts"].max()
    assert central["median_qty"].min() > front["median_qty"].max()


def test_wear_parts_are_in_front_warehouses_and_slow_parts_mostly_central(tables):
    front_ids = tables["warehouses"].filter(pl.col("kind") == "front")["warehouse_id"]
    front = tables["stock"].filter(pl.col("warehouse_id").is_in(front_ids.implode()))
    rows = front.join(tables["parts"], on="part_id").group_by("category").len()
    sizes = tables["parts"].group_by("category").agg(pl.len().alias("parts"))
    share = dict(
        rows.join(sizes, on="category")
        .select("category", pl.col("len") / pl.col("parts") / front_ids.len())
        .rows()
    )
    for category in ("oil filter", "brake pads", "spark plugs", "engine oil", "wiper blades"):
        assert share[category] > 0.2, category
    for category in ("control arm", "shock absorber", "timing kit", "clutch kit", "water pump"):
        assert 0 < share[category] < 0.05, category


def test_some_parts_out_of_stock_everywhere_have_interchangeable_parts_in_stock(
    tables, catalog, out_everywhere
):
    in_stock = set(tables["stock"].filter(pl.col("qty") > 0)["part_id"])
    with_substitutes = {
        part_id
        for part_id in out_everywhere
        if set(catalog.numbers.interchange(part_id).column("part_id").to_pylist()) & in_stock
    }
    assert len(with_substitutes) >= 5
    assert set(tables["orders"]["part_id"]) & with_substitutes


def test_orders_reference_shops_and_parts_and_deliver_to_the_shop(tables):
    orders, shops = tables["orders"], tables["shops"]
    assert orders["part_id"].is_in(tables["parts"]["part_id"].implode()).all()
    joined = orders.join(shops, on="shop_id", how="left", suffix="_shop")
    assert joined["lat_shop"].null_count() == 0
    assert (joined["lat"] == joined["lat_shop"]).all() and (
        joined["lon"] == joined["lon_shop"]
    ).all()
    assert set(orders["shop_id"]) == set(shops["shop_id"])


def test_orders_have_one_to_eight_distinct_lines_of_positive_quantity(tables):
    orders = tables["orders"]
    assert 100 <= orders["order_id"].n_unique() <= 200
    lines = orders.group_by("order_id").agg(pl.len(), pl.col("part_id").n_unique().alias("parts"))
    assert lines["len"].is_between(1, 8).all()
    assert (lines["len"] == lines["parts"]).all()
    assert (orders["qty"] >= 1).all()
    shops_per_order = orders.group_by("order_id").agg(pl.col("shop_id").n_unique())
    assert (shops_per_order["shop_id"] == 1).all()


def test_the_lines_of_an_order_fit_one_vehicle(tables, catalog):
    orders = tables["orders"]
    fits = pl.from_arrow(catalog.fitment.vehicles_for_parts(orders["part_id"].to_arrow()))
    fits = fits.with_columns(pl.col("vehicle_id").cast(pl.String))
    lines = orders.with_row_index("request_index").with_columns(
        pl.col("request_index").cast(pl.Int32)
    )
    per_order = lines.join(fits, on="request_index").group_by("order_id", "vehicle_id").len()
    line_counts = orders.group_by("order_id").len().rename({"len": "lines"})
    complete = per_order.join(line_counts, on="order_id").filter(pl.col("len") == pl.col("lines"))
    assert complete["order_id"].n_unique() == orders["order_id"].n_unique()


def test_baskets_name_vehicles_shops_and_categories_the_vehicle_has_parts_in(tables, catalog):
    baskets = tables["baskets"]
    assert 80 <= baskets["basket_id"].n_unique() <= 120
    assert baskets["vehicle_id"].is_in(tables["vehicles"]["vehicle_id"].implode()).all()
    joined = baskets.join(tables["shops"], on="shop_id", how="left", suffix="_shop")
    assert (joined["lat"] == joined["lat_shop"]).all() and (
        joined["lon"] == joined["lon_shop"]
    ).all()
    assert not baskets.select("basket_id", "category").is_duplicated().any()
    per_basket = baskets.group_by("basket_id").agg(pl.col("vehicle_id", "shop_id").n_unique())
    assert (per_basket["vehicle_id"] == 1).all() and (per_basket["shop_id"] == 1).all()
    vehicles = baskets["vehicle_id"].unique().sort()
    found = pl.from_arrow(catalog.fitment.parts_for_vehicles(vehicles.to_arrow()))
    found = found.with_columns(
        pl.col("part_id").cast(pl.String),
        vehicle_id=vehicles.gather(found["request_index"]),
    ).join(tables["parts"].select("part_id", "category"), on="part_id")
    covered = set(found.select("vehicle_id", "category").iter_rows())
    assert set(baskets.select("vehicle_id", "category").iter_rows()) <= covered


def nearest_km(shop: dict, warehouses: pl.DataFrame) -> float:
    return min(
        haversine_km(shop["lat"], shop["lon"], lat, lon)
        for lat, lon in warehouses.select("lat", "lon").iter_rows()
    )


def test_shops_lie_near_a_front_warehouse_or_far_from_every_warehouse(tables):
    warehouses = tables["warehouses"]
    front = warehouses.filter(pl.col("kind") == "front")
    shops = {row["shop_id"]: row for row in tables["shops"].iter_rows(named=True)}
    near_front = [s for s in shops.values() if nearest_km(s, front) < FRONT_KM]
    far = [s for s in shops.values() if nearest_km(s, warehouses) > 500]
    assert len(near_front) >= 10 and far
    assert not set(warehouses["city"]) & {s["city"] for s in far}
    assert shops["S001"]["city"] == "东莞" and nearest_km(shops["S001"], front) < 10
