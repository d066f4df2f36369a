# cython: language_level=3
# distutils: language = c++
"""Compiled part-number kernels: normalisation, interchange groups, supersession, typo search.

Data layout
-----------
Keys are normalised part numbers (``A-Z0-9`` only) held as one Arrow-style string array:
``offsets`` (int64, ``n + 1``) into ``data`` (uint8). ``number_indptr`` / ``number_part`` is a
CSR from number codes to the part codes that carry the number; interchange groups are the
connected components of that graph (``union_groups``). ``next_number`` holds each number's
direct successor (or -1), and ``resolve_supersessions`` follows chains to the newest number.
The search indexes (q-gram postings, deletion neighbourhoods) are described where they are
built, below.

Contract
--------
Callers (the Python modules of ``yunpei_match.numbers``) validate every array before it reaches
a kernel: codes in range, offsets monotonic and within the arrays they index. Kernels run with
bounds checks off (setup.py), release the GIL, and allocate their outputs with numpy.
"""

import numpy as np

cimport numpy as cnp
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libcpp.algorithm cimport sort as cpp_sort, unique as cpp_unique
from libcpp.utility cimport pair
from libcpp.vector cimport vector

cnp.import_array()


# --- part numbers: normalisation, interchange groups, supersession ---------------------------

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


# --- typo-tolerant number search: q-gram candidate generation --------------------------------

#
# Keys hold only A-Z and 0-9 (normalize_numbers). Each key is padded with q - 1 sentinels on
# both sides, so a key of length m has m + q - 1 grams, and one edit changes at most q of them:
# a key within k edits of a query of length m shares at least t = m + q - 1 - k*q grams with
# it (the q-gram lemma, counting repeated grams). Any such key therefore appears in at least
# one of any |Q| - t + 1 of the query's gram occurrences: taking the ones with the shortest
# posting lists gives a candidate set that misses nothing and reads little. When t <= 0 the
# lemma says nothing and the candidates are every key of a length within k of m.

cdef enum:
    GRAM_BASE = 37  # the sentinel, A-Z, 0-9


cdef inline int32_t _symbol(uint8_t b) noexcept nogil:
    if 65 <= b <= 90:
        return b - 64  # A-Z -> 1..26
    if 48 <= b <= 57:
        return b - 21  # 0-9 -> 27..36
    return 0


cdef inline int64_t _gram(const uint8_t* key, Py_ssize_t length, Py_ssize_t start,
                          int32_t q) noexcept nogil:
    """Gram starting at padded position ``start`` (padded key = q-1 sentinels, key, q-1)."""
    cdef int64_t gram = 0
    cdef Py_ssize_t j, at
    for j in range(q):
        at = start + j - (q - 1)
        gram = gram * GRAM_BASE + (_symbol(key[at]) if 0 <= at < length else 0)
    return gram


def build_grams(const int64_t[::1] key_offsets, const uint8_t[::1] key_data, int32_t q):
    """Posting lists gram -> keys containing it (each key once per gram, ascending).

    Returns
    -------
    gram_indptr : int64 array of ``37**q + 1``, gram_key : int32 array
    """
    cdef Py_ssize_t n = key_offsets.shape[0] - 1, k, s, length
    cdef int64_t n_grams = 1, g
    for k in range(q):
        n_grams *= GRAM_BASE
    indptr_arr = np.zeros(n_grams + 1, np.int64)
    cdef int64_t[::1] indptr = indptr_arr
    cdef int32_t[::1] last = np.full(n_grams, -1, np.int32)
    cdef const uint8_t* base = &key_data[0] if key_data.shape[0] else NULL
    with nogil:
        for k in range(n):
            length = key_offsets[k + 1] - key_offsets[k]
            for s in range(length + q - 1):
                g = _gram(base + key_offsets[k] if base != NULL else NULL, length, s, q)
                if last[g] != k:  # a gram repeated inside one key is posted once
                    last[g] = <int32_t> k
                    indptr[g + 1] += 1
        for g in range(n_grams):
            indptr[g + 1] += indptr[g]
    keys_arr = np.empty(indptr_arr[n_grams], np.int32)
    cdef int32_t[::1] out = keys_arr
    cdef int64_t[::1] cursor = indptr_arr[:n_grams].copy()
    last[:] = -1
    with nogil:
        for k in range(n):
            length = key_offsets[k + 1] - key_offsets[k]
            for s in range(length + q - 1):
                g = _gram(base + key_offsets[k] if base != NULL else NULL, length, s, q)
                if last[g] != k:
                    last[g] = <int32_t> k
                    out[cursor[g]] = <int32_t> k
                    cursor[g] += 1
    return indptr_arr, keys_arr


