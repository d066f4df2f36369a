"""Part-number benchmarks: normalisation, exact lookups and typo-tolerant search.

Seeded data at the scale of ``YUNPEI_BENCH_SCALE`` (see ``conftest.py``): the synthetic parts
plus an ``oe_numbers`` table (one OE number for every third part), typed queries and typo
queries, all from ``side_by_side.number_data``, the generator the side-by-side comparison uses.
Batch benchmarks store their request and result row counts in ``extra_info``. Nothing asserts on
time.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

import yunpei_match
from benchmarks.conftest import BATCH_REQUESTS, SEED
from benchmarks.side_by_side.number_data import (
    number_catalog,
    oe_numbers_table,
    stored_numbers,
    typed_numbers,
    typo_queries,
)

TYPO_QUERIES = 200
SLOW = {"rounds": 3, "iterations": 1, "warmup_rounds": 1}


@pytest.fixture(scope="module")
def oe_numbers(tables: dict[str, pa.Table]) -> pa.Table:
    return oe_numbers_table(tables["parts"], SEED)


@pytest.fixture(scope="module")
def numbers(tables: dict[str, pa.Table], oe_numbers: pa.Table) -> yunpei_match.NumberIndex:
    index = number_catalog(tables, oe_numbers).numbers
    index.search("0")  # the search index is built on the first search: not timed
    return index


@pytest.fixture(scope="module")
def stored(tables: dict[str, pa.Table], oe_numbers: pa.Table) -> pa.Array:
    return stored_numbers(tables["parts"], oe_numbers)


@pytest.fixture(scope="module")
def typed(stored: pa.Array, scale: str) -> pa.Array:
    return typed_numbers(stored, BATCH_REQUESTS.get(scale, 100_000), SEED)


@pytest.fixture(scope="module")
def typos(stored: pa.Array) -> list[str]:
    return typo_queries(stored, TYPO_QUERIES, SEED)


@pytest.mark.benchmark(group="numbers: normalize_numbers")
def test_normalize_numbers(benchmark: Any, typed: pa.Array) -> None:
    benchmark(yunpei_match.normalize_numbers, typed)
    benchmark.extra_info["requests"] = len(typed)


@pytest.mark.benchmark(group="numbers: lookup")
def test_lookup(benchmark: Any, numbers: yunpei_match.NumberIndex, typed: pa.Array) -> None:
    table = benchmark(numbers.lookup, typed[0].as_py())
    benchmark.extra_info["rows"] = table.num_rows


@pytest.mark.benchmark(group="numbers: lookup_many")
def test_lookup_many(benchmark: Any, numbers: yunpei_match.NumberIndex, typed: pa.Array) -> None:
    table = benchmark(numbers.lookup_many, typed)
    benchmark.extra_info["requests"] = len(typed)
    benchmark.extra_info["rows"] = table.num_rows


@pytest.mark.benchmark(group="numbers: search")
def test_search(benchmark: Any, numbers: yunpei_match.NumberIndex, typos: list[str]) -> None:
    table = benchmark(numbers.search, typos[0], max_edits=2, limit=5)
    benchmark.extra_info["rows"] = table.num_rows


@pytest.mark.benchmark(group="numbers: search_many")
def test_search_many(benchmark: Any, numbers: yunpei_match.NumberIndex, typos: list[str]) -> None:
    table = benchmark.pedantic(
        numbers.search_many, args=(typos,), kwargs={"max_edits": 2, "limit": 5}, **SLOW
    )
    benchmark.extra_info["requests"] = len(typos)
    benchmark.extra_info["rows"] = table.num_rows
