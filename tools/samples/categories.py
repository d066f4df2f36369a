"""Parts by category: each ``add_*`` function adds its parts and fitment rows to the catalogue.

The product facts are in ``sample_data/``: ``oil_filters.tsv``, ``engine_oils.tsv``,
``tyres.tsv``, ``batteries.tsv`` and ``battery_numbers.tsv``, ``bulbs.tsv`` and
``bulb_numbers.tsv``, ``transmission_fluids.tsv``, ``fluid_kinds.tsv``, ``fluid_by_gearbox.tsv``,
``chassis_parts.tsv`` and ``universal_parts.tsv``.
"""

from __future__ import annotations

import math

from .brands import (
    AFTER_FLUIDS,
    CABIN_BRANDS,
    CABIN_NAMES,
    CLUTCH_BRANDS,
    COOLANTS,
    OE_BRANDS,
    OIL_BRANDS,
    REGIONS,
    TIMING_BRANDS,
    TYRE_BRANDS,
    WIPER_BRANDS,
)
from .catalogue import (
    App,
    Catalogue,
    Fleet,
    PartSpec,
    aftermarket,
    engine_of,
    family_oe,
    grouped,
    oe_part,
    range_row,
    vehicle_row,
)
from .data import keyed, optional, read_table
from .vehicles import FAMILIES, Family, Vehicle


def numbers_by(table: str, key: str) -> dict[str, tuple[tuple[str, str | None], ...]]:
    """(brand, number) pairs of each ``key`` value, in file order; no number makes one."""
    numbers: dict[str, list[tuple[str, str | None]]] = {}
    for row in read_table(table):
        numbers.setdefault(row[key], []).append((row["brand"], optional(row["number"])))
    return {value: tuple(pairs) for value, pairs in numbers.items()}


def load_chassis_parts() -> dict[str, dict[str, tuple[str, int]]]:
    """Category -> position -> (name, quantity per vehicle)."""
    parts: dict[str, dict[str, tuple[str, int]]] = {}
    for row in read_table("chassis_parts"):
        parts.setdefault(row["category"], {})[row["position"]] = (row["name"], int(row["qty"]))
    return parts


# "spin": spin-on canister, "cart": element in a housing
OIL_FILTERS = keyed((row["oil_filter"], row["kind"]) for row in read_table("oil_filters"))
OILS = keyed((row["grade"], row["label"]) for row in read_table("engine_oils"))
TYRES = keyed((row["size"], row["load_speed"]) for row in read_table("tyres"))
# group -> (name, note, ((brand, number or None), ...))
_BATTERY_NUMBERS = numbers_by("battery_numbers", "group")
BATTERIES = keyed(
    (row["group"], (row["name"], optional(row["note"]), _BATTERY_NUMBERS[row["group"]]))
    for row in read_table("batteries")
)
# low-beam bulb -> (name, ((brand, number), ...))
_BULB_NUMBERS = numbers_by("bulb_numbers", "bulb")
BULBS = keyed(
    (row["bulb"], (row["name"], _BULB_NUMBERS[row["bulb"]])) for row in read_table("bulbs")
)
MANUAL = ("5MT", "6MT")
FLUID_NAMES = keyed((row["kind"], row["name"]) for row in read_table("fluid_kinds"))
# key -> (kind, OE number or None to make one, litres for a drain and fill)
FLUIDS = keyed(
    (row["fluid"], (row["kind"], optional(row["oe_number"]), int(row["litres"])))
    for row in read_table("transmission_fluids")
)
# (make, transmission) -> key in FLUIDS; VW 7DCT depends on the engine (see fluid_key)
FLUID_BY_GEARBOX = keyed(
    ((row["make"], row["transmission"]), row["fluid"]) for row in read_table("fluid_by_gearbox")
)
# (category, brand, number, name): parts that fit every vehicle
UNIVERSAL = tuple(
    (row["category"], row["brand"], row["number"], row["name"])
    for row in read_table("universal_parts")
)
CHASSIS_PARTS = load_chassis_parts()


