"""Saving and loading a catalogue: round trips, atomic replacement, and corrupted directories.

Every corruption must raise ``IndexFileError`` (a ``ValueError``) and never crash. Cases that
alter a file also rewrite its size and CRC-32 in the manifest where the point is that only the
structural checks (``_links.check_links``, the table checks) can catch them.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import yunpei_match as ym
from yunpei_match.catalog.storage import FORMAT, FORMAT_VERSION
from yunpei_match.errors import IndexFileError, YunpeiMatchError

VEHICLES = {
    "vehicle_id": ["V1", "V2", "V3", "V4"],
    "make": ["Toyota", "Toyota", "Toyota", "Honda"],
    "model": ["Camry", "Camry", "Camry", "Civic"],
    "year": [2018, 2019, 2020, 2019],
    "engine": ["2.0", "2.5", "2.0", "1.5"],
}
PARTS = {
    "part_id": ["P1", "P2", "P3", "U1"],
    "brand": ["Toyota", "Bosch", "Brembo", "3M"],
    "part_number": ["04152-YZZA1", "0 986 494 123", "P 83 124", "WB-24"],
    "category": ["oil filter", "brake pads", "brake pads", "wiper"],
    "universal": [False, False, False, True],
}
FITMENTS = {
    # P2 fits V2 at two positions (a detail set), P3 by range with an engine qualifier
    "part_id": ["P1", "P1", "P2", "P2", "P2", "P3", "U1"],
    "vehicle_id": ["V1", "V4", "V2", "V2", "V3", None, "V1"],
    "make": [None, None, None, None, None, "Toyota", None],
    "model": [None, None, None, None, None, "Camry", None],
    "year_from": [None, None, None, None, None, 2018, None],
    "year_to": [None, None, None, None, None, 2020, None],
    "engine": [None, None, None, None, None, "2.0", None],
    "position": [None, None, "front", "rear", "front", "rear", None],
    "qty": [1, 1, 2, 2, 2, None, None],
    "note": [None, "5W-30", None, None, None, None, None],
}


def build(kernels: str | None = None, **changes: dict[str, list[Any]]) -> ym.Catalog:
    tables = {"vehicles": VEHICLES, "parts": PARTS, "fitments": FITMENTS, **changes}
    options = {} if kernels is None else {"kernels": kernels}
    return ym.Catalog.from_tables(**tables, **options)


def answers(catalog: ym.Catalog) -> dict[str, Any]:
    """Every query's answer over every id and code, as plain Python values."""
    fitment = catalog.fitment
    vehicle_ids = catalog.vehicle_ids.ids.to_pylist()
    part_ids = catalog.part_ids.ids.to_pylist()
    categories = catalog.category_ids.ids.to_pylist()
    result: dict[str, Any] = {
        "stats": {k: v for k, v in catalog.stats.as_dict().items() if k != "build_seconds"},
        "vehicle_ids": vehicle_ids,
        "part_ids": part_ids,
        "categories": categories,
        "parts_for_vehicles": fitment.parts_for_vehicles(vehicle_ids).to_pylist(),
        "parts_for_vehicles_by_category": fitment.parts_for_vehicles(
            vehicle_ids * len(categories),
            categories=[c for c in categories for _ in vehicle_ids],
        ).to_pylist(),
        "vehicles_for_parts": fitment.vehicles_for_parts(part_ids).to_pylist(),
    }
    positions = set(catalog.details.column("position").to_pylist())  # others are errors
    for vehicle in vehicle_ids:
        result[f"parts_for_vehicle {vehicle}"] = fitment.parts_for_vehicle(vehicle).to_pylist()
        if "front" in positions:
            result[f"front parts of {vehicle}"] = fitment.parts_for_vehicle(
                vehicle, position="front"
            ).to_pylist()
        for category in categories:
            result[f"parts_for_vehicle {vehicle} {category}"] = fitment.parts_for_vehicle(
                vehicle, category=category
            ).to_pylist()
    for part in part_ids:
        result[f"vehicles_for_part {part}"] = fitment.vehicles_for_part(part).to_pylist()
        result[f"fits {part}"] = [fitment.fits(part, vehicle) for vehicle in vehicle_ids]
    for code in range(len(vehicle_ids)):
        result[f"part_codes {code}"] = fitment.part_codes(code).tolist()
        for category in range(len(categories)):
            result[f"part_codes {code} {category}"] = fitment.part_codes(code, category).tolist()
    return result


@pytest.fixture(scope="module")
def catalog() -> ym.Catalog:
    return build()