cdef void _shortest_first(vector[int64_t]& grams, const int64_t[::1] gram_indptr) noexcept nogil:
    """Order gram occurrences by posting-list length, then gram id (equal grams stay adjacent).

    A sort, not an insertion sort: a query as long as a 40,000-character number would make
    the latter quadratic.
    """
    cdef vector[pair[int64_t, int64_t]] sized
    cdef Py_ssize_t i, n = <Py_ssize_t> grams.size()
    sized.reserve(n)
    for i in range(n):
        sized.push_back(pair[int64_t, int64_t](
            gram_indptr[grams[i] + 1] - gram_indptr[grams[i]], grams[i]))
    cpp_sort(sized.begin(), sized.end())
    for i in range(n):
        grams[i] = sized[i].second


cdef Py_ssize_t _shared_grams(const uint8_t* key, Py_ssize_t length, int32_t q,
                              int32_t[::1] query_count, vector[int64_t]& taken) noexcept nogil:
    """Grams a key shares with the query, repeated grams counted up to the query's count."""
    cdef Py_ssize_t s, shared = 0, i
    cdef int64_t g
    taken.clear()
    for s in range(length + q - 1):
        g = _gram(key, length, s, q)
        if query_count[g] > 0:
            query_count[g] -= 1
            taken.push_back(g)
            shared += 1
    for i in range(<Py_ssize_t> taken.size()):  # give the counts back for the next key
        query_count[taken[i]] += 1
    return shared


def gram_candidates(const int64_t[::1] gram_indptr, const int32_t[::1] gram_key,
                    const int64_t[::1] key_offsets, const uint8_t[::1] key_data,
                    const int32_t[::1] length_order, const int64_t[::1] length_indptr,
                    const int64_t[::1] query_offsets, const uint8_t[::1] query_data, int32_t q,
                    int32_t max_edits):
    """Keys that may lie within ``max_edits`` edits of each query (a superset, never less).

    ``length_order`` lists the keys by length and ``length_indptr[L]`` is where length ``L``
    starts in it (the fallback for queries too short for the q-gram lemma).

    The candidates of a query of length m, with t = m + q - 1 - max_edits * q, are the keys
    whose length is within ``max_edits`` of m that appear in the posting lists of the query's
    ``|Q| - t + 1`` gram occurrences with the shortest lists (ties by gram id) and share at
    least t grams with it (repeated grams counted up to the query's count); every key of such
    a length when ``t <= 0``.

    Returns
    -------
    candidate_indptr : int64 array of ``queries + 1``
    candidate : int32 array, ascending within each query
    """
    cdef Py_ssize_t m = query_offsets.shape[0] - 1, n_keys = key_offsets.shape[0] - 1
    cdef Py_ssize_t r, s, i, j, length, needed, first
    cdef Py_ssize_t max_length = length_indptr.shape[0] - 2
    cdef int64_t g, lo, hi, t, key_length
    cdef int32_t key
    cdef vector[int64_t] grams, taken
    cdef vector[int32_t] found, candidates
    cdef vector[int64_t] bounds
    cdef uint8_t[::1] seen = np.zeros(max(n_keys, 1), np.uint8)
    cdef int32_t[::1] query_count = np.zeros(gram_indptr.shape[0], np.int32)
    cdef const uint8_t* queries = &query_data[0] if query_data.shape[0] else NULL
    cdef const uint8_t* keys = &key_data[0] if key_data.shape[0] else NULL
    bounds.push_back(0)
    with nogil:
        for r in range(m):
            length = query_offsets[r + 1] - query_offsets[r]
            t = length + q - 1 - <int64_t> max_edits * q
            found.clear()
            first = <Py_ssize_t> candidates.size()
            if length > max_length + max_edits:  # longer than any key can be stretched to
                pass
            elif t <= 0:
                lo = max(length - max_edits, 0)
                hi = min(length + max_edits, max_length)
                if lo <= hi:
                    for i in range(length_indptr[lo], length_indptr[hi + 1]):
                        candidates.push_back(length_order[i])
            else:
                grams.clear()
                for s in range(length + q - 1):
                    g = _gram(queries + query_offsets[r] if queries != NULL else NULL, length,
                              s, q)
                    grams.push_back(g)
                    query_count[g] += 1
                needed = <Py_ssize_t> grams.size() - <Py_ssize_t> t + 1
                _shortest_first(grams, gram_indptr)
                for j in range(needed):
                    if j > 0 and grams[j] == grams[j - 1]:
                        continue
                    g = grams[j]
                    for i in range(gram_indptr[g], gram_indptr[g + 1]):
                        key = gram_key[i]
                        if seen[key] == 0:
                            seen[key] = 1
                            found.push_back(key)
                for i in range(<Py_ssize_t> found.size()):
                    key = found[i]
                    seen[key] = 0
                    key_length = key_offsets[key + 1] - key_offsets[key]
                    if -max_edits <= key_length - length <= max_edits and _shared_grams(
                            keys + key_offsets[key] if keys != NULL else NULL, key_length, q,
                            query_count, taken) >= t:
                        candidates.push_back(key)
                for i in range(<Py_ssize_t> grams.size()):
                    query_count[grams[i]] = 0
            cpp_sort(candidates.begin() + first, candidates.end())
            bounds.push_back(<int64_t> candidates.size())
    indptr_arr = np.asarray(<int64_t[:bounds.size()]> bounds.data()).copy()
    if candidates.size():
        return indptr_arr, np.asarray(<int32_t[:candidates.size()]> candidates.data()).copy()
    return indptr_arr, np.empty(0, np.int32)


