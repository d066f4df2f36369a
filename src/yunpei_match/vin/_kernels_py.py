"""Pure-Python twins of the kernels in ``_kernels.pyx``: the same names, the same results.

Each function decodes every row to a Python string and applies the rules of ISO 3779, GB 16735
and 49 CFR 565 the most obvious way, so that it is plainly right; tests compare it with the
compiled kernels on random input. Nothing here is fast and nothing here should be used in
production.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FLAG_MISSING = 1
FLAG_EMPTY = 2
FLAG_LENGTH = 4
FLAG_CHARACTER = 8
FLAG_LETTER_IOQ = 16
FLAG_YEAR_CODE = 32
FLAG_CHECK_DIGIT = 64
FLAG_VIS_DIGITS = 128
FLAG_VIS_DIGIT_13 = 256
FLAG_CHECKED = 512
FLAG_DECODABLE = 1024

# Transliteration of letters for the check digit (ISO 3779 / 49 CFR 565.15); I, O, Q have none.
LETTER_VALUES = dict(
    zip(
        "ABCDEFGHJKLMNPRSTUVWXYZ",
        (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9),
        strict=True,
    )
)
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 1980, 1981, ... 2009
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

Int64Array = npt.NDArray[np.int64]
UInt8Array = npt.NDArray[np.uint8]
UInt16Array = npt.NDArray[np.uint16]


def _rows(offsets: Int64Array, data: UInt8Array) -> list[str]:
    raw = data.tobytes()
    return [
        raw[start:stop].decode("utf-8", "surrogateescape")
        for start, stop in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)
    ]


def _normalize(text: str) -> str:
    kept = []
    for char in text:
        if "\uff01" <= char <= "\uff5e":
            char = chr(ord(char) - 0xFEE0)
        elif char == "\u3000":
            char = " "
        if char in " -.":
            continue
        kept.append(char.upper() if "a" <= char <= "z" else char)
    return "".join(kept)


def normalize_vins(offsets: Int64Array, data: UInt8Array) -> tuple[Int64Array, UInt8Array]:
    """Normalised copies of a batch of strings; see ``_kernels.normalize_vins``."""
    encoded = [_normalize(text).encode("utf-8", "surrogateescape") for text in _rows(offsets, data)]
    out_offsets = np.concatenate([[0], np.cumsum([len(b) for b in encoded])]).astype(np.int64)
    return out_offsets, np.frombuffer(b"".join(encoded), np.uint8).copy()


def check_digit(vin: str) -> str:
    """The check digit of a 17-character VIN over the VIN alphabet ('0'-'9' or 'X')."""
    values = [int(c) if c.isdigit() else LETTER_VALUES[c] for c in vin]
    remainder = sum(v * w for v, w in zip(values, WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def _flags(vin: str) -> int:
    if not vin:
        return FLAG_EMPTY
    flags = 0
    if len(vin) != 17:
        flags |= FLAG_LENGTH
    if any(c not in ALNUM for c in vin):
        flags |= FLAG_CHARACTER
    if any(c in "IOQ" for c in vin):
        flags |= FLAG_LETTER_IOQ
    if flags & (FLAG_LENGTH | FLAG_CHARACTER):
        return flags
    flags |= FLAG_DECODABLE
    if vin[9] in "UZ0":
        flags |= FLAG_YEAR_CODE
    if not vin[13:].isdigit():  # positions 14-17
        flags |= FLAG_VIS_DIGITS
    if not vin[12].isdigit():  # position 13
        flags |= FLAG_VIS_DIGIT_13
    if not flags & FLAG_LETTER_IOQ:
        flags |= FLAG_CHECKED
        if vin[8] != check_digit(vin):
            flags |= FLAG_CHECK_DIGIT
    return flags


def check_vins(offsets: Int64Array, data: UInt8Array) -> tuple[UInt16Array, UInt8Array]:
    """Flags and the (n, 17) matrix of decodable VINs; see ``_kernels.check_vins``."""
    rows = _rows(offsets, data)
    flags = np.array([_flags(vin) for vin in rows], np.uint16)
    chars = np.zeros((len(rows), 17), np.uint8)
    for i, vin in enumerate(rows):
        if flags[i] & FLAG_DECODABLE:
            chars[i] = list(vin.encode("ascii"))
    return flags, chars


def wmi_codes(flags: UInt16Array, chars: UInt8Array) -> npt.NDArray[np.int32]:
    """Base-36 code of positions 1-3 of decodable rows, -1 elsewhere; see ``_kernels.wmi_codes``."""
    codes = []
    for row, flag in zip(chars.tolist(), flags.tolist(), strict=True):
        wmi = bytes(row[:3]).decode("ascii")
        codes.append(int(wmi, 36) if flag & FLAG_DECODABLE else -1)
    return np.array(codes, np.int32)


def model_years(
    flags: UInt16Array, chars: UInt8Array, position7_rule: bool
) -> tuple[npt.NDArray[np.int16], UInt8Array]:
    """First year of the position-10 code and candidate bits; see ``_kernels.model_years``."""
    first, candidates = [], []
    for row, flag in zip(chars.tolist(), flags.tolist(), strict=True):
        code, position7 = chr(row[9]), chr(row[6])
        if not flag & FLAG_DECODABLE or code not in YEAR_CODES:
            first.append(0)
            candidates.append(0)
            continue
        first.append(1980 + YEAR_CODES.index(code))
        if not position7_rule:
            candidates.append(3)
        else:
            candidates.append(1 if position7.isdigit() else 2)
    return np.array(first, np.int16), np.array(candidates, np.uint8)
