"""VIN normalisation, validation and decoding (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial
from types import ModuleType
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from .._base.ids import as_string_array, string_buffers
from .._base.kernel_choice import Kernels, kernels_of
from ..errors import ColumnTypeError, DataError
from . import _kernels as _flags  # the flag bits only: the twin has the same (a twin test checks)
from ._columns import offsets, position_columns, small_maker_columns, wmi_columns, year_lists
from ._text import LOOKALIKE_DIGITS, explain_codes

__all__ = [
    "REASONS",
    "Region",
    "VinDecoding",
    "VinVerdict",
    "decode_vin",
    "decode_vins",
    "explain_vin",
    "validate_vin",
    "validate_vins",
]

Region = Literal["cn", "na", "eu", "any"]

#: Reason codes in the order they are reported; bit ``k`` of a kernel's flags is ``REASONS[k]``.
REASONS = (
    "missing",
    "empty",
    "length",
    "character",
    "letter_ioq",
    "year_code",
    "check_digit",
    "vis_digits",
    "vis_digit_13",
)

_ALL_REASONS = (1 << len(REASONS)) - 1
_EU_WARNINGS = _flags.FLAG_YEAR_CODE | _flags.FLAG_CHECK_DIGIT
_LIGHT_VEHICLE = _flags.FLAG_VIS_DIGIT_13  # 49 CFR 565 only, and only for light vehicles
_REASON_BITS = np.array([1 << k for k in range(len(REASONS))], np.uint16)


@cache
def _reason_names() -> pa.Array:
    """The reason codes as an Arrow array, made on first use: pyarrow's first ``pa.array``
    imports pandas when it is installed, which importing this module should not pay for."""
    return pa.array(REASONS, pa.string())


class _Policy(NamedTuple):
    invalid: int  # flags that make a VIN invalid
    warn: int  # flags reported as warnings
    position7_rule: bool


_POLICIES = {
    "cn": _Policy(_ALL_REASONS & ~_LIGHT_VEHICLE, 0, False),
    "na": _Policy(_ALL_REASONS & ~_LIGHT_VEHICLE, _LIGHT_VEHICLE, True),
    "eu": _Policy(_ALL_REASONS & ~(_EU_WARNINGS | _LIGHT_VEHICLE), _EU_WARNINGS, False),
    "any": _Policy(_ALL_REASONS & ~(_EU_WARNINGS | _LIGHT_VEHICLE), _EU_WARNINGS, False),
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
    maker : str or None
        The holder of the WMI (the company it is allocated to), from the shipped WMI table.
    brand : str or None
        The one brand the WMI's vehicles carry; None when the WMI is shared by several brands
        or not in the table.
    country : str or None
        Where the WMI's vehicles are built, from the shipped WMI table.
    origin_country, origin_area : str or None
        The country ISO 3780 allocates the first two characters to (the body that issued the
        WMI) and the area of the first one; known for every WMI, listed or not.
    check_digit_ok : bool or None
        Whether position 9 is the check digit; None when it cannot be computed.
    model_years : tuple of int
        Candidate model years from position 10, ascending: two 30 years apart, one when the
        position-7 rule applies (``region="na"``), none when position 10 is not a year code.
    plant : str or None
        Position 11.
    maker_code : str or None
        A small manufacturer's six-character code (the WMI, ending in ``9``, plus positions
        12-14); None for every other VIN.
    serial : str or None
        The production sequence number: positions 15-17 of a small manufacturer's VIN,
        positions 12-17 of any other.
    """

    vin: str | None
    valid: bool
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    wmi: str | None
    vds: str | None
    vis: str | None
    maker: str | None
    brand: str | None
    country: str | None
    origin_country: str | None
    origin_area: str | None
    check_digit_ok: bool | None
    model_years: tuple[int, ...]
    plant: str | None
    maker_code: str | None
    serial: str | None


