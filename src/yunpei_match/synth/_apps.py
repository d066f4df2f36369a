"""Applications: which runs of (family, year) cells each group of equivalent parts fits.

An application is a category, a run of consecutive cells (one model over some years, sometimes
running on into the next family, as shared platforms do), perhaps one engine only, and one or two
positions; several parts (an OE part and its aftermarket equivalents) share one. Run lengths
follow a Pareto law whose scale is solved by bisection so that the links per vehicle meet the
scale's target.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ._names import _KIND_CHOICES, _KIND_FIRST, _NOTES, _PARTNER, _PartTypes

if TYPE_CHECKING:
    from . import Scale
    from ._fleet import _Fleet
    from ._shapes import Shape

# Systems whose parts often fit one engine only.
_ENGINE_SYSTEMS = (
    "engine", "timing", "lubrication", "ignition", "fuel", "intake", "exhaust", "filters",
    "clutch", "transmission",
)  # fmt: skip

_PARETO_SHAPE = 1.3  # tail of run lengths: smaller is heavier
_WIDE_PULL = 8.0  # run-length factor of wear-part categories
_CATEGORY_SPREAD = 1.0  # sigma of the log-normal category sizes
_CATEGORY_FACTOR = np.array([1.0, 3.0, 0.3])  # by reach: wear parts are many, universal few
_STAY_IN_FAMILY = 0.8  # chance a normal part's run stops at its family's last year
_EXTRA_BRANDS = 0.8  # mean further parts (other brands) per application
_ENGINE_SPECIFIC = 0.5
_TWO_POSITIONS = 0.25
_NULL_QTY = 0.1
_NOTE_SHARE = 0.02
_WIDE_START = 0.4  # applications of shape wide_parts start in this first share of the cells


class _Apps(NamedTuple):
    category: np.ndarray
    c0: np.ndarray  # first cell of the run
    c1: np.ndarray  # one past its last cell
    engine: np.ndarray  # engine code the application is limited to, or -1
    pos_a: np.ndarray  # position code, or -1
    pos_b: np.ndarray  # second position code, or -1
    qty: np.ndarray  # -1 for null
    note: np.ndarray  # index into _NOTES, or -1


def _part_layout(
    scale: Scale, shape: Shape, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Application of each part (-1 for universal parts) and the parts of each application."""
    n = scale.n_parts
    n_universal = min(max(1, round(scale.universal_share * n)), n - 1)
    n_fitting = n - n_universal if scale.universal_share else n
    extra = _EXTRA_BRANDS if shape.extra_brands is None else shape.extra_brands
    counts = 1 + rng.poisson(extra, size=n_fitting)
    total = np.cumsum(counts)
    n_apps = int(np.searchsorted(total, n_fitting)) + 1
    counts = counts[:n_apps]
    counts[-1] -= total[n_apps - 1] - n_fitting
    universal = np.zeros(n, dtype=bool)
    universal[rng.choice(n, size=n - n_fitting, replace=False)] = True
    app_of_part = np.full(n, -1, dtype=np.int64)
    # shuffled, so that the parts of one application get unrelated ids
    app_of_part[~universal] = rng.permutation(np.repeat(np.arange(n_apps), counts))
    return app_of_part, counts


def _applications(
    counts: np.ndarray,
    types: _PartTypes,
    fleet: _Fleet,
    scale: Scale,
    shape: Shape,
    rng: np.random.Generator,
) -> _Apps:
    """Draw the applications and solve their run lengths for the scale's links per vehicle."""
    n, n_cells = len(counts), len(fleet.cell_year)
    size = rng.lognormal(0.0, _CATEGORY_SPREAD, len(types.names)) * _CATEGORY_FACTOR[types.reach]
    if shape.uniform_categories:
        size = np.ones(len(types.names))
    category = rng.choice(len(types.names), size=n, p=size / size.sum())
    normal = types.reach[category] == 0
    c0 = rng.integers(n_cells, size=n)
    pull = (rng.pareto(_PARETO_SHAPE, size=n) + 1.0) * np.where(normal, 1.0, _WIDE_PULL)
    engine = _engine_filter(category, c0, types, fleet, rng)
    # engine-specific runs stay in their family, other models having other engines
    in_family = (engine >= 0) | (normal & (rng.random(n) < _STAY_IN_FAMILY))
    limit = np.where(in_family, fleet.family_cell_end[fleet.cell_family[c0]], n_cells)
    if shape.wide_share:
        _widen(shape.wide_share, c0, pull, engine, limit, n_cells, rng)
    pos_a, pos_b = _positions(types.kind[category], rng)
    target = scale.n_vehicles * scale.mean_parts_per_vehicle
    k = _solve_pull_scale(c0, pull, limit, engine, counts, fleet, target)
    qty = np.where(rng.random(n) < _NULL_QTY, -1, types.qty[category]).astype(np.int16)
    note = np.where(rng.random(n) < _NOTE_SHARE, rng.integers(len(_NOTES), size=n), -1)
    c1 = _run_end(c0, pull, limit, k)
    return _Apps(category, c0, c1, engine, pos_a, pos_b, qty, note.astype(np.int8))


