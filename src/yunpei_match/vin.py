"""VINs: normalise, validate and decode vehicle identification numbers, one or millions at a time.

A VIN is read the way a repair shop types it: full-width characters from a Chinese input method
(U+FF01-U+FF5E) become ASCII, lower case becomes upper case, and ASCII spaces, ``-``, ``.`` and
the ideographic space U+3000 are dropped, so ``lsvau 218x-n2183294`` is read as
``LSVAU218XN2183294``. Nothing else is changed: control characters, emoji or Chinese text stay
and make the VIN invalid. The result's ``vin`` is this normalised form.

What is checked (ISO 3779, GB 16735, 49 CFR 565), each finding named by a reason code:

=========== ==================================================== ========= ========
code        finding                                              cn, na    eu, any
=========== ==================================================== ========= ========
missing     the input is null (``None``)                         invalid   invalid
empty       nothing is left after normalisation                  invalid   invalid
length      not 17 characters                                    invalid   invalid
character   a character other than A-Z and 0-9                   invalid   invalid
letter_ioq  the letters I, O or Q, never used in VINs            invalid   invalid
year_code   position 10 is U, Z or 0 (not a model-year code)     invalid   warning
check_digit position 9 is not the check digit                    invalid   warning
=========== ==================================================== ========= ========

The check digit is mandatory in China (GB 16735) and North America, and not used in Europe,
where position 9 is often ``Z`` or any digit and position 10 often ``0``: ``region="eu"`` reports
both as warnings, and ``region="any"`` (no region's rules) does the same. The check digit is only
computed for 17 characters from the VIN alphabet; ``check_digit_ok`` is null otherwise.

Decoding reads positions from any VIN of 17 letters and digits, valid or not: the WMI (1-3), the
VDS (4-9), the VIS (10-17), the plant code (11) and the serial (12-17); maker and country come
from the WMI table shipped in ``data/wmi.tsv`` (null for an unknown WMI), and ``origin_country``
and ``origin_area`` from the ISO 3780 allocation of its first one or two characters. A
model-year code stands for two years 30 years apart (``K`` = 1989 or 2019). Under
``region="na"`` the position-7 rule of 49 CFR 565.15 picks one: a digit in position 7 means
1980-2009, a letter 2010-2039. The rule holds for cars, MPVs and trucks up to 10,000 lb GVWR,
not for heavy trucks and buses, and not for Chinese or European VINs, so every other region gets
both candidates; a catalogue's year ranges decide between them.

Examples
--------
>>> from yunpei_match.vin import decode_vin, validate_vin
>>> validate_vin("1m8gdm9axkp042788")
VinVerdict(vin='1M8GDM9AXKP042788', valid=True, reasons=(), warnings=())
>>> validate_vin("WP0ZZZ99ZTS392124", region="eu").warnings
('check_digit',)
>>> decoding = decode_vin("LFV2A21K6A3092399")
>>> decoding.maker, decoding.country, decoding.model_years
('FAW-Volkswagen', 'China', (1980, 2010))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from . import _vin
from ._ids import as_string_array, string_buffers
from ._wmi import wmi_tables
from .errors import ColumnTypeError, DataError

__all__ = [
    "REASONS",
    "Region",
    "VinDecoding",
    "VinVerdict",
    "decode_vin",
    "decode_vins",
    "validate_vin",
    "validate_vins",
]

Region = Literal["cn", "na", "eu", "any"]

#: Reason codes in the order they are reported; bit ``k`` of a kernel's flags is ``REASONS[k]``.
REASONS = ("missing", "empty", "length", "character", "letter_ioq", "year_code", "check_digit")

# The kernels in use; tests swap in ``_reference_vin`` to run this module over the twin.
_kernels: Any = _vin

_ALL_REASONS = (1 << len(REASONS)) - 1
_EU_WARNINGS = _vin.FLAG_YEAR_CODE | _vin.FLAG_CHECK_DIGIT
_REASON_BITS = np.array([1 << k for k in range(len(REASONS))], np.uint16)
_REASON_NAMES = pa.array(REASONS, pa.string())


class _Policy(NamedTuple):
    invalid: int  # flags that make a VIN invalid
    warn: int  # flags reported as warnings
    position7_rule: bool


_POLICIES = {
    "cn": _Policy(_ALL_REASONS, 0, False),
    "na": _Policy(_ALL_REASONS, 0, True),
    "eu": _Policy(_ALL_REASONS & ~_EU_WARNINGS, _EU_WARNINGS, False),
    "any": _Policy(_ALL_REASONS & ~_EU_WARNINGS, _EU_WARNINGS, False),
}


@dataclass(frozen=True)
class VinVerdict:
    """Whether one VIN is valid under a region's rules, and why.

    Attributes
    ----------
    vin : str or None
        The normalised VIN (None when the input was None).
    valid : bool
        True when no finding makes it invalid under the region's rules.
    reasons : tuple of str
        Reason codes that make it invalid (see the module notes), in a fixed order.
    warnings : tuple of str
        Findings the region reports without rejecting the VIN.
    """

    vin: str | None
    valid: bool
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class VinDecoding:
    """The verdict on one VIN plus what its positions say.

    Attributes
    ----------
    vin, valid, reasons, warnings
        As in :class:`VinVerdict`.
    wmi, vds, vis : str or None
        Positions 1-3, 4-9 and 10-17; None unless the VIN is 17 letters and digits.
    maker, country : str or None
        From the shipped WMI table; None when the WMI is not in it.
    origin_country, origin_area : str or None
        ISO 3780 country of the first two characters and area of the first one.
    check_digit_ok : bool or None
        Whether position 9 is the check digit; None when it cannot be computed.
    model_years : tuple of int
        Candidate model years from position 10, ascending: two 30 years apart, one when the
        position-7 rule applies (``region="na"``), none when position 10 is not a year code.
    plant, serial : str or None
        Position 11 and positions 12-17.
    """

    vin: str | None
    valid: bool
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    wmi: str | None
    vds: str | None
    vis: str | None
    maker: str | None
    country: str | None
    origin_country: str | None
    origin_area: str | None
    check_digit_ok: bool | None
    model_years: tuple[int, ...]
    plant: str | None
    serial: str | None


def validate_vin(vin: str | None, *, region: Region = "cn") -> VinVerdict:
    """Validate one VIN; the scalar form of :func:`validate_vins`.

    Parameters
    ----------
    vin : str or None
        As typed: case, full-width characters, spaces, dashes and dots do not matter.
    region : {"cn", "na", "eu", "any"}
        Whose rules apply to the check digit and the model-year code (see the module notes).

    Returns
    -------
    VinVerdict

    Raises
    ------
    ColumnTypeError
        If ``vin`` is neither a string nor None.
    DataError
        If ``region`` is not one of the four, or ``vin`` is not valid Unicode.

    Examples
    --------
    >>> validate_vin("ＬＳＶＡＵ２１８Ｘ Ｎ２１８３２９４")
    VinVerdict(vin='LSVAU218XN2183294', valid=True, reasons=(), warnings=())
    >>> validate_vin("LSVAU2180N2183294").reasons
    ('check_digit',)
    >>> validate_vin("WVWZZZ1KZ").reasons
    ('length',)
    """
    row = validate_vins([_scalar(vin)], region=region).to_pylist()[0]
    return VinVerdict(row["vin"], row["valid"], tuple(row["reasons"]), tuple(row["warnings"]))


def decode_vin(vin: str | None, *, region: Region = "cn") -> VinDecoding:
    """Validate and decode one VIN; the scalar form of :func:`decode_vins`.

    Parameters
    ----------
    vin : str or None
        As typed (see :func:`validate_vin`).
    region : {"cn", "na", "eu", "any"}
        Whose rules apply; ``"na"`` also applies the position-7 model-year rule.

    Returns
    -------
    VinDecoding

    Raises
    ------
    ColumnTypeError, DataError
        As :func:`validate_vin` does.

    Examples
    --------
    >>> d = decode_vin("5YJ3E1EC4MF088095", region="na")
    >>> d.maker, d.country, d.model_years, d.plant, d.serial
    ('Tesla', 'United States', (2021,), 'F', '088095')
    >>> d = decode_vin("1M8GDM9AXKP042788")
    >>> d.maker, d.origin_country, d.origin_area, d.model_years
    (None, 'United States', 'North America', (1989, 2019))
    """
    row = decode_vins([_scalar(vin)], region=region).to_pylist()[0]
    for name in ("reasons", "warnings", "model_years"):
        row[name] = tuple(row[name])
    return VinDecoding(**row)


def validate_vins(vins: Any, *, region: Region = "cn") -> pa.Table:
    """Validate a batch of VINs.

    Parameters
    ----------
    vins : sequence of str
        A list, numpy array, pyarrow Array or ChunkedArray (dictionary-encoded or not) or a
        polars Series of strings; nulls are allowed.
    region : {"cn", "na", "eu", "any"}
        Whose rules apply (see the module notes).

    Returns
    -------
    pyarrow.Table
        One row per input, in order: ``vin`` (normalised, string), ``valid`` (bool),
        ``reasons`` and ``warnings`` (list of reason codes).

    Raises
    ------
    ColumnTypeError
        If ``vins`` is a single string or holds something other than strings.
    DataError
        If ``region`` is not one of the four, or a string is not valid Unicode.

    Examples
    --------
    >>> table = validate_vins(["LFV2A21K6A3092399", "XTAGFK330JY144213", None])
    >>> table.column("valid").to_pylist()
    [True, False, False]
    >>> table.column("reasons").to_pylist()
    [[], ['check_digit'], ['missing']]
    """
    policy = _policy(region)
    return pa.table(_verdict_columns(_scan(vins), policy))


def decode_vins(vins: Any, *, region: Region = "cn") -> pa.Table:
    """Validate and decode a batch of VINs.

    Parameters
    ----------
    vins : sequence of str
        As for :func:`validate_vins`.
    region : {"cn", "na", "eu", "any"}
        Whose rules apply; ``"na"`` also applies the position-7 model-year rule.

    Returns
    -------
    pyarrow.Table
        The columns of :func:`validate_vins`, then ``wmi``, ``vds``, ``vis`` (string),
        ``maker``, ``country``, ``origin_country``, ``origin_area`` (dictionary-encoded string),
        ``check_digit_ok`` (bool), ``model_years`` (list of int16), ``plant`` and ``serial``
        (string): the fields of :class:`VinDecoding`, null where unknown.

    Raises
    ------
    ColumnTypeError, DataError
        As :func:`validate_vins` does.

    Examples
    --------
    >>> table = decode_vins(["LGXCH4CD3S2107503", "WBA71DC010CH14720"], region="eu")
    >>> table.column("maker").to_pylist(), table.column("warnings").to_pylist()
    (['BYD', 'BMW'], [[], ['year_code']])
    >>> table.column("model_years").to_pylist()
    [[1995, 2025], []]
    """
    policy = _policy(region)
    scan = _scan(vins)
    flags, chars = scan.flags, scan.chars
    decodable = (flags & _vin.FLAG_DECODABLE) != 0
    first, candidates = _kernels.model_years(flags, chars, policy.position7_rule)
    positions = _position_columns(chars, decodable)
    columns = _verdict_columns(scan, policy)
    columns.update((name, positions[name]) for name in ("wmi", "vds", "vis"))
    columns.update(_wmi_columns(_kernels.wmi_codes(flags, chars)))
    columns["check_digit_ok"] = pa.array(
        (flags & _vin.FLAG_CHECK_DIGIT) == 0, mask=(flags & _vin.FLAG_CHECKED) == 0
    )
    columns["model_years"] = _year_lists(first, candidates)
    columns.update((name, positions[name]) for name in ("plant", "serial"))
    return pa.table(columns)


# -- input -------------------------------------------------------------------------------------


def vin_characters(vins: Any, *, region: Region = "cn") -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Normalised VINs, their (n, 17) character matrix and which are valid under ``region``.

    For the package's pattern index (``vin_index``): the same reading as :func:`validate_vins`.
    """
    policy = _policy(region)
    scan = _scan(vins)
    return scan.vin, scan.chars, (scan.flags & policy.invalid) == 0