def validate_vin(
    vin: str | None, *, region: Region = "cn", kernels: Kernels = "compiled"
) -> VinVerdict:
    """Validate one VIN; the scalar form of :func:`validate_vins`.

    Parameters
    ----------
    vin : str or None
        As typed: case, full-width characters, spaces, dashes and dots do not matter.
    region : {"cn", "na", "eu", "any"}
        Whose rules apply to the check digit and the model-year code (see the module notes).
    kernels : {"compiled", "reference"}
        The compiled kernels (default) or their pure-Python twins, as for
        ``Catalog.from_tables``.

    Returns
    -------
    VinVerdict

    Raises
    ------
    ColumnTypeError
        If ``vin`` is neither a string nor None.
    DataError
        If ``region`` is not one of the four, ``kernels`` neither choice, or ``vin`` is not
        valid Unicode.

    Examples
    --------
    >>> validate_vin("ＬＳＶＡＵ２１８Ｘ Ｎ２１８３２９４")
    VinVerdict(vin='LSVAU218XN2183294', valid=True, reasons=(), warnings=())
    >>> validate_vin("LSVAU2180N2183294").reasons
    ('check_digit',)
    >>> validate_vin("WVWZZZ1KZ").reasons
    ('length',)
    """
    row = validate_vins([_scalar(vin)], region=region, kernels=kernels).to_pylist()[0]
    return VinVerdict(row["vin"], row["valid"], tuple(row["reasons"]), tuple(row["warnings"]))


def decode_vin(
    vin: str | None, *, region: Region = "cn", kernels: Kernels = "compiled"
) -> VinDecoding:
    """Validate and decode one VIN; the scalar form of :func:`decode_vins`.

    Parameters
    ----------
    vin : str or None
        As typed (see :func:`validate_vin`).
    region : {"cn", "na", "eu", "any"}
        Whose rules apply; ``"na"`` also applies the position-7 model-year rule.
    kernels : {"compiled", "reference"}
        As for :func:`validate_vin`.

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
    >>> d = decode_vin("JTHBK1GG0D2012345")
    >>> d.maker, d.brand, d.country
    ('Toyota', 'Lexus', 'Japan')
    """
    row = decode_vins([_scalar(vin)], region=region, kernels=kernels).to_pylist()[0]
    for name in ("reasons", "warnings", "model_years"):
        row[name] = tuple(row[name])
    return VinDecoding(**row)


def validate_vins(vins: Any, *, region: Region = "cn", kernels: Kernels = "compiled") -> pa.Table:
    """Validate a batch of VINs.

    Parameters
    ----------
    vins : sequence of str
        A list, numpy array, pyarrow Array or ChunkedArray (dictionary-encoded or not) or a
        polars Series of strings; nulls are allowed.
    region : {"cn", "na", "eu", "any"}
        Whose rules apply (see the module notes).
    kernels : {"compiled", "reference"}
        As for :func:`validate_vin`.

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
        If ``region`` is not one of the four, ``kernels`` neither choice, or a string is not
        valid Unicode.

    Examples
    --------
    >>> table = validate_vins(["LFV2A21K6A3092399", "XTAGFK330JY144213", None])
    >>> table.column("valid").to_pylist()
    [True, False, False]
    >>> table.column("reasons").to_pylist()
    [[], ['check_digit'], ['missing']]
    """
    policy = _policy(region)
    return pa.table(_verdict_columns(_scan(vins, kernels_of(__name__, kernels)), policy))