def _widen(
    share: float,
    c0: np.ndarray,
    pull: np.ndarray,
    engine: np.ndarray,
    limit: np.ndarray,
    n_cells: int,
    rng: np.random.Generator,
) -> None:
    """Make ``share`` of the applications (one at least) run from an early cell to the last.

    An infinite pull makes the run end at its limit for every multiplier the bisection tries,
    so the other applications shrink to keep the links per vehicle on target.
    """
    wide = rng.choice(len(c0), size=max(1, round(share * len(c0))), replace=False)
    c0[wide] = rng.integers(max(1, int(_WIDE_START * n_cells)), size=len(wide))
    pull[wide] = np.inf
    engine[wide] = -1
    limit[wide] = n_cells


def _engine_filter(
    category: np.ndarray, c0: np.ndarray, types: _PartTypes, fleet: _Fleet, rng: np.random.Generator
) -> np.ndarray:
    """Engine code per application, or -1; taken from a vehicle of the first cell, so it fits."""
    engine_system = np.isin(types.systems, _ENGINE_SYSTEMS)[types.system[category]]
    chosen = engine_system & (types.reach[category] == 0) & (rng.random(len(c0)) < _ENGINE_SPECIFIC)
    start = fleet.cell_start[c0]
    vehicle = start + (rng.random(len(c0)) * (fleet.cell_start[c0 + 1] - start)).astype(np.int64)
    return np.where(chosen, fleet.engine_code[vehicle], -1).astype(np.int16)


def _positions(kind: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = len(kind)
    pick = (rng.random(n) * _KIND_CHOICES[kind]).astype(np.int64)
    pos_a = np.where(kind > 0, _KIND_FIRST[kind] + pick, -1)
    # a part sold for both sides (or both axles) fits twice, once per position
    both = (kind > 0) & (rng.random(n) < _TWO_POSITIONS)
    pos_b = np.where(both, _PARTNER[np.maximum(pos_a, 0)], -1)
    return pos_a.astype(np.int8), pos_b.astype(np.int8)


def _run_end(c0: np.ndarray, pull: np.ndarray, limit: np.ndarray, k: float) -> np.ndarray:
    cells = np.minimum(np.ceil(pull * k), limit - c0)
    return c0 + np.maximum(cells, 1).astype(np.int64)


def _link_counts(c0: np.ndarray, c1: np.ndarray, engine: np.ndarray, fleet: _Fleet) -> np.ndarray:
    """Vehicles each run of cells fits, in O(runs) through cumulative counts."""
    v0, v1 = fleet.cell_start[c0], fleet.cell_start[c1]
    counts = v1 - v0
    limited = np.flatnonzero(engine >= 0)
    e = engine[limited]
    counts[limited] = fleet.engine_cum[e, v1[limited]] - fleet.engine_cum[e, v0[limited]]
    return counts


def _solve_pull_scale(
    c0: np.ndarray,
    pull: np.ndarray,
    limit: np.ndarray,
    engine: np.ndarray,
    parts_per_app: np.ndarray,
    fleet: _Fleet,
    target: float,
) -> float:
    """The run-length multiplier whose links come closest to ``target``, by bisection."""

    def links(k: float) -> int:
        vehicles = _link_counts(c0, _run_end(c0, pull, limit, k), engine, fleet)
        return int(np.dot(parts_per_app, vehicles))

    lo, hi = 1e-9, float(len(fleet.cell_year))
    if links(hi) <= target:
        return hi
    # links(k) is a nondecreasing step function of k; 40 halvings of log(k) pin the step
    for _ in range(40):
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if links(mid) < target else (lo, mid)
    return hi if abs(links(hi) - target) <= abs(links(lo) - target) else lo
