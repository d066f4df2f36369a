"""Offers (parts that fit, in stock near a shop, best first) and the fill rate of a network.

The hand-made catalogue has brake pads for a 2019 Camry (V1): four that fit it by fitment rows
and one more, PAD-A, that only shares the OE number 04465-33450 with two of them (a substitute).
A shop in 番禺 is 25 km from the Guangzhou distribution centre (next day), 39 km from the
Dongguan front warehouse (1-3 h) and 80 km from the Shenzhen one (next day), so the ranking
(tier, then km, then fitting before substitute, then part_id) can be read off the stock table.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import yunpei_match as ym
from yunpei_match.errors import ColumnTypeError, DataError, MissingColumnError, UnknownIdError

EARTH_RADIUS_KM = 6371.0088
TOLERANCE_KM = 1e-6

GZ = (23.1291, 113.2644)  # 广州
DG = (23.0205, 113.7518)  # 东莞
SZ = (22.5431, 114.0579)  # 深圳
PANYU = (22.9375, 113.3841)  # 番禺, a district of Guangzhou
URUMQI = (43.8256, 87.6168)  # 乌鲁木齐, far from every warehouse
PLACES = {"C-GZ": GZ, "F-DG": DG, "F-SZ": SZ}

COLUMNS = ["part_id", "brand", "part_number", "warehouse_id", "km", "tier", "hours", "substitute"]

# Check digits by ISO 3779: transliteration of letters and the weights of the 17 positions.
VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def with_check_digit(vin: str) -> str:
    remainder = sum(VIN_VALUES[c] * w for c, w in zip(vin, VIN_WEIGHTS, strict=True)) % 11
    return vin[:8] + ("X" if remainder == 10 else str(remainder)) + vin[9:]


CAMRY_VIN = with_check_digit("LVGBE40K0KG012345")  # either 2019 Camry: V1 or V3
UNKNOWN_VIN = with_check_digit("LFV3A23C0KM012345")  # valid, but no pattern matches


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


PAD_OE = "04465-33450"
PARTS = [  # part_id, brand, part_number, category, OE number, fits
    ("PAD-A", "Brembo", "P 83 124", "brake pads", PAD_OE, []),
    ("PAD-B", "Toyota", PAD_OE, "brake pads", PAD_OE, ["V1"]),
    ("PAD-C", "TRW", "GDB3425", "brake pads", PAD_OE, ["V1", "V3"]),
    ("PAD-D", "Bosch", "0 986 494 123", "brake pads", None, ["V1"]),
    ("PAD-E", "Ferodo", "FDB4050", "brake pads", PAD_OE, ["V1", "V4"]),
    ("PAD-F", "Akebono", "AN-767WK", "brake pads", None, ["V1"]),
    ("PAD-G", "Toyota", "04465-06090", "brake pads", None, ["V3"]),
    ("PAD-H", "Honda", "45022-TBA-A01", "brake pads", None, ["V2"]),
    ("DISC-X", "Toyota", "43512-06190", "brake discs", PAD_OE, ["V1"]),
    ("OIL-1", "Toyota", "04152-YZZA6", "oil filter", None, ["V1"]),
]
STOCK_ROWS = [
    ("F-DG", "PAD-D", 1),
    ("F-DG", "PAD-H", 3),
    ("F-DG", "DISC-X", 3),
    ("C-GZ", "PAD-A", 5),
    ("C-GZ", "PAD-B", 5),
    ("C-GZ", "PAD-C", 5),
    ("C-GZ", "PAD-G", 2),
    ("C-GZ", "DISC-X", 5),
    ("F-SZ", "PAD-C", 2),
    ("F-SZ", "PAD-F", 4),
]


def make_catalog(kernels: str = "compiled") -> ym.Catalog:
    fits = [(part, vehicle) for part, *_, vehicles in PARTS for vehicle in vehicles]
    with_oe = [(row[0], row[4]) for row in PARTS if row[4]]
    return ym.Catalog.from_tables(
        vehicles={
            "vehicle_id": ["V1", "V2", "V3", "V4"],
            "make": ["Toyota", "Honda", "Toyota", "Lexus"],
            "model": ["Camry", "Civic", "Camry", "ES"],
            "year": [2019, 2020, 2019, 2019],
            "engine": ["M20A 2.0L", "L15B 1.5T", "A25A 2.5L", "A25A 2.5L"],
        },
        parts={
            "part_id": [row[0] for row in PARTS],
            "brand": [row[1] for row in PARTS],
            "part_number": [row[2] for row in PARTS],
            "category": [row[3] for row in PARTS],
        },
        fitments={"part_id": [p for p, _ in fits], "vehicle_id": [v for _, v in fits]},
        oe_numbers={"part_id": [p for p, _ in with_oe], "oe_number": [n for _, n in with_oe]},
        vin_patterns={"pattern": ["LVGBE40K*KG******"] * 2, "vehicle_id": ["V1", "V3"]},
        kernels=kernels,
    )


@pytest.fixture(scope="module")
def catalog(impl) -> ym.Catalog:
    return make_catalog(impl)


def make_inventory(catalog: ym.Catalog) -> ym.Inventory:
    return ym.Inventory.from_tables(
        catalog,
        warehouses={
            "warehouse_id": list(PLACES),
            "lat": [lat for lat, _ in PLACES.values()],
            "lon": [lon for _, lon in PLACES.values()],
            "kind": ["central", "front", "front"],
        },
        stock={
            name: [row[i] for row in STOCK_ROWS]
            for i, name in enumerate(["warehouse_id", "part_id", "qty"])
        },
    )


@pytest.fixture(scope="module")
def inventory(catalog) -> ym.Inventory:
    """The inventory over ``catalog``, on its kernel choice (``impl``)."""
    return make_inventory(catalog)


def test_the_network_is_as_described():
    assert haversine_km(PANYU, GZ) < haversine_km(PANYU, DG) < 50 < haversine_km(PANYU, SZ) < 800
    assert ym.validate_vin(CAMRY_VIN).valid and ym.validate_vin(UNKNOWN_VIN).valid


# -- offers --------------------------------------------------------------------------------------

# V1's brake pads from the 番禺 shop, best first: part, warehouse, tier, substitute
V1_PADS = [
    ("PAD-D", "F-DG", "1-3h", False),  # the only 1-3 h offer, though farther than C-GZ
    ("PAD-B", "C-GZ", "next-day", False),  # fitting, then by part_id
    ("PAD-C", "C-GZ", "next-day", False),  # in PAD-B's group, fits V1 and V3: listed once
    ("PAD-A", "C-GZ", "next-day", True),  # a substitute: after the fitting ones at this km
    ("PAD-F", "F-SZ", "next-day", False),  # fits, but farther: km before fitting
]
# (id, query, expected rows as in V1_PADS)
OFFERS = [
    ("by vehicle", {"vehicle_id": "V1"}, V1_PADS),
    (
        "by VIN: both Camrys",
        {"vin": CAMRY_VIN},
        [*V1_PADS[:3], ("PAD-G", "C-GZ", "next-day", False), *V1_PADS[3:]],
    ),
    (
        "lower-case VIN",
        {"vin": CAMRY_VIN.lower()},
        [*V1_PADS[:3], ("PAD-G", "C-GZ", "next-day", False), *V1_PADS[3:]],
    ),
    ("limit", {"vehicle_id": "V1", "limit": 2}, V1_PADS[:2]),
    ("limit 1", {"vehicle_id": "V1", "limit": 1}, V1_PADS[:1]),
    ("no limit", {"vehicle_id": "V1", "limit": None}, V1_PADS),
    ("limit above the count", {"vehicle_id": "V1", "limit": 50}, V1_PADS),
    (
        "without substitutes",
        {"vehicle_id": "V1", "substitutes": False},
        [row for row in V1_PADS if not row[3]],
    ),
    ("qty 2 drops the 1-3 h offer", {"vehicle_id": "V1", "qty": 2}, V1_PADS[1:]),
    ("qty 5: only the centre", {"vehicle_id": "V1", "qty": 5}, V1_PADS[1:4]),
    ("qty 6: nothing", {"vehicle_id": "V1", "qty": 6}, []),
    (
        "only substitutes fit in stock",
        {"vehicle_id": "V4"},
        [
            ("PAD-A", "C-GZ", "next-day", True),
            ("PAD-B", "C-GZ", "next-day", True),
            ("PAD-C", "C-GZ", "next-day", True),
        ],
    ),
    ("only substitutes, turned off", {"vehicle_id": "V4", "substitutes": False}, []),
    ("another make", {"vehicle_id": "V2"}, [("PAD-H", "F-DG", "1-3h", False)]),
    (
        "a category the car has nothing in stock for",
        {"vehicle_id": "V1", "category": "oil filter"},
        [],
    ),
    ("a category with no fitting part", {"vehicle_id": "V2", "category": "oil filter"}, []),
    (
        "other categories of a group are not substitutes",
        {"vehicle_id": "V1", "category": "brake discs"},
        [("DISC-X", "F-DG", "1-3h", False)],
    ),
]


@pytest.mark.parametrize(
    ("query", "expected"), [case[1:] for case in OFFERS], ids=[case[0] for case in OFFERS]
)
def test_offers(catalog, inventory, query, expected):
    query = {"category": "brake pads", "lat": PANYU[0], "lon": PANYU[1], **query}
    table = catalog.offers(inventory=inventory, **query)
    assert table.column_names == COLUMNS
    rows = table.to_pylist()
    assert [(r["part_id"], r["warehouse_id"], r["tier"], r["substitute"]) for r in rows] == expected
    brands = {row[0]: (row[1], row[2]) for row in PARTS}
    hours = {"1-3h": 3.0, "next-day": 24.0, "2-3d": 72.0}
    for row in rows:
        assert (row["brand"], row["part_number"]) == brands[row["part_id"]]
        assert row["km"] == pytest.approx(
            haversine_km(PANYU, PLACES[row["warehouse_id"]]), abs=TOLERANCE_KM
        )
        assert row["hours"] == hours[row["tier"]]


def test_the_module_function_and_the_method_agree(catalog, inventory):
    from yunpei_match.offers import offers

    query = {"category": "brake pads", "lat": PANYU[0], "lon": PANYU[1], "inventory": inventory}
    assert offers(catalog, vehicle_id="V1", **query).equals(
        catalog.offers(vehicle_id="V1", **query)
    )


def test_a_far_shop_gets_every_part_in_two_to_three_days(catalog, inventory):
    table = catalog.offers(
        vehicle_id="V1", category="brake pads", lat=URUMQI[0], lon=URUMQI[1], inventory=inventory
    )
    assert set(table.column("tier").to_pylist()) == {"2-3d"}
    km = table.column("km").to_pylist()
    assert km == sorted(km) and km[0] > 2000


OFFER_ERRORS = [
    ("neither vehicle nor VIN", {}, DataError, r"give exactly one of vehicle_id and vin"),
    (
        "both vehicle and VIN",
        {"vehicle_id": "V1", "vin": CAMRY_VIN},
        DataError,
        r"give exactly one of vehicle_id and vin",
    ),
    ("VIN of 16 characters", {"vin": CAMRY_VIN[:16]}, DataError, r"length"),
    (
        "VIN with a wrong check digit",
        {"vin": CAMRY_VIN[:8] + "7" + CAMRY_VIN[9:]},
        DataError,
        r"check_digit",
    ),
    (
        "a valid VIN no pattern knows: not the same as nothing in stock",
        {"vin": UNKNOWN_VIN},
        UnknownIdError,
        rf"VIN '{UNKNOWN_VIN}' matches no vehicle of the catalogue",
    ),
    (
        "unknown vehicle",
        {"vehicle_id": "V9"},
        UnknownIdError,
        r"vehicle_id 'V9' is not in the catalogue",
    ),
    (
        "unknown category",
        {"vehicle_id": "V1", "category": "wipers"},
        UnknownIdError,
        r"category 'wipers' is not in the catalogue",
    ),
    ("limit 0", {"vehicle_id": "V1", "limit": 0}, DataError, r"limit must be >= 1, got 0"),
    ("negative limit", {"vehicle_id": "V1", "limit": -1}, DataError, r"limit must be >= 1, got -1"),
    (
        "fractional limit",
        {"vehicle_id": "V1", "limit": 2.5},
        ColumnTypeError,
        r"limit must be an int or None, got float",
    ),
    (
        "bool limit",
        {"vehicle_id": "V1", "limit": True},
        ColumnTypeError,
        r"limit must be an int or None, got bool",
    ),
    ("qty 0", {"vehicle_id": "V1", "qty": 0}, DataError, r"qty must be >= 1, got 0"),
    (
        "lat out of range",
        {"vehicle_id": "V1", "lat": 95.0},
        DataError,
        r"lat must be within \[-90, 90\], got 95\.0",
    ),
    (
        "NaN lon",
        {"vehicle_id": "V1", "lon": math.nan},
        DataError,
        r"lon must be within \[-180, 180\], got nan",
    ),
    (
        "no category",
        {"vehicle_id": "V1", "category": None},
        DataError,
        r"offers needs category, lat and lon",
    ),
    (
        "no position",
        {"vehicle_id": "V1", "lat": None},
        DataError,
        r"offers needs category, lat and lon",
    ),
]


@pytest.mark.parametrize(
    ("query", "error", "message"),
    [case[1:] for case in OFFER_ERRORS],
    ids=[case[0] for case in OFFER_ERRORS],
)
def test_offers_reject_bad_queries(catalog, inventory, query, error, message):
    query = {"category": "brake pads", "lat": PANYU[0], "lon": PANYU[1], **query}
    with pytest.raises(error, match=message):
        catalog.offers(inventory=inventory, **query)


def test_an_inventory_of_another_catalogue_is_refused(catalog):
    other = make_inventory(make_catalog())
    with pytest.raises(DataError, match=r"the inventory was built over another catalogue"):
        catalog.offers(
            vehicle_id="V1", category="brake pads", lat=PANYU[0], lon=PANYU[1], inventory=other
        )


# -- offers_many ---------------------------------------------------------------------------------

REQUESTS = [  # vehicle_id, vin, category, shop, qty
    ("V1", None, "brake pads", PANYU, 1),
    ("V9", None, "brake pads", PANYU, 1),  # unknown vehicle: no rows
    ("V2", None, "brake pads", SZ, 1),
    ("V1", None, "wipers", PANYU, 1),  # unknown category: no rows
    (None, CAMRY_VIN, "brake pads", PANYU, 2),
    (None, "LVGBE40K", "brake pads", PANYU, 1),  # invalid VIN: no rows
    ("V1", CAMRY_VIN, "brake discs", URUMQI, 1),  # the vehicle_id wins over the VIN
    ("V4", None, "brake pads", GZ, 3),
    ("V2", None, "oil filter", PANYU, 1),  # nothing fits: no rows
    (None, UNKNOWN_VIN, "brake pads", PANYU, 1),  # valid VIN, no vehicle: no rows
]


def requests_table() -> dict[str, list]:
    names = ["vehicle_id", "vin", "category", "lat", "lon", "qty"]
    rows = [(v, vin, c, shop[0], shop[1], q) for v, vin, c, shop, q in REQUESTS]
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}


@pytest.mark.parametrize(
    "options", [{}, {"limit": 2}, {"limit": None}, {"substitutes": False}], ids=str
)
def test_offers_many_rows_are_the_offers_of_each_request(catalog, inventory, options):
    table = catalog.offers_many(requests_table(), inventory=inventory, **options)
    assert table.column_names == ["request_index", *COLUMNS]
    assert table.schema.field("request_index").type == pa.int32()
    index = table.column("request_index").to_pylist()
    assert index == sorted(index)
    for i, (vehicle, vin, category, shop, qty) in enumerate(REQUESTS):
        rows = table.filter(pc.equal(table.column("request_index"), i))
        query = {"vehicle_id": vehicle} if vehicle is not None else {"vin": vin}
        try:
            expected = catalog.offers(
                **query,
                category=category,
                lat=shop[0],
                lon=shop[1],
                qty=qty,
                inventory=inventory,
                **options,
            )
        except (DataError, UnknownIdError):
            assert rows.num_rows == 0, i
            continue
        assert rows.drop_columns(["request_index"]).to_pylist() == expected.to_pylist(), i
    # V4 (request 7) has only substitutes in stock
    assert set(index) == ({0, 2, 4, 6} if options.get("substitutes") is False else {0, 2, 4, 6, 7})


def test_offers_many_accepts_polars_and_a_vin_column_alone(catalog, inventory):
    requests = {
        "vin": [CAMRY_VIN, CAMRY_VIN],
        "category": ["brake pads", "brake discs"],
        "lat": [PANYU[0]] * 2,
        "lon": [PANYU[1]] * 2,
    }
    expected = catalog.offers_many(requests, inventory=inventory)
    assert catalog.offers_many(pl.DataFrame(requests), inventory=inventory).equals(expected)
    assert expected.column("request_index").to_pylist().count(1) == 1


OFFERS_MANY_ERRORS = [
    (
        "no vehicle column",
        {"category": ["brake pads"], "lat": [1.0], "lon": [1.0]},
        DataError,
        r"requests needs a vehicle_id or a vin column",
    ),
    (
        "no category",
        {"vehicle_id": ["V1"], "lat": [1.0], "lon": [1.0]},
        MissingColumnError,
        r"requests is missing required column\(s\) category",
    ),
    (
        "lat out of range",
        {"vehicle_id": ["V1"], "category": ["brake pads"], "lat": [-91.0], "lon": [1.0]},
        DataError,
        r"requests\.lat must be within \[-90, 90\], got -91\.0 at row 0",
    ),
    (
        "qty 0",
        {"vehicle_id": ["V1"], "category": ["brake pads"], "lat": [1.0], "lon": [1.0], "qty": [0]},
        DataError,
        r"requests\.qty must be >= 1, got 0 at row 0",
    ),
]


@pytest.mark.parametrize(
    ("requests", "error", "message"),
    [case[1:] for case in OFFERS_MANY_ERRORS],
    ids=[case[0] for case in OFFERS_MANY_ERRORS],
)
def test_offers_many_rejects_bad_tables(catalog, inventory, requests, error, message):
    with pytest.raises(error, match=message):
        catalog.offers_many(requests, inventory=inventory)
    with pytest.raises(DataError, match=r"limit must be >= 1, got 0"):
        catalog.offers_many(requests_table(), inventory=inventory, limit=0)


# -- fill rate -----------------------------------------------------------------------------------

BASKETS = [  # basket_id, vehicle_id, category, shop, best tier (None: nothing in stock)
    ("B1", "V1", "brake pads", PANYU, "1-3h"),  # PAD-D in Dongguan
    ("B1", "V1", "oil filter", PANYU, None),  # OIL-1 fits, nobody holds it
    ("B2", "V1", "brake pads", URUMQI, "2-3d"),
    ("B3", "V2", "brake pads", PANYU, "1-3h"),  # PAD-H in Dongguan
    ("B4", "V2", "brake pads", SZ, "next-day"),  # PAD-H, 62 km away
    ("B4", "V2", "oil filter", SZ, None),  # nothing fits
    ("B5", "V4", "brake pads", PANYU, "next-day"),  # only substitutes in stock
]


def baskets_table() -> dict[str, list]:
    return {
        "basket_id": [row[0] for row in BASKETS],
        "vehicle_id": [row[1] for row in BASKETS],
        "category": [row[2] for row in BASKETS],
        "lat": [row[3][0] for row in BASKETS],
        "lon": [row[3][1] for row in BASKETS],
    }


@pytest.mark.parametrize(
    ("within", "rate"), [("1-3h", 2 / 7), ("next-day", 4 / 7), ("2-3d", 5 / 7)]
)
def test_fill_rate_by_target_tier(inventory, within, rate):
    result = inventory.fill_rate(baskets_table(), within=within)
    assert result.within == within
    assert result.rate == pytest.approx(rate)
    assert result.n_lines == 7
    assert result.n_filled == round(rate * 7)
    assert result.by_tier == {"1-3h": 2, "next-day": 2, "2-3d": 1, "none": 2}
    assert sum(result.by_tier.values()) == result.n_lines


def test_fill_rate_defaults_to_next_day(inventory):
    assert inventory.fill_rate(baskets_table()).within == "next-day"
    assert inventory.fill_rate(baskets_table()).rate == pytest.approx(4 / 7)


def test_fill_rate_lines_keep_the_input_and_show_the_best_offer(inventory):
    result = inventory.fill_rate(baskets_table())
    lines = result.lines
    assert lines.column_names == [
        "basket_id",
        "vehicle_id",
        "category",
        "lat",
        "lon",
        "fits",
        "filled",
        "part_id",
        "warehouse_id",
        "km",
        "tier",
        "hours",
        "substitute",
    ]
    assert lines.column("basket_id").to_pylist() == [row[0] for row in BASKETS]
    assert lines.column("tier").to_pylist() == [row[4] for row in BASKETS]
    assert lines.column("fits").to_pylist() == [True, True, True, True, True, False, True]
    assert lines.column("filled").to_pylist() == [True, False, False, True, True, False, True]
    assert lines.column("part_id").to_pylist() == [
        "PAD-D",
        None,
        "PAD-B",
        "PAD-H",
        "PAD-H",
        None,
        "PAD-A",
    ]
    assert lines.column("substitute").to_pylist() == [False, None, False, False, False, None, True]


def test_fill_rate_without_substitutes(inventory):
    result = inventory.fill_rate(baskets_table(), substitutes=False)
    assert result.rate == pytest.approx(3 / 7)
    assert result.by_tier == {"1-3h": 2, "next-day": 1, "2-3d": 1, "none": 3}


def test_fill_rate_of_an_obviously_full_network(catalog):
    inventory = ym.Inventory.from_tables(
        catalog,
        warehouses={
            "warehouse_id": ["F-PY"],
            "lat": [PANYU[0]],
            "lon": [PANYU[1]],
            "kind": ["front"],
        },
        stock={
            "warehouse_id": ["F-PY"] * 3,
            "part_id": ["PAD-B", "OIL-1", "PAD-H"],
            "qty": [1, 1, 1],
        },
    )
    baskets = {
        "vehicle_id": ["V1", "V1", "V2"],
        "category": ["brake pads", "oil filter", "brake pads"],
        "lat": [PANYU[0]] * 3,
        "lon": [PANYU[1]] * 3,
    }
    result = inventory.fill_rate(baskets, within="1-3h")
    assert result.rate == 1.0
    assert result.by_tier == {"1-3h": 3, "next-day": 0, "2-3d": 0, "none": 0}
    far = {**baskets, "lat": [URUMQI[0]] * 3, "lon": [URUMQI[1]] * 3}
    assert inventory.fill_rate(far).rate == 0.0
    assert inventory.fill_rate(far, within="2-3d").rate == 1.0


def test_fill_rate_accepts_vins(inventory):
    baskets = {"vin": [CAMRY_VIN], "category": ["brake pads"], "lat": [PANYU[0]], "lon": [PANYU[1]]}
    result = inventory.fill_rate(baskets, within="1-3h")
    assert result.rate == 1.0 and result.lines.column("part_id").to_pylist() == ["PAD-D"]


@pytest.mark.parametrize("within", ["same-day", "1-3H", ""])
def test_fill_rate_unknown_tier_raises(inventory, within):
    with pytest.raises(DataError, match=rf"unknown tier '{within}'; the tiers are 1-3h, next-day"):
        inventory.fill_rate(baskets_table(), within=within)


def test_fill_rate_with_custom_tiers(catalog):
    tiers = ym.DeliveryTiers(
        [ym.TierRule("same-city", 4, max_km=50), ym.TierRule("national", 48, max_km=5000)]
    )
    inventory = ym.Inventory.from_tables(
        catalog,
        warehouses={
            "warehouse_id": list(PLACES),
            "lat": [p[0] for p in PLACES.values()],
            "lon": [p[1] for p in PLACES.values()],
        },
        stock={
            name: [row[i] for row in STOCK_ROWS]
            for i, name in enumerate(["warehouse_id", "part_id", "qty"])
        },
        tiers=tiers,
    )
    result = inventory.fill_rate(baskets_table(), within="same-city")
    assert result.by_tier == {"same-city": 3, "national": 2, "none": 2}
    assert result.rate == pytest.approx(3 / 7)
    with pytest.raises(DataError, match=r"unknown tier 'next-day'; the tiers are same-city"):
        inventory.fill_rate(baskets_table())


# -- the samples ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples(samples_dir: Path) -> tuple[ym.Catalog, ym.Inventory]:
    catalog = ym.Catalog.from_parquet(samples_dir)
    return catalog, ym.Inventory.from_parquet(catalog, samples_dir)


def test_samples_fill_rate(samples, samples_dir):
    _, inventory = samples
    baskets = pq.read_table(samples_dir / "baskets.parquet")
    rates = {}
    for within in ("1-3h", "next-day", "2-3d"):
        result = inventory.fill_rate(baskets, within=within)
        assert 0.0 < result.rate <= 1.0
        assert result.n_lines == baskets.num_rows
        assert sum(result.by_tier.values()) == result.n_lines
        assert result.n_filled == round(result.rate * result.n_lines)
        filled = result.lines.column("filled").to_numpy(zero_copy_only=False)
        fits = result.lines.column("fits").to_numpy(zero_copy_only=False)
        assert not (filled & ~fits).any()
        rates[within] = result.rate
    assert rates["1-3h"] < rates["next-day"] <= rates["2-3d"]


def test_samples_offers_are_ranked_and_fit(samples, samples_dir):
    catalog, inventory = samples
    shops = pq.read_table(samples_dir / "shops.parquet").to_pylist()
    baskets = pq.read_table(samples_dir / "baskets.parquet").to_pylist()[::5]
    requests = {
        "vehicle_id": [b["vehicle_id"] for b in baskets],
        "category": [b["category"] for b in baskets],
        "lat": [shops[i % len(shops)]["lat"] for i in range(len(baskets))],
        "lon": [shops[i % len(shops)]["lon"] for i in range(len(baskets))],
    }
    table = catalog.offers_many(requests, inventory=inventory, limit=None)
    assert table.num_rows > len(baskets)
    ranks = {name: i for i, name in enumerate(inventory.tiers.names)}
    parts = pl.from_arrow(catalog.parts.select(["part_id", "category"]))
    category = dict(parts.iter_rows())
    previous = None
    for row in table.to_pylist():
        i = row["request_index"]
        key = (i, ranks[row["tier"]], row["km"], row["substitute"], row["part_id"])
        assert previous is None or previous <= key, (previous, key)
        previous = key
        assert category[row["part_id"]] == requests["category"][i]
        fits = catalog.fitment.fits(row["part_id"], requests["vehicle_id"][i])
        assert fits == (not row["substitute"])  # a fitting part is never offered as substitute
    km = table.column("km").to_numpy()
    assert np.isfinite(km).all() and (km >= 0).all()
