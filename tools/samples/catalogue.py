"""The catalogue being built: part specifications, applications and the parts and fitment rows.

Part ids are ``P`` + the two-digit code of the category in ``sample_data/categories.tsv`` + a
sequence within the category.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from .brands import AFTERMARKET, KNOWN_NUMBERS, OE_BRANDS, REGIONS, fill, template_for
from .data import keyed, read_table
from .vehicles import ENGINES, FAMILIES, Engine, Gen, Series, Vehicle

T = TypeVar("T")
CATEGORIES = keyed((row["category"], int(row["code"])) for row in read_table("categories"))


@dataclass(frozen=True)
class PartSpec:
    brand: str
    variant: str | None  # position, filter kind, pack size ...: picks the number format
    name: str
    number: str | None = None  # a known number; None makes one in the brand's format


@dataclass(frozen=True)
class App:
    """A make + model + year range (and an engine, or None for any) with the vehicles in it."""

    series: Series
    gen: Gen
    engine: str | None
    first: int
    last: int
    vehicle_ids: tuple[str, ...]


@dataclass(frozen=True)
class PartGroup:
    """Interchangeable parts made by one ``Catalogue.group`` call, with what they fit."""

    category: str
    key: str
    part_ids: tuple[str, ...]
    fits: frozenset[tuple[str, str | None]]  # (vehicle id, position)


@dataclass(frozen=True)
class Fleet:
    vehicles: list[Vehicle]
    gen_apps: list[App]  # one per generation
    engine_apps: list[App]  # one per generation and engine


class Catalogue:
    """Collects parts (one SKU per brand + number) and their fitment rows."""

    def __init__(self) -> None:
        self.parts: list[dict] = []
        self.fitments: list[dict] = []
        self.covered: set[tuple[str, str]] = set()  # (vehicle_id, category) with a part
        self.groups: list[PartGroup] = []  # in the order they were made
        self._by_number: dict[tuple[str, str], dict] = {}
        self._owners: dict[tuple[str, str], str] = {}
        self._counts = dict.fromkeys(CATEGORIES, 0)

    def make_number(self, brand: str, template: str, seed: str) -> str:
        """A number in ``template`` for ``seed``, unique within the brand."""
        for salt in range(1000):
            number = fill(template, f"{seed}#{salt}")
            if self._owners.setdefault((brand, number), seed) == seed:
                return number
        raise ValueError(f"template {template!r} of {brand} has too few free numbers")

    def part(self, spec: PartSpec, category: str, number: str, universal: bool = False) -> str:
        found = self._by_number.get((spec.brand, number))
        if found is not None:
            if found["category"] != category:
                raise ValueError(
                    f"{spec.brand} {number} is both {found['category']} and {category}"
                )
            return found["part_id"]
        self._counts[category] += 1
        code = CATEGORIES[category]
        row = {
            "part_id": f"P{code:02d}{self._counts[category]:05d}",
            "brand": spec.brand,
            "part_number": number,
            "category": category,
            "name": spec.name,
            "universal": universal,
        }
        self.parts.append(row)
        self._by_number[(spec.brand, number)] = row
        return row["part_id"]

    def group(
        self, category: str, key: str, specs: Iterable[PartSpec], rows: list[dict], oe: str = ""
    ) -> None:
        """Add interchangeable parts ``specs`` and link each of them through ``rows``."""
        part_ids = []
        for spec in specs:
            number = spec.number or KNOWN_NUMBERS.get((spec.brand, category, key, spec.variant))
            if number is None:
                template = template_for(spec.brand, category, spec.variant).replace("{oe}", oe)
                seed = f"{spec.brand}|{category}|{key}|{spec.variant}"
                number = self.make_number(spec.brand, template, seed)
            part_id = self.part(spec, category, number)
            part_ids.append(part_id)
            for row in rows:
                self.fitments.append({"part_id": part_id, **row})
                self.covered.update((vid, category) for vid in row["vehicle_ids"])
        fits = frozenset((vid, row["position"]) for row in rows for vid in row["vehicle_ids"])
        self.groups.append(PartGroup(category, key, tuple(part_ids), fits))


def range_row(
    app: App, position: str | None = None, qty: int | None = 1, note: str | None = None
) -> dict:
    return {
        "vehicle_id": None,
        "make": app.series.make,
        "model": app.series.model,
        "year_from": app.first,
        "year_to": app.last,
        "engine": app.engine,
        "position": position,
        "qty": qty,
        "note": note,
        "vehicle_ids": app.vehicle_ids,
    }


def vehicle_row(vehicle: Vehicle, qty: int = 1, note: str | None = None) -> dict:
    return {
        "vehicle_id": vehicle.vehicle_id,
        "make": None,
        "model": None,
        "year_from": None,
        "year_to": None,
        "engine": None,
        "position": None,
        "qty": qty,
        "note": note,
        "vehicle_ids": (vehicle.vehicle_id,),
    }


def grouped(items: Iterable[T], key: Callable[[T], object]) -> dict[object, list[T]]:
    """Items by key, in first-seen order; items whose key is None are left out."""
    out: dict[object, list[T]] = {}
    for item in items:
        value = key(item)
        if value is not None:
            out.setdefault(value, []).append(item)
    return out


def build_apps(vehicles: list[Vehicle], by_engine: bool) -> list[App]:
    apps = []
    for group in grouped(vehicles, lambda v: (v.gen.code, v.engine if by_engine else "")).values():
        first = group[0]
        years = [v.year for v in group]
        engine = first.engine if by_engine else None
        ids = tuple(v.vehicle_id for v in group)
        apps.append(App(first.series, first.gen, engine, min(years), max(years), ids))
    return apps


def oe_part(make: str, name: str, variant: str | None = None) -> PartSpec:
    return PartSpec(OE_BRANDS[make], variant, name)


def aftermarket(category: str, make: str, name: str, variant: str | None = None) -> list[PartSpec]:
    return [PartSpec(brand, variant, name) for brand in AFTERMARKET[category][REGIONS[make]]]


def engine_of(app: App) -> Engine:
    return ENGINES[app.engine]


def family_oe(app: App) -> str:
    return FAMILIES[engine_of(app).family].oe