def add_oil_filters(cat: Catalogue, fleet: Fleet) -> None:
    for key, apps in grouped(fleet.engine_apps, lambda a: engine_of(a).oil_filter).items():
        make, kind = apps[0].series.make, OIL_FILTERS[key]
        name = "机油滤芯" if kind == "cart" else "机油滤清器"
        specs = [oe_part(make, name, kind), *aftermarket("oil filter", make, name, kind)]
        cat.group("oil filter", key, specs, [range_row(a) for a in apps], family_oe(apps[0]))


def add_air_filters(cat: Catalogue, fleet: Fleet) -> None:
    def key(app: App) -> str | None:
        family = engine_of(app).family
        return f"{app.gen.chassis}|{family}" if family else None

    for group_key, apps in grouped(fleet.engine_apps, key).items():
        make = apps[0].series.make
        specs = [oe_part(make, "空气滤清器"), *aftermarket("air filter", make, "空气滤清器")]
        cat.group("air filter", group_key, specs, [range_row(a) for a in apps], apps[0].gen.oe)


def add_cabin_filters(cat: Catalogue, fleet: Fleet) -> None:
    for key, apps in grouped(fleet.gen_apps, lambda a: a.gen.cabin).items():
        make = apps[0].series.make
        specs = [oe_part(make, CABIN_NAMES["std"], "std")]
        specs += [PartSpec(b, v, CABIN_NAMES[v]) for b, v in CABIN_BRANDS[REGIONS[make]]]
        cat.group("cabin filter", key, specs, [range_row(a) for a in apps], apps[0].gen.oe)


def add_fuel_filters(cat: Catalogue, fleet: Fleet) -> None:
    apps = [a for a in fleet.engine_apps if a.gen.fuel_filter]
    for key, group in grouped(apps, lambda a: f"{a.gen.chassis}|{engine_of(a).fuel}").items():
        make = group[0].series.make
        name = "柴油滤清器" if key.endswith("diesel") else "燃油滤清器"
        specs = [oe_part(make, name), *aftermarket("fuel filter", make, name)]
        cat.group("fuel filter", key, specs, [range_row(a) for a in group], group[0].gen.oe)


def add_chassis_parts(cat: Catalogue, fleet: Fleet) -> None:
    """Brakes, shock absorbers and control arms, shared by the generations of one chassis."""
    chassis = grouped(fleet.gen_apps, lambda a: a.gen.chassis)
    for category, positions in CHASSIS_PARTS.items():
        for key, apps in chassis.items():
            make = apps[0].series.make
            for position, (name, qty) in positions.items():
                drums = position == "rear" and category.startswith("brake")
                fitting = [a for a in apps if not (drums and a.gen.rear_drum)]
                if not fitting:
                    continue
                specs = [
                    oe_part(make, name, position),
                    *aftermarket(category, make, name, position),
                ]
                rows = [range_row(a, position, qty) for a in fitting]
                cat.group(category, f"{key}|{position}", specs, rows, apps[0].gen.oe)


def plug_parts(make: str, family: Family) -> list[PartSpec]:
    specs = [oe_part(make, "火花塞"), PartSpec("NGK", None, "火花塞", family.ngk)]
    if family.denso:
        specs.append(PartSpec("Denso", None, "火花塞", family.denso))
    specs.append(PartSpec("Bosch", None, "火花塞"))
    if REGIONS[make] == "gm":
        specs.append(PartSpec("ACDelco", None, "火花塞"))
    return specs


def add_engine_parts(cat: Catalogue, fleet: Fleet) -> None:
    """Spark plugs, ignition coils, timing kits, water pumps and thermostats per family."""
    apps = [a for a in fleet.engine_apps if engine_of(a).family]
    for key, group in grouped(apps, lambda a: engine_of(a).family).items():
        family, make = FAMILIES[key], group[0].series.make
        if family.ngk:
            rows = [range_row(a, qty=engine_of(a).cylinders) for a in group]
            cat.group("spark plugs", key, plug_parts(make, family), rows, family.oe)
            coils = [oe_part(make, "点火线圈"), *aftermarket("ignition coil", make, "点火线圈")]
            cat.group("ignition coil", key, coils, rows, family.oe)
        rows = [range_row(a) for a in group]
        name = "正时皮带套件" if family.timing == "belt" else "正时链条套件"
        timing = [PartSpec(b, family.timing, name) for b in TIMING_BRANDS[family.timing]]
        cat.group("timing kit", key, [oe_part(make, name, family.timing), *timing], rows, family.oe)
        for category, name in (("water pump", "水泵总成"), ("thermostat", "节温器")):
            specs = [oe_part(make, name), *aftermarket(category, make, name)]
            cat.group(category, key, specs, rows, family.oe)


