"""VIN -> candidate vehicles through vin_patterns: samples, a brute-force model, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import yunpei_match as ym


@pytest.fixture(scope="module")
def samples(samples_dir, impl) -> ym.Catalog:
    return ym.Catalog.from_parquet(samples_dir, kernels=impl)


def test_every_sample_vin_gets_its_expected_vehicles(samples, samples_dir) -> None:
    vins = pq.read_table(samples_dir / "vins.parquet").to_pylist()
    valid = [row for row in vins if row["expected_valid"]]
    assert len(valid) > 40
    found = samples.vins.vehicles_for_vins([row["vin"] for row in valid])
    for index, row in enumerate(valid):
        got = [r["vehicle_id"] for r in found.to_pylist() if r["request_index"] == index]
        assert got == sorted(row["expected_vehicle_ids"]), row["note"]


def test_invalid_vins_give_no_vehicles_in_batch_and_an_error_alone(samples, samples_dir) -> None:
    vins = pq.read_table(samples_dir / "vins.parquet").to_pylist()
    invalid = [row["vin"] for row in vins if not row["expected_valid"]]
    assert samples.vins.vehicles_for_vins(invalid).num_rows == 0
    message = (
        r"VIN 'LFV2A26F2KM333275' is invalid under the cn rules \(check_digit\): position 9 is 2, "
        r"not the check digit 1 of the other 16 characters$"
    )
    with pytest.raises(ym.DataError, match=message):
        samples.vins.vehicles_for_vin("LFV2A26F2KM333275")


def test_candidates_show_what_tells_them_apart(samples) -> None:
    found = samples.vins.vehicles_for_vin("LFV2A26F1KM333275")
    assert found.column_names[:4] == ["vehicle_id", "make", "model", "year"]
    assert found.column_names[-1] == "matched_positions"
    assert set(samples.vehicles.column_names) <= set(found.column_names)
    rows = found.to_pylist()
    assert [(r["transmission"], r["trim"]) for r in rows] == [
        ("5MT", "1.5L 手动时尚型"),
        ("6AT", "1.5L 自动精英型"),
    ]
    assert [r["matched_positions"] for r in rows] == [9, 9]
    batch = samples.vins.vehicles_for_vins(["LFV2A26F1KM333275"])
    assert batch.column_names == ["request_index", "vehicle_id", "matched_positions"]


def test_typed_forms_of_a_vin_find_the_same_vehicles(samples) -> None:
    for typed in (
        "LFV2A26F1KM333275",
        "lfv2a26f1km333275",
        "LFV 2A26F1-KM333275",
        "ＬＦＶ２Ａ２６Ｆ１ＫＭ３３３２７５",
    ):
        assert samples.vins.vehicles_for_vin(typed).column("vehicle_id").to_pylist() == [
            "V060007",
            "V060008",
        ]


def test_parts_for_vin_lists_each_candidate(samples) -> None:
    parts = samples.fitment.parts_for_vin("LFV2A26F1KM333275", category="oil filter")
    assert parts.column_names[0] == "vehicle_id"
    assert set(parts.column("vehicle_id").to_pylist()) == {"V060007", "V060008"}
    unmatched = samples.fitment.parts_for_vin("1M8GDM9AXKP042788", category="oil filter")
    assert unmatched.num_rows == 0 and unmatched.column_names == parts.column_names
    with pytest.raises(ym.UnknownIdError, match="category 'nope'"):
        samples.fitment.parts_for_vin("1M8GDM9AXKP042788", category="nope")


VEHICLES = {
    "vehicle_id": ["A", "B", "C"],
    "make": ["m"] * 3,
    "model": ["x"] * 3,
    "year": [2019, 2020, 2021],
}
NO_PARTS = {"part_id": [], "brand": [], "part_number": [], "category": []}
ALPHABET = "0123*"  # digits: positions 14-17 of a valid VIN are digits


@st.composite
def pattern_tables(draw):
    rows = draw(
        st.lists(
            st.tuples(st.text(alphabet=ALPHABET, min_size=4, max_size=4), st.sampled_from("ABC")),
            min_size=1,
            max_size=12,
        )
    )
    # 13 fixed characters + 4 drawn: patterns differ where the test VINs differ
    return {"pattern": ["LFV2A26F1KM33" + p for p, _ in rows], "vehicle_id": [v for _, v in rows]}


def _brute_force(vin: str, table: dict) -> list[str]:
    """Vehicles of the matching patterns with the fewest '*', by scanning every pattern."""
    matches = [
        (pattern.count("*"), vehicle)
        for pattern, vehicle in zip(table["pattern"], table["vehicle_id"], strict=True)
        if all(p in ("*", c) for p, c in zip(pattern, vin, strict=True))
    ]
    if not matches:
        return []
    fewest = min(stars for stars, _ in matches)
    return sorted({vehicle for stars, vehicle in matches if stars == fewest})


@settings(max_examples=60, deadline=None)
@given(pattern_tables(), st.lists(st.text(alphabet="0123", min_size=4, max_size=4), max_size=8))
def test_most_specific_patterns_win_as_in_a_brute_force_scan(impl, table, tails) -> None:
    vins = ["LFV2A26F1KM33" + tail for tail in tails]
    catalog = ym.Catalog.from_tables(
        vehicles=VEHICLES, parts=NO_PARTS, vin_patterns=table, kernels=impl
    )
    found = catalog.vins.vehicles_for_vins(vins, region="any").to_pylist()
    for index, vin in enumerate(vins):
        got = [r["vehicle_id"] for r in found if r["request_index"] == index]
        assert got == _brute_force(vin, table)


@pytest.mark.parametrize(
    ("patterns", "error", "message"),
    [
        (
            {"pattern": ["LFV2A26F*K*******", "LFV2A26"], "vehicle_id": ["A", "B"]},
            ym.DataError,
            r"vin_patterns.pattern must be 17 VIN characters or '\*', got 'LFV2A26' at row 1",
        ),
        (
            {"pattern": ["LFV2A26F*K******O"], "vehicle_id": ["A"]},
            ym.DataError,
            r"got 'LFV2A26F\*K\*\*\*\*\*\*O' at row 0",
        ),
        (
            {"pattern": ["LFV2A26F*K*******"], "vehicle_id": ["Z"]},
            ym.UnknownIdError,
            r"vin_patterns.vehicle_id 'Z' at row 0 is not in vehicles",
        ),
        (
            {"pattern": ["LFV2A26F*K*******"]},
            ym.MissingColumnError,
            r"vin_patterns is missing required column\(s\) vehicle_id",
        ),
    ],
)
def test_bad_patterns_raise_typed_errors(patterns, error, message) -> None:
    with pytest.raises(error, match=message):
        ym.Catalog.from_tables(vehicles=VEHICLES, parts=NO_PARTS, vin_patterns=patterns)


def test_lower_case_patterns_are_accepted(impl) -> None:
    catalog = ym.Catalog.from_tables(
        vehicles=VEHICLES,
        parts=NO_PARTS,
        vin_patterns={"pattern": ["lfv2a26f*k*******"], "vehicle_id": ["B"]},
        kernels=impl,
    )
    assert catalog.vins.vehicles_for_vin("LFV2A26F1KM333275").column("vehicle_id").to_pylist() == [
        "B"
    ]


def test_vin_patterns_survive_save_and_load(samples, impl, tmp_path: Path) -> None:
    loaded = ym.Catalog.load(samples.save(tmp_path / "index"), kernels=impl)
    vins = ["LFV2A26F1KM333275", "LHGGK5H51H8412114", "1M8GDM9AXKP042788"]
    assert loaded.vins.vehicles_for_vins(vins).equals(samples.vins.vehicles_for_vins(vins))


def test_altered_vin_patterns_are_caught_on_load(samples, tmp_path: Path) -> None:
    index = samples.save(tmp_path / "index")
    table = pa.ipc.open_file(pa.memory_map(str(index / "vin_patterns.arrow"))).read_all()
    broken = table.set_column(1, "vehicle", pa.array(np.full(table.num_rows, 10_000, np.int32)))
    with (
        pa.OSFile(str(index / "vin_patterns.arrow"), "wb") as sink,
        pa.ipc.new_file(sink, broken.schema) as writer,
    ):
        writer.write_table(broken)
    with pytest.raises(ym.IndexFileError):
        ym.Catalog.load(index, verify_checksums=False, kernels=samples.kernels)


def test_a_pattern_of_wildcards_only_matches_every_valid_vin(impl) -> None:
    catalog = ym.Catalog.from_tables(
        vehicles=VEHICLES,
        parts=NO_PARTS,
        vin_patterns={"pattern": ["*" * 17], "vehicle_id": ["B"]},
        kernels=impl,
    )
    found = catalog.vins.vehicles_for_vins(["LFV2A26F1KM333275", "LHGGK5H51H8412114"])
    assert found.column("vehicle_id").to_pylist() == ["B", "B"]
    assert found.column("matched_positions").to_pylist() == [0, 0]
