"""The fitments table: each part's application written as vehicle-id rows or as range rows.

Vehicle-id rows expand each run of cells with ``np.repeat`` and an offset trick, never a Python
loop per link; range rows give one make/model/year range per family a run touches. Both compile
to the same links.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from ._apps import _Apps, _link_counts
from ._arrays import _strings_by_code
from ._names import _MAKES, _NOTES, _POSITIONS

if TYPE_CHECKING:
    from . import Scale
    from ._fleet import _Fleet

_FITMENT_COLUMNS = (
    *("part_id", "vehicle_id", "make", "model", "year_from", "year_to", "engine"),
    *("position", "qty", "note"),
)
_ENCODABLE = ("part_id", "vehicle_id", "position", "note")


def _fitments_table(
    parts: pa.Table,
    app_of_part: np.ndarray,
    apps: _Apps,
    fleet: _Fleet,
    scale: Scale,
    rng: np.random.Generator,
) -> pa.Table:
    """Vehicle-id rows, then range rows and duplicates where the scale asks, part by part."""
    fitting = np.flatnonzero(app_of_part >= 0)
    by_range = _range_form(app_of_part[fitting], apps, fleet, scale, rng)
    columns = _expand(*_units(fitting[~by_range], app_of_part, apps), apps, fleet)
    n_vehicle_rows = len(columns["part_id"])
    if by_range.any():
        ranges = _range_rows(*_units(fitting[by_range], app_of_part, apps), apps, fleet)
        columns = _stack(columns, ranges)
    n_rows = len(columns["part_id"])
    if n_rows > n_vehicle_rows or scale.n_duplicate_rows:
        n_copies = min(scale.n_duplicate_rows, n_vehicle_rows)
        order = np.append(np.arange(n_rows), rng.choice(n_vehicle_rows, n_copies, replace=False))
        # part by part, as catalogues list applications; a copy stays among its part's rows
        order = order[np.argsort(columns["part_id"][order], kind="stable")]
        columns = {name: codes[order] for name, codes in columns.items()}
    part_app = np.maximum(app_of_part, 0)
    columns["qty"] = apps.qty[part_app][columns["part_id"]]
    columns["note"] = apps.note[part_app][columns["part_id"]]
    dictionaries = {
        "part_id": parts.column("part_id").combine_chunks(),
        "vehicle_id": fleet.table.column("vehicle_id").combine_chunks(),
        "make": pa.array([m.name for m in _MAKES], pa.string()),
        "model": fleet.family_model,
        "engine": fleet.engines,
        "position": pa.array(_POSITIONS, pa.string()),
        "note": pa.array(_NOTES, pa.string()),
    }
    return _table_from_codes(columns, dictionaries, scale.dictionary_encoded)


def _range_form(
    app: np.ndarray, apps: _Apps, fleet: _Fleet, scale: Scale, rng: np.random.Generator
) -> np.ndarray:
    """Which fitting parts to write as range rows, to give about ``range_row_share`` of rows."""
    share = scale.range_row_share
    if share == 0 or len(app) == 0:
        return np.zeros(len(app), dtype=bool)
    n_pos = 1 + (apps.pos_b[app] >= 0)
    c0, c1 = apps.c0[app], apps.c1[app]
    links = (n_pos * _link_counts(c0, c1, apps.engine[app], fleet)).mean()
    families = (n_pos * (fleet.cell_family[c1 - 1] - fleet.cell_family[c0] + 1)).mean()
    # a share p of parts by range makes p * families range rows for (1 - p) * links others
    p = share * links / (share * links + (1 - share) * families)
    return rng.random(len(app)) < p


def _units(
    parts: np.ndarray, app_of_part: np.ndarray, apps: _Apps
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(part, application, position) per unit: a part fitting two positions makes two units."""
    app = app_of_part[parts]
    which = np.repeat(np.arange(len(parts)), 1 + (apps.pos_b[app] >= 0))
    second = np.zeros(len(which), dtype=bool)
    second[1:] = which[1:] == which[:-1]
    unit_app = app[which]
    position = np.where(second, apps.pos_b[unit_app], apps.pos_a[unit_app])
    return parts[which].astype(np.int32), unit_app, position