def add_belts(cat: Catalogue, fleet: Fleet) -> None:
    """Poly-V accessory belts: one aftermarket part per size, OE parts per make and size."""
    for size, apps in grouped(fleet.engine_apps, lambda a: engine_of(a).belt).items():
        name = f"发动机多楔带 {size}"
        specs = [
            PartSpec("Gates", None, name, size),
            PartSpec("Continental", None, name, size),
            PartSpec("Bosch", None, name),
        ]
        cat.group("serpentine belt", size, specs, [range_row(a) for a in apps])
        for make, own in grouped(apps, lambda a: a.series.make).items():
            cat.group(
                "serpentine belt",
                f"{make}|{size}",
                [oe_part(make, name)],
                [range_row(a) for a in own],
                family_oe(own[0]),
            )


def wiper_name(kind: str, length: int) -> str:
    inches = round(length / 25.4)
    prefix = "后雨刮片" if kind == "rear" else "无骨雨刮片"
    return f"{prefix} {inches}英寸 ({length}mm)"


def add_wipers(cat: Catalogue, fleet: Fleet) -> None:
    """Blades by length: aftermarket blades fit any make, OE blades their own make."""
    slots: dict[tuple[str, int], list[tuple[App, str]]] = {}
    for app in fleet.gen_apps:
        for position, length in zip(
            ("front left", "front right", "rear"), app.gen.wipers, strict=True
        ):
            if length:
                kind = "rear" if position == "rear" else "front"
                slots.setdefault((kind, length), []).append((app, position))
    for (kind, length), fits in slots.items():
        name = wiper_name(kind, length)
        specs = [PartSpec(brand, kind, name) for brand in WIPER_BRANDS]
        cat.group("wiper blades", f"{kind}|{length}", specs, [range_row(a, p) for a, p in fits])
        for make, own in grouped(fits, lambda fit: fit[0].series.make).items():
            rows = [range_row(a, p) for a, p in own]
            cat.group(
                "wiper blades",
                f"{make}|{kind}|{length}",
                [oe_part(make, name, kind)],
                rows,
                own[0][0].gen.oe,
            )


def add_bulbs(cat: Catalogue, fleet: Fleet) -> None:
    for bulb, apps in grouped(fleet.gen_apps, lambda a: a.gen.bulb).items():
        name, numbers = BULBS[bulb]
        specs = [PartSpec(brand, None, name, number) for brand, number in numbers]
        cat.group("headlight bulb", bulb, specs, [range_row(a, "front", 2, "近光灯") for a in apps])


def add_coolant(cat: Catalogue, fleet: Fleet) -> None:
    for make, apps in grouped(fleet.gen_apps, lambda a: a.series.make).items():
        oe_name, line = COOLANTS[make]
        rows = [range_row(a, qty=None) for a in apps]
        cat.group("coolant", make, [oe_part(make, oe_name)], rows, apps[0].gen.oe)
        castrol = PartSpec("Castrol", line, f"Radicool {line} 冷却液 -40°C 4L")
        cat.group("coolant", "Castrol", [castrol], rows)


def oil_row(app: App, pack: str) -> dict | None:
    """4 L pack once per change, plus 1 L packs for the rest of the fill."""
    capacity = engine_of(app).capacity
    note = f"加注量约{capacity:g}L"
    if pack == "4L":
        return range_row(app, note=note)
    extra = math.ceil(capacity - 4)
    return range_row(app, qty=extra, note=note) if extra > 0 else None


