# Included by _core.pyx (fitment queries over the built arrays);
# it shares that module's imports and compiler directives.

cdef inline void _link_span(const int64_t[::1] run_bounds, const int64_t[::1] vehicle_runs,
                            const int32_t[::1] run_category, int32_t n_categories, int32_t v,
                            int32_t c, int64_t* lo, int64_t* hi) noexcept nogil:
    """Links of vehicle v in category c (c < 0: every category), in either run layout."""
    cdef int64_t base, first, last, mid
    if vehicle_runs.shape[0] == 0:  # dense: two loads
        base = <int64_t> v * n_categories
        if c < 0:
            lo[0] = run_bounds[base]
            hi[0] = run_bounds[base + n_categories]
        else:
            lo[0] = run_bounds[base + c]
            hi[0] = run_bounds[base + c + 1]
        return
    first = vehicle_runs[v]
    last = vehicle_runs[v + 1]
    if c < 0:
        lo[0] = run_bounds[first]
        hi[0] = run_bounds[last]
        return
    while first < last:  # sparse: binary search among the vehicle's categories
        mid = first + (last - first) // 2
        if run_category[mid] < c:
            first = mid + 1
        else:
            last = mid
    if first < vehicle_runs[v + 1] and run_category[first] == c:
        lo[0] = run_bounds[first]
        hi[0] = run_bounds[first + 1]
    else:
        lo[0] = 0
        hi[0] = 0


cdef inline void _request_span(const int64_t[::1] run_bounds, const int64_t[::1] vehicle_runs,
                               const int32_t[::1] run_category,
                               const int64_t[::1] universal_bounds, int32_t n_categories,
                               int32_t v, int32_t c, int64_t* lo, int64_t* hi, int64_t* ulo,
                               int64_t* uhi) noexcept nogil:
    """Link run and universal run answering (vehicle v, category c); c < 0 = every category."""
    if v < 0:
        lo[0] = 0
        hi[0] = 0
        ulo[0] = 0
        uhi[0] = 0
        return
    _link_span(run_bounds, vehicle_runs, run_category, n_categories, v, c, lo, hi)
    if c < 0:
        ulo[0] = universal_bounds[0]
        uhi[0] = universal_bounds[n_categories]
    else:
        ulo[0] = universal_bounds[c]
        uhi[0] = universal_bounds[c + 1]


def gather_parts(const int64_t[::1] run_bounds, const int64_t[::1] vehicle_runs,
                 const int32_t[::1] run_category, const int32_t[::1] link_part,
                 const int32_t[::1] universal, const int64_t[::1] universal_bounds,
                 int32_t n_categories, const int32_t[::1] request_vehicle,
                 const int32_t[::1] request_category):
    """Parts fitting each (vehicle, category) request, in part-code order.

    A request with vehicle ``-1`` (unknown, skipped) yields nothing; category ``-1`` means every
    category. The vehicle's linked parts and the universal parts of the category are merged.

    Returns
    -------
    request_index, part : int32 arrays of equal length
    """
    cdef Py_ssize_t m = request_vehicle.shape[0], r
    cdef int64_t lo, hi, ulo, uhi, total = 0, k = 0
    with nogil:
        for r in range(m):
            _request_span(run_bounds, vehicle_runs, run_category, universal_bounds,
                          n_categories, request_vehicle[r], request_category[r], &lo, &hi,
                          &ulo, &uhi)
            total += (hi - lo) + (uhi - ulo)
    index_arr = np.empty(total, np.int32)
    part_arr = np.empty(total, np.int32)
    cdef int32_t[::1] out_index = index_arr, out_part = part_arr
    with nogil:
        for r in range(m):
            _request_span(run_bounds, vehicle_runs, run_category, universal_bounds,
                          n_categories, request_vehicle[r], request_category[r], &lo, &hi,
                          &ulo, &uhi)
            while lo < hi and ulo < uhi:
                out_index[k] = <int32_t> r
                if link_part[lo] < universal[ulo]:
                    out_part[k] = link_part[lo]
                    lo += 1
                else:
                    out_part[k] = universal[ulo]
                    ulo += 1
                k += 1
            while lo < hi:
                out_index[k] = <int32_t> r
                out_part[k] = link_part[lo]
                lo += 1
                k += 1
            while ulo < uhi:
                out_index[k] = <int32_t> r
                out_part[k] = universal[ulo]
                ulo += 1
                k += 1
    return index_arr, part_arr


