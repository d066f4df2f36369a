# cython: language_level=3
# distutils: language = c++
"""Compiled stock kernels of yunpei_match: which warehouse holds a part, and how far it is.

Data layout
-----------
Stock is a CSR over part codes: the stock rows of part ``p`` are
``stock_indptr[p] <= r < stock_indptr[p + 1]``, sorted by warehouse code, with
``stock_warehouse[r]`` the warehouse and ``available[r]`` the quantity that can still be
promised (on hand minus open reservations; the reservation ledger updates that array in place,
under its lock). A typical part sits in a handful of the hundreds of warehouses, so a query
visits only those rows: a tree over warehouse positions would have to skip the many warehouses
that do not hold the part.

Warehouses are dense codes with a position and a *kind* (0 = front, 1 = central, ... at most 8).
Their positions are kept as unit vectors: the straight-line (chord) distance between two points
of the sphere grows with the great-circle distance, so candidates are compared by squared chord
(five flops, no trigonometry) and only the chosen one gets its distance in km, by haversine with
R = 6371.0088 km. Near-equal distances (within ~1e-9 km) may therefore order either way.

Interchange groups (from the number index) are a CSR ``group_indptr`` / ``group_part`` with
``part_group[p]`` the group of part ``p``: when no warehouse holds enough of a part itself, its
group's other parts are searched and the answer is marked as a substitute.

Delivery tiers are rules in order, fastest first (see ``tiers.py``): rule ``t`` applies to a
candidate when bit ``t`` of the line's ``line_rules`` is set (the rule covers the line's
category), bit ``kind`` of ``rule_kinds[t]`` is set, and its distance is at most
``rule_max_km[t]``. A candidate's tier is the first rule that applies, or none.

Contract
--------
The Python callers validate everything first: codes in range, CSRs monotonic and within their
arrays, coordinates finite and in range, quantities >= 1. Kernels run with bounds checks off
(setup.py), release the GIL and allocate their outputs with numpy.
"""

import numpy as np

cimport numpy as cnp
from libc.math cimport INFINITY, M_PI, NAN, asin, cos, sin, sqrt
from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint32_t
from libcpp.vector cimport vector

cnp.import_array()

cdef extern from *:
    void __builtin_prefetch(const void* address) nogil

EARTH_RADIUS_KM = 6371.0088
cdef double _R = 6371.0088
cdef double _RADIANS = M_PI / 180.0

cdef struct Candidate:
    int64_t row
    int32_t warehouse
    int32_t part
    double km
    uint8_t substitute


cdef enum:
    PIPELINE = 16  # lines between fetching a part's stock rows and reading them


cdef inline double _haversine_km(double lat1, double lon1, double lat2, double lon2) noexcept nogil:
    """Great-circle distance in km between two points given in radians."""
    cdef double s_lat = sin(0.5 * (lat2 - lat1)), s_lon = sin(0.5 * (lon2 - lon1))
    cdef double a = s_lat * s_lat + cos(lat1) * cos(lat2) * s_lon * s_lon
    return 2.0 * _R * asin(sqrt(a if a < 1.0 else 1.0))


cdef inline double _chord2_of_km(double km) noexcept nogil:
    """Squared chord of a great-circle distance: the comparison key for ``km`` limits."""
    cdef double c
    if km >= M_PI * _R:
        return INFINITY
    c = 2.0 * sin(0.5 * km / _R)
    return c * c


def haversine_km(double lat1, double lon1, double lat2, double lon2):
    """Great-circle distance in km between two points given in degrees (R = 6371.0088 km)."""
    return _haversine_km(lat1 * _RADIANS, lon1 * _RADIANS, lat2 * _RADIANS, lon2 * _RADIANS)


