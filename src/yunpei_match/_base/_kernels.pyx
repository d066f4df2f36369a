# cython: language_level=3
# distutils: language = c++
"""Compiled kernels shared by every domain: the id hash table and the checks of loaded arrays.

Data layout
-----------
Strings arrive as one Arrow-style string array: ``offsets`` (int32 or int64, ``n + 1``) into
``data`` (uint8). ``StringTable`` hashes the strings of such an array once (open addressing)
and maps query strings to their positions. The checks scan arrays read from disk and report the
first position that breaks a layout rule, so the Python caller can name it in its error.

Contract
--------
Callers validate the arrays' dtypes and lengths before they reach a kernel. Kernels run with
bounds checks off (setup.py), release the GIL, and allocate their outputs with numpy.
"""

import numpy as np

cimport numpy as cnp
from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t
from libc.string cimport memcmp, memcpy

from yunpei_match._base.prefetch cimport __builtin_prefetch

cnp.import_array()


# --- the hash table from id strings to codes -------------------------------------------------

cdef enum:
    PIPELINE = 8  # queries between two stages of find_many: enough misses in flight


cdef inline uint64_t _hash_bytes(const uint8_t* data, Py_ssize_t size) noexcept nogil:
    """FNV-1a, then a murmur-style finaliser so that the low bits used for probing are mixed."""
    cdef uint64_t h = 14695981039346656037ULL
    cdef Py_ssize_t i
    for i in range(size):
        h = (h ^ data[i]) * 1099511628211ULL
    h ^= h >> 33
    h *= 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    return h


cdef class StringTable:
    """A hash table from the strings of one Arrow string array to their positions (codes).

    Built once over a catalogue's unique ids (open addressing, linear probing, load <= 1/2) and
    kept, so a batch lookup hashes only the queries, never the catalogue's ids again.

    Parameters
    ----------
    offsets : int64 array of n + 1
        Start of each string in ``data`` (Arrow's offsets, widened, rebased to 0).
    data : uint8 array
        The concatenated UTF-8 bytes.
    """

    cdef const int64_t[::1] offsets
    cdef const uint8_t[::1] data
    cdef int32_t[::1] slots
    cdef uint64_t mask

    def __init__(self, const int64_t[::1] offsets, const uint8_t[::1] data):
        cdef Py_ssize_t n = offsets.shape[0] - 1, capacity = 8, i
        while capacity < 2 * n:
            capacity *= 2
        self.offsets = offsets
        self.data = data
        self.slots = np.full(capacity, -1, np.int32)
        self.mask = capacity - 1
        with nogil:
            for i in range(n):
                self._insert(<int32_t> i)

    cdef void _insert(self, int32_t code) noexcept nogil:
        cdef int64_t start = self.offsets[code]
        cdef uint64_t slot = _hash_bytes(&self.data[0] + start if self.data.shape[0] else NULL,
                                         self.offsets[code + 1] - start) & self.mask
        while self.slots[slot] >= 0:
            slot = (slot + 1) & self.mask
        self.slots[slot] = code

    cdef int32_t _find(self, const uint8_t* key, Py_ssize_t size) noexcept nogil:
        cdef uint64_t slot = _hash_bytes(key, size) & self.mask
        cdef int32_t code
        cdef int64_t start
        while True:
            code = self.slots[slot]
            if code < 0:
                return -1
            start = self.offsets[code]
            if self.offsets[code + 1] - start == size and (
                size == 0 or memcmp(&self.data[start], key, size) == 0
            ):
                return code
            slot = (slot + 1) & self.mask

    def find(self, bytes key):
        """Code of one UTF-8 encoded id, or -1."""
        return self._find(<const uint8_t*> key, len(key))

    def find_many(self, const int64_t[::1] offsets, const uint8_t[::1] data):
        """Codes of many ids given as Arrow-style offsets and bytes; -1 where absent.

        A lookup in a large table is three cache misses in a row (slot, offsets, bytes). The
        loop is software-pipelined: while query ``i`` is compared, the bytes of ``i + D``, the
        offsets of ``i + 2D`` and the slot of ``i + 3D`` are being fetched, so the misses of
        many queries overlap instead of adding up.
        """
        cdef Py_ssize_t m = offsets.shape[0] - 1, i, r
        codes_arr = np.empty(max(m, 0), np.int32)
        cdef int32_t[::1] codes = codes_arr
        cdef uint64_t[::1] slot = np.empty(max(m, 0), np.uint64)
        cdef const uint8_t* base = &data[0] if data.shape[0] else NULL
        cdef const uint8_t* key
        cdef int32_t code
        with nogil:
            for i in range(m + 3 * PIPELINE):
                r = i  # stage 1: hash, fetch the slot
                if r < m:
                    key = base + offsets[r] if base != NULL else NULL
                    slot[r] = _hash_bytes(key, offsets[r + 1] - offsets[r]) & self.mask
                    __builtin_prefetch(&self.slots[slot[r]])
                r = i - PIPELINE  # stage 2: read the slot, fetch the candidate's offsets
                if 0 <= r < m:
                    code = self.slots[slot[r]]
                    codes[r] = code
                    if code >= 0:
                        __builtin_prefetch(&self.offsets[code])
                r = i - 2 * PIPELINE  # stage 3: read the offsets, fetch the candidate's bytes
                if 0 <= r < m and codes[r] >= 0 and self.data.shape[0]:
                    __builtin_prefetch(&self.data[self.offsets[codes[r]]])
                r = i - 3 * PIPELINE  # stage 4: compare (probing on synchronously if needed)
                if 0 <= r < m:
                    key = base + offsets[r] if base != NULL else NULL
                    codes[r] = self._find(key, offsets[r + 1] - offsets[r])
        return codes_arr


