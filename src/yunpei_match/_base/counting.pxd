# The counting step of the counting sorts in the fitment and stock kernels, declared once here and
# cimported (inline: it compiles into each kernel that uses it, and adds no runtime import).

from libc.stdint cimport int32_t, int64_t


cdef inline void count_starts(const int32_t[::1] keys, int64_t[::1] starts) noexcept nogil:
    """Turn zeroed ``starts`` (one slot more than the keys' range) into where each key's rows
    begin in a stable sort of ``keys``; ``starts[-1]`` becomes the number of keys."""
    cdef Py_ssize_t i
    for i in range(keys.shape[0]):
        starts[keys[i] + 1] += 1
    for i in range(starts.shape[0] - 1):
        starts[i + 1] += starts[i]
