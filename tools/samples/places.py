"""Where things are: the cities, the warehouses stock is shipped from and the repair shops.

The facts are in ``sample_data/``: ``cities.tsv`` (the centre of each city, as map services and
distance tables give it), ``warehouses.tsv`` (front warehouses 前置仓 and distribution centres
中心仓, each at a real district of its city) and ``shops.tsv`` (invented repair shops). A shop
is placed a few kilometres from its city's centre, in a direction and at a distance drawn from a
hash of its id.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyarrow as pa

from .choice import unit
from .data import keyed, read_table

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
KINDS = ("front", "central")
MAX_KM_FROM_CENTRE = 50.0  # a warehouse or shop further from its city's centre is a typo
SHOP_KM = (1.0, 6.0)  # how far from the city centre shops are placed


@dataclass(frozen=True)
class City:
    name: str
    province: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Warehouse:
    warehouse_id: str
    name: str
    city: City
    kind: str  # "front" (前置仓) or "central" (中心仓)
    lat: float
    lon: float
    assortment: float  # how much of a typical assortment it lists: 1.0 typical, more in big cities


@dataclass(frozen=True)
class Shop:
    shop_id: str
    name: str
    city: City
    lat: float
    lon: float


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance by the haversine formula."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


CITIES = keyed(
    (row["city"], City(row["city"], row["province"], float(row["lat"]), float(row["lon"])))
    for row in read_table("cities")
)


def check_near_centre(what: str, city: City, lat: float, lon: float) -> None:
    distance = km(city.lat, city.lon, lat, lon)
    if distance > MAX_KM_FROM_CENTRE:
        raise ValueError(f"{what} is {distance:.0f} km from the centre of {city.name}")


def load_warehouses() -> tuple[Warehouse, ...]:
    warehouses = []
    for row in read_table("warehouses"):
        if row["kind"] not in KINDS:
            raise ValueError(f"{row['warehouse_id']}: kind {row['kind']!r} not in {KINDS}")
        city, lat, lon = CITIES[row["city"]], float(row["lat"]), float(row["lon"])
        check_near_centre(row["warehouse_id"], city, lat, lon)
        warehouse = Warehouse(
            row["warehouse_id"], row["name"], city, row["kind"], lat, lon, float(row["assortment"])
        )
        warehouses.append(warehouse)
    keyed((w.warehouse_id, w) for w in warehouses)  # ids are unique
    return tuple(warehouses)


def near_centre(city: City, seed: str) -> tuple[float, float]:
    """A point ``SHOP_KM`` from the city's centre, rounded to 4 decimals (about 10 m)."""
    low, high = SHOP_KM
    distance = low + (high - low) * unit(seed, "distance")
    bearing = 2 * math.pi * unit(seed, "bearing")
    north, east = distance * math.cos(bearing), distance * math.sin(bearing)
    km_per_degree = math.radians(EARTH_RADIUS_KM)
    lat = city.lat + north / km_per_degree
    lon = city.lon + east / (km_per_degree * math.cos(math.radians(city.lat)))
    return round(lat, 4), round(lon, 4)


def load_shops() -> tuple[Shop, ...]:
    shops = []
    for row in read_table("shops"):
        city = CITIES[row["city"]]
        lat, lon = near_centre(city, f"shop|{row['shop_id']}")
        shops.append(Shop(row["shop_id"], row["name"], city, lat, lon))
    keyed((s.shop_id, s) for s in shops)
    return tuple(shops)


WAREHOUSE_SCHEMA = pa.schema(
    [
        ("warehouse_id", pa.string()),
        ("name", pa.string()),
        ("city", pa.string()),
        ("province", pa.string()),
        ("kind", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
    ]
)
SHOP_SCHEMA = pa.schema(
    [
        ("shop_id", pa.string()),
        ("name", pa.string()),
        ("city", pa.string()),
        ("province", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
    ]
)


def warehouses_table(warehouses: tuple[Warehouse, ...]) -> pa.Table:
    rows = [
        {
            "warehouse_id": w.warehouse_id,
            "name": w.name,
            "city": w.city.name,
            "province": w.city.province,
            "kind": w.kind,
            "lat": w.lat,
            "lon": w.lon,
        }
        for w in warehouses
    ]
    return pa.Table.from_pylist(rows, schema=WAREHOUSE_SCHEMA)


def shops_table(shops: tuple[Shop, ...]) -> pa.Table:
    rows = [
        {
            "shop_id": s.shop_id,
            "name": s.name,
            "city": s.city.name,
            "province": s.city.province,
            "lat": s.lat,
            "lon": s.lon,
        }
        for s in shops
    ]
    return pa.Table.from_pylist(rows, schema=SHOP_SCHEMA)
