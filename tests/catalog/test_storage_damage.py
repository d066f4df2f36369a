"""No saved index, however damaged or crafted, crashes the process or fails with a foreign error.

Hundreds of damaged copies of one small index (every table and array kind present: a
dictionary column, non-ASCII strings, detail sets, OE numbers, a supersession, VIN patterns)
are loaded and queried by ``saved_index_trials.py``, one forked child per copy, with checksums
on and off. Each copy must either load and answer every query and conversion, or raise a
``YunpeiMatchError``: a signal, a hang or any other exception fails the test and names the
damage. Copies share the pristine files through hard links; only the damaged file is new.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

import yunpei_match as ym
from yunpei_match.fitment.links import Layout

TRIALS = Path(__file__).with_name("saved_index_trials.py")
FLIPS_PER_FILE = 4
SEED = 20261204
SPARSE_ARRAYS = ("run_bounds.bin", "vehicle_runs.bin", "run_category.bin")

VEHICLES = {
    "vehicle_id": ["V1", "V2", "V3", "V4"],
    "make": ["一汽-大众", "Toyota", "Toyota", "Honda"],
    "model": ["迈腾", "Camry", "Camry", "Civic"],
    "year": [2018, 2019, 2020, 2019],
    "engine": pa.array(["2.0", "2.5", "2.0", "1.5"]).dictionary_encode(),
}
PARTS = {
    "part_id": ["P1", "P2", "P3", "U1"],
    "brand": ["Toyota", "Bosch", "博世", "3M"],
    "part_number": ["04152-YZZA1", "0 986 494 123", "P 83 124", "WB-24"],
    "category": ["oil filter", "brake pads", "brake pads", "wiper"],
    "universal": [False, False, False, True],
    "name": pa.array(["机油滤清器", "pads", "pads", "wiper"]).dictionary_encode(),
}
FITMENTS = {
    "part_id": ["P1", "P1", "P2", "P2", "P2", "P3"],
    "vehicle_id": ["V1", "V4", "V1", "V1", "V3", "V2"],
    "position": [None, None, "front", "rear", "front", "前"],
    "qty": [1, 1, 2, 2, 2, None],
    "note": [None, "5W-30", None, None, None, None],
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The index in both run layouts: dense, and sparse (whose run arrays differ)."""
    root = tmp_path_factory.mktemp("pristine")
    return {layout: build(layout).save(root / layout) for layout in ("dense", "sparse")}


def build(layout: Layout) -> ym.Catalog:
    return ym.Catalog.from_tables(
        vehicles=pa.table(VEHICLES),
        parts=pa.table(PARTS),
        fitments=FITMENTS,
        oe_numbers={"part_id": ["P2", "P3"], "oe_number": ["04465-33450", "04465-33450"]},
        supersessions={"old_number": ["P 83 124"], "new_number": ["P 83 125"]},
        vin_patterns={"pattern": ["LFV2A21K*A*******"], "vehicle_id": ["V1"]},
        layout=layout,
    )


# -- damage ---------------------------------------------------------------------------------------

Damage = Callable[[Path], None]


def patch_manifest(index: Path, name: str, data: bytes) -> None:
    """Make the manifest's size and CRC of ``name`` agree with ``data``."""
    manifest = json.loads((index / "manifest.json").read_text("utf-8"))
    manifest["files"][name].update(bytes=len(data), crc32=zlib.crc32(data))
    write_new(index / "manifest.json", json.dumps(manifest).encode())


def write_new(path: Path, data: bytes) -> None:
    """Replace a hard link by a file of its own, leaving the pristine copy alone."""
    path.unlink()
    path.write_bytes(data)


def rewrite(name: str, change: Callable[[bytes], bytes], *, patch: bool) -> Damage:
    def damage(index: Path) -> None:
        data = change((index / name).read_bytes())
        write_new(index / name, data)
        if patch and name != "manifest.json":
            patch_manifest(index, name, data)

    return damage


