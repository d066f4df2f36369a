# Included by _core.pyx (building the fitment arrays (sorting, runs, transpose, details));
# it shares that module's imports and compiler directives.

cdef inline int64_t _pack(int32_t high, int32_t low) noexcept nogil:
    return (<int64_t> high << 32) | <uint32_t> low


cdef inline int32_t _high(int64_t packed) noexcept nogil:
    return <int32_t> (packed >> 32)


cdef inline int32_t _low(int64_t packed) noexcept nogil:
    return <int32_t> <uint32_t> packed


cdef void _sort_small(int64_t[::1] values, Py_ssize_t lo, Py_ssize_t hi) noexcept nogil:
    """Insertion sort of ``values[lo:hi]``: the groups are a few elements long."""
    cdef Py_ssize_t i, j
    cdef int64_t x
    for i in range(lo + 1, hi):
        x = values[i]
        j = i - 1
        while j >= lo and values[j] > x:
            values[j + 1] = values[j]
            j -= 1
        values[j + 1] = x


cdef void _sort_by_vehicle(const int32_t[::1] vehicle, const int32_t[::1] part,
                           const int32_t[::1] detail, int64_t[::1] by_part,
                           int64_t[::1] part_cursor, int64_t[::1] vehicle_start,
                           int64_t[::1] vehicle_cursor, int64_t[::1] out) noexcept nogil:
    """Two stable counting sorts: rows by part, then by vehicle, into packed (part, detail).

    Each pass writes one packed 8-byte value per row, one scattered write rather than three:
    at tens of millions of rows the scattered writes are the cost.
    """
    cdef Py_ssize_t i, n = vehicle.shape[0], lo = 0
    cdef Py_ssize_t n_parts = part_cursor.shape[0] - 1, n_vehicles = vehicle_start.shape[0] - 1
    cdef int32_t p
    cdef int64_t dst, x
    for i in range(n):
        part_cursor[part[i] + 1] += 1
        vehicle_start[vehicle[i] + 1] += 1
    for i in range(n_parts):
        part_cursor[i + 1] += part_cursor[i]
    for i in range(n_vehicles):
        vehicle_start[i + 1] += vehicle_start[i]
    for i in range(n):
        dst = part_cursor[part[i]]
        part_cursor[part[i]] = dst + 1
        by_part[dst] = _pack(vehicle[i], detail[i])
    # part_cursor[p] now holds the end of part p's rows, i.e. the start of part p + 1.
    vehicle_cursor[:] = vehicle_start
    for p in range(n_parts):
        for i in range(lo, part_cursor[p]):
            x = by_part[i]
            dst = vehicle_cursor[_high(x)]
            vehicle_cursor[_high(x)] = dst + 1
            out[dst] = _pack(p, _low(x))
        lo = part_cursor[p]


cdef tuple _rows_by_vehicle(const int32_t[::1] vehicle, const int32_t[::1] part,
                           const int32_t[::1] detail, int32_t n_vehicles, int32_t n_parts):
    """Packed (part, detail) rows in vehicle-major order and each vehicle's first row.

    The by-part buffer lives only in this scope, so it is freed before the caller allocates
    its outputs: peak memory stays at two packed copies of the rows.
    """
    cdef Py_ssize_t n = vehicle.shape[0]
    cdef int64_t[::1] by_part = np.empty(n, np.int64)
    cdef int64_t[::1] part_cursor = np.zeros(n_parts + 1, np.int64)
    cdef int64_t[::1] vehicle_cursor = np.empty(n_vehicles + 1, np.int64)
    sorted_rows = np.empty(n, np.int64)
    vehicle_start = np.zeros(n_vehicles + 1, np.int64)
    cdef int64_t[::1] rows = sorted_rows, starts = vehicle_start
    with nogil:
        _sort_by_vehicle(vehicle, part, detail, by_part, part_cursor, starts, vehicle_cursor,
                         rows)
    return sorted_rows, vehicle_start


