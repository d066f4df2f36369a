"""Seeded synthetic catalogues with the shapes of real parts data.

Tests use scale ``"tiny"``, CI benchmarks ``"S"`` and the large benchmark runs ``"M"`` and ``"L"``
(5,000 vehicles, 1.5 M parts, 50 M fitment links).

How the shapes are made: vehicles come in *model families* (one make and model over its
production years), split into generations that each offer a few engine/gearbox configurations.
Vehicles are sorted by make, model, year and configuration, so a family is a contiguous run of
vehicle codes and each (family, year) *cell* a contiguous run inside it. Parts are drawn as
*applications*: a category, a run of consecutive cells (one model over some years, sometimes
running on into the next family, as shared platforms do), perhaps one engine only, and one or
two positions. Several parts share an application, as an OE part and its aftermarket equivalents
do. Run lengths follow a Pareto law whose scale is solved so that the links per vehicle meet the
target; wear-part categories get longer runs, so a few parts fit thousands of vehicles while most
fit a handful. An application can be written as one row per vehicle or as one make/model/year
range row per family it touches; both compile to the same links. Runs expand with ``np.repeat``
and an offset trick, never a Python loop per link.

Numbers, stock and orders are made from the tables :func:`generate` returns, so that they fit
any catalogue it made (or read back from parquet). :func:`generate_numbers` recovers the
applications (parts of one category with the same (vehicle, position) links) and gives each
group one OE number: its OE part's own number, or a new one in the format of the make's OE
brand. :func:`generate_stock` places warehouses around real Chinese city centres, about 15 %
of them distribution centres in regional hubs, and gives each part a popularity (vehicles
fitted, wear-part categories, noise); the central and front warehouses holding a part are
Poisson counts growing with it, gently for central ones (the breadth of the catalogue) and
steeply for front ones (fast movers), scaled by bisection to the scale's stock rows per part,
and chosen distinct in O(rows) by a weighted first pick and a stride coprime to the tier's
size. :func:`generate_orders` groups lines into orders from shops near city centres (a few in
remote towns) and draws parts as the parts of random stock rows, so that demand follows how
widely a part is stocked, plus a few parts nobody holds. At ``"L"``: ~10 M stock rows for
1.5 M parts in 500 warehouses.

All of that is the ``"default"`` shape. The other names of :data:`SHAPES` (``shape=`` of each
generator; see :class:`Shape`) draw catalogues, stock or demand of other shapes, since a
layout tuned to one shape can lose on another: many categories per vehicle with few parts in
each, a few parts fitting most vehicles, a wide fleet of few parts; uniform stocking, a few big
distribution centres beside many small front warehouses, and demand blind to stock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ._apps import _applications, _part_layout
from ._fitments import _fitments_table
from ._fitted import _links, _require
from ._fleet import _draw_fleet
from ._names import _part_types
from ._oe import _oe_numbers
from ._parts import _parts_table
from ._shapes import SHAPES, Shape, _resolve_shape
from ._stock import _orders, _stock, _warehouses

__all__ = [
    "SCALES",
    "SHAPES",
    "Scale",
    "Shape",
    "generate",
    "generate_numbers",
    "generate_orders",
    "generate_stock",
    "write_parquet",
]

_ROW_GROUP_ROWS = 2**22  # big, as each row group repeats the id dictionaries
# each generator draws from its own stream of the seed, so one never shifts another's draws
_NUMBERS_STREAM, _STOCK_STREAM, _ORDERS_STREAM = 1, 2, 3


@dataclass(frozen=True)
class Scale:
    """Size and shape of a synthetic catalogue.

    Parameters
    ----------
    n_vehicles : int
        Vehicles, i.e. make/model/year/engine/transmission configurations.
    n_parts : int
        Parts, universal ones included.
    mean_parts_per_vehicle : float
        Target mean of the parts fitting a vehicle: links, i.e. distinct (vehicle, part) pairs
        once range rows are expanded, universal parts left out. A part fitting a vehicle at two
        positions is one link and two rows.
    model_years : tuple of int, default (4, 21)
        Shortest and longest production run of a model, in years within 2005-2025.
    max_configs : int, default 6
        Most engine/transmission configurations of one model-year.
    range_row_share : float, default 0.0
        Share of fitment rows given by make/model/year range instead of by vehicle id.
    n_duplicate_rows : int, default 0
        Exact copies of vehicle-id fitment rows added on purpose.
    dictionary_encoded : bool, default False
        Make the fitments' ``part_id``, ``vehicle_id``, ``position`` and ``note`` dictionary
        arrays, so that tens of millions of rows hold no string copies.
    universal_share : float, default 0.0005
        Share of parts flagged universal; at least one part when positive.
    n_warehouses : int, default 50
        Warehouses :func:`generate_stock` makes unless told otherwise.
    mean_stock_rows_per_part : float, default 5.0
        Target mean of the stock rows per part (warehouses holding it), before the cap at
        ``n_warehouses``.

    Raises
    ------
    TypeError
        If a count is not an int.
    ValueError
        If a value is out of range.

    Examples
    --------
    >>> from yunpei_match.synth import Scale, generate
    >>> small = Scale(n_vehicles=20, n_parts=100, mean_parts_per_vehicle=10.0)
    >>> generate(small)["vehicles"].num_rows
    20
    """

    n_vehicles: int
    n_parts: int
    mean_parts_per_vehicle: float
    model_years: tuple[int, int] = (4, 21)
    max_configs: int = 6
    range_row_share: float = 0.0
    n_duplicate_rows: int = 0
    dictionary_encoded: bool = False
    universal_share: float = 0.0005
    n_warehouses: int = 50
    mean_stock_rows_per_part: float = 5.0

    def __post_init__(self) -> None:
        for name in ("n_vehicles", "n_parts", "max_configs", "n_duplicate_rows", "n_warehouses"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"Scale.{name} must be an int, got {type(value).__name__}")
        lo, hi = self.model_years
        rules = {
            "n_vehicles must be >= 1": self.n_vehicles >= 1,
            "n_parts must be >= 1": self.n_parts >= 1,
            "mean_parts_per_vehicle must be >= 0": self.mean_parts_per_vehicle >= 0,
            "model_years must satisfy 1 <= lo <= hi <= 21": 1 <= lo <= hi <= 21,
            "max_configs must be >= 1": self.max_configs >= 1,
            "range_row_share must be in [0, 1)": 0 <= self.range_row_share < 1,
            "n_duplicate_rows must be >= 0": self.n_duplicate_rows >= 0,
            "universal_share must be in [0, 1)": 0 <= self.universal_share < 1,
            "n_warehouses must be >= 1": self.n_warehouses >= 1,
            "mean_stock_rows_per_part must be >= 0": self.mean_stock_rows_per_part >= 0,
        }
        for rule, holds in rules.items():
            if not holds:
                value = getattr(self, rule.split()[0])
                raise ValueError(f"Scale.{rule}, got {value!r}")


SCALES: dict[str, Scale] = {
    "tiny": Scale(
        40, 300, 30.0, (2, 5), 2, range_row_share=0.2, n_duplicate_rows=3,
        n_warehouses=8, mean_stock_rows_per_part=3.0,
    ),
    "S": Scale(
        200, 30_000, 1_000.0, (3, 10), 4, range_row_share=0.2, n_duplicate_rows=10,
        n_warehouses=50, mean_stock_rows_per_part=5.0,
    ),
    "M": Scale(
        1_000, 300_000, 5_000.0, dictionary_encoded=True,
        n_warehouses=200, mean_stock_rows_per_part=6.0,
    ),
    "L": Scale(
        5_000, 1_500_000, 10_000.0, dictionary_encoded=True,
        n_warehouses=500, mean_stock_rows_per_part=6.7,
    ),
}  # fmt: skip


def generate(
    scale: str | Scale = "tiny", *, seed: int = 0, shape: str = "default"
) -> dict[str, pa.Table]:
    """Generate a synthetic catalogue: vehicles, parts and fitments.

    Parameters
    ----------
    scale : {"tiny", "S", "M", "L"} or Scale, default "tiny"
        A name from :data:`SCALES` or a custom :class:`Scale`.
    seed : int, default 0
        Seed of the random generator; the same seed gives identical tables.
    shape : str, default "default"
        A name from :data:`SHAPES`. The fitment shapes: ``"many_categories"`` (every category
        equally likely, one brand per application, links per vehicle capped at ~3 per
        category: many categories per vehicle, few parts in each), ``"wide_parts"`` (0.5 % of
        the applications fit 60 % of the vehicles or more, as ordinary fitment rows) and
        ``"wide_fleet"`` (ten times the scale's vehicles, 1/1,500 of its parts, at least
        100, each vehicle fitted by a twentieth of them: 50,000 vehicles x 1,000 parts at
        ``"L"``). Stock shapes draw the catalogue as ``"default"`` does.

    Returns
    -------
    dict of str to pyarrow.Table
        ``"vehicles"``, ``"parts"`` and ``"fitments"``, with the columns of DESIGN.md
        section 2. With ``dictionary_encoded`` the fitments' ``part_id`` and ``vehicle_id`` are
        int32 dictionary arrays over the parts' and vehicles' id columns, and ``position`` and
        ``note`` int8 dictionary arrays.

    Raises
    ------
    TypeError
        If ``scale`` is neither a str nor a Scale, ``seed`` is not an int or ``shape`` not a
        str.
    ValueError
        If ``scale`` or ``shape`` names no scale or shape, ``seed`` is negative, or a brand runs
        out of part numbers (only for custom scales far above ``"L"``).

    Examples
    --------
    >>> from yunpei_match import synth
    >>> tables = synth.generate("tiny", seed=7)
    >>> sorted(tables)
    ['fitments', 'parts', 'vehicles']
    >>> tables["vehicles"].num_rows, tables["parts"].num_rows
    (40, 300)
    >>> tables["fitments"].schema.field("year_from").type
    DataType(int16)
    >>> wide = synth.generate("tiny", shape="wide_fleet")
    >>> wide["vehicles"].num_rows, wide["parts"].num_rows
    (400, 100)
    """
    drawn = _resolve_shape(shape)
    resolved = drawn.resize(_resolve_scale(scale))
    rng = np.random.default_rng(_check_seed(seed))
    types = _part_types()
    fleet = _draw_fleet(resolved, rng)
    app_of_part, counts = _part_layout(resolved, drawn, rng)
    apps = _applications(counts, types, fleet, resolved, drawn, rng)
    parts = _parts_table(app_of_part, apps, types, fleet, rng)
    fitments = _fitments_table(parts, app_of_part, apps, fleet, resolved, rng)
    return {"vehicles": fleet.table, "parts": parts, "fitments": fitments}


def generate_numbers(tables: Mapping[str, pa.Table], *, seed: int = 0) -> dict[str, pa.Table]:
    """Generate OE numbers that tie the equivalent parts of a catalogue into interchange groups.

    The parts of one application (an OE part and its aftermarket equivalents: same category,
    same vehicles, same positions) share an OE number: the OE part's own number if the group
    has an OE part, else a new number in the format of its make's OE brand, clear of every
    stored number. Some groups of three or more are linked through two numbers with one part
    carrying both. Lone aftermarket parts name an OE number only sometimes; universal parts
    never do.

    Parameters
    ----------
    tables : dict of str to pyarrow.Table
        ``"vehicles"``, ``"parts"`` and ``"fitments"`` as :func:`generate` returns them (or as
        read back from :func:`write_parquet`).
    seed : int, default 0
        Seed of the random generator; the same tables and seed give an identical table.

    Returns
    -------
    dict of str to pyarrow.Table
        ``"oe_numbers"``: ``part_id``, ``oe_number`` and ``oe_brand`` (strings), by part id;
        pass it to ``Catalog.from_tables`` next to the catalogue's tables.

    Raises
    ------
    TypeError
        If ``tables`` is not a dict of tables or ``seed`` not an int.
    ValueError
        If a table is missing or ``seed`` is negative.

    Examples
    --------
    >>> from yunpei_match import synth
    >>> tables = synth.generate("tiny")
    >>> oe = synth.generate_numbers(tables)["oe_numbers"]
    >>> oe.column_names
    ['part_id', 'oe_number', 'oe_brand']
    >>> groups = oe.group_by("oe_number").aggregate([("part_id", "count")])
    >>> 1 <= max(groups.column("part_id_count").to_pylist()) <= 10
    True
    """
    tables = _require(tables, ("vehicles", "parts", "fitments"))
    rng = np.random.default_rng([_check_seed(seed), _NUMBERS_STREAM])
    return {"oe_numbers": _oe_numbers(tables, _links(tables), rng)}


def generate_stock(
    tables: Mapping[str, pa.Table],
    *,
    scale: str | Scale | None = None,
    n_warehouses: int | None = None,
    seed: int = 0,
    shape: str = "default",
) -> dict[str, pa.Table]:
    """Generate warehouses in Chinese cities and the stock each holds of a catalogue's parts.

    About 15 % of the warehouses are distribution centres (``kind`` ``"central"``) in regional
    hubs, the rest front warehouses (``"front"``) in cities by population, a few kilometres
    from the centre. Popular parts (wear-part categories, parts fitting many vehicles,
    universal parts) are held in many warehouses and most parts in a few; central warehouses
    hold more of the catalogue and more of each part; some parts are held nowhere. Listed
    quantities are small and skewed, with a few zeros. See the module docstring for the model.

    Parameters
    ----------
    tables : dict of str to pyarrow.Table
        ``"vehicles"``, ``"parts"`` and ``"fitments"`` as :func:`generate` returns them.
    scale : {"tiny", "S", "M", "L"} or Scale, optional
        Where ``n_warehouses`` and ``mean_stock_rows_per_part`` come from; by default the
        named scale whose part count is nearest the catalogue's.
    n_warehouses : int, optional
        Warehouses to make, instead of the scale's.
    seed : int, default 0
        Seed of the random generator; the same tables and arguments give identical tables.
    shape : str, default "default"
        A name from :data:`SHAPES`. The stock shapes: ``"uniform_stock"`` (every part held by a
        Poisson number of warehouses of one mean, chosen uniformly, in one depth) and
        ``"hubs"`` (5 % of the warehouses are distribution centres, each holding most of the
        catalogue; many small front warehouses the rest). Other shapes stock as
        ``"default"``.

    Returns
    -------
    dict of str to pyarrow.Table
        ``"warehouses"``: ``warehouse_id`` (``"W00000"``, ``"W00001"``, ...), ``lat`` and
        ``lon`` (float64 degrees), ``name``, ``city``, ``province`` and ``kind``;
        ``"stock"``: ``warehouse_id``, ``part_id`` and ``qty`` (int64 >= 0), one row per
        (warehouse, part) held, sorted by warehouse then part. The stock's id columns are
        int32 dictionary arrays over the warehouses' and parts' id columns when the
        catalogue's fitments are dictionary-encoded (scales ``"M"`` and ``"L"``). At ``"L"``:
        500 warehouses and about 10 M stock rows.

    Raises
    ------
    TypeError
        If ``tables`` is not a dict of tables, or ``scale``, ``n_warehouses``, ``seed`` or
        ``shape`` has the wrong type.
    ValueError
        If a table is missing, ``scale`` or ``shape`` names no scale or shape,
        ``n_warehouses`` < 1 or ``seed`` < 0.

    Examples
    --------
    >>> from yunpei_match import synth
    >>> tables = synth.generate("tiny")
    >>> stock = synth.generate_stock(tables, seed=3)
    >>> stock["warehouses"].num_rows, stock["warehouses"].column("warehouse_id")[0].as_py()
    (8, 'W00000')
    >>> stock["stock"].column_names
    ['warehouse_id', 'part_id', 'qty']
    >>> synth.generate_stock(tables, n_warehouses=3)["warehouses"].num_rows
    3
    """
    tables = _require(tables, ("vehicles", "parts", "fitments"))
    drawn = _resolve_shape(shape)
    resolved = _nearest_scale(tables["parts"].num_rows) if scale is None else _resolve_scale(scale)
    if n_warehouses is not None:
        resolved = replace(resolved, n_warehouses=_check_count("n_warehouses", n_warehouses, 1))
    rng = np.random.default_rng([_check_seed(seed), _STOCK_STREAM])
    warehouses, size = _warehouses(resolved.n_warehouses, drawn, rng)
    rows_per_part = resolved.mean_stock_rows_per_part
    stock = _stock(tables, warehouses, size, rows_per_part, drawn, rng)
    return {"warehouses": warehouses, "stock": stock}


def generate_orders(
    tables: Mapping[str, pa.Table],
    stock_tables: Mapping[str, pa.Table],
    *,
    n_lines: int,
    lines_per_order: tuple[int, int] = (1, 8),
    seed: int = 0,
    shape: str = "default",
) -> pa.Table:
    """Generate order lines from repair shops: orders of a few parts each, from one place.

    An order has from ``lines_per_order[0]`` to ``lines_per_order[1]`` lines, fewer more often
    (each extra line 0.6 times as likely: 2.4 lines on average for ``(1, 8)``). Its shop stands
    within 30 km of a city centre or, for 3 % of orders, of a remote town 200 km or more from
    every city (and from every warehouse). A line asks for the part of a random stock row, so
    that demand follows how widely a part is stocked, or for 5 % of lines for a part that no
    warehouse has on hand; a part does not repeat within an order (after up to ten redraws,
    which only a catalogue of very few parts exhausts). Quantities are mostly 1 to 4, sometimes
    the usual count of the part type (4 spark plugs).

    Parameters
    ----------
    tables : dict of str to pyarrow.Table
        The catalogue, as :func:`generate` returns it (``"parts"`` is used).
    stock_tables : dict of str to pyarrow.Table
        As :func:`generate_stock` returns them (``"stock"`` is used).
    n_lines : int
        Order lines to make, >= 0.
    lines_per_order : tuple of int, default (1, 8)
        Fewest and most lines of an order; the last order may be cut shorter to give exactly
        ``n_lines``.
    seed : int, default 0
        Seed of the random generator; the same inputs and seed give an identical table.
    shape : str, default "default"
        A name from :data:`SHAPES`. ``"independent_demand"`` draws each line's part uniformly
        from the whole catalogue, blind to stock (no share of parts held nowhere is set
        aside: a line asks for an unstocked part as often as the catalogue has them). Other
        shapes draw demand as ``"default"``.

    Returns
    -------
    pyarrow.Table
        ``order_id`` (str, ``"O0000001"``, ...), ``lat`` and ``lon`` (float64 degrees, the
        same for all lines of an order), ``part_id`` (dictionary-encoded when the stock's is)
        and ``qty`` (int64 >= 1), lines of an order next to each other.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a table is missing, ``n_lines`` < 0, ``lines_per_order`` is not 1 <= lo <= hi,
        ``seed`` < 0 or ``shape`` names no shape.

    Examples
    --------
    >>> from yunpei_match import synth
    >>> tables = synth.generate("tiny")
    >>> lines = synth.generate_orders(tables, synth.generate_stock(tables), n_lines=20)
    >>> lines.num_rows, lines.column_names
    (20, ['order_id', 'lat', 'lon', 'part_id', 'qty'])
    """
    tables = _require(tables, ("parts",))
    stock_tables = _require(stock_tables, ("stock",))
    n_lines = _check_count("n_lines", n_lines, 0)
    lo, hi = _check_lines_per_order(lines_per_order)
    drawn = _resolve_shape(shape)
    rng = np.random.default_rng([_check_seed(seed), _ORDERS_STREAM])
    return _orders(tables, stock_tables["stock"], n_lines, (lo, hi), drawn, rng)


def write_parquet(
    directory: str | Path,
    scale: str | Scale = "tiny",
    *,
    seed: int = 0,
    stock: bool = False,
    shape: str = "default",
) -> dict[str, Path]:
    """Generate a synthetic catalogue and write it as parquet files.

    Parameters
    ----------
    directory : str or Path
        Where to write ``vehicles.parquet``, ``parts.parquet`` and ``fitments.parquet``;
        created if missing. Existing files of those names are replaced.
    scale : {"tiny", "S", "M", "L"} or Scale, default "tiny"
        As for :func:`generate`.
    seed : int, default 0
        As for :func:`generate`.
    stock : bool, default False
        Also write ``oe_numbers.parquet`` (:func:`generate_numbers`), ``warehouses.parquet``
        and ``stock.parquet`` (:func:`generate_stock` at ``scale``), all with ``seed``.
    shape : str, default "default"
        As for :func:`generate` and :func:`generate_stock`.

    Returns
    -------
    dict of str to Path
        The path written for each table name.

    Raises
    ------
    TypeError, ValueError
        As for :func:`generate`.

    Examples
    --------
    >>> import tempfile
    >>> import pyarrow.parquet as pq
    >>> from yunpei_match import synth
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = synth.write_parquet(tmp, "tiny", seed=7)
    ...     print(sorted(p.name for p in paths.values()), pq.read_table(paths["vehicles"]).num_rows)
    ['fitments.parquet', 'parts.parquet', 'vehicles.parquet'] 40
    """
    tables = generate(scale, seed=seed, shape=shape)
    if stock:
        tables |= generate_numbers(tables, seed=seed)
        tables |= generate_stock(tables, scale=scale, seed=seed, shape=shape)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / f"{name}.parquet" for name in tables}
    for name, table in tables.items():
        # At "L" the part_id dictionary is ~20 MB: under the default 1 MB dictionary-page limit
        # parquet falls back to plain strings: files 2.4x the size that read 2.6x slower.
        pq.write_table(
            table, paths[name], row_group_size=_ROW_GROUP_ROWS, dictionary_pagesize_limit=2**26
        )
    return paths


def _resolve_scale(scale: object) -> Scale:
    if isinstance(scale, Scale):
        return scale
    if not isinstance(scale, str):
        raise TypeError(f"scale must be a scale name or a Scale, got {type(scale).__name__}")
    if scale not in SCALES:
        names = ", ".join(repr(name) for name in SCALES)
        raise ValueError(f"unknown scale {scale!r}; expected one of {names} or a Scale")
    return SCALES[scale]


def _nearest_scale(n_parts: int) -> Scale:
    """The named scale whose part count is nearest ``n_parts``, by ratio."""
    return min(SCALES.values(), key=lambda s: abs(np.log(s.n_parts / max(n_parts, 1))))


def _check_count(name: str, value: object, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < least:
        raise ValueError(f"{name} must be >= {least}, got {value}")
    return int(value)


def _check_lines_per_order(value: object) -> tuple[int, int]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"lines_per_order must be a (fewest, most) pair, got {value!r}")
    lo = _check_count("lines_per_order[0]", value[0], 1)
    hi = _check_count("lines_per_order[1]", value[1], lo)
    return lo, hi


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return int(seed)
