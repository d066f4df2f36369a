"""Stock: how many of each part each warehouse holds, one row per (warehouse, part) it lists.

The shape follows ``sample_data/stock_profiles.tsv``: per category, the share of parts a front
warehouse lists and the share a distribution centre lists, and the quantities each holds. Wear
and service parts (filters, pads, plugs, oil, bulbs, batteries) are in most front warehouses;
slow movers (dampers, control arms, timing and clutch kits, water pumps) are in the
distribution centres and only here and there in a front warehouse. Whether a warehouse lists a
part and how many it holds are drawn from a hash of the warehouse and the part, weighted by the
part's popularity (how many vehicles it fits against the part of its category that fits the
most) and the warehouse's assortment. A few listed rows are sold out (quantity 0).

On purpose, one part of each category in ``OUT_WITH_SUBSTITUTES`` is out of stock everywhere
while parts of its interchange group (parts sharing an OE or own number with it, directly or
through a chain, as the library groups them) are in stock; and one part of each category in
``OUT_ALONE``, a part with no interchangeable one, is out of stock everywhere too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyarrow as pa

from .catalogue import Catalogue
from .choice import unit
from .data import keyed, read_table
from .oe import number_key
from .places import Warehouse


@dataclass(frozen=True)
class Profile:
    velocity: str  # fast, medium or slow: documentation only, the shares and quantities say it
    front_share: float  # share of the category a front warehouse lists (for the most popular)
    front_qty: tuple[int, int]
    central_share: float
    central_qty: tuple[int, int]


def quantities(cell: str) -> tuple[int, int]:
    """``"4-40"`` -> ``(4, 40)``."""
    low, high = (int(part) for part in cell.split("-"))
    return low, high


PROFILES = keyed(
    (
        row["category"],
        Profile(
            row["velocity"],
            float(row["front_share"]),
            quantities(row["front_qty"]),
            float(row["central_share"]),
            quantities(row["central_qty"]),
        ),
    )
    for row in read_table("stock_profiles")
)
SOLD_OUT = {"front": 0.05, "central": 0.02}  # share of listed rows at quantity 0
OUT_WITH_SUBSTITUTES = (
    "oil filter",
    "air filter",
    "cabin filter",
    "brake pads",
    "brake discs",
    "spark plugs",
    "shock absorber",
    "timing kit",
)
OUT_ALONE = ("clutch kit", "transmission fluid")
STOCK_SCHEMA = pa.schema(
    [
        ("warehouse_id", pa.string()),
        ("part_id", pa.string()),
        ("qty", pa.int64()),
    ]
)


@dataclass(frozen=True)
class Stock:
    rows: list[dict]  # warehouse_id, part_id, qty; sorted by warehouse then part
    out_everywhere: tuple[str, ...]  # parts made out of stock everywhere, in category order
    groups: dict[str, frozenset[str]]  # part -> its interchange group (itself included)


def popularity(cat: Catalogue, vehicle_count: int) -> dict[str, float]:
    """Part -> square root of its vehicle count over the largest of its category, in (0, 1]."""
    fits: dict[str, set[str]] = {}
    for row in cat.fitments:
        fits.setdefault(row["part_id"], set()).update(row["vehicle_ids"])
    counts = {
        p["part_id"]: vehicle_count if p["universal"] else len(fits[p["part_id"]])
        for p in cat.parts
    }
    top: dict[str, int] = {}
    for p in cat.parts:
        top[p["category"]] = max(top.get(p["category"], 0), counts[p["part_id"]])
    return {p["part_id"]: math.sqrt(counts[p["part_id"]] / top[p["category"]]) for p in cat.parts}


def interchange_groups(cat: Catalogue, oe: list[dict[str, str]]) -> dict[str, frozenset[str]]:
    """Connected components of the graph of parts and their own and OE numbers (normalised)."""
    parent: dict[object, object] = {}

    def root(node: object) -> object:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    links = [(p["part_id"], p["part_number"]) for p in cat.parts]
    links += [(row["part_id"], row["oe_number"]) for row in oe]
    for part_id, number in links:
        parent[root(("part", part_id))] = root(("number", number_key(number)))
    members: dict[object, set[str]] = {}
    for p in cat.parts:
        members.setdefault(root(("part", p["part_id"])), set()).add(p["part_id"])
    return {pid: frozenset(group) for group in members.values() for pid in group}


def listed_qty(warehouse: Warehouse, part_id: str, profile: Profile, pop: float) -> int | None:
    """How many ``warehouse`` holds of the part (0: sold out), or None if it does not list it."""
    key = (warehouse.warehouse_id, part_id)
    if warehouse.kind == "front":
        share, (low, high), weight = profile.front_share, profile.front_qty, 0.25 + 0.75 * pop
    else:
        share, (low, high), weight = profile.central_share, profile.central_qty, 0.7 + 0.3 * pop
    if unit("listed", *key) >= min(1.0, share * weight * warehouse.assortment):
        return None
    if unit("sold out", *key) < SOLD_OUT[warehouse.kind]:
        return 0
    return low + int(unit("qty", *key) * (high - low + 1) * (0.3 + 0.7 * pop))


def choose_out(
    category: str, cat: Catalogue, listed: dict[str, int], groups: dict[str, frozenset[str]]
) -> str:
    """A part of ``category`` listed by at least 3 warehouses, with or without substitutes."""
    alone = category in OUT_ALONE
    candidates = [
        p["part_id"]
        for p in cat.parts
        if p["category"] == category
        and listed.get(p["part_id"], 0) >= 3
        and (len(groups[p["part_id"]]) == 1 if alone else len(groups[p["part_id"]]) >= 3)
    ]
    if not candidates:
        raise ValueError(f"no {category} part to put out of stock everywhere")
    return min(candidates, key=lambda part_id: unit("out of stock everywhere", part_id))


def check_substitutes(rows: list[dict], out: tuple[str, ...], groups: dict) -> None:
    in_stock = {row["part_id"] for row in rows if row["qty"] > 0}
    for part_id in out:
        if len(groups[part_id]) > 1 and not groups[part_id] & in_stock:
            raise ValueError(f"no part of the group of {part_id} is in stock")


def build_stock(
    cat: Catalogue, oe: list[dict[str, str]], warehouses: tuple[Warehouse, ...], vehicles: int
) -> Stock:
    pop = popularity(cat, vehicles)
    rows = []
    for warehouse in sorted(warehouses, key=lambda w: w.warehouse_id):
        for part in sorted(cat.parts, key=lambda p: p["part_id"]):
            part_id = part["part_id"]
            qty = listed_qty(warehouse, part_id, PROFILES[part["category"]], pop[part_id])
            if qty is not None:
                rows.append(
                    {"warehouse_id": warehouse.warehouse_id, "part_id": part_id, "qty": qty}
                )
    listed: dict[str, int] = {}
    for row in rows:
        listed[row["part_id"]] = listed.get(row["part_id"], 0) + 1
    groups = interchange_groups(cat, oe)
    out = tuple(choose_out(c, cat, listed, groups) for c in (*OUT_WITH_SUBSTITUTES, *OUT_ALONE))
    for row in rows:
        if row["part_id"] in out:
            row["qty"] = 0  # still listed: sold out everywhere
    check_substitutes(rows, out, groups)
    return Stock(rows, out, groups)


def stock_table(stock: Stock) -> pa.Table:
    return pa.Table.from_pylist(stock.rows, schema=STOCK_SCHEMA)