def compile_links(const int32_t[::1] vehicle, const int32_t[::1] part,
                  const int32_t[::1] detail, int32_t n_vehicles, int32_t n_parts,
                  int32_t n_details):
    """Sort application rows into distinct links with interned detail sets.

    Two stable counting sorts (by part, then by vehicle) order the rows vehicle-major in
    O(rows + vehicles + parts). Rows of one (vehicle, part) pair are then sorted by detail,
    exact duplicates dropped, and the remaining details become one detail-set code.

    Returns
    -------
    vehicle_indptr : int64 array of ``n_vehicles + 1``, the links of each vehicle
    link_part, link_detail : int32 arrays, one entry per distinct link
    set_indptr : int64 array, set_detail : int32 array
        CSR of the multi-detail sets; set ``k`` has code ``n_details + k``.
    n_duplicates : int
        Exact duplicate application rows dropped.
    """
    cdef Py_ssize_t n = vehicle.shape[0]
    sorted_rows, vehicle_start = _rows_by_vehicle(vehicle, part, detail, n_vehicles, n_parts)
    vehicle_indptr = np.zeros(n_vehicles + 1, np.int64)
    link_part = np.empty(n, np.int32)
    link_detail = np.empty(n, np.int32)
    cdef int64_t[::1] rows = sorted_rows, starts = vehicle_start, indptr = vehicle_indptr
    cdef int32_t[::1] out_part = link_part, out_detail = link_detail
    cdef vector[int64_t] set_indptr
    cdef vector[int32_t] set_detail
    cdef Py_ssize_t n_duplicates = 0
    with nogil:
        set_indptr.push_back(0)
        n_duplicates = _group_links(rows, starts, n_details, out_part, out_detail, indptr,
                                    set_indptr, set_detail)
    set_indptr_arr = np.asarray(<int64_t[:set_indptr.size()]> set_indptr.data()).copy()
    if set_detail.size():
        set_detail_arr = np.asarray(<int32_t[:set_detail.size()]> set_detail.data()).copy()
    else:
        set_detail_arr = np.empty(0, np.int32)
    n_links = vehicle_indptr[n_vehicles]
    return (vehicle_indptr, link_part[:n_links], link_detail[:n_links], set_indptr_arr,
            set_detail_arr, n_duplicates)


cdef Py_ssize_t _group_links(int64_t[::1] rows, const int64_t[::1] vehicle_start,
                             int32_t n_details, int32_t[::1] out_part, int32_t[::1] out_detail,
                             int64_t[::1] vehicle_indptr, vector[int64_t]& set_indptr,
                             vector[int32_t]& set_detail) noexcept nogil:
    """Collapse runs of one part inside each vehicle's sorted rows into links."""
    cdef Py_ssize_t v, lo, hi, k, end, out = 0, duplicates = 0
    cdef cpp_map[vector[int32_t], int32_t] sets
    cdef cpp_map[vector[int32_t], int32_t].iterator found
    cdef vector[int32_t] members
    cdef int32_t code
    for v in range(vehicle_start.shape[0] - 1):
        lo = vehicle_start[v]
        end = vehicle_start[v + 1]
        while lo < end:
            hi = lo + 1
            while hi < end and _high(rows[hi]) == _high(rows[lo]):
                hi += 1
            if hi == lo + 1:
                code = _low(rows[lo])
            else:
                _sort_small(rows, lo, hi)
                members.clear()
                members.push_back(_low(rows[lo]))
                for k in range(lo + 1, hi):
                    if rows[k] != rows[k - 1]:
                        members.push_back(_low(rows[k]))
                duplicates += (hi - lo) - <Py_ssize_t> members.size()
                if members.size() == 1:
                    code = members[0]
                else:
                    found = sets.find(members)
                    if found == sets.end():
                        code = n_details + <int32_t> sets.size()
                        sets[members] = code
                        for k in range(<Py_ssize_t> members.size()):
                            set_detail.push_back(members[k])
                        set_indptr.push_back(<int64_t> set_detail.size())
                    else:
                        code = deref(found).second
            out_part[out] = _high(rows[lo])
            out_detail[out] = code
            out += 1
            lo = hi
        vehicle_indptr[v + 1] = out
    return duplicates


def transpose_links(const int64_t[::1] vehicle_indptr, const int32_t[::1] link_part,
                    int32_t n_parts):
    """The part -> vehicles transpose of vehicle-major links, by a counting sort.

    Returns
    -------
    part_indptr : int64 array of ``n_parts + 1``
    part_vehicle : int32 array, the vehicles of each part in ascending order
    """
    cdef Py_ssize_t n_vehicles = vehicle_indptr.shape[0] - 1, n = link_part.shape[0], i
    cdef int32_t v, p
    indptr_arr = np.zeros(n_parts + 1, np.int64)
    vehicles_arr = np.empty(n, np.int32)
    cdef int64_t[::1] indptr = indptr_arr
    cdef int32_t[::1] out = vehicles_arr
    cdef int64_t[::1] cursor = np.empty(n_parts, np.int64)
    with nogil:
        for i in range(n):
            indptr[link_part[i] + 1] += 1
        for i in range(n_parts):
            indptr[i + 1] += indptr[i]
            cursor[i] = indptr[i]
        for v in range(n_vehicles):
            for i in range(vehicle_indptr[v], vehicle_indptr[v + 1]):
                p = link_part[i]
                out[cursor[p]] = v
                cursor[p] += 1
    return indptr_arr, vehicles_arr


