"""Workloads nearest stocked, sourcing and offers: stock in a warehouse network.

nearest stocked
    Order lines (``stock_data.order_lines``: shop position, part, quantity) to the nearest
    warehouse holding the quantity of the part and its distance, substitutes off. Ours:
    ``StockIndex.nearest`` on codes (``Inventory.nearest_stocked_codes``, the kernel behind the
    API) is the reference, and ``nearest_stocked_many`` from the generated table (ids as generated:
    dictionary-encoded at M and L). Against (``nearest``): numpy (CSR gather, squared chords,
    ``minimum.reduceat``), DuckDB (join, haversine in SQL, ``min_by``), polars (join,
    haversine expressions, ``group_by``), scipy (``cKDTree`` over unit vectors, growing k) and
    scikit-learn (``BallTree(haversine)`` per (part, quantity) group). The rate counts lines.
nearest stocked (substitutes)
    The same lines through ``nearest_stocked_many`` with the default ``substitutes=True``
    (interchangeable parts searched when the part itself is nowhere): ours alone.
sourcing
    Multi-line orders (``stock_data.multi_line_orders``) to plans: ``source_orders`` with
    ``substitutes=False`` (fewest shipments, then least distance) against what a user writes
    without a planner, the nearest warehouse per line (DuckDB, polars, and ours). Checked: the
    same lines filled. The tool names give the shipments per order of each answer, which is
    what consolidation buys. One pass after a warm-up on the first orders; the rate counts
    orders.
offers
    One VIN, a category and a shop to the 10 best offers (substitutes on):
    ``catalog.offers(vin=...)`` against one parameterised DuckDB or SQLite query over VIN
    patterns, links, interchange groups, stock and warehouses (``stock_offers``). Median per
    call, over up to ``LOOKUP_CALLS`` requests or ``LOOKUP_BUDGET_S`` per tool; checked: the
    same offers in the same order.

Warehouse codes are compared as positions in sorted ``warehouse_id``; distances within 1e-6
km. Slow tools answer the first lines only (``sampled``), which their names say.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from yunpei_match.stock.tables import OrderLines

from . import nearest as near
from . import stock_offers as sql
from .data import Data, Stores
from .limit import Limit
from .rows import Row, race
from .sampled import Tool, one_pass, repeated, sampled_race, setup_fact
from .stock_data import StockData, make_stock_data
from .timing import clocked, timed, timed_per_call
from .vins import polars_masks

SOURCING_ORDERS = {"tiny": 1_000, "S": 10_000, "M": 30_000, "L": 100_000}
OFFER_REQUESTS = 2_000
OFFER_LIMIT = 10
SOURCING_WARM_UP = 1_000
# Lines the slow tools answer (all of them when fewer): ~2-4 s per run at L.
KDTREE_SAMPLE = {"tiny": 10_000, "S": 200_000, "M": 200_000, "L": 100_000}
BALLTREE_SAMPLE = {"tiny": 2_000, "S": 5_000, "M": 10_000, "L": 10_000}
OPTIONAL = {"scipy": "scipy", "sklearn": "scikit-learn"}
# What one line must at least touch (``limit``); the stock rows it scans are left out.
NEAREST_BYTES = 8 + 8 + 4 + 8 + 4 + 8
NEAREST_MODEL = (
    "per line 28 B read (float64 lat, lon; int32 part; int64 qty) + 12 B written (int32 "
    "warehouse, float64 km), the stock rows scanned left out"
)


def installed(tool: str) -> bool:
    try:
        __import__(tool)
    except ImportError:
        return False
    return True


class StockRun:
    """The data and stores of the stock workloads, and what the checks found on the way."""

    def __init__(self, data: Data, m: int, skip: set[str]) -> None:
        self.setup: dict[str, float] = {}
        self.ties: dict[str, int] = {}
        self.shipments: dict[str, float] = {}
        self.offer_calls: dict[str, int] = {}
        self.missing = [name for tool, name in OPTIONAL.items() if not installed(tool)]
        self.skip = skip | {tool for tool, name in OPTIONAL.items() if name in self.missing}
        self.n_orders = n_orders = SOURCING_ORDERS.get(data.scale, 10_000)
        self.stock: StockData = clocked(
            self.setup,
            "stock data and catalogue",
            lambda: make_stock_data(
                data.tables, data.scale, data.seed, (m, n_orders, OFFER_REQUESTS), data.shape
            ),
        )
        catalog = self.stock.catalog
        if not catalog.part_ids.ids.equals(data.catalog.part_ids.ids):
            raise AssertionError("the stock catalogue numbers parts unlike the catalogue")
        self.store = clocked(
            self.setup,
            "stock CSR by hand",
            lambda: near.stock_store(self.stock.warehouses, self.stock.stock, catalog),
        )
        self.to_store = near.ours_codes(self.store, self.stock.inventory)
        self.lines = near.lines_of(self.stock.lines, catalog)
        self.frame = clocked(self.setup, "polars stock frame", lambda: near.stock_frame(self.store))
        self.duck = None
        if "duckdb" not in skip:
            self.duck = duckdb.connect()
            clocked(
                self.setup,
                "duckdb stock table",
                lambda: near.duckdb_stock(self.duck, self.frame),
            )
        self.tree = None
        if "scipy" not in self.skip:
            self.tree = clocked(self.setup, "scipy cKDTree", lambda: near.kdtree(self.store))

    # -- conversions of answers to (warehouse in store codes, km) ------------------------------

    def nearest_answer(self, result: Any) -> tuple[np.ndarray, np.ndarray]:
        """(warehouse, km) from a kernel tuple, an API table or a baseline's pair."""
        if isinstance(result, pa.Table):
            codes = self.store_codes(result.column("warehouse_id"))
            km = result.column("km").to_numpy()
            return codes, np.where(codes >= 0, km, np.nan)
        if len(result) == 5:  # the kernel's (warehouse, part, substitute, km, rule)
            return self.to_store[result[0]], result[3]
        return result

    def store_codes(self, warehouse_id: pa.ChunkedArray) -> np.ndarray:
        """The store codes of a column of warehouse ids, -1 for null."""
        ids = warehouse_id.cast(pa.string())
        return pc.index_in(ids, self.store.ids).fill_null(-1).to_numpy().astype(np.int32)

    def ours_nearest(self, n: int, by_part: bool = False) -> tuple[np.ndarray, ...]:
        lines = self.lines
        inventory = self.stock.inventory
        if not by_part:
            ask = OrderLines(lines.lat[:n], lines.lon[:n], lines.part[:n], lines.qty[:n])
            return inventory.nearest_stocked_codes(ask, substitutes=False)
        order = np.argsort(lines.part[:n], kind="stable")
        ask = OrderLines(lines.lat[order], lines.lon[order], lines.part[order], lines.qty[order])
        found = inventory.nearest_stocked_codes(ask, substitutes=False)
        out = []
        for column in found:
            back = np.empty_like(column)
            back[order] = column
            out.append(back)
        return tuple(out)


