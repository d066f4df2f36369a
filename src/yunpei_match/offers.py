"""Offers and fill rate: parts that fit a car, in stock near the shop, ranked by delivery.

This is where the three indexes meet. For a vehicle (or a VIN, through its candidate vehicles)
and a category, the *fitting* parts come from the fitment index; each one's interchange group
(the number index) adds the group's other parts of the same category as *substitutes*, since a
part that shares an OE number with a fitting part fits too, even where no fitment row says so.
Every candidate part then gets its best warehouse from the stock kernel (fastest tier, then
nearest), and the candidates are ranked:

1. by delivery tier (fastest first; a part no rule covers comes last),
2. then by distance,
3. then parts that fit directly before substitutes,
4. then by ``part_id``.

The fill rate of a warehouse network is the same search with one answer per repair-basket
line: a line is *filled* when some part that fits the car (or a substitute) can be delivered
within the target tier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ._base.ids import as_string_array
from ._base.tables import as_table, float_column, int_column, require_columns, show
from .errors import ColumnTypeError, DataError, UnknownIdError
from .stock import MAX_QTY, OrderLines, check_position, check_qty, rule_ranks, tier_columns

if TYPE_CHECKING:
    from .catalog import Catalog
    from .stock import Inventory

__all__ = ["FillRate", "fill_rate", "offers", "offers_many"]


def offers(
    catalog: Catalog,
    *,
    vehicle_id: str | None = None,
    vin: str | None = None,
    category: str,
    lat: float,
    lon: float,
    qty: int = 1,
    inventory: Inventory,
    limit: int | None = 10,
    substitutes: bool = True,
) -> pa.Table:
    """Parts that fit a vehicle or VIN in a category, in stock near a shop, best first.

    Parameters
    ----------
    catalog : Catalog
    vehicle_id, vin : str
        Exactly one of them. A VIN stands for every vehicle it may be (``catalog.vins``).
    category : str
        Matched ignoring case, width and spacing, as in
        :meth:`~yunpei_match.fitment.FitmentIndex.parts_for_vehicle`.
    lat, lon : float
        The shop, in degrees.
    qty : int, default 1
        A warehouse must hold this many of a part.
    inventory : Inventory
    limit : int or None, default 10
        At most this many offers (None: all).
    substitutes : bool, default True
        Add the interchangeable parts of the fitting ones.

    Returns
    -------
    pyarrow.Table
        ``part_id``, ``brand``, ``part_number``, ``warehouse_id``, ``km``, ``tier``, ``hours``,
        ``substitute``: one row per part in stock, ranked as the module docstring says.

    Raises
    ------
    DataError
        If neither or both of ``vehicle_id`` and ``vin`` are given, the VIN is invalid, or a
        position or quantity is out of range.
    UnknownIdError
        For a vehicle or category the catalogue does not have, or a valid VIN that no
        vehicle of the catalogue matches.

    Examples
    --------
    >>> import yunpei_match as ym
    >>> catalog = ym.Catalog.from_parquet("data/samples")
    >>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
    >>> found = catalog.offers(vin="LFV2A26F1KM333275", category="oil filter",
    ...                        lat=22.9446, lon=113.6362, inventory=inventory, limit=3)
    >>> found.column_names
    ['part_id', 'brand', 'part_number', 'warehouse_id', 'km', 'tier', 'hours', 'substitute']
    >>> found.column("tier").to_pylist()[0]
    '1-3h'
    """
    if (vehicle_id is None) == (vin is None):
        raise DataError("give exactly one of vehicle_id and vin")
    lat, lon = check_position(lat, lon)
    if vin is not None:
        vehicles = catalog.vins.vehicles_for_vin(vin)  # raises for an invalid VIN
        if not vehicles.num_rows:  # else it would read as "nothing in stock"
            raise UnknownIdError(
                f"VIN {show(vin)} matches no vehicle of the catalogue (no vin_patterns row fits it)"
            )
        codes = catalog.vehicle_ids.codes(vehicles.column("vehicle_id"))
    else:
        codes = np.array([catalog.vehicle_ids.code(vehicle_id)], np.int32)  # type: ignore[arg-type]
    found = _Search(catalog, inventory, substitutes).best(
        np.zeros(len(codes), np.int32),
        codes,
        np.array([catalog.category_labels.code(category)], np.int32),
        _one_line(lat, lon, check_qty(qty)),
        check_limit(limit),
    )
    return found.drop_columns(["request_index"])


def offers_many(
    catalog: Catalog,
    requests: Any,
    *,
    inventory: Inventory,
    limit: int | None = 10,
    substitutes: bool = True,
) -> pa.Table:
    """:func:`offers` for a table of requests.

    Parameters
    ----------
    requests : table-like
        ``vehicle_id`` or ``vin`` (a row may give either; with both columns a null
        ``vehicle_id`` falls back to the VIN), ``category``, ``lat``, ``lon`` and optional
        ``qty``. Unknown vehicles, invalid VINs and unknown categories give no offers.

    Returns
    -------
    pyarrow.Table
        ``request_index`` (int32) and the columns of :func:`offers`, by request then rank.

    Examples
    --------
    >>> import yunpei_match as ym
    >>> catalog = ym.Catalog.from_parquet("data/samples")
    >>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
    >>> requests = {"vehicle_id": ["V070010", "V070010"], "category": ["oil filter", "tyres"],
    ...             "lat": [22.9446, 22.9446], "lon": [113.6362, 113.6362]}
    >>> table = catalog.offers_many(requests, inventory=inventory, limit=2)
    >>> sorted(set(table.column("request_index").to_pylist()))
    [0, 1]
    """
    request, vehicle, categories, lines = _requests(catalog, as_table(requests, "requests"))
    search = _Search(catalog, inventory, substitutes)
    return search.best(request, vehicle, categories, lines, check_limit(limit))


class _Search:
    """Fitting parts + substitutes per request, their best stock, ranked."""

    def __init__(self, catalog: Catalog, inventory: Inventory, substitutes: bool) -> None:
        if inventory.catalog is not catalog:
            raise DataError("the inventory was built over another catalogue")
        self.catalog, self.inventory, self.substitutes = catalog, inventory, bool(substitutes)

    def best(
        self,
        request: np.ndarray,
        vehicle: np.ndarray,
        category: np.ndarray,
        lines: OrderLines,
        limit: int | None,
    ) -> pa.Table:
        """Offers of (request, vehicle) pairs; ``category`` and ``lines`` are per request."""
        wanted = category[request]
        pair, part = self.catalog.fitment.part_codes_many(
            np.where(wanted >= 0, vehicle, -1), wanted
        )
        req, part, substitute = self._with_substitutes(request[pair], part, category)
        ask = OrderLines(lat=lines.lat[req], lon=lines.lon[req], part=part, qty=lines.qty[req])
        warehouse, _, _, km, rule = self.inventory.nearest_stocked_codes(
            ask, substitutes=False, fastest=True
        )
        keep = np.flatnonzero(warehouse >= 0)
        ranks = rule_ranks(self.inventory.tiers)
        rank = ranks[rule[keep]].astype(np.int64)
        rank[rule[keep] < 0] = len(ranks)
        order = keep[np.lexsort((part[keep], substitute[keep], km[keep], rank, req[keep]))]
        order = order[_first_per_request(req[order], limit)]
        return self._table(
            req[order], part[order], warehouse[order], km[order], rule[order], substitute[order]
        )

    def _with_substitutes(
        self, req: np.ndarray, part: np.ndarray, category: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(request, part) pairs once each, plus group members of the same category."""
        substitute = np.zeros(len(part), bool)
        if self.substitutes and len(part):
            part_group, group_indptr, group_part = self.catalog.numbers.interchange_groups
            group = part_group[part]
            starts = group_indptr[group]
            sizes = group_indptr[group + 1] - starts
            member_req = np.repeat(req, sizes)
            within = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            member = group_part[np.repeat(starts, sizes) + within]
            same = self.catalog.part_category[member] == category[member_req]
            req = np.concatenate([req, member_req[same]])
            part = np.concatenate([part, member[same]])
            substitute = np.concatenate([substitute, np.ones(int(same.sum()), bool)])
        key = req.astype(np.int64) * len(self.catalog.part_ids) + part
        order = np.lexsort((substitute, key))  # a fitting pair before the same as substitute
        first = order[np.r_[True, key[order][1:] != key[order][:-1]]] if len(key) else order
        return req[first].astype(np.int32), part[first].astype(np.int32), substitute[first]

    def _table(
        self,
        req: np.ndarray,
        part: np.ndarray,
        warehouse: np.ndarray,
        km: np.ndarray,
        rule: np.ndarray,
        substitute: np.ndarray,
    ) -> pa.Table:
        parts = self.catalog.parts
        return pa.table(
            {
                "request_index": pa.array(req, pa.int32()),
                "part_id": self.catalog.part_ids.decode(part),
                "brand": parts.column("brand").take(part),
                "part_number": parts.column("part_number").take(part),
                "warehouse_id": self.inventory.warehouse_ids.decode(warehouse),
                "km": pa.array(km),
                **tier_columns(self.inventory.tiers, rule),
                "substitute": pa.array(substitute),
            }
        )