# -- deletion neighbourhoods (max_edits <= 2) -----------------------------------------------
#
# Two strings within k edits (insertions, deletions, substitutions) become equal after deleting
# at most k characters from each: an insertion is a deletion on the other side, a substitution
# a deletion on both. So the keys within k edits of a query are among the keys sharing a
# variant with it, where a variant is the string with up to k characters deleted. The index
# stores a 64-bit hash of every distinct variant (up to MAX_DELETIONS deletions) of every key,
# bucketed by the hash's top bits; a hash collision can only add a candidate, which the exact
# scoring then rejects.

cdef enum:
    MAX_DELETIONS = 2
    MIN_BUCKET_BITS = 4
    MAX_BUCKET_BITS = 28


cdef uint64_t _variant_hash(const uint8_t* key, Py_ssize_t length, Py_ssize_t skip1,
                            Py_ssize_t skip2) noexcept nogil:
    """Hash of ``key`` without the characters at ``skip1`` and ``skip2`` (-1: none)."""
    cdef uint64_t h = 14695981039346656037ULL
    cdef Py_ssize_t i
    for i in range(length):
        if i != skip1 and i != skip2:
            h = (h ^ key[i]) * 1099511628211ULL
    h ^= h >> 33
    h *= 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    return h


cdef void _variants(const uint8_t* key, Py_ssize_t length, int32_t deletions,
                    vector[uint64_t]& out) noexcept nogil:
    """Distinct hashes of the variants of ``key`` with up to ``deletions`` deletions."""
    cdef Py_ssize_t i, j
    out.clear()
    out.push_back(_variant_hash(key, length, -1, -1))
    if deletions >= 1:
        for i in range(length):
            out.push_back(_variant_hash(key, length, i, -1))
    if deletions >= 2:
        for i in range(length):
            for j in range(i + 1, length):
                out.push_back(_variant_hash(key, length, i, j))
    cpp_sort(out.begin(), out.end())
    out.erase(cpp_unique(out.begin(), out.end()), out.end())


cdef int32_t _bucket_bits(const int64_t[::1] key_offsets, Py_ssize_t max_length) noexcept nogil:
    """Bits of the bucket count: about four variants a bucket, counting the indexed keys only.

    Sized by the same ``max_length`` that leaves long keys out: sized from every key, one
    40,000-character number (8e8 variants, none stored) would ask for 2**28 buckets (4 GiB).
    """
    cdef Py_ssize_t k, length
    cdef int64_t variants = 0
    cdef int32_t bits = MIN_BUCKET_BITS
    for k in range(key_offsets.shape[0] - 1):
        length = key_offsets[k + 1] - key_offsets[k]
        if length <= max_length:
            variants += 1 + length + length * (length - 1) // 2
    while bits < MAX_BUCKET_BITS and ((<int64_t> 4) << bits) < variants:
        bits += 1
    return bits