def _expand(
    part: np.ndarray, app: np.ndarray, position: np.ndarray, apps: _Apps, fleet: _Fleet
) -> dict[str, np.ndarray]:
    """One row per vehicle of each unit's run, leaving out other engines where limited."""
    start = fleet.cell_start[apps.c0[app]]
    lens = fleet.cell_start[apps.c1[app]] - start
    total = int(lens.sum())
    if total >= 2**31:
        raise ValueError(f"{total:,} fitment rows exceed the int32 codes used for them")
    # row r of a unit whose rows begin at o and whose vehicles begin at s is vehicle s + r - o
    vehicle = np.arange(total, dtype=np.int32)
    vehicle += np.repeat((start - (np.cumsum(lens) - lens)).astype(np.int32), lens)
    rows = {"part_id": np.repeat(part, lens), "vehicle_id": vehicle}
    rows["position"] = np.repeat(position, lens)
    engine = apps.engine[app]
    if (engine >= 0).any():
        wanted = np.repeat(engine, lens)
        keep = (wanted < 0) | (fleet.engine_code[vehicle] == wanted)
        rows = {name: codes[keep] for name, codes in rows.items()}
    return rows


def _range_rows(
    part: np.ndarray, app: np.ndarray, position: np.ndarray, apps: _Apps, fleet: _Fleet
) -> dict[str, np.ndarray]:
    """One make/model/year-range row per unit and family its run of cells touches."""
    c0 = apps.c0[app]
    lens = apps.c1[app] - c0
    unit = np.repeat(np.arange(len(app)), lens)
    cell = np.arange(len(unit)) + np.repeat(c0 - (np.cumsum(lens) - lens), lens)
    family = fleet.cell_family[cell]
    first = np.ones(len(cell), dtype=bool)
    first[1:] = (unit[1:] != unit[:-1]) | (family[1:] != family[:-1])
    starts = np.flatnonzero(first)
    last = np.append(starts[1:], len(cell)) - 1
    u = unit[starts]
    return {
        "part_id": part[u],
        "make": fleet.family_make[family[starts]],
        "model": family[starts],
        "year_from": fleet.cell_year[cell[starts]],
        "year_to": fleet.cell_year[cell[last]],
        "engine": apps.engine[app[u]],
        "position": position[u],
    }


def _stack(first: dict[str, np.ndarray], second: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Rows of ``first`` then of ``second``; a column one side lacks is -1 (null) there."""
    sides = ((first, len(first["part_id"])), (second, len(second["part_id"])))
    stacked = {}
    for name in {**first, **second}:
        # fill in the other side's dtype, so that int32 and int8 codes stay so
        dtype = (first[name] if name in first else second[name]).dtype
        stacked[name] = np.concatenate([side.get(name, np.full(n, -1, dtype)) for side, n in sides])
    return stacked


def _table_from_codes(
    columns: dict[str, np.ndarray], dictionaries: dict[str, pa.Array], encoded: bool
) -> pa.Table:
    """The fitments table from integer codes, -1 being null; absent columns are all null."""
    n = len(columns["part_id"])
    fields = {}
    for name in _FITMENT_COLUMNS:
        codes = columns.get(name)
        if codes is None:
            kind = pa.int16() if name.startswith("year") else pa.string()
            fields[name] = pa.nulls(n, kind)
        elif name in dictionaries:
            fields[name] = _strings_by_code(
                dictionaries[name], codes, encoded and name in _ENCODABLE
            )
        else:
            fields[name] = pa.array(codes.astype(np.int16, copy=False), pa.int16(), mask=codes < 0)
    return pa.table(fields)
