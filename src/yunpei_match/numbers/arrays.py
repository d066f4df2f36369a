"""The part-number arrays: built from parts, OE numbers and supersessions; checked on load.

Every number a catalogue knows (a part's own number, an OE number, either side of a
supersession) is reduced to its key (``normalize_numbers``: full-width folded, upper case,
``A-Z0-9`` only) and the distinct keys become number codes. A *link* ties a number to a part,
as the part's own number (kind 0) or as an OE number it replaces (kind 1). Links are stored
number-major (``number_indptr``, ``number_part``) with their transpose (``part_link_indptr``,
``part_link``). Interchange groups are the connected components of the part-number graph
(``part_group``, with the CSR ``group_indptr`` / ``group_part``); ``latest`` is the newest
number of each number's supersession chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .._base.arrays import ArrayGroup, check_layout
from .._base.ids import IdDictionary, string_buffers
from .._base.kernel_choice import Kernels, kernels_of
from .._base.tables import require_columns, show, string_column
from ..errors import DataError, IndexFileError

__all__ = ["NumberArrays", "NumberTables", "build_numbers", "check_numbers", "number_keys"]

OWN, OE = 0, 1


@dataclass(frozen=True)
class NumberArrays(ArrayGroup):
    """Every array of a number index (see the module docstring)."""

    number_indptr: npt.NDArray[np.int64]
    number_part: npt.NDArray[np.int32]
    link_kind: npt.NDArray[np.uint8]
    link_brand: npt.NDArray[np.int32]
    part_link_indptr: npt.NDArray[np.int64]
    part_link: npt.NDArray[np.int64]
    latest: npt.NDArray[np.int32]
    part_group: npt.NDArray[np.int32]
    group_indptr: npt.NDArray[np.int64]
    group_part: npt.NDArray[np.int32]


@dataclass(frozen=True)
class NumberTables:
    """The strings of a number index: ``numbers`` (key, number as first printed), ``brands``."""

    numbers: pa.Table
    brands: pa.Table


def number_keys(values: pa.Array, kernels: Kernels = "compiled") -> pa.Array:
    """Keys of a string array (see ``_kernels.normalize_numbers``); nulls stay null."""
    offsets, data = kernels_of(__name__, kernels).normalize_numbers(*string_buffers(values))
    validity = pa.array(values.is_valid()).buffers()[1] if values.null_count else None
    return pa.Array.from_buffers(
        pa.string(),
        len(values),
        [validity, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data)],
        null_count=values.null_count,
    )


def build_numbers(
    parts: pa.Table,
    part_ids: IdDictionary,
    oe_numbers: pa.Table | None,
    supersessions: pa.Table | None,
    kernels: Kernels = "compiled",
) -> tuple[NumberArrays, NumberTables, dict[str, int]]:
    """Build the number index; return it, its string tables and build counts."""
    impl = kernels_of(__name__, kernels)
    raw, part, kind, brand = _link_rows(parts, part_ids, oe_numbers)
    old, new = _supersession_columns(supersessions)
    everything = pa.concat_arrays([raw, old, new])
    keys = number_keys(everything, kernels)
    _check_keys(keys, everything, part_ids, len(raw), len(old))
    encoded = keys.dictionary_encode()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    n_numbers = len(encoded.dictionary)
    first_row = np.zeros(n_numbers, np.int64)
    first_row[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    brands = (
        pc.unique(brand.drop_null()) if brand.null_count < len(brand) else pa.array([], pa.string())
    )
    brand_codes = pc.index_in(brand, value_set=brands).fill_null(-1).to_numpy().astype(np.int32)
    links = _link_arrays(codes[: len(raw)], part, kind, brand_codes, n_numbers, len(part_ids), impl)
    latest = _latest(codes[len(raw) :], len(old), n_numbers, everything, first_row, impl)
    arrays = NumberArrays(**links, latest=latest)
    tables = NumberTables(
        numbers=pa.table({"key": encoded.dictionary, "number": everything.take(first_row)}),
        brands=pa.table({"brand": brands.cast(pa.string())}),
    )
    counts = {  # named as the fields of BuildStats
        "numbers": n_numbers,
        "oe_rows": len(raw) - parts.num_rows,
        "supersessions": len(old),
        "interchange_groups": int(arrays.part_group.max(initial=-1)) + 1,
    }
    return arrays, tables, counts


def _link_rows(
    parts: pa.Table, part_ids: IdDictionary, oe_numbers: pa.Table | None
) -> tuple[pa.Array, np.ndarray, np.ndarray, pa.Array]:
    """(raw number, part code, kind, brand) of every part's own number and OE number."""
    n_parts = parts.num_rows
    raw = [parts.column("part_number").combine_chunks()]
    part = [np.arange(n_parts, dtype=np.int32)]
    brand = [parts.column("brand").combine_chunks()]
    if oe_numbers is not None:
        require_columns(oe_numbers, "oe_numbers", ("part_id", "oe_number"))
        codes = part_ids.references(oe_numbers, "oe_numbers", "part_id")
        raw.append(
            string_column(oe_numbers, "oe_numbers", "oe_number").cast(pa.string()).combine_chunks()
        )
        part.append(codes)
        brand.append(
            string_column(oe_numbers, "oe_numbers", "oe_brand", nullable=True)
            .cast(pa.string())
            .combine_chunks()
            if "oe_brand" in oe_numbers.column_names
            else pa.nulls(oe_numbers.num_rows, pa.string())
        )
    kind = np.concatenate(
        [np.full(len(p), OWN if i == 0 else OE, np.uint8) for i, p in enumerate(part)]
    )
    return pa.concat_arrays(raw), np.concatenate(part), kind, pa.concat_arrays(brand)


