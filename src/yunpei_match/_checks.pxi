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
