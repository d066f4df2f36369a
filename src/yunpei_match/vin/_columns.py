"""The decoded columns of a VIN batch, built from the kernels' (n, 17) character matrix.

Every column comes from fixed-width slices of that matrix and gathers from the WMI tables, never
from per-row Python strings: this is the part of ``decode_vins`` whose cost grows with the
batch. The rules themselves, and what each column means, are in :mod:`yunpei_match.vin`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ._wmi import wmi_tables

__all__ = ["offsets", "position_columns", "small_maker_columns", "wmi_columns", "year_lists"]


def offsets(counts: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    offsets = np.zeros(len(counts) + 1, np.int32)
    np.cumsum(counts, out=offsets[1:])
    return offsets


_SPANS = {
    "wmi": (0, 3),
    "vds": (3, 9),
    "vis": (9, 17),
    "plant": (10, 11),
    "serial": (11, 17),
    "maker_code": (11, 14),
}


def position_columns(
    chars: npt.NDArray[np.uint8], rows: npt.NDArray[np.bool_]
) -> dict[str, pa.StringArray]:
    """The spans of positions in ``_SPANS`` as string columns, null where ``rows`` is False."""
    everywhere = bool(rows.all())
    kept = chars if everywhere else chars[rows]
    validity = None if everywhere else pa.py_buffer(np.packbits(rows, bitorder="little"))
    ends = offsets(rows.astype(np.int32))
    columns = {}
    for name, (start, stop) in _SPANS.items():
        columns[name] = pa.StringArray.from_buffers(
            len(rows),
            pa.py_buffer(ends * np.int32(stop - start)),
            pa.py_buffer(np.ascontiguousarray(kept[:, start:stop])),
            validity,
            len(rows) - len(kept),
        )
    return columns


def small_maker_columns(
    chars: npt.NDArray[np.uint8], rows: npt.NDArray[np.bool_], positions: dict[str, pa.Array]
) -> dict[str, pa.Array]:
    """``maker_code`` and ``serial``: a ``9`` in position 3 moves 12-14 from one to the other.

    ISO 3780, 49 CFR 565.15(a) and GB 16735 give a small manufacturer a six-character code, the
    WMI plus positions 12-14, leaving it positions 15-17 for the serial.
    """
    small = pa.array(rows & (chars[:, 2] == ord("9")))
    six = pc.binary_join_element_wise(positions["wmi"], positions["maker_code"], "")
    serial = positions["serial"]
    return {
        "maker_code": pc.if_else(small, six, pa.scalar(None, pa.string())),
        "serial": pc.if_else(small, pc.utf8_slice_codeunits(serial, 3), serial),
    }


def wmi_columns(codes: npt.NDArray[np.int32]) -> dict[str, pa.DictionaryArray]:
    """Maker, brand, country, ISO 3780 country and area from the WMI codes (-1: unknown)."""
    tables = wmi_tables()
    lookups = {
        "maker": (tables.maker_of[codes], tables.makers),
        "brand": (tables.brand_of[codes], tables.brands),
        "country": (tables.country_of[codes], tables.countries),
        "origin_country": (tables.origin_of[codes // 36], tables.origins),
        "origin_area": (tables.area_of[codes // 1296], tables.areas),
    }
    return {
        name: pa.DictionaryArray.from_arrays(pa.array(index, mask=index < 0), dictionary)
        for name, (index, dictionary) in lookups.items()
    }


def year_lists(first: npt.NDArray[np.int16], candidates: npt.NDArray[np.uint8]) -> pa.ListArray:
    """Model-year candidates per row, ascending, from the kernel's first year and bits."""
    years = np.stack([first, first + np.int16(30)], axis=1)
    chosen = np.stack([(candidates & 1) != 0, (candidates & 2) != 0], axis=1)
    values = pa.array(years[chosen], pa.int16())
    return pa.ListArray.from_arrays(pa.array(offsets(chosen.sum(axis=1, dtype=np.int32))), values)
