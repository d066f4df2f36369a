"""The parts, fitments and requests tables written to parquet."""

from __future__ import annotations

import pyarrow as pa

from .catalogue import Catalogue, Fleet

PART_SCHEMA = pa.schema(
    [
        ("part_id", pa.string()),
        ("brand", pa.string()),
        ("part_number", pa.string()),
        ("category", pa.string()),
        ("name", pa.string()),
        ("universal", pa.bool_()),
    ]
)

FITMENT_SCHEMA = pa.schema(
    [
        ("part_id", pa.string()),
        ("vehicle_id", pa.string()),
        ("make", pa.string()),
        ("model", pa.string()),
        ("year_from", pa.int16()),
        ("year_to", pa.int16()),
        ("engine", pa.string()),
        ("position", pa.string()),
        ("qty", pa.int16()),
        ("note", pa.string()),
    ]
)


def parts_table(cat: Catalogue) -> pa.Table:
    rows = sorted(cat.parts, key=lambda row: row["part_id"])
    return pa.Table.from_pylist(rows, schema=PART_SCHEMA)


def fitments_table(cat: Catalogue) -> pa.Table:
    """Fitment rows ordered by part (stable, so a part's rows keep the order they were made)."""
    names = FITMENT_SCHEMA.names
    rows = [{n: row[n] for n in names} for row in sorted(cat.fitments, key=lambda r: r["part_id"])]
    seen: set[tuple] = set()
    for row in rows:
        values = tuple(row.values())
        if values in seen:
            raise ValueError(f"duplicate fitment row {row}")
        seen.add(values)
    return pa.Table.from_pylist(rows, schema=FITMENT_SCHEMA)


REQUEST_COUNT = 200
REQUEST_CATEGORIES = (
    None,
    "oil filter",
    "brake pads",
    "spark plugs",
    "tyres",
    "battery",
    None,
    "air filter",
    "cabin filter",
    "brake discs",
    "wiper blades",
    "engine oil",
    None,
    "shock absorber",
    "headlight bulb",
    "transmission fluid",
    "brake fluid",
)
UNKNOWN_REQUESTS = (  # vehicle ids that are not in vehicles.parquet
    ("V999999", None),
    ("V000000", "oil filter"),
    ("V990001", None),
    ("V010999", "brake pads"),
    ("V270000", None),
    ("P0100001", "tyres"),
)
EMPTY_PROBES = (  # categories some vehicles have no parts in (EVs, diesels, LED lights ...)
    "spark plugs",
    "oil filter",
    "clutch kit",
    "headlight bulb",
    "fuel filter",
    "serpentine belt",
)
REQUEST_SCHEMA = pa.schema(
    [
        ("request_id", pa.string()),
        ("vehicle_id", pa.string()),
        ("category", pa.string()),
    ]
)


def empty_requests(fleet: Fleet, cat: Catalogue) -> list[tuple[str, str]]:
    """Two (vehicle, category) pairs per probe in which the vehicle has no part."""
    pairs = []
    for category in EMPTY_PROBES:
        lacking = [
            v.vehicle_id for v in fleet.vehicles if (v.vehicle_id, category) not in cat.covered
        ]
        pairs += [(lacking[0], category), (lacking[len(lacking) // 2], category)]
    return pairs


def requests_table(fleet: Fleet, cat: Catalogue) -> pa.Table:
    """Requests spread over the fleet, with the special cases spaced evenly among them."""
    specials = [*UNKNOWN_REQUESTS, *empty_requests(fleet, cat)]
    step = REQUEST_COUNT // len(specials)
    special_at = {step // 2 + k * step: pair for k, pair in enumerate(specials)}
    vehicles, n = fleet.vehicles, len(fleet.vehicles)
    rows, normal = [], 0
    for i in range(REQUEST_COUNT):
        if i in special_at:
            vehicle_id, category = special_at[i]
        else:
            vehicle_id = vehicles[normal * 37 % n].vehicle_id
            category = REQUEST_CATEGORIES[normal % len(REQUEST_CATEGORIES)]
            normal += 1
        rows.append({"request_id": f"R{i + 1:04d}", "vehicle_id": vehicle_id, "category": category})
    return pa.Table.from_pylist(rows, schema=REQUEST_SCHEMA)
