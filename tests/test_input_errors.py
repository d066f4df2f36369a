"""Input the library used to let through as a builtin exception or accept silently, table-driven.

Each case names the exception class, the builtin it must also be and a regular expression for
the message, which names the table or argument, the column, the row and the value.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import yunpei_match as ym
from yunpei_match.batch import VinDecodeJob, run_job
from yunpei_match.errors import ColumnTypeError, DataError, YunpeiMatchError
from yunpei_match.stock.tiers import DeliveryTiers, TierRule

Columns = dict[str, list[Any]]

VEHICLES: Columns = {
    "vehicle_id": ["V1", "V2"],
    "make": ["丰田", "丰田"],
    "model": ["凯美瑞", "凯美瑞"],
    "year": [2019, 2020],
}
PARTS: Columns = {
    "part_id": ["P1", "P2"],
    "brand": ["Mann-Filter", "Brembo"],
    "part_number": ["W 712/95", "P 83 124"],
    "category": ["oil filter", "brake pads"],
}
WAREHOUSES: Columns = {
    "warehouse_id": ["W-DG", "W-SH"],
    "lat": [23.0205, 31.2304],
    "lon": [113.7518, 121.4737],
    "kind": ["front", "central"],
}
STOCK: Columns = {"warehouse_id": ["W-DG", "W-SH"], "part_id": ["P1", "P1"], "qty": [2, 9]}
SHOP = (22.9944, 113.7049)  # 东莞, 5 km from W-DG


def build(**tables: Any) -> ym.Catalog:
    return ym.Catalog.from_tables(**{"vehicles": VEHICLES, "parts": PARTS, **tables})


def stocked(**tables: Any) -> ym.Inventory:
    return ym.Inventory.from_tables(build(), **{"warehouses": WAREHOUSES, "stock": STOCK, **tables})


def repeated(table: Columns, name: str) -> pa.Table:
    """``table`` as Arrow with column ``name`` a second time at the end (Arrow allows it)."""
    arrow = pa.table(table)
    return arrow.append_column(name, arrow.column(name))


def raises(call: Callable[[], Any], error: type[Exception], builtin: type, message: str) -> None:
    with pytest.raises(error, match=message) as caught:
        call()
    assert isinstance(caught.value, YunpeiMatchError)
    assert isinstance(caught.value, builtin)


TABLE_ERRORS = [
    pytest.param(
        lambda: build(vehicles={**VEHICLES, "vehicle_id": ["V1", "  "]}),
        DataError,
        r"^vehicles\.vehicle_id must not be blank, got '  ' at row 1$",
        id="blank-vehicle-id",
    ),
    pytest.param(
        lambda: build(parts={**PARTS, "part_id": ["", "P2"]}),
        DataError,
        r"^parts\.part_id must not be blank, got '' at row 0$",
        id="empty-part-id",
    ),
    pytest.param(
        lambda: build(parts={**PARTS, "category": ["oil filter", "\u3000"]}),
        DataError,
        r"^parts\.category must not be blank, got '\u3000' at row 1$",
        id="ideographic-space-category",
    ),
    pytest.param(
        lambda: build(parts=pl.DataFrame({**PARTS, "part_id": ["P1", " "]})),
        DataError,
        r"^parts\.part_id must not be blank, got ' ' at row 1$",
        id="blank-part-id-polars",
    ),
    pytest.param(
        lambda: stocked(warehouses={**WAREHOUSES, "warehouse_id": ["W-DG", "\t"]}),
        DataError,
        r"^warehouses\.warehouse_id must not be blank, got '\\t' at row 1$",
        id="blank-warehouse-id",
    ),
    pytest.param(
        lambda: stocked(warehouses={**WAREHOUSES, "kind": ["front", "store"]}),
        DataError,
        r"^warehouses\.kind must be 'front' or 'central' \(case and surrounding spaces aside\), "
        r"got 'store' at row 1$",
        id="unknown-kind",
    ),
    pytest.param(
        lambda: build(vehicles={**VEHICLES, "vehicle_id": ["V1", "V\ud800"]}),
        DataError,
        r"^vehicles\.vehicle_id must be valid Unicode text, got 'V\\ud800' at row 1$",
        id="lone-surrogate-id",
    ),
    pytest.param(
        lambda: build(vehicles={**VEHICLES, "year": [2019, "2020"]}),
        ColumnTypeError,
        r"^vehicles\.year must hold values of one type, got int64 at row 0 and string "
        r"\('2020'\) at row 1$",
        id="mixed-int-and-str",
    ),
    pytest.param(
        lambda: build(vehicles={**VEHICLES, "year": np.array([2019, "2020"], dtype=object)}),
        ColumnTypeError,
        r"^vehicles\.year must hold values of one type",
        id="mixed-object-array",
    ),
    pytest.param(
        lambda: build(vehicles={**VEHICLES, "year": [2019, 2020j]}),
        ColumnTypeError,
        r"^vehicles\.year cannot hold complex values, got 2020j at row 1$",
        id="value-arrow-cannot-hold",
    ),
    pytest.param(
        lambda: build(vehicles=repeated(VEHICLES, "vehicle_id")),
        DataError,
        r"^vehicles\.vehicle_id must be one column, got 2 columns of that name "
        r"\(positions 0 and 4\)$",
        id="repeated-column",
    ),
    pytest.param(
        lambda: stocked(stock=repeated(STOCK, "qty")),
        DataError,
        r"^stock\.qty must be one column, got 2 columns",
        id="repeated-stock-column",
    ),
    pytest.param(
        lambda: stocked(warehouses={**WAREHOUSES, "lat": [23.0, 10**400]}),
        DataError,
        r"^warehouses\.lat must fit in 64 bits, got 1000.*\.\.\.00 at row 1$",
        id="int-past-64-bits",
    ),
    pytest.param(
        lambda: stocked(warehouses={**WAREHOUSES, "lat": [23.0, 2**62 + 1]}),
        DataError,
        r"^warehouses\.lat mixes floats with integers, got 4611686018427387905 at row 1, "
        r"which no float holds exactly$",
        id="int-past-float-precision",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), TABLE_ERRORS)
def test_table_input_errors(call: Callable[[], Any], error: type[Exception], message: str) -> None:
    raises(call, error, error.__mro__[2], message)


@pytest.fixture(scope="module")
def inventory() -> ym.Inventory:
    return stocked()


ARGUMENT_ERRORS = [
    pytest.param(
        lambda inv: ym.normalize_number("W\ud800"),
        DataError,
        r"^a part number must be valid Unicode text, got 'W\\ud800' \(a lone surrogate at "
        r"position 1\)$",
        id="normalize-number-surrogate",
    ),
    pytest.param(
        lambda inv: ym.normalize_numbers(["W 712", "\udfff"]),
        DataError,
        r"^numbers must be valid Unicode text, got '\\udfff' at row 1$",
        id="normalize-numbers-surrogate",
    ),
    pytest.param(
        lambda inv: inv.catalog.numbers.lookup("W 712/95", brand="\ud800"),
        DataError,
        r"^brand must be valid Unicode text",
        id="lookup-brand-surrogate",
    ),
    pytest.param(
        lambda inv: inv.catalog.numbers.search("\ud800"),
        DataError,
        r"^a part number must be valid Unicode text",
        id="search-surrogate",
    ),
    pytest.param(
        lambda inv: inv.catalog.fitment.parts_for_vehicles(["V1", "\ud800"]),
        DataError,
        r"^vehicle_id values must be valid Unicode text, got '\\ud800' at row 1$",
        id="parts-for-vehicles-surrogate",
    ),
    pytest.param(
        lambda inv: inv.catalog.fitment.parts_for_vehicle("\ud800"),
        DataError,
        r"^vehicle_id must be valid Unicode text",
        id="parts-for-vehicle-surrogate",
    ),
    pytest.param(
        lambda inv: inv.catalog.fitment.parts_for_vehicles(["V1", 2]),
        ColumnTypeError,
        r"^vehicle_id values must hold strings, got int 2 at row 1$",
        id="ids-mixed-with-int",
    ),
    pytest.param(
        lambda inv: inv.nearest_stocked("P1", 10**400, 113.0),
        DataError,
        r"^lat must be within \[-90, 90\], got 1000.*\.\.\.00$",
        id="lat-past-float",
    ),
    pytest.param(
        lambda inv: inv.nearest_stocked("P1", *SHOP, qty=2**62 + 1),
        DataError,
        r"^qty must be <= 4611686018427387904, got 4611686018427387905$",
        id="qty-too-large",
    ),
    pytest.param(
        lambda inv: inv.nearest_stocked("P1", *SHOP, max_km=float("-inf")),
        DataError,
        r"^max_km must be >= 0, got -inf$",
        id="max-km-minus-inf",
    ),
    pytest.param(
        lambda inv: inv.nearest_stocked("P1", *SHOP, max_km=True),
        ColumnTypeError,
        r"^max_km must be a number or None, got bool$",
        id="max-km-bool",
    ),
    pytest.param(
        lambda inv: inv.source_order({"part_id": ["P1"]}, 1.0, -(10**400)),
        DataError,
        r"^lon must be within \[-180, 180\], got -1000.*\.\.\.00$",
        id="source-order-lon-past-float",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), ARGUMENT_ERRORS)
def test_argument_errors(
    inventory: ym.Inventory, call: Callable[[Any], Any], error: type[Exception], message: str
) -> None:
    raises(lambda: call(inventory), error, error.__mro__[2], message)


def test_a_huge_max_km_means_no_limit(inventory: ym.Inventory) -> None:
    far = inventory.nearest_stocked("P1", *SHOP, qty=5, max_km=10**400)
    assert far is not None and far.warehouse_id == "W-SH"


@pytest.mark.parametrize("kind", ["FRONT", "front ", " Front\t"])
def test_warehouse_kind_is_trimmed_and_case_folded(kind: str) -> None:
    inventory = stocked(warehouses={**WAREHOUSES, "kind": [kind, "CENTRAL"]})
    assert inventory.warehouses.column("kind").to_pylist() == ["front", "central"]
    offer = inventory.nearest_stocked("P1", *SHOP)
    assert offer is not None and offer.warehouse_id == "W-DG"
    assert offer.tier == DeliveryTiers.default().tier_of("front", offer.km) == "1-3h"


def test_tier_rule_kinds_follow_the_warehouse_kind_rule() -> None:
    assert TierRule("1-3h", 3, max_km=50, kinds=(" FRONT",)).kinds == ("front",)
    raises(
        lambda: TierRule("1-3h", 3, kinds=("front", "store")),
        DataError,
        ValueError,
        r"^TierRule\.kinds must name 'front' or 'central', got 'store'$",
    )


def test_string_views_and_run_end_encoded_columns_are_read_as_plain_ones() -> None:
    """pyarrow can neither take nor sort these layouts; the build does both to every column."""
    views = pa.table({**PARTS, "part_id": pa.array(PARTS["part_id"], pa.string_view())})
    notes = pa.compute.run_end_encode(pa.array(["a", "a"]))
    catalog = build(parts=views.append_column("note", notes))
    assert catalog.parts.column("part_id").to_pylist() == ["P2", "P1"]
    assert catalog.parts.column("note").type == pa.string()


OFFER_REQUEST: Columns = {
    "vehicle_id": ["V1"],
    "category": ["oil filter"],
    "lat": [SHOP[0]],
    "lon": [SHOP[1]],
}


@pytest.mark.parametrize(
    ("qty", "shown"),
    [
        (pa.array([2**62 + 1], pa.int64()), "4611686018427387905"),
        (pa.array([2**64 - 1], pa.uint64()), "18446744073709551615"),
    ],
    ids=["past-the-limit", "uint64-max"],
)
def test_requests_qty_past_the_limit_says_so(
    inventory: ym.Inventory, qty: pa.Array, shown: str
) -> None:
    requests = pa.table({**OFFER_REQUEST, "qty": qty})
    raises(
        lambda: inventory.catalog.offers_many(requests, inventory=inventory),
        DataError,
        ValueError,
        rf"^requests\.qty must be <= 4611686018427387904, got {shown} at row 0$",
    )


def test_batch_size_past_int64_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "vins.parquet"
    pq.write_table(pa.table({"vin": ["LFV2A21K6A3092399"]}), source)
    raises(
        lambda: run_job(VinDecodeJob(), source, tmp_path / "out.parquet", batch_size=2**63),
        DataError,
        ValueError,
        r"^batch_size must be <= 9223372036854775807, got 9223372036854775808$",
    )
