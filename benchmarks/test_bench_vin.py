"""VIN benchmarks: batch validation, decoding, and VIN to candidate vehicles.

Seeded data at the scale of ``YUNPEI_BENCH_SCALE`` (see ``conftest.py``) from
``side_by_side.vin_data``, the generator the side-by-side comparison uses: typed VINs over real
WMIs (~5 % corrupted), and ``vin_patterns`` over the synthetic vehicles with valid VINs that
match them. Each benchmark stores its request and result row counts in ``extra_info``. Nothing
asserts on time.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

import yunpei_match
from benchmarks.conftest import BATCH_REQUESTS, SEED
from benchmarks.side_by_side.vin_data import (
    pattern_vins,
    typed_vins,
    vin_catalog,
    vin_patterns_table,
)


@pytest.fixture(scope="module")
def requests(scale: str) -> int:
    return BATCH_REQUESTS.get(scale, 100_000)


@pytest.fixture(scope="module")
def typed(requests: int) -> pa.Array:
    return typed_vins(requests, SEED)


@pytest.fixture(scope="module")
def patterns(tables: dict[str, pa.Table]) -> tuple[pa.Table, Any]:
    return vin_patterns_table(tables["vehicles"], SEED)


@pytest.fixture(scope="module")
def vins(tables: dict[str, pa.Table], patterns: tuple[pa.Table, Any]) -> yunpei_match.VinIndex:
    return vin_catalog(tables, patterns[0]).vins


@pytest.fixture(scope="module")
def matching(patterns: tuple[pa.Table, Any], requests: int) -> pa.Array:
    return pattern_vins(patterns[1], requests, SEED)


@pytest.mark.parametrize(
    "operation", [yunpei_match.validate_vins, yunpei_match.decode_vins], ids=["validate", "decode"]
)
def test_check_vins(benchmark: Any, typed: pa.Array, operation: Any) -> None:
    benchmark.group = f"vin: {operation.__name__}"
    table = benchmark(operation, typed)
    benchmark.extra_info["requests"] = len(typed)
    benchmark.extra_info["valid"] = table.column("valid").to_numpy().sum().item()


@pytest.mark.benchmark(group="vin: vehicles_for_vins")
def test_vehicles_for_vins(benchmark: Any, vins: yunpei_match.VinIndex, matching: pa.Array) -> None:
    table = benchmark(vins.vehicles_for_vins, matching)
    benchmark.extra_info["requests"] = len(matching)
    benchmark.extra_info["rows"] = table.num_rows
