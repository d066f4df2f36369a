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

Popular parts sit in hundreds of warehouses, and an order line for one would visit them all. The
Python side groups warehouses into small spatial *clusters* (about eight warehouses each, so a
city's warehouses mostly share one) and numbers them cluster by cluster, so the rows of a part
held by a cluster form a *run*. Each cluster has a bounding ball (centre, chord radius). For a
part with many rows the query measures its distance to the centres of the part's clusters,
scans the run of the nearest first, then skips every run whose ball lies farther than the best
warehouse found. It is exact (no warehouse in a ball is nearer than the ball's surface) and, at
scale L, visits a few per cent of a popular part's rows instead of all of them.

Interchange groups (from the number index) are a CSR ``group_indptr`` / ``group_part`` with
``part_group[p]`` the group of part ``p``: when no warehouse holds enough of a part itself, its
group's other parts are searched and the answer is marked as a substitute.

Delivery tiers are rules in order, fastest first (see ``tiers.py``): rule ``t`` applies to a
candidate when bit ``t`` of the line's ``line_rules`` is set (the rule covers the line's
category), bit ``kind`` of ``rule_kinds[t]`` is set, and its distance is at most
``rule_max_km[t]``. A candidate's tier is the first rule that applies, or none.

The kernels of order sourcing (``order_warehouses``, ``cover_orders``, ``assign_orders``) are in
``_sourcing.pxi``, included at the end of this file: one extension, two topics.

Contract
--------
The Python callers validate everything first: codes in range, CSRs monotonic and within their
arrays, coordinates finite and in range, quantities >= 1. Kernels run with bounds checks off
(setup.py), release the GIL and allocate their outputs with numpy.
"""

import numpy as np

cimport cython
cimport numpy as cnp
from libc.math cimport INFINITY, M_PI, NAN, asin, cos, sin, sqrt
from libc.stdint cimport int8_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libcpp.algorithm cimport sort as cpp_sort
from libcpp.vector cimport vector

from yunpei_match._base.counting cimport count_starts
from yunpei_match._base.prefetch cimport __builtin_prefetch

cnp.import_array()

EARTH_RADIUS_KM = 6371.0088
cdef double _R = 6371.0088
cdef double _RADIANS = M_PI / 180.0

cdef struct Candidate:
    int64_t row
    int32_t warehouse
    int32_t part
    double km
    uint8_t substitute


cdef struct Shipper:
    # What one warehouse can do for one order (see order_warehouses): its distance, and where
    # its fill mask starts in a buffer of 64-bit words (its own mask follows it).
    double km
    int32_t warehouse
    int64_t words


cdef struct Best:
    int32_t rank  # tier rank when ranking by tier, else 0
    double chord2
    int32_t warehouse
    int32_t part


cdef struct Query:
    double x, y, z  # the shop, as a unit vector
    double limit  # squared chord of max_km
    int64_t need
    uint32_t rules  # the tier rules covering the line's category, a bit each
    bint fastest
    int32_t n_rules
    const uint8_t* rule_kinds
    const double* rule_chord2
    const int32_t* rule_rank


cdef enum:
    PIPELINE = 16  # lines between fetching a part's stock rows and reading them
    MIN_RUN_ROWS = 24  # parts with fewer stock rows are scanned row by row
    MAX_RUNS = 256  # ... and so are parts spread over more clusters than this


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


cdef inline double _haversine_cos(double lat1, double lon1, double cos_lat1, double lat2,
                                  double lon2, double cos_lat2) noexcept nogil:
    """:func:`_haversine_km` with both cosines of latitude known already."""
    cdef double s_lat = sin(0.5 * (lat2 - lat1)), s_lon = sin(0.5 * (lon2 - lon1))
    cdef double a = s_lat * s_lat + cos_lat1 * cos_lat2 * s_lon * s_lon
    return 2.0 * _R * asin(sqrt(a if a < 1.0 else 1.0))


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
        count_starts(warehouse, cursor)
        count_starts(part, indptr)
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


@cython.final  # its methods are called directly, not through a table, and can be inlined
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
    warehouse_cluster : int32 array
        Spatial cluster of each warehouse, non-decreasing along the codes (see the module
        docstring); any partition gives the same answers, a good one answers faster.
    """

    cdef const int64_t[::1] stock_indptr
    cdef const int32_t[::1] stock_warehouse
    cdef const int64_t[::1] available
    cdef double[::1] lat, lon, cos_lat
    cdef double[:, ::1] xyz  # unit vector per warehouse, padded to 32 bytes: one load each
    cdef const uint8_t[::1] kind
    cdef const int32_t[::1] part_group
    cdef const int64_t[::1] group_indptr
    cdef const int32_t[::1] group_part
    cdef double[:, ::1] ball  # per cluster: centre x, y, z and chord radius
    cdef int64_t[::1] run_indptr  # CSR part -> runs (none for parts of few rows)
    # Per run: its first row's offset in the part (low 16 bits) and its cluster (high 16):
    # four bytes a run, so that reading them costs less than reading the rows they skip.
    cdef uint32_t[::1] run_packed

    def __init__(self, const int64_t[::1] stock_indptr, const int32_t[::1] stock_warehouse,
                 const int64_t[::1] available, const double[::1] warehouse_lat,
                 const double[::1] warehouse_lon, const uint8_t[::1] warehouse_kind,
                 const int32_t[::1] part_group, const int64_t[::1] group_indptr,
                 const int32_t[::1] group_part, const int32_t[::1] warehouse_cluster):
        cdef Py_ssize_t w, n = warehouse_lat.shape[0]
        self.stock_indptr = stock_indptr
        self.stock_warehouse = stock_warehouse
        self.available = available
        self.kind = warehouse_kind
        self.part_group = part_group
        self.group_indptr = group_indptr
        self.group_part = group_part
        self.lat, self.lon, self.cos_lat = np.empty(n), np.empty(n), np.empty(n)
        self.xyz = np.zeros((max(n, 1), 4))
        for w in range(n):
            self.lat[w] = warehouse_lat[w] * _RADIANS
            self.lon[w] = warehouse_lon[w] * _RADIANS
            self.cos_lat[w] = cos(self.lat[w])
            self.xyz[w, 0] = cos(self.lat[w]) * cos(self.lon[w])
            self.xyz[w, 1] = cos(self.lat[w]) * sin(self.lon[w])
            self.xyz[w, 2] = sin(self.lat[w])
        self._fit_balls(warehouse_cluster)
        self._find_runs(warehouse_cluster)

    def _fit_balls(self, const int32_t[::1] cluster):
        """Centre = mean of the cluster's unit vectors; radius = the largest chord to one."""
        cdef Py_ssize_t w, c, n = cluster.shape[0], n_clusters = 0
        cdef double d
        for w in range(n):
            n_clusters = max(n_clusters, cluster[w] + 1)
        self.ball = np.zeros((max(n_clusters, 1), 4))
        count = np.zeros(max(n_clusters, 1))
        cdef double[::1] counts = count
        for w in range(n):
            c = cluster[w]
            self.ball[c, 0] += self.xyz[w, 0]
            self.ball[c, 1] += self.xyz[w, 1]
            self.ball[c, 2] += self.xyz[w, 2]
            counts[c] += 1
        for c in range(n_clusters):
            if counts[c]:
                self.ball[c, 0] /= counts[c]
                self.ball[c, 1] /= counts[c]
                self.ball[c, 2] /= counts[c]
        for w in range(n):
            c = cluster[w]
            d = sqrt(self._chord2(w, self.ball[c, 0], self.ball[c, 1], self.ball[c, 2]))
            # Widened by a hair so that rounding never puts a warehouse outside its ball.
            self.ball[c, 3] = max(self.ball[c, 3], d * (1.0 + 1e-12) + 1e-12)

    def _find_runs(self, const int32_t[::1] cluster):
        """The runs of rows in one cluster of every part with at least MIN_RUN_ROWS rows."""
        cdef Py_ssize_t n_parts = self.stock_indptr.shape[0] - 1, p
        cdef int64_t r, start, n_runs = 0
        cdef int64_t[::1] indptr = np.zeros(n_parts + 1, np.int64)
        for p in range(n_parts):
            n_runs += self._count_runs(p, cluster)
            indptr[p + 1] = n_runs
        self.run_indptr = indptr
        self.run_packed = np.zeros(n_runs, np.uint32)
        n_runs = 0
        for p in range(n_parts):
            if indptr[p + 1] == indptr[p]:
                continue
            start = self.stock_indptr[p]
            for r in range(start, self.stock_indptr[p + 1]):
                if r == start or \
                        cluster[self.stock_warehouse[r]] != cluster[self.stock_warehouse[r - 1]]:
                    self.run_packed[n_runs] = <uint32_t> (r - start) | \
                        (<uint32_t> cluster[self.stock_warehouse[r]] << 16)
                    n_runs += 1

    cdef int64_t _count_runs(self, Py_ssize_t p, const int32_t[::1] cluster):
        """Runs of part ``p``, or 0 when it is scanned row by row (few rows, or offsets or
        cluster numbers too large to pack in 16 bits)."""
        cdef int64_t r, start = self.stock_indptr[p], stop = self.stock_indptr[p + 1], runs = 0
        if stop - start < MIN_RUN_ROWS or stop - start > 65535:
            return 0
        for r in range(start, stop):
            if cluster[self.stock_warehouse[r]] > 65535:
                return 0
            if r == start or cluster[self.stock_warehouse[r]] != \
                    cluster[self.stock_warehouse[r - 1]]:
                runs += 1
        return runs if runs <= MAX_RUNS else 0

    cdef inline double _chord2(self, int32_t w, double x, double y, double z) noexcept nogil:
        cdef const double* v = &self.xyz[w, 0]
        cdef double dx = v[0] - x, dy = v[1] - y, dz = v[2] - z
        return dx * dx + dy * dy + dz * dz

    cdef inline int32_t _rank(self, int32_t w, double chord2, const Query* q) noexcept nogil:
        """Rank of the tier of the first rule that applies to a candidate; 1 << 30 for none."""
        cdef int32_t t
        for t in range(q.n_rules):
            if (q.rules >> t) & 1 and (q.rule_kinds[t] >> self.kind[w]) & 1 \
                    and chord2 <= q.rule_chord2[t]:
                return q.rule_rank[t]
        return 1 << 30

    cdef bint _fold_rows(self, int32_t p, const Query* q, Best* best) noexcept nogil:
        """Fold part ``p``'s rows into ``best``, by (tier rank if fastest, chord, w, p).

        Returns whether any row qualified. A part with runs is searched run by run (see the
        module docstring). A run is skipped only when no row in it could win: its ball lies
        farther than the best so far and, ranking by tier, the best has the fastest tier.
        """
        cdef int64_t start = self.stock_indptr[p], stop = self.stock_indptr[p + 1]
        cdef int64_t first = 0, n_runs = 0, b, nearest = 0, lo, hi
        cdef const uint32_t* runs
        cdef double centre[MAX_RUNS]
        cdef double reach, s = 0.0, known = -1.0, closest = INFINITY
        cdef bint found
        if stop - start >= MIN_RUN_ROWS:  # most parts: no need to look at the runs at all
            first, n_runs = self.run_indptr[p], self.run_indptr[p + 1] - self.run_indptr[p]
        if n_runs == 0:
            return self._fold_range(p, start, stop, q, best)
        runs = &self.run_packed[first]
        for b in range(n_runs):
            centre[b] = self._ball_chord2(runs[b] >> 16, q.x, q.y, q.z)
            if centre[b] < closest:  # kept in a register: no chain through memory
                closest, nearest = centre[b], b
        lo, hi = _run_rows(runs, nearest, n_runs, start, stop)
        found = self._fold_range(p, lo, hi, q, best)
        for b in range(n_runs):
            if b == nearest:
                continue
            if best.chord2 < INFINITY and (not q.fastest or best.rank == 0):
                if best.chord2 != known:  # the square root only when the best has changed
                    known, s = best.chord2, sqrt(best.chord2)
                reach = s + self.ball[runs[b] >> 16, 3]
                if centre[b] > reach * reach:
                    continue
            lo, hi = _run_rows(runs, b, n_runs, start, stop)
            if self._fold_range(p, lo, hi, q, best):
                found = True
        return found

    cdef inline double _ball_chord2(self, uint32_t cluster, double x, double y, double z
                                    ) noexcept nogil:
        cdef double dx = self.ball[cluster, 0] - x, dy = self.ball[cluster, 1] - y
        cdef double dz = self.ball[cluster, 2] - z
        return dx * dx + dy * dy + dz * dz

    cdef bint _fold_range(self, int32_t p, int64_t start, int64_t stop, const Query* q,
                          Best* best) noexcept nogil:
        """Fold rows ``start..stop`` of part ``p`` into ``best``; whether any qualified.

        The loop reads raw pointers and keeps the best in locals: through the struct the
        compiler would reload everything after every store.
        """
        if start >= stop:
            return False
        cdef const int64_t* available = &self.available[0]
        cdef const int32_t* warehouse = &self.stock_warehouse[0]
        cdef const double* xyz = &self.xyz[0, 0]
        cdef const double* v
        cdef int64_t r, need = q.need
        cdef int32_t w, rank = 0, best_rank = best.rank, best_w = best.warehouse
        cdef int32_t best_p = best.part
        cdef double c, dx, dy, dz, best_c = best.chord2, x = q.x, y = q.y, z = q.z
        cdef double limit = q.limit
        cdef bint found = False, fastest = q.fastest
        for r in range(start, stop):
            if available[r] < need:
                continue
            w = warehouse[r]
            v = xyz + 4 * w
            dx, dy, dz = v[0] - x, v[1] - y, v[2] - z
            c = dx * dx + dy * dy + dz * dz
            if c > limit:
                continue
            found = True
            if fastest:
                if best_rank == 0 and c > best_c:
                    continue  # the fastest tier is taken: only nearer can win
                rank = self._rank(w, c, q)
                if rank > best_rank:
                    continue
                if rank < best_rank:
                    best_c = INFINITY
            if c < best_c or (c == best_c and (w < best_w or (w == best_w and p < best_p))):
                best_rank, best_c, best_w, best_p = rank, c, w, p
        best.rank, best.chord2, best.warehouse, best.part = best_rank, best_c, best_w, best_p
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
        # Rule arrays padded by one element, so that their first address exists when empty.
        cdef double[::1] chord2 = _padded([_chord2_of_km(t) for t in rule_max_km], np.float64)
        cdef double[::1] max_kms = _padded(rule_max_km, np.float64)
        cdef uint8_t[::1] kinds = _padded(rule_kinds, np.uint8)
        cdef int32_t[::1] ranks = _padded(rule_rank, np.int32)
        cdef Query q
        q.limit, q.fastest, q.n_rules = _chord2_of_km(max_km), fastest, rule_kinds.shape[0]
        q.rule_kinds, q.rule_chord2, q.rule_rank = &kinds[0], &chord2[0], &ranks[0]
        cdef int32_t p, g
        cdef int64_t k
        cdef double lat = 0.0, lon = 0.0, cos_lat = 1.0, lat_deg = NAN, lon_deg = NAN
        cdef Best best
        cdef bint found
        cdef bint grouped = substitutes and self.part_group.shape[0] > 0
        with nogil:
            for i in range(n):
                # Software pipeline: the row offsets of line i + 2D, the first rows (or, for a
                # popular part, the run offsets; for a part held nowhere, its group) of line
                # i + D and the next level of line i + D/2 and i + D/4 are fetched while line
                # i is answered: the misses of many lines overlap instead of adding up.
                ahead = i + 2 * PIPELINE
                if ahead < n and line_part[ahead] >= 0:
                    __builtin_prefetch(&self.stock_indptr[line_part[ahead]])
                ahead = i + PIPELINE
                if ahead < n and line_part[ahead] >= 0:
                    k = self.stock_indptr[line_part[ahead]]
                    if self.stock_indptr[line_part[ahead] + 1] - k >= MIN_RUN_ROWS:
                        __builtin_prefetch(&self.run_indptr[line_part[ahead]])
                    elif k < self.stock_indptr[line_part[ahead] + 1]:
                        __builtin_prefetch(&self.stock_warehouse[k])
                        __builtin_prefetch(&self.available[k])
                    elif grouped:  # held nowhere: its substitutes will be searched
                        __builtin_prefetch(&self.part_group[line_part[ahead]])
                ahead = i + PIPELINE // 2  # and the runs or the group, half as far ahead
                if ahead < n and line_part[ahead] >= 0:
                    p = line_part[ahead]
                    k = self.stock_indptr[p + 1] - self.stock_indptr[p]
                    if k >= MIN_RUN_ROWS and self.run_indptr[p] < self.run_indptr[p + 1]:
                        __builtin_prefetch(&self.run_packed[self.run_indptr[p]])
                    elif k == 0 and grouped:
                        __builtin_prefetch(&self.group_indptr[self.part_group[p]])
                ahead = i + PIPELINE // 4  # and the group's members
                if grouped and ahead < n and line_part[ahead] >= 0:
                    p = line_part[ahead]
                    if self.stock_indptr[p + 1] == self.stock_indptr[p]:
                        __builtin_prefetch(&self.group_part[self.group_indptr[self.part_group[p]]])
                p = line_part[i]
                if p < 0:
                    continue
                if line_lat[i] != lat_deg or line_lon[i] != lon_deg:
                    # The lines of one order share a shop: its trigonometry is done once.
                    lat_deg, lon_deg = line_lat[i], line_lon[i]
                    lat, lon = lat_deg * _RADIANS, lon_deg * _RADIANS
                    cos_lat = cos(lat)
                    q.x, q.y, q.z = cos_lat * cos(lon), cos_lat * sin(lon), sin(lat)
                q.need, q.rules = line_qty[i], line_rules[i]
                best.rank, best.chord2, best.warehouse, best.part = 2147483647, INFINITY, -1, -1
                found = self._fold_rows(p, &q, &best)
                if not found and grouped:
                    g = self.part_group[p]
                    for k in range(self.group_indptr[g], self.group_indptr[g + 1]):
                        if self.group_part[k] != p and self._fold_rows(self.group_part[k], &q,
                                                                       &best):
                            found = True
                    out_sub[i] = found
                if not found:
                    continue
                out_w[i], out_p[i] = best.warehouse, best.part
                out_km[i] = _haversine_cos(lat, lon, cos_lat, self.lat[best.warehouse],
                                           self.lon[best.warehouse],
                                           self.cos_lat[best.warehouse])
                out_tier[i] = self._tier_of_km(best.warehouse, out_km[i], &q, &max_kms[0])
        return warehouse_arr, part_arr, substitute_arr, km_arr, tier_arr

    cdef inline int8_t _tier_of_km(self, int32_t w, double km, const Query* q,
                                   const double* rule_max_km) noexcept nogil:
        """The tier reported for a chosen warehouse: by its haversine km, so it agrees with km."""
        cdef int32_t t
        for t in range(q.n_rules):
            if (q.rules >> t) & 1 and (q.rule_kinds[t] >> self.kind[w]) & 1 \
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


def _padded(values, dtype):
    """``values`` as an array of ``dtype`` with one more (zero) element at the end."""
    return np.concatenate([np.asarray(values, dtype), np.zeros(1, dtype)])


cdef inline (int64_t, int64_t) _run_rows(const uint32_t* runs, int64_t b, int64_t n_runs,
                                         int64_t start, int64_t stop) noexcept nogil:
    """Stock rows of run ``b`` of a part whose rows are ``start..stop``."""
    return (start + (runs[b] & 0xFFFF),
            start + (runs[b + 1] & 0xFFFF) if b + 1 < n_runs else stop)


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


include "_sourcing.pxi"
