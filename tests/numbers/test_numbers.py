"""Part numbers: normalisation, lookups, interchange groups, supersession chains, errors.

The cases taking the ``impl`` fixture (or the ``numbers`` index built on it) run over the
compiled kernels and over their pure-Python twins.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

import yunpei_match as ym
from yunpei_match.numbers import normalize_number, normalize_numbers

NO_VEHICLES = {"vehicle_id": [], "make": [], "model": [], "year": []}
PARTS = {
    "part_id": ["T1", "M1", "B1", "H1", "B2", "X1"],
    "brand": ["Toyota", "Mann-Filter", "Bosch", "Mahle", "Bosch", "Denso"],
    "part_number": ["90915-YZZD2", "W 68/3", "0 986 452 041", "OC 217", "F 026 407 157", "DXE-1"],
    "category": ["oil filter"] * 6,
}
# M1 and B1 replace the Toyota number; H1 replaces a Honda number that B1 also lists, so the
# Honda group merges into the Toyota one through B1. B2 and X1 stay alone.
OE_NUMBERS = {
    "part_id": ["M1", "B1", "B1", "H1"],
    "oe_number": ["90915YZZD2", "９０９１５－ＹＺＺＤ２", "15400-RTA-003", "15400 RTA 003"],
    "oe_brand": ["Toyota", "Toyota", "Honda", "Honda"],
}
SUPERSESSIONS = {
    "old_number": ["90915-YZZB1", "90915-YZZE1", "0 986 452 000"],
    "new_number": ["90915-YZZE1", "90915-YZZD2", "F 026 407 157"],
}


def build(kernels: str) -> ym.Catalog:
    return ym.Catalog.from_tables(
        vehicles=NO_VEHICLES,
        parts=PARTS,
        oe_numbers=OE_NUMBERS,
        supersessions=SUPERSESSIONS,
        kernels=kernels,
    )


@pytest.fixture(scope="module")
def numbers(impl) -> ym.NumberIndex:
    return build(impl).numbers


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("0 986 452 041", "0986452041"),
        ("90915yzzd2", "90915YZZD2"),
        ("ＷＶＷＺＺＺ", "WVWZZZ"),  # full-width, from a Chinese input method
        ("W\u3000712／95", "W71295"),  # ideographic space and full-width slash
        ("A 000 180 26 09", "A0001802609"),
        ("06L.115.562-B", "06L115562B"),
        ("刹车片 04465-33450", "0446533450"),
        ("ß-ı-é", ""),  # letters outside A-Z are dropped, never transliterated
        ("", ""),
    ],
)
def test_normalize_number(impl, typed: str, key: str) -> None:
    assert normalize_number(typed, kernels=impl) == key
    assert normalize_numbers([typed], kernels=impl).to_pylist() == [key]


def test_normalize_number_rejects_non_strings(impl) -> None:
    with pytest.raises(ym.ColumnTypeError, match="must be a string, got int"):
        normalize_number(986452041, kernels=impl)  # type: ignore[arg-type]


def test_lookup_by_own_and_oe_number_however_typed(numbers) -> None:
    for typed in ("90915-YZZD2", "90915 yzzd2", "９０９１５ＹＺＺＤ２"):
        rows = numbers.lookup(typed)
        assert rows.column("part_id").to_pylist() == ["T1", "B1", "M1"]
        assert not any(rows.column("via_supersession").to_pylist())
        assert rows.column("number").to_pylist() == ["90915-YZZD2"] * 3


def test_lookup_through_a_chain_of_length_three(numbers) -> None:
    rows = numbers.lookup("90915-YZZB1")
    assert rows.column("part_id").to_pylist() == ["T1", "B1", "M1"]
    assert all(rows.column("via_supersession").to_pylist())
    assert numbers.latest("90915-YZZB1") == "90915-YZZD2"
    assert numbers.latest("90915 yzze1") == "90915-YZZD2"
    assert numbers.latest("DXE-1") == "DXE-1"


def test_lookup_brand_filter_uses_the_oe_brand_for_oe_numbers(numbers) -> None:
    assert numbers.lookup("90915YZZD2", brand="Toyota").column("part_id").to_pylist() == [
        "T1",
        "B1",
        "M1",
    ]
    assert numbers.lookup("W68/3", brand="Mann-Filter").column("part_id").to_pylist() == ["M1"]
    assert numbers.lookup("W68/3", brand="Bosch").num_rows == 0


def test_unknown_number_is_an_empty_answer_not_an_error(numbers) -> None:
    for typed in ("no such number", "", "---", "😀"):
        rows = numbers.lookup(typed)
        assert rows.num_rows == 0
        assert rows.column_names == [
            "part_id",
            "brand",
            "part_number",
            "category",
            "group_id",
            "number",
            "via_supersession",
        ]
    with pytest.raises(ym.UnknownIdError, match="number 'no such number' is not in the catalogue"):
        numbers.latest("no such number")


def test_interchange_groups_merge_through_a_shared_member(numbers) -> None:
    group = numbers.interchange("H1")
    assert sorted(set(group.column("part_id").to_pylist())) == ["B1", "H1", "M1", "T1"]
    assert set(group.column("group_id").to_pylist()) == {group.column("group_id")[0].as_py()}
    oe = group.filter(pa.compute.equal(group.column("kind"), "oe"))
    assert set(oe.column("number_brand").to_pylist()) == {"Toyota", "Honda"}
    assert numbers.interchange("X1").column("part_id").to_pylist() == ["X1"]


def test_lookup_many_matches_lookup(numbers) -> None:
    queries = ["90915-YZZB1", "nope", None, "w 68/3", "0 986 452 000"]
    many = numbers.lookup_many(queries)
    for index, query in enumerate(queries):
        got = many.filter(pa.compute.equal(many.column("request_index"), index))
        want = numbers.lookup(query) if query is not None else None
        if want is None:
            assert got.num_rows == 0
            continue
        assert got.column("part_id").to_pylist() == want.column("part_id").to_pylist()
        assert (
            got.column("via_supersession").to_pylist()
            == want.column("via_supersession").to_pylist()
        )
        assert got.column("number").to_pylist() == want.column("number").to_pylist()


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        (
            {"supersessions": {"old_number": ["A-1", "B 1"], "new_number": ["B1", "a1"]}},
            ym.DataError,
            r"supersessions form a cycle: A-1 -> B 1 -> A-1",
        ),
        (
            {"supersessions": {"old_number": ["A1", "a-1"], "new_number": ["B1", "C1"]}},
            ym.DataError,
            r"supersessions.old_number 'A1' is replaced by two different numbers \(rows 0 and 1\)",
        ),
        (
            {"oe_numbers": {"part_id": ["T1", "Q9"], "oe_number": ["X", "Y"]}},
            ym.UnknownIdError,
            r"oe_numbers.part_id 'Q9' at row 1 is not in parts",
        ),
        (
            {"oe_numbers": {"part_id": ["T1", "M1"], "oe_number": ["X", "--"]}},
            ym.DataError,
            r"oe_numbers.oe_number at row 1 is '--': no letter or digit to match on",
        ),
        (
            {"parts": {**PARTS, "part_number": ["/", *PARTS["part_number"][1:]]}},
            ym.DataError,
            r"parts.part_number of part 'T1' is '/': no letter or digit to match on",
        ),
        (
            {"oe_numbers": {"part_id": ["T1"]}},
            ym.MissingColumnError,
            r"oe_numbers is missing required column\(s\) oe_number",
        ),
    ],
)
def test_bad_number_tables_raise_typed_errors(changes, error, message) -> None:
    tables = {"vehicles": NO_VEHICLES, "parts": PARTS, **changes}
    with pytest.raises(error, match=message):
        ym.Catalog.from_tables(**tables)


def test_numbers_survive_save_and_load(impl, tmp_path: Path) -> None:
    catalog = build(impl)
    loaded = ym.Catalog.load(catalog.save(tmp_path / "index"), kernels=impl)
    for query in ("90915-YZZB1", "W 68/3", "15400RTA003", "nope"):
        assert loaded.numbers.lookup(query).equals(catalog.numbers.lookup(query))
    assert loaded.numbers.interchange("H1").equals(catalog.numbers.interchange("H1"))
    assert loaded.stats == catalog.stats


@pytest.mark.parametrize(
    ("array", "position", "value", "message"),
    [
        ("number_part", 0, 99, r"number_part holds 99 at 0, outside \[0, 6\)"),
        ("latest", 1, -5, r"latest holds -5 at 1, outside"),
        ("part_group", 2, 1 << 20, r"part_group holds 1048576 at 2, outside"),
        ("number_indptr", 1, 1 << 40, r"number_indptr (must run from 0 to|is not non-decreasing)"),
        ("part_link", 0, 1 << 40, r"part_link points outside the links"),
        ("link_brand", 0, 7, r"link_brand names a brand that is not stored"),
    ],
)
def test_altered_number_arrays_are_caught_on_load(
    impl, tmp_path: Path, array, position, value, message
):
    index = build(impl).save(tmp_path / "index")
    path = index / f"{array}.bin"
    dtype = {"number_indptr": "<i8", "part_link": "<i8"}.get(array, "<i4")
    values = np.fromfile(path, dtype=dtype)
    values[position] = value
    values.tofile(path)
    with pytest.raises(ym.IndexFileError, match=message):
        ym.Catalog.load(index, verify_checksums=False, kernels=impl)
    with pytest.raises(ym.IndexFileError, match="CRC-32"):
        ym.Catalog.load(index, kernels=impl)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"max_edits": 5}, ym.DataError, r"max_edits must be between 0 and 4, got 5"),
        ({"max_edits": -1}, ym.DataError, r"max_edits must be between 0 and 4, got -1"),
        ({"max_edits": 1.5}, ym.ColumnTypeError, r"max_edits must be an integer, got float"),
        ({"limit": 0}, ym.DataError, r"limit must be at least 1, got 0"),
        ({"limit": "5"}, ym.ColumnTypeError, r"limit must be an integer or None, got str"),
    ],
)
def test_search_options_are_checked(numbers, options, error, message) -> None:
    with pytest.raises(error, match=message):
        numbers.search("W 68/3", **options)


def test_search_finds_typos_however_typed(numbers) -> None:
    for typed in ("W 68/8", "ｗ６８／３", "W683", "W 6 8 3"):
        hits = numbers.search(typed, max_edits=1, limit=1)
        assert hits.column("number").to_pylist() == ["W 68/3"]
    assert numbers.search("W 68/3", max_edits=0).column("distance").to_pylist() == [0]
    assert numbers.search("zzzzzzzz", max_edits=2).num_rows == 0


@pytest.mark.parametrize(
    "typed", ["", " ", "\x00\x01\t\n", "😀🚗", "刹车片", "x" * 10_000, "0" * 10_000, "\u3000"]
)
def test_odd_input_is_a_clean_no_match(numbers, typed: str) -> None:
    assert numbers.lookup(typed).num_rows == 0
    assert numbers.search(typed, max_edits=2).num_rows == 0
    assert numbers.lookup_many([typed, None]).num_rows == 0
    assert numbers.search_many([typed, None]).num_rows == 0


@pytest.mark.parametrize("method", ["lookup", "search", "latest"])
def test_non_string_numbers_raise_column_type_error(numbers, method: str) -> None:
    with pytest.raises(ym.ColumnTypeError, match="must be a string"):
        getattr(numbers, method)(None)
    with pytest.raises(ym.ColumnTypeError, match="must be a string"):
        getattr(numbers, method)(986452041)


def test_batch_of_non_strings_raises_column_type_error(numbers) -> None:
    with pytest.raises(ym.ColumnTypeError):
        numbers.lookup_many([1, 2, 3])
    with pytest.raises(ym.ColumnTypeError, match="single string"):
        numbers.lookup_many("W 68/3")


def test_long_numbers_are_searched_exactly_and_never_hang(impl) -> None:
    long_number = "A1" * 22  # 44 characters: beyond the deletion index, found through q-grams
    parts = {
        "part_id": ["L1", "L2", "S1"],
        "brand": ["X", "X", "Y"],
        "part_number": [long_number, "9" * 10_000, "W 68/3"],  # a 10 kB number in the data
        "category": ["c"] * 3,
    }
    numbers = ym.Catalog.from_tables(vehicles=NO_VEHICLES, parts=parts, kernels=impl).numbers
    typo = long_number[:-1] + "X"
    hits = numbers.search_many([typo, "W 68/8", "9" * 9_999], max_edits=2, limit=None)
    assert hits.column("number").to_pylist() == [long_number, "W 68/3", "9" * 10_000]
    assert hits.column("distance").to_pylist() == [1, 1, 1]


def _first_search_peak(
    part_numbers: list[str], queries: list[str]
) -> tuple[int, np.ndarray, list[pa.Table]]:
    """Peak bytes traced while the first searches build the index, its bucket offsets and
    the answers (up to two edits, then up to four)."""
    parts = {
        "part_id": [f"P{i}" for i in range(len(part_numbers))],
        "brand": ["X"] * len(part_numbers),
        "part_number": part_numbers,
        "category": ["c"] * len(part_numbers),
    }
    numbers = ym.Catalog.from_tables(vehicles=NO_VEHICLES, parts=parts).numbers
    tracemalloc.start()
    try:  # deletion variants, then q-grams
        answers = [numbers.search_many(queries, max_edits=edits) for edits in (2, 4)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, numbers._search._deletions[0], answers


def test_a_number_longer_than_any_real_one_costs_only_its_own_bytes() -> None:
    # Its ~length**2 / 2 deletion variants are never indexed; the index must not be sized for
    # them either (a 40,000-character number once made the first search allocate 4 GiB).
    length = 40_000
    short = [f"W {i:03d}/{i % 7}" for i in range(300)]
    long_number = "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[i * 7 % 36] for i in range(length))
    queries = ["W 012/6", long_number[:-1]]
    base_peak, base_buckets, _ = _first_search_peak(short, queries)
    peak, buckets, answers = _first_search_peak([*short, long_number], queries)
    assert len(buckets) == len(base_buckets)
    assert buckets[-1] == base_buckets[-1]  # the same variants, none of the long number's
    assert peak - base_peak < 64 * length
    for hits in answers:  # and it is still found, through the 4-grams
        found = hits.filter(pa.compute.equal(hits.column("request_index"), 1))
        assert found.column("number").to_pylist() == [long_number]
        assert found.column("distance").to_pylist() == [1]