def sort_stock(const int32_t[::1] part, const int32_t[::1] warehouse, int32_t n_parts,
               int32_t n_warehouses):
    """Order stock rows by (part, warehouse): two stable counting sorts.

    Returns
    -------
    indptr : int64 array of n_parts + 1
        The CSR over parts.
    order : int64 array
        Input row of each sorted row.
    duplicate : int
        Sorted position of the first row repeating its predecessor's (part, warehouse), or -1.
    """
    cdef Py_ssize_t n = part.shape[0], i, r
    cdef int64_t[::1] by_warehouse = np.empty(n, np.int64)
    cdef int64_t[::1] cursor = np.zeros(n_warehouses + 1, np.int64)
    indptr_arr = np.zeros(n_parts + 1, np.int64)
    order_arr = np.empty(n, np.int64)
    cdef int64_t[::1] indptr = indptr_arr, order = order_arr
    cdef int64_t[::1] start = np.empty(n_parts + 1, np.int64)
    cdef Py_ssize_t duplicate = -1
    with nogil:
        for i in range(n):
            cursor[warehouse[i] + 1] += 1
            indptr[part[i] + 1] += 1
        for i in range(n_warehouses):
            cursor[i + 1] += cursor[i]
        for i in range(n_parts):
            indptr[i + 1] += indptr[i]
        for i in range(n):
            by_warehouse[cursor[warehouse[i]]] = i
            cursor[warehouse[i]] += 1
        start[:] = indptr
        for i in range(n):
            r = by_warehouse[i]
            order[start[part[r]]] = r
            start[part[r]] += 1
        for i in range(1, n):
            if part[order[i]] == part[order[i - 1]] and \
                    warehouse[order[i]] == warehouse[order[i - 1]]:
                duplicate = i
                break
    return indptr_arr, order_arr, duplicate