def _supersession_columns(supersessions: pa.Table | None) -> tuple[pa.Array, pa.Array]:
    if supersessions is None:
        return pa.array([], pa.string()), pa.array([], pa.string())
    require_columns(supersessions, "supersessions", ("old_number", "new_number"))
    return tuple(
        string_column(supersessions, "supersessions", name).cast(pa.string()).combine_chunks()
        for name in ("old_number", "new_number")
    )


def _check_keys(
    keys: pa.Array, raw: pa.Array, part_ids: IdDictionary, n_links: int, n_old: int
) -> None:
    """A number with no letter or digit cannot be looked up: name where it came from."""
    empty = pc.equal(pc.binary_length(keys), 0).fill_null(False)
    if not pc.any(empty).as_py():
        return
    row = int(pc.index(empty, True).as_py())
    n_parts = len(part_ids)  # rows: parts' own numbers, OE numbers, old numbers, new numbers
    if row < n_parts:
        where = f"parts.part_number of part {show(part_ids.ids[row].as_py())}"
    elif row < n_links:
        where = f"oe_numbers.oe_number at row {row - n_parts}"
    elif row < n_links + n_old:
        where = f"supersessions.old_number at row {row - n_links}"
    else:
        where = f"supersessions.new_number at row {row - n_links - n_old}"
    raise DataError(f"{where} is {show(raw[row].as_py())}: no letter or digit to match on")


def _link_arrays(
    number: np.ndarray,
    part: np.ndarray,
    kind: np.ndarray,
    brand: np.ndarray,
    n_numbers: int,
    n_parts: int,
    impl: ModuleType,
) -> dict[str, np.ndarray]:
    """Number-major links (duplicates dropped, a part's own number first), groups, transposes."""
    order = np.lexsort((kind, part, number))
    number, part, kind, brand = number[order], part[order], kind[order], brand[order]
    keep = np.ones(len(number), bool)
    keep[1:] = (number[1:] != number[:-1]) | (part[1:] != part[:-1])
    number, part, kind, brand = number[keep], part[keep], kind[keep], brand[keep]
    order = np.lexsort((part, kind, number))  # a number's own part first, then those replacing it
    number, part, kind, brand = number[order], part[order], kind[order], brand[order]
    number_indptr = _indptr(number, n_numbers)
    part_link = np.lexsort((kind, part)).astype(np.int64)  # by part, its own number first
    part_group = impl.union_groups(number_indptr, part.astype(np.int32), n_parts)
    group_part = np.argsort(part_group, kind="stable").astype(np.int32)
    return {
        "number_indptr": number_indptr,
        "number_part": part.astype(np.int32),
        "link_kind": kind.astype(np.uint8),
        "link_brand": brand.astype(np.int32),
        "part_link_indptr": _indptr(part, n_parts),
        "part_link": part_link,
        "part_group": part_group,
        "group_indptr": _indptr(part_group, int(part_group.max(initial=-1)) + 1),
        "group_part": group_part,
    }


