# cython: language_level=3
"""Compiled VIN kernels: normalisation, validation and decoding over Arrow string buffers.

Data layout
-----------
A batch of strings is Arrow's two buffers: ``offsets`` (int64, n + 1, zero-based) and ``data``
(uint8, UTF-8); row ``i`` is ``data[offsets[i]:offsets[i + 1]]``. ``normalize_vins`` returns a
batch in the same layout. ``check_vins`` reads a normalised batch and returns one ``flags`` word
per row plus ``chars``, an ``(n, 17)`` uint8 matrix holding the VIN of every row whose flags
carry ``FLAG_DECODABLE`` (zeros elsewhere). ``wmi_codes`` and ``model_years`` read that matrix,
so the structure of a VIN is decoded from fixed-width rows, never from Python strings.

Normalisation (the key every check uses): full-width ASCII (U+FF01-U+FF5E) becomes ASCII, the
ideographic space U+3000 becomes a space, ASCII space, ``-`` and ``.`` are dropped (a VIN pasted
as ``LSV AU218-X...`` still validates) and ``a-z`` become ``A-Z``. Every other byte is kept, so
control characters, emoji or Chinese text stay visible to the checks.

Flags (region-free findings; the Python layer turns them into reasons or warnings)
-----------------------------------------------------------------------------------
``FLAG_MISSING`` (set by the caller for null rows, never here), ``FLAG_EMPTY`` (nothing left
after normalisation), ``FLAG_LENGTH`` (not 17 characters), ``FLAG_CHARACTER`` (a character other
than A-Z, 0-9), ``FLAG_LETTER_IOQ`` (I, O or Q), ``FLAG_YEAR_CODE`` (position 10 is U, Z or 0),
``FLAG_CHECK_DIGIT`` (position 9 differs from the computed check digit), ``FLAG_VIS_DIGITS`` (a
letter among positions 14-17, the last four of the VIS, which ISO 3779, GB 16735 and 49 CFR 565
all require to be digits), ``FLAG_VIS_DIGIT_13`` (a letter in position 13, which 49 CFR 565.15(d)
also requires to be a digit for cars, MPVs and light trucks), ``FLAG_CHECKED`` (the check digit
was computed: 17 characters, all from the VIN alphabet) and ``FLAG_DECODABLE`` (17 ASCII letters
or digits, so positions can be read). Characters are counted as code points.

Contract
--------
Callers pass offsets that start at 0, never decrease and end within ``data`` (``string_buffers``
guarantees it); ``data`` is UTF-8 as Arrow promises; ``flags`` and ``chars`` passed together come
from one ``check_vins`` call. Kernels run with bounds checks off
(setup.py), release the GIL and allocate their outputs with numpy.
"""

import numpy as np

cimport numpy as cnp
from libc.stdint cimport int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t

cnp.import_array()

cdef enum:
    F_MISSING = 1
    F_EMPTY = 2
    F_LENGTH = 4
    F_CHARACTER = 8
    F_LETTER_IOQ = 16
    F_YEAR_CODE = 32
    F_CHECK_DIGIT = 64
    F_VIS_DIGITS = 128
    F_VIS_DIGIT_13 = 256
    F_CHECKED = 512
    F_DECODABLE = 1024
    VIN_LENGTH = 17

FLAG_MISSING = F_MISSING
FLAG_EMPTY = F_EMPTY
FLAG_LENGTH = F_LENGTH
FLAG_CHARACTER = F_CHARACTER
FLAG_LETTER_IOQ = F_LETTER_IOQ
FLAG_YEAR_CODE = F_YEAR_CODE
FLAG_CHECK_DIGIT = F_CHECK_DIGIT
FLAG_VIS_DIGITS = F_VIS_DIGITS
FLAG_VIS_DIGIT_13 = F_VIS_DIGIT_13
FLAG_CHECKED = F_CHECKED
FLAG_DECODABLE = F_DECODABLE