cdef class StockIndex:
    """Stock rows per part and warehouse positions, for nearest-stock queries.

    Parameters
    ----------
    stock_indptr, stock_warehouse : int64 and int32 arrays
        The CSR ``part -> stock rows`` (see the module docstring).
    available : int64 array
        Quantity per stock row; read live, so updates in place are seen by later queries.
    warehouse_lat, warehouse_lon : float64 arrays
        Warehouse positions in degrees.
    warehouse_kind : uint8 array
        Warehouse kind codes (< 8).
    part_group, group_indptr, group_part : int32, int64, int32 arrays
        Interchange groups; ``part_group`` may be empty when there are none.
    """

    cdef const int64_t[::1] stock_indptr
    cdef const int32_t[::1] stock_warehouse
    cdef const int64_t[::1] available
    cdef double[::1] lat, lon, x, y, z
    cdef const uint8_t[::1] kind
    cdef const int32_t[::1] part_group
    cdef const int64_t[::1] group_indptr
    cdef const int32_t[::1] group_part

    def __init__(self, const int64_t[::1] stock_indptr, const int32_t[::1] stock_warehouse,
                 const int64_t[::1] available, const double[::1] warehouse_lat,
                 const double[::1] warehouse_lon, const uint8_t[::1] warehouse_kind,
                 const int32_t[::1] part_group, const int64_t[::1] group_indptr,
                 const int32_t[::1] group_part):
        cdef Py_ssize_t w, n = warehouse_lat.shape[0]
        self.stock_indptr = stock_indptr
        self.stock_warehouse = stock_warehouse
        self.available = available
        self.kind = warehouse_kind
        self.part_group = part_group
        self.group_indptr = group_indptr
        self.group_part = group_part
        self.lat, self.lon = np.empty(n), np.empty(n)
        self.x, self.y, self.z = np.empty(n), np.empty(n), np.empty(n)
        for w in range(n):
            self.lat[w] = warehouse_lat[w] * _RADIANS
            self.lon[w] = warehouse_lon[w] * _RADIANS
            self.x[w] = cos(self.lat[w]) * cos(self.lon[w])
            self.y[w] = cos(self.lat[w]) * sin(self.lon[w])
            self.z[w] = sin(self.lat[w])

    cdef inline double _chord2(self, int32_t w, double x, double y, double z) noexcept nogil:
        cdef double dx = self.x[w] - x, dy = self.y[w] - y, dz = self.z[w] - z
        return dx * dx + dy * dy + dz * dz

    cdef inline int32_t _rank(self, int32_t w, double chord2, uint32_t rules,
                              const uint8_t[::1] rule_kinds, const double[::1] rule_chord2,
                              const int32_t[::1] rule_rank) noexcept nogil:
        """Rank of the tier of the first rule that applies to a candidate; 1 << 30 for none."""
        cdef int32_t t
        for t in range(rule_kinds.shape[0]):
            if (rules >> t) & 1 and (rule_kinds[t] >> self.kind[w]) & 1 \
                    and chord2 <= rule_chord2[t]:
                return rule_rank[t]
        return 1 << 30

    cdef int64_t _best_row(self, int32_t p, int64_t need, double x, double y, double z,
                           double limit, bint fastest, uint32_t rules,
                           const uint8_t[::1] rule_kinds, const double[::1] rule_chord2,
                           const int32_t[::1] rule_rank, int32_t* best_tier,
                           double* best_chord2, int32_t* best_w, int32_t* best_p) noexcept nogil:
        """Fold part ``p``'s rows into the best so far, by (tier if fastest, chord, w, p).

        Returns the last row that became the best, or -1 when none did.
        """
        cdef int64_t r, found = -1
        cdef int32_t w, tier = 0
        cdef double c
        for r in range(self.stock_indptr[p], self.stock_indptr[p + 1]):
            if self.available[r] < need:
                continue
            w = self.stock_warehouse[r]
            c = self._chord2(w, x, y, z)
            if c > limit:
                continue
            if fastest:
                tier = self._rank(w, c, rules, rule_kinds, rule_chord2, rule_rank)
                if tier > best_tier[0]:
                    continue
                if tier < best_tier[0]:
                    best_chord2[0] = INFINITY
            if c < best_chord2[0] or (c == best_chord2[0] and (
                    w < best_w[0] or (w == best_w[0] and p < best_p[0]))):
                best_tier[0], best_chord2[0], best_w[0], best_p[0] = tier, c, w, p
                found = r
        return found

    def nearest(self, const double[::1] line_lat, const double[::1] line_lon,
                const int32_t[::1] line_part, const int64_t[::1] line_qty,
                const uint32_t[::1] line_rules, const uint8_t[::1] rule_kinds,
                const double[::1] rule_max_km, const int32_t[::1] rule_rank, double max_km,
                bint substitutes, bint fastest):
        """Nearest (or, with ``fastest``, fastest-tier then nearest) stock for each line.

        A line is a shop position (degrees), a part code (-1 = none: nothing is found) and a
        quantity. A warehouse qualifies when one stock row holds at least the quantity and it
        lies within ``max_km``. The part itself is searched first; only when no warehouse
        qualifies, and ``substitutes`` is set, the other parts of its interchange group. Ties go
        to the lower warehouse code, then the lower part code.

        Returns
        -------
        warehouse, part : int32 arrays
            The warehouse and the part shipped, -1 when nothing qualifies.
        substitute : uint8 array
            1 when the part shipped is another part of the group.
        km : float64 array
            Haversine distance, NaN when nothing qualifies.
        tier : int8 array
            The tier rule that applies at that warehouse and distance, -1 for none.
        """
        cdef Py_ssize_t n = line_part.shape[0], i, ahead
        warehouse_arr = np.full(n, -1, np.int32)
        part_arr = np.full(n, -1, np.int32)
        substitute_arr = np.zeros(n, np.uint8)
        km_arr = np.full(n, NAN)
        tier_arr = np.full(n, -1, np.int8)
        cdef int32_t[::1] out_w = warehouse_arr, out_p = part_arr
        cdef uint8_t[::1] out_sub = substitute_arr
        cdef double[::1] out_km = km_arr
        cdef int8_t[::1] out_tier = tier_arr
        cdef double[::1] rule_chord2 = np.array([_chord2_of_km(t) for t in rule_max_km], float)
        cdef double limit = _chord2_of_km(max_km)
        cdef int32_t p, g, best_tier, best_w, best_p
        cdef int64_t k, best
        cdef double lat, lon, x, y, z, best_chord2
        cdef bint grouped = substitutes and self.part_group.shape[0] > 0
        with nogil:
            for i in range(n):
                ahead = i + 2 * PIPELINE
                if ahead < n and line_part[ahead] >= 0:
                    __builtin_prefetch(&self.stock_indptr[line_part[ahead]])
                ahead = i + PIPELINE
                if ahead < n and line_part[ahead] >= 0:
                    k = self.stock_indptr[line_part[ahead]]
                    if k < self.stock_indptr[line_part[ahead] + 1]:
                        __builtin_prefetch(&self.stock_warehouse[k])
                        __builtin_prefetch(&self.available[k])
                p = line_part[i]
                if p < 0:
                    continue
                lat, lon = line_lat[i] * _RADIANS, line_lon[i] * _RADIANS
                x, y, z = cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat)
                best_tier, best_chord2, best_w, best_p = 2147483647, INFINITY, -1, -1
                best = self._best_row(p, line_qty[i], x, y, z, limit, fastest, line_rules[i],
                                      rule_kinds, rule_chord2, rule_rank, &best_tier,
                                      &best_chord2, &best_w, &best_p)
                if best < 0 and grouped:
                    g = self.part_group[p]
                    for k in range(self.group_indptr[g], self.group_indptr[g + 1]):
                        if self.group_part[k] != p and self._best_row(
                                self.group_part[k], line_qty[i], x, y, z, limit, fastest,
                                line_rules[i], rule_kinds, rule_chord2, rule_rank, &best_tier,
                                &best_chord2, &best_w, &best_p) >= 0:
                            best = 1
                    out_sub[i] = best >= 0
                if best < 0:
                    continue
                out_w[i], out_p[i] = best_w, best_p
                out_km[i] = _haversine_km(lat, lon, self.lat[best_w], self.lon[best_w])
                out_tier[i] = self._tier_of_km(best_w, out_km[i], line_rules[i], rule_kinds,
                                               rule_max_km)
        return warehouse_arr, part_arr, substitute_arr, km_arr, tier_arr

    cdef inline int8_t _tier_of_km(self, int32_t w, double km, uint32_t rules,
                                   const uint8_t[::1] rule_kinds,
                                   const double[::1] rule_max_km) noexcept nogil:
        """The tier reported for a chosen warehouse: by its haversine km, so it agrees with km."""
        cdef int32_t t
        for t in range(rule_kinds.shape[0]):
            if (rules >> t) & 1 and (rule_kinds[t] >> self.kind[w]) & 1 \
                    and km <= rule_max_km[t]:
                return <int8_t> t
        return -1

    cdef void _push_rows(self, int32_t q, bint substitute, int64_t need, double lat, double lon,
                         double limit, vector[Candidate]* out) noexcept nogil:
        """Append part ``q``'s stock rows holding ``need`` within the limit."""
        cdef int64_t r
        cdef int32_t w
        cdef double x = cos(lat) * cos(lon), y = cos(lat) * sin(lon), z = sin(lat)
        cdef Candidate c
        for r in range(self.stock_indptr[q], self.stock_indptr[q + 1]):
            w = self.stock_warehouse[r]
            if self.available[r] >= need and self._chord2(w, x, y, z) <= limit:
                c.row, c.warehouse, c.part, c.substitute = r, w, q, substitute
                c.km = _haversine_km(lat, lon, self.lat[w], self.lon[w])
                out.push_back(c)

    def candidates(self, const double[::1] line_lat, const double[::1] line_lon,
                   const int32_t[::1] line_part, const int64_t[::1] line_qty, double max_km,
                   bint substitutes):
        """Every stock row that could fill each line: the part's own, then its group's.

        Returns
        -------
        line_indptr : int64 array of n_lines + 1
            CSR over lines into the candidate arrays.
        row : int64 array
            The stock row (its ``available`` is what a plan may take from it).
        warehouse, part : int32 arrays
        substitute : uint8 array
        km : float64 array
            Per candidate: the part's own rows first, then the group's other parts in group
            order; each part's rows by warehouse code.
        """
        cdef Py_ssize_t n = line_part.shape[0], i
        cdef vector[Candidate] found
        indptr_arr = np.zeros(n + 1, np.int64)
        cdef int64_t[::1] indptr = indptr_arr
        cdef double limit = _chord2_of_km(max_km), lat, lon
        cdef int32_t p, g
        cdef int64_t k
        cdef bint grouped = substitutes and self.part_group.shape[0] > 0
        with nogil:
            for i in range(n):
                p = line_part[i]
                if p >= 0:
                    lat, lon = line_lat[i] * _RADIANS, line_lon[i] * _RADIANS
                    self._push_rows(p, False, line_qty[i], lat, lon, limit, &found)
                    if grouped:
                        g = self.part_group[p]
                        for k in range(self.group_indptr[g], self.group_indptr[g + 1]):
                            if self.group_part[k] != p:
                                self._push_rows(self.group_part[k], True, line_qty[i], lat,
                                                lon, limit, &found)
                indptr[i + 1] = found.size()
        return (indptr_arr, *_candidate_arrays(found))


cdef tuple _candidate_arrays(vector[Candidate]& found):
    cdef Py_ssize_t n = found.size(), i
    row_arr = np.empty(n, np.int64)
    cdef int64_t[::1] row = row_arr
    warehouse_arr, part_arr = np.empty(n, np.int32), np.empty(n, np.int32)
    substitute_arr, km_arr = np.empty(n, np.uint8), np.empty(n, np.float64)
    cdef int32_t[::1] warehouse = warehouse_arr, part = part_arr
    cdef uint8_t[::1] substitute = substitute_arr
    cdef double[::1] km = km_arr
    for i in range(n):
        row[i], warehouse[i], part[i] = found[i].row, found[i].warehouse, found[i].part
        substitute[i], km[i] = found[i].substitute, found[i].km
    return row_arr, warehouse_arr, part_arr, substitute_arr, km_arr
