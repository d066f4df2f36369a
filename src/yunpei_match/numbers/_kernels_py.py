"""Pure-Python twins of the kernels in ``_kernels.pyx``: the same names, the same results.

Each function is written the most obvious way (sorting, dicts, loops) so that it is plainly
right; tests run the public API over both this module and the compiled kernels and compare them
on random inputs. Nothing here is fast and nothing here should be used in production.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import numpy.typing as npt

from .._base._kernels_py import offsets_of, split_strings

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]


def normalize_numbers(
    offsets: Int64Array, data: npt.NDArray[np.uint8]
) -> tuple[Int64Array, npt.NDArray[np.uint8]]:
    """Number keys: full-width folded, upper case, only A-Z0-9 (``_kernels.normalize_numbers``)."""
    keys = []
    for raw in split_strings(offsets, data):
        text = raw.decode("utf-8")
        folded = "".join(
            chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else ch for ch in text
        )
        # Filter before upper-casing: str.upper() turns "ß" into "SS" and "ı" into "I".
        keys.append("".join(ch.upper() for ch in folded if ch in _KEY_CHARACTERS).encode())
    return offsets_of([len(k) for k in keys]), np.frombuffer(b"".join(keys), np.uint8).copy()


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
    """Newest number of each chain by walking it; see ``_kernels.resolve_supersessions``."""
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
    """Parts of each number, then of its newest; see ``_kernels.gather_numbers``."""
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
    """Posting lists gram -> keys; see ``_kernels.build_grams``."""
    pairs = sorted(
        (gram, code)
        for code, key in enumerate(split_strings(key_offsets, key_data))
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
    """Candidate keys of each query by the rule in ``_kernels.gram_candidates``' docstring."""
    keys = split_strings(key_offsets, key_data)
    per_query: list[list[int]] = []
    for query in split_strings(query_offsets, query_data):
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
    return offsets_of([len(c) for c in per_query]), np.array(
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
    """Variant index of every key (up to two deletions); see ``_kernels.build_deletions``.

    The twin keeps exact variant strings rather than bucketed hashes, so its first element
    replaces the three arrays of the core; ``deletion_candidates`` takes it in their place.
    """
    return _DeletionIndex(split_strings(key_offsets, key_data), max_length), None, None


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
    """Keys sharing a variant with each query; see ``_kernels.deletion_candidates``."""
    per_query: list[list[int]] = []
    for query in split_strings(query_offsets, query_data):
        found: set[int] = set()
        if len(query) > max_length:
            per_query.append([])
            continue
        for variant in _deletion_variants(query, max_edits):
            found |= index.owners.get(variant, set())
        per_query.append(
            sorted(k for k in found if abs(len(index.keys[k]) - len(query)) <= max_edits)
        )
    return offsets_of([len(c) for c in per_query]), np.array(
        [k for c in per_query for k in c], np.int32
    )