# Per-byte tables, filled once at import. _FOLD: the byte normalisation writes, with bit 0x100
# set when it drops the byte. _CLASS: the flags a byte raises (F_CHARACTER unless an ASCII letter
# or digit, F_LETTER_IOQ for I, O, Q). _VALUE: check-digit value of a VIN-alphabet character.
# _BASE36: 0-9 then A-Z as 10-35. _YEAR: first model year (1980-2009) of a position-10 code.
cdef uint16_t _FOLD[256]
cdef uint16_t _CLASS[256]
cdef int8_t _VALUE[256]
cdef int8_t _BASE36[256]
cdef int16_t _YEAR[256]
cdef int32_t _WEIGHT[17]


cdef void _fill_tables():
    cdef int i
    cdef bytes letters = b"ABCDEFGHJKLMNPRSTUVWXYZ"
    cdef bytes letter_values = b"12345678123457923456789"
    cdef bytes year_codes = b"ABCDEFGHJKLMNPRSTVWXY123456789"
    cdef tuple weights = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
    for i in range(256):
        _FOLD[i] = i - 0x20 if 0x61 <= i <= 0x7A else i
        _CLASS[i] = F_CHARACTER
        _VALUE[i] = 0
        _BASE36[i] = -1
        _YEAR[i] = 0
    for i in b" -.":
        _FOLD[i] |= 0x100
    for i in range(10):
        _CLASS[48 + i] = 0
        _VALUE[48 + i] = i
        _BASE36[48 + i] = i
    for i in range(26):
        _CLASS[65 + i] = 0
        _BASE36[65 + i] = 10 + i
    for i in b"IOQ":
        _CLASS[i] = F_LETTER_IOQ
    for i in range(len(letters)):
        _VALUE[letters[i]] = letter_values[i] - 48
    for i in range(len(year_codes)):
        _YEAR[year_codes[i]] = 1980 + i
    for i in range(17):
        _WEIGHT[i] = weights[i]


_fill_tables()


cdef inline bint _is_digit(uint8_t c) noexcept nogil:
    return 0x30 <= c <= 0x39


cdef inline int _fold_wide(uint8_t lead, uint8_t second, uint8_t third) noexcept nogil:
    """ASCII for the UTF-8 of U+FF01-U+FF5E (full-width) or U+3000 (a space), else -1."""
    if lead == 0xEF and second == 0xBC and 0x81 <= third <= 0xBF:
        return third - 0x60  # U+FF01..U+FF3F -> '!'..'_'
    if lead == 0xEF and second == 0xBD and 0x80 <= third <= 0x9E:
        return third - 0x20  # U+FF40..U+FF5E -> '`'..'~'
    if lead == 0xE3 and second == 0x80 and third == 0x80:
        return 0x20
    return -1


def normalize_vins(const int64_t[::1] offsets, const uint8_t[::1] data):
    """Normalised copies of a batch of strings (see the module notes); returns (offsets, data)."""
    cdef Py_ssize_t n = max(offsets.shape[0] - 1, 0), i
    out_offsets_arr = np.zeros(n + 1, np.int64)
    out_data_arr = np.empty(data.shape[0], np.uint8)
    cdef int64_t[::1] out_offsets = out_offsets_arr
    cdef uint8_t[::1] out = out_data_arr
    cdef int64_t j, end, k = 0
    cdef int wide
    cdef uint16_t folded
    cdef uint8_t c
    with nogil:
        for i in range(n):
            j = offsets[i]
            end = offsets[i + 1]
            while j < end:
                c = data[j]
                j += 1
                if c >= 0xE3 and j + 1 < end:
                    wide = _fold_wide(c, data[j], data[j + 1])
                    if wide >= 0:
                        c = <uint8_t> wide
                        j += 2
                # Written always, kept unless dropped: no branch on the byte's value.
                folded = _FOLD[c]
                out[k] = <uint8_t> folded
                k += 1 - (folded >> 8)
            out_offsets[i + 1] = k
    return out_offsets_arr, out_data_arr[:k]


