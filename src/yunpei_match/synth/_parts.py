"""The parts table: brands (OE or aftermarket) and part numbers in each brand's printed formats."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._arrays import _ids, _strings
from ._names import _BRANDS, _REACHES, _SLOTS, _Brand, _PartTypes

if TYPE_CHECKING:
    from ._apps import _Apps
    from ._fleet import _Fleet

_OE_SHARE = 0.35
_MAX_FORMATS = 8


def _parts_table(
    app_of_part: np.ndarray, apps: _Apps, types: _PartTypes, fleet: _Fleet, rng: np.random.Generator
) -> pa.Table:
    n, universal = len(app_of_part), app_of_part < 0
    app = np.maximum(app_of_part, 0)
    universal_types = np.flatnonzero(types.reach == _REACHES.index("universal"))
    drawn = universal_types[rng.integers(len(universal_types), size=n)]
    category = np.where(universal, drawn, apps.category[app])
    family = np.where(universal, -1, fleet.cell_family[apps.c0[app]])
    brand = _brands(category, family, types, fleet, rng)
    brand_column = pa.array([b.name for b in _BRANDS], pa.string()).take(pa.array(brand))
    category_column = pa.array(types.names, pa.string()).take(pa.array(category))
    return pa.table(
        {
            "part_id": _ids("SP", n, 7),
            "brand": brand_column,
            "part_number": _part_numbers(brand, rng),
            "category": category_column,
            "name": pc.binary_join_element_wise(brand_column, category_column, " "),
            "universal": pa.array(universal),
        }
    )


def _brands(
    category: np.ndarray,
    family: np.ndarray,
    types: _PartTypes,
    fleet: _Fleet,
    rng: np.random.Generator,
) -> np.ndarray:
    """The OE brand of the part's make, or an aftermarket brand selling into its system."""
    oe = (family >= 0) & (rng.random(len(category)) < _OE_SHARE)
    brand = np.where(oe, fleet.family_make[np.maximum(family, 0)], -1)
    system = types.system[category]
    for s, name in enumerate(types.systems):
        sellers = [i for i, b in enumerate(_BRANDS) if name in b.systems or "*" in b.systems]
        rows = np.flatnonzero(~oe & (system == s))
        brand[rows] = np.array(sellers)[rng.integers(len(sellers), size=len(rows))]
    return brand


def _part_numbers(brand: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """A number per part in one of its brand's formats, distinct within the brand."""
    n_formats = np.array([len(b.formats) for b in _BRANDS])
    key = brand * _MAX_FORMATS + (rng.random(len(brand)) * n_formats[brand]).astype(np.int64)
    order = np.argsort(key, kind="stable")
    groups, starts = np.unique(key[order], return_index=True)
    sizes = np.diff(np.append(starts, len(key)))
    chunks = [
        _render(_BRANDS[g // _MAX_FORMATS], int(g % _MAX_FORMATS), int(size), rng)
        for g, size in zip(groups, sizes, strict=True)
    ]
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return pa.concat_arrays(chunks).take(pa.array(inverse))


def _render(brand: _Brand, which: int, n: int, rng: np.random.Generator) -> pa.Array:
    """``n`` distinct numbers in format ``which`` of ``brand``."""
    template = brand.formats[which]
    slots = [(j, _SLOTS[c]) for j, c in enumerate(template) if c in _SLOTS]
    capacity = math.prod(len(alphabet) for _, alphabet in slots)
    if n > capacity:
        raise ValueError(
            f"{brand.name} part-number format {template!r} holds {capacity:,} numbers but "
            f"{n:,} are needed: the scale is too large"
        )
    # distinct integers below the capacity, written in the mixed radix of the slots
    code = rng.choice(capacity, size=n, replace=False)
    chars = np.tile(np.frombuffer(template.encode("ascii"), np.uint8), (n, 1))
    for j, alphabet in reversed(slots):
        chars[:, j] = alphabet[code % len(alphabet)]
        code //= len(alphabet)
    return _strings(chars)