# --- checks of arrays read from disk ---------------------------------------------------------

def first_decrease(const int64_t[::1] offsets):
    """Position of the first ``offsets[i] < offsets[i-1]``, or -1 if non-decreasing."""
    cdef Py_ssize_t i, n = offsets.shape[0], found = -1
    with nogil:
        for i in range(1, n):
            if offsets[i] < offsets[i - 1]:
                found = i
                break
    return found


def first_out_of_range(const int32_t[::1] values, int32_t low, int32_t high):
    """Position of the first value outside ``[low, high)``, or -1 if all are inside."""
    cdef Py_ssize_t i, n = values.shape[0], found = -1
    with nogil:
        for i in range(n):
            if values[i] < low or values[i] >= high:
                found = i
                break
    return found


ctypedef fused string_offset_t:
    int32_t
    int64_t


def first_bad_string(const string_offset_t[::1] offsets, const uint8_t[::1] data):
    """Row of the first string whose offsets are out of order or outside ``data``; failing
    that, of the first string that is not strict UTF-8; -1 if every string is sound.

    ``offsets`` has one entry more than there are strings (Arrow's layout, int32 or int64).
    Strict UTF-8 is what Python's decoder accepts: no overlong forms, surrogates or code
    points past U+10FFFF. The strings are checked as one run of bytes, then each start for a
    continuation byte (a character cut in two): together that holds exactly when every string
    is valid, and costs one pass instead of one call per string. Only a bad column is walked
    string by string, to find its first bad row.
    """
    cdef Py_ssize_t i, n = offsets.shape[0] - 1, size = data.shape[0], found = -1
    cdef const uint8_t* base = &data[0] if size else NULL
    cdef bint sound
    with nogil:
        for i in range(n):
            if offsets[i] < 0 or offsets[i + 1] < offsets[i] or offsets[i + 1] > size:
                found = i
                break
        if found < 0 and n > 0:
            sound = _is_utf8(base, offsets[0], offsets[n])
            i = 1
            while sound and i < n:
                sound = offsets[i] == offsets[n] or (base[offsets[i]] & 0xC0) != 0x80
                i += 1
            if not sound:
                for i in range(n):
                    if not _is_utf8(base, offsets[i], offsets[i + 1]):
                        found = i
                        break
    return found


cdef inline bint _is_utf8(const uint8_t* data, Py_ssize_t start, Py_ssize_t stop) noexcept nogil:
    """``data[start:stop]`` is well-formed UTF-8 (the byte sequences of Unicode's table 3-7).

    Runs of ASCII, nearly all the bytes of ids and part numbers, go 32 bytes a step.
    """
    cdef Py_ssize_t i = start, j, tail
    cdef uint64_t words[4]
    cdef uint8_t b, low, high
    while i < stop:
        if i + 32 <= stop:
            memcpy(words, data + i, 32)
            if not ((words[0] | words[1] | words[2] | words[3]) & 0x8080808080808080ULL):
                i += 32
                continue
        b = data[i]
        if b < 0x80:
            i += 1
            continue
        low, high = 0x80, 0xBF  # the second byte's range; every later byte is 80..BF
        if 0xC2 <= b <= 0xDF:
            tail = 1
        elif 0xE0 <= b <= 0xEF:
            tail = 2
            if b == 0xE0:
                low = 0xA0  # overlong below U+0800
            elif b == 0xED:
                high = 0x9F  # surrogates
        elif 0xF0 <= b <= 0xF4:
            tail = 3
            if b == 0xF0:
                low = 0x90  # overlong below U+10000
            elif b == 0xF4:
                high = 0x8F  # past U+10FFFF
        else:
            return False
        if stop - i <= tail or not (low <= data[i + 1] <= high):
            return False
        for j in range(i + 2, i + tail + 1):
            if not (0x80 <= data[j] <= 0xBF):
                return False
        i += tail + 1
    return True