def _first_per_request(req: np.ndarray, limit: int | None) -> np.ndarray:
    """Mask of the first ``limit`` rows of each request in rows sorted by request."""
    if limit is None or not len(req):
        return np.ones(len(req), bool)
    starts = np.r_[0, np.flatnonzero(req[1:] != req[:-1]) + 1]
    position = np.arange(len(req)) - np.repeat(starts, np.diff(np.r_[starts, len(req)]))
    return position < limit


def _requests(
    catalog: Catalog, table: pa.Table
) -> tuple[np.ndarray, np.ndarray, np.ndarray, OrderLines]:
    """(request, vehicle code) pairs, category code per request (-1 unknown), shop lines."""
    request, vehicle = _request_vehicles(catalog, table)
    require_columns(table, "requests", ("category", "lat", "lon"))
    categories = catalog.category_labels.codes(
        as_string_array(table.column("category"), "requests.category"), on_unknown="skip"
    )
    lines = OrderLines(
        lat=float_column(table, "requests", "lat", low=-90.0, high=90.0),
        lon=float_column(table, "requests", "lon", low=-180.0, high=180.0),
        part=np.zeros(table.num_rows, np.int32),
        qty=_quantities(table),
    )
    return request, vehicle, categories, lines


def _request_vehicles(catalog: Catalog, table: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """(request index, vehicle code) pairs: by vehicle_id, else by the VIN's candidates."""
    has_id, has_vin = "vehicle_id" in table.column_names, "vin" in table.column_names
    if not (has_id or has_vin):
        raise DataError("requests needs a vehicle_id or a vin column")
    n = table.num_rows
    by_id = (
        catalog.vehicle_ids.codes(table.column("vehicle_id"), on_unknown="skip")
        if has_id
        else np.full(n, -1, np.int32)
    )
    rows, vehicles = [np.flatnonzero(by_id >= 0)], [by_id[by_id >= 0]]
    if has_vin:
        use_vin = np.ones(n, bool)
        if has_id:
            use_vin = table.column("vehicle_id").is_null().to_numpy(zero_copy_only=False)
        vins = pa.array(
            np.where(use_vin, as_string_array(table.column("vin"), "vin").to_numpy(False), None),
            pa.string(),
        )
        found = catalog.vins.vehicles_for_vins(vins)
        rows.append(found.column("request_index").to_numpy())
        vehicles.append(catalog.vehicle_ids.codes(found.column("vehicle_id")))
    return np.concatenate(rows).astype(np.int32), np.concatenate(vehicles).astype(np.int32)


def _quantities(table: pa.Table) -> npt.NDArray[np.int64]:
    if "qty" not in table.column_names:
        return np.ones(table.num_rows, np.int64)
    return int_column(table, "requests", "qty", low=1, high=MAX_QTY).to_numpy().astype(np.int64)


def _one_line(lat: float, lon: float, qty: int) -> OrderLines:
    return OrderLines(
        lat=np.array([lat]),
        lon=np.array([lon]),
        part=np.zeros(1, np.int32),
        qty=np.array([qty], np.int64),
    )


def check_limit(limit: Any) -> int | None:
    if limit is None:
        return None
    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)):
        raise ColumnTypeError(f"limit must be an int or None, got {type(limit).__name__}")
    if limit < 1:
        raise DataError(f"limit must be >= 1, got {limit}")
    return int(limit)