def gather_vehicles(const int64_t[::1] part_indptr, const int32_t[::1] part_vehicle,
                    const uint8_t[::1] part_universal, int32_t n_vehicles,
                    const int32_t[::1] request_part):
    """Vehicles each requested part fits, in vehicle-code order (``-1`` parts yield nothing).

    Returns
    -------
    request_index, vehicle : int32 arrays of equal length
    """
    cdef Py_ssize_t m = request_part.shape[0], r
    cdef int64_t total = 0, k = 0, i
    cdef int32_t p, v
    with nogil:
        for r in range(m):
            p = request_part[r]
            if p < 0:
                continue
            if part_universal[p]:
                total += n_vehicles
            else:
                total += part_indptr[p + 1] - part_indptr[p]
    index_arr = np.empty(total, np.int32)
    vehicle_arr = np.empty(total, np.int32)
    cdef int32_t[::1] out_index = index_arr, out_vehicle = vehicle_arr
    with nogil:
        for r in range(m):
            p = request_part[r]
            if p < 0:
                continue
            if part_universal[p]:
                for v in range(n_vehicles):
                    out_index[k] = <int32_t> r
                    out_vehicle[k] = v
                    k += 1
            else:
                for i in range(part_indptr[p], part_indptr[p + 1]):
                    out_index[k] = <int32_t> r
                    out_vehicle[k] = part_vehicle[i]
                    k += 1
    return index_arr, vehicle_arr


def find_links(const int64_t[::1] run_bounds, const int64_t[::1] vehicle_runs,
               const int32_t[::1] run_category, const int32_t[::1] link_part,
               const int32_t[::1] part_category, int32_t n_categories,
               const int32_t[::1] vehicle, const int32_t[::1] part):
    """Position of each (vehicle, part) link in ``link_part``, or -1 where they are not linked.

    Binary search inside the (vehicle, category of part) run, which is sorted by part code.
    """
    cdef Py_ssize_t m = vehicle.shape[0], r
    cdef int64_t lo, hi, end, mid
    found_arr = np.full(m, -1, np.int64)
    cdef int64_t[::1] found = found_arr
    with nogil:
        for r in range(m):
            _link_span(run_bounds, vehicle_runs, run_category, n_categories, vehicle[r],
                       part_category[part[r]], &lo, &hi)
            end = hi
            while lo < hi:
                mid = lo + (hi - lo) // 2
                if link_part[mid] < part[r]:
                    lo = mid + 1
                else:
                    hi = mid
            if lo < end and link_part[lo] == part[r]:
                found[r] = lo
    return found_arr


cdef class RunIndex:
    """Scalar (vehicle, category) lookups: the raw fast path behind ``FitmentIndex.part_codes``.

    A call is a few loads and one numpy view, with no Python-level arithmetic in between:
    per-call overhead is all there is to save here (batches go through ``gather_parts``).
    """

    cdef const int64_t[::1] run_bounds
    cdef const int64_t[::1] vehicle_runs
    cdef const int32_t[::1] run_category
    cdef const int64_t[::1] universal_bounds
    cdef const int32_t[::1] universal_codes
    cdef object link_part
    cdef Py_ssize_t n_vehicles
    cdef int32_t n_categories

    def __init__(self, run_bounds, vehicle_runs, run_category, link_part, universal,
                 universal_bounds, Py_ssize_t n_vehicles, int32_t n_categories):
        self.run_bounds = run_bounds
        self.vehicle_runs = vehicle_runs
        self.run_category = run_category
        self.link_part = link_part
        self.universal_codes = universal
        self.universal_bounds = universal_bounds
        self.n_vehicles = n_vehicles
        self.n_categories = n_categories

    def part_codes(self, Py_ssize_t vehicle, category=None):
        """Ascending part codes fitting ``vehicle`` (in ``category``; None = every category).

        A view of the link array when no universal part is in range, else a merged copy.
        Returns None when a code is out of range; raises TypeError for a non-integer.
        """
        cdef Py_ssize_t c = -1 if category is None else <Py_ssize_t> category
        cdef int64_t lo, hi, ulo, uhi
        if vehicle < 0 or vehicle >= self.n_vehicles or c >= self.n_categories or (
                c < 0 and category is not None):
            return None
        _request_span(self.run_bounds, self.vehicle_runs, self.run_category,
                      self.universal_bounds, self.n_categories, <int32_t> vehicle,
                      <int32_t> c, &lo, &hi, &ulo, &uhi)
        if ulo == uhi:
            return self.link_part[lo:hi]
        return self._merged(lo, hi, ulo, uhi)

    cdef object _merged(self, int64_t lo, int64_t hi, int64_t ulo, int64_t uhi):
        cdef const int32_t[::1] links = self.link_part
        merged_arr = np.empty((hi - lo) + (uhi - ulo), np.int32)
        cdef int32_t[::1] merged = merged_arr
        cdef Py_ssize_t k = 0
        while lo < hi or ulo < uhi:
            if ulo == uhi or (lo < hi and links[lo] < self.universal_codes[ulo]):
                merged[k] = links[lo]
                lo += 1
            else:
                merged[k] = self.universal_codes[ulo]
                ulo += 1
            k += 1
        return merged_arr
