"""The WMI tables shipped in ``data/``, as dense arrays indexed by a VIN's base-36 WMI code.

``data/wmi.tsv`` (``wmi``, ``maker``, ``brand``, ``country``, ``source``; UTF-8, header row) names
the holder of a world manufacturer identifier (``maker``: the company the code is allocated to),
the one brand its vehicles carry when there is one (``brand``; empty for a WMI shared by brands,
such as ``1C6``: FCA US trucks sold as Ram and as Jeep), the country its vehicles are built in
(``country``) and where the allocation is published (``source``). A two-character row (``JT``)
covers every third character that has no row of its own, the three-character fallback decoders
need for makers whose third character encodes the vehicle type.

``data/wmi_countries.tsv`` (``first``, ``last``, ``country``) is the ISO 3780 allocation of
two-character ranges to countries (``SA``-``SM`` United Kingdom) as SAE, the registrar, keeps it
(``7F``-``70``, once unassigned, now the United States'), where the second character runs A-Z
(without I, O, Q) then 1-9 and 0; the first character alone gives the geographic area. The
allocation says which national body issued a code, not where the vehicles are built: Tesla's
``XP7`` lies in the Netherlands' range ``XL``-``XR`` and is used for cars built in Germany, so
its ``country`` is Germany and its ISO 3780 country the Netherlands.

The ``_kernels.wmi_codes`` kernel turns positions 1-3 into ``(c1 * 36 + c2) * 36 + c3`` with ``0-9``
then ``A-Z`` as 0-35, so a lookup is one gather: ``maker_of[code]``, ``origin_of[code // 36]``,
``area_of[code // 1296]``. Each index array has one extra last entry, -1, which is where the code
-1 of an undecodable VIN lands (``-1 // 36 == -1`` too); -1 means "not known".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from ..errors import DataError

__all__ = ["WmiTables", "wmi_tables"]

BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ISO_ORDER = "ABCDEFGHJKLMNPRSTUVWXYZ1234567890"  # how ISO 3780 ranges run
AREAS = (
    ("ABCDEFGH", "Africa"),
    ("JKLMNPR", "Asia"),
    ("STUVWXYZ", "Europe"),
    ("12345", "North America"),
    ("67", "Oceania"),
    ("890", "South America"),
)


@dataclass(frozen=True)
class WmiTables:
    """Dictionaries of names and the code -> name index arrays (see the module notes)."""

    makers: pa.Array
    maker_of: npt.NDArray[np.int32]
    brands: pa.Array
    brand_of: npt.NDArray[np.int32]
    countries: pa.Array
    country_of: npt.NDArray[np.int32]
    origins: pa.Array
    origin_of: npt.NDArray[np.int32]
    areas: pa.Array
    area_of: npt.NDArray[np.int32]


def _read(name: str, header: list[str], optional: tuple[str, ...] = ()) -> list[list[str]]:
    """Rows of a shipped table; every field but those named in ``optional`` must be non-empty."""
    text = (resources.files("yunpei_match") / "data" / name).read_text("utf-8")
    lines = [line.split("\t") for line in text.splitlines() if line]
    if not lines or lines[0] != header:
        raise DataError(f"data/{name} must start with the header {'/'.join(header)}")
    required = [i for i, column in enumerate(header) if column not in optional]
    for number, fields in enumerate(lines[1:], start=2):
        if len(fields) != len(header) or not all(fields[i] for i in required):
            raise DataError(
                f"data/{name} line {number} must have {len(header)} fields, "
                f"only {', '.join(optional) or 'none'} may be empty"
            )
    return lines[1:]


def _code(chars: str) -> int:
    return int(chars, 36)


def _index(names: list[str], size: int) -> tuple[pa.Array, npt.NDArray[np.int32], dict[str, int]]:
    dictionary = sorted(set(names))
    return (
        pa.array(dictionary, pa.string()),
        np.full(size + 1, -1, np.int32),
        {name: i for i, name in enumerate(dictionary)},
    )


@functools.cache
def wmi_tables() -> WmiTables:
    """Load and index the shipped tables once per process."""
    rows = _read("wmi.tsv", ["wmi", "maker", "brand", "country", "source"], optional=("brand",))
    makers, maker_of, maker_code = _index([r[1] for r in rows], 36**3)
    brands, brand_of, brand_code = _index([r[2] for r in rows if r[2]], 36**3)
    countries, country_of, country_code = _index([r[3] for r in rows], 36**3)
    # Two-character rows first, so that a three-character row of the same prefix wins.
    for wmi, maker, brand, country, _ in sorted(rows, key=lambda row: len(row[0])):
        if len(wmi) not in (2, 3) or any(c not in ISO_ORDER for c in wmi):
            raise DataError(f"data/wmi.tsv: {wmi!r} is not a WMI (2 or 3 of A-Z, 0-9 but I O Q)")
        code = _code(wmi.ljust(3, "0"))
        span = slice(code, code + (36 if len(wmi) == 2 else 1))
        maker_of[span] = maker_code[maker]
        brand_of[span] = brand_code.get(brand, -1)
        country_of[span] = country_code[country]
    ranges = _read("wmi_countries.tsv", ["first", "last", "country"])
    origins, origin_of, origin_code = _index([r[2] for r in ranges], 36**2)
    for first, last, country in ranges:
        if len(first) != 2 or len(last) != 2 or first[0] != last[0]:
            raise DataError(f"data/wmi_countries.tsv: {first}-{last} is not a range of one area")
        start, stop = ISO_ORDER.index(first[1]), ISO_ORDER.index(last[1]) + 1
        for second in ISO_ORDER[start:stop]:
            origin_of[_code(first[0] + second)] = origin_code[country]
    areas, area_of, area_code = _index([name for _, name in AREAS], 36)
    for letters, name in AREAS:
        for letter in letters:
            area_of[_code(letter)] = area_code[name]
    return WmiTables(
        makers,
        maker_of,
        brands,
        brand_of,
        countries,
        country_of,
        origins,
        origin_of,
        areas,
        area_of,
    )
