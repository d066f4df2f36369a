"""Every public entry point taking strings or tables, fed hostile input: only typed errors escape.

Hypothesis mutates small valid tables (one column's values replaced by text with lone
surrogates, control and full-width characters, huge or NaN numbers, values of mixed types; a
column name repeated; every row dropped) and calls the scalar queries with the same values.
Each call may succeed or raise a :class:`YunpeiMatchError`; any other exception fails the test.
The catalogue and inventory are built once for the module, so the file runs in seconds.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yunpei_match as ym
from yunpei_match.batch import (
    FitmentJob,
    NearestStockedJob,
    NumberLookupJob,
    NumberSearchJob,
    OffersJob,
    SourcingJob,
    VinDecodeJob,
    run_job,
)

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

Columns = dict[str, list[Any]]

VIN = "LFV2A21K6A3092399"  # a valid Chinese VIN (check digit 6)
SHOP = (22.99, 113.70)
CATALOG_TABLES: dict[str, Columns] = {
    "vehicles": {
        "vehicle_id": ["V1", "V2", "V3"],
        "make": ["大众", "大众", "丰田"],
        "model": ["迈腾", "迈腾", "凯美瑞"],
        "year": [2019, 2020, 2021],
        "engine": ["2.0T", "1.4T", "2.5L"],
    },
    "parts": {
        "part_id": ["P1", "P2", "P3"],
        "brand": ["Mann-Filter", "Bosch", "Brembo"],
        "part_number": ["W 712/95", "0 986 452 041", "P 83 124"],
        "category": ["oil filter", "oil filter", "brake pads"],
    },
    "fitments": {
        "part_id": ["P1", "P3", "P2"],
        "vehicle_id": ["V1", "V2", None],
        "make": [None, None, "大众"],
        "model": [None, None, "迈腾"],
        "year_from": [None, None, 2019],
        "year_to": [None, None, 2020],
        "position": [None, "front", None],
        "qty": [1, 2, 1],
    },
    "oe_numbers": {"part_id": ["P1", "P2"], "oe_number": ["06J115403Q", "06J115403Q"]},
    "supersessions": {"old_number": ["W 712/94"], "new_number": ["W 712/95"]},
    "vin_patterns": {"pattern": ["LFV2A21K" + "*" * 9], "vehicle_id": ["V1"]},
}
STOCK_TABLES: dict[str, Columns] = {
    "warehouses": {
        "warehouse_id": ["W-DG", "W-GZ"],
        "lat": [23.02, 23.13],
        "lon": [113.75, 113.26],
        "kind": ["front", "central"],
    },
    "stock": {
        "warehouse_id": ["W-DG", "W-GZ", "W-GZ"],
        "part_id": ["P1", "P2", "P3"],
        "qty": [3, 5, 1],
    },
}
LINES: Columns = {
    "order_id": ["O1", "O1", "O2"],
    "part_id": ["P1", "P3", "P2"],
    "lat": [SHOP[0]] * 3,
    "lon": [SHOP[1]] * 3,
    "qty": [1, 2, 1],
}
REQUESTS: Columns = {
    "request_id": ["R1", "R2", "R3"],
    "vehicle_id": ["V1", "V2", None],
    "vin": [None, None, VIN],
    "category": ["oil filter", "brake pads", None],
    "number": ["w71295", "P83124", "06J 115 403 Q"],
    "part_id": ["P1", "P3", "P2"],
    "lat": [SHOP[0]] * 3,
    "lon": [SHOP[1]] * 3,
    "qty": [1, 1, 2],
}

# -- hostile values ------------------------------------------------------------------------------

NASTY = ["\ud800", "\udfff", "\x00", "\t", "\u3000", "Ｗ７１２", "  ", "", "\u200b💥", "P1 "]
KNOWN = ["P1", "V1", "W 712/95", "oil filter", VIN, "front", "FRONT ", "W-DG", "O1"]
# Lone surrogates, which ``st.characters`` leaves out unless asked, come from the NASTY ones.
characters = st.one_of(st.characters(), st.sampled_from("\ud800\udfff\x00\u3000Ｗ"))
texts = st.one_of(
    st.sampled_from(NASTY + KNOWN),
    st.builds("".join, st.lists(st.one_of(characters, st.sampled_from(NASTY)), max_size=8)),
)
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70),
    st.sampled_from([10**400, -(10**400), 2**62 + 1, 2**63, 2**64, 0, -1, True]),
)
values = st.one_of(texts, numbers, st.none())


def arrow_columns(n: int) -> list[pa.Array]:
    """Columns of ``n`` rows in Arrow types and layouts a caller might hand over."""
    return [
        pa.array(["P1"] * n, pa.string_view()),
        pa.array(["V1"] * n, pa.large_string()),
        pa.array([b"\xff"] * n, pa.binary()),
        pa.array([["P1"]] * n),
        pa.array([{"a": 1}] * n),
        pa.array([decimal.Decimal("1.5")] * n),
        pa.array([datetime.date(2020, 1, 1)] * n),
        pa.array([2**64 - 1] * n, pa.uint64()),
        pa.array([1.0] * n, pa.float32()),
        pa.DictionaryArray.from_arrays(pa.array([0] * n, pa.int8()), pa.array(["P1"])),
        pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int32()), pa.array(["P1"])),
        pa.array([1] * n).dictionary_encode(),
        pc.run_end_encode(pa.array(["P1"] * n)),
        pa.nulls(n),
    ]


@st.composite
def columns(draw: st.DrawFn, n: int) -> list[Any] | pa.Array:
    """``n`` values: all text, all numbers, a mix (the pandas object column case), or an
    Arrow column of another type or layout."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(arrow_columns(n)))
    kind = draw(st.sampled_from([texts, numbers, values]))
    return draw(st.lists(kind, min_size=n, max_size=n))


