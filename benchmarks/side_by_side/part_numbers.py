"""Workloads number lookup and number search: typed part numbers to parts, typos to numbers.

number lookup
    Typed numbers (``number_data.typed_numbers``) to every (request, part) pair of the parts
    whose own or OE number has the same key. Ours: ``catalog.numbers.lookup_many``. polars:
    full-width fold (``str.replace_many``), ``str.to_uppercase``, ``str.replace_all`` of
    ``[^A-Z0-9]``, then a join with a (key, part) frame. Python: ``python_key`` and a dict from
    key to part codes, in a loop. The generated data has no supersessions, so every match is
    exact. The rate counts queries.
number search
    Typo queries (``number_data.typo_queries``) to the stored keys within 2 Levenshtein edits,
    best 5 by (distance, key). Ours: ``catalog.numbers.search_many(max_edits=2, limit=5)``.
    rapidfuzz: ``process.cdist`` (``Levenshtein.distance``, ``score_cutoff=2``, all cores)
    against the keys whose length is within 2 of the query's, and ``process.extract`` against
    all keys; tantivy (``search_engine``): fuzzy term queries at distance 2 over the distinct
    keys, hits ranked by distance then key. Times are per query: one pass over the queries
    after a warm-up.

The single-call form of number lookup is ``number_single``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

import yunpei_match

from .data import Data
from .limit import Limit, string_bytes
from .number_data import FULL_WIDTH, NumberData, make_number_data, python_key
from .number_single import run_number_single
from .rows import Row
from .sampled import (
    Tool,
    one_pass,
    pairs_race,
    prefix_sets,
    request_codes,
    sampled_race,
    setup_fact,
)
from .search_engine import FuzzyIndex, check_candidates
from .timing import clocked

MAX_EDITS, LIMIT = 2, 5
TYPO_QUERIES = {"tiny": 200, "S": 2_000, "M": 2_000, "L": 2_000}
PYTHON_SAMPLE = 100_000
CDIST_SAMPLE = {"tiny": 200, "S": 2_000, "M": 1_000, "L": 500}
EXTRACT_SAMPLE = {"tiny": 20, "S": 100, "M": 20, "L": 10}
TANTIVY_SAMPLE = {"tiny": 200, "S": 2_000, "M": 1_000, "L": 500}
LOOKUP_MODEL = (
    "the typed strings read (data + int32 offsets) + 8 B per (request, part) pair written"
)
CDIST_CHUNK = 64  # queries per cdist call: 64 x 1 M int8 distances


def polars_key(number: pl.Expr) -> pl.Expr:
    """The match key in polars string expressions: fold full width, upper case, A-Z0-9 kept."""
    full = [chr(c) for c in FULL_WIDTH.values()]
    ascii_ = [chr(c) for c in FULL_WIDTH]
    folded = number.str.replace_many(full, ascii_)
    return folded.str.to_uppercase().str.replace_all("[^A-Z0-9]", "")


def polars_store(numbers: NumberData) -> pl.DataFrame:
    frame = pl.DataFrame({"number": pl.Series(numbers.stored), "part": numbers.stored_part})
    return frame.select(key=polars_key(pl.col("number")), part="part").unique()


def polars_lookup(store: pl.DataFrame, typed: pl.Series, n: int) -> tuple[Any, Any]:
    found = (
        pl.LazyFrame({"number": typed[:n]})
        .with_row_index("request_index")
        .select("request_index", key=polars_key(pl.col("number")))
        .join(store.lazy(), on="key")
        .collect()
    )
    return found.get_column("request_index").to_numpy(), found.get_column("part").to_numpy()


def dict_store(keys: list[str], stored_part: np.ndarray) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for key, part in zip(keys, stored_part.tolist(), strict=True):
        parts = index.setdefault(key, [])
        if part not in parts:
            parts.append(part)
    return index


def dict_lookup(index: dict[str, list[int]], typed: list[str], n: int) -> tuple[Any, Any]:
    requests: list[int] = []
    parts: list[int] = []
    for request, number in enumerate(typed[:n]):
        for part in index.get(python_key(number), ()):
            requests.append(request)
            parts.append(part)
    return requests, parts


def ours_lookup(catalog: yunpei_match.Catalog, typed: pa.Array, n: int) -> tuple[Any, Any]:
    return request_codes(catalog.numbers.lookup_many(typed.slice(0, n)), "part_id")


def run_number_lookup(
    numbers: NumberData,
    keys: list[str],
    repeats: int,
    skip: set[str],
    setup: dict[str, float],
    limit: Limit,
) -> list[Row]:
    typed, total = numbers.typed, len(numbers.typed)
    width = len(numbers.catalog.part_ids)
    store = clocked(setup, "polars (key, part) frame", lambda: polars_store(numbers))
    index = clocked(setup, "Python dict", lambda: dict_store(keys, numbers.stored_part))
    typed_series, typed_list = pl.Series(typed), typed.to_pylist()
    tools = {
        "ours: numbers.lookup_many": Tool(lambda n: ours_lookup(numbers.catalog, typed, n), total),
        "polars: str ops + join": Tool(lambda n: polars_lookup(store, typed_series, n), total),
        "python: dict + normalise loop": Tool(
            lambda n: dict_lookup(index, typed_list, n), min(PYTHON_SAMPLE, total)
        ),
    }
    rows = pairs_race("number lookup", tools, skip, total, repeats, width)
    pairs = len(ours_lookup(numbers.catalog, typed, total)[1])
    fixed = string_bytes(typed) + 8 * pairs
    return rows + limit.row(rows, "number lookup", 0, fixed, LOOKUP_MODEL)


def best(request: int, hits: list[tuple[int, str]]) -> list[tuple[int, str, int]]:
    """The ``LIMIT`` best (distance, key) hits of a request as (request, key, distance)."""
    return [(request, key, distance) for distance, key in sorted(hits)[:LIMIT]]


def cdist_search(keys: list[str], lengths: np.ndarray, queries: list[str]) -> set[tuple]:
    """``process.cdist`` of each query against the keys within ``MAX_EDITS`` of its length."""
    found: set[tuple] = set()
    groups: dict[int, list[int]] = {}
    for request, query in enumerate(queries):
        groups.setdefault(len(query), []).append(request)
    for length, requests in groups.items():
        low, high = np.searchsorted(lengths, [length - MAX_EDITS, length + MAX_EDITS + 1])
        choices = keys[low:high]
        for start in range(0, len(requests), CDIST_CHUNK):
            chunk = requests[start : start + CDIST_CHUNK]
            distances = process.cdist(
                [queries[r] for r in chunk],
                choices,
                scorer=Levenshtein.distance,
                score_cutoff=MAX_EDITS,
                dtype=np.int8,
                workers=-1,
            )
            for request, row in zip(chunk, distances, strict=True):
                hits = np.flatnonzero(row <= MAX_EDITS).tolist()
                found.update(best(request, [(int(row[h]), choices[h]) for h in hits]))
    return found


def extract_search(keys: list[str], queries: list[str]) -> set[tuple]:
    """``process.extract`` of each query against every key."""
    found: set[tuple] = set()
    for request, query in enumerate(queries):
        hits = process.extract(
            query, keys, scorer=Levenshtein.distance, score_cutoff=MAX_EDITS, limit=None
        )
        found.update(best(request, [(int(distance), key) for key, distance, _ in hits]))
    return found


def ours_search(catalog: yunpei_match.Catalog, queries: list[str]) -> set[tuple]:
    table = catalog.numbers.search_many(queries, max_edits=MAX_EDITS, limit=LIMIT)
    matched = yunpei_match.normalize_numbers(table.column("number")).to_pylist()
    requests, distances = table.column("request_index"), table.column("distance")
    return set(zip(requests.to_pylist(), matched, distances.to_pylist(), strict=True))


def run_number_search(
    numbers: NumberData, keys: list[str], scale: str, skip: set[str], setup: dict[str, float]
) -> tuple[list[Row], list[str]]:
    """The rows of number search, and what the untimed candidate check found."""
    typos, total = numbers.typos, len(numbers.typos)
    notes: list[str] = []
    clocked(setup, "ours: search index (first search)", lambda: numbers.catalog.numbers.search("0"))
    choices = clocked(setup, "keys sorted by length", lambda: sorted(set(keys), key=by_length))
    lengths = np.array([len(key) for key in choices])
    engine = None
    if "tantivy" not in skip:
        engine = clocked(setup, "tantivy index of the keys", lambda: FuzzyIndex(choices))

    def sample(size: dict[str, int]) -> int:
        return min(size.get(scale, 100), total)

    tools = {
        "ours: numbers.search_many": Tool(lambda n: ours_search(numbers.catalog, typos[:n]), total),
        "rapidfuzz: cdist, length buckets, all cores": Tool(
            lambda n: cdist_search(choices, lengths, typos[:n]), sample(CDIST_SAMPLE)
        ),
        "rapidfuzz: extract": Tool(
            lambda n: extract_search(choices, typos[:n]), sample(EXTRACT_SAMPLE)
        ),
    }
    if engine is not None:
        tools["tantivy: FuzzyTermQuery distance 2, ranked"] = Tool(
            lambda n: engine.search(typos[:n], MAX_EDITS, LIMIT), sample(TANTIVY_SAMPLE)
        )
        queries = typos[: sample(TANTIVY_SAMPLE)]
        check = check_candidates(engine, numbers.catalog, queries, MAX_EDITS)
        candidates = clocked(setup, "tantivy candidate check (untimed)", check)
        notes.append(
            f"number search, tantivy: all {candidates:,} candidates within {MAX_EDITS} edits of "
            f"its {len(queries):,} queries equal ours with no limit (checked untimed); timed, "
            f"all hits are fetched and the best {LIMIT} kept by (distance, key), as ours"
        )
    rows = sampled_race(
        "number search",
        tools,
        skip,
        total=total,
        clock=one_pass(3, lambda found: found),
        compare=prefix_sets,
        per_request=True,
    )
    return rows, notes


def by_length(key: str) -> tuple[int, str]:
    """Sort order of the keys: by length, so that a window of lengths is a slice."""
    return len(key), key


def run_numbers(
    data: Data, m: int, repeats: int, skip: set[str], limit: Limit
) -> tuple[list[Row], list[str]]:
    """Both number workloads on one number catalogue, and the facts about them."""
    setup: dict[str, float] = {}
    n_typos = TYPO_QUERIES.get(data.scale, 2_000)
    numbers = clocked(
        setup,
        "numbers: data and catalogue",
        lambda: make_number_data(data.tables, data.seed, m, n_typos),
    )
    keys = clocked(
        setup, "python_key of the stored", lambda: list(map(python_key, numbers.stored.to_pylist()))
    )
    rows = run_number_lookup(numbers, keys, repeats, skip, setup, limit)
    rows += run_number_single(numbers, keys, skip, setup)
    search_rows, notes = run_number_search(numbers, keys, data.scale, skip, setup)
    return rows + search_rows, number_facts(numbers, setup) + notes


def number_facts(numbers: NumberData, setup: dict[str, float]) -> list[str]:
    stats = numbers.catalog.stats
    return [
        f"numbers: {len(numbers.stored):,} stored ({stats.parts:,} parts' own + "
        f"{stats.oe_rows:,} OE), {stats.numbers:,} distinct keys; {len(numbers.typed):,} typed "
        f"queries (a tenth unknown); {len(numbers.typos):,} typo queries",
        "number lookup: rows/s counts queries; number search: median per query (one pass after "
        f"a warm-up), top {LIMIT} within {MAX_EDITS} edits",
        setup_fact("number workloads", setup),
    ]