@pytest.fixture
def index(catalog: ym.Catalog, tmp_path: Path) -> Path:
    return catalog.save(tmp_path / "idx")


# -- round trips ----------------------------------------------------------------------------------


def test_fixture_catalogue_exercises_details_sets_ranges_and_universal_parts(
    catalog: ym.Catalog,
) -> None:
    stats = catalog.stats
    assert stats.universal_parts == 1
    assert stats.universal_rows == 1
    assert stats.links == 6
    assert len(catalog._links.set_detail) > 0  # P2 on V2 at front and rear
    assert len(catalog._links.exception_link) == 2  # P2 on V3 at front only, P1 on V4 noted
    assert catalog.fitment.vehicles_for_part("P3").column("vehicle_id").to_pylist() == [
        "V1",
        "V3",
    ]


@pytest.mark.parametrize("verify_checksums", [True, False], ids=["crc", "no-crc"])
def test_load_answers_every_query_like_the_saved_catalogue(
    impl: str, tmp_path: Path, verify_checksums: bool
) -> None:
    original = build(kernels=impl)
    path = original.save(tmp_path / "idx")
    loaded = ym.Catalog.load(path, verify_checksums=verify_checksums, kernels=impl)
    assert answers(loaded) == answers(original)
    assert loaded.stats == original.stats
    assert repr(loaded) == repr(original)


@pytest.mark.parametrize("verify_checksums", [True, False], ids=["crc", "no-crc"])
def test_extra_columns_of_other_arrow_types_pass_the_load_checks(
    tmp_path: Path, verify_checksums: bool
) -> None:
    # What polars and parquet hand over: large strings, categoricals, lists, structs, binary.
    extra = {
        "trim": pa.array(["GL", "GLX", "精英版", ""], pa.large_string()),
        "body": pa.array(["sedan", None, "sedan", "hatch"]).cast(
            pa.dictionary(pa.uint32(), pa.large_string())
        ),
        "tags": pa.array([["a"], [], None, ["b", "中"]], pa.large_list(pa.large_string())),
        "size": pa.array([{"doors": 4, "seats": 5}] * 4),
        "code": pa.array([b"\x00\xff", b"", None, b"x"], pa.binary()),
    }
    original = build(vehicles={**VEHICLES, **extra})
    loaded = ym.Catalog.load(original.save(tmp_path / "idx"), verify_checksums=verify_checksums)
    assert loaded.vehicles.equals(original.vehicles)
    assert loaded.vehicles.to_pylist() == original.vehicles.to_pylist()


def test_save_accepts_a_string_path_and_returns_the_absolute_directory(
    catalog: ym.Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = catalog.save("relative-idx")
    assert path == tmp_path / "relative-idx"
    assert path.is_absolute()
    assert answers(ym.Catalog.load(str(path))) == answers(catalog)


def test_save_creates_missing_parent_directories(catalog: ym.Catalog, tmp_path: Path) -> None:
    path = catalog.save(tmp_path / "a" / "b" / "idx")
    assert answers(ym.Catalog.load(path)) == answers(catalog)


def test_round_trip_of_catalogue_without_fitments(tmp_path: Path) -> None:
    empty = ym.Catalog.from_tables(vehicles=VEHICLES, parts=PARTS)
    loaded = ym.Catalog.load(empty.save(tmp_path / "idx"))
    assert answers(loaded) == answers(empty)
    assert loaded.stats.links == 0


def test_round_trip_of_catalogue_without_vehicles(tmp_path: Path) -> None:
    none = ym.Catalog.from_tables(vehicles={k: v[:0] for k, v in VEHICLES.items()}, parts=PARTS)
    loaded = ym.Catalog.load(none.save(tmp_path / "idx"))
    assert loaded.stats.vehicles == 0
    assert loaded.fitment.vehicles_for_part("U1").num_rows == 0


def test_saving_over_an_existing_index_replaces_it(catalog: ym.Catalog, tmp_path: Path) -> None:
    path = catalog.save(tmp_path / "idx")
    smaller = build(fitments={"part_id": ["P1"], "vehicle_id": ["V2"]})
    assert smaller.save(path) == path
    loaded = ym.Catalog.load(path)
    assert answers(loaded) == answers(smaller)
    assert answers(loaded) != answers(catalog)
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]


def test_a_loaded_catalogue_can_be_saved_over_its_own_directory(
    catalog: ym.Catalog, index: Path
) -> None:
    loaded = ym.Catalog.load(index)
    loaded.save(index)
    assert answers(ym.Catalog.load(index)) == answers(catalog)
    assert answers(loaded) == answers(catalog)  # its memory maps outlive the replaced files