@st.composite
def mutated(draw: st.DrawFn, base: Columns, extra: tuple[str, ...] = ()) -> Any:
    """``base`` with one column's values replaced (or added), in one of the accepted forms,
    perhaps with a column name repeated or every row dropped."""
    table: dict[str, Any] = {name: list(column) for name, column in base.items()}
    n = len(next(iter(table.values())))
    name = draw(st.sampled_from(sorted({*table, *extra})))
    table[name] = draw(columns(n))
    if draw(st.booleans()):
        table = {key: column[:0] for key, column in table.items()}
    form = draw(st.sampled_from(["dict", "arrow", "repeated", "polars", "batch"]))
    if form == "dict":
        return table
    try:
        arrow = pa.table(table)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return table  # not representable in Arrow: the dict itself is the hostile input
    if form == "repeated":
        return arrow.append_column(name, arrow.column(name))
    if form == "polars":
        try:
            return pl.from_arrow(arrow)
        except Exception:  # polars refuses some Arrow values; the Arrow table is then used
            return arrow
    return arrow.to_batches()[0] if form == "batch" and arrow.num_rows else arrow


def typed(call: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run ``call``; a YunpeiMatchError is an accepted outcome, anything else fails."""
    with contextlib.suppress(ym.YunpeiMatchError):
        call(*args, **kwargs)


# -- shared catalogue ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog() -> ym.Catalog:
    return ym.Catalog.from_tables(**CATALOG_TABLES)


@pytest.fixture(scope="module")
def inventory(catalog: ym.Catalog) -> ym.Inventory:
    return ym.Inventory.from_tables(catalog, **STOCK_TABLES)


OPTIONAL = {
    "vehicles": ("trim", "produced_from"),
    "parts": ("universal", "name"),
    "fitments": ("engine", "note"),
    "oe_numbers": ("oe_brand",),
    "supersessions": ("brand",),
    "vin_patterns": (),
    "warehouses": ("kind", "city"),
    "stock": ("price", "seller_id"),
}


@pytest.mark.parametrize("name", list(CATALOG_TABLES))
@SETTINGS
@given(data=st.data())
def test_catalog_from_tables(name: str, data: st.DataObject) -> None:
    table = data.draw(mutated(CATALOG_TABLES[name], OPTIONAL[name]))
    typed(ym.Catalog.from_tables, **{**CATALOG_TABLES, name: table})


@pytest.mark.parametrize("name", list(STOCK_TABLES))
@SETTINGS
@given(data=st.data())
def test_inventory_from_tables(catalog: ym.Catalog, name: str, data: st.DataObject) -> None:
    table = data.draw(mutated(STOCK_TABLES[name], OPTIONAL[name]))
    typed(ym.Inventory.from_tables, catalog, **{**STOCK_TABLES, name: table})


@SETTINGS
@given(text=texts, other=values)
def test_string_queries(
    catalog: ym.Catalog, inventory: ym.Inventory, text: Any, other: Any
) -> None:
    fitment, numbers_ = catalog.fitment, catalog.numbers
    for value in (text, other):
        typed(ym.normalize_number, value)
        typed(numbers_.lookup, value)
        typed(numbers_.lookup, "W 712/95", brand=value)
        typed(numbers_.search, value)
        typed(numbers_.latest, value)
        typed(numbers_.interchange, value)
        typed(fitment.parts_for_vehicle, value)
        typed(fitment.parts_for_vehicle, "V1", category=value)
        typed(fitment.parts_for_vin, value)
        typed(fitment.vehicles_for_part, value)
        typed(fitment.fits, value, "V1")
        typed(ym.validate_vin, value)
        typed(ym.decode_vin, value)
        typed(catalog.vins.vehicles_for_vin, value)
        typed(inventory.stock_of, value)
        typed(inventory.nearest_stocked, value, *SHOP)
        typed(
            catalog.offers, vin=value, category=value, lat=SHOP[0], lon=SHOP[1], inventory=inventory
        )
        typed(inventory.source_order, {"part_id": ["P1"]}, *SHOP, within=value)
        typed(inventory.fill_rate, {**REQUESTS, "vehicle_id": [value] * 3}, within=value)
        typed(ym.TierRule, value, 1, kinds=(value,), categories=(value,))


@SETTINGS
@given(batch=st.one_of(st.lists(values, max_size=4), texts, numbers))
def test_batch_queries(catalog: ym.Catalog, batch: Any) -> None:
    for call in (
        ym.normalize_numbers,
        catalog.numbers.lookup_many,
        catalog.numbers.search_many,
        catalog.fitment.parts_for_vehicles,
        catalog.fitment.vehicles_for_parts,
        ym.validate_vins,
        ym.decode_vins,
        catalog.vins.vehicles_for_vins,
    ):
        typed(call, batch)


@SETTINGS
@given(lat=values, lon=values, qty=values, max_km=values)
def test_numeric_arguments(
    inventory: ym.Inventory, lat: Any, lon: Any, qty: Any, max_km: Any
) -> None:
    typed(inventory.nearest_stocked, "P1", lat, lon)
    typed(inventory.nearest_stocked, "P1", *SHOP, qty=qty, max_km=max_km)
    typed(inventory.source_order, {"part_id": ["P1"], "qty": [1]}, lat, lon, max_km=max_km)
    typed(inventory.catalog.numbers.search, "W 712", max_edits=qty, limit=max_km)
    typed(inventory.source_order, {"part_id": ["P1"]}, *SHOP, max_shipments=qty)
    typed(ym.TierRule, "x", lat, max_km=max_km)
    typed(
        inventory.catalog.offers,
        vehicle_id="V1",
        category="oil filter",
        lat=lat,
        lon=lon,
        qty=qty,
        inventory=inventory,
    )


@SETTINGS
@given(data=st.data())
def test_line_tables(inventory: ym.Inventory, data: st.DataObject) -> None:
    lines = data.draw(mutated(LINES))
    requests = data.draw(mutated(REQUESTS))
    typed(inventory.nearest_stocked_many, lines)
    typed(inventory.source_orders, lines)
    typed(inventory.source_order, lines, *SHOP)
    typed(inventory.fill_rate, requests)
    typed(inventory.catalog.offers_many, requests, inventory=inventory)


def _jobs(catalog: ym.Catalog, inventory: ym.Inventory) -> list[Any]:
    return [
        FitmentJob(catalog),
        NumberLookupJob(catalog),
        NumberSearchJob(catalog),
        VinDecodeJob(),
        NearestStockedJob(inventory),
        OffersJob(inventory),
        SourcingJob(inventory),
    ]


@settings(SETTINGS, max_examples=25)
@given(data=st.data())
def test_batch_jobs_on_a_file(
    catalog: ym.Catalog, inventory: ym.Inventory, tmp_path: Path, data: st.DataObject
) -> None:
    table = data.draw(mutated({**REQUESTS, **LINES}))
    if not isinstance(table, pa.Table):
        return  # only an Arrow table can be written as the request file
    source = tmp_path / "requests.parquet"
    try:
        pq.write_table(table, source)
    except pa.ArrowNotImplementedError:
        return  # parquet cannot hold the column (run-end encoded): no request file carries it
    for job in _jobs(catalog, inventory):
        typed(run_job, job, source, tmp_path / "out.parquet")


def test_batch_jobs_on_damaged_files(samples_dir: Path, tmp_path: Path) -> None:
    """Byte-flipped copies of the sample requests: a read error names the file, or rows are
    rejected (some flips decode to dictionary indices past the dictionary)."""
    catalog = ym.Catalog.from_parquet(samples_dir)
    original = (samples_dir / "requests.parquet").read_bytes()
    rng = random.Random(1)
    for attempt in range(100):
        damaged = bytearray(original)
        for _ in range(3):
            damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
        source = tmp_path / f"damaged{attempt}.parquet"
        source.write_bytes(bytes(damaged))
        typed(run_job, FitmentJob(catalog), source, tmp_path / "out.parquet")


def test_batch_job_on_a_file_whose_column_name_is_not_utf8(
    catalog: ym.Catalog, tmp_path: Path
) -> None:
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"vehicle_id": ["V1"], "request_id": ["R1"]}), good, store_schema=False)
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(good.read_bytes().replace(b"request_id", b"request\xff\xfeX"))
    with pytest.raises(ym.DataError, match=r"^requests: cannot read .*damaged\.parquet: 'utf-8'"):
        run_job(FitmentJob(catalog), damaged, tmp_path / "out.parquet")
