"""Warehouses, stock and order lines with the shapes of a parts platform's inventory.

Warehouses stand in Chinese cities (see ``_places``): about 15 % are distribution centres
(central, 中心仓) in regional hubs, the rest front warehouses (前置仓) spread over the cities by
population. Each part gets a popularity: the vehicles it fits, times three for wear-part
categories, times log-normal noise; universal parts count as fitting every vehicle. The number
of central and of front warehouses holding a part are Poisson draws whose means grow with the
popularity, steeply for front warehouses (they stock fast movers for 1-3 h delivery) and gently
for central ones (they hold the breadth of the catalogue); one multiplier, found by bisection,
makes the rows meet the scale's density. A part's ``k`` warehouses of a tier are distinct by
construction: a first pick weighted by warehouse size, then a stride coprime to the tier's size,
so ``k`` rows cost O(k) and no loop runs per row. Quantities are geometric, deeper for popular
parts and in central warehouses, with a few listed rows at zero.

Order lines come in orders of a few lines from one shop near a city centre (some in remote
towns far from every warehouse); parts are drawn as a uniformly chosen stock row's part, so
that demand follows how widely a part is stocked, plus a share of parts nobody stocks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._arrays import _ids
from ._fitted import _codes, _column, _fitted_counts
from ._names import _REACHES, _part_types
from ._places import _places, _scatter

if TYPE_CHECKING:
    from ._shapes import Shape

_CENTRAL_SHARE = 0.15  # of warehouses
_CENTRAL_ROW_SHARE = 0.35  # of stock rows, were no tier full
_FRONT_KM, _CENTRAL_KM = (4.0, 15.0), (10.0, 40.0)  # sigma and cut of the scatter round a city
_WEAR_BOOST = 3.0
_NOISE = 1.0  # sigma of the log-normal popularity noise
_FRONT_POWER, _CENTRAL_POWER = 1.2, 0.6  # how steeply a tier's holdings follow popularity
_ZERO_QTY = 0.05  # listed rows with nothing left
_CENTRAL_DEPTH = 4.0  # central warehouses hold this many times more of a part
_SHOP_KM = (10.0, 30.0)
_REMOTE_SHOPS = 0.03
_OUT_OF_STOCK_LINES = 0.05
_TYPE_QTY = 0.2  # chance an order line asks for the usual quantity of its part type (4 plugs)
_ORDER_DECAY = 0.6  # P(k + 1 lines) / P(k lines)
_REDRAWS = 10  # rounds of redrawing a part repeated within an order


def _warehouses(n: int, shape: Shape, rng: np.random.Generator) -> tuple[pa.Table, np.ndarray]:
    """The warehouses table and a size weight per warehouse."""
    places = _places()
    share = _CENTRAL_SHARE if shape.central_share is None else shape.central_share
    n_central = max(1, round(share * n)) if n > 1 else 1
    central = np.zeros(n, bool)
    central[rng.choice(n, n_central, replace=False)] = True
    cities = np.flatnonzero(~places.remote)
    hubs = np.flatnonzero(places.hub)
    city = np.empty(n, np.int64)
    city[central] = rng.choice(hubs, n_central, p=_share(places.weight[hubs]))
    city[~central] = rng.choice(cities, n - n_central, p=_share(places.weight[cities]))
    lat, lon = np.empty(n), np.empty(n)
    for kind, (sigma, cut) in ((central, _CENTRAL_KM), (~central, _FRONT_KM)):
        at = city[kind]
        lat[kind], lon[kind] = _scatter(places.lat[at], places.lon[at], sigma, cut, rng)
    names = places.name.take(pa.array(city))
    label = pa.array(np.where(central, "中心仓", "前置仓"))
    ordinal = _ordinal(city * 2 + central)
    number = pa.array([f"{i + 1:02d}" for i in ordinal.tolist()], pa.string())
    table = pa.table(
        {
            "warehouse_id": _ids("W", n, 5, start=0),
            "lat": pa.array(lat),
            "lon": pa.array(lon),
            "name": pc.binary_join_element_wise(names, label, number, ""),
            "city": names,
            "province": places.province.take(pa.array(city)),
            "kind": pa.array(np.where(central, "central", "front")),
        }
    )
    size = rng.lognormal(0.0, 0.5, n) * (places.weight[city] / places.weight.mean()) ** 0.25
    return table, size


def _share(weight: np.ndarray) -> np.ndarray:
    return weight / weight.sum()


def _ordinal(key: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... among the earlier entries with the same key."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    start = np.flatnonzero(np.append(True, sorted_key[1:] != sorted_key[:-1]))
    runs = np.diff(np.append(start, len(key)))
    out = np.empty(len(key), np.int64)
    out[order] = np.arange(len(key)) - np.repeat(start, runs)
    return out


def _popularity(tables: Mapping[str, pa.Table], rng: np.random.Generator) -> np.ndarray:
    """How much demand each part sees, up to a factor: fitted vehicles, wear parts, noise."""
    parts = tables["parts"]
    fitted = _fitted_counts(tables).astype(np.float64)
    if "universal" in parts.column_names:
        universal = _column(parts, "universal").fill_null(False).to_numpy(zero_copy_only=False)
        fitted[universal] = max(tables["vehicles"].num_rows, fitted.max(initial=0.0))
    types = _part_types()
    category = _codes(_column(parts, "category"), pa.array(types.names))
    wear = (category >= 0) & (types.reach[category] == _REACHES.index("wide"))
    noise = rng.lognormal(0.0, _NOISE, parts.num_rows)
    return np.sqrt(1.0 + fitted) * np.where(wear, _WEAR_BOOST, 1.0) * noise


def _holdings(
    popularity: np.ndarray,
    tiers: tuple[int, int],
    rows: float,
    shape: Shape,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Central and front warehouses holding each part, for about ``rows`` rows in all."""
    n_central, n_front = tiers
    if shape.uniform_stock:  # no tier preferred: each row's warehouse is uniform over all
        row_share = n_central / (n_central + n_front)
    elif shape.central_row_share is not None:
        row_share = shape.central_row_share
    else:
        row_share = _CENTRAL_ROW_SHARE
    central = popularity**_CENTRAL_POWER
    central *= row_share / central.mean()
    front = popularity**_FRONT_POWER
    front *= (1.0 - row_share) / front.mean() if n_front else 0.0

    def expected(c: float) -> float:
        rows = np.minimum(c * central, n_central).sum() + np.minimum(c * front, n_front).sum()
        return float(rows)

    target = min(rows, len(popularity) * (n_central + n_front))
    lo, hi = 0.0, 1.0
    while expected(hi) < target and hi < 1e12:
        lo, hi = hi, hi * 4.0
    for _ in range(40):  # expected(c) grows with c; 40 halvings are well below one row
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if expected(mid) < target else (lo, mid)
    k_central = np.minimum(rng.poisson(hi * central), n_central)
    k_front = np.minimum(rng.poisson(hi * front), n_front)
    return k_central, k_front