def flip(position: int, mask: int) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        altered = bytearray(data)
        altered[position % len(altered)] ^= mask
        return bytes(altered)

    return change


def byte_flips(
    index: Path, rng: random.Random, names: tuple[str, ...] | None = None
) -> Iterator[tuple[str, Damage]]:
    """Seeded single-byte flips at many positions of every file (or of ``names``), CRC and
    size patched."""
    for path in sorted(index.iterdir()):
        if names is not None and path.name not in names:
            continue
        size = path.stat().st_size
        if size == 0:
            continue
        for _ in range(FLIPS_PER_FILE):
            position, mask = rng.randrange(size), rng.randrange(1, 256)
            yield (
                f"{path.name}: byte {position} ^ {mask:#04x}",
                rewrite(path.name, flip(position, mask), patch=True),
            )


def truncations(index: Path, rng: random.Random) -> Iterator[tuple[str, Damage]]:
    """Every file cut short (manifest left as it was, or patched to the new size and CRC)."""
    for path in sorted(index.iterdir()):
        size = path.stat().st_size
        for length in {size // 2, rng.randrange(size)} if size else ():
            for patch in (False, True):
                yield (
                    f"{path.name}: cut to {length} bytes{', manifest patched' * patch}",
                    rewrite(path.name, lambda data, n=length: data[:n], patch=patch),
                )


def arrow_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def with_column(name: str, column: str, values: Callable[[pa.Table], pa.Array]) -> Damage:
    """Rewrite ``<name>.arrow`` with one column replaced; the manifest patched to match."""

    def change(data: bytes) -> bytes:
        table = pa.ipc.open_file(pa.BufferReader(data)).read_all()
        at = table.schema.get_field_index(column)
        return arrow_bytes(table.set_column(at, column, values(table)))

    def damage(index: Path) -> None:
        rewrite(f"{name}.arrow", change, patch=True)(index)

    return damage


def bad_indices(indices: list[int], dictionary: list[str]) -> Callable[[pa.Table], pa.Array]:
    return lambda table: pa.DictionaryArray.from_arrays(
        pa.array(indices, pa.int32()), pa.array(dictionary), safe=False
    )


def raw_strings(offsets: list[int], data: bytes) -> Callable[[pa.Table], pa.Array]:
    """A string column from raw offsets and bytes, unchecked (as a crafted file holds it)."""
    buffers = [None, pa.py_buffer(np.array(offsets, np.int32).tobytes()), pa.py_buffer(data)]
    return lambda table: pa.Array.from_buffers(pa.string(), len(offsets) - 1, buffers)


def with_offsets(name: str, column: str, at: int, value: int) -> Damage:
    """Overwrite one string offset in the Arrow file's bytes (which Arrow would not write)."""

    def change(data: bytes) -> bytes:
        array = pa.ipc.open_file(pa.BufferReader(data)).read_all().column(column).chunk(0)
        offsets = np.frombuffer(array.buffers()[1], np.int32, count=len(array) + 1)
        assert data.count(offsets.tobytes()) == 1
        altered = offsets.copy()
        altered[at] = value
        return data.replace(offsets.tobytes(), altered.tobytes())

    return rewrite(f"{name}.arrow", change, patch=True)


def crafted() -> Iterator[tuple[str, Damage]]:
    """Files rebuilt to be wrong in one way each, CRCs recomputed: only the checks stand."""
    yield (
        "engine dictionary index 1,000,000",
        with_column("vehicles", "engine", bad_indices([0, 1_000_000, 0, 1], ["2.0", "2.5"])),
    )
    yield (
        "engine dictionary index -1",
        with_column("vehicles", "engine", bad_indices([0, 1, -1, 1], ["2.0", "2.5"])),
    )
    yield (
        "engine dictionary index past an empty dictionary",
        with_column("vehicles", "engine", bad_indices([0, 0, 0, 0], [])),
    )
    yield "make offset 1 far past the data", with_offsets("vehicles", "make", 1, 2**31 - 1)
    yield "make offset 2 going back", with_offsets("vehicles", "make", 2, 3)
    yield "make offset 4 past the data", with_offsets("vehicles", "make", 4, 4000)
    yield "make offset 0 negative", with_offsets("vehicles", "make", 0, -8)
    yield (
        "make not UTF-8",
        with_column(
            "vehicles", "make", raw_strings([0, 6, 12, 18, 23], b"Toyota\xffoyotaToyotaHonda")
        ),
    )
    yield (
        "make with a character cut in two",
        with_column("vehicles", "make", raw_strings([0, 1, 3, 3, 3], "中".encode())),
    )
    yield (
        "number keys not UTF-8",
        with_column("numbers", "key", lambda t: raw_strings(*_spoiled(t.column("key")))(t)),
    )
    yield (
        "VIN pattern's vehicle null",
        with_column("vin_patterns", "vehicle", lambda t: pa.array([None], pa.int32())),
    )
    yield (
        "number key null",
        with_column("numbers", "key", lambda t: pa.array([None] * t.num_rows, pa.string())),
    )
    yield (
        "part names a dictionary index out of range",
        with_column("parts", "name", bad_indices([0, 1, 1, 7], ["机油滤清器", "pads"])),
    )


def _spoiled(column: pa.ChunkedArray) -> tuple[list[int], bytes]:
    array = column.combine_chunks()
    offsets = np.frombuffer(array.buffers()[1], np.int32, count=len(array) + 1).tolist()
    data = bytearray(array.buffers()[2].to_pybytes())
    data[len(data) // 2] = 0xC3  # a two-byte lead where an ASCII byte was
    return offsets, bytes(data)


def set_value(row: int, value: Any) -> Callable[[pa.Table, str], pa.Array]:
    """One value of a column replaced (a dictionary column comes back decoded)."""

    def values(table: pa.Table, column: str) -> pa.Array:
        array = table.column(column).combine_chunks()
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        rows = array.to_pylist()
        rows[row] = value
        return pa.array(rows, array.type)

    return values


def odd_values() -> Iterator[tuple[str, Damage]]:
    """Well-formed tables holding what no build writes: each loads, or is refused."""
    for name, column, row, value in [
        ("vehicles", "vehicle_id", 1, "V1"),
        ("vehicles", "year", 0, -1),
        ("parts", "part_id", 0, ""),
        ("parts", "category", 3, "brake pads"),
        ("categories", "category", 0, "中文"),
        ("details", "qty", 0, -32768),
        ("numbers", "key", 0, "x" * 20_000),
        ("numbers", "key", 1, "ab-c d"),
        ("number_brands", "brand", 0, ""),
        ("vin_patterns", "pattern", 0, "*" * 17),
    ]:
        change = set_value(row, value)
        yield (
            f"{name}.{column}[{row}] = {value!r:.30}",
            with_column(name, column, lambda t, c=column, f=change: f(t, c)),
        )


def edited_manifests() -> Iterator[tuple[str, Damage]]:
    """Build stats and file facts edited, and manifests no parser should have to survive."""

    def edit(change: Callable[[dict[str, Any]], None]) -> Damage:
        def damage(index: Path) -> None:
            manifest = json.loads((index / "manifest.json").read_text("utf-8"))
            change(manifest)
            write_new(index / "manifest.json", json.dumps(manifest).encode())

        return damage

    for stat, value in [
        ("vehicles", 1_000_000_000),
        ("links", -5),
        ("parts", "many"),
        ("categories", None),
        ("numbers", [1, 2]),
        ("build_seconds", "1.5"),
        ("interchange_groups", 10**30),
        ("fitment_rows", True),
    ]:
        yield (
            f"stats.{stat} = {value!r}",
            edit(lambda m, s=stat, v=value: m["stats"].update({s: v})),
        )
    for name, fact, value in [
        ("link_part.bin", "length", {"n": 1}),
        ("link_part.bin", "dtype", ["int32"]),
        ("vehicles.arrow", "rows", "4"),
        ("parts.arrow", "bytes", -1),
        ("numbers.arrow", "crc32", None),
    ]:
        yield (
            f"{name} {fact} = {value!r}",
            edit(lambda m, n=name, f=fact, v=value: m["files"][n].update({f: v})),
        )
    yield "files a list", edit(lambda m: m.update(files=[1, 2]))
    yield "stats a string", edit(lambda m: m.update(stats="none"))
    deep = "[" * 200_000 + "]" * 200_000
    yield "JSON nested 200,000 deep", rewrite("manifest.json", lambda _: deep.encode(), patch=False)
    yield (
        "stats nested 200,000 deep",
        rewrite(
            "manifest.json",
            lambda data: data.replace(
                b'"stats": {', b'"stats": {"deep": ' + deep.encode() + b", ", 1
            ),
            patch=False,
        ),
    )
    yield (
        "an integer of 10,000 digits",
        rewrite(
            "manifest.json",
            lambda data: data.replace(b'"links": ', b'"links": ' + b"9" * 10_000, 1),
            patch=False,
        ),
    )


def copy_with(pristine: Path, target: Path, damage: Damage) -> Path:
    target.mkdir(parents=True)
    for path in pristine.iterdir():
        os.link(path, target / path.name)
    damage(target)
    return target


def run_trials(trials: list[tuple[str, Path]], verify_checksums: bool, tmp: Path) -> list[Any]:
    plan = tmp / f"plan-{verify_checksums}.json"
    plan.write_text(
        json.dumps(
            {"verify_checksums": verify_checksums, "trials": [[str(d), w] for w, d in trials]}
        ),
        "utf-8",
    )
    child = subprocess.run(
        [sys.executable, str(TRIALS), str(plan)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert child.returncode == 0, child.stderr[-2000:]
    return [json.loads(line) for line in child.stdout.splitlines()]


def damaged_copies(pristine: dict[str, Path], tmp: Path) -> dict[str, list[tuple[str, Path]]]:
    rng = random.Random(SEED)
    dense, sparse = pristine["dense"], pristine["sparse"]
    groups = {
        "flip": (dense, byte_flips(dense, rng)),
        "sparse flip": (sparse, byte_flips(sparse, rng, SPARSE_ARRAYS)),
        "truncate": (dense, truncations(dense, rng)),
        "crafted": (dense, crafted()),
        "manifest": (dense, edited_manifests()),
        "values": (dense, odd_values()),
    }
    return {
        group: [
            (
                f"{what}{' (sparse)' * (source == sparse)}",
                copy_with(source, tmp / group / str(k), damage),
            )
            for k, (what, damage) in enumerate(damages)
        ]
        for group, (source, damages) in groups.items()
    }


@pytest.fixture(scope="module")
def copies(
    pristine: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[tuple[str, Path]]]:
    return damaged_copies(pristine, tmp_path_factory.mktemp("damaged"))


@pytest.mark.parametrize("verify_checksums", [True, False], ids=["crc", "no-crc"])
def test_no_damaged_index_crashes_or_raises_a_foreign_error(
    copies: dict[str, list[tuple[str, Path]]], verify_checksums: bool, tmp_path: Path
) -> None:
    trials = [trial for group in copies.values() for trial in group]
    results = run_trials(trials, verify_checksums, tmp_path)
    assert len(results) == len(trials)
    bad = [
        f"{r['trial']}: {r['outcome']}"
        for r in results
        if r["outcome"] not in ("answered", "refused")
    ]
    assert not bad, "\n".join(bad)
    refused = {r["trial"] for r in results if r["outcome"] == "refused"}
    crafted_or_edited = [what for group in ("crafted", "manifest") for what, _ in copies[group]]
    assert [what for what in crafted_or_edited if what not in refused] == []


def test_the_pristine_indexes_answer_every_query(pristine: dict[str, Path], tmp_path: Path) -> None:
    results = run_trials(list(pristine.items()), True, tmp_path)
    assert results == [{"trial": layout, "outcome": "answered"} for layout in pristine]
