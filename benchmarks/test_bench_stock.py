"""Stock benchmarks: nearest stocked warehouse, sourcing, offers, fill rate and reservations.

Seeded data at the scale of ``YUNPEI_BENCH_SCALE`` (see ``conftest.py``) from
``side_by_side.stock_data``, the generator the side-by-side comparison uses: warehouses and
stock from ``synth.generate_stock`` (500 warehouses and ~10 M stock rows at L), order lines and
multi-line orders from ``synth.generate_orders``, and offer requests (a VIN, a category the
vehicle has parts in, a shop near a city) over a catalogue with OE numbers (interchange groups,
so substitutes) and VIN patterns. Batch benchmarks store their request and result row counts in
``extra_info``. Nothing asserts on time.
"""

from __future__ import annotations

import itertools
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import yunpei_match
from benchmarks.conftest import BATCH_REQUESTS, SEED
from benchmarks.side_by_side.stock_data import StockData, make_stock_data

ORDERS = {"tiny": 1_000, "S": 10_000, "M": 30_000, "L": 100_000}
OFFER_REQUESTS = 1_000
SLOW = {"rounds": 3, "iterations": 1, "warmup_rounds": 1}


@pytest.fixture(scope="module")
def stock(tables: dict[str, pa.Table], scale: str) -> StockData:
    lines = BATCH_REQUESTS.get(scale, 100_000)
    counts = (lines, ORDERS.get(scale, 10_000), OFFER_REQUESTS)
    return make_stock_data(tables, scale, SEED, counts)


@pytest.fixture(scope="module")
def inventory(stock: StockData) -> yunpei_match.Inventory:
    return stock.inventory


@pytest.fixture(scope="module")
def lines(stock: StockData) -> pa.Table:
    return stock.lines.select(["lat", "lon", "part_id", "qty"])


@pytest.fixture(scope="module")
def requests(stock: StockData) -> pa.Table:
    """Offer requests by VIN, a tenth of the order lines' count."""
    return stock.offers.table().slice(0, max(1, stock.lines.num_rows // 10))


# -- nearest stocked ----------------------------------------------------------------------------


@pytest.mark.benchmark(group="stock: nearest_stocked_many")
@pytest.mark.parametrize("substitutes", [True, False], ids=["substitutes", "no-substitutes"])
def test_nearest_stocked_many(
    benchmark: Any, inventory: yunpei_match.Inventory, lines: pa.Table, substitutes: bool
) -> None:
    table = benchmark(inventory.nearest_stocked_many, lines, substitutes=substitutes)
    benchmark.extra_info["requests"] = lines.num_rows
    benchmark.extra_info["found"] = table.num_rows - table.column("warehouse_id").null_count


@pytest.mark.benchmark(group="stock: nearest_stocked")
def test_nearest_stocked(
    benchmark: Any, inventory: yunpei_match.Inventory, lines: pa.Table
) -> None:
    line = lines.slice(0, 1).to_pylist()[0]
    benchmark(
        inventory.nearest_stocked, str(line["part_id"]), line["lat"], line["lon"], qty=line["qty"]
    )


# -- sourcing -----------------------------------------------------------------------------------


@pytest.mark.benchmark(group="stock: source_orders")
def test_source_orders(benchmark: Any, inventory: yunpei_match.Inventory, stock: StockData) -> None:
    table = benchmark.pedantic(inventory.source_orders, args=(stock.orders,), **SLOW)
    benchmark.extra_info["orders"] = len(set(stock.orders.column("order_id").to_pylist()))
    benchmark.extra_info["requests"] = stock.orders.num_rows
    benchmark.extra_info["filled"] = table.column("filled").to_numpy(zero_copy_only=False).sum()


# -- offers -------------------------------------------------------------------------------------


@pytest.mark.benchmark(group="stock: offers")
@pytest.mark.parametrize("by", ["vin", "vehicle"])
def test_offers(
    benchmark: Any, inventory: yunpei_match.Inventory, stock: StockData, by: str
) -> None:
    request = stock.offers
    vehicle = {"vin": request.vin[0]} if by == "vin" else {"vehicle_id": request.vehicle_id[0]}
    table = benchmark(
        stock.catalog.offers,
        **vehicle,
        category=request.category[0],
        lat=float(request.lat[0]),
        lon=float(request.lon[0]),
        inventory=inventory,
    )
    benchmark.extra_info["rows"] = table.num_rows


@pytest.mark.benchmark(group="stock: offers_many")
def test_offers_many(
    benchmark: Any, inventory: yunpei_match.Inventory, stock: StockData, requests: pa.Table
) -> None:
    table = benchmark(stock.catalog.offers_many, requests, inventory=inventory)
    benchmark.extra_info["requests"] = requests.num_rows
    benchmark.extra_info["rows"] = table.num_rows


@pytest.mark.benchmark(group="stock: fill_rate")
def test_fill_rate(
    benchmark: Any, inventory: yunpei_match.Inventory, stock: StockData, requests: pa.Table
) -> None:
    baskets = requests.drop_columns(["vin"]).append_column(
        "vehicle_id", pa.array(stock.offers.vehicle_id[: requests.num_rows])
    )
    result = benchmark(inventory.fill_rate, baskets)
    benchmark.extra_info["requests"] = baskets.num_rows
    benchmark.extra_info["rate"] = result.rate


# -- reservations -------------------------------------------------------------------------------


@pytest.mark.benchmark(group="stock: reserve + release")
def test_reserve_release(
    benchmark: Any, inventory: yunpei_match.Inventory, stock: StockData
) -> None:
    """One order's plan reserved and released again, under a new order id each time."""
    orders = stock.orders
    for order_id in pc.unique(orders.column("order_id")).to_pylist():
        order = orders.filter(pc.equal(orders.column("order_id"), order_id))
        at = order.column("lat")[0].as_py(), order.column("lon")[0].as_py()
        plan = inventory.source_order(order.select(["part_id", "qty"]), *at)
        if plan.fill_rate == 1.0 and plan.lines.num_rows > 1:
            break
    ids = (f"bench-{i}" for i in itertools.count())

    def cycle() -> None:
        order_id = next(ids)
        inventory.reserve(order_id, plan)
        inventory.release(order_id)

    # fixed rounds: the first cycle maps the id dictionaries once, which would skew calibration
    benchmark.pedantic(cycle, rounds=200, iterations=1, warmup_rounds=5)
    benchmark.extra_info["lines"] = plan.lines.num_rows