def category_runs(const int64_t[::1] vehicle_indptr, const int32_t[::1] link_part,
                  const int32_t[::1] part_category, int32_t n_categories, bint sparse):
    """Where each (vehicle, category) run of links starts, densely or sparsely.

    Links must be vehicle-major with ascending part codes (``compile_links`` output), so each
    vehicle's links of one category are one run. Dense: ``run_bounds`` has one offset per
    (vehicle, category) pair and ``vehicle_runs`` / ``run_category`` are empty. Sparse: only
    runs that exist are listed; ``run_category[vehicle_runs[v]:vehicle_runs[v + 1]]`` are the
    categories of vehicle ``v`` (ascending) and run ``r`` spans
    ``[run_bounds[r], run_bounds[r + 1])``.

    Returns
    -------
    run_bounds : int64 array, vehicle_runs : int64 array, run_category : int32 array
    """
    if not sparse:
        return _dense_runs(vehicle_indptr, link_part, part_category, n_categories)
    cdef Py_ssize_t n_vehicles = vehicle_indptr.shape[0] - 1, n_runs = 0, i, r = 0
    cdef int32_t v, c
    with nogil:
        for v in range(n_vehicles):
            for i in range(vehicle_indptr[v], vehicle_indptr[v + 1]):
                if i == vehicle_indptr[v] or part_category[link_part[i]] != part_category[
                        link_part[i - 1]]:
                    n_runs += 1
    bounds_arr = np.empty(n_runs + 1, np.int64)
    vehicle_runs_arr = np.empty(n_vehicles + 1, np.int64)
    category_arr = np.empty(n_runs, np.int32)
    cdef int64_t[::1] bounds = bounds_arr, vehicle_runs = vehicle_runs_arr
    cdef int32_t[::1] run_category = category_arr
    with nogil:
        vehicle_runs[0] = 0
        for v in range(n_vehicles):
            for i in range(vehicle_indptr[v], vehicle_indptr[v + 1]):
                c = part_category[link_part[i]]
                if i == vehicle_indptr[v] or c != part_category[link_part[i - 1]]:
                    bounds[r] = i
                    run_category[r] = c
                    r += 1
            vehicle_runs[v + 1] = r
        bounds[n_runs] = link_part.shape[0]
    return bounds_arr, vehicle_runs_arr, category_arr


cdef tuple _dense_runs(const int64_t[::1] vehicle_indptr, const int32_t[::1] link_part,
                       const int32_t[::1] part_category, int32_t n_categories):
    cdef Py_ssize_t n_vehicles = vehicle_indptr.shape[0] - 1, i
    cdef Py_ssize_t n_runs = n_vehicles * n_categories
    cdef int32_t v
    run_arr = np.zeros(n_runs + 1, np.int64)
    cdef int64_t[::1] runs = run_arr
    with nogil:
        for v in range(n_vehicles):
            for i in range(vehicle_indptr[v], vehicle_indptr[v + 1]):
                runs[<int64_t> v * n_categories + part_category[link_part[i]] + 1] += 1
        for i in range(n_runs):
            runs[i + 1] += runs[i]
    return run_arr, np.empty(0, np.int64), np.empty(0, np.int32)


def split_details(const int32_t[::1] link_part, const int32_t[::1] link_detail,
                  int32_t n_parts):
    """Each part's usual detail-set code, and the links whose code differs from it.

    Most parts carry the same details on every link (an oil filter: qty 1, no position), so a
    code per part plus a short exception list replaces a code per link. The usual code is the
    Boyer-Moore majority vote over the part's links in link order: the majority when there is
    one, otherwise whichever code the vote ends on. Parts without links get code 0.

    Returns
    -------
    part_detail : int32 array of ``n_parts``
    exception_link : int64 array, ascending positions of the links that differ
    exception_detail : int32 array, their codes
    """
    cdef Py_ssize_t n = link_part.shape[0], i, k = 0
    cdef int32_t p
    usual_arr = np.zeros(n_parts, np.int32)
    cdef int32_t[::1] usual = usual_arr
    cdef int32_t[::1] votes = np.zeros(n_parts, np.int32)
    cdef Py_ssize_t n_exceptions = 0
    with nogil:
        for i in range(n):
            p = link_part[i]
            if votes[p] == 0:
                usual[p] = link_detail[i]
                votes[p] = 1
            elif usual[p] == link_detail[i]:
                votes[p] += 1
            else:
                votes[p] -= 1
        for i in range(n):
            if link_detail[i] != usual[link_part[i]]:
                n_exceptions += 1
    link_arr = np.empty(n_exceptions, np.int64)
    detail_arr = np.empty(n_exceptions, np.int32)
    cdef int64_t[::1] exception_link = link_arr
    cdef int32_t[::1] exception_detail = detail_arr
    with nogil:
        for i in range(n):
            if link_detail[i] != usual[link_part[i]]:
                exception_link[k] = i
                exception_detail[k] = link_detail[i]
                k += 1
    return usual_arr, link_arr, detail_arr