def run_nearest(run: StockRun, scale: str, repeats: int, limit: Limit) -> list[Row]:
    stock, store, lines = run.stock, run.store, run.lines
    total = len(lines)
    api_lines = stock.lines.select(["lat", "lon", "part_id", "qty"])
    ids = (
        "dictionary" if pa.types.is_dictionary(api_lines.schema.field("part_id").type) else "string"
    )
    tools = {
        "ours: StockIndex.nearest (codes)": Tool(run.ours_nearest, total),
        f"ours: nearest_stocked_many ({ids} ids)": Tool(
            lambda n: stock.inventory.nearest_stocked_many(
                api_lines.slice(0, n), substitutes=False
            ),
            total,
        ),
        "ours: StockIndex.nearest, lines sorted by part first (argsort included)": Tool(
            lambda n: run.ours_nearest(n, by_part=True), total
        ),
        "numpy: CSR gather + squared chords + minimum.reduceat": Tool(
            lambda n: near.numpy_nearest(store, lines.head(n)), total
        ),
        "polars: join + haversine + group_by": Tool(
            lambda n: near.polars_nearest(run.frame, store, lines.head(n)), total
        ),
    }
    if run.duck is not None:
        tools["duckdb: join + haversine + min_by"] = Tool(
            lambda n: near.duckdb_nearest(run.duck, store, lines.head(n)), total
        )
    if run.tree is not None:
        tools["scipy: cKDTree of unit vectors, k = 4, 16, 64, all"] = Tool(
            lambda n: near.kdtree_nearest(run.tree, store, lines.head(n)),
            min(KDTREE_SAMPLE.get(scale, 100_000), total),
        )
    tools["sklearn: BallTree(haversine) per (part, qty)"] = Tool(
        lambda n: near.balltree_nearest(store, lines.head(n)),
        min(BALLTREE_SAMPLE.get(scale, 10_000), total),
    )

    def compare(what: str, expected: Any, got: Any, n: int) -> None:
        near.compare_nearest(what, expected, got, n, run.ties)

    rows = sampled_race(
        "nearest stocked",
        tools,
        run.skip,
        total=total,
        clock=repeated(repeats, run.nearest_answer),
        compare=compare,
    )
    rows += limit.row(rows, "nearest stocked", NEAREST_BYTES, 0, NEAREST_MODEL)
    seconds, _ = timed(lambda: stock.inventory.nearest_stocked_many(api_lines), repeats)
    tool = f"ours: nearest_stocked_many ({ids} ids), substitutes=True"
    return [*rows, Row("nearest stocked (substitutes)", tool, seconds, total, reference=True)]


