"""Seeded stock data: warehouses and stock, order lines, multi-line orders and offer requests.

Shared by the side-by-side workloads (``stock``, ``nearest``, ``stock_offers``) and
``benchmarks/test_bench_stock.py``, so that both time the same shapes of input.

Everything comes from ``yunpei_match.synth``: ``generate_numbers`` (OE numbers, whose shared
numbers make the interchange groups that give substitutes), ``generate_stock`` (warehouses in
Chinese cities, ~10 M stock rows at ``"L"``) and ``generate_orders`` (order lines from repair
shops near city centres, parts drawn as the parts of random stock rows, 5 % for parts nobody
has). The *stock catalogue* is the catalogue with those OE numbers and with the ``vin_patterns``
of ``vin_data``, so that one catalogue answers fitment, VIN and interchange questions.

Multi-line orders are orders of 2 to 8 lines (3.3 on average); a part repeated within an order
(rare: ``generate_orders`` redraws them) is dropped, so that a line is fillable exactly when
one warehouse holds its quantity, whatever sums a planner makes of repeated parts.

Offer requests are a (vehicle, category) that the vehicle has parts in, a VIN built on the
vehicle's VIN stem (``vin_data.vehicle_stems``: maker, model, engine and year characters, the
rest random, the check digit right) and a shop position drawn from the order lines' shops.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import yunpei_match
from yunpei_match import synth

from .vin_data import random_vins, vin_patterns_table, vin_strings, with_check_digits

ORDER_LINES_PER_ORDER = (2, 8)
MEAN_LINES_BOUND = 4  # lines generated per wanted order: more than the 3.3 of (2, 8)


@dataclass(frozen=True)
class OfferRequests:
    """Offer requests: VIN, vehicle id (the VIN's stem), category, shop position."""

    vin: list[str]
    vehicle_id: list[str]
    category: list[str]
    lat: np.ndarray
    lon: np.ndarray

    def __len__(self) -> int:
        return len(self.vin)

    def table(self) -> pa.Table:
        """The requests as an ``offers_many`` table by VIN."""
        return pa.table(
            {"vin": self.vin, "category": self.category, "lat": self.lat, "lon": self.lon}
        )


@dataclass(frozen=True)
class StockData:
    """The stock catalogue and inventory, and the inputs of the stock workloads."""

    catalog: yunpei_match.Catalog
    inventory: yunpei_match.Inventory
    warehouses: pa.Table
    stock: pa.Table
    vin_patterns: pa.Table
    lines: pa.Table  # order lines: order_id, lat, lon, part_id, qty
    orders: pa.Table  # multi-line orders, the same columns
    offers: OfferRequests


def stock_tables(
    tables: dict[str, pa.Table], scale: str, seed: int, shape: str = "default"
) -> dict[str, pa.Table]:
    """``oe_numbers``, ``warehouses`` and ``stock`` for the catalogue ``tables``."""
    out = synth.generate_numbers(tables, seed=seed)
    out |= synth.generate_stock(tables, scale=scale, seed=seed, shape=shape)
    return out


def stock_catalog(
    tables: dict[str, pa.Table], oe_numbers: pa.Table, vin_patterns: pa.Table
) -> yunpei_match.Catalog:
    """The catalogue with its fitments, OE numbers (interchange groups) and VIN patterns."""
    return yunpei_match.Catalog.from_tables(
        **tables, oe_numbers=oe_numbers, vin_patterns=vin_patterns
    )


def order_lines(
    tables: dict[str, pa.Table],
    stock: dict[str, pa.Table],
    n: int,
    seed: int,
    shape: str = "default",
) -> pa.Table:
    """``n`` order lines, orders of 1 to 8 lines (``synth.generate_orders``' default)."""
    return synth.generate_orders(tables, stock, n_lines=n, seed=seed, shape=shape)


def multi_line_orders(
    tables: dict[str, pa.Table],
    stock: dict[str, pa.Table],
    n_orders: int,
    seed: int,
    shape: str = "default",
) -> pa.Table:
    """The lines of ``n_orders`` orders of 2 to 8 lines, no part twice in an order."""
    lines = synth.generate_orders(
        tables,
        stock,
        n_lines=MEAN_LINES_BOUND * n_orders,
        lines_per_order=ORDER_LINES_PER_ORDER,
        seed=seed + 1,
        shape=shape,
    )
    order = pc.dictionary_encode(lines.column("order_id").combine_chunks()).indices.to_numpy()
    part = pc.dictionary_encode(lines.column("part_id").cast(pa.string()).combine_chunks())
    key = order.astype(np.int64) * (len(part.dictionary) + 1) + part.indices.to_numpy()
    first = np.zeros(len(key), bool)
    first[np.unique(key, return_index=True)[1]] = True
    return lines.filter(pa.array(first & (order < n_orders)))


def offer_requests(
    catalog: yunpei_match.Catalog, stems: np.ndarray, shops: pa.Table, n: int, seed: int
) -> OfferRequests:
    """``n`` offer requests for vehicles and categories that have parts (see the docstring)."""
    rng = np.random.default_rng(seed + 30)
    links = catalog._links
    indptr = links.vehicle_indptr()
    link = rng.integers(0, int(indptr[-1]), n)
    vehicle = np.searchsorted(indptr, link, side="right") - 1
    starts = links.category_start
    category = np.searchsorted(starts, links.link_part[link], side="right") - 1
    chars = random_vins(n, rng)
    stem = stems[vehicle]
    chars = with_check_digits(np.where(stem != ord("*"), stem, chars))
    shop = rng.integers(0, shops.num_rows, n)
    return OfferRequests(
        vin=vin_strings(chars).to_pylist(),
        vehicle_id=catalog.vehicle_ids.ids.take(pa.array(vehicle)).to_pylist(),
        category=catalog.category_ids.ids.take(pa.array(category)).to_pylist(),
        lat=shops.column("lat").to_numpy()[shop],
        lon=shops.column("lon").to_numpy()[shop],
    )


def make_stock_data(
    tables: dict[str, pa.Table],
    scale: str,
    seed: int,
    counts: tuple[int, int, int],
    shape: str = "default",
) -> StockData:
    """Everything the stock workloads need, from the catalogue ``tables``: ``counts`` are the
    order lines, multi-line orders and offer requests; ``shape`` that of stock and demand."""
    n_lines, n_orders, n_offers = counts
    generated = stock_tables(tables, scale, seed, shape)
    stock = {name: generated[name] for name in ("warehouses", "stock")}
    patterns, stems = vin_patterns_table(tables["vehicles"], seed)
    catalog = stock_catalog(tables, generated["oe_numbers"], patterns)
    inventory = yunpei_match.Inventory.from_tables(catalog, **stock)
    lines = order_lines(tables, stock, n_lines, seed, shape)
    return StockData(
        catalog=catalog,
        inventory=inventory,
        warehouses=stock["warehouses"],
        stock=stock["stock"],
        vin_patterns=patterns,
        lines=lines,
        orders=multi_line_orders(tables, stock, n_orders, seed, shape),
        offers=offer_requests(catalog, stems, lines, n_offers, seed),
    )
