"""Fixtures of the benchmark suites: one seeded synthetic catalogue per session.

Run the suites by naming the directory (``testpaths`` only holds ``tests``)::

    python -m pytest benchmarks --benchmark-only
    YUNPEI_BENCH_SCALE=M python -m pytest benchmarks --benchmark-only --benchmark-json=out.json

``--benchmark-only`` overrides the ``--benchmark-skip`` in pyproject's ``addopts``. The scale is
one of ``yunpei_match.synth.SCALES`` (default ``S``); it is printed in the report header and
stored in the JSON output as ``yunpei_scale``. Nothing here asserts on time: results are reports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import yunpei_match
from yunpei_match import synth
from yunpei_match._base.tables import as_table
from yunpei_match.fitment.encode import Applications, encode_fitments

SCALE = os.environ.get("YUNPEI_BENCH_SCALE", "S")
SEED = 0
BATCH_REQUESTS = {"tiny": 10_000, "S": 100_000, "M": 300_000, "L": 1_000_000}


def pytest_configure(config: pytest.Config) -> None:
    if SCALE not in synth.SCALES:
        raise pytest.UsageError(
            f"YUNPEI_BENCH_SCALE must be one of {', '.join(synth.SCALES)}, got {SCALE!r}"
        )


def pytest_report_header(config: pytest.Config) -> str:
    return f"yunpei_match benchmarks: scale {SCALE} (YUNPEI_BENCH_SCALE), seed {SEED}"


def pytest_benchmark_update_json(
    config: pytest.Config, benchmarks: list[Any], output_json: dict[str, Any]
) -> None:
    output_json["yunpei_scale"] = SCALE
    output_json["yunpei_seed"] = SEED


@dataclass(frozen=True)
class Requests:
    """Seeded query inputs: one typical single request and a batch, as codes and as ids."""

    vehicle: int
    category: int
    vehicle_id: str
    category_id: str
    part_id: str
    batch_vehicle: np.ndarray
    batch_category: np.ndarray
    batch_part: np.ndarray
    batch_vehicle_ids: pa.Array
    batch_category_ids: pa.Array
    batch_part_ids: pa.Array


@pytest.fixture(scope="session")
def scale() -> str:
    return SCALE


@pytest.fixture(scope="session")
def tables(scale: str) -> dict[str, pa.Table]:
    return synth.generate(scale, seed=SEED)


@pytest.fixture(scope="session")
def catalog(tables: dict[str, pa.Table]) -> yunpei_match.Catalog:
    return yunpei_match.Catalog.from_tables(**tables)


@pytest.fixture(scope="session")
def universal(catalog: yunpei_match.Catalog) -> np.ndarray:
    return catalog.parts.column("universal").to_numpy(zero_copy_only=False)


@pytest.fixture(scope="session")
def applications(
    tables: dict[str, pa.Table], catalog: yunpei_match.Catalog, universal: np.ndarray
) -> Applications:
    """The fitment rows compiled to (vehicle, part, detail) codes: the input of build_links."""
    return encode_fitments(
        as_table(tables["fitments"], "fitments"),
        catalog.vehicles,
        catalog.vehicle_ids,
        catalog.part_ids,
        universal,
    )


@pytest.fixture(scope="session")
def saved_index(catalog: yunpei_match.Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return catalog.save(tmp_path_factory.mktemp("saved") / "index")


@pytest.fixture(scope="session")
def requests(catalog: yunpei_match.Catalog, scale: str) -> Requests:
    links = catalog._links
    n_categories = len(links.category_start) - 1
    run_sizes = np.diff(links.run_bounds)
    # The single request is a typical one: a (vehicle, category) run of median non-zero size.
    nonempty = np.flatnonzero(run_sizes)
    run = int(nonempty[np.argsort(run_sizes[nonempty], kind="stable")[len(nonempty) // 2]])
    vehicle, category = divmod(run, n_categories)
    part = int(links.link_part[links.run_bounds[run]])
    rng = np.random.default_rng(SEED + 1)
    m = BATCH_REQUESTS.get(scale, 100_000)
    batch_vehicle = rng.integers(0, len(catalog.vehicle_ids), m, dtype=np.int32)
    batch_category = rng.integers(0, n_categories, m, dtype=np.int32)
    batch_part = rng.integers(0, len(catalog.part_ids), m, dtype=np.int32)
    return Requests(
        vehicle=vehicle,
        category=category,
        vehicle_id=catalog.vehicle_ids.ids[vehicle].as_py(),
        category_id=catalog.category_ids.ids[category].as_py(),
        part_id=catalog.part_ids.ids[part].as_py(),
        batch_vehicle=batch_vehicle,
        batch_category=batch_category,
        batch_part=batch_part,
        batch_vehicle_ids=catalog.vehicle_ids.ids.take(batch_vehicle),
        batch_category_ids=catalog.category_ids.ids.take(batch_category),
        batch_part_ids=catalog.part_ids.ids.take(batch_part),
    )