# -- sourcing -----------------------------------------------------------------------------------


def run_sourcing(run: StockRun) -> list[Row]:
    stock, store, catalog = run.stock, run.store, run.stock.catalog
    orders = stock.orders
    order = pc.dictionary_encode(orders.column("order_id").combine_chunks()).indices.to_numpy()
    total = int(order.max()) + 1
    ends = np.searchsorted(order, np.arange(total + 1))  # lines of the first n orders: [0, ends[n])
    lines = near.lines_of(orders, catalog)
    api_lines = orders.select(["lat", "lon", "part_id", "qty"])

    def answer(result: Any) -> tuple[np.ndarray, np.ndarray]:
        """(filled, warehouse in store codes) per line."""
        if isinstance(result, pa.Table):
            codes = run.store_codes(result.column("warehouse_id"))
            return codes >= 0, codes
        warehouse = result[0]
        return warehouse >= 0, warehouse

    def compare(what: str, expected: Any, got: Any, n: int) -> None:
        filled, warehouse = got
        if not np.array_equal(expected[0][: ends[n]], filled):
            differ = int((expected[0][: ends[n]] != filled).sum())
            raise near.ResultMismatch(f"{what}: {differ:,} lines filled by one tool only")
        pairs = np.unique(order[: ends[n]][filled].astype(np.int64) * store.n_warehouses
                          + warehouse[filled])  # fmt: skip
        run.shipments[what] = len(pairs) / n

    tools = {
        "ours: source_orders": Tool(
            lambda n: stock.inventory.source_orders(orders.slice(0, ends[n]), substitutes=False),
            total,
        ),
        "ours: nearest_stocked_many per line": Tool(
            lambda n: stock.inventory.nearest_stocked_many(
                api_lines.slice(0, ends[n]), substitutes=False
            ),
            total,
        ),
        "polars: nearest warehouse per line": Tool(
            lambda n: near.polars_nearest(run.frame, store, lines.head(ends[n])), total
        ),
    }
    if run.duck is not None:
        tools["duckdb: nearest warehouse per line"] = Tool(
            lambda n: near.duckdb_nearest(run.duck, store, lines.head(ends[n])), total
        )
    rows = sampled_race(
        "sourcing",
        tools,
        run.skip,
        total=total,
        clock=one_pass(SOURCING_WARM_UP, answer),
        compare=compare,
    )
    shipments = {row.tool: run.shipments[f"sourcing, {row.tool}"] for row in rows}
    return [
        replace(row, tool=f"{row.tool}, {shipments[row.tool]:.2f} shipments/order") for row in rows
    ]


# -- offers -------------------------------------------------------------------------------------