def add_engine_oil(cat: Catalogue, fleet: Fleet) -> None:
    for grade, apps in grouped(fleet.engine_apps, lambda a: engine_of(a).oil).items():
        for pack in ("4L", "1L"):
            rows = [row for row in (oil_row(a, pack) for a in apps) if row]
            specs = [
                PartSpec(brand, pack, f"{line} 全合成机油 {OILS[grade]} {pack}")
                for brand, line in OIL_BRANDS
            ]
            if rows:
                cat.group("engine oil", grade, specs, rows)


def battery_group(vehicle: Vehicle) -> str:
    if vehicle.spec.fuel == "hybrid" and vehicle.series.make == "丰田":
        return "S46B24R"
    return "L3" if vehicle.spec.fuel == "diesel" else vehicle.gen.battery


def add_batteries(cat: Catalogue, fleet: Fleet) -> None:
    for group, vehicles in grouped(fleet.vehicles, battery_group).items():
        name, note, numbers = BATTERIES[group]
        specs = [PartSpec(brand, None, name, number) for brand, number in numbers]
        rows = [vehicle_row(v, note=note) for v in vehicles]
        cat.group("battery", group, specs, rows, vehicles[0].gen.oe)


def add_tyres(cat: Catalogue, fleet: Fleet) -> None:
    for size, vehicles in grouped(fleet.vehicles, lambda v: v.tyre).items():
        rim = size.split("R")[1]
        specs = [
            PartSpec(brand, None, f"轮胎 {size} {TYRES[size]} {pattern}")
            for brand, pattern in TYRE_BRANDS
        ]
        rows = [vehicle_row(v, qty=4, note=f"{rim}英寸轮毂") for v in vehicles]
        cat.group("tyres", size, specs, rows)


def fluid_key(vehicle: Vehicle) -> str | None:
    if vehicle.transmission in MANUAL or vehicle.transmission == "1AT":
        return None
    if (vehicle.series.make, vehicle.transmission) == ("大众", "7DCT"):
        return "VW-DSG" if vehicle.engine == "EA888 2.0T" else "VW-DQ200"
    return FLUID_BY_GEARBOX[(vehicle.series.make, vehicle.transmission)]


def add_fluids(cat: Catalogue, fleet: Fleet) -> None:
    for key, vehicles in grouped(fleet.vehicles, fluid_key).items():
        kind, number, litres = FLUIDS[key]
        make = vehicles[0].series.make
        oe = PartSpec(OE_BRANDS[make], kind, f"{FLUID_NAMES[kind]} 1L", number)
        rows = [vehicle_row(v, qty=litres) for v in vehicles]
        cat.group("transmission fluid", key, [oe], rows, vehicles[0].gen.oe)
        for brand, line in AFTER_FLUIDS.get(kind, ()):
            spec = PartSpec(brand, kind, f"{line} {FLUID_NAMES[kind]} 1L")
            cat.group("transmission fluid", brand, [spec], rows)


def add_clutches(cat: Catalogue, fleet: Fleet) -> None:
    manual = [v for v in fleet.vehicles if v.transmission in MANUAL]
    for family, vehicles in grouped(manual, lambda v: v.spec.family).items():
        specs = [PartSpec(brand, None, "离合器三件套") for brand in CLUTCH_BRANDS]
        cat.group("clutch kit", family, specs, [vehicle_row(v) for v in vehicles])


def add_universal(cat: Catalogue) -> None:
    for category, brand, number, name in UNIVERSAL:
        cat.part(PartSpec(brand, None, name, number), category, number, universal=True)


CATEGORY_BUILDERS = (
    add_oil_filters,
    add_air_filters,
    add_cabin_filters,
    add_fuel_filters,
    add_chassis_parts,
    add_engine_parts,
    add_belts,
    add_wipers,
    add_bulbs,
    add_coolant,
    add_engine_oil,
    add_batteries,
    add_tyres,
    add_fluids,
    add_clutches,
)


def build_catalogue(fleet: Fleet) -> Catalogue:
    cat = Catalogue()
    for add in CATEGORY_BUILDERS:
        add(cat, fleet)
    add_universal(cat)
    return cat
