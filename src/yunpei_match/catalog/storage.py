"""The saved-index format: a directory of Arrow IPC tables and raw arrays plus a JSON manifest.

Layout of a saved catalogue::

    manifest.json        format name and version, library version, counts, build stats, and
                         for every file its size and CRC-32
    vehicles.arrow       Arrow IPC file, vehicles in code order
    parts.arrow          Arrow IPC file, parts in code order
    categories.arrow     Arrow IPC file, one column ``category``, sorted
    details.arrow        Arrow IPC file, distinct (position, qty, note)
    numbers.arrow        Arrow IPC file, number keys and their printed form, in code order
    number_brands.arrow  Arrow IPC file, the OE brands of OE numbers
    vin_patterns.arrow   Arrow IPC file, VIN patterns and the vehicle code each names
    <array>.bin          raw little-endian arrays of the fitment and number indexes (dtype in
                         the manifest)

Loading memory-maps every file, so it costs milliseconds whatever the size; nothing is ever
unpickled. Whatever the files hold, a load either raises ``IndexFileError`` or returns a
catalogue that every query and conversion can read safely: the manifest's facts and build
stats are checked against the files, the arrays by ``_links.check_links`` and
``_number_index.check_numbers``, and every column of every table by ``_check_column``. The
CRC-32 of every file is checked unless the caller opts out.
"""

from __future__ import annotations

import json
import math
import mmap
import os
import shutil
import sys
import zlib
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._base.directories import replace_directory
from .._base.kernel_choice import Kernels, base_kernels
from .._base.tables import show
from .._version import __version__
from ..errors import DataError, IndexFileError
from ..fitment import LinkArrays, check_links
from ..numbers import NumberArrays, NumberTables, check_numbers
from ..vin import check_patterns

if TYPE_CHECKING:
    from .catalog import BuildStats, Catalog

__all__ = ["FORMAT", "FORMAT_VERSION"]

FORMAT = "yunpei_match.catalog"
FORMAT_VERSION = 1  # no index has been released yet: the layout may still change in place
TABLES = ("vehicles", "parts", "categories", "details", "numbers", "number_brands", "vin_patterns")
ARRAY_DTYPES = {
    "category_start": ("int32",),
    "run_bounds": ("int64",),
    "vehicle_runs": ("int64",),
    "run_category": ("int32",),
    "link_part": ("int32",),
    "part_detail": ("int32",),
    "exception_link": ("int64",),
    "exception_detail": ("int32",),
    "set_indptr": ("int64",),
    "set_detail": ("int32",),
    "part_indptr": ("int64",),
    "part_vehicle": ("int32",),
    "universal": ("int32",),
    "universal_bounds": ("int64",),
    "number_indptr": ("int64",),
    "number_part": ("int32",),
    "link_kind": ("uint8",),
    "link_brand": ("int32",),
    "part_link_indptr": ("int64",),
    "part_link": ("int64",),
    "latest": ("int32",),
    "part_group": ("int32",),
    "group_indptr": ("int64",),
    "group_part": ("int32",),
}
FILE_FACTS = {"table": ("rows",), "array": ("length",)}  # besides bytes and crc32; dtype apart
NULLABLE = {"details": ("position", "qty", "note")}  # an application without them; none else
TABLE_TYPES = {
    "vehicles": {
        "vehicle_id": pa.string(),
        "make": pa.string(),
        "model": pa.string(),
        "year": pa.int16(),
    },
    "parts": {
        "part_id": pa.string(),
        "brand": pa.string(),
        "part_number": pa.string(),
        "category": pa.string(),
        "universal": pa.bool_(),
    },
    "categories": {"category": pa.string()},
    "details": {"position": pa.string(), "qty": pa.int16(), "note": pa.string()},
    "numbers": {"key": pa.string(), "number": pa.string()},
    "number_brands": {"brand": pa.string()},
    "vin_patterns": {"pattern": pa.string(), "vehicle": pa.int32()},
}