cdef uint16_t _check_one(const uint8_t* s, int64_t size, uint8_t* row) noexcept nogil:
    """Flags of one normalised string; copies it into ``row`` when it is decodable."""
    cdef uint16_t flags = 0
    cdef int64_t j, count = 0
    cdef int32_t total = 0, remainder
    cdef uint8_t expected
    if size == 0:
        return F_EMPTY
    for j in range(size):
        count += (s[j] & 0xC0) != 0x80  # not a UTF-8 continuation byte: a new code point
        flags |= _CLASS[s[j]]
    if count != VIN_LENGTH:
        flags |= F_LENGTH
    if flags & (F_LENGTH | F_CHARACTER):
        return flags
    flags |= F_DECODABLE
    for j in range(VIN_LENGTH):
        row[j] = s[j]
    if s[9] == 0x55 or s[9] == 0x5A or s[9] == 0x30:  # U, Z, 0
        flags |= F_YEAR_CODE
    for j in range(13, VIN_LENGTH):
        if not _is_digit(s[j]):
            flags |= F_VIS_DIGITS
    if not _is_digit(s[12]):
        flags |= F_VIS_DIGIT_13
    if flags & F_LETTER_IOQ:
        return flags
    for j in range(VIN_LENGTH):
        total += _VALUE[s[j]] * _WEIGHT[j]
    remainder = total % 11
    expected = 0x58 if remainder == 10 else 0x30 + remainder  # 'X' or the digit
    flags |= F_CHECKED
    if s[8] != expected:
        flags |= F_CHECK_DIGIT
    return flags


def check_vins(const int64_t[::1] offsets, const uint8_t[::1] data):
    """Flags (uint16, n) and the decodable VINs as an (n, 17) uint8 matrix of a normalised batch."""
    cdef Py_ssize_t n = max(offsets.shape[0] - 1, 0), i
    flags_arr = np.zeros(n, np.uint16)
    chars_arr = np.zeros((n, VIN_LENGTH), np.uint8)
    cdef uint16_t[::1] flags = flags_arr
    cdef uint8_t[:, ::1] chars = chars_arr
    cdef const uint8_t* base = &data[0] if data.shape[0] else NULL
    with nogil:
        for i in range(n):
            flags[i] = _check_one(base + offsets[i] if base != NULL else NULL,
                                  offsets[i + 1] - offsets[i], &chars[i, 0])
    return flags_arr, chars_arr


def wmi_codes(const uint16_t[::1] flags, const uint8_t[:, ::1] chars):
    """Base-36 code (0-9 then A-Z) of positions 1-3 of each decodable row, -1 elsewhere."""
    cdef Py_ssize_t n = flags.shape[0], i
    codes_arr = np.full(n, -1, np.int32)
    cdef int32_t[::1] codes = codes_arr
    with nogil:
        for i in range(n):
            if flags[i] & F_DECODABLE:
                codes[i] = (_BASE36[chars[i, 0]] * 36 + _BASE36[chars[i, 1]]) * 36 \
                    + _BASE36[chars[i, 2]]
    return codes_arr


def model_years(const uint16_t[::1] flags, const uint8_t[:, ::1] chars, bint position7_rule):
    """Model-year candidates from position 10 of each decodable row.

    Returns ``first`` (int16: the 1980-2009 year of the code, 0 when position 10 is not a year
    code) and ``candidates`` (uint8 bits: 1 = ``first``, 2 = ``first + 30``). With
    ``position7_rule`` a digit in position 7 keeps only ``first`` and a letter only
    ``first + 30`` (49 CFR 565.15 for light vehicles); without it both are kept.
    """
    cdef Py_ssize_t n = flags.shape[0], i
    first_arr = np.zeros(n, np.int16)
    candidates_arr = np.zeros(n, np.uint8)
    cdef int16_t[::1] first = first_arr
    cdef uint8_t[::1] candidates = candidates_arr
    cdef int16_t year
    with nogil:
        for i in range(n):
            if not flags[i] & F_DECODABLE:
                continue
            year = _YEAR[chars[i, 9]]
            if year == 0:
                continue
            first[i] = year
            if not position7_rule:
                candidates[i] = 3
            elif 0x30 <= chars[i, 6] <= 0x39:
                candidates[i] = 1
            else:
                candidates[i] = 2
    return first_arr, candidates_arr
