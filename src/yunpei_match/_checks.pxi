# Included by _core.pyx (checks of arrays read from disk);
# it shares that module's imports and compiler directives.

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
