"""Pure-Python twins of the kernels in ``_core``: the same names, the same results.

Each function is written the most obvious way (sorting, dicts, loops) so that it is plainly
right; tests run the public API over both this module and the compiled core and compare them on
random inputs. Nothing here is fast and nothing here should be used in production.
"""

from __future__ import annotations

import operator
from collections import Counter

import numpy as np
import numpy.typing as npt

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]


def compile_links(
    vehicle: Int32Array,
    part: Int32Array,
    detail: Int32Array,
    n_vehicles: int,
    n_parts: int,
    n_details: int,
) -> tuple[Int64Array, Int32Array, Int32Array, Int64Array, Int32Array, int]:
    """Distinct (vehicle, part) links with interned detail sets; see ``_core.compile_links``."""
    details_of: dict[tuple[int, int], set[int]] = {}
    for v, p, d in zip(vehicle.tolist(), part.tolist(), detail.tolist(), strict=True):
        details_of.setdefault((v, p), set()).add(d)
    sets: dict[tuple[int, ...], int] = {}
    links_per_vehicle = [0] * n_vehicles
    links_p, links_d = [], []
    for (v, p), members in sorted(details_of.items()):
        key = tuple(sorted(members))
        code = key[0] if len(key) == 1 else sets.setdefault(key, n_details + len(sets))
        links_per_vehicle[v] += 1
        links_p.append(p)
        links_d.append(code)
    set_indptr = [0]
    set_detail: list[int] = []
    for key in sets:  # dicts keep insertion order = order of first appearance
        set_detail.extend(key)
        set_indptr.append(len(set_detail))
    n_duplicates = len(vehicle) - sum(len(m) for m in details_of.values())
    return (
        _offsets(links_per_vehicle),
        np.array(links_p, np.int32),
        np.array(links_d, np.int32),
        np.array(set_indptr, np.int64),
        np.array(set_detail, np.int32),
        n_duplicates,
    )


def _offsets(counts: list[int]) -> Int64Array:
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


def transpose_links(
    vehicle_indptr: Int64Array, link_part: Int32Array, n_parts: int
) -> tuple[Int64Array, Int32Array]:
    """The part -> vehicles transpose; see ``_core.transpose_links``."""
    vehicles_of: list[list[int]] = [[] for _ in range(n_parts)]
    for v in range(len(vehicle_indptr) - 1):
        for p in link_part[vehicle_indptr[v] : vehicle_indptr[v + 1]].tolist():
            vehicles_of[p].append(v)
    part_vehicle = np.array([v for vs in vehicles_of for v in sorted(vs)], np.int32)
    return _offsets([len(vs) for vs in vehicles_of]), part_vehicle


def category_runs(
    vehicle_indptr: Int64Array,
    link_part: Int32Array,
    part_category: Int32Array,
    n_categories: int,
    sparse: bool,
) -> tuple[Int64Array, Int64Array, Int32Array]:
    """Run offsets per (vehicle, category), dense or sparse; see ``_core.category_runs``."""
    n_vehicles = len(vehicle_indptr) - 1
    counts: dict[tuple[int, int], int] = {}
    for v in range(n_vehicles):
        for p in link_part[vehicle_indptr[v] : vehicle_indptr[v + 1]].tolist():
            key = (v, int(part_category[p]))
            counts[key] = counts.get(key, 0) + 1
    if not sparse:
        dense = [counts.get((v, c), 0) for v in range(n_vehicles) for c in range(n_categories)]
        return _offsets(dense), np.empty(0, np.int64), np.empty(0, np.int32)
    runs = sorted(counts)
    runs_per_vehicle = [sum(1 for v, _ in runs if v == vehicle) for vehicle in range(n_vehicles)]
    return (
        _offsets([counts[run] for run in runs]),
        _offsets(runs_per_vehicle),
        np.array([c for _, c in runs], np.int32),
    )


def _link_span(
    run_bounds: Int64Array,
    vehicle_runs: Int64Array,
    run_category: Int32Array,
    n_categories: int,
    v: int,
    c: int,
) -> range:
    """Positions of vehicle v's links in category c (c < 0: all), in either layout."""
    if len(vehicle_runs) == 0:
        base = v * n_categories
        first, last = (base, base + n_categories) if c < 0 else (base + c, base + c + 1)
        return range(int(run_bounds[first]), int(run_bounds[last]))
    runs = range(int(vehicle_runs[v]), int(vehicle_runs[v + 1]))
    if c < 0:
        return range(int(run_bounds[runs.start]), int(run_bounds[runs.stop]))
    for r in runs:
        if run_category[r] == c:
            return range(int(run_bounds[r]), int(run_bounds[r + 1]))
    return range(0)