def build_deletions(const int64_t[::1] key_offsets, const uint8_t[::1] key_data,
                    int32_t max_length):
    """Variant hashes of every key (up to two deletions), bucketed by their top bits.

    Keys longer than ``max_length`` are left out (a key of length L has ~L**2/2 variants)
    and cost nothing here, not even buckets: the caller answers long queries another way.
    The bucket count is a power of two, about a quarter of the variants (16 to 2**28).

    Returns
    -------
    bucket_indptr : int64 array of ``buckets + 1``
    variant_hash : uint64 array, variant_key : int32 array (the key each variant comes from)
    """
    cdef Py_ssize_t n = key_offsets.shape[0] - 1, k, i
    cdef int32_t bucket_bits = _bucket_bits(key_offsets, max_length)
    cdef Py_ssize_t n_buckets = (<Py_ssize_t> 1) << bucket_bits
    cdef int shift = 64 - bucket_bits
    cdef vector[uint64_t] variants
    cdef const uint8_t* base = &key_data[0] if key_data.shape[0] else NULL
    indptr_arr = np.zeros(n_buckets + 1, np.int64)
    cdef int64_t[::1] indptr = indptr_arr
    with nogil:
        for k in range(n):
            if key_offsets[k + 1] - key_offsets[k] > max_length:
                continue
            _variants(base + key_offsets[k] if base != NULL else NULL,
                      key_offsets[k + 1] - key_offsets[k], MAX_DELETIONS, variants)
            for i in range(<Py_ssize_t> variants.size()):
                indptr[(variants[i] >> shift) + 1] += 1
        for i in range(n_buckets):
            indptr[i + 1] += indptr[i]
    hash_arr = np.empty(indptr_arr[n_buckets], np.uint64)
    key_arr = np.empty(indptr_arr[n_buckets], np.int32)
    cdef uint64_t[::1] hashes = hash_arr
    cdef int32_t[::1] keys = key_arr
    cdef int64_t[::1] cursor = indptr_arr[:n_buckets].copy()
    cdef uint64_t bucket
    with nogil:
        for k in range(n):
            if key_offsets[k + 1] - key_offsets[k] > max_length:
                continue
            _variants(base + key_offsets[k] if base != NULL else NULL,
                      key_offsets[k + 1] - key_offsets[k], MAX_DELETIONS, variants)
            for i in range(<Py_ssize_t> variants.size()):
                bucket = variants[i] >> shift
                hashes[cursor[bucket]] = variants[i]
                keys[cursor[bucket]] = <int32_t> k
                cursor[bucket] += 1
    return indptr_arr, hash_arr, key_arr


def deletion_candidates(const int64_t[::1] bucket_indptr, const uint64_t[::1] variant_hash,
                        const int32_t[::1] variant_key, const int64_t[::1] key_offsets,
                        const int64_t[::1] query_offsets, const uint8_t[::1] query_data,
                        int32_t max_edits, int32_t max_length):
    """Keys sharing a variant (up to ``max_edits <= 2`` deletions) with each query.

    Only keys whose length is within ``max_edits`` of the query's are kept. Exact for queries
    of up to ``max_length - max_edits`` characters, ``max_length`` being the index's; queries
    longer than ``max_length`` get no candidates (their variants alone could number millions).

    Returns
    -------
    candidate_indptr : int64 array of ``queries + 1``
    candidate : int32 array, ascending within each query
    """
    cdef Py_ssize_t m = query_offsets.shape[0] - 1, r, v, i, length, first
    cdef int shift = 64
    cdef uint64_t h
    cdef int32_t key
    cdef int64_t difference
    cdef vector[uint64_t] variants
    cdef vector[int32_t] candidates
    cdef vector[int64_t] bounds
    cdef const uint8_t* base = &query_data[0] if query_data.shape[0] else NULL
    while ((<Py_ssize_t> 1) << (64 - shift)) < bucket_indptr.shape[0] - 1:  # 2**bits buckets
        shift -= 1
    bounds.push_back(0)
    with nogil:
        for r in range(m):
            length = query_offsets[r + 1] - query_offsets[r]
            first = <Py_ssize_t> candidates.size()
            if length > max_length:
                bounds.push_back(<int64_t> first)
                continue
            _variants(base + query_offsets[r] if base != NULL else NULL, length, max_edits,
                      variants)
            for v in range(<Py_ssize_t> variants.size()):
                h = variants[v]
                for i in range(bucket_indptr[h >> shift], bucket_indptr[(h >> shift) + 1]):
                    if variant_hash[i] != h:
                        continue
                    key = variant_key[i]
                    difference = key_offsets[key + 1] - key_offsets[key] - length
                    if -max_edits <= difference <= max_edits:
                        candidates.push_back(key)
            cpp_sort(candidates.begin() + first, candidates.end())
            candidates.erase(cpp_unique(candidates.begin() + first, candidates.end()),
                             candidates.end())
            bounds.push_back(<int64_t> candidates.size())
    indptr_arr = np.asarray(<int64_t[:bounds.size()]> bounds.data()).copy()
    if candidates.size():
        return indptr_arr, np.asarray(<int32_t[:candidates.size()]> candidates.data()).copy()
    return indptr_arr, np.empty(0, np.int32)