class _Scan(NamedTuple):
    """Kernel results for a batch: normalised VINs, flags and the (n, 17) character matrix."""

    vin: pa.Array
    flags: npt.NDArray[np.uint16]
    chars: npt.NDArray[np.uint8]


def _policy(region: object) -> _Policy:
    if not isinstance(region, str) or region not in _POLICIES:
        raise DataError(f"region must be one of 'cn', 'na', 'eu', 'any', got {region!r}")
    return _POLICIES[region]


def _scalar(vin: object) -> str | None:
    if vin is not None and not isinstance(vin, str):
        raise ColumnTypeError(f"vin must be a string or None, got {type(vin).__name__}")
    return vin


def _scan(vins: Any) -> _Scan:
    try:
        array = as_string_array(vins, "vins")
    except UnicodeEncodeError as exc:
        raise DataError(f"vins must be valid Unicode text: {exc}") from None
    scans = [_scan_chunk(chunk) for chunk in array.chunks]
    if len(scans) == 1:
        return scans[0]
    if not scans:
        return _scan_strings(pa.array([], pa.string()))
    return _Scan(
        pa.concat_arrays([s.vin for s in scans]),
        np.concatenate([s.flags for s in scans]),
        np.concatenate([s.chars for s in scans]),
    )


def _scan_chunk(chunk: pa.Array) -> _Scan:
    """Scan one chunk; a dictionary chunk scans its dictionary once and gathers by index."""
    if not pa.types.is_dictionary(chunk.type):
        return _scan_strings(chunk)
    entries = _scan_strings(chunk.dictionary)
    # A null index points one past the dictionary, at an entry marked missing.
    index = chunk.indices.cast(pa.int64()).fill_null(len(chunk.dictionary)).to_numpy()
    flags = np.append(entries.flags, np.uint16(_vin.FLAG_MISSING))[index]
    chars = np.concatenate([entries.chars, np.zeros((1, 17), np.uint8)])[index]
    return _Scan(entries.vin.take(chunk.indices), flags, chars)