def split_details(
    link_part: Int32Array, link_detail: Int32Array, n_parts: int
) -> tuple[Int32Array, Int64Array, Int32Array]:
    """Usual detail code per part and the links that differ; see ``_core.split_details``."""
    usual = [0] * n_parts
    votes = [0] * n_parts
    for p, d in zip(link_part.tolist(), link_detail.tolist(), strict=True):
        if votes[p] == 0:
            usual[p], votes[p] = d, 1
        else:
            votes[p] += 1 if usual[p] == d else -1
    exceptions = [
        (i, d)
        for i, (p, d) in enumerate(zip(link_part.tolist(), link_detail.tolist(), strict=True))
        if d != usual[p]
    ]
    return (
        np.array(usual, np.int32),
        np.array([i for i, _ in exceptions], np.int64),
        np.array([d for _, d in exceptions], np.int32),
    )


def gather_parts(
    run_bounds: Int64Array,
    vehicle_runs: Int64Array,
    run_category: Int32Array,
    link_part: Int32Array,
    universal: Int32Array,
    universal_bounds: Int64Array,
    n_categories: int,
    request_vehicle: Int32Array,
    request_category: Int32Array,
) -> tuple[Int32Array, Int32Array]:
    """Parts fitting each request, in part-code order; see ``_core.gather_parts``."""
    index: list[int] = []
    parts: list[int] = []
    for r, (v, c) in enumerate(
        zip(request_vehicle.tolist(), request_category.tolist(), strict=True)
    ):
        if v < 0:
            continue
        links = _link_span(run_bounds, vehicle_runs, run_category, n_categories, v, c)
        first, last = (0, n_categories) if c < 0 else (c, c + 1)
        universals = range(int(universal_bounds[first]), int(universal_bounds[last]))
        found = sorted([int(link_part[i]) for i in links] + [int(universal[i]) for i in universals])
        index.extend([r] * len(found))
        parts.extend(found)
    return np.array(index, np.int32), np.array(parts, np.int32)


class RunIndex:
    """Scalar (vehicle, category) lookups; see ``_core.RunIndex``."""

    def __init__(
        self,
        run_bounds: Int64Array,
        vehicle_runs: Int64Array,
        run_category: Int32Array,
        link_part: Int32Array,
        universal: Int32Array,
        universal_bounds: Int64Array,
        n_vehicles: int,
        n_categories: int,
    ) -> None:
        self._arrays = (run_bounds, vehicle_runs, run_category)
        self._link_part, self._universal = link_part, universal
        self._universal_bounds = universal_bounds
        self._n_vehicles, self._n_categories = n_vehicles, n_categories

    def part_codes(self, vehicle: int, category: int | None = None) -> Int32Array | None:
        vehicle = operator.index(vehicle)
        c = -1 if category is None else operator.index(category)
        if not 0 <= vehicle < self._n_vehicles or not -1 <= c < self._n_categories:
            return None
        if c == -1 and category is not None:
            return None
        links = _link_span(*self._arrays, self._n_categories, vehicle, c)
        first, last = (0, self._n_categories) if c < 0 else (c, c + 1)
        universals = range(int(self._universal_bounds[first]), int(self._universal_bounds[last]))
        codes = [int(self._link_part[i]) for i in links] + [
            int(self._universal[i]) for i in universals
        ]
        return np.array(sorted(codes), np.int32)


def gather_vehicles(
    part_indptr: Int64Array,
    part_vehicle: Int32Array,
    part_universal: npt.NDArray[np.uint8],
    n_vehicles: int,
    request_part: Int32Array,
) -> tuple[Int32Array, Int32Array]:
    """Vehicles each requested part fits; see ``_core.gather_vehicles``."""
    index: list[int] = []
    vehicles: list[int] = []
    for r, p in enumerate(request_part.tolist()):
        if p < 0:
            continue
        if part_universal[p]:
            found = list(range(n_vehicles))
        else:
            found = part_vehicle[part_indptr[p] : part_indptr[p + 1]].tolist()
        index.extend([r] * len(found))
        vehicles.extend(found)
    return np.array(index, np.int32), np.array(vehicles, np.int32)


def find_links(
    run_bounds: Int64Array,
    vehicle_runs: Int64Array,
    run_category: Int32Array,
    link_part: Int32Array,
    part_category: Int32Array,
    n_categories: int,
    vehicle: Int32Array,
    part: Int32Array,
) -> Int64Array:
    """Position of each (vehicle, part) link, or -1; see ``_core.find_links``."""
    found = []
    for v, p in zip(vehicle.tolist(), part.tolist(), strict=True):
        run = _link_span(
            run_bounds, vehicle_runs, run_category, n_categories, v, int(part_category[p])
        )
        found.append(next((i for i in run if link_part[i] == p), -1))
    return np.array(found, np.int64)