def decode_vins(vins: Any, *, region: Region = "cn", kernels: Kernels = "compiled") -> pa.Table:
    """Validate and decode a batch of VINs.

    Parameters
    ----------
    vins : sequence of str
        As for :func:`validate_vins`.
    region : {"cn", "na", "eu", "any"}
        Whose rules apply; ``"na"`` also applies the position-7 model-year rule.
    kernels : {"compiled", "reference"}
        As for :func:`validate_vin`.

    Returns
    -------
    pyarrow.Table
        The columns of :func:`validate_vins`, then ``wmi``, ``vds``, ``vis`` (string),
        ``maker``, ``brand``, ``country``, ``origin_country``, ``origin_area``
        (dictionary-encoded string), ``check_digit_ok`` (bool), ``model_years`` (list of
        int16), ``plant``, ``maker_code`` and ``serial`` (string): the fields of
        :class:`VinDecoding`, null where unknown.

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
    impl = kernels_of(__name__, kernels)
    scan = _scan(vins, impl)
    flags, chars = scan.flags, scan.chars
    decodable = (flags & _flags.FLAG_DECODABLE) != 0
    first, candidates = impl.model_years(flags, chars, policy.position7_rule)
    positions = position_columns(chars, decodable)
    columns = _verdict_columns(scan, policy)
    columns.update((name, positions[name]) for name in ("wmi", "vds", "vis"))
    columns.update(wmi_columns(impl.wmi_codes(flags, chars)))
    columns["check_digit_ok"] = pa.array(
        (flags & _flags.FLAG_CHECK_DIGIT) == 0, mask=(flags & _flags.FLAG_CHECKED) == 0
    )
    columns["model_years"] = year_lists(first, candidates)
    columns["plant"] = positions["plant"]
    columns.update(small_maker_columns(chars, decodable, positions))
    return pa.table(columns)


def explain_vin(
    vin: str | None, *, region: Region = "cn", kernels: Kernels = "compiled"
) -> tuple[str, ...]:
    """What :func:`validate_vin` found, in words a parts clerk can act on.

    One sentence per reason, naming the position and the character found and, for a letter
    where a digit belongs, the digit it resembles; then one per warning, marked as allowed.
    When replacing those look-alike letters gives a VIN valid under ``region``, a sentence
    offers it. When the VIN comes from another region (its first character: ``L`` China,
    ``1``-``5`` North America, ``S``-``Z`` Europe) whose rules accept it as it is, a sentence
    names that region; a VIN of the region itself that fails its rules is mistyped, and no
    other region is offered for it. The reason codes stay in :class:`VinVerdict`, for programs.

    Parameters
    ----------
    vin : str or None
        As typed (see :func:`validate_vin`).
    region : {"cn", "na", "eu", "any"}
        Whose rules apply.
    kernels : {"compiled", "reference"}
        As for :func:`validate_vin`.

    Returns
    -------
    tuple of str
        Empty for a VIN valid under ``region`` without warnings.

    Raises
    ------
    ColumnTypeError, DataError
        As :func:`validate_vin` does.

    Examples
    --------
    >>> explain_vin("LSVNC2680JTO53641")[0]
    'letter O at position 12: VINs never use I, O or Q; did you mean 0?'
    >>> explain_vin("LSVNC2680JTO53641")[1]
    'did you mean LSVNC2680JT053641? It passes every check of the cn rules'
    >>> explain_vin("WP0ZZZ99ZTS392124")[1]
    "a VIN from Europe, whose rules (region='eu') accept it"
    >>> explain_vin("1M8GDM9AXKP042788")
    ()
    """
    verdict = validate_vin(vin, region=region, kernels=kernels)
    check_digit = partial(_check_digit, impl=kernels_of(__name__, kernels))
    lines = explain_codes(verdict.vin, verdict.reasons, check_digit)
    lines += [
        f"{line} (allowed under the {region} rules)"
        for line in explain_codes(verdict.vin, verdict.warnings, check_digit)
    ]
    if verdict.valid:
        return tuple(lines)
    fixed = _corrected(verdict.vin, region, kernels)
    if fixed is not None:
        lines.append(f"did you mean {fixed}? It passes every check of the {region} rules")
    home = home_region(verdict.vin, besides=region, kernels=kernels)
    if home is not None:
        lines.append(f"a VIN from {_HOME_NAMES[home]}, whose rules (region={home!r}) accept it")
    return tuple(lines)


_HOMES: dict[str, Region] = {
    **dict.fromkeys("L", "cn"),
    **dict.fromkeys("12345", "na"),
    **dict.fromkeys("STUVWXYZ", "eu"),
}
_HOME_NAMES = {"cn": "China", "na": "North America", "eu": "Europe"}


def home_region(
    vin: str | None, *, besides: Region, kernels: Kernels = "compiled"
) -> Region | None:
    """The region ``vin`` comes from, if it is not ``besides`` and its rules accept ``vin``."""
    home = _HOMES.get(vin[0]) if vin else None
    if home is None or home == besides:
        return None
    if not validate_vin(vin, region=home, kernels=kernels).valid:
        return None
    return home


def _corrected(vin: str | None, region: Region, kernels: Kernels) -> str | None:
    """``vin`` with look-alike letters replaced where digits belong, if that makes it valid."""
    if vin is None or len(vin) != 17:
        return None
    digits = range(12 if region == "na" else 13, 17)
    fixed = "".join(
        LOOKALIKE_DIGITS.get(c, c) if c in "IOQ" or p in digits else c for p, c in enumerate(vin)
    )
    if fixed == vin or not validate_vin(fixed, region=region, kernels=kernels).valid:
        return None
    return fixed


def _check_digit(vin: str, impl: ModuleType) -> str:
    """The check digit of a 17-character VIN: the one of 0-9, X the kernel finds right."""
    trials = [vin[:8] + digit + vin[9:] for digit in "0123456789X"]
    right = (_scan(trials, impl).flags & _flags.FLAG_CHECK_DIGIT) == 0
    return "0123456789X"[int(np.argmax(right))]


# -- input -------------------------------------------------------------------------------------


def vin_characters(
    vins: Any, *, region: Region = "cn", kernels: Kernels = "compiled"
) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Normalised VINs, their (n, 17) character matrix and which are valid under ``region``.

    For the package's pattern index (``vin_index``): the same reading as :func:`validate_vins`.
    """
    policy = _policy(region)
    scan = _scan(vins, kernels_of(__name__, kernels))
    return scan.vin, scan.chars, (scan.flags & policy.invalid) == 0


