# cython: language_level=3
# distutils: language = c++
"""Compiled fitment kernels: building the link arrays and gathering over them.

Data layout (fitment)
---------------------
Vehicles, parts and categories are dense int32 codes. Part codes are numbered in category order,
so the parts of category ``c`` are the codes ``category_start[c] <= p < category_start[c + 1]``.

A *link* is one distinct (vehicle, part) pair. Links are stored vehicle-major, part codes
ascending inside a vehicle (``link_part``), so one category's parts inside one vehicle form a
contiguous run. ``run_bounds`` (int64, ``n_vehicles * n_categories + 1``) is a CSR over
(vehicle, category) pairs: the run of vehicle ``v`` and category ``c`` is
``link_part[run_bounds[v*C + c] : run_bounds[v*C + c + 1]]`` and all of ``v``'s links are
``[run_bounds[v*C], run_bounds[(v+1)*C])``. Finding a run is two loads, not two binary searches:
in a prototype that was 3-6 times faster for batch gathers (DESIGN.md section 4). When
vehicles x categories is too large to hold densely (a TecDoc-sized list of ~8,000 part types),
the runs are listed sparsely instead: ``vehicle_runs`` (CSR over vehicles) and ``run_category``
(ascending inside a vehicle) locate a run by one binary search among the vehicle's categories,
and ``run_bounds`` then has one entry per existing run (see ``category_runs``).

Each link has a *detail set* code: codes below ``n_details`` are one application detail row
(position, qty, note); higher codes name an interned set of several detail rows (the same part
at front-left and front-right), stored as a CSR (``set_indptr``, ``set_detail``). Codes are not
stored per link: ``part_detail`` holds each part's usual code and ``exception_link`` /
``exception_detail`` the few links that differ (``split_details``), which keeps the index under
10 bytes per link. The transpose ``part -> vehicles`` (``part_indptr``,
``part_vehicle``) is sorted by vehicle code.

Universal parts fit every vehicle and are not stored as links: ``universal`` holds their codes
(sorted) and ``universal_bounds[c]`` the start of category ``c`` in it.

Contract
--------
Callers (the Python modules of ``yunpei_match.fitment``) validate every array before it reaches a kernel: codes in range,
offsets monotonic and within the arrays they index. Kernels run with bounds checks off
(setup.py), release the GIL, and allocate their outputs with numpy.
"""

import numpy as np

cimport numpy as cnp
from cython.operator cimport dereference as deref
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t
from libcpp.map cimport map as cpp_map
from libcpp.utility cimport pair
from libcpp.vector cimport vector

from yunpei_match._base.counting cimport count_starts

cnp.import_array()


# --- building the fitment arrays (sorting, runs, transpose, details) ------------------------

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
    cdef Py_ssize_t n_parts = part_cursor.shape[0] - 1
    cdef int32_t p
    cdef int64_t dst, x
    count_starts(part, part_cursor)
    count_starts(vehicle, vehicle_start)
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
        count_starts(link_part, indptr)
        cursor[:] = indptr[:n_parts]
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


# --- fitment queries over the built arrays ---------------------------------------------------

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
