"""Tests of the synthetic shapes (``yunpei_match.synth.SHAPES``): each has its defining property.

Each test compares a shape with the default one on the same scale and seed, at ``"tiny"`` or
``"S"`` (a tenth of a second each to generate). The default shape's own tables are pinned by the
other synth tests: a shape must not move them.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from yunpei_match import synth
from yunpei_match.synth import SCALES, SHAPES
from yunpei_match.synth._fitted import _fitted_counts, _links


@cache
def catalogue(scale: str, shape: str) -> dict[str, pa.Table]:
    return synth.generate(scale, seed=5, shape=shape)


@cache
def stocked(scale: str, shape: str) -> dict[str, pa.Table]:
    return synth.generate_stock(catalogue(scale, "default"), scale=scale, seed=5, shape=shape)


def codes(values: pa.ChunkedArray, ids: pa.ChunkedArray) -> np.ndarray:
    return pc.index_in(values.cast(pa.string()), ids).to_numpy()


def fitment_counts(scale: str, shape: str) -> tuple[int, int, int]:
    """(vehicles, links, distinct (vehicle, category) pairs with a link)."""
    tables = catalogue(scale, shape)
    links = _links(tables)
    category = pc.dictionary_encode(tables["parts"].column("category")).chunk(0).indices
    key = np.unique(links.vehicle.astype(np.int64) * links.n_parts + links.part)
    vehicle, part = key // links.n_parts, key % links.n_parts
    cells = np.unique(vehicle * 10_000 + category.to_numpy()[part])
    return links.n_vehicles, len(key), len(cells)


def rows_per_warehouse(scale: str, shape: str) -> tuple[np.ndarray, np.ndarray]:
    """Stock rows of each warehouse, and which warehouses are distribution centres."""
    tables = stocked(scale, shape)
    warehouses = tables["warehouses"]
    held = codes(tables["stock"].column("warehouse_id"), warehouses.column("warehouse_id"))
    central = np.asarray(pc.equal(warehouses.column("kind"), "central"))
    return np.bincount(held, minlength=warehouses.num_rows), central


def rows_per_part(scale: str, shape: str) -> np.ndarray:
    parts = catalogue(scale, "default")["parts"]
    held = codes(stocked(scale, shape)["stock"].column("part_id"), parts.column("part_id"))
    return np.bincount(held, minlength=parts.num_rows)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shape_is_seeded_and_deterministic(shape: str) -> None:
    tables = synth.generate("tiny", seed=2, shape=shape)
    stock = synth.generate_stock(tables, seed=2, shape=shape)
    lines = synth.generate_orders(tables, stock, n_lines=200, seed=2, shape=shape)
    again = synth.generate("tiny", seed=2, shape=shape)
    stock_again = synth.generate_stock(again, seed=2, shape=shape)
    assert all(again[name].equals(table) for name, table in tables.items())
    assert all(stock_again[name].equals(table) for name, table in stock.items())
    assert synth.generate_orders(again, stock_again, n_lines=200, seed=2, shape=shape).equals(lines)


@pytest.mark.parametrize("scale", ["tiny", "S"])
def test_many_categories_gives_more_categories_per_vehicle_and_fewer_parts_in_each(
    scale: str,
) -> None:
    n_vehicles, n_links, n_cells = fitment_counts(scale, "default")
    _, many_links, many_cells = fitment_counts(scale, "many_categories")
    assert many_cells / n_vehicles > 1.5 * n_cells / n_vehicles
    assert many_links / many_cells <= 3.0
    assert many_links / many_cells < 0.6 * n_links / n_cells


def test_wide_parts_adds_parts_fitting_most_vehicles() -> None:
    def fitting_most(shape: str) -> int:
        tables = catalogue("S", shape)
        return int((_fitted_counts(tables) >= 0.6 * tables["vehicles"].num_rows).sum())

    n_parts = SCALES["S"].n_parts
    assert fitting_most("wide_parts") - fitting_most("default") >= 0.002 * n_parts
    assert fitting_most("wide_parts") <= 0.02 * n_parts  # a few parts, not all


def test_wide_fleet_is_50_000_vehicles_by_1_000_parts_at_l() -> None:
    resized = SHAPES["wide_fleet"].resize(SCALES["L"])
    assert (resized.n_vehicles, resized.n_parts) == (50_000, 1_000)
    tables = catalogue("tiny", "wide_fleet")
    assert (tables["vehicles"].num_rows, tables["parts"].num_rows) == (400, 100)
    n_vehicles, n_links, _ = fitment_counts("tiny", "wide_fleet")
    assert n_links == pytest.approx(5 * n_vehicles, rel=0.01)  # a twentieth of the 100 parts


def test_uniform_stock_spreads_rows_evenly_and_blind_to_popularity() -> None:
    per_warehouse, _ = rows_per_warehouse("S", "uniform_stock")
    default, _ = rows_per_warehouse("S", "default")
    assert per_warehouse.std() / per_warehouse.mean() < 0.1 < default.std() / default.mean()
    fitted = _fitted_counts(catalogue("S", "default"))
    assert abs(np.corrcoef(rows_per_part("S", "uniform_stock"), fitted)[0, 1]) < 0.05
    assert np.corrcoef(rows_per_part("S", "default"), fitted)[0, 1] > 0.2


def test_hubs_are_few_big_distribution_centres_and_many_small_front_warehouses() -> None:
    per_warehouse, central = rows_per_warehouse("S", "hubs")
    assert 1 <= central.sum() <= 0.05 * len(central)
    assert per_warehouse[central].min() > 10 * np.median(per_warehouse[~central])
    default, default_central = rows_per_warehouse("S", "default")
    assert default[default_central].mean() < 10 * np.median(default[~default_central])


def test_independent_demand_asks_for_parts_regardless_of_stock() -> None:
    tables = catalogue("S", "default")
    per_part = rows_per_part("S", "default")
    parts = tables["parts"].column("part_id")

    def demand(shape: str) -> np.ndarray:
        lines = synth.generate_orders(tables, stocked("S", "default"), n_lines=30_000, shape=shape)
        return codes(lines.column("part_id"), parts)

    blind, following = demand("independent_demand"), demand("default")
    unstocked = (per_part == 0).mean()
    assert abs((per_part[blind] == 0).mean() - unstocked) < 0.02
    assert (per_part[following] == 0).mean() < 0.5 * unstocked
    asked = np.bincount(blind, minlength=len(per_part))
    assert abs(np.corrcoef(asked, per_part)[0, 1]) < 0.05


@pytest.mark.parametrize(
    ("shape", "error", "match"),
    [
        (3, TypeError, "shape must be a shape name, got int"),
        ("round", ValueError, "unknown shape 'round'; expected one of 'default'"),
    ],
)
def test_bad_shapes_are_refused_by_every_generator(shape: object, error: type, match: str) -> None:
    tables = catalogue("tiny", "default")
    stock = stocked("tiny", "default")
    with pytest.raises(error, match=match):
        synth.generate("tiny", shape=shape)  # type: ignore[arg-type]
    with pytest.raises(error, match=match):
        synth.generate_stock(tables, shape=shape)  # type: ignore[arg-type]
    with pytest.raises(error, match=match):
        synth.generate_orders(tables, stock, n_lines=1, shape=shape)  # type: ignore[arg-type]
