"""The Inventory API on a hand-made warehouse network, over both kernel choices (``impl``).

Five warehouses sit at real city centres, so every expected answer can be read off a map:
深圳–东莞 62 km, 广州–东莞 51 km, 广州–深圳 104 km, 上海–北京 1,067 km, 深圳–上海 1,213 km.
A shop in 番禺 (Guangzhou's south) is 25 km from the Guangzhou distribution centre and 39 km from
the Dongguan front warehouse: the nearest is a next-day one, the fastest a farther 1-3 h one.
Distances are checked against a haversine written out in this file.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from table_forms import Columns, as_arrow_dictionary_ids, as_polars

import yunpei_match as ym
from yunpei_match.errors import (
    ColumnTypeError,
    DataError,
    DuplicateIdError,
    JournalError,
    MissingColumnError,
    MissingTableError,
    ReservationError,
    UnknownIdError,
)
from yunpei_match.stock import OrderLines

EARTH_RADIUS_KM = 6371.0088
TOLERANCE_KM = 1e-6

SZ = (22.5431, 114.0579)  # 深圳 city centre
DG = (23.0205, 113.7518)  # 东莞
GZ = (23.1291, 113.2644)  # 广州
SH = (31.2304, 121.4737)  # 上海
BJ = (39.9042, 116.4074)  # 北京
PANYU = (22.9375, 113.3841)  # 番禺, a district of Guangzhou


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def warehouses(**changes: list[Any]) -> Columns:
    """Two distribution centres (广州, 上海) and three front warehouses (深圳, 东莞, 北京)."""
    table: Columns = {
        "warehouse_id": ["F-SZ", "C-GZ", "C-SH", "F-DG", "F-BJ"],
        "lat": [SZ[0], GZ[0], SH[0], DG[0], BJ[0]],
        "lon": [SZ[1], GZ[1], SH[1], DG[1], BJ[1]],
        "kind": ["front", "central", "central", "front", "front"],
        "city": ["深圳", "广州", "上海", "东莞", "北京"],
    }
    return {**table, **changes}


PLACES = {"F-SZ": SZ, "C-GZ": GZ, "C-SH": SH, "F-DG": DG, "F-BJ": BJ}


def stock(**changes: list[Any]) -> Columns:
    """F1 and F2 are interchangeable oil filters, B1 and B2 brake pads; F3 has no substitute.

    F1: 深圳 2, 广州 10, 上海 50       F2: 东莞 5, 北京 3        F3: 上海 1, 北京 0 (sold out)
    B1: 广州 4, 东莞 1                 B2: 深圳 2                W1: nowhere
    """
    rows = [
        ("F-SZ", "F1", 2),
        ("F-SZ", "B2", 2),
        ("C-GZ", "F1", 10),
        ("C-GZ", "B1", 4),
        ("C-SH", "F1", 50),
        ("C-SH", "F3", 1),
        ("F-DG", "F2", 5),
        ("F-DG", "B1", 1),
        ("F-BJ", "F2", 3),
        ("F-BJ", "F3", 0),
    ]
    table: Columns = {
        name: [row[i] for row in rows] for i, name in enumerate(["warehouse_id", "part_id", "qty"])
    }
    return {**table, **changes}


def without(table: Columns, *names: str) -> Columns:
    return {name: values for name, values in table.items() if name not in names}


def make_catalog(kernels: str = "compiled") -> ym.Catalog:
    return ym.Catalog.from_tables(
        vehicles={
            "vehicle_id": ["V1", "V2"],
            "make": ["Toyota", "Honda"],
            "model": ["Camry", "Civic"],
            "year": [2019, 2020],
        },
        parts={
            "part_id": ["F1", "F2", "F3", "B1", "B2", "W1"],
            "brand": ["Toyota", "Mann-Filter", "Bosch", "Toyota", "TRW", "Bosch"],
            "part_number": [
                "04152-YZZA6",
                "W 68/3",
                "F 026 407 209",
                "04465-33450",
                "GDB3425",
                "3 397 118 904",
            ],
            "category": ["oil filter"] * 3 + ["brake pads"] * 2 + ["wiper blades"],
        },
        fitments={"part_id": ["F1", "F3", "B1", "W1"], "vehicle_id": ["V1", "V1", "V1", "V2"]},
        oe_numbers={
            "part_id": ["F1", "F2", "B1", "B2"],
            "oe_number": ["04152-YZZA6", "04152-YZZA6", "04465-33450", "04465-33450"],
        },
        kernels=kernels,
    )


@pytest.fixture(scope="module")
def catalog(impl) -> ym.Catalog:
    return make_catalog(impl)


@pytest.fixture
def inventory(catalog, impl) -> ym.Inventory:
    return ym.Inventory.from_tables(catalog, warehouses=warehouses(), stock=stock(), kernels=impl)


def test_network_distances_are_the_published_ones():
    assert haversine_km(GZ, SZ) == pytest.approx(104, rel=0.02)
    assert haversine_km(BJ, SH) == pytest.approx(1067, rel=0.02)
    assert haversine_km(PANYU, GZ) < haversine_km(PANYU, DG) < 50


def test_catalog_groups_the_parts_sharing_an_oe_number(catalog):
    group = catalog.numbers.interchange("F1").column("part_id").to_pylist()
    assert set(group) == {"F1", "F2"}
    assert set(catalog.numbers.interchange("F3").column("part_id").to_pylist()) <= {"F3"}


# -- building ------------------------------------------------------------------------------------


def test_builds_with_warehouses_sorted_by_id(inventory):
    assert repr(inventory) == "<Inventory: 5 warehouses, 10 stock rows>"
    table = inventory.warehouses
    assert table.column("warehouse_id").to_pylist() == ["C-GZ", "C-SH", "F-BJ", "F-DG", "F-SZ"]
    assert table.column("kind").to_pylist() == ["central", "central", "front", "front", "front"]
    assert table.column("city").to_pylist() == ["广州", "上海", "北京", "东莞", "深圳"]


def test_kind_defaults_to_central_which_promises_no_same_city_delivery(catalog, impl):
    inventory = ym.Inventory.from_tables(
        catalog, warehouses=without(warehouses(), "kind"), stock=stock(), kernels=impl
    )
    assert set(inventory.warehouses.column("kind").to_pylist()) == {"central"}
    offer = inventory.nearest_stocked("F1", *SZ)
    assert (offer.warehouse_id, offer.km, offer.tier) == ("F-SZ", 0.0, "next-day")


FORMS: dict[str, Callable[[Columns], Any]] = {
    "dict": lambda table: table,
    "polars": as_polars,
    "arrow": pa.table,
    "arrow-dictionary": as_arrow_dictionary_ids,
}


@pytest.mark.parametrize("form", FORMS)
def test_every_table_form_builds_the_same_inventory(catalog, impl, form):
    inventory = ym.Inventory.from_tables(
        catalog,
        warehouses=FORMS[form](warehouses()),
        stock=FORMS[form](stock()),
        kernels=impl,
    )
    assert repr(inventory) == "<Inventory: 5 warehouses, 10 stock rows>"
    assert inventory.nearest_stocked("F1", *SZ, qty=3).warehouse_id == "C-GZ"
    assert inventory.stock_of("F1").column("on_hand").to_pylist() == [10, 50, 2]


def test_from_parquet_reads_warehouses_and_stock(catalog, tmp_path):
    pq.write_table(pa.table(warehouses()), tmp_path / "warehouses.parquet")
    pq.write_table(pa.table(stock()), tmp_path / "stock.parquet")
    inventory = ym.Inventory.from_parquet(catalog, tmp_path, kernels="reference")
    assert repr(inventory) == "<Inventory: 5 warehouses, 10 stock rows>"
    assert inventory.nearest_stocked("B1", *PANYU).warehouse_id == "C-GZ"


@pytest.mark.parametrize("missing", ["warehouses", "stock"])
def test_from_parquet_without_a_table_raises(catalog, tmp_path, missing):
    tables = {"warehouses": warehouses(), "stock": stock()}
    for name, table in tables.items():
        if name != missing:
            pq.write_table(pa.table(table), tmp_path / f"{name}.parquet")
    with pytest.raises(MissingTableError, match=rf"^{missing} table not found: expected .*"):
        ym.Inventory.from_parquet(catalog, tmp_path)


NAN = float("nan")

# (id, warehouses, stock, error, message)
BUILD_ERRORS = [
    (
        "warehouses without lat",
        without(warehouses(), "lat"),
        stock(),
        MissingColumnError,
        r"warehouses is missing required column\(s\) lat;",
    ),
    (
        "warehouses without warehouse_id",
        without(warehouses(), "warehouse_id"),
        stock(),
        MissingColumnError,
        r"warehouses is missing required column\(s\) warehouse_id;",
    ),
    (
        "stock without qty",
        warehouses(),
        without(stock(), "qty"),
        MissingColumnError,
        r"stock is missing required column\(s\) qty;",
    ),
    (
        "stock without part_id",
        warehouses(),
        without(stock(), "part_id"),
        MissingColumnError,
        r"stock is missing required column\(s\) part_id;",
    ),
    (
        "integer warehouse ids",
        warehouses(warehouse_id=[1, 2, 3, 4, 5]),
        stock(),
        ColumnTypeError,
        r"warehouses\.warehouse_id must hold strings, got int64",
    ),
    (
        "lat as text",
        warehouses(lat=["22.5", "23.1", "31.2", "23.0", "39.9"]),
        stock(),
        ColumnTypeError,
        r"warehouses\.lat must hold numbers, got string",
    ),
    (
        "kind as numbers",
        warehouses(kind=[0, 1, 1, 0, 0]),
        stock(),
        ColumnTypeError,
        r"warehouses\.kind must hold strings, got int64",
    ),
    (
        "fractional qty",
        warehouses(),
        stock(qty=[2.0, 2, 10, 4, 50, 1, 5, 1, 3, 0]),
        ColumnTypeError,
        r"stock\.qty must hold integers, got double",
    ),
    (
        "null warehouse id",
        warehouses(warehouse_id=["F-SZ", None, "C-SH", "F-DG", "F-BJ"]),
        stock(),
        DataError,
        r"warehouses\.warehouse_id must not be null, got null at row 1",
    ),
    (
        "null lon",
        warehouses(lon=[SZ[1], GZ[1], None, DG[1], BJ[1]]),
        stock(),
        DataError,
        r"warehouses\.lon must not be null, got null at row 2",
    ),
    (
        "null kind",
        warehouses(kind=["front", "central", "central", None, "front"]),
        stock(),
        DataError,
        r"warehouses\.kind must not be null, got null at row 3",
    ),
    (
        "null part in stock",
        warehouses(),
        stock(part_id=["F1", "B2", "F1", "B1", None, "F3", "F2", "B1", "F2", "F3"]),
        DataError,
        r"stock\.part_id must not be null, got null at row 4",
    ),
    (
        "null qty",
        warehouses(),
        stock(qty=[2, 2, 10, 4, 50, 1, 5, 1, None, 0]),
        DataError,
        r"stock\.qty must not be null, got null at row 8",
    ),
    (
        "lat above 90",
        warehouses(lat=[SZ[0], GZ[0], 91.0, DG[0], BJ[0]]),
        stock(),
        DataError,
        r"warehouses\.lat must be within \[-90, 90\], got 91\.0 at row 2",
    ),
    (
        "lat below -90",
        warehouses(lat=[-90.5, GZ[0], SH[0], DG[0], BJ[0]]),
        stock(),
        DataError,
        r"warehouses\.lat must be within \[-90, 90\], got -90\.5 at row 0",
    ),
    (
        "lon beyond 180",
        warehouses(lon=[SZ[1], GZ[1], SH[1], DG[1], 180.25]),
        stock(),
        DataError,
        r"warehouses\.lon must be within \[-180, 180\], got 180\.25 at row 4",
    ),
    (
        "NaN lat",
        warehouses(lat=[SZ[0], NAN, SH[0], DG[0], BJ[0]]),
        stock(),
        DataError,
        r"warehouses\.lat must be within \[-90, 90\], got nan at row 1",
    ),
    (
        "NaN lon",
        warehouses(lon=[SZ[1], GZ[1], SH[1], NAN, BJ[1]]),
        stock(),
        DataError,
        r"warehouses\.lon must be within \[-180, 180\], got nan at row 3",
    ),
    (
        "negative qty",
        warehouses(),
        stock(qty=[2, 2, 10, 4, 50, 1, -3, 1, 3, 0]),
        DataError,
        r"stock\.qty must be >= 0, got -3 at row 6",
    ),
    (
        "repeated warehouse id",
        warehouses(warehouse_id=["F-SZ", "C-GZ", "C-SH", "F-DG", "C-GZ"]),
        stock(),
        DuplicateIdError,
        r"warehouses\.warehouse_id must be unique, got 'C-GZ' at rows 1 and 4",
    ),
    (
        "two rows of one warehouse and part",
        warehouses(),
        stock(
            warehouse_id=[*stock()["warehouse_id"], "C-GZ"],
            part_id=[*stock()["part_id"], "F1"],
            qty=[*stock()["qty"], 7],
        ),
        DuplicateIdError,
        r"stock has two rows for warehouse 'C-GZ' and part 'F1': rows 2 and 10",
    ),
    (
        "stock in an unknown warehouse",
        warehouses(),
        stock(warehouse_id=[*stock()["warehouse_id"][:6], "F-HZ", *stock()["warehouse_id"][7:]]),
        UnknownIdError,
        r"stock\.warehouse_id 'F-HZ' at row 6 is not in warehouses",
    ),
    (
        "stock of an unknown part",
        warehouses(),
        stock(part_id=["F1", "B2", "F1", "B1", "F1", "F3", "F2", "B1", "F9", "F3"]),
        UnknownIdError,
        r"stock\.part_id 'F9' at row 8 is not in parts",
    ),
]


@pytest.mark.parametrize(
    ("warehouse_table", "stock_table", "error", "message"),
    [case[1:] for case in BUILD_ERRORS],
    ids=[case[0] for case in BUILD_ERRORS],
)
def test_building_rejects_bad_tables(catalog, impl, warehouse_table, stock_table, error, message):
    with pytest.raises(error, match=message):
        ym.Inventory.from_tables(
            catalog, warehouses=warehouse_table, stock=stock_table, kernels=impl
        )


def test_duplicate_stock_rows_are_named_in_input_order(catalog, impl):
    doubled = stock(
        warehouse_id=["F-DG", *stock()["warehouse_id"]],
        part_id=["B1", *stock()["part_id"]],
        qty=[9, *stock()["qty"]],
    )
    with pytest.raises(DuplicateIdError, match=r"warehouse 'F-DG' and part 'B1': rows 0 and 8"):
        ym.Inventory.from_tables(catalog, warehouses=warehouses(), stock=doubled, kernels=impl)


def test_errors_are_also_the_builtins_a_caller_would_catch(catalog):
    with pytest.raises(ValueError):
        ym.Inventory.from_tables(catalog, warehouses=warehouses(lat=[NAN] * 5), stock=stock())
    with pytest.raises(LookupError):
        ym.Inventory.from_tables(catalog, warehouses=warehouses(), stock=stock(part_id=["X"] * 10))


# -- nearest stocked -----------------------------------------------------------------------------

# (id, part, shop, options, expected (warehouse, part shipped, substitute, tier) or None)
NEAREST = [
    ("own part next door", "F1", SZ, {}, ("F-SZ", "F1", False, "1-3h")),
    (
        "qty skips a warehouse holding too few",
        "F1",
        SZ,
        {"qty": 3},
        ("C-GZ", "F1", False, "next-day"),
    ),
    ("qty reaching across the country", "F1", SZ, {"qty": 11}, ("C-SH", "F1", False, "2-3d")),
    ("more than anyone holds, substitutes too", "F1", SZ, {"qty": 51}, None),
    ("own part far beats a substitute near", "F1", BJ, {}, ("C-SH", "F1", False, "2-3d")),
    (
        "max_km drops the own part: substitute",
        "F1",
        BJ,
        {"max_km": 100},
        ("F-BJ", "F2", True, "1-3h"),
    ),
    ("max_km without substitutes", "F1", BJ, {"max_km": 100, "substitutes": False}, None),
    (
        "max_km with a qty: substitute a city away",
        "F1",
        SZ,
        {"qty": 3, "max_km": 100},
        ("F-DG", "F2", True, "next-day"),
    ),
    ("max_km is inclusive", "F1", SZ, {"max_km": 0}, ("F-SZ", "F1", False, "1-3h")),
    ("max_km 0 elsewhere", "F1", PANYU, {"max_km": 0}, None),
    ("sold-out row is skipped", "F3", BJ, {}, ("C-SH", "F3", False, "2-3d")),
    ("no substitute for a part without a group", "F3", SZ, {"qty": 2}, None),
    ("part stocked nowhere", "W1", SZ, {}, None),
    (
        "substitute when the own part is short",
        "B2",
        SZ,
        {"qty": 3},
        ("C-GZ", "B1", True, "next-day"),
    ),
    ("substitutes off", "B2", SZ, {"qty": 3, "substitutes": False}, None),
    (
        "substitute of a substitute group member",
        "F2",
        SZ,
        {"qty": 6},
        ("C-GZ", "F1", True, "next-day"),
    ),
    ("nearest is a distribution centre", "B1", PANYU, {}, ("C-GZ", "B1", False, "next-day")),
    (
        "fastest prefers a farther front warehouse",
        "B1",
        PANYU,
        {"fastest": True},
        ("F-DG", "B1", False, "1-3h"),
    ),
    (
        "fastest when no front warehouse has enough",
        "B1",
        PANYU,
        {"fastest": True, "qty": 2},
        ("C-GZ", "B1", False, "next-day"),
    ),
    (
        "fastest among equal tiers is nearest",
        "F1",
        SZ,
        {"fastest": True, "qty": 3},
        ("C-GZ", "F1", False, "next-day"),
    ),
    (
        "fastest with substitutes",
        "B2",
        PANYU,
        {"fastest": True, "qty": 3},
        ("C-GZ", "B1", True, "next-day"),
    ),
    (
        "fastest keeps max_km",
        "B1",
        PANYU,
        {"fastest": True, "max_km": 30},
        ("C-GZ", "B1", False, "next-day"),
    ),
]

HOURS = {"1-3h": 3.0, "next-day": 24.0, "2-3d": 72.0}


@pytest.mark.parametrize(
    ("part", "shop", "options", "expected"),
    [case[1:] for case in NEAREST],
    ids=[case[0] for case in NEAREST],
)
def test_nearest_stocked(inventory, part, shop, options, expected):
    offer = inventory.nearest_stocked(part, *shop, **options)
    if expected is None:
        assert offer is None
        return
    warehouse, _, _, tier = expected
    assert (offer.warehouse_id, offer.part_id, offer.substitute, offer.tier) == expected
    assert offer.hours == HOURS[tier]
    assert offer.km == pytest.approx(haversine_km(shop, PLACES[warehouse]), abs=TOLERANCE_KM)
    assert isinstance(offer.km, float) and isinstance(offer.substitute, bool)


def test_ties_in_distance_go_to_the_lower_warehouse_id(catalog, impl):
    inventory = ym.Inventory.from_tables(
        catalog,
        warehouses={"warehouse_id": ["W-B", "W-A", "W-C"], "lat": [SZ[0]] * 3, "lon": [SZ[1]] * 3},
        stock={"warehouse_id": ["W-C", "W-B", "W-A"], "part_id": ["F1"] * 3, "qty": [1, 1, 1]},
        kernels=impl,
    )
    assert inventory.nearest_stocked("F1", *DG).warehouse_id == "W-A"


def test_offer_is_a_frozen_dataclass(inventory):
    offer = inventory.nearest_stocked("F1", *SZ)
    assert offer == ym.Offer("F-SZ", "F1", False, 0.0, "1-3h", 3.0)
    with pytest.raises(AttributeError):
        offer.km = 1.0  # type: ignore[misc]


NEAREST_ERRORS = [
    ("unknown part", ("F9", *SZ), {}, UnknownIdError, r"part_id 'F9' is not in the catalogue"),
    ("part id not a string", (7, *SZ), {}, ColumnTypeError, r"part_id must be a string, got int"),
    (
        "lat above 90",
        ("F1", 90.5, 114.0),
        {},
        DataError,
        r"lat must be within \[-90, 90\], got 90\.5",
    ),
    (
        "lon below -180",
        ("F1", 22.5, -181),
        {},
        DataError,
        r"lon must be within \[-180, 180\], got -181",
    ),
    ("NaN lat", ("F1", NAN, 114.0), {}, DataError, r"lat must be within \[-90, 90\], got nan"),
    ("NaN lon", ("F1", 22.5, NAN), {}, DataError, r"lon must be within \[-180, 180\], got nan"),
    ("lat as text", ("F1", "22.5", 114.0), {}, ColumnTypeError, r"lat must be a number, got str"),
    ("lon as bool", ("F1", 22.5, True), {}, ColumnTypeError, r"lon must be a number, got bool"),
    ("qty 0", ("F1", *SZ), {"qty": 0}, DataError, r"qty must be >= 1, got 0"),
    ("negative qty", ("F1", *SZ), {"qty": -2}, DataError, r"qty must be >= 1, got -2"),
    (
        "fractional qty",
        ("F1", *SZ),
        {"qty": 1.5},
        ColumnTypeError,
        r"qty must be an int, got float",
    ),
    ("negative max_km", ("F1", *SZ), {"max_km": -1}, DataError, r"max_km must be >= 0, got -1"),
    ("NaN max_km", ("F1", *SZ), {"max_km": NAN}, DataError, r"max_km must be >= 0, got nan"),
    (
        "max_km as text",
        ("F1", *SZ),
        {"max_km": "50"},
        ColumnTypeError,
        r"max_km must be a number or None, got str",
    ),
]


@pytest.mark.parametrize(
    ("args", "options", "error", "message"),
    [case[1:] for case in NEAREST_ERRORS],
    ids=[case[0] for case in NEAREST_ERRORS],
)
def test_nearest_stocked_rejects_bad_arguments(inventory, args, options, error, message):
    with pytest.raises(error, match=message):
        inventory.nearest_stocked(*args, **options)


def test_numpy_scalars_are_accepted(inventory):
    offer = inventory.nearest_stocked(
        "F1", np.float32(SZ[0]), np.float64(SZ[1]), qty=np.int64(3), max_km=np.float64(200)
    )
    assert offer.warehouse_id == "C-GZ"


# -- nearest stocked, many lines -----------------------------------------------------------------

SHOPS = {"SZ": SZ, "BJ": BJ, "PANYU": PANYU, "SH": SH}
PARTS = ["F1", "F2", "F3", "B1", "B2", "W1"]
QTYS = [1, 3, 11]


def every_line() -> Columns:
    lines: Columns = {"lat": [], "lon": [], "part_id": [], "qty": []}
    for shop in SHOPS.values():
        for part in PARTS:
            for qty in QTYS:
                lines["lat"].append(shop[0])
                lines["lon"].append(shop[1])
                lines["part_id"].append(part)
                lines["qty"].append(qty)
    return lines


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"substitutes": False},
        {"max_km": 100},
        {"fastest": True},
        {"fastest": True, "max_km": 1100, "substitutes": False},
    ],
    ids=["default", "no-substitutes", "max_km", "fastest", "fastest-max_km-no-substitutes"],
)
def test_many_lines_give_the_scalar_answer_line_by_line(inventory, options):
    lines = every_line()
    table = inventory.nearest_stocked_many(lines, **options)
    assert table.num_rows == len(lines["part_id"])
    rows = table.to_pylist()
    for i, row in enumerate(rows):
        offer = inventory.nearest_stocked(
            lines["part_id"][i], lines["lat"][i], lines["lon"][i], qty=lines["qty"][i], **options
        )
        if offer is None:
            assert set(row.values()) == {None}, (i, row)
        else:
            assert row == {**offer.__dict__}, (i, row)
    assert {row["warehouse_id"] is None for row in rows} == {True, False}


def test_many_lines_table_has_the_documented_columns(inventory):
    table = inventory.nearest_stocked_many(
        {"lat": [SZ[0], SZ[0]], "lon": [SZ[1], SZ[1]], "part_id": ["F1", "F3"], "qty": [1, 2]}
    )
    assert table.column_names == ["warehouse_id", "part_id", "substitute", "km", "tier", "hours"]
    assert table.schema.field("km").type == pa.float64()
    assert table.schema.field("substitute").type == pa.bool_()
    assert table.schema.field("hours").type == pa.float64()
    assert table.to_pylist()[0] == {
        "warehouse_id": "F-SZ",
        "part_id": "F1",
        "substitute": False,
        "km": 0.0,
        "tier": "1-3h",
        "hours": 3.0,
    }
    assert [table.column(name).null_count for name in table.column_names] == [1] * 6


def code_lines(inventory: ym.Inventory, lines: Columns) -> OrderLines:
    return OrderLines(
        lat=np.array(lines["lat"], np.float64),
        lon=np.array(lines["lon"], np.float64),
        part=inventory.catalog.part_ids.codes(lines["part_id"]),
        qty=np.array(lines["qty"], np.int64),
    )


@pytest.mark.parametrize(
    "options", [{}, {"substitutes": False, "max_km": 100}, {"fastest": True}], ids=str
)
def test_nearest_stocked_codes_are_the_many_lines_answer_in_codes(inventory, options):
    lines = every_line()
    table = inventory.nearest_stocked_many(lines, **options)
    warehouse, part, substitute, km, rule = inventory.nearest_stocked_codes(
        code_lines(inventory, lines), **options
    )
    found = warehouse >= 0
    assert inventory.warehouse_ids.decode_masked(warehouse).to_pylist() == (
        table.column("warehouse_id").to_pylist()
    )
    assert inventory.catalog.part_ids.decode_masked(np.where(found, part, -1)).to_pylist() == (
        table.column("part_id").to_pylist()
    )
    assert substitute[found].astype(bool).tolist() == (
        table.column("substitute").drop_null().to_pylist()
    )
    assert km[found].tolist() == table.column("km").drop_null().to_pylist()
    names = inventory.tiers.rule_tiers()[0]
    tiers = [names[r] if r >= 0 else None for r in rule.tolist()]
    assert tiers == table.column("tier").to_pylist()


@pytest.mark.parametrize(
    "change, error, message",
    [
        ({"part": [0, 6]}, DataError, r"lines.part must be within \[-1, 5\], got 6 at row 1"),
        ({"part": [0]}, DataError, r"lines.lat must be one value per line, got shape \(2,\)"),
        ({"lat": [0.0, float("nan")]}, DataError, r"lines.lat must be within .*got nan at row 1"),
        ({"lon": [181.0, 0.0]}, DataError, r"lines.lon must be within \[-180, 180\]"),
        ({"qty": [1, 0]}, DataError, r"lines.qty must be within \[1, .*got 0 at row 1"),
    ],
)
def test_nearest_stocked_codes_reject_arrays_the_kernel_cannot_take(
    inventory, change, error, message
):
    lines = {"lat": [SZ[0]] * 2, "lon": [SZ[1]] * 2, "part": [0, 1], "qty": [1, 1]}
    lines.update(change)
    with pytest.raises(error, match=message):
        inventory.nearest_stocked_codes(OrderLines(**{k: np.array(v) for k, v in lines.items()}))


def test_nearest_stocked_codes_take_only_order_lines(inventory):
    with pytest.raises(ColumnTypeError, match="lines must be OrderLines, got dict"):
        inventory.nearest_stocked_codes({"part": [0]})


def test_a_batch_cut_over_threads_gives_the_same_rows(catalog):
    inventory = ym.Inventory.from_tables(catalog, warehouses=warehouses(), stock=stock())
    lines = every_line()
    small = inventory.nearest_stocked_many(lines, fastest=True)
    copies = 120_000 // len(lines["part_id"]) + 1  # past two threads' worth of lines
    big = inventory.nearest_stocked_many(
        {name: values * copies for name, values in lines.items()}, fastest=True
    )
    assert big.num_rows == small.num_rows * copies
    assert big.equals(pa.concat_tables([small] * copies))


def test_qty_defaults_to_one(inventory):
    table = inventory.nearest_stocked_many({"lat": [SZ[0]], "lon": [SZ[1]], "part_id": ["F1"]})
    assert table.column("warehouse_id").to_pylist() == ["F-SZ"]


def test_an_empty_line_table_gives_an_empty_answer(inventory):
    empty = pa.table(
        {
            "lat": pa.array([], pa.float64()),
            "lon": pa.array([], pa.float64()),
            "part_id": pa.array([], pa.string()),
        }
    )
    table = inventory.nearest_stocked_many(empty)
    assert table.num_rows == 0
    assert table.column_names[:2] == ["warehouse_id", "part_id"]


@pytest.mark.parametrize("form", FORMS)
def test_many_lines_accept_every_table_form(inventory, form):
    lines = every_line()
    expected = inventory.nearest_stocked_many(lines)
    assert inventory.nearest_stocked_many(FORMS[form](lines)).equals(expected)


def test_unknown_part_raises_or_gives_a_row_of_nulls(inventory):
    lines = {"lat": [SZ[0]] * 3, "lon": [SZ[1]] * 3, "part_id": ["F1", "F9", "B2"]}
    with pytest.raises(UnknownIdError, match=r"part_id 'F9' at row 1 is not in the catalogue"):
        inventory.nearest_stocked_many(lines)
    rows = inventory.nearest_stocked_many(lines, on_unknown="skip").to_pylist()
    assert [row["warehouse_id"] for row in rows] == ["F-SZ", None, "F-SZ"]
    assert set(rows[1].values()) == {None}


MANY_ERRORS = [
    (
        "no part_id",
        {"lat": [1.0], "lon": [1.0]},
        {},
        MissingColumnError,
        r"lines is missing required column\(s\) part_id",
    ),
    (
        "no lat",
        {"lon": [1.0], "part_id": ["F1"]},
        {},
        MissingColumnError,
        r"lines is missing required column\(s\) lat",
    ),
    (
        "lat out of range",
        {"lat": [10.0, -95.0], "lon": [1.0, 1.0], "part_id": ["F1", "F1"]},
        {},
        DataError,
        r"lines\.lat must be within \[-90, 90\], got -95\.0 at row 1",
    ),
    (
        "NaN lon",
        {"lat": [10.0], "lon": [NAN], "part_id": ["F1"]},
        {},
        DataError,
        r"lines\.lon must be within \[-180, 180\], got nan at row 0",
    ),
    (
        "qty 0",
        {"lat": [1.0], "lon": [1.0], "part_id": ["F1"], "qty": [0]},
        {},
        DataError,
        r"lines\.qty must be >= 1, got 0 at row 0",
    ),
    (
        "null part",
        {"lat": [1.0], "lon": [1.0], "part_id": [None]},
        {"on_unknown": "skip"},
        DataError,
        r"lines\.part_id must not be null, got null at row 0",
    ),
    (
        "bad on_unknown",
        {"lat": [1.0], "lon": [1.0], "part_id": ["F1"]},
        {"on_unknown": "drop"},
        DataError,
        r"on_unknown must be 'raise' or 'skip', got 'drop'",
    ),
    (
        "negative max_km",
        {"lat": [1.0], "lon": [1.0], "part_id": ["F1"]},
        {"max_km": -0.5},
        DataError,
        r"max_km must be >= 0, got -0\.5",
    ),
    ("not a table", ["F1"], {}, ColumnTypeError, r"lines must be a pyarrow Table"),
]


@pytest.mark.parametrize(
    ("lines", "options", "error", "message"),
    [case[1:] for case in MANY_ERRORS],
    ids=[case[0] for case in MANY_ERRORS],
)
def test_many_lines_reject_bad_input(inventory, lines, options, error, message):
    with pytest.raises(error, match=message):
        inventory.nearest_stocked_many(lines, **options)


# -- delivery tiers ------------------------------------------------------------------------------

TierRule, DeliveryTiers = ym.TierRule, ym.DeliveryTiers

RULE_ERRORS = [
    ("empty name", ("", 3), {}, r"TierRule\.tier must be a non-empty string, got ''"),
    ("name not a string", (3, 3), {}, r"TierRule\.tier must be a non-empty string, got 3"),
    ("negative hours", ("x", -1), {}, r"TierRule\.hours must be a number >= 0, got -1"),
    ("NaN hours", ("x", NAN), {}, r"TierRule\.hours must be a number >= 0, got nan"),
    ("bool hours", ("x", True), {}, r"TierRule\.hours must be a number >= 0, got True"),
    ("negative max_km", ("x", 3), {"max_km": -5}, r"TierRule\.max_km must be a number >= 0"),
    ("NaN max_km", ("x", 3), {"max_km": NAN}, r"TierRule\.max_km must be a number >= 0, got nan"),
    ("no kinds", ("x", 3), {"kinds": ()}, r"TierRule\.kinds must be None or a non-empty tuple"),
    ("kinds a string", ("x", 3), {"kinds": "front"}, r"TierRule\.kinds must be None or a non"),
    ("no categories", ("x", 3), {"categories": []}, r"TierRule\.categories must be None or a"),
    (
        "category not a string",
        ("x", 3),
        {"categories": ("tyres", 7)},
        r"TierRule\.categories must be None or a non-empty tuple of strings",
    ),
]


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [case[1:] for case in RULE_ERRORS],
    ids=[case[0] for case in RULE_ERRORS],
)
def test_tier_rule_rejects_bad_values(args, options, message):
    with pytest.raises(DataError, match=message):
        TierRule(*args, **options)


def test_tier_rule_keeps_a_list_of_kinds_as_a_tuple():
    assert TierRule("x", 1, kinds=["front"]).kinds == ("front",)


@pytest.mark.parametrize(
    ("rules", "error", "message"),
    [
        ([], DataError, r"DeliveryTiers needs 1 to 32 rules, got 0"),
        (
            [TierRule(f"t{i}", i) for i in range(33)],
            DataError,
            r"DeliveryTiers needs 1 to 32 rules, got 33",
        ),
        ([TierRule("a", 3), ("b", 24)], ColumnTypeError, r"rule 1 must be a TierRule, got tuple"),
        (
            [TierRule("slow", 24), TierRule("fast", 3)],
            DataError,
            r"rules must be ordered fastest first: rule 1 \('fast', 3 h\) comes after 'slow'",
        ),
    ],
    ids=["none", "too many", "not a rule", "out of order"],
)
def test_delivery_tiers_reject_bad_rule_sets(rules, error, message):
    with pytest.raises(error, match=message):
        DeliveryTiers(rules)


def test_thirty_two_rules_and_equal_hours_are_fine():
    tiers = DeliveryTiers([TierRule(f"t{i // 2}", i // 2) for i in range(32)])
    assert tiers.names == [f"t{i}" for i in range(16)]


@pytest.mark.parametrize(
    ("kind", "km", "category", "tier"),
    [
        ("front", 0.0, None, "1-3h"),
        ("front", 50.0, None, "1-3h"),
        ("front", 50.001, None, "next-day"),
        ("central", 12.0, None, "next-day"),
        ("central", 800.0, "tyres", "next-day"),
        ("central", 800.5, None, "2-3d"),
        ("front", 5000.0, None, "2-3d"),
        ("depot", 1.0, None, "next-day"),
    ],
)
def test_default_tiers(kind, km, category, tier):
    assert DeliveryTiers.default().tier_of(kind, km, category) == tier


def test_tier_names_and_ranks():
    tiers = DeliveryTiers.default()
    assert tiers.names == ["1-3h", "next-day", "2-3d"]
    assert [tiers.rank(name) for name in tiers.names] == [0, 1, 2]
    assert tiers.rule_tiers() == (["1-3h", "next-day", "2-3d"], [3.0, 24.0, 72.0])
    with pytest.raises(DataError, match=r"unknown tier 'same-day'; the tiers are 1-3h, next-day"):
        tiers.rank("same-day")


PADS_ONLY = DeliveryTiers(
    [
        TierRule("1-3h", 3, max_km=50, kinds=("front",), categories=("brake pads",)),
        TierRule("next-day", 24, max_km=800),
        TierRule("2-3d", 72),
    ]
)


def test_tier_of_a_category_restricted_rule():
    assert PADS_ONLY.tier_of("front", 10.0, "brake pads") == "1-3h"
    assert PADS_ONLY.tier_of("front", 10.0, "oil filter") == "next-day"
    assert PADS_ONLY.tier_of("front", 10.0) == "1-3h"  # no category: every rule may apply


def test_category_restricted_rules_through_an_inventory(catalog, impl):
    inventory = ym.Inventory.from_tables(
        catalog, warehouses=warehouses(), stock=stock(), tiers=PADS_ONLY, kernels=impl
    )
    assert inventory.tiers is PADS_ONLY
    assert inventory.nearest_stocked("F1", *SZ).tier == "next-day"  # an oil filter
    assert inventory.nearest_stocked("B2", *SZ).tier == "1-3h"  # brake pads
    assert inventory.nearest_stocked("B1", *PANYU, fastest=True).warehouse_id == "F-DG"
    table = inventory.nearest_stocked_many(
        {"lat": [SZ[0], SZ[0]], "lon": [SZ[1], SZ[1]], "part_id": ["F1", "B2"]}
    )
    assert table.column("tier").to_pylist() == ["next-day", "1-3h"]
    assert table.column("hours").to_pylist() == [24.0, 3.0]


def test_fastest_ignores_a_front_warehouse_whose_rule_skips_the_category(catalog, impl):
    filters_only = DeliveryTiers(
        [
            TierRule("1-3h", 3, max_km=50, kinds=("front",), categories=("oil filter",)),
            TierRule("next-day", 24),
        ]
    )
    inventory = ym.Inventory.from_tables(
        catalog, warehouses=warehouses(), stock=stock(), tiers=filters_only, kernels=impl
    )
    offer = inventory.nearest_stocked("B1", *PANYU, fastest=True)
    assert (offer.warehouse_id, offer.tier) == ("C-GZ", "next-day")


def test_without_a_catch_all_rule_far_offers_have_no_tier(catalog, impl):
    front_only = DeliveryTiers([TierRule("1-3h", 3, max_km=50, kinds=("front",))])
    inventory = ym.Inventory.from_tables(
        catalog, warehouses=warehouses(), stock=stock(), tiers=front_only, kernels=impl
    )
    offer = inventory.nearest_stocked("F1", *SZ, qty=3)
    assert (offer.warehouse_id, offer.tier, offer.hours) == ("C-GZ", None, None)
    fastest = inventory.nearest_stocked("B1", *PANYU, fastest=True)
    assert (fastest.warehouse_id, fastest.tier) == ("F-DG", "1-3h")
    row = inventory.nearest_stocked_many({"lat": [SZ[0]], "lon": [SZ[1]], "part_id": ["F3"]})
    assert row.to_pylist()[0]["warehouse_id"] == "C-SH"
    assert row.to_pylist()[0]["tier"] is None and row.to_pylist()[0]["hours"] is None


# -- stock_of ------------------------------------------------------------------------------------


def test_stock_of_lists_a_parts_rows_by_warehouse(inventory):
    table = inventory.stock_of("F1")
    assert table.column_names == ["warehouse_id", "on_hand", "available"]
    assert table.column("warehouse_id").to_pylist() == ["C-GZ", "C-SH", "F-SZ"]
    assert table.column("on_hand").to_pylist() == [10, 50, 2]
    assert table.column("available").to_pylist() == [10, 50, 2]
    assert inventory.stock_of("F3").to_pydict() == {
        "warehouse_id": ["C-SH", "F-BJ"],
        "on_hand": [1, 0],
        "available": [1, 0],
    }


def test_stock_of_a_part_stocked_nowhere_is_empty(inventory):
    assert inventory.stock_of("W1").num_rows == 0


def test_stock_of_an_unknown_part_raises(inventory):
    with pytest.raises(UnknownIdError, match=r"part_id 'F9' is not in the catalogue"):
        inventory.stock_of("F9")


# -- reservations --------------------------------------------------------------------------------


def available(inventory: ym.Inventory) -> dict[tuple[str, str], tuple[int, int]]:
    """(warehouse, part) -> (on hand, available) over the whole network."""
    found = {}
    for part in PARTS:
        for row in inventory.stock_of(part).to_pylist():
            found[row["warehouse_id"], part] = (row["on_hand"], row["available"])
    return found


def plan_for(inventory: ym.Inventory, parts: list[str], qty: list[int], shop=SZ):
    return inventory.source_order({"part_id": parts, "qty": qty}, *shop)


def test_reserving_a_plan_hides_its_stock_from_queries(inventory):
    before = available(inventory)
    plan = plan_for(inventory, ["F1", "B2"], [2, 1])
    assert plan.shipments.column("warehouse_id").to_pylist() == ["F-SZ"]
    reservation = inventory.reserve("A-1", plan)
    assert reservation.state == "reserved" and reservation.order_id == "A-1"
    assert inventory.reservation("A-1") == reservation
    after = available(inventory)
    assert after["F-SZ", "F1"] == (2, 0)
    assert after["F-SZ", "B2"] == (2, 1)
    assert {k: v for k, v in after.items() if k not in {("F-SZ", "F1"), ("F-SZ", "B2")}} == {
        k: v for k, v in before.items() if k not in {("F-SZ", "F1"), ("F-SZ", "B2")}
    }
    assert inventory.nearest_stocked("F1", *SZ).warehouse_id == "C-GZ"
    assert inventory.nearest_stocked("B2", *SZ, qty=2).part_id == "B1"  # substitute now
    many = inventory.nearest_stocked_many({"lat": [SZ[0]], "lon": [SZ[1]], "part_id": ["F1"]})
    assert many.column("warehouse_id").to_pylist() == ["C-GZ"]


def test_reserving_a_substitute_takes_the_shipped_part(inventory):
    plan = plan_for(inventory, ["B2"], [3])
    line = plan.lines.to_pylist()[0]
    assert (line["warehouse_id"], line["shipped_part_id"], line["substitute"]) == (
        "C-GZ",
        "B1",
        True,
    )
    inventory.reserve("A-1", plan)
    state = available(inventory)
    assert state["C-GZ", "B1"] == (4, 1)
    assert state["F-SZ", "B2"] == (2, 2)


def test_reserving_repeated_lines_takes_their_sum(inventory):
    plan = plan_for(inventory, ["F1", "B2", "F1"], [1, 1, 1])
    assert plan.shipments.column("warehouse_id").to_pylist() == ["F-SZ"]
    reservation = inventory.reserve("A-1", plan)
    assert reservation.qty.sum() == 3
    assert available(inventory)["F-SZ", "F1"] == (2, 0)


def test_reserving_again_is_idempotent(inventory):
    plan = plan_for(inventory, ["F1"], [2])
    first = inventory.reserve("A-1", plan)
    state = available(inventory)
    assert inventory.reserve("A-1", plan) == first
    assert available(inventory) == state


def test_reserving_an_order_id_again_with_other_lines_raises(inventory):
    inventory.reserve("A-1", plan_for(inventory, ["F1"], [1]))
    state = available(inventory)
    with pytest.raises(ReservationError, match=r"order 'A-1' is already reserved with other"):
        inventory.reserve("A-1", plan_for(inventory, ["F1"], [2]))
    assert available(inventory) == state


def test_release_gives_the_stock_back(inventory):
    before = available(inventory)
    inventory.reserve("A-1", plan_for(inventory, ["F1", "B2"], [2, 2]))
    inventory.release("A-1")
    assert available(inventory) == before
    assert inventory.reservation("A-1").state == "released"
    assert inventory.nearest_stocked("F1", *SZ).warehouse_id == "F-SZ"
    inventory.release("A-1")  # releasing twice does nothing
    assert available(inventory) == before
    with pytest.raises(ReservationError, match=r"order 'A-1' was released"):
        inventory.reserve("A-1", plan_for(inventory, ["F1"], [2]))
    with pytest.raises(ReservationError, match=r"order 'A-1' was released"):
        inventory.commit("A-1")


def test_commit_lowers_on_hand(inventory):
    inventory.reserve("A-1", plan_for(inventory, ["F1"], [2]))
    inventory.commit("A-1")
    assert available(inventory)["F-SZ", "F1"] == (0, 0)
    assert inventory.reservation("A-1").state == "committed"
    inventory.commit("A-1")  # committing twice does nothing
    assert available(inventory)["F-SZ", "F1"] == (0, 0)
    with pytest.raises(ReservationError, match=r"order 'A-1' is committed"):
        inventory.release("A-1")
    assert inventory.nearest_stocked("F1", *SZ).warehouse_id == "C-GZ"


def test_a_plan_whose_stock_was_taken_raises_and_changes_nothing(inventory):
    first = plan_for(inventory, ["F1", "B2"], [2, 2])
    # planned before `first` is reserved, from the same warehouse
    second = plan_for(inventory, ["B2", "F1"], [1, 1])
    assert second.shipments.column("warehouse_id").to_pylist() == ["F-SZ"]
    inventory.reserve("A-1", first)
    state = available(inventory)
    with pytest.raises(ReservationError, match=r"order 'A-2': .*nothing was reserved"):
        inventory.reserve("A-2", second)
    assert available(inventory) == state
    assert inventory.reservation("A-2") is None


def test_a_plan_filling_no_line_cannot_be_reserved(inventory):
    plan = plan_for(inventory, ["W1"], [1])
    assert plan.fill_rate == 0.0
    with pytest.raises(ReservationError, match=r"order 'A-1': the plan fills no line"):
        inventory.reserve("A-1", plan)


def test_unknown_orders_and_bad_order_ids(inventory):
    assert inventory.reservation("nope") is None
    with pytest.raises(UnknownIdError, match=r"order 'nope' has no reservation"):
        inventory.release("nope")
    with pytest.raises(UnknownIdError, match=r"order 'nope' has no reservation"):
        inventory.commit("nope")
    with pytest.raises(ColumnTypeError, match=r"order_id must be a string, got int"):
        inventory.reserve(17, plan_for(inventory, ["F1"], [1]))  # type: ignore[arg-type]


def test_a_plan_of_another_inventory_over_other_stock_is_refused(catalog, inventory):
    other = ym.Inventory.from_tables(
        catalog,
        warehouses=warehouses(),
        stock={"warehouse_id": ["F-BJ"], "part_id": ["F1"], "qty": [5]},
    )
    plan = plan_for(other, ["F1"], [1], shop=BJ)
    with pytest.raises(ReservationError, match=r"warehouse 'F-BJ' holds no part 'F1'"):
        inventory.reserve("A-1", plan)


def test_the_journal_brings_a_rebuilt_inventory_to_the_same_state(catalog, impl, tmp_path):
    journal = tmp_path / "j"
    first = ym.Inventory.from_tables(
        catalog, warehouses=warehouses(), stock=stock(), journal=journal, kernels=impl
    )
    first.reserve("A-1", plan_for(first, ["F1", "B2"], [2, 1]))
    first.reserve("A-2", plan_for(first, ["F1"], [4]))
    first.reserve("A-3", plan_for(first, ["F3"], [1]))
    first.commit("A-1")
    first.release("A-3")
    state = available(first)
    answers = first.nearest_stocked_many(every_line())
    first.close()
    again = ym.Inventory.from_tables(
        make_catalog(impl), warehouses=warehouses(), stock=stock(), journal=journal, kernels=impl
    )
    try:
        assert available(again) == state
        assert state["F-SZ", "F1"] == (0, 0) and state["C-GZ", "F1"] == (10, 6)
        assert [again.reservation(o).state for o in ("A-1", "A-2", "A-3")] == [
            "committed",
            "reserved",
            "released",
        ]
        assert again.nearest_stocked_many(every_line()).equals(answers)
        again.commit("A-2")  # the replayed reservation can go on
        assert available(again)["C-GZ", "F1"] == (6, 6)
    finally:
        again.close()


def test_a_journal_of_other_stock_is_refused(catalog, tmp_path):
    journal = tmp_path / "j"
    first = ym.Inventory.from_tables(
        catalog, warehouses=warehouses(), stock=stock(), journal=journal
    )
    first.reserve("A-1", plan_for(first, ["F1"], [1]))
    first.close()
    with pytest.raises(JournalError, match=r"the stock snapshot changed"):
        ym.Inventory.from_tables(
            catalog,
            warehouses=warehouses(),
            stock=stock(qty=[2, 2, 10, 4, 50, 1, 5, 1, 3, 9]),
            journal=journal,
        )


def test_a_journal_has_one_writer(catalog, tmp_path):
    journal = tmp_path / "j"
    first = ym.Inventory.from_tables(
        catalog, warehouses=warehouses(), stock=stock(), journal=journal
    )
    try:
        with pytest.raises(JournalError, match=r"is open in another ledger"):
            ym.Inventory.from_tables(
                catalog, warehouses=warehouses(), stock=stock(), journal=journal
            )
    finally:
        first.close()


# -- the sample network --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples(samples_dir: Path) -> tuple[ym.Catalog, ym.Inventory]:
    catalog = ym.Catalog.from_parquet(samples_dir)
    return catalog, ym.Inventory.from_parquet(catalog, samples_dir)


@pytest.fixture(scope="module")
def shops(samples_dir: Path) -> dict[str, tuple[float, float]]:
    table = pq.read_table(samples_dir / "shops.parquet").to_pylist()
    return {row["shop_id"]: (row["lat"], row["lon"]) for row in table}


def test_samples_build(samples):
    _, inventory = samples
    assert repr(inventory) == "<Inventory: 42 warehouses, 34,166 stock rows>"


def test_samples_dongguan_shop_gets_every_part_of_the_front_warehouse_next_door(
    samples, shops, samples_dir
):
    _, inventory = samples
    held = pl.read_parquet(samples_dir / "stock.parquet").filter(
        (pl.col("warehouse_id") == "WH-DG-F1") & (pl.col("qty") > 0)
    )
    assert held.height > 100
    shop = shops["S001"]
    lines = {
        "lat": [shop[0]] * held.height,
        "lon": [shop[1]] * held.height,
        "part_id": held["part_id"].to_list(),
    }
    found = inventory.nearest_stocked_many(lines)
    assert set(found.column("warehouse_id").to_pylist()) == {"WH-DG-F1"}
    assert set(found.column("tier").to_pylist()) == {"1-3h"}
    assert max(found.column("km").to_pylist()) < 10
    assert not any(found.column("substitute").to_pylist())


def test_samples_urumqi_shop_waits_two_to_three_days(samples, shops):
    _, inventory = samples
    offer = inventory.nearest_stocked("P0100001", *shops["S026"])
    assert offer.tier == "2-3d" and offer.km > 2000


@pytest.mark.parametrize(
    ("part", "substitutes"),
    [("P0100027", {"P0100028", "P0100029"}), ("P0500153", {"P0500150", "P0500151", "P0500152"})],
)
def test_samples_out_of_stock_parts_get_substitutes(samples, shops, part, substitutes):
    _, inventory = samples
    offer = inventory.nearest_stocked(part, *shops["S001"])
    assert offer.substitute and offer.part_id in substitutes
    assert inventory.nearest_stocked(part, *shops["S001"], substitutes=False) is None


@pytest.mark.parametrize("part", ["P1400010", "P2200022"])
def test_samples_parts_without_stock_or_substitutes_give_nothing(samples, shops, part):
    _, inventory = samples
    assert inventory.nearest_stocked(part, *shops["S001"]) is None


def test_samples_both_kernels_agree_on_every_order_line(samples, samples_dir):
    catalog, inventory = samples
    reference = ym.Inventory.from_parquet(catalog, samples_dir, kernels="reference")
    orders = pq.read_table(samples_dir / "orders.parquet")
    for options in ({}, {"fastest": True}, {"substitutes": False, "max_km": 500}):
        got = inventory.nearest_stocked_many(orders, **options)
        expected = reference.nearest_stocked_many(orders, **options)
        assert got.drop_columns(["km"]).equals(expected.drop_columns(["km"]))
        km = got.column("km").to_numpy(zero_copy_only=False)
        assert np.allclose(
            km,
            expected.column("km").to_numpy(zero_copy_only=False),
            rtol=0,
            atol=TOLERANCE_KM,
            equal_nan=True,
        )
        assert got.column("warehouse_id").null_count < orders.num_rows / 4
