"""VIN patterns: which sample vehicles a VIN can be, from its first eleven characters.

A pattern is 17 characters with ``*`` for any character: the maker's WMI (positions 1-3, from
``vin_makers.tsv``), the descriptor section VDS (positions 4-8, from ``vin_codes.tsv``, by
generation and engine), ``*`` for the check digit (9), the model-year code of the vehicle (10),
the plant (11; fixed for the series that give one, else ``*``) and ``*`` for the serial (12-17).

Chinese VINs do not always tell configurations apart: where two configurations of a generation
share an engine (a manual and an automatic), one pattern stands for both vehicles. A row of
``vin_codes.tsv`` with no engine gives a less specific pattern (``*`` where the engine or drive
goes) for every vehicle of the generation and year; a VIN that a more specific pattern also
matches gets the vehicles of the more specific one (the one with fewest ``*``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from .data import keyed, optional, read_table
from .vehicles import Vehicle

VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O or Q
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # model years 2010-2039 (no I, O, Q, U, Z, 0)
FIRST_YEAR = 2010
WILD = "*"

# series number -> (WMI, plant code or None)
MAKERS = keyed(
    (int(row["series"]), (row["wmi"], optional(row["plant"]))) for row in read_table("vin_makers")
)
# (generation, engine or None for any engine) -> VDS (positions 4-8, "*" for any)
CODES = keyed(
    ((row["generation"], optional(row["engine"])), row["vds"]) for row in read_table("vin_codes")
)
PATTERN_SCHEMA = pa.schema([("pattern", pa.string()), ("vehicle_id", pa.string())])


def year_code(year: int) -> str:
    """The model-year character of position 10 (30-year cycle from 2010)."""
    return YEAR_CODES[(year - FIRST_YEAR) % len(YEAR_CODES)]


def vehicle_patterns(vehicle: Vehicle) -> list[str]:
    """The engine pattern of ``vehicle``, then the generation pattern if there is one."""
    wmi, plant = MAKERS[vehicle.series.number]
    if (vehicle.gen.code, vehicle.engine) not in CODES:
        raise ValueError(f"vin_codes.tsv has no row for {vehicle.gen.code} {vehicle.engine}")
    tail = f"{WILD}{year_code(vehicle.year)}{plant or WILD}{WILD * 6}"
    keys = ((vehicle.gen.code, vehicle.engine), (vehicle.gen.code, None))
    return [f"{wmi}{CODES[key]}{tail}" for key in keys if key in CODES]


def check_pattern(pattern: str) -> None:
    if len(pattern) != 17 or any(c not in VIN_CHARS and c != WILD for c in pattern):
        raise ValueError(f"bad VIN pattern {pattern!r}")


def build_patterns(vehicles: Iterable[Vehicle]) -> dict[str, list[Vehicle]]:
    """Pattern -> the vehicles it stands for, in fleet order."""
    patterns: dict[str, list[Vehicle]] = {}
    for vehicle in vehicles:
        for pattern in vehicle_patterns(vehicle):
            check_pattern(pattern)
            patterns.setdefault(pattern, []).append(vehicle)
    check_overlaps(patterns)
    return patterns


def overlap(a: str, b: str) -> bool:
    """Whether some VIN matches both patterns."""
    return all(x == y or WILD in (x, y) for x, y in zip(a, b, strict=True))


def check_overlaps(patterns: dict[str, list[Vehicle]]) -> None:
    """Patterns of different generations must not match the same VIN."""
    by_prefix: dict[tuple[str, str], list[str]] = {}
    for pattern in patterns:  # WMI and model year are never "*"
        by_prefix.setdefault((pattern[:3], pattern[9]), []).append(pattern)
    for group in by_prefix.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                gens = {v.gen.code for v in (*patterns[a], *patterns[b])}
                if len(gens) > 1 and overlap(a, b):
                    raise ValueError(f"VIN patterns {a} and {b} overlap across generations")


def specificity(pattern: str) -> int:
    return -pattern.count(WILD)


def matches(pattern: str, vin: str) -> bool:
    return len(vin) == len(pattern) and all(
        p in (WILD, c) for p, c in zip(pattern, vin, strict=True)
    )


def most_specific(vin: str, patterns: dict[str, list[Vehicle]]) -> list[str]:
    """Vehicle ids of the most specific patterns ``vin`` matches (a plain scan), sorted."""
    hits = [p for p in patterns if matches(p, vin)]
    if not hits:
        return []
    best = max(specificity(p) for p in hits)
    ids = {v.vehicle_id for p in hits if specificity(p) == best for v in patterns[p]}
    return sorted(ids)


def vin_patterns_table(patterns: dict[str, list[Vehicle]]) -> pa.Table:
    rows = sorted((p, v.vehicle_id) for p, vehicles in patterns.items() for v in vehicles)
    return pa.Table.from_pylist(
        [{"pattern": p, "vehicle_id": vid} for p, vid in rows], schema=PATTERN_SCHEMA
    )