def _scan_strings(array: pa.Array) -> _Scan:
    offsets, data = _kernels.normalize_vins(*string_buffers(array))
    flags, chars = _kernels.check_vins(offsets, data)
    validity = None
    if array.null_count:
        missing = array.is_null().to_numpy(zero_copy_only=False)
        flags[missing] = _vin.FLAG_MISSING
        chars[missing] = 0
        validity = pa.py_buffer(np.packbits(~missing, bitorder="little"))
    vin = pa.StringArray.from_buffers(
        len(array),
        pa.py_buffer(offsets.astype(np.int32)),
        pa.py_buffer(data),
        validity,
        array.null_count,
    )
    return _Scan(vin, flags, chars)


# -- output ------------------------------------------------------------------------------------


def _verdict_columns(scan: _Scan, policy: _Policy) -> dict[str, pa.Array]:
    return {
        "vin": scan.vin,
        "valid": pa.array((scan.flags & policy.invalid) == 0),
        "reasons": _reason_lists(scan.flags, policy.invalid),
        "warnings": _reason_lists(scan.flags, policy.warn),
    }


def _reason_lists(flags: npt.NDArray[np.uint16], mask: int) -> pa.ListArray:
    """The reason codes of ``flags & mask`` per row; only flagged rows are looked at."""
    selected = flags & mask
    rows = np.flatnonzero(selected)
    hits = (selected[rows, None] & _REASON_BITS) != 0
    counts = np.zeros(len(flags), np.int32)
    counts[rows] = hits.sum(axis=1)
    names = _REASON_NAMES.take(pa.array(np.nonzero(hits)[1], pa.int32()))
    return pa.ListArray.from_arrays(pa.array(_offsets(counts)), names)


