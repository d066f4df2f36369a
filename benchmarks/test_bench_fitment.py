"""Fitment benchmarks: build, load, single lookups and batch queries, one group per operation.

Seeded data at the scale of ``YUNPEI_BENCH_SCALE`` (see ``conftest.py``). Batch benchmarks store
their result row count in ``extra_info["rows"]`` so rows/s can be read off the JSON output.
Nothing asserts on time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pytest

import yunpei_match
from yunpei_match.fitment import _kernels
from yunpei_match.fitment.links import build_links

if TYPE_CHECKING:
    from conftest import Requests

    from yunpei_match.fitment.encode import Applications

# Operations that take seconds at the large scales: a fixed number of rounds, not calibration.
SLOW = {"rounds": 5, "iterations": 1, "warmup_rounds": 1}


# -- build ------------------------------------------------------------------------------------


@pytest.mark.benchmark(group="build: links from codes")
def test_build_links(
    benchmark: Any,
    applications: Applications,
    catalog: yunpei_match.Catalog,
    universal: np.ndarray,
) -> None:
    def build() -> Any:
        return build_links(
            applications.vehicle,
            applications.part,
            applications.detail,
            n_vehicles=len(catalog.vehicle_ids),
            category_start=catalog._links.category_start,
            n_details=applications.details.num_rows,
            universal_mask=universal,
        )

    arrays, _ = benchmark.pedantic(build, **SLOW)
    benchmark.extra_info["rows"] = len(applications.part)
    benchmark.extra_info["links"] = arrays.n_links


@pytest.mark.benchmark(group="build: catalogue from tables")
def test_catalog_from_tables(benchmark: Any, tables: dict[str, pa.Table]) -> None:
    catalog = benchmark.pedantic(lambda: yunpei_match.Catalog.from_tables(**tables), **SLOW)
    benchmark.extra_info["rows"] = tables["fitments"].num_rows
    benchmark.extra_info["links"] = catalog.stats.links


# -- load -------------------------------------------------------------------------------------


@pytest.mark.benchmark(group="load: saved index")
@pytest.mark.parametrize("verify_checksums", [False, True], ids=["no-checksums", "checksums"])
def test_load(benchmark: Any, saved_index: Path, verify_checksums: bool) -> None:
    benchmark(yunpei_match.Catalog.load, saved_index, verify_checksums=verify_checksums)


# -- single lookups ---------------------------------------------------------------------------


@pytest.mark.benchmark(group="lookup: part_codes (fast path)")
def test_part_codes(benchmark: Any, catalog: yunpei_match.Catalog, requests: Requests) -> None:
    benchmark(catalog.fitment.part_codes, requests.vehicle, requests.category)


@pytest.mark.benchmark(group="lookup: parts_for_vehicle (table)")
@pytest.mark.parametrize("one_category", [True, False], ids=["one-category", "all-categories"])
def test_parts_for_vehicle(
    benchmark: Any, catalog: yunpei_match.Catalog, requests: Requests, one_category: bool
) -> None:
    category = requests.category_id if one_category else None
    table = benchmark(catalog.fitment.parts_for_vehicle, requests.vehicle_id, category=category)
    benchmark.extra_info["rows"] = table.num_rows


@pytest.mark.benchmark(group="lookup: fits")
def test_fits(benchmark: Any, catalog: yunpei_match.Catalog, requests: Requests) -> None:
    benchmark(catalog.fitment.fits, requests.part_id, requests.vehicle_id)


# -- batch ------------------------------------------------------------------------------------


@pytest.mark.benchmark(group="batch: parts_for_vehicles")
@pytest.mark.parametrize("ids", ["strings", "dictionary"])
def test_parts_for_vehicles(
    benchmark: Any, catalog: yunpei_match.Catalog, requests: Requests, ids: str
) -> None:
    vehicles, categories = requests.batch_vehicle_ids, requests.batch_category_ids
    if ids == "dictionary":
        vehicles, categories = vehicles.dictionary_encode(), categories.dictionary_encode()
    table = benchmark(catalog.fitment.parts_for_vehicles, vehicles, categories=categories)
    benchmark.extra_info["requests"] = len(vehicles)
    benchmark.extra_info["rows"] = table.num_rows


@pytest.mark.benchmark(group="batch: parts_for_vehicles")
def test_gather_parts_kernel(
    benchmark: Any, catalog: yunpei_match.Catalog, requests: Requests
) -> None:
    links = catalog._links
    index, _ = benchmark(
        _kernels.gather_parts,
        links.run_bounds,
        links.vehicle_runs,
        links.run_category,
        links.link_part,
        links.universal,
        links.universal_bounds,
        len(links.category_start) - 1,
        requests.batch_vehicle,
        requests.batch_category,
    )
    benchmark.extra_info["requests"] = len(requests.batch_vehicle)
    benchmark.extra_info["rows"] = len(index)


@pytest.mark.benchmark(group="batch: vehicles_for_parts")
@pytest.mark.parametrize("ids", ["strings", "dictionary"])
def test_vehicles_for_parts(
    benchmark: Any, catalog: yunpei_match.Catalog, requests: Requests, ids: str
) -> None:
    parts = requests.batch_part_ids
    if ids == "dictionary":
        parts = parts.dictionary_encode()
    table = benchmark(catalog.fitment.vehicles_for_parts, parts)
    benchmark.extra_info["requests"] = len(parts)
    benchmark.extra_info["rows"] = table.num_rows


@pytest.mark.benchmark(group="batch: vehicles_for_parts")
def test_gather_vehicles_kernel(
    benchmark: Any, catalog: yunpei_match.Catalog, requests: Requests, universal: np.ndarray
) -> None:
    links = catalog._links
    index, _ = benchmark(
        _kernels.gather_vehicles,
        links.part_indptr,
        links.part_vehicle,
        universal.astype(np.uint8),
        len(catalog.vehicle_ids),
        requests.batch_part,
    )
    benchmark.extra_info["requests"] = len(requests.batch_part)
    benchmark.extra_info["rows"] = len(index)
