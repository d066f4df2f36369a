"""Vehicles of the sample: series, their generations and engine/transmission configurations.

The facts are in ``sample_data/``: ``series.tsv`` (one row per series), ``generations.tsv`` (the
generations of each series, in order, with the groups their parts are shared by),
``configurations.tsv`` (engine, gearbox, drive, trim, tyre and model years of each generation),
``engines.tsv`` and ``engine_families.tsv``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from .data import flag, optional, optional_float, optional_int, read_table


@dataclass(frozen=True)
class Engine:
    displacement: float | None
    fuel: str
    cylinders: int
    family: str | None  # groups spark plugs, coils, timing kits, water pumps, thermostats
    oil_filter: str | None  # key in OIL_FILTERS
    belt: str | None  # poly-V accessory belt; None where the engine has none (hybrids, EVs)
    oil: str | None  # key in OILS
    capacity: float | None  # engine oil fill with filter change, litres


@dataclass(frozen=True)
class Family:
    oe: str  # code the maker uses in its part numbers for this engine family
    timing: str  # "belt" or "chain"
    ngk: str | None  # NGK spark plug (None: diesel)
    denso: str | None  # Denso spark plug, where one is listed


@dataclass(frozen=True)
class Gen:
    """One generation of a series; ``configs`` are (engine, gearbox, drive, trim, tyre, years)."""

    code: str
    start: str  # production start, YYYY-MM
    end: str | None  # production end, None while in production
    oe: str  # model code the maker uses in its part numbers
    chassis: str  # groups brakes, shock absorbers, control arms and air filters
    cabin: str  # groups cabin filters
    configs: tuple[tuple[str, str, str, str | None, str, int, int], ...]
    wipers: tuple[int, int, int | None]  # driver, passenger, rear (mm); rear None if none
    bulb: str | None  # low-beam bulb; None for LED headlights
    battery: str  # battery group
    fuel_filter: bool  # serviceable in-line fuel filter
    rear_drum: bool  # rear drum brakes: no rear pads or discs


@dataclass(frozen=True)
class Series:
    number: int  # first two digits of the vehicle ids of this series
    make: str
    manufacturer: str
    model: str
    name: str  # English or pinyin series name
    body: str
    gens: tuple[Gen, ...]


def load_engines() -> dict[str, Engine]:
    return {
        row["engine"]: Engine(
            displacement=optional_float(row["displacement_l"]),
            fuel=row["fuel"],
            cylinders=int(row["cylinders"]),
            family=optional(row["family"]),
            oil_filter=optional(row["oil_filter"]),
            belt=optional(row["belt"]),
            oil=optional(row["oil"]),
            capacity=optional_float(row["oil_capacity_l"]),
        )
        for row in read_table("engines")
    }


def load_families() -> dict[str, Family]:
    # an empty oe_code is kept as "": the maker's numbers carry no engine code
    return {
        row["family"]: Family(
            row["oe_code"], row["timing"], optional(row["ngk"]), optional(row["denso"])
        )
        for row in read_table("engine_families")
    }


def load_config(row: dict[str, str]) -> tuple[str, str, str, str | None, str, int, int]:
    """(engine, gearbox, drive, trim, tyre, first year, last year) of a configuration."""
    return (
        row["engine"],
        row["transmission"],
        row["drive"],
        optional(row["trim"]),
        row["tyre"],
        int(row["year_from"]),
        int(row["year_to"]),
    )


def load_gen(row: dict[str, str], configs: list[dict[str, str]]) -> Gen:
    return Gen(
        code=row["generation"],
        start=row["start"],
        end=optional(row["end"]),
        oe=row["oe_code"],  # "" where the maker's numbers carry no model code
        chassis=row["chassis"],
        cabin=row["cabin"],
        configs=tuple(load_config(c) for c in configs),
        wipers=(
            int(row["wiper_driver_mm"]),
            int(row["wiper_passenger_mm"]),
            optional_int(row["wiper_rear_mm"]),
        ),
        bulb=optional(row["low_beam_bulb"]),
        battery=row["battery"],
        fuel_filter=flag(row["fuel_filter"]),
        rear_drum=flag(row["rear_drum"]),
    )


def load_series() -> tuple[Series, ...]:
    """Series in file order, each with its generations and their configurations in file order."""
    configs: dict[str, list[dict[str, str]]] = {}
    for row in read_table("configurations"):
        configs.setdefault(row["generation"], []).append(row)
    gens: dict[int, list[Gen]] = {}
    for row in read_table("generations"):
        gen = load_gen(row, configs.pop(row["generation"]))
        gens.setdefault(int(row["series"]), []).append(gen)
    series = tuple(
        Series(
            number=int(row["number"]),
            make=row["make"],
            manufacturer=row["manufacturer"],
            model=row["model"],
            name=row["name"],
            body=row["body"],
            gens=tuple(gens.pop(int(row["number"]))),
        )
        for row in read_table("series")
    )
    if configs or gens:
        unlisted = [*configs, *gens]
        raise ValueError(f"configurations or generations name unlisted ones: {unlisted}")
    return series


ENGINES = load_engines()
# NGK and Denso codes are catalogue codes believed to exist; which engine each is given to is
# approximate. The OE code goes into generated OE numbers.
FAMILIES = load_families()
SERIES = load_series()


@dataclass(frozen=True)
class Vehicle:
    vehicle_id: str
    series: Series
    gen: Gen
    engine: str
    transmission: str
    drive: str
    trim: str | None
    tyre: str
    year: int

    @property
    def spec(self) -> Engine:
        return ENGINES[self.engine]


def gen_years(gen: Gen) -> range:
    return range(min(c[5] for c in gen.configs), max(c[6] for c in gen.configs) + 1)


def build_vehicles() -> list[Vehicle]:
    """One vehicle per series, model year and configuration; ids are V + series + sequence."""
    vehicles = []
    for series in SERIES:
        sequence = 0
        for gen in series.gens:
            for year in gen_years(gen):
                for engine, gearbox, drive, trim, tyre, first, last in gen.configs:
                    if first <= year <= last:
                        sequence += 1
                        number = f"V{series.number:02d}{sequence:04d}"
                        vehicles.append(
                            Vehicle(number, series, gen, engine, gearbox, drive, trim, tyre, year)
                        )
    return vehicles


def production(vehicle: Vehicle) -> tuple[str, str | None]:
    """Production months of a model year: September to August, clipped to the generation."""
    years = gen_years(vehicle.gen)
    start = vehicle.gen.start if vehicle.year == years[0] else f"{vehicle.year - 1}-09"
    end = vehicle.gen.end if vehicle.year == years[-1] else f"{vehicle.year}-08"
    return start, end


VEHICLE_SCHEMA = pa.schema(
    [
        ("vehicle_id", pa.string()),
        ("make", pa.string()),
        ("model", pa.string()),
        ("year", pa.int16()),
        ("manufacturer", pa.string()),
        ("series", pa.string()),
        ("engine", pa.string()),
        ("displacement_l", pa.float32()),
        ("fuel", pa.string()),
        ("transmission", pa.string()),
        ("drive", pa.string()),
        ("body", pa.string()),
        ("trim", pa.string()),
        ("market", pa.string()),
        ("produced_from", pa.string()),
        ("produced_to", pa.string()),
    ]
)


def vehicles_table(vehicles: list[Vehicle]) -> pa.Table:
    rows = []
    for v in vehicles:
        produced_from, produced_to = production(v)
        rows.append(
            {
                "vehicle_id": v.vehicle_id,
                "make": v.series.make,
                "model": v.series.model,
                "year": v.year,
                "manufacturer": v.series.manufacturer,
                "series": v.series.name,
                "engine": v.engine,
                "displacement_l": v.spec.displacement,
                "fuel": v.spec.fuel,
                "transmission": v.transmission,
                "drive": v.drive,
                "body": v.series.body,
                "trim": v.trim,
                "market": "CN",
                "produced_from": produced_from,
                "produced_to": produced_to,
            }
        )
    return pa.Table.from_pylist(rows, schema=VEHICLE_SCHEMA)