class _Scan(NamedTuple):
    """Kernel results for a batch: normalised VINs, flags and the (n, 17) character matrix."""

    vin: pa.Array
    flags: npt.NDArray[np.uint16]
    chars: npt.NDArray[np.uint8]


def check_region(region: object) -> None:
    """Raise ``DataError`` unless ``region`` is "cn", "na", "eu" or "any"."""
    _policy(region)


def _policy(region: object) -> _Policy:
    if not isinstance(region, str) or region not in _POLICIES:
        raise DataError(f"region must be one of 'cn', 'na', 'eu', 'any', got {region!r}")
    return _POLICIES[region]


def _scalar(vin: object) -> str | None:
    if vin is not None and not isinstance(vin, str):
        raise ColumnTypeError(f"vin must be a string or None, got {type(vin).__name__}")
    return vin


def _scan(vins: Any, impl: ModuleType) -> _Scan:
    array = as_string_array(vins, "vins")  # a lone surrogate is a DataError there
    scans = [_scan_chunk(chunk, impl) for chunk in array.chunks]
    if len(scans) == 1:
        return scans[0]
    if not scans:
        return _scan_strings(pa.array([], pa.string()), impl)
    return _Scan(
        pa.concat_arrays([s.vin for s in scans]),
        np.concatenate([s.flags for s in scans]),
        np.concatenate([s.chars for s in scans]),
    )


def _scan_chunk(chunk: pa.Array, impl: ModuleType) -> _Scan:
    """Scan one chunk; a dictionary chunk scans its dictionary once and gathers by index."""
    if not pa.types.is_dictionary(chunk.type):
        return _scan_strings(chunk, impl)
    entries = _scan_strings(chunk.dictionary, impl)
    # A null index points one past the dictionary, at an entry marked missing.
    index = chunk.indices.cast(pa.int64()).fill_null(len(chunk.dictionary)).to_numpy()
    flags = np.append(entries.flags, np.uint16(_flags.FLAG_MISSING))[index]
    chars = np.concatenate([entries.chars, np.zeros((1, 17), np.uint8)])[index]
    return _Scan(entries.vin.take(chunk.indices), flags, chars)


def _scan_strings(array: pa.Array, impl: ModuleType) -> _Scan:
    offsets, data = impl.normalize_vins(*string_buffers(array))
    flags, chars = impl.check_vins(offsets, data)
    validity = None
    if array.null_count:
        missing = array.is_null().to_numpy(zero_copy_only=False)
        flags[missing] = _flags.FLAG_MISSING
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
    names = _reason_names().take(pa.array(np.nonzero(hits)[1], pa.int32()))
    return pa.ListArray.from_arrays(pa.array(offsets(counts)), names)