def _indptr(sorted_keys: np.ndarray, n_keys: int) -> npt.NDArray[np.int64]:
    indptr = np.zeros(n_keys + 1, np.int64)
    np.cumsum(np.bincount(sorted_keys, minlength=n_keys), out=indptr[1:])
    return indptr


def _latest(
    codes: np.ndarray,
    n_old: int,
    n_numbers: int,
    raw: pa.Array,
    first_row: np.ndarray,
    impl: ModuleType,
) -> npt.NDArray[np.int32]:
    """Newest number of every chain; conflicting or circular supersessions are data errors."""
    old, new = codes[:n_old], codes[n_old:]
    successor = np.full(n_numbers, -1, np.int32)
    successor[old] = new
    conflict = successor[old] != new
    if conflict.any():
        rows = np.flatnonzero(old == old[int(np.argmax(conflict))])
        other = rows[new[rows] != new[rows[0]]][0]
        raise DataError(
            f"supersessions.old_number {show(raw[int(first_row[old[rows[0]]])].as_py())} is "
            f"replaced by two different numbers (rows {int(rows[0])} and {int(other)})"
        )
    latest, cycle_at = impl.resolve_supersessions(successor)
    if cycle_at >= 0:
        cycle: list[str] = []
        k = int(cycle_at)
        while not cycle or k != cycle_at:
            cycle.append(str(raw[int(first_row[k])].as_py()))
            k = int(successor[k])
        raise DataError(f"supersessions form a cycle: {' -> '.join([*cycle, cycle[0]])}")
    return latest


def check_numbers(
    arrays: NumberArrays, tables: NumberTables, *, n_parts: int, where: str, kernels: Kernels
) -> None:
    """Verify the invariants the number kernels rely on; raise IndexFileError if broken.

    The checks run on the ``_base`` kernels of the choice ``kernels``.
    """
    a = arrays
    n_numbers, n_links = tables.numbers.num_rows, len(a.number_part)
    check_layout(
        where,
        sizes={
            "number_indptr": (a.number_indptr, n_numbers + 1),
            "link_kind": (a.link_kind, n_links),
            "link_brand": (a.link_brand, n_links),
            "part_link_indptr": (a.part_link_indptr, n_parts + 1),
            "part_link": (a.part_link, n_links),
            "latest": (a.latest, n_numbers),
            "part_group": (a.part_group, n_parts),
            "group_part": (a.group_part, n_parts),
        },
        offsets={
            "number_indptr": (a.number_indptr, n_links),
            "part_link_indptr": (a.part_link_indptr, n_links),
            "group_indptr": (a.group_indptr, n_parts),
        },
        codes={
            "number_part": (a.number_part, n_parts),
            "latest": (a.latest, n_numbers),
            "part_group": (a.part_group, len(a.group_indptr) - 1),
            "group_part": (a.group_part, n_parts),
        },
        kernels=kernels,
    )
    # A part's group holds the part: interchange() reads it as never empty.
    if not np.array_equal(
        np.diff(a.group_indptr), np.bincount(a.part_group, minlength=len(a.group_indptr) - 1)
    ):
        raise IndexFileError(f"{where}: group_indptr disagrees with part_group; rebuild the index")
    if n_links and not (a.part_link.min() >= 0 and a.part_link.max() < n_links):
        raise IndexFileError(f"{where}: part_link points outside the links; rebuild the index")
    if n_links and not (a.link_brand.min() >= -1 and a.link_brand.max() < tables.brands.num_rows):
        raise IndexFileError(f"{where}: link_brand names a brand that is not stored")
