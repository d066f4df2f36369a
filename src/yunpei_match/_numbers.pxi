# Included by _core.pyx (part numbers: normalisation, interchange groups, supersession);
# it shares that module's imports and compiler directives.


cdef inline uint8_t _key_byte(uint32_t code) noexcept nogil:
    """The normalised byte of an ASCII code point, or 0 when it is dropped."""
    if 48 <= code <= 57 or 65 <= code <= 90:  # 0-9, A-Z
        return <uint8_t> code
    if 97 <= code <= 122:  # a-z
        return <uint8_t> (code - 32)
    return 0


def normalize_numbers(const int64_t[::1] offsets, const uint8_t[::1] data):
    """Number keys of Arrow strings: full-width forms folded, upper case, only ``A-Z0-9`` kept.

    Full-width ASCII (U+FF01..U+FF5E, typed by Chinese input methods) maps to ASCII and the
    ideographic space U+3000 to a space; then every character outside ``A-Z0-9`` (after upper
    casing) is dropped. The input must be valid UTF-8 (Arrow strings are); a key is never
    longer than its input.

    Returns
    -------
    key_offsets : int64 array, key_data : uint8 array
    """
    cdef Py_ssize_t n = offsets.shape[0] - 1, r, i, end, out = 0
    cdef uint8_t b, key
    cdef uint32_t code
    key_offsets_arr = np.empty(max(n + 1, 1), np.int64)
    key_data_arr = np.empty(data.shape[0], np.uint8)
    cdef int64_t[::1] key_offsets = key_offsets_arr
    cdef uint8_t[::1] key_data = key_data_arr
    with nogil:
        key_offsets[0] = 0
        for r in range(n):
            i = offsets[r]
            end = offsets[r + 1]
            while i < end:
                b = data[i]
                if b < 0x80:
                    key = _key_byte(b)
                    i += 1
                elif b >= 0xE0 and b < 0xF0 and i + 2 < end:
                    code = ((b & 0x0F) << 12) | ((data[i + 1] & 0x3F) << 6) | (data[i + 2] & 0x3F)
                    key = _key_byte(code - 0xFEE0) if 0xFF01 <= code <= 0xFF5E else 0
                    i += 3
                else:  # other scripts, symbols and emoji are not part of a number
                    i += 2 if b < 0xE0 else (3 if b < 0xF0 else 4)
                    key = 0
                if key:
                    key_data[out] = key
                    out += 1
            key_offsets[r + 1] = out
    return key_offsets_arr[: n + 1], key_data_arr[:out]


cdef inline int32_t _root(int32_t[::1] parent, int32_t x) noexcept nogil:
    while parent[x] != x:
        parent[x] = parent[parent[x]]  # path halving keeps the trees flat
        x = parent[x]
    return x


def union_groups(const int64_t[::1] number_indptr, const int32_t[::1] number_part,
                 int32_t n_parts):
    """Interchange groups: connected components of the part-number graph (union-find).

    Parts that share a number are in one group, transitively. Groups are numbered densely in
    the order of their smallest part code.

    Returns
    -------
    part_group : int32 array of ``n_parts``
    """
    cdef Py_ssize_t n_numbers = number_indptr.shape[0] - 1, k, i
    cdef int32_t a, b, next_label = 0
    parent_arr = np.arange(n_parts, dtype=np.int32)
    group_arr = np.full(n_parts, -1, np.int32)
    cdef int32_t[::1] parent = parent_arr, group = group_arr
    cdef int32_t[::1] label = np.full(n_parts, -1, np.int32)
    with nogil:
        for k in range(n_numbers):
            for i in range(number_indptr[k] + 1, number_indptr[k + 1]):
                a = _root(parent, number_part[number_indptr[k]])
                b = _root(parent, number_part[i])
                if a != b:
                    parent[max(a, b)] = min(a, b)
        for i in range(n_parts):
            a = _root(parent, <int32_t> i)
            if label[a] < 0:
                label[a] = next_label
                next_label += 1
            group[i] = label[a]
    return group_arr


def resolve_supersessions(const int32_t[::1] next_number):
    """Newest number of every supersession chain (``next_number[k]`` = -1: k is newest).

    Returns
    -------
    latest : int32 array
        The end of each number's chain (itself when it is not superseded).
    cycle_at : int
        A number on a cycle, or -1. A cycle is a data error; ``latest`` is then incomplete.
    """
    cdef Py_ssize_t n = next_number.shape[0], start
    cdef int32_t k, end
    latest_arr = np.full(n, -1, np.int32)
    cdef int32_t[::1] latest = latest_arr
    cdef uint8_t[::1] state = np.zeros(n, np.uint8)  # 0 new, 1 on the current walk, 2 done
    cdef Py_ssize_t cycle_at = -1
    with nogil:
        for start in range(n):
            if state[start] == 2:
                continue
            k = <int32_t> start
            while next_number[k] >= 0 and state[k] == 0:
                state[k] = 1
                k = next_number[k]
            if state[k] == 1:
                cycle_at = k
                break
            end = latest[k] if state[k] == 2 else k
            latest[k] = end
            state[k] = 2
            k = <int32_t> start
            while state[k] == 1:
                latest[k] = end
                state[k] = 2
                k = next_number[k]
    return latest_arr, cycle_at


def gather_numbers(const int64_t[::1] number_indptr, const int32_t[::1] number_part,
                   const int32_t[::1] latest, const int32_t[::1] request_number):
    """Parts of each requested number, then of its newest number when it was superseded.

    Returns
    -------
    request_index, part : int32 arrays; via_supersession : uint8 array (1 = through the chain)
    """
    cdef Py_ssize_t m = request_number.shape[0], r, i
    cdef int64_t total = 0, k = 0
    cdef int32_t q, newest
    with nogil:
        for r in range(m):
            q = request_number[r]
            if q < 0:
                continue
            total += number_indptr[q + 1] - number_indptr[q]
            newest = latest[q]
            if newest != q:
                total += number_indptr[newest + 1] - number_indptr[newest]
    index_arr = np.empty(total, np.int32)
    part_arr = np.empty(total, np.int32)
    via_arr = np.empty(total, np.uint8)
    cdef int32_t[::1] out_index = index_arr, out_part = part_arr
    cdef uint8_t[::1] out_via = via_arr
    with nogil:
        for r in range(m):
            q = request_number[r]
            if q < 0:
                continue
            for i in range(number_indptr[q], number_indptr[q + 1]):
                out_index[k] = <int32_t> r
                out_part[k] = number_part[i]
                out_via[k] = 0
                k += 1
            newest = latest[q]
            if newest == q:
                continue
            for i in range(number_indptr[newest], number_indptr[newest + 1]):
                out_index[k] = <int32_t> r
                out_part[k] = number_part[i]
                out_via[k] = 1
                k += 1
    return index_arr, part_arr, via_arr
