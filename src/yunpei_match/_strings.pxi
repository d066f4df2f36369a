# Included by _core.pyx (the hash table from id strings to codes);
# it shares that module's imports and compiler directives.

cdef extern from *:
    void __builtin_prefetch(const void* address) nogil


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