def _spread(
    k: np.ndarray, size: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(part, tier position) of ``k[part]`` distinct positions among ``len(size)`` per part.

    The first position is drawn by size; the others follow at a stride coprime to the tier's
    size, so the ``k <= len(size)`` positions of a part never repeat.
    """
    n = len(size)
    # positions are first + j * step < n + n * n before the modulo
    dtype: type[np.signedinteger] = np.int32 if n * n < 2**31 else np.int64
    holders = np.flatnonzero(k).astype(np.int32)
    if len(holders) == 0:  # also when the tier is empty
        return holders, np.zeros(0, dtype)
    counts = k[holders]
    first = rng.choice(n, len(holders), p=_share(size)).astype(dtype)
    steps = np.flatnonzero(np.gcd(np.arange(n), n) == 1).astype(dtype)  # [0] when n == 1
    step = steps[rng.integers(len(steps), size=len(holders))]
    j = np.arange(int(counts.sum()), dtype=dtype)
    j -= np.repeat((np.cumsum(counts) - counts).astype(dtype), counts)
    j *= np.repeat(step, counts)
    j += np.repeat(first, counts)
    j %= n
    return np.repeat(holders, counts), j


def _stock(
    tables: Mapping[str, pa.Table],
    warehouses: pa.Table,
    size: np.ndarray,
    rows_per_part: float,
    shape: Shape,
    rng: np.random.Generator,
) -> pa.Table:
    """One row per (warehouse, part) held, sorted by warehouse then part."""
    popularity = _popularity(tables, rng)
    central = np.asarray(pc.equal(_column(warehouses, "kind"), "central"))
    tiers = (np.flatnonzero(central).astype(np.int32), np.flatnonzero(~central).astype(np.int32))
    depths = (_CENTRAL_DEPTH, 1.0)
    if shape.uniform_stock:
        popularity, size, depths = np.ones_like(popularity), np.ones_like(size), (1.0, 1.0)
    rows = rows_per_part * len(popularity)
    counts = _holdings(popularity, (len(tiers[0]), len(tiers[1])), rows, shape, rng)
    depth = 1.0 + 2.0 * np.minimum(popularity / np.median(popularity), 200.0) ** 0.4
    columns = [  # (warehouse, part, qty) of each tier
        _tier_rows(k, tier, size[tier], depth * scale, rng)
        for k, tier, scale in zip(counts, tiers, depths, strict=True)
    ]
    warehouse, part, qty = (np.concatenate(c) for c in zip(*columns, strict=True))
    # rows come part by part within a tier; a stable sort by warehouse keeps parts in order
    small = np.int16 if len(central) < 2**15 else np.int32  # int16 sorts by radix
    order = np.argsort(warehouse.astype(small), kind="stable")
    encoded = pa.types.is_dictionary(tables["fitments"].schema.field("part_id").type)
    return pa.table(
        {
            "warehouse_id": _id_column(warehouses, "warehouse_id", warehouse[order], encoded),
            "part_id": _id_column(tables["parts"], "part_id", part[order], encoded),
            "qty": pa.array(qty[order]),
        }
    )


def _tier_rows(
    k: np.ndarray, tier: np.ndarray, size: np.ndarray, mean: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(warehouse, part, qty) of the rows of one tier; ``mean`` is the mean qty per part."""
    part, position = _spread(k, size, rng)
    qty = rng.geometric(1.0 / mean[part]).astype(np.int64)
    qty[rng.random(len(qty)) < _ZERO_QTY] = 0
    return tier[position], part, qty


def _id_column(table: pa.Table, name: str, codes: np.ndarray, encoded: bool) -> pa.Array:
    """Ids of ``table`` at ``codes``, as a dictionary array over its id column if ``encoded``."""
    indices = pa.array(codes.astype(np.int32, copy=False))
    ids = _column(table, name).cast(pa.string())
    return pa.DictionaryArray.from_arrays(indices, ids) if encoded else ids.take(indices)


def _orders(
    tables: Mapping[str, pa.Table],
    stock: pa.Table,
    n_lines: int,
    lines_per_order: tuple[int, int],
    shape: Shape,
    rng: np.random.Generator,
) -> pa.Table:
    """Order lines: orders of a few lines, each from one shop, parts skewed by popularity."""
    sizes = _order_sizes(n_lines, *lines_per_order, rng)
    order = np.repeat(np.arange(len(sizes)), sizes)
    lat, lon = _shops(len(sizes), rng)
    part_ids = _column(tables["parts"], "part_id").cast(pa.string())
    if shape.independent_demand:
        draw = _uniform_sampler(len(part_ids), rng)
    else:
        stocked = _codes(_column(stock, "part_id"), part_ids)
        draw = _part_sampler(stocked, stock, len(part_ids), rng)
    part = _distinct_in_orders(order, draw, len(part_ids))
    types = _part_types()
    category = _codes(_column(tables["parts"], "category"), pa.array(types.names))
    usual = np.where(category >= 0, types.qty[category], 1).astype(np.int64)
    qty = np.where(rng.random(n_lines) < _TYPE_QTY, usual[part], rng.geometric(0.55, n_lines))
    encoded = pa.types.is_dictionary(stock.schema.field("part_id").type)
    return pa.table(
        {
            "order_id": _ids("O", len(sizes), 7).take(pa.array(order)),
            "lat": pa.array(lat[order]),
            "lon": pa.array(lon[order]),
            "part_id": _id_column(tables["parts"], "part_id", part, encoded),
            "qty": pa.array(qty.astype(np.int64)),
        }
    )


def _order_sizes(n_lines: int, lo: int, hi: int, rng: np.random.Generator) -> np.ndarray:
    """Lines per order, geometric on [lo, hi]; the last order is cut to make n_lines in all."""
    if n_lines == 0:
        return np.zeros(0, np.int64)
    choices = np.arange(lo, hi + 1)
    sizes = rng.choice(choices, n_lines // lo + 1, p=_share(_ORDER_DECAY ** (choices - lo)))
    total = np.cumsum(sizes)
    n_orders = int(np.searchsorted(total, n_lines)) + 1
    sizes = sizes[:n_orders]
    sizes[-1] -= total[n_orders - 1] - n_lines
    return sizes


def _shops(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shop locations near a city centre, or in a remote town now and then."""
    places = _places()
    cities, towns = np.flatnonzero(~places.remote), np.flatnonzero(places.remote)
    place = np.where(
        rng.random(n) < _REMOTE_SHOPS,
        rng.choice(towns, n, p=_share(places.weight[towns])),
        rng.choice(cities, n, p=_share(places.weight[cities])),
    )
    return _scatter(places.lat[place], places.lon[place], *_SHOP_KM, rng)


def _part_sampler(
    stocked: np.ndarray, stock: pa.Table, n_parts: int, rng: np.random.Generator
) -> Callable[[int], np.ndarray]:
    """Draws of part codes: a random stock row's part, or now and then a part nobody has."""
    known = stocked >= 0
    held = stocked[known]
    qty = _column(stock, "qty").to_numpy()[known]
    missing = np.flatnonzero(np.bincount(held, weights=qty, minlength=n_parts) == 0)
    if len(missing) == 0:
        missing = np.arange(n_parts)
    if len(held) == 0:
        held = missing

    def draw(n: int) -> np.ndarray:
        out_of_stock = rng.random(n) < _OUT_OF_STOCK_LINES
        return np.where(
            out_of_stock,
            missing[rng.integers(len(missing), size=n)],
            held[rng.integers(len(held), size=n)],
        )

    return draw


def _uniform_sampler(n_parts: int, rng: np.random.Generator) -> Callable[[int], np.ndarray]:
    """Draws of part codes uniform over the catalogue, blind to stock (shape independent_demand)."""

    def draw(n: int) -> np.ndarray:
        return rng.integers(n_parts, size=n)

    return draw


def _distinct_in_orders(
    order: np.ndarray, draw: Callable[[int], np.ndarray], n_parts: int
) -> np.ndarray:
    """Parts per line, redrawn where a part repeats within its order (a few rounds at most)."""
    part = draw(len(order))
    for _ in range(_REDRAWS):
        key = order * np.int64(n_parts) + part
        by_key = np.argsort(key, kind="stable")
        repeated = np.zeros(len(key), bool)
        repeated[by_key[1:]] = key[by_key[1:]] == key[by_key[:-1]]
        if not repeated.any():
            break
        part[repeated] = draw(int(repeated.sum()))
    return part
