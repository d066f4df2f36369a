"""Builders of the hand-checked sample catalogue; ``tools/make_samples.py`` writes it.

The facts are the hand-written tables of ``tools/sample_data/`` (see its README); the modules
here turn them into rows: ``vehicles`` (series, generations, configurations, engines),
``brands`` (OE and aftermarket brands, part-number formats and known numbers), ``catalogue``
(parts and fitment rows being collected), ``categories`` (the parts of each category),
``tables`` (the parts, fitments and requests tables), ``oe`` (the OE numbers each part
replaces), ``supersessions`` (old -> new number chains), ``vins`` (VIN patterns of the vehicles)
and ``vin_samples`` (sample VINs to decode); for stock, ``places`` (cities, warehouses and repair
shops), ``stock`` (what each warehouse holds), ``orders`` (the shops' orders and repair
baskets) and ``choice`` (choices drawn from hashes).
"""

from __future__ import annotations

import pyarrow as pa

from .catalogue import Fleet, build_apps
from .categories import build_catalogue
from .oe import oe_numbers_table, oe_rows
from .orders import basket_rows, baskets_table, order_rows, orders_table
from .places import load_shops, load_warehouses, shops_table, warehouses_table
from .stock import build_stock, stock_table
from .supersessions import check_supersessions, supersession_rows, supersessions_table
from .tables import fitments_table, parts_table, requests_table
from .vehicles import build_vehicles, vehicles_table
from .vin_samples import vin_rows, vins_table
from .vins import build_patterns, vin_patterns_table

__all__ = ["build_tables"]


def build_tables() -> dict[str, pa.Table]:
    vehicles = build_vehicles()
    fleet = Fleet(vehicles, build_apps(vehicles, False), build_apps(vehicles, True))
    cat = build_catalogue(fleet)
    oe = oe_rows(cat)
    supersessions = supersession_rows()
    check_supersessions(supersessions, cat.parts, oe)
    patterns = build_patterns(vehicles)
    warehouses, shops = load_warehouses(), load_shops()
    stock = build_stock(cat, oe, warehouses, len(vehicles))
    vehicle_ids = [v.vehicle_id for v in vehicles]
    return {
        "vehicles": vehicles_table(vehicles),
        "parts": parts_table(cat),
        "fitments": fitments_table(cat),
        "requests": requests_table(fleet, cat),
        "oe_numbers": oe_numbers_table(oe),
        "supersessions": supersessions_table(supersessions),
        "vin_patterns": vin_patterns_table(patterns),
        "vins": vins_table(vin_rows(vehicles, patterns)),
        "warehouses": warehouses_table(warehouses),
        "stock": stock_table(stock),
        "shops": shops_table(shops),
        "orders": orders_table(order_rows(cat, vehicle_ids, shops, stock.out_everywhere)),
        "baskets": baskets_table(basket_rows(cat, vehicle_ids, shops)),
    }