class StringTable:
    """Strings (as offsets + bytes) to their first position; see ``_core.StringTable``."""

    def __init__(self, offsets: Int64Array, data: npt.NDArray[np.uint8]) -> None:
        self._codes: dict[bytes, int] = {}
        for code, key in enumerate(_split(offsets, data)):
            self._codes.setdefault(key, code)

    def find(self, key: bytes) -> int:
        return self._codes.get(key, -1)

    def find_many(self, offsets: Int64Array, data: npt.NDArray[np.uint8]) -> Int32Array:
        return np.array([self.find(key) for key in _split(offsets, data)], np.int32)


def _split(offsets: Int64Array, data: npt.NDArray[np.uint8]) -> list[bytes]:
    raw = data.tobytes()
    return [raw[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]


def normalize_numbers(
    offsets: Int64Array, data: npt.NDArray[np.uint8]
) -> tuple[Int64Array, npt.NDArray[np.uint8]]:
    """Number keys: full-width folded, upper case, only A-Z0-9; see ``_core.normalize_numbers``."""
    keys = []
    for raw in _split(offsets, data):
        text = raw.decode("utf-8")
        folded = "".join(
            chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else ch for ch in text
        )
        # Filter before upper-casing: str.upper() turns "ß" into "SS" and "ı" into "I".
        keys.append("".join(ch.upper() for ch in folded if ch in _KEY_CHARACTERS).encode())
    return _offsets([len(k) for k in keys]), np.frombuffer(b"".join(keys), np.uint8).copy()


_KEY_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def union_groups(number_indptr: Int64Array, number_part: Int32Array, n_parts: int) -> Int32Array:
    """Connected components of the part-number graph by breadth-first search."""
    neighbours: list[set[int]] = [set() for _ in range(n_parts)]
    for k in range(len(number_indptr) - 1):
        members = number_part[number_indptr[k] : number_indptr[k + 1]].tolist()
        for p in members:
            neighbours[p].update(members)
    group = [-1] * n_parts
    label = 0
    for start in range(n_parts):  # ascending: groups numbered by their smallest part
        if group[start] >= 0:
            continue
        queue = [start]
        group[start] = label
        while queue:
            for q in neighbours[queue.pop()]:
                if group[q] < 0:
                    group[q] = label
                    queue.append(q)
        label += 1
    return np.array(group, np.int32)


def resolve_supersessions(next_number: Int32Array) -> tuple[Int32Array, int]:
    """Newest number of each chain by walking it; see ``_core.resolve_supersessions``."""
    successor = next_number.tolist()
    latest = []
    for start in range(len(successor)):
        seen = {start}
        k = start
        while successor[k] >= 0:
            k = successor[k]
            if k in seen:
                return np.full(len(successor), -1, np.int32), k
            seen.add(k)
        latest.append(k)
    return np.array(latest, np.int32), -1


def gather_numbers(
    number_indptr: Int64Array,
    number_part: Int32Array,
    latest: Int32Array,
    request_number: Int32Array,
) -> tuple[Int32Array, Int32Array, npt.NDArray[np.uint8]]:
    """Parts of each number, then of its newest; see ``_core.gather_numbers``."""
    rows: list[tuple[int, int, int]] = []
    for r, q in enumerate(request_number.tolist()):
        if q < 0:
            continue
        rows += [(r, p, 0) for p in number_part[number_indptr[q] : number_indptr[q + 1]].tolist()]
        newest = int(latest[q])
        if newest != q:
            own = number_part[number_indptr[newest] : number_indptr[newest + 1]].tolist()
            rows += [(r, p, 1) for p in own]
    columns = list(zip(*rows, strict=True)) or [(), (), ()]
    return (
        np.array(columns[0], np.int32),
        np.array(columns[1], np.int32),
        np.array(columns[2], np.uint8),
    )


def _grams(key: bytes, q: int) -> list[int]:
    """Padded grams of a key as base-37 ids (sentinel 0, A-Z 1..26, 0-9 27..36)."""
    symbols = [0] * (q - 1) + [b - 64 if b >= 65 else b - 21 for b in key] + [0] * (q - 1)
    grams = []
    for start in range(len(key) + q - 1):
        gram = 0
        for symbol in symbols[start : start + q]:
            gram = gram * 37 + symbol
        grams.append(gram)
    return grams


def build_grams(
    key_offsets: Int64Array, key_data: npt.NDArray[np.uint8], q: int
) -> tuple[Int64Array, Int32Array]:
    """Posting lists gram -> keys; see ``_core.build_grams``."""
    pairs = sorted(
        (gram, code)
        for code, key in enumerate(_split(key_offsets, key_data))
        for gram in set(_grams(key, q))
    )
    grams = np.array([g for g, _ in pairs], np.int64)
    indptr = np.zeros(37**q + 1, np.int64)
    np.cumsum(np.bincount(grams, minlength=37**q), out=indptr[1:])
    return indptr, np.array([code for _, code in pairs], np.int32)


def gram_candidates(
    gram_indptr: Int64Array,
    gram_key: Int32Array,
    key_offsets: Int64Array,
    key_data: npt.NDArray[np.uint8],
    length_order: Int32Array,
    length_indptr: Int64Array,
    query_offsets: Int64Array,
    query_data: npt.NDArray[np.uint8],
    q: int,
    max_edits: int,
) -> tuple[Int64Array, Int32Array]:
    """Candidate keys of each query by the rule in ``_core.gram_candidates``' docstring."""
    keys = _split(key_offsets, key_data)
    per_query: list[list[int]] = []
    for query in _split(query_offsets, query_data):
        t = len(query) + q - 1 - max_edits * q
        near = {k for k, key in enumerate(keys) if abs(len(key) - len(query)) <= max_edits}
        if t <= 0:
            per_query.append(sorted(near))
            continue
        occurrences = sorted(
            _grams(query, q), key=lambda g: (gram_indptr[g + 1] - gram_indptr[g], g)
        )
        found = set()
        for gram in occurrences[: len(occurrences) - t + 1]:
            found.update(gram_key[gram_indptr[gram] : gram_indptr[gram + 1]].tolist())
        wanted = Counter(_grams(query, q))
        per_query.append(
            sorted(
                k for k in found & near if sum((Counter(_grams(keys[k], q)) & wanted).values()) >= t
            )
        )
    return _offsets([len(c) for c in per_query]), np.array(
        [k for c in per_query for k in c], np.int32
    )


def _deletion_variants(key: bytes, deletions: int) -> set[bytes]:
    """The strings made from ``key`` by deleting at most ``deletions`` characters."""
    variants = {key}
    for _ in range(deletions):
        variants |= {v[:i] + v[i + 1 :] for v in variants for i in range(len(v))}
    return variants


class _DeletionIndex:
    """The reference's deletion index: exact variant strings instead of hashes."""

    def __init__(self, keys: list[bytes], max_length: int) -> None:
        self.keys = keys
        self.owners: dict[bytes, set[int]] = {}
        for code, key in enumerate(keys):
            if len(key) > max_length:
                continue
            for variant in _deletion_variants(key, 2):
                self.owners.setdefault(variant, set()).add(code)


def build_deletions(
    key_offsets: Int64Array, key_data: npt.NDArray[np.uint8], max_length: int
) -> tuple[_DeletionIndex, None, None]:
    """Variant index of every key (up to two deletions); see ``_core.build_deletions``.

    The twin keeps exact variant strings rather than bucketed hashes, so its first element
    replaces the three arrays of the core; ``deletion_candidates`` takes it in their place.
    """
    return _DeletionIndex(_split(key_offsets, key_data), max_length), None, None


def deletion_candidates(
    index: _DeletionIndex,
    variant_hash: None,
    variant_key: None,
    key_offsets: Int64Array,
    query_offsets: Int64Array,
    query_data: npt.NDArray[np.uint8],
    max_edits: int,
    max_length: int,
) -> tuple[Int64Array, Int32Array]:
    """Keys sharing a variant with each query; see ``_core.deletion_candidates``."""
    per_query = []
    for query in _split(query_offsets, query_data):
        found: set[int] = set()
        if len(query) > max_length:
            per_query.append([])
            continue
        for variant in _deletion_variants(query, max_edits):
            found |= index.owners.get(variant, set())
        per_query.append(
            sorted(k for k in found if abs(len(index.keys[k]) - len(query)) <= max_edits)
        )
    return _offsets([len(c) for c in per_query]), np.array(
        [k for c in per_query for k in c], np.int32
    )


def first_decrease(offsets: Int64Array) -> int:
    """Position of the first decrease in ``offsets``, or -1; see ``_core.first_decrease``."""
    for i in range(1, len(offsets)):
        if offsets[i] < offsets[i - 1]:
            return i
    return -1


def first_out_of_range(values: Int32Array, low: int, high: int) -> int:
    """Position of the first value outside ``[low, high)``, or -1."""
    for i, x in enumerate(values.tolist()):
        if not low <= x < high:
            return i
    return -1


def first_bad_string(offsets: npt.NDArray[np.integer], data: npt.NDArray[np.uint8]) -> int:
    """Row of the first string out of bounds, else the first not UTF-8, or -1; see ``_core``."""
    n, size = len(offsets) - 1, len(data)
    for i in range(n):
        if not 0 <= offsets[i] <= offsets[i + 1] <= size:
            return i
    for i in range(n):
        try:
            bytes(data[offsets[i] : offsets[i + 1]]).decode("utf-8")
        except UnicodeDecodeError:
            return i
    return -1