# -- fill rate ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FillRate:
    """How much of a set of repair baskets a warehouse network can deliver in time.

    Attributes
    ----------
    rate : float
        Filled lines / lines.
    lines : pyarrow.Table
        One row per basket line, in order: its input columns ``vehicle_id``, ``category``,
        then ``fits`` (some part fits the vehicle), ``filled``, and the best offer:
        ``part_id``, ``warehouse_id``, ``km``, ``tier``, ``hours``, ``substitute``.
    by_tier : dict of str to int
        Lines whose best offer has each tier (fastest first; ``"none"`` for no offer).
    within : str
        The target tier.
    """

    rate: float
    lines: pa.Table
    by_tier: dict[str, int]
    within: str

    @property
    def n_lines(self) -> int:
        return self.lines.num_rows

    @property
    def n_filled(self) -> int:
        return int(pc.sum(self.lines.column("filled")).as_py() or 0)


def fill_rate(
    inventory: Inventory,
    baskets: Any,
    *,
    within: str = "next-day",
    substitutes: bool = True,
) -> FillRate:
    """Share of repair-basket lines that fit the car and can be delivered within a tier.

    Parameters
    ----------
    inventory : Inventory
        The warehouse network measured.
    baskets : table-like
        One row per line: ``vehicle_id`` (or ``vin``), ``category``, ``lat``, ``lon`` (the
        shop), optional ``qty`` and any other columns (``basket_id``...), which are kept.
    within : str, default "next-day"
        A line counts when its best offer's tier is this one or faster.
    substitutes : bool, default True
        Let interchangeable parts fill a line.

    Returns
    -------
    FillRate

    Raises
    ------
    DataError
        If ``within`` names no tier of the inventory's rules.

    Examples
    --------
    >>> import pyarrow.parquet as pq
    >>> import yunpei_match as ym
    >>> catalog = ym.Catalog.from_parquet("data/samples")
    >>> inventory = ym.Inventory.from_parquet(catalog, "data/samples")
    >>> result = inventory.fill_rate(pq.read_table("data/samples/baskets.parquet"))
    >>> 0.0 < result.rate <= 1.0
    True
    """
    target = inventory.tiers.rank(within)
    table = as_table(baskets, "baskets")
    request, vehicle, categories, lines = _requests(inventory.catalog, table)
    search = _Search(inventory.catalog, inventory, substitutes)
    best = search.best(request, vehicle, categories, lines, 1)
    wanted = categories[request]
    pair, _ = inventory.catalog.fitment.part_codes_many(np.where(wanted >= 0, vehicle, -1), wanted)
    fits = np.zeros(table.num_rows, bool)
    fits[request[pair]] = True
    offer = np.full(table.num_rows, -1, np.int64)
    offer[best.column("request_index").to_numpy()] = np.arange(best.num_rows)
    found = best.drop_columns(["request_index", "brand", "part_number"]).take(
        pa.array(offer, mask=offer < 0)
    )
    rule = found.column("tier").combine_chunks().indices.fill_null(-1).to_numpy()
    rank = np.append(rule_ranks(inventory.tiers), len(inventory.tiers.names))[rule]
    filled = (rule >= 0) & (rank <= target)
    counts = np.bincount(
        np.where(rule >= 0, rank, len(inventory.tiers.names)),
        minlength=len(inventory.tiers.names) + 1,
    )
    by_tier = dict(zip([*inventory.tiers.names, "none"], counts.tolist(), strict=True))
    lines_table = table.append_column("fits", pa.array(fits))
    lines_table = lines_table.append_column("filled", pa.array(filled))
    for name in found.column_names:
        lines_table = lines_table.append_column(name, found.column(name))
    rate = float(filled.mean()) if len(filled) else 1.0
    return FillRate(rate=rate, lines=lines_table, by_tier=by_tier, within=within)