def save(
    directory: Path,
    *,
    tables: dict[str, pa.Table],
    arrays: dict[str, np.ndarray],
    stats: BuildStats,
) -> Path:
    """Write a catalogue's tables, arrays and build stats to ``directory`` atomically (write
    aside, then rename into place); ``Catalog.save`` says which tables and arrays it is made of."""
    directory = directory.absolute()
    if directory.exists() and not directory.is_dir():
        raise IndexFileError(f"{directory} is a file, not a directory; not overwriting it")
    staging = directory.with_name(f".{directory.name}.writing-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        files: dict[str, dict[str, Any]] = {}
        for name, table in tables.items():
            files[f"{name}.arrow"] = _write_table(staging / f"{name}.arrow", table)
        for name, array in arrays.items():
            files[f"{name}.bin"] = _write_array(staging / f"{name}.bin", array)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "library_version": __version__,
            "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "byte_order": "little",
            "stats": stats.as_dict(),
            "files": files,
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
        _replace_index(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory


def _write_table(path: Path, table: pa.Table) -> dict[str, Any]:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return {"kind": "table", "rows": table.num_rows, **_file_facts(path)}


def _write_array(path: Path, array: np.ndarray) -> dict[str, Any]:
    little = array.astype(array.dtype.newbyteorder("<"), copy=False)
    with open(path, "wb") as sink:
        sink.write(np.ascontiguousarray(little).tobytes())
    return {"kind": "array", "dtype": array.dtype.name, "length": len(array), **_file_facts(path)}


def _file_facts(path: Path) -> dict[str, Any]:
    return {"bytes": path.stat().st_size, "crc32": _crc32(path)}


def _crc32(path: Path) -> int:
    if path.stat().st_size == 0:
        return 0
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        return zlib.crc32(m)


def _replace_index(staging: Path, directory: Path) -> None:
    """Move ``staging`` to ``directory``, unless something other than an index stands there."""
    if (
        directory.exists()
        and not (directory / "manifest.json").exists()
        and any(directory.iterdir())
    ):
        raise IndexFileError(f"{directory} exists and is not a saved index; not overwriting")
    replace_directory(staging, directory)


def load(
    cls: type[Catalog], directory: Path, *, verify_checksums: bool, kernels: Kernels
) -> Catalog:
    """Memory-map a saved catalogue, checking format, sizes, structure and optionally CRCs;
    the checks run on the ``_base`` kernels of the choice ``kernels``, as the catalogue will."""
    checks = base_kernels(kernels)
    manifest = _read_manifest(directory)
    files = manifest["files"]
    for name, facts in files.items():
        _check_facts(directory, name, facts)
        _check_file(directory / name, facts, verify_checksums)
    tables = {name: _read_table(directory / f"{name}.arrow", files, checks) for name in TABLES}
    arrays = {
        name: _read_array(directory / f"{name}.bin", files)
        for name in (*LinkArrays.__dataclass_fields__, *NumberArrays.__dataclass_fields__)
    }
    links = LinkArrays(**{name: arrays[name] for name in LinkArrays.__dataclass_fields__})
    numbers = NumberArrays(**{name: arrays[name] for name in NumberArrays.__dataclass_fields__})
    number_tables = NumberTables(numbers=tables["numbers"], brands=tables["number_brands"])
    _check_tables(tables, directory)
    if tables["categories"].num_rows != len(links.category_start) - 1:
        raise IndexFileError(
            f"{directory}: categories.arrow has {tables['categories'].num_rows} rows but the "
            f"index has {len(links.category_start) - 1} categories"
        )
    check_links(
        links,
        n_vehicles=tables["vehicles"].num_rows,
        n_parts=tables["parts"].num_rows,
        n_details=tables["details"].num_rows,
        where=str(directory),
        kernels=kernels,
    )
    check_numbers(
        numbers,
        number_tables,
        n_parts=tables["parts"].num_rows,
        where=str(directory),
        kernels=kernels,
    )
    _check_vin_patterns(tables["vin_patterns"], tables["vehicles"].num_rows, directory, checks)
    stats = _read_stats(manifest["stats"], _counts(tables, links, numbers), directory)
    return cls(
        vehicles=tables["vehicles"],
        parts=tables["parts"],
        categories=tables["categories"].column("category").combine_chunks(),
        details=tables["details"],
        links=links,
        numbers=numbers,
        number_tables=number_tables,
        vin_patterns=tables["vin_patterns"],
        stats=stats,
        kernels=kernels,
    )


def _read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / "manifest.json"
    if not path.is_file():
        raise IndexFileError(f"{directory} is not a saved index: {path.name} is missing")
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, too deep, a 5,000-digit int
        raise IndexFileError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexFileError(f"{path} does not describe a {FORMAT} index")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexFileError(
            f"{directory} has format version {version!r}; this library reads version "
            f"{FORMAT_VERSION}: rebuild the index with this version"
        )
    if manifest.get("byte_order") != "little" or sys.byteorder != "little":
        raise IndexFileError(f"{directory}: only little-endian indexes on little-endian hosts")
    if not isinstance(manifest.get("files"), dict) or not isinstance(manifest.get("stats"), dict):
        raise IndexFileError(f"{path} lacks its file list or stats")
    return manifest


def _check_facts(directory: Path, name: str, facts: Any) -> None:
    """A manifest entry: a plain file name, and facts of the types its kind has."""
    where = f"{directory}/manifest.json: file {name!r}"
    if not isinstance(facts, dict) or not name or "/" in name or name.startswith("."):
        raise IndexFileError(f"{where}: bad entry")
    kind = facts.get("kind")
    if kind not in FILE_FACTS:
        raise IndexFileError(f"{where}: kind {show(kind)}, expected 'table' or 'array'")
    for key in ("bytes", "crc32", *FILE_FACTS[kind]):
        value = facts.get(key)
        if type(value) is not int or value < 0:  # bool is an int; true is not a size
            raise IndexFileError(f"{where}: {key} is {show(value)}, expected an integer >= 0")


def _check_file(path: Path, facts: dict[str, Any], verify_checksums: bool) -> None:
    if not path.is_file():
        raise IndexFileError(f"{path} is missing from the saved index")
    size = path.stat().st_size
    if size != facts.get("bytes"):
        raise IndexFileError(
            f"{path} has {size:,} bytes, the manifest says {facts.get('bytes')}: truncated or "
            "altered"
        )
    if verify_checksums and _crc32(path) != facts.get("crc32"):
        raise IndexFileError(f"{path} fails its CRC-32 check: the file was altered or damaged")


def _read_table(path: Path, files: dict[str, Any], checks: ModuleType) -> pa.Table:
    if path.name not in files:
        raise IndexFileError(f"{path.name} is not listed in the manifest")
    try:
        table = pa.ipc.open_file(pa.memory_map(str(path))).read_all()
        table.validate()  # buffer sizes; what the buffers hold is checked below
        _decode_names(table.schema)
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
        raise IndexFileError(f"{path} is not a readable Arrow file: {exc}") from None
    if table.num_rows != files[path.name].get("rows"):
        raise IndexFileError(f"{path} has {table.num_rows} rows, the manifest disagrees")
    for name in table.column_names:
        for chunk in table.column(name).chunks:
            _check_column(chunk, f"{path} column {name}", checks)
    return table


def _decode_names(fields: Iterable[pa.Field]) -> None:
    """Decode every field name, nested ones too, as each conversion will (a flipped byte in a
    name is not UTF-8: better a load that fails than a ``to_pylist`` that does)."""
    for field in fields:
        _ = field.name
        kind = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        _decode_names(kind.field(i) for i in range(kind.num_fields))


def _check_column(chunk: pa.Array, where: str, checks: ModuleType) -> None:
    """Every value of ``chunk`` safe to read, convert and decode, or IndexFileError.

    A file altered behind an unchanged size (and a rewritten CRC) must not reach a ``take``, a
    ``to_pylist`` or a parquet writer that reads out of bounds or decodes bad UTF-8. Plain
    string columns, nearly all the bytes of an index, go through ``checks.first_bad_string``
    (offsets, then UTF-8 in one pass, 32 bytes a step while they are ASCII): at scale L that
    is several times cheaper than Arrow's full validation. Any other column (dictionary
    indices, nested offsets, null counts) gets Arrow's full validation: such columns are small
    or rare.
    """
    if pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type):
        _check_strings(chunk, where, checks)
        return
    try:
        chunk.validate(full=True)
    except pa.ArrowException as exc:
        raise IndexFileError(
            f"{where}: {exc}; the index is corrupt, rebuild or re-save it"
        ) from None


def _check_strings(chunk: pa.Array, where: str, checks: ModuleType) -> None:
    """Offsets non-decreasing and inside the data, strict UTF-8, and a true null count."""
    validity, offsets_buffer, data_buffer = chunk.buffers()
    if validity is not None:
        valid = pa.BooleanArray.from_buffers(
            pa.bool_(), len(chunk), [None, validity], 0, chunk.offset
        )
        if valid.true_count != len(chunk) - chunk.null_count:
            raise IndexFileError(
                f"{where}: {chunk.null_count} nulls recorded, {len(chunk) - valid.true_count} in "
                "its validity bitmap; the index is corrupt, rebuild or re-save it"
            )
    if len(chunk) == 0:
        return
    width = np.int32 if pa.types.is_string(chunk.type) else np.int64
    offsets = np.frombuffer(
        offsets_buffer, width, count=len(chunk) + 1, offset=chunk.offset * np.dtype(width).itemsize
    )
    data = (
        np.frombuffer(data_buffer, np.uint8) if data_buffer is not None else np.empty(0, np.uint8)
    )
    row = checks.first_bad_string(offsets, data)
    if row < 0:
        return
    start, stop = int(offsets[row]), int(offsets[row + 1])
    what = (
        "is not valid UTF-8"
        if 0 <= start <= stop <= len(data)
        else f"has offsets {start:,}..{stop:,}, outside its {len(data):,} bytes or reversed"
    )
    raise IndexFileError(f"{where}: row {row} {what}; the index is corrupt, rebuild or re-save it")


def _read_array(path: Path, files: dict[str, Any]) -> np.ndarray:
    facts = files.get(path.name)
    if facts is None:
        raise IndexFileError(f"{path.name} is not listed in the manifest")
    name = path.name.removesuffix(".bin")
    allowed = ARRAY_DTYPES[name]
    if facts.get("dtype") not in allowed:
        raise IndexFileError(
            f"{path.name}: dtype {facts.get('dtype')!r} in the manifest, expected "
            f"{' or '.join(allowed)}"
        )
    dtype = np.dtype(facts["dtype"]).newbyteorder("<")
    if facts.get("length", -1) * dtype.itemsize != facts["bytes"]:
        raise IndexFileError(f"{path.name}: length and size in the manifest disagree")
    if facts["bytes"] == 0:
        return np.empty(0, dtype)
    with open(path, "rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return np.frombuffer(mapped, dtype=dtype)


def _check_vin_patterns(
    patterns: pa.Table, n_vehicles: int, directory: Path, checks: ModuleType
) -> None:
    try:
        check_patterns(patterns.column("pattern").combine_chunks(), "vin_patterns.arrow pattern")
    except DataError as exc:
        raise IndexFileError(f"{directory}: {exc}") from None
    vehicles = patterns.column("vehicle").combine_chunks().to_numpy()
    if len(vehicles) and checks.first_out_of_range(vehicles, 0, n_vehicles) >= 0:
        raise IndexFileError(f"{directory}/vin_patterns.arrow names a vehicle code out of range")


def _counts(
    tables: dict[str, pa.Table], links: LinkArrays, numbers: NumberArrays
) -> dict[str, int]:
    """The build stats an index can count again from its own tables and arrays."""
    return {
        "vehicles": tables["vehicles"].num_rows,
        "parts": tables["parts"].num_rows,
        "categories": len(links.category_start) - 1,
        "universal_parts": len(links.universal),
        "links": links.n_links,
        "detail_rows": tables["details"].num_rows,
        "numbers": tables["numbers"].num_rows,
        "interchange_groups": len(numbers.group_indptr) - 1,
        "index_bytes": links.nbytes + numbers.nbytes,
    }


def _read_stats(stats: dict[str, Any], counts: dict[str, int], directory: Path) -> BuildStats:
    """The manifest's build stats: counts the index can recount must agree with it, and every
    other one (rows of the input tables, which the index does not keep) be an integer >= 0."""
    from .catalog import BuildStats

    where = f"{directory}/manifest.json"
    expected = set(BuildStats.__dataclass_fields__)
    if set(stats) != expected:
        raise IndexFileError(
            f"{where}: the build stats must have exactly the fields {', '.join(sorted(expected))}"
        )
    for name, value in stats.items():
        seconds = name == "build_seconds" and type(value) is float and math.isfinite(value)
        if not (type(value) is int or seconds) or value < 0:
            raise IndexFileError(f"{where}: stats.{name} is {show(value)}, expected a number >= 0")
    for name, count in counts.items():
        if stats[name] != count:
            raise IndexFileError(
                f"{where}: stats.{name} is {stats[name]:,} but the index holds {count:,}: the "
                "manifest was altered"
            )
    return BuildStats(**stats)


def _check_tables(tables: dict[str, pa.Table], directory: Path) -> None:
    """Every column the library reads is there, of its type, and null only where a build can
    leave nulls (the queries read the others as never null)."""
    for name, columns in TABLE_TYPES.items():
        schema = tables[name].schema
        for column, wanted in columns.items():
            if column not in schema.names:
                raise IndexFileError(f"{directory}/{name}.arrow lacks column {column}")
            if schema.field(column).type != wanted:
                raise IndexFileError(
                    f"{directory}/{name}.arrow: column {column} is {schema.field(column).type}, "
                    f"expected {wanted}"
                )
            values = tables[name].column(column)
            if values.null_count and column not in NULLABLE.get(name, ()):
                row = pc.index(values.is_null(), True).as_py()
                raise IndexFileError(
                    f"{directory}/{name}.arrow: column {column} is null at row {row}; the index "
                    "is corrupt, rebuild or re-save it"
                )
