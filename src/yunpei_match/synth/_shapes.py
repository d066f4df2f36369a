"""Shapes: catalogues, stock and demand laid out otherwise than the default.

A layout tuned to one shape of data can lose on another, so the benchmarks also run on these.
A shape changes what one generator draws and leaves the others as they are, so that the same
``shape=`` can be passed to :func:`generate`, :func:`generate_stock` and
:func:`generate_orders` alike. The default shape draws exactly what the generators drew before
shapes existed (same seed, same tables).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ._names import _part_types

if TYPE_CHECKING:
    from . import Scale

# Fitment shape "wide_fleet": vehicles and parts at "L" are 50,000 x 1,000, i.e. ten times
# the vehicles and 1/1,500 of the parts of the default "L" (100 at least), each vehicle
# fitted by a twentieth of the parts.
_FLEET_LEAST_PARTS, _FLEET_REACH = 100, 0.05


@dataclass(frozen=True)
class Shape:
    """What a named shape changes in the generators; see :data:`SHAPES`.

    Attributes
    ----------
    name : str
        The key in :data:`SHAPES`.
    summary : str
        One line on what is drawn otherwise than by default.
    uniform_categories : bool
        Every category equally likely for an application, instead of log-normal sizes.
    extra_brands : float or None
        Mean further parts (other brands) per application, instead of 0.8.
    parts_per_category : float or None
        Caps the links per vehicle at this many times the number of categories.
    fleet : tuple of int or None
        ``(more_vehicles, fewer_parts)``: the scale's vehicles times the first, its parts
        divided by the second (100 at least), each vehicle fitted by a twentieth of them.
    wide_share : float
        Share of applications that fit every vehicle from a cell in the first 40 % of the
        fleet to the end of it (so each fits 60 % of the vehicles or more), without an engine
        limit; they are ordinary fitment rows, not universal parts.
    central_share, central_row_share : float or None
        Share of the warehouses that are distribution centres (default 0.15) and the share of
        the stock rows they hold were no tier full (default 0.35).
    uniform_stock : bool
        Every part held by a Poisson number of warehouses of the same mean, chosen uniformly,
        in the same depth, whatever its popularity and the warehouses' sizes.
    independent_demand : bool
        Order lines ask for parts drawn uniformly from the whole catalogue, whether or not
        and however widely they are stocked, instead of the parts of random stock rows.
    """

    name: str
    summary: str
    uniform_categories: bool = False
    extra_brands: float | None = None
    parts_per_category: float | None = None
    fleet: tuple[int, int] | None = None
    wide_share: float = 0.0
    central_share: float | None = None
    central_row_share: float | None = None
    uniform_stock: bool = False
    independent_demand: bool = False

    def resize(self, scale: Scale) -> Scale:
        """The scale this shape generates in place of ``scale``."""
        if self.parts_per_category is not None:
            most = self.parts_per_category * len(_part_types().names)
            scale = replace(scale, mean_parts_per_vehicle=min(scale.mean_parts_per_vehicle, most))
        if self.fleet is not None:
            more_vehicles, fewer_parts = self.fleet
            n_parts = max(_FLEET_LEAST_PARTS, scale.n_parts // fewer_parts)
            return replace(
                scale,
                n_vehicles=scale.n_vehicles * more_vehicles,
                n_parts=n_parts,
                mean_parts_per_vehicle=_FLEET_REACH * n_parts,
                n_duplicate_rows=min(scale.n_duplicate_rows, n_parts),
            )
        return scale


SHAPES: dict[str, Shape] = {
    shape.name: shape
    for shape in (
        Shape("default", "the shapes of the module docstring"),
        Shape(
            "many_categories",
            "every category equally likely, one brand per application and at most ~3 parts "
            "per category a vehicle has parts in: many categories per vehicle, few parts each",
            uniform_categories=True,
            extra_brands=0.0,
            parts_per_category=3.0,
        ),
        Shape(
            "wide_parts",
            "0.5 % of the applications fit 60 % of the vehicles or more (ordinary rows)",
            wide_share=0.005,
        ),
        Shape(
            "wide_fleet",
            "ten times the vehicles, 1/1,500 of the parts (at L: 50,000 vehicles x 1,000 "
            "parts, 50 parts per vehicle)",
            fleet=(10, 1_500),
        ),
        Shape(
            "uniform_stock",
            "every part in a Poisson number of uniformly chosen warehouses, the same mean and "
            "depth for all",
            uniform_stock=True,
        ),
        Shape(
            "hubs",
            "5 % of the warehouses are distribution centres, each holding most of the "
            "catalogue; many small front warehouses hold the rest",
            central_share=0.05,
            central_row_share=0.8,
        ),
        Shape(
            "independent_demand",
            "order lines ask for parts drawn uniformly from the catalogue, not by stocking",
            independent_demand=True,
        ),
    )
}


def _resolve_shape(shape: object) -> Shape:
    if not isinstance(shape, str):
        raise TypeError(f"shape must be a shape name, got {type(shape).__name__}")
    if shape not in SHAPES:
        names = ", ".join(repr(name) for name in SHAPES)
        raise ValueError(f"unknown shape {shape!r}; expected one of {names}")
    return SHAPES[shape]
