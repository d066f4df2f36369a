"""Quick lookups: one question, a small readable answer.

``fit`` (parts for a vehicle or VIN), ``number`` (a typed part number, or a typo search),
``vin`` (decode, and with an index the candidate vehicles), ``where`` (the nearest warehouse
holding a part) and ``offer`` (parts that fit, in stock near a shop). The one-order form of
``source`` lives with the batch form in :mod:`._source`. They print only the answer: a rich
table on a terminal, plain aligned text otherwise.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UnknownIdError, show
from ._batch import INDEX_HELP, add_max_km, add_region, add_stock, add_substitutes
from ._common import (
    AT_HELP,
    Commands,
    UsageError,
    add_quiet,
    at_position,
    examples,
    load_catalog,
    load_inventory,
    max_edits,
    positive_int,
)
from ._output import print_fields, print_table, say

if TYPE_CHECKING:
    import pyarrow as pa

    from ..catalog import Catalog
    from ..vin import Region, VinDecoding

__all__ = ["add_lookups"]

S = "data/samples"
SHOP = "22.9944,113.7049"


def add_lookups(commands: Commands) -> None:
    _add_fit(commands)
    _add_number(commands)
    _add_vin(commands)
    _add_where(commands)
    _add_offer(commands)


def _lookup_parser(
    commands: Commands,
    name: str,
    summary: str,
    description: str,
    *lines: str,
) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        name, help=summary, description=description, epilog=examples(*lines)
    )
    add_quiet(parser)
    return parser


# -- fit ------------------------------------------------------------------------------------------


def _add_fit(commands: Commands) -> None:
    parser = _lookup_parser(
        commands,
        "fit",
        "lookup: the parts that fit one vehicle or VIN",
        "The parts that fit a vehicle, one row per application (position, qty, note). Give a "
        "vehicle_id or a VIN: a VIN stands for each vehicle it may be, and lists each one's "
        "parts.",
        f"yunpei-match fit {S} V010001 --category 'brake pads' --position front",
        f"yunpei-match fit {S} LFV2A26F1KM333275 --category 'oil filter'",
    )
    parser.add_argument("index", type=Path, metavar="INDEX", help=INDEX_HELP)
    parser.add_argument("vehicle", metavar="VEHICLE_ID|VIN")
    parser.add_argument("--category", help="only parts of this category")
    parser.add_argument("--position", help="only applications at this position (front...)")
    add_region(parser)
    parser.set_defaults(run=_fit)


def _fit(args: argparse.Namespace) -> None:
    catalog = load_catalog(args.index, verbose=False, quiet=args.quiet)
    what = f" in {args.category}" if args.category else ""
    try:
        code = catalog.vehicle_ids.code(args.vehicle)
    except UnknownIdError:
        if len(re.sub(r"[\s.\-]", "", args.vehicle)) != 17:
            raise UsageError(
                f"{show(args.vehicle)} is neither a vehicle_id of the catalogue "
                f"({len(catalog.vehicle_ids):,} vehicles) nor a VIN"
            ) from None
        _fit_vin(catalog, args, what)
        return
    parts = catalog.fitment.parts_for_vehicle(
        args.vehicle, category=args.category, position=args.position
    )
    print_table(parts, title=f"{_vehicle(catalog, code)}: {_parts(parts.num_rows)}{what}")


def _fit_vin(catalog: Catalog, args: argparse.Namespace, what: str) -> None:
    _check_vin(args.vehicle, args.region)
    vehicles = catalog.vins.vehicles_for_vin(args.vehicle, region=args.region)
    if not vehicles.num_rows:
        raise UsageError(f"no vehicle of the catalogue matches VIN {show(args.vehicle)}")
    parts = catalog.fitment.parts_for_vin(
        args.vehicle, category=args.category, position=args.position, region=args.region
    )
    _print_candidates(vehicles, f"VIN {args.vehicle}: ")
    say()
    print_table(parts, title=f"{_parts(parts.num_rows)}{what}, by candidate vehicle")


def _vehicle(catalog: Catalog, code: int) -> str:
    row = catalog.vehicles.slice(code, 1).to_pylist()[0]
    words = [row.get(k) for k in ("year", "make", "model", "engine", "transmission", "trim")]
    return f"{row['vehicle_id']} ({' '.join(str(w) for w in words if w is not None)})"


def _parts(n: int) -> str:
    return f"{n:,} part{'s' * (n != 1)}"


# -- number ---------------------------------------------------------------------------------------


def _add_number(commands: Commands) -> None:
    parser = _lookup_parser(
        commands,
        "number",
        "lookup: what a typed part number is (or, with --search, what it may be)",
        "The parts of a part number however it was typed (spaces, dashes, case, full-width "
        "characters do not matter): the part whose own number it is, the parts listing it as "
        "an OE number, and those of its newest number when it was superseded. With --search, "
        "the nearest numbers within a few typos instead.",
        f"yunpei-match number {S} 03C115561H",
        f"yunpei-match number {S} 'W 712/59' --search --max-edits 2",
    )
    parser.add_argument("index", type=Path, metavar="INDEX", help=INDEX_HELP)
    parser.add_argument("number", metavar="NUMBER")
    parser.add_argument("--brand", help="only numbers of this brand (not with --search)")
    parser.add_argument("--search", action="store_true", help="typo-tolerant search")
    parser.add_argument(
        "--max-edits",
        type=max_edits,
        default=2,
        help="with --search: largest edit distance, 0 to 4 (default: 2)",
    )
    parser.add_argument(
        "--limit",
        type=positive_int,
        default=5,
        help="with --search: at most N numbers (default: 5)",
    )
    parser.set_defaults(run=_number)


def _number(args: argparse.Namespace) -> None:
    if args.search and args.brand is not None:
        raise UsageError("--brand narrows a lookup; --search does not take it")
    numbers = load_catalog(args.index, verbose=False, quiet=args.quiet).numbers
    if args.search:
        hits = numbers.search(args.number, max_edits=args.max_edits, limit=args.limit)
        if not hits.num_rows:
            say(f"no number within {args.max_edits} edits of {show(args.number)}")
            return
        print_table(hits, title=f"numbers within {args.max_edits} edits of {show(args.number)}")
        return
    rows = numbers.lookup(args.number, brand=args.brand)
    if not rows.num_rows:
        brand = f" of brand {show(args.brand)}" if args.brand is not None else ""
        raise UsageError(
            f"number {show(args.number)}{brand} is not in the catalogue; "
            "try --search for the numbers within a few typos"
        )
    title = f"{show(args.number)}: {_parts(rows.num_rows)}"
    if any(rows.column("via_supersession").to_pylist()):
        title += f"; superseded, the newest number is {show(numbers.latest(args.number))}"
    print_table(rows, title=title)


# -- vin ------------------------------------------------------------------------------------------


def _add_vin(commands: Commands) -> None:
    parser = _lookup_parser(
        commands,
        "vin",
        "lookup: validate and decode one VIN (with an index: its vehicles)",
        "Validate and decode a VIN: what is wrong with it (position by position), the WMI's "
        "holder and brand, where it is built, model years, plant, serial. With INDEX also the "
        "catalogue's candidate vehicles and what tells them apart. An invalid VIN is decoded as "
        "far as it goes and ends with exit status 2.",
        "yunpei-match vin LFV2A21K6A3092399",
        f"yunpei-match vin LFV2A26F1KM333275 {S}",
        "yunpei-match vin WP0ZZZ99ZTS392124 --region eu",
    )
    parser.add_argument("vin", metavar="VIN")
    parser.add_argument("index", type=Path, metavar="INDEX", nargs="?", help=INDEX_HELP)
    add_region(parser)
    parser.set_defaults(run=_vin)


def _vin(args: argparse.Namespace) -> None:
    from ..vin import decode_vin, explain_vin

    d = decode_vin(args.vin, region=args.region)
    vehicles = None
    if args.index is not None and d.valid:
        catalog = load_catalog(args.index, verbose=False, quiet=args.quiet)
        vehicles = catalog.vins.vehicles_for_vin(args.vin, region=args.region)
    print_fields(
        [
            ("valid", d.valid),
            *(("finding", line) for line in explain_vin(args.vin, region=args.region)),
            ("codes", d.reasons + d.warnings),
            ("maker", d.maker),  # the WMI's holder; the brand is apart
            ("brand", _brand(d, vehicles)),
            ("built in", d.country),
            ("WMI issued in", ", ".join(x for x in (d.origin_country, d.origin_area) if x) or None),
            ("wmi vds vis", " ".join(x for x in (d.wmi, d.vds, d.vis) if x) or None),
            ("check digit ok", d.check_digit_ok),
            ("model years", d.model_years),
            ("plant", d.plant),
            *((("maker code", d.maker_code),) if d.maker_code else ()),
            ("serial", d.serial),
        ],
        title=f"VIN {d.vin} ({args.region} rules)",
    )
    _check_vin(args.vin, args.region)
    if vehicles is None:
        return
    say()
    if not vehicles.num_rows:
        say("no vehicle of the catalogue matches it")
        return
    _print_candidates(vehicles, "")


def _brand(d: VinDecoding, vehicles: pa.Table | None) -> str | None:
    """The WMI's one brand, else the make all the catalogue's candidates share, if they do."""
    if d.brand is not None or vehicles is None:
        return d.brand
    makes = set(vehicles.column("make").to_pylist())
    return f"{makes.pop()} (from the catalogue's vin_patterns)" if len(makes) == 1 else None


def _check_vin(vin: str, region: Region) -> None:
    """Raise UsageError saying, in words, why ``vin`` is invalid under ``region``, if it is."""
    from ..vin import explain_vin, home_region, validate_vin

    verdict = validate_vin(vin, region=region)
    if verdict.valid:
        return
    home = home_region(verdict.vin, besides=region)
    # explain_vin ends with the home region in API terms when there is one; say it as an option
    lines = explain_vin(vin, region=region)[: -1 if home else None]
    hint = f"; the {home} rules accept it: run with --region {home}" if home else ""
    raise UsageError(
        f"VIN {show(verdict.vin)} is invalid under the {region} rules: {'; '.join(lines)}{hint}"
    )


def _print_candidates(vehicles: pa.Table, lead: str) -> None:
    """The candidates with the attributes that tell them apart and how closely each matched."""
    fixed = ["vehicle_id", "make", "model", "year"]
    differing = [
        name
        for name in vehicles.column_names[len(fixed) : -1]
        if len(set(vehicles.column(name).to_pylist())) > 1
    ]
    rows = [
        {**row, "pattern match": f"{row['matched_positions']} of 17 positions"}
        for row in vehicles.to_pylist()
    ]
    count = f"{len(rows)} candidate vehicle{'s' * (len(rows) != 1)}"
    told = f", told apart by {', '.join(differing)}" if differing and len(rows) > 1 else ""
    print_table(rows, title=f"{lead}{count}{told}", columns=[*fixed, *differing, "pattern match"])


# -- where ----------------------------------------------------------------------------------------


def _add_where(commands: Commands) -> None:
    parser = _lookup_parser(
        commands,
        "where",
        "lookup: the nearest warehouse holding a part, and its offer",
        "The nearest warehouse holding QTY of a part (or, when none does, of an "
        "interchangeable part) from a shop, with the delivery tier it promises.",
        f"yunpei-match where {S} P0100005 --at {SHOP}",
        f"yunpei-match where {S} P0100005 --at {SHOP} --qty 50 --fastest",
    )
    parser.add_argument("index", type=Path, metavar="INDEX", help=INDEX_HELP)
    parser.add_argument("part", metavar="PART_ID")
    parser.add_argument("--at", type=at_position, required=True, metavar="LAT,LON", help=AT_HELP)
    parser.add_argument("--qty", type=positive_int, default=1, help="how many (default: 1)")
    add_stock(parser)
    add_max_km(parser)
    parser.add_argument(
        "--fastest", action="store_true", help="rank by delivery tier first, then distance"
    )
    add_substitutes(parser)
    parser.set_defaults(run=_where)


def _where(args: argparse.Namespace) -> None:
    catalog = load_catalog(args.index, verbose=False, quiet=args.quiet)
    inventory = load_inventory(catalog, args.index, args.stock, verbose=False)
    lat, lon = args.at
    offer = inventory.nearest_stocked(
        args.part,
        lat,
        lon,
        qty=args.qty,
        substitutes=args.substitutes,
        max_km=args.max_km,
        fastest=args.fastest,
    )
    if offer is None:
        alternatives = " or of an interchangeable part" if args.substitutes else ""
        reach = f" within {args.max_km:g} km" if args.max_km is not None else ""
        say(f"no warehouse{reach} holds {args.qty} of {args.part}{alternatives}")
        return
    import pyarrow.compute as pc

    sites = inventory.warehouses
    site = sites.filter(pc.equal(sites.column("warehouse_id"), offer.warehouse_id))
    place = site.select([c for c in ("name", "city", "kind") if c in site.column_names])
    stock = inventory.stock_of(offer.part_id)
    here = stock.filter(pc.equal(stock.column("warehouse_id"), offer.warehouse_id))
    print_fields(
        [
            ("part", _part(catalog, args.part)),
            ("shop", f"{lat}, {lon}"),
            ("qty", args.qty),
            ("warehouse", f"{offer.warehouse_id} ({', '.join(place.to_pylist()[0].values())})"),
            ("available there", here.column("available")[0].as_py() if here.num_rows else None),
            ("distance", f"{offer.km:.1f} km"),
            ("tier", f"{offer.tier} ({offer.hours:g} h)" if offer.tier else None),
            ("ships", _part(catalog, offer.part_id)),
            ("substitute", offer.substitute),
        ],
        title=f"nearest stock of {args.part}",
    )


def _part(catalog: Catalog, part_id: str) -> str:
    row = catalog.parts.slice(catalog.part_ids.code(part_id), 1).to_pylist()[0]
    return f"{part_id} ({row['brand']} {row['part_number']}, {row['category']})"


# -- offer ----------------------------------------------------------------------------------------


def _add_offer(commands: Commands) -> None:
    parser = _lookup_parser(
        commands,
        "offer",
        "lookup: parts that fit a vehicle or VIN, in stock near a shop",
        "The parts that fit a vehicle (or each vehicle a VIN may be) in a category, and their "
        "interchangeable parts, each with its best warehouse: fastest tier first, then "
        "distance, then fitting parts before substitutes.",
        f"yunpei-match offer {S} --vin LFV2A26F1KM333275 --category 'oil filter' --at {SHOP}",
        f"yunpei-match offer {S} --vehicle V070010 --category 'brake pads' --at 31.23,121.47",
    )
    parser.add_argument("index", type=Path, metavar="INDEX", help=INDEX_HELP)
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--vehicle", metavar="VEHICLE_ID")
    who.add_argument("--vin")
    parser.add_argument("--category", required=True)
    parser.add_argument("--at", type=at_position, required=True, metavar="LAT,LON", help=AT_HELP)
    parser.add_argument("--qty", type=positive_int, default=1, help="how many (default: 1)")
    parser.add_argument(
        "--limit", type=positive_int, default=10, help="at most N offers (default: 10)"
    )
    add_stock(parser)
    add_substitutes(parser)
    parser.set_defaults(run=_offer)


def _offer(args: argparse.Namespace) -> None:
    catalog = load_catalog(args.index, verbose=False, quiet=args.quiet)
    inventory = load_inventory(catalog, args.index, args.stock, verbose=False)
    lat, lon = args.at
    found = catalog.offers(
        vehicle_id=args.vehicle,
        vin=args.vin,
        category=args.category,
        lat=lat,
        lon=lon,
        qty=args.qty,
        inventory=inventory,
        limit=args.limit,
        substitutes=args.substitutes,
    )
    who = args.vehicle or f"VIN {args.vin}"
    if not found.num_rows:
        say(f"nothing in stock for {who}, {args.category}, near {lat}, {lon}")
        return
    print_table(found, title=f"offers for {who}, {args.category}, at {lat}, {lon}")