def test_saving_into_an_empty_directory_works(catalog: ym.Catalog, tmp_path: Path) -> None:
    (tmp_path / "idx").mkdir()
    path = catalog.save(tmp_path / "idx")
    assert answers(ym.Catalog.load(path)) == answers(catalog)


def test_saving_into_a_directory_that_is_not_an_index_raises_and_leaves_it_alone(
    catalog: ym.Catalog, tmp_path: Path
) -> None:
    target = tmp_path / "documents"
    (target / "sub").mkdir(parents=True)
    (target / "notes.txt").write_text("keep me", "utf-8")
    (target / "sub" / "data.csv").write_text("a,b\n1,2\n", "utf-8")
    before = sorted(p.relative_to(target) for p in target.rglob("*"))
    with pytest.raises(IndexFileError, match=r"exists and is not a saved index; not overwriting"):
        catalog.save(target)
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before
    assert (target / "notes.txt").read_text("utf-8") == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["documents"]  # no staging left behind


def test_saving_onto_a_regular_file_raises_index_file_error(
    catalog: ym.Catalog, tmp_path: Path
) -> None:
    target = tmp_path / "idx"
    target.write_text("not a directory", "utf-8")
    with pytest.raises(IndexFileError, match=r"idx"):
        catalog.save(target)
    assert target.read_text("utf-8") == "not a directory"
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]


def test_save_leaves_no_staging_or_retired_directories(catalog: ym.Catalog, tmp_path: Path) -> None:
    catalog.save(tmp_path / "idx")
    catalog.save(tmp_path / "idx")
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]


def test_saved_directory_holds_no_pickle(index: Path) -> None:
    for path in index.iterdir():
        assert path.is_file()
        assert path.suffix in {".json", ".arrow", ".bin"}
        assert path.read_bytes()[:1] != b"\x80", f"{path.name} looks like a pickle"


def test_manifest_is_json_describing_every_file(index: Path) -> None:
    manifest = json.loads((index / "manifest.json").read_text("utf-8"))
    assert manifest["format"] == FORMAT == "yunpei_match.catalog"
    assert manifest["format_version"] == FORMAT_VERSION == 1
    files = manifest["files"]
    on_disk = {p.name for p in index.iterdir()} - {"manifest.json"}
    assert set(files) == on_disk
    for name, facts in files.items():
        data = (index / name).read_bytes()
        assert facts["bytes"] == len(data)
        assert facts["crc32"] == zlib.crc32(data)
        assert facts["kind"] == ("table" if name.endswith(".arrow") else "array")


# -- corruption -----------------------------------------------------------------------------------


def read_manifest(index: Path) -> dict[str, Any]:
    return json.loads((index / "manifest.json").read_text("utf-8"))


def write_manifest(index: Path, manifest: Any) -> None:
    (index / "manifest.json").write_text(json.dumps(manifest), "utf-8")


def edit_manifest(index: Path, change: Callable[[dict[str, Any]], None]) -> None:
    manifest = read_manifest(index)
    change(manifest)
    write_manifest(index, manifest)


def replace_file(index: Path, name: str, data: bytes, *, patch: bool, **facts: Any) -> None:
    """Write ``data`` as ``name``; with ``patch``, make the manifest's size and CRC agree."""
    (index / name).write_bytes(data)
    if patch:
        manifest = read_manifest(index)
        manifest["files"][name].update(bytes=len(data), crc32=zlib.crc32(data), **facts)
        write_manifest(index, manifest)


def alter_array(index: Path, name: str, change: Callable[[np.ndarray], np.ndarray]) -> None:
    """Rewrite ``<name>.bin`` through ``change`` and patch the manifest to match."""
    facts = read_manifest(index)["files"][f"{name}.bin"]
    values = np.fromfile(index / f"{name}.bin", dtype=np.dtype(facts["dtype"]))
    altered = np.ascontiguousarray(change(values.copy()), dtype=values.dtype)
    replace_file(index, f"{name}.bin", altered.tobytes(), patch=True, length=len(altered))


def read_arrow(index: Path, name: str) -> pa.Table:
    with pa.memory_map(str(index / f"{name}.arrow")) as source:
        return pa.ipc.open_file(source).read_all()


def write_arrow(index: Path, name: str, table: pa.Table) -> None:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    replace_file(
        index, f"{name}.arrow", sink.getvalue().to_pybytes(), patch=True, rows=table.num_rows
    )


