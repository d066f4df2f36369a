"""The vehicles table: model families split into generations of engine/gearbox line-ups.

Vehicles are sorted by make, model, year and configuration, so that a family is a contiguous run
of vehicle codes and each (family, year) *cell* a contiguous run inside it; :class:`_Fleet`
keeps those bounds for the applications and fitments drawn over them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pyarrow as pa

from ._arrays import _ids
from ._names import _MAKES, _Make

if TYPE_CHECKING:
    from . import Scale

_FIRST_YEAR, _LAST_YEAR = 2005, 2025
_VARIANTS = ("", " 进口", " 旅行版", " 运动版")  # a model drawn again becomes a new family
_DROP_CONFIG = 0.15  # chance that a configuration skips a model-year


class _Fleet(NamedTuple):
    table: pa.Table
    family_make: np.ndarray  # make index of each family
    family_model: pa.Array  # model name of each family
    engines: pa.Array  # engine names, indexed by engine_code
    engine_code: np.ndarray  # per vehicle
    engine_cum: np.ndarray  # [e, v]: vehicles before v with engine e
    cell_start: np.ndarray  # first vehicle of each cell, then the vehicle count
    cell_family: np.ndarray
    cell_year: np.ndarray
    family_cell_end: np.ndarray  # one past the last cell of each family


def _fuel(engine: str) -> str:
    # "PHEV" before "HEV" before "EV": each label ends in the ones after it
    endings = (("PHEV", "plug-in hybrid"), ("DM-i", "plug-in hybrid"), ("HEV", "hybrid"))
    for ending, fuel in (*endings, ("EV", "electric"), ("diesel", "diesel")):
        if engine.endswith(ending):
            return fuel
    return "petrol"


def _gearboxes(make: _Make, engine: str) -> tuple[str, ...]:
    fuel = _fuel(engine)
    if fuel == "electric":
        return ("1AT",)
    return ("e-CVT",) if fuel.endswith("hybrid") else make.gearboxes


def _line_up(
    make: _Make, engines: list[str], scale: Scale, rng: np.random.Generator
) -> list[tuple[str, str]]:
    """A generation's configurations: one to three engines with one or two gearboxes each."""
    configs: list[tuple[str, str]] = []
    n_engines = int(rng.integers(1, min(3, len(engines)) + 1))
    for e in rng.choice(len(engines), size=n_engines, replace=False):
        gearboxes = _gearboxes(make, engines[e])
        n_gearboxes = int(rng.integers(1, min(2, len(gearboxes)) + 1))
        picks = sorted(rng.choice(len(gearboxes), size=n_gearboxes, replace=False))
        configs.extend((engines[e], gearboxes[g]) for g in picks)
    return configs[: scale.max_configs]


def _family_rows(
    make: _Make, model: str, scale: Scale, rng: np.random.Generator
) -> list[tuple[int, str, str]]:
    """Vehicles of one model family as (year, engine, gearbox), in year order."""
    engines = [e for e in make.engines if ("EV" in model) == (_fuel(e) == "electric")]
    lo, hi = scale.model_years
    span = int(rng.integers(lo, hi + 1))
    year = int(rng.integers(_FIRST_YEAR, _LAST_YEAR - span + 2))
    end = year + span
    rows: list[tuple[int, str, str]] = []
    while year < end:
        # a new generation every 4-7 years brings a new line-up
        generation_end = min(end, year + int(rng.integers(4, 8)))
        configs = _line_up(make, engines or list(make.engines), scale, rng)
        for y in range(year, generation_end):
            kept = rng.random(len(configs)) >= _DROP_CONFIG
            kept[rng.integers(len(configs))] = True
            rows.extend((y, e, g) for (e, g), keep in zip(configs, kept, strict=True) if keep)
        year = generation_end
    return rows


def _draw_families(
    scale: Scale, rng: np.random.Generator
) -> list[tuple[int, int, int, list[tuple[int, str, str]]]]:
    """(make, model, variant, vehicle rows) of families holding exactly n_vehicles."""
    pool = [(m, k) for m, make in enumerate(_MAKES) for k in range(len(make.models))]
    families: list[tuple[int, int, int, list[tuple[int, str, str]]]] = []
    total, variant = 0, 0
    while total < scale.n_vehicles:
        for i in rng.permutation(len(pool)):
            make, model = pool[i]
            name = _model_name(make, model, variant)
            rows = _family_rows(_MAKES[make], name, scale, rng)[: scale.n_vehicles - total]
            families.append((make, model, variant, rows))
            total += len(rows)
            if total == scale.n_vehicles:
                break
        variant += 1
    return families


def _model_name(make: int, model: int, variant: int) -> str:
    suffix = _VARIANTS[variant] if variant < len(_VARIANTS) else f" {variant}"
    return _MAKES[make].models[model] + suffix


def _draw_fleet(scale: Scale, rng: np.random.Generator) -> _Fleet:
    # sorted by make then model, each family and each make is one run of vehicle codes
    families = sorted(_draw_families(scale, rng), key=lambda f: f[:3])
    family = np.repeat(np.arange(len(families)), [len(f[3]) for f in families])
    years, engine, gearbox = zip(*(row for f in families for row in f[3]), strict=True)
    year = np.array(years, dtype=np.int16)
    family_make = np.array([f[0] for f in families])
    family_model = pa.array([_model_name(*f[:3]) for f in families], pa.string())
    engines = sorted(set(engine))
    engine_code = np.searchsorted(engines, engine).astype(np.int16)
    table = pa.table(
        {
            "vehicle_id": _ids("SV", len(year), 6),
            "make": pa.array([m.name for m in _MAKES]).take(pa.array(family_make[family])),
            "model": family_model.take(pa.array(family)),
            "year": pa.array(year, pa.int16()),
            "engine": pa.array(engine, pa.string()),
            "transmission": pa.array(gearbox, pa.string()),
            "fuel": pa.array([_fuel(e) for e in engine], pa.string()),
        }
    )
    # engine_cum[e, v] counts the vehicles before v with engine e
    engine_cum = np.zeros((len(engines), len(year) + 1), dtype=np.int32)
    engine_cum[engine_code, np.arange(1, len(year) + 1)] = 1
    return _Fleet(
        table=table,
        family_make=family_make,
        family_model=family_model,
        engines=pa.array(engines, pa.string()),
        engine_code=engine_code,
        engine_cum=np.cumsum(engine_cum, axis=1, dtype=np.int32),
        **_cells(family, year, len(families)),
    )


def _cells(family: np.ndarray, year: np.ndarray, n_families: int) -> dict[str, np.ndarray]:
    """Bounds of the (family, year) runs of the sorted vehicles."""
    new_cell = np.ones(len(year), dtype=bool)
    new_cell[1:] = (family[1:] != family[:-1]) | (year[1:] != year[:-1])
    starts = np.flatnonzero(new_cell)
    cell_family = family[starts]
    return {
        "cell_start": np.append(starts, len(year)),
        "cell_family": cell_family,
        "cell_year": year[starts],
        "family_cell_end": np.searchsorted(cell_family, np.arange(n_families), side="right"),
    }