def run_offers(run: StockRun, stores: Stores) -> list[Row]:
    stock, store, catalog = run.stock, run.store, run.stock.catalog
    requests = stock.offers
    inventory = stock.inventory
    vehicle = catalog.vehicle_ids.codes(stock.vin_patterns.column("vehicle_id"))
    masks = polars_masks(stock.vin_patterns, vehicle)
    tables = clocked(run.setup, "offers tables", lambda: sql.offer_tables(store, masks, catalog))
    tiers = sql.tier_case(inventory, store.kinds)
    category = catalog.category_ids.codes(pa.array(requests.category)).tolist()
    params = [
        {"vin": vin, "category": c, "lat": lat, "lon": lon, "qty": 1, "limit": OFFER_LIMIT}
        for vin, c, lat, lon in zip(
            requests.vin, category, requests.lat.tolist(), requests.lon.tolist(), strict=True
        )
    ]
    names = inventory.tiers.names

    def ours(i: int) -> pa.Table:
        return catalog.offers(
            vin=requests.vin[i],
            category=requests.category[i],
            lat=requests.lat[i],
            lon=requests.lon[i],
            inventory=inventory,
            limit=OFFER_LIMIT,
        )

    tools: dict[str, Callable[[int], Any]] = {"ours: catalog.offers(vin=...)": ours}
    if stores.duck is not None:
        clocked(
            run.setup, "duckdb offers tables", lambda: sql.duckdb_offers_store(stores.duck, tables)
        )
        duck_query = sql.offers_sql(masks, tiers, "$", "least", "JOIN")
        tools["duckdb: one query (patterns, links, groups, stock)"] = lambda i: sql.duckdb_offers(
            stores.duck, duck_query, params[i]
        )
    if stores.lite is not None:
        clocked(
            run.setup, "sqlite offers tables", lambda: sql.sqlite_offers_store(stores.lite, tables)
        )
        lite_query = sql.offers_sql(masks, tiers, ":", "min", "CROSS JOIN")
        tools["sqlite: one query, indexed"] = lambda i: sql.sqlite_offers(
            stores.lite, lite_query, params[i]
        )
    calls = [(i,) for i in range(len(requests))]

    def measure(fn: Callable[[int], Any]) -> tuple[float, list[list[tuple]]]:
        seconds, results = timed_per_call(fn, calls)
        return seconds, [
            sql.ours_offers(r, catalog, store, names) if isinstance(r, pa.Table) else list(r)
            for r in results
        ]

    def check(what: str, expected: list[list[tuple]], got: list[list[tuple]]) -> None:
        sql.compare_offers(what, expected, got)
        run.offer_calls[what.split(", ", 1)[1].split(":")[0]] = len(got)

    return race("offers", tools, run.skip, measure, check, lambda _: None)


# -- all ----------------------------------------------------------------------------------------


def run_stock(
    data: Data, stores: Stores, m: int, repeats: int, skip: set[str], limit: Limit
) -> tuple[list[Row], list[str]]:
    """The stock workloads not skipped (groups ``stock``, ``sourcing``, ``offers``), and facts."""
    started = time.perf_counter()
    run = StockRun(data, m, skip)
    rows: list[Row] = []
    if "stock" not in skip:
        rows += run_nearest(run, data.scale, repeats, limit)
    if "sourcing" not in skip:
        rows += run_sourcing(run)
    if "offers" not in skip:
        rows += run_offers(run, stores)
    return rows, stock_facts(run, m, time.perf_counter() - started)


def stock_facts(run: StockRun, m: int, seconds: float) -> list[str]:
    stock, store = run.stock, run.store
    kinds = dict(zip(*np.unique(store.kind, return_counts=True), strict=True))
    kind_text = ", ".join(f"{int(kinds.get(i, 0))} {k}" for i, k in enumerate(store.kinds))
    rows_per_line = np.diff(store.indptr)[run.lines.part].mean() if m else 0.0
    held = int((np.diff(store.indptr) > 0).sum())
    order_lines = stock.orders.num_rows
    ties = sum(run.ties.values())
    facts = [
        f"stock: {store.n_warehouses:,} warehouses ({kind_text}), {len(store.warehouse):,} stock "
        f"rows, {held:,} of {len(store.indptr) - 1:,} parts held somewhere; {m:,} order lines "
        f"whose parts have {rows_per_line:.1f} stock rows on average",
        "nearest stocked: substitutes off for every tool; rows/s counts lines; another "
        f"warehouse at the same distance (within 1e-6 km) counts as equal: {ties:,} such lines",
        f"sourcing: {run.n_orders:,} orders of 2 to 8 lines ({order_lines:,} lines), substitutes "
        f"off; one pass after a warm-up on {SOURCING_WARM_UP:,} orders; rows/s counts orders; "
        "checked: the same lines filled",
        f"offers: {OFFER_LIMIT} best for one VIN + category + shop, qty 1, substitutes on; "
        "median per call; calls made and checked: "
        + ", ".join(f"{tool} {calls:,}" for tool, calls in run.offer_calls.items()),
        setup_fact("stock workloads", run.setup) + f"; stock workloads ran in {seconds:.0f} s",
    ]
    if run.missing:
        facts.append(f"not installed, skipped: {', '.join(run.missing)}")
    return facts