def truncate(index: Path, name: str, *, patch: bool) -> None:
    data = (index / name).read_bytes()
    replace_file(index, name, data[: len(data) // 2], patch=patch)


def flip_byte(index: Path, name: str) -> None:
    data = bytearray((index / name).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (index / name).write_bytes(bytes(data))


def set_at(position: int, value: int) -> Callable[[np.ndarray], np.ndarray]:
    def change(values: np.ndarray) -> np.ndarray:
        values[position] = value
        return values

    return change


def set_column(index: Path, name: str, column: str, values: pa.Array) -> None:
    """Replace one column of ``<name>.arrow`` (or add it) and patch the manifest to match."""
    table = read_arrow(index, name)
    if column in table.column_names:
        table = table.drop_columns([column])
    write_arrow(index, name, table.append_column(column, values))


def bad_dictionary(position: int) -> pa.DictionaryArray:
    """The engine column of the fixture's vehicles as a dictionary with one index out of range."""
    indices = np.array([0, 1, 0, 2], np.int32)
    indices[position] = 1_000_000
    return pa.DictionaryArray.from_arrays(
        pa.array(indices), pa.array(["2.0", "2.5", "1.5"]), safe=False
    )


def lying_nulls(values: pa.Array, null_count: int) -> pa.Array:
    """``values`` with a recorded null count that is not what its validity bitmap holds."""
    return pa.Array.from_buffers(values.type, len(values), values.buffers(), null_count=null_count)


def alter_bytes(index: Path, name: str, old: bytes, new: bytes) -> None:
    """Overwrite the one occurrence of ``old`` in a file (same size) and patch its CRC."""
    data = (index / name).read_bytes()
    assert data.count(old) == 1 and len(old) == len(new)
    replace_file(index, name, data.replace(old, new), patch=True)


def set_stat(name: str, value: Any) -> Corruption:
    return lambda i: edit_manifest(i, lambda m: m["stats"].update({name: value}))


def set_fact(name: str, fact: str, value: Any) -> Corruption:
    return lambda i: edit_manifest(i, lambda m: m["files"][name].update({fact: value}))


Corruption = Callable[[Path], None]

CORRUPTIONS: list[Any] = [
    # the manifest
    pytest.param(
        lambda i: (i / "manifest.json").unlink(),
        r"is not a saved index: manifest\.json is missing",
        id="manifest-missing",
    ),
    pytest.param(
        lambda i: (i / "manifest.json").write_text("{not json", "utf-8"),
        r"manifest\.json is not valid JSON",
        id="manifest-not-json",
    ),
    pytest.param(
        lambda i: (i / "manifest.json").write_bytes(b"\xff\xfe\x80garbage"),
        r"manifest\.json is not valid JSON",
        id="manifest-not-utf8",
    ),
    pytest.param(
        lambda i: write_manifest(i, [1, 2, 3]),
        r"manifest\.json does not describe a yunpei_match\.catalog index",
        id="manifest-a-list",
    ),
    pytest.param(
        lambda i: edit_manifest(i, lambda m: m.update(format="parquet.dataset")),
        r"manifest\.json does not describe a yunpei_match\.catalog index",
        id="manifest-wrong-format-name",
    ),
    pytest.param(
        lambda i: edit_manifest(i, lambda m: m.update(format_version=2)),
        r"has format version 2; this library reads version 1: rebuild the index",
        id="manifest-format-version-2",
    ),
    pytest.param(
        lambda i: edit_manifest(i, lambda m: m.pop("format_version")),
        r"has format version None; this library reads version 1: rebuild",
        id="manifest-format-version-missing",
    ),
    pytest.param(
        lambda i: edit_manifest(i, lambda m: m.update(byte_order="big")),
        r"only little-endian indexes",
        id="manifest-big-endian",
    ),
    pytest.param(
        lambda i: edit_manifest(i, lambda m: m.pop("files")),
        r"manifest\.json lacks its file list or stats",
        id="manifest-without-files",
    ),
    pytest.param(
        lambda i: edit_manifest(i, lambda m: m["stats"].pop("links")),
        r"manifest\.json: the build stats must have exactly the fields",
        id="manifest-stats-missing-a-field",
    ),
    pytest.param(
        lambda i: edit_manifest(i, lambda m: m["files"].pop("run_bounds.bin")),
        r"run_bounds\.bin is not listed in the manifest",
        id="manifest-without-an-array",
    ),
    pytest.param(
        lambda i: edit_manifest(i, lambda m: m["files"].pop("parts.arrow")),
        r"parts\.arrow is not listed in the manifest",
        id="manifest-without-a-table",
    ),
    pytest.param(
        lambda i: edit_manifest(i, lambda m: m["files"]["link_part.bin"].pop("dtype")),
        r"link_part\.bin: dtype None in the manifest, expected int32",
        id="manifest-array-without-dtype",
    ),
    pytest.param(
        lambda i: edit_manifest(i, lambda m: m["files"]["link_part.bin"].update(length=999)),
        r"link_part\.bin: length and size in the manifest disagree",
        id="manifest-array-length-wrong",
    ),
    pytest.param(
        lambda i: edit_manifest(i, lambda m: m["files"]["link_part.bin"].update(dtype="float32")),
        r"link_part",
        id="manifest-array-dtype-changed",
    ),
    pytest.param(
        lambda i: edit_manifest(i, lambda m: m["files"].update({"vehicles.arrow": 5})),
        r"vehicles\.arrow",
        id="manifest-file-facts-not-an-object",
    ),
    # missing and truncated files
    pytest.param(
        lambda i: (i / "link_part.bin").unlink(),
        r"link_part\.bin is missing from the saved index",
        id="bin-missing",
    ),
    pytest.param(
        lambda i: (i / "parts.arrow").unlink(),
        r"parts\.arrow is missing from the saved index",
        id="arrow-missing",
    ),
    pytest.param(
        lambda i: truncate(i, "run_bounds.bin", patch=False),
        r"run_bounds\.bin has 52 bytes, the manifest says 104: truncated or altered",
        id="bin-truncated",
    ),
    pytest.param(
        lambda i: truncate(i, "run_bounds.bin", patch=True),
        r"run_bounds\.bin: length and size in the manifest disagree",
        id="bin-truncated-manifest-size-patched",
    ),
    pytest.param(
        lambda i: alter_array(i, "run_bounds", lambda v: v[:-1]),
        r"run_bounds has 12 entries, expected 13; the index is corrupt",
        id="bin-truncated-manifest-fully-patched",
    ),
    pytest.param(
        lambda i: truncate(i, "vehicles.arrow", patch=False),
        r"vehicles\.arrow has [\d,]+ bytes, the manifest says \d+: truncated or altered",
        id="arrow-truncated",
    ),
    pytest.param(
        lambda i: truncate(i, "vehicles.arrow", patch=True),
        r"vehicles\.arrow is not a readable Arrow file",
        id="arrow-truncated-manifest-patched",
    ),
    pytest.param(
        lambda i: replace_file(i, "details.arrow", b"ARROW1" + bytes(200), patch=True),
        r"details\.arrow is not a readable Arrow file",
        id="arrow-garbage-manifest-patched",
    ),
    # altered offsets and codes that only the structural checks can see
    pytest.param(
        lambda i: alter_array(i, "run_bounds", set_at(5, 2**40)),
        r"run_bounds is not non-decreasing; the index is corrupt, rebuild or re-save it",
        id="run-bounds-huge-offset",
    ),
    pytest.param(
        lambda i: alter_array(i, "run_bounds", set_at(-1, 2**40)),
        r"run_bounds must run from 0 to 6",
        id="run-bounds-huge-end",
    ),
    pytest.param(
        lambda i: alter_array(i, "run_bounds", set_at(0, -1)),
        r"run_bounds must run from 0 to 6",
        id="run-bounds-negative-start",
    ),
    pytest.param(
        lambda i: alter_array(i, "part_indptr", set_at(2, 2**40)),
        r"part_indptr is not non-decreasing",
        id="part-indptr-huge-offset",
    ),
    pytest.param(
        lambda i: alter_array(i, "category_start", set_at(1, 99)),
        r"category_start is not non-decreasing",
        id="category-start-huge-offset",
    ),
    pytest.param(
        lambda i: alter_array(i, "set_indptr", set_at(-1, 99)),
        r"set_indptr must run from 0 to 2",
        id="set-indptr-wrong-end",
    ),
    pytest.param(
        lambda i: alter_array(i, "universal_bounds", set_at(1, 2**40)),
        r"universal_bounds is not non-decreasing",
        id="universal-bounds-huge-offset",
    ),
    pytest.param(
        lambda i: alter_array(i, "link_part", set_at(0, 2**31 - 1)),
        r"link_part holds 2147483647 at 0, outside \[0, 4\)",
        id="link-part-huge-code",
    ),
    pytest.param(
        lambda i: alter_array(i, "link_part", set_at(3, -7)),
        r"link_part holds -7 at 3, outside \[0, 4\)",
        id="link-part-negative-code",
    ),
    pytest.param(
        lambda i: alter_array(i, "part_vehicle", set_at(1, 4)),
        r"part_vehicle holds 4 at 1, outside \[0, 4\)",
        id="part-vehicle-code-past-end",
    ),
    pytest.param(
        lambda i: alter_array(i, "set_detail", set_at(0, 50)),
        r"set_detail holds 50 at 0, outside",
        id="set-detail-huge-code",
    ),
    pytest.param(
        lambda i: alter_array(i, "universal", set_at(0, 9)),
        r"universal holds 9 at 0, outside \[0, 4\)",
        id="universal-code-past-end",
    ),
    pytest.param(
        lambda i: alter_array(i, "part_detail", set_at(0, 255)),
        r"part_detail holds 255 at 0, outside \[0, ",
        id="part-detail-huge-code",
    ),
    pytest.param(
        lambda i: alter_array(i, "exception_link", set_at(0, 2**40)),
        r"exception_link must be strictly increasing within \[0, 6\)",
        id="exception-link-past-end",
    ),
    pytest.param(
        lambda i: alter_array(i, "exception_detail", set_at(0, 2**30)),
        r"exception_detail holds 1073741824 at 0, outside \[0, ",
        id="exception-detail-huge-code",
    ),
    pytest.param(
        lambda i: alter_array(i, "part_detail", set_at(1, -3)),
        r"part_detail holds -3 at 1, outside \[0, ",
        id="part-detail-negative-code",
    ),
    # altered tables
    pytest.param(
        lambda i: write_arrow(i, "vehicles", read_arrow(i, "vehicles").drop_columns(["make"])),
        r"vehicles\.arrow lacks column make",
        id="arrow-column-removed",
    ),
    pytest.param(
        lambda i: write_arrow(i, "parts", read_arrow(i, "parts").drop_columns(["universal"])),
        r"parts\.arrow lacks column universal",
        id="arrow-universal-column-removed",
    ),
    pytest.param(
        lambda i: replace_file(i, "vehicles.arrow", (i / "parts.arrow").read_bytes(), patch=True),
        r"vehicles\.arrow lacks column vehicle_id",
        id="arrow-swapped-for-another-table",
    ),
    pytest.param(
        lambda i: write_arrow(i, "vehicles", read_arrow(i, "vehicles").slice(0, 3)),
        r"run_bounds has 13 entries, expected 10; the index is corrupt",
        id="arrow-row-removed",
    ),
    pytest.param(
        lambda i: write_arrow(
            i, "categories", pa.table({"category": ["brake pads", "oil filter", "wiper", "zzz"]})
        ),
        r"categor",
        id="arrow-categories-extra-row",
    ),
    pytest.param(
        lambda i: write_arrow(
            i,
            "vehicles",
            read_arrow(i, "vehicles").set_column(0, "vehicle_id", pa.array([1, 2, 3, 4])),
        ),
        r"vehicle_id",
        id="arrow-vehicle-id-wrong-type",
    ),
    # what the values of a column hold: dictionary indices, UTF-8 (CRCs rewritten)
    pytest.param(
        lambda i: set_column(i, "vehicles", "engine", bad_dictionary(1)),
        r"vehicles\.arrow column engine: .*out of bounds: 1000000 .*the index is corrupt",
        id="arrow-dictionary-index-out-of-range",
    ),
    pytest.param(
        lambda i: alter_bytes(
            i, "vehicles.arrow", b"ToyotaToyotaToyotaHonda", b"\xffoyotaToyotaToyotaHonda"
        ),
        r"vehicles\.arrow column make: row 0 is not valid UTF-8; the index is corrupt",
        id="arrow-string-not-utf8",
    ),
    pytest.param(
        lambda i: alter_bytes(i, "parts.arrow", b"3M", b"\xe4\xb8"),
        r"parts\.arrow column brand: row \d is not valid UTF-8",
        id="arrow-string-cut-character",
    ),
    pytest.param(
        lambda i: set_column(
            i, "vehicles", "engine", lying_nulls(pa.array(["2.0", None, "2.5", "1.5"]), 3)
        ),
        r"vehicles\.arrow column engine: 3 nulls recorded, 1 in its validity bitmap",
        id="arrow-string-null-count-wrong",
    ),
    pytest.param(
        lambda i: set_column(
            i,
            "vehicles",
            "engine",
            pa.DictionaryArray.from_arrays(
                lying_nulls(pa.array([0, None, 1, 0], pa.int32()), 2), pa.array(["2.0", "2.5"])
            ),
        ),
        r"vehicles\.arrow column engine: .*null_count value \(2\) doesn't match",
        id="arrow-dictionary-null-count-wrong",
    ),
    pytest.param(
        lambda i: set_column(i, "numbers", "key", pa.array([None, "P83124", "04152YZZA1", "WB24"])),
        r"numbers\.arrow: column key is null at row 0; the index is corrupt",
        id="arrow-number-key-null",
    ),
    pytest.param(
        lambda i: set_column(i, "vehicles", "year", pa.array([2018, None, 2020, 2019], pa.int16())),
        r"vehicles\.arrow: column year is null at row 1",
        id="arrow-vehicle-year-null",
    ),
    # the manifest's build stats and file facts
    pytest.param(
        set_stat("vehicles", 1_000_000_000),
        r"stats\.vehicles is 1,000,000,000 but the index holds 4: the manifest was altered",
        id="manifest-stats-vehicles-too-many",
    ),
    pytest.param(
        set_stat("links", -5),
        r"stats\.links is -5, expected a number >= 0",
        id="manifest-stats-links-negative",
    ),
    pytest.param(
        set_stat("parts", "4"),
        r"stats\.parts is '4', expected a number >= 0",
        id="manifest-stats-parts-a-string",
    ),
    pytest.param(
        set_stat("fitment_rows", True),
        r"stats\.fitment_rows is True, expected a number >= 0",
        id="manifest-stats-a-boolean",
    ),
    pytest.param(
        set_stat("duplicate_rows", 2.5),
        r"stats\.duplicate_rows is 2\.5, expected a number >= 0",
        id="manifest-stats-a-fraction",
    ),
    pytest.param(
        set_stat("build_seconds", float("nan")),
        r"stats\.build_seconds is nan, expected a number >= 0",
        id="manifest-stats-seconds-nan",
    ),
    pytest.param(
        set_stat("index_bytes", 12),
        r"stats\.index_bytes is 12 but the index holds [\d,]+",
        id="manifest-stats-index-bytes-wrong",
    ),
    pytest.param(
        set_stat("oe_rows", {"a": [1]}),
        r"stats\.oe_rows is \{'a': \[1\]\}, expected a number >= 0",
        id="manifest-stats-an-object",
    ),
    pytest.param(
        set_fact("link_part.bin", "length", {}),
        r"file 'link_part\.bin': length is \{\}, expected an integer >= 0",
        id="manifest-array-length-an-object",
    ),
    pytest.param(
        set_fact("vehicles.arrow", "rows", [4]),
        r"file 'vehicles\.arrow': rows is \[4\], expected an integer >= 0",
        id="manifest-table-rows-a-list",
    ),
    pytest.param(
        set_fact("run_bounds.bin", "bytes", "104"),
        r"file 'run_bounds\.bin': bytes is '104', expected an integer >= 0",
        id="manifest-bytes-a-string",
    ),
    pytest.param(
        set_fact("parts.arrow", "kind", "parquet"),
        r"file 'parts\.arrow': kind 'parquet', expected 'table' or 'array'",
        id="manifest-unknown-kind",
    ),
    pytest.param(
        lambda i: (i / "manifest.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8"),
        r"manifest\.json is not valid JSON",
        id="manifest-deeply-nested",
    ),
    pytest.param(
        lambda i: (i / "manifest.json").write_text('{"format": 1' + "0" * 5000 + "}", "utf-8"),
        r"manifest\.json is not valid JSON",
        id="manifest-integer-of-5000-digits",
    ),
]


@pytest.mark.parametrize("verify_checksums", [True, False], ids=["crc", "no-crc"])
@pytest.mark.parametrize(("corrupt", "message"), CORRUPTIONS)
def test_corrupted_index_raises_index_file_error(
    index: Path, corrupt: Corruption, message: str, verify_checksums: bool
) -> None:
    corrupt(index)
    with pytest.raises(IndexFileError, match=message) as caught:
        ym.Catalog.load(index, verify_checksums=verify_checksums)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, YunpeiMatchError)


@pytest.mark.parametrize("name", ["link_part.bin", "run_bounds.bin", "details.arrow"])
def test_flipped_byte_fails_the_crc_check(index: Path, name: str) -> None:
    flip_byte(index, name)
    with pytest.raises(IndexFileError, match=rf"{name} fails its CRC-32 check"):
        ym.Catalog.load(index, verify_checksums=True)


def test_load_of_a_missing_directory_raises_index_file_error(tmp_path: Path) -> None:
    with pytest.raises(IndexFileError, match=r"is not a saved index: manifest\.json is missing"):
        ym.Catalog.load(tmp_path / "nowhere")


def test_load_of_a_parquet_directory_raises_index_file_error(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(pa.table(VEHICLES), tmp_path / "vehicles.parquet")
    with pytest.raises(IndexFileError, match=r"is not a saved index"):
        ym.Catalog.load(tmp_path)


# An altered string offset inside an Arrow file is invisible to the size check and, with
# checksums off (or a re-written CRC), reaches pyarrow unvalidated. Run it in a child process
# so that a segmentation fault fails this test instead of killing the test run.
CHILD = textwrap.dedent(
    """
    import sys
    import yunpei_match as ym
    try:
        catalog = ym.Catalog.load(sys.argv[1], verify_checksums=sys.argv[2] == "crc")
        for part in catalog.part_ids.ids.to_pylist():
            catalog.fitment.vehicles_for_part(part)
        for vehicle in catalog.vehicle_ids.ids.to_pylist():
            catalog.fitment.parts_for_vehicle(vehicle)
    except ym.YunpeiMatchError as exc:
        print(type(exc).__name__, exc)
    else:
        print("loaded and answered")
    """
)


@pytest.mark.parametrize("verify_checksums", [True, False], ids=["crc", "no-crc"])
def test_altered_string_offsets_in_an_arrow_file_raise_instead_of_crashing(
    index: Path, verify_checksums: bool
) -> None:
    data = bytearray((index / "vehicles.arrow").read_bytes())
    offsets = struct.pack("<5i", 0, 6, 12, 18, 23)  # the make column: Toyota x3, Honda
    assert data.count(offsets) == 1
    start = data.index(offsets)
    data[start : start + 4] = struct.pack("<i", 127)
    replace_file(index, "vehicles.arrow", bytes(data), patch=verify_checksums)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(index), "crc" if verify_checksums else "no-crc"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, f"the process died ({child.returncode}): {child.stderr[-800:]}"
    assert child.stdout.startswith("IndexFileError"), child.stdout + child.stderr[-800:]


def test_interchange_groups_that_disagree_with_part_group_raise_on_load(index: Path) -> None:
    # Group 0 loses its one part to group 1: every array is still in range and monotonic, but
    # interchange("P2") would read an empty group (a ValueError from numpy, not ours).
    alter_array(index, "group_indptr", set_at(1, 0))
    with pytest.raises(IndexFileError, match=r"group_indptr disagrees with part_group"):
        ym.Catalog.load(index, verify_checksums=False)


# -- the sparse run layout ------------------------------------------------------------------------


def test_sparse_layout_round_trips_with_the_same_answers(catalog: ym.Catalog, tmp_path: Path):
    sparse = ym.Catalog.from_tables(
        vehicles=VEHICLES, parts=PARTS, fitments=FITMENTS, layout="sparse"
    )
    assert sparse._links.sparse and not catalog._links.sparse
    loaded = ym.Catalog.load(sparse.save(tmp_path / "sparse"))
    assert loaded._links.sparse
    dense_answers = answers(catalog)
    for candidate in (sparse, loaded):
        got = answers(candidate)
        got["stats"]["index_bytes"] = dense_answers["stats"]["index_bytes"]
        assert got == dense_answers


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda i: alter_array(i, "vehicle_runs", set_at(1, 2**40)),
            r"vehicle_runs is not non-decreasing",
            id="vehicle-runs-huge-offset",
        ),
        pytest.param(
            lambda i: alter_array(i, "vehicle_runs", lambda a: a[:-1]),
            r"vehicle_runs has 4 entries, expected 5",
            id="vehicle-runs-truncated",
        ),
        pytest.param(
            lambda i: alter_array(i, "run_category", set_at(0, 7)),
            r"run_category holds 7 at 0, outside \[0, 3\)",
            id="run-category-past-end",
        ),
    ],
)
def test_corrupted_sparse_index_raises_index_file_error(tmp_path: Path, change, message) -> None:
    sparse = ym.Catalog.from_tables(
        vehicles=VEHICLES, parts=PARTS, fitments=FITMENTS, layout="sparse"
    )
    index = sparse.save(tmp_path / "sparse")
    change(index)
    with pytest.raises(ym.IndexFileError, match=message):
        ym.Catalog.load(index, verify_checksums=False)


def test_unknown_layout_is_refused() -> None:
    with pytest.raises(ym.DataError, match="layout must be 'auto', 'dense' or 'sparse'"):
        ym.Catalog.from_tables(vehicles=VEHICLES, parts=PARTS, fitments=FITMENTS, layout="csr")