def _offsets(counts: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    offsets = np.zeros(len(counts) + 1, np.int32)
    np.cumsum(counts, out=offsets[1:])
    return offsets


_SPANS = {"wmi": (0, 3), "vds": (3, 9), "vis": (9, 17), "plant": (10, 11), "serial": (11, 17)}


def _position_columns(
    chars: npt.NDArray[np.uint8], rows: npt.NDArray[np.bool_]
) -> dict[str, pa.StringArray]:
    """The spans of positions in ``_SPANS`` as string columns, null where ``rows`` is False."""
    everywhere = bool(rows.all())
    kept = chars if everywhere else chars[rows]
    validity = None if everywhere else pa.py_buffer(np.packbits(rows, bitorder="little"))
    ends = _offsets(rows.astype(np.int32))
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


def _wmi_columns(codes: npt.NDArray[np.int32]) -> dict[str, pa.DictionaryArray]:
    """Maker, country, ISO 3780 country and area from the WMI codes (-1: unknown)."""
    tables = wmi_tables()
    lookups = {
        "maker": (tables.maker_of[codes], tables.makers),
        "country": (tables.country_of[codes], tables.countries),
        "origin_country": (tables.origin_of[codes // 36], tables.origins),
        "origin_area": (tables.area_of[codes // 1296], tables.areas),
    }
    return {
        name: pa.DictionaryArray.from_arrays(pa.array(index, mask=index < 0), dictionary)
        for name, (index, dictionary) in lookups.items()
    }


def _year_lists(first: npt.NDArray[np.int16], candidates: npt.NDArray[np.uint8]) -> pa.ListArray:
    """Model-year candidates per row, ascending, from the kernel's first year and bits."""
    years = np.stack([first, first + np.int16(30)], axis=1)
    chosen = np.stack([(candidates & 1) != 0, (candidates & 2) != 0], axis=1)
    values = pa.array(years[chosen], pa.int16())
    return pa.ListArray.from_arrays(pa.array(_offsets(chosen.sum(axis=1, dtype=np.int32))), values)
