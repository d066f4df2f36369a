"""Orders and repair baskets of the repair shops, made from the repair jobs of ``repair_jobs.tsv``.

A job (an oil service, a front brake job, a timing belt ...) names the categories, and where it
matters the positions, of the parts it needs. An order is one job on one vehicle: for each of
its categories one brand is chosen among the parts that fit the vehicle, and one part of that
brand per position (engine oil: the 4 L pack and the 1 L packs for the rest of the fill), in the
quantity the fitment gives. A basket is a car in for repair with the categories of one or two
jobs that have parts for it. Vehicles, jobs and brands are drawn from hashes of the order or
basket id, jobs in proportion to their weight; the shops take turns. A few orders are built
around the parts that are out of stock everywhere, so that sourcing has lines it cannot fill
with the part itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from .catalogue import Catalogue
from .choice import pick, unit, weighted
from .data import comma_list, read_table
from .places import Shop

ORDER_COUNT = 150
BASKET_COUNT = 100
MAX_LINES = 8
SECOND_JOB = 0.3  # share of baskets with a second job
SHOP_STRIDE = 7  # orders and baskets go to every shop in turn, 7 shops on (coprime to the count)


@dataclass(frozen=True)
class Job:
    job: str
    name: str
    weight: float
    slots: tuple[tuple[str, str | None], ...]  # (category, position; None for every position)


def slot(cell: str) -> tuple[str, str | None]:
    """``"brake pads@front"`` -> ``("brake pads", "front")``; no ``@``: every position."""
    category, _, position = cell.partition("@")
    return category, position or None


JOBS = tuple(
    Job(row["job"], row["name"], float(row["weight"]), tuple(map(slot, comma_list(row["slots"]))))
    for row in read_table("repair_jobs")
)


@dataclass(frozen=True)
class Fit:
    part_id: str
    brand: str
    position: str | None
    qty: int | None  # per vehicle; None for coolant


class Fits:
    """The parts that fit each vehicle, by category; universal parts fit every vehicle."""

    def __init__(self, cat: Catalogue) -> None:
        parts = {p["part_id"]: p for p in cat.parts}
        self.by_vehicle: dict[str, dict[str, list[Fit]]] = {}
        self.vehicles: dict[str, list[str]] = {}  # part -> vehicles, in the order linked
        seen: set[tuple[str, str, str | None]] = set()
        for row in cat.fitments:
            part = parts[row["part_id"]]
            fit = Fit(part["part_id"], part["brand"], row["position"], row["qty"])
            for vehicle_id in row["vehicle_ids"]:
                if (vehicle_id, fit.part_id, fit.position) not in seen:
                    seen.add((vehicle_id, fit.part_id, fit.position))
                    by_category = self.by_vehicle.setdefault(vehicle_id, {})
                    by_category.setdefault(part["category"], []).append(fit)
                    self.vehicles.setdefault(fit.part_id, []).append(vehicle_id)
        self.universal: dict[str, list[Fit]] = {}
        for part in cat.parts:
            if part["universal"]:
                fit = Fit(part["part_id"], part["brand"], None, 1)
                self.universal.setdefault(part["category"], []).append(fit)

    def parts(self, vehicle_id: str, category: str, position: str | None) -> list[Fit]:
        found = self.by_vehicle[vehicle_id].get(category) or self.universal.get(category, [])
        return [fit for fit in found if position is None or fit.position == position]

    def position(self, part_id: str, vehicle_id: str) -> str | None:
        for fits in self.by_vehicle[vehicle_id].values():
            for fit in fits:
                if fit.part_id == part_id:
                    return fit.position
        raise KeyError((part_id, vehicle_id))


def line_qty(fit: Fit, category: str, seed: str) -> int:
    if category == "tyres":  # a pair or a set
        return pick((2, 4), seed, "tyres")
    return 2 if fit.qty is None else fit.qty  # coolant: two 4 L jugs


def category_lines(
    found: list[Fit], category: str, seed: str, forced: str | None
) -> list[tuple[str, int]]:
    """One brand for the category; per position one part of it (or every engine oil pack)."""
    forced_fit = next((fit for fit in found if fit.part_id == forced), None)
    brands = sorted({fit.brand for fit in found})
    brand = forced_fit.brand if forced_fit else pick(brands, seed, "brand")
    lines = []
    for position in dict.fromkeys(fit.position for fit in found):
        here = [fit for fit in found if fit.position == position]
        mine = [fit for fit in here if fit.brand == brand] or here
        if forced_fit is not None and forced_fit.position == position:
            mine = [forced_fit]
        elif category != "engine oil":  # engine oil: the 4 L pack and the 1 L packs
            mine = [pick(mine, seed, position)]
        lines += [(fit.part_id, line_qty(fit, category, seed)) for fit in mine]
    return lines


def job_lines(
    job: Job, vehicle_id: str, fits: Fits, seed: str, forced: str | None = None
) -> list[tuple[str, int]]:
    by_category: dict[str, list[Fit]] = {}
    for category, position in job.slots:
        found = fits.parts(vehicle_id, category, position)
        if found:  # a slot the vehicle has no part in (no fuel filter, LED lights ...) is skipped
            by_category.setdefault(category, []).extend(found)
    lines: dict[str, int] = {}
    for category, found in by_category.items():
        for part_id, qty in category_lines(found, category, f"{seed}|{category}", forced):
            lines[part_id] = lines.get(part_id, 0) + qty
    return list(lines.items())


def choose_job(vehicle_id: str, fits: Fits, seed: str) -> Job:
    """A job whose first category has parts for the vehicle, in proportion to its weight."""
    jobs = [job for job in JOBS if fits.parts(vehicle_id, *job.slots[0])]
    return weighted(jobs, [job.weight for job in jobs], seed, "job")


def job_for_part(part_id: str, category: str, fits: Fits, seed: str) -> tuple[str, Job]:
    """A vehicle the part fits and the first job that needs it there."""
    vehicle_id = pick(fits.vehicles[part_id], seed, "vehicle")
    position = fits.position(part_id, vehicle_id)
    for job in JOBS:
        if any(c == category and p in (None, position) for c, p in job.slots):
            return vehicle_id, job
    raise ValueError(f"no job in repair_jobs.tsv needs {category} at {position}")


ORDER_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("shop_id", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("part_id", pa.string()),
        ("qty", pa.int64()),
    ]
)
BASKET_SCHEMA = pa.schema(
    [
        ("basket_id", pa.string()),
        ("shop_id", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("vehicle_id", pa.string()),
        ("category", pa.string()),
    ]
)


def order_rows(
    cat: Catalogue, vehicle_ids: list[str], shops: tuple[Shop, ...], out: tuple[str, ...]
) -> list[dict]:
    """Orders spread over shops and vehicles, with one order per part out of stock everywhere."""
    fits, categories = Fits(cat), {p["part_id"]: p["category"] for p in cat.parts}
    step = ORDER_COUNT // len(out)
    special_at = {step // 2 + k * step: part_id for k, part_id in enumerate(out)}
    rows = []
    for i in range(ORDER_COUNT):
        order_id = f"O{i + 1:04d}"
        seed = f"order|{order_id}"
        forced = special_at.get(i)
        if forced is None:
            vehicle_id = pick(vehicle_ids, seed, "vehicle")
            job = choose_job(vehicle_id, fits, seed)
        else:
            vehicle_id, job = job_for_part(forced, categories[forced], fits, seed)
        lines = job_lines(job, vehicle_id, fits, seed, forced)
        if not 1 <= len(lines) <= MAX_LINES:
            raise ValueError(f"{order_id}: {len(lines)} lines for {job.job} on {vehicle_id}")
        shop = shops[i * SHOP_STRIDE % len(shops)]
        rows += [
            {"order_id": order_id, "shop_id": shop.shop_id, "lat": shop.lat, "lon": shop.lon}
            | {"part_id": part_id, "qty": qty}
            for part_id, qty in lines
        ]
    return rows


def basket_rows(cat: Catalogue, vehicle_ids: list[str], shops: tuple[Shop, ...]) -> list[dict]:
    """Baskets of one or two jobs; one row per category the vehicle has parts in."""
    fits = Fits(cat)
    rows = []
    for i in range(BASKET_COUNT):
        basket_id = f"B{i + 1:04d}"
        seed = f"basket|{basket_id}"
        vehicle_id = pick(vehicle_ids, seed, "vehicle")
        jobs = [choose_job(vehicle_id, fits, seed)]
        if unit(seed, "second job") < SECOND_JOB:
            jobs.append(choose_job(vehicle_id, fits, f"{seed}|second"))
        slots = [s for job in jobs for s in job.slots if fits.parts(vehicle_id, *s)]
        shop = shops[i * SHOP_STRIDE % len(shops)]
        rows += [
            {"basket_id": basket_id, "shop_id": shop.shop_id, "lat": shop.lat, "lon": shop.lon}
            | {"vehicle_id": vehicle_id, "category": category}
            for category in dict.fromkeys(category for category, _ in slots)
        ]
    return rows


def orders_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=ORDER_SCHEMA)


def baskets_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=BASKET_SCHEMA)
