"""Number kernels: the Cython core agrees with the reference twin and with direct models."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import rapidfuzz
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

import yunpei_match as ym
from yunpei_match._base.ids import string_buffers
from yunpei_match.numbers import _kernels, _kernels_py

SETTINGS = settings(max_examples=80, deadline=None)

# Characters people type into a number box: ASCII, full-width forms, the ideographic space,
# Chinese, accented letters, and the odd emoji or control character.
TYPED = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=32, max_codepoint=126),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.sampled_from(["\u3000", "刹", "车", "é", "ß", "ı", "😀", "\t", "\x00", "Ω"]),
    ),
    max_size=20,
)


@SETTINGS
@given(st.lists(TYPED, max_size=20), st.booleans())
def test_normalize_numbers_agrees_with_reference(texts, sliced):
    array = pa.array(["pad", *texts])[1:] if sliced else pa.array(texts, pa.string())
    buffers = string_buffers(array)
    core = _kernels.normalize_numbers(*buffers)
    reference = _kernels_py.normalize_numbers(*buffers)
    np.testing.assert_array_equal(core[0], reference[0])
    np.testing.assert_array_equal(core[1], reference[1])
    keys = bytes(core[1]).decode()
    assert set(keys) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@st.composite
def number_graphs(draw):
    """A number -> parts CSR over n_parts parts (numbers may be shared)."""
    n_parts = draw(st.integers(0, 12))
    members = draw(
        st.lists(
            st.lists(st.integers(0, max(n_parts - 1, 0)), min_size=1, max_size=4, unique=True),
            max_size=12 if n_parts else 0,
        )
    )
    indptr = np.concatenate([[0], np.cumsum([len(m) for m in members])]).astype(np.int64)
    parts = np.array([p for m in members for p in sorted(m)], np.int32)
    return indptr, parts, n_parts


@SETTINGS
@given(number_graphs())
def test_union_groups_agrees_with_breadth_first_search(graph):
    indptr, parts, n_parts = graph
    core = _kernels.union_groups(indptr, parts, n_parts)
    np.testing.assert_array_equal(core, _kernels_py.union_groups(indptr, parts, n_parts))
    for k in range(len(indptr) - 1):  # parts sharing a number share a group
        assert len(set(core[parts[indptr[k] : indptr[k + 1]]].tolist())) <= 1


@SETTINGS
@given(st.lists(st.integers(-1, 9), max_size=10))
def test_resolve_supersessions_agrees_with_a_dict_walk(successors):
    successor = np.array([s if s < len(successors) else -1 for s in successors], np.int32)
    latest, cycle_at = _kernels.resolve_supersessions(successor)
    reference_latest, reference_cycle = _kernels_py.resolve_supersessions(successor)
    assert (cycle_at >= 0) == (reference_cycle >= 0)
    if cycle_at >= 0:
        return
    np.testing.assert_array_equal(latest, reference_latest)
    for k, end in enumerate(latest.tolist()):
        assert successor[end] == -1
        walk = k
        while successor[walk] >= 0:
            walk = successor[walk]
        assert walk == end


@SETTINGS
@given(number_graphs(), st.data())
def test_gather_numbers_agrees(graph, data):
    indptr, parts, _ = graph
    n_numbers = len(indptr) - 1
    latest = np.array(
        [data.draw(st.integers(0, n_numbers - 1)) for _ in range(n_numbers)], np.int32
    )
    requests = np.array(data.draw(st.lists(st.integers(-1, n_numbers - 1), max_size=8)), np.int32)
    core = _kernels.gather_numbers(indptr, parts, latest, requests)
    reference = _kernels_py.gather_numbers(indptr, parts, latest, requests)
    for a, b in zip(core, reference, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype


NUMBERS = st.sampled_from(
    [
        "90915-YZZD2",
        "90915 yzzd2",
        "W 712/95",
        "w71295",
        "0 986 452 041",
        "F026407157",
        "ＨＵ７０２０Ｚ",
        "HU 7020 z",
        "A 000 180 26 09",
    ]
)


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 5), NUMBERS), max_size=10), st.lists(NUMBERS, max_size=6))
def test_lookup_api_core_equals_reference(oe_rows, queries):
    parts = {
        "part_id": [f"P{i}" for i in range(6)],
        "brand": ["Toyota", "Mann-Filter", "Bosch", "Mahle", "Denso", "Toyota"],
        "part_number": [
            "90915-YZZD2",
            "W 712/95",
            "0 986 452 041",
            "OC 593/4",
            "DXE-1008",
            "04152-YZZA6",
        ],
        "category": ["oil filter"] * 6,
    }
    tables = {
        "vehicles": {"vehicle_id": [], "make": [], "model": [], "year": []},
        "parts": parts,
        "oe_numbers": {
            "part_id": [f"P{p}" for p, _ in oe_rows],
            "oe_number": [n for _, n in oe_rows],
        },
    }
    core = ym.Catalog.from_tables(**tables)
    reference = ym.Catalog.from_tables(**tables, kernels="reference")
    for query in queries:
        assert core.numbers.lookup(query).equals(reference.numbers.lookup(query))
    assert core.numbers.lookup_many(queries).equals(reference.numbers.lookup_many(queries))
    for part in parts["part_id"]:
        assert core.numbers.interchange(part).equals(reference.numbers.interchange(part))


KEY_TEXT = st.text(alphabet="ABC0123", max_size=9)  # a small alphabet makes near misses likely


def _brute_force(query: str, keys: list[str], max_edits: int) -> list[tuple[int, str]]:
    """Every stored key within max_edits of the query: a full rapidfuzz scan."""
    hits = rapidfuzz.process.extract(
        query, keys, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=None
    )
    return sorted({(int(score), key) for key, score, _ in hits})


@SETTINGS
@given(
    st.lists(KEY_TEXT, min_size=1, max_size=25, unique=True),
    st.lists(KEY_TEXT, max_size=6),
    st.integers(0, 3),
)
def test_search_equals_a_brute_force_rapidfuzz_scan(stored, queries, max_edits):
    keys = [k for k in stored if k]  # a part number with no letter or digit is refused
    if not keys:
        return
    parts = {
        "part_id": [f"P{i}" for i in range(len(keys))],
        "brand": ["B"] * len(keys),
        "part_number": keys,
        "category": ["c"] * len(keys),
    }
    tables = {"vehicles": {"vehicle_id": [], "make": [], "model": [], "year": []}, "parts": parts}
    core = ym.Catalog.from_tables(**tables).numbers
    reference = ym.Catalog.from_tables(**tables, kernels="reference").numbers
    many = core.search_many(queries, max_edits=max_edits, limit=None)
    assert many.equals(reference.search_many(queries, max_edits=max_edits, limit=None))
    for index, query in enumerate(queries):
        rows = many.filter(pa.compute.equal(many.column("request_index"), index))
        got = list(
            zip(rows.column("distance").to_pylist(), rows.column("number").to_pylist(), strict=True)
        )
        assert got == _brute_force(query, keys, max_edits)
        top = core.search(query, max_edits=max_edits, limit=2)
        assert (
            list(
                zip(
                    top.column("distance").to_pylist(),
                    top.column("number").to_pylist(),
                    strict=True,
                )
            )
            == got[:2]
        )


@SETTINGS
@given(
    st.lists(KEY_TEXT, max_size=20),
    st.lists(KEY_TEXT, max_size=6),
    st.integers(0, 3),
    st.integers(2, 3),  # the twin allocates 37**q lists: q = 4 is covered through the API test
)
def test_gram_kernels_agree(keys, queries, max_edits, q):
    key_buffers = string_buffers(pa.array(keys, pa.string()))
    grams = _kernels.build_grams(*key_buffers, q)
    for a, b in zip(grams, _kernels_py.build_grams(*key_buffers, q), strict=True):
        np.testing.assert_array_equal(a, b)
    lengths = np.diff(key_buffers[0])
    order = np.argsort(lengths, kind="stable").astype(np.int32)
    indptr = np.zeros(int(lengths.max(initial=0)) + 2, np.int64)
    np.cumsum(np.bincount(lengths, minlength=len(indptr) - 1), out=indptr[1:])
    args = (
        *grams,
        *key_buffers,
        order,
        indptr,
        *string_buffers(pa.array(queries, pa.string())),
        q,
        max_edits,
    )
    for a, b in zip(
        _kernels.gram_candidates(*args), _kernels_py.gram_candidates(*args), strict=True
    ):
        np.testing.assert_array_equal(a, b)


@SETTINGS
@given(
    st.lists(KEY_TEXT, max_size=20),
    st.lists(KEY_TEXT, max_size=6),
    st.integers(0, 2),
)
def test_deletion_kernels_agree(keys, queries, max_edits):
    key_buffers = string_buffers(pa.array(keys, pa.string()))
    query_buffers = string_buffers(pa.array(queries, pa.string()))
    core_index = _kernels.build_deletions(*key_buffers, 6)  # keys up to 6 indexed
    twin_index = _kernels_py.build_deletions(*key_buffers, 6)
    core = _kernels.deletion_candidates(*core_index, key_buffers[0], *query_buffers, max_edits, 6)
    twin = _kernels_py.deletion_candidates(
        *twin_index, key_buffers[0], *query_buffers, max_edits, 6
    )
    for a, b in zip(core, twin, strict=True):  # equal unless two variants' 64-bit hashes collide
        np.testing.assert_array_equal(a, b)
