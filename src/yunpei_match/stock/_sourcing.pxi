# Included once, by _kernels.pyx (never by another extension): the kernels of order sourcing.
#
# ``order_warehouses`` reduces each order to the warehouses worth a look (multi-word masks of
# the lines each can fill, dominance pruned), ``cover_orders`` finds each order's fewest
# shipments by branch and bound (greedy past its budget), and ``assign_orders`` gives every
# line its warehouse and stock row. The twins are in ``_kernels_py.py``; the problem and its
# objective are described in ``sourcing.py``.

cdef bint _by_distance(const Shipper& a, const Shipper& b) noexcept nogil:
    return a.km < b.km or (a.km == b.km and a.warehouse < b.warehouse)


cdef inline bint _within(const uint64_t* small, const uint64_t* big, int64_t n) noexcept nogil:
    """Whether every bit set in the ``n`` words of ``small`` is set in ``big``."""
    cdef int64_t k
    for k in range(n):
        if small[k] & ~big[k]:
            return False
    return True


def order_warehouses(const int64_t[::1] line_indptr, const int32_t[::1] warehouse,
                     const uint8_t[::1] substitute, const double[::1] km,
                     const int64_t[::1] order_indptr, int32_t n_warehouses):
    """For each order, the warehouses worth a look in its cover search, nearest first.

    The candidates (``StockIndex.candidates``: a CSR over the orders' lines) give each
    warehouse a *mask* (a bit per line of the order it can fill) and an *own* mask (the lines
    it has the part itself for). A warehouse is left out when a nearer one (or one as near with
    a lower code) has both masks covering its own: swapping it for that one never costs a
    shipment, a substitute or a kilometre. Popular parts sit in hundreds of warehouses, and a
    handful survive. A mask is ``ceil(lines / 64)`` words, so orders of any size fit.

    Returns
    -------
    indptr : int64 array of n_orders + 1
        CSR over orders of the warehouses kept.
    word_indptr : int64 array of n_orders + 1
        CSR over orders of the mask words: ``ceil(lines / 64)`` per warehouse kept, in turn.
    warehouse : int32 array
    mask, own : uint64 arrays
        Bit ``i % 64`` of a warehouse's word ``i // 64`` stands for the order's ``i``-th line.
    km : float64 array
    """
    cdef Py_ssize_t n_orders = order_indptr.shape[0] - 1, o
    cdef int64_t d, c, lo, n, k, at
    cdef uint64_t bit
    cdef int32_t w
    cdef vector[Shipper] found, out
    cdef vector[uint64_t] words, out_mask, out_own
    cdef Shipper item
    cdef int64_t[::1] stamp = np.full(max(n_warehouses, 1), -1, np.int64)
    cdef int64_t[::1] slot = np.zeros(max(n_warehouses, 1), np.int64)
    indptr_arr = np.zeros(n_orders + 1, np.int64)
    word_indptr_arr = np.zeros(n_orders + 1, np.int64)
    cdef int64_t[::1] indptr = indptr_arr, word_indptr = word_indptr_arr
    with nogil:
        for o in range(n_orders):
            lo = order_indptr[o]
            n = (order_indptr[o + 1] - lo + 63) // 64
            found.clear()
            words.clear()
            for d in range(lo, order_indptr[o + 1]):
                k, bit = (d - lo) // 64, (<uint64_t> 1) << ((d - lo) % 64)
                for c in range(line_indptr[d], line_indptr[d + 1]):
                    w = warehouse[c]
                    if stamp[w] != o:
                        stamp[w], slot[w] = o, found.size()
                        item.km, item.warehouse, item.words = km[c], w, words.size()
                        found.push_back(item)
                        words.resize(words.size() + 2 * n, 0)
                    at = found[slot[w]].words + k
                    words[at] |= bit
                    if not substitute[c]:
                        words[at + n] |= bit
            cpp_sort(found.begin(), found.end(), _by_distance)
            _keep_undominated(found, words, n, out, out_mask, out_own)
            indptr[o + 1], word_indptr[o + 1] = out.size(), out_mask.size()
    return (indptr_arr, word_indptr_arr, *_shipper_arrays(out, out_mask, out_own))


cdef void _keep_undominated(vector[Shipper]& found, vector[uint64_t]& words, int64_t n,
                            vector[Shipper]& out, vector[uint64_t]& out_mask,
                            vector[uint64_t]& out_own) noexcept nogil:
    """Append to ``out`` the warehouses of ``found`` (nearest first; ``n`` words a mask) that
    no warehouse kept before them dominates, with their masks."""
    cdef Py_ssize_t start = out.size(), i, j
    cdef int64_t k
    cdef const uint64_t* mine
    cdef Shipper item
    cdef bint dominated
    for i in range(<Py_ssize_t> found.size()):
        mine = words.data() + found[i].words
        dominated = False
        for j in range(start, <Py_ssize_t> out.size()):
            if _within(mine, out_mask.data() + out[j].words, n) and \
                    _within(mine + n, out_own.data() + out[j].words, n):
                dominated = True
                break
        if not dominated:
            item = found[i]
            item.words = out_mask.size()
            out.push_back(item)
            for k in range(n):
                out_mask.push_back(mine[k])
                out_own.push_back(mine[n + k])


cdef tuple _shipper_arrays(vector[Shipper]& out, vector[uint64_t]& out_mask,
                           vector[uint64_t]& out_own):
    cdef Py_ssize_t n = out.size(), i
    warehouse_arr, km_arr = np.empty(n, np.int32), np.empty(n, np.float64)
    cdef int32_t[::1] warehouse = warehouse_arr
    cdef double[::1] km = km_arr
    for i in range(n):
        warehouse[i], km[i] = out[i].warehouse, out[i].km
    mask_arr, own_arr = np.empty(out_mask.size(), np.uint64), np.empty(out_own.size(), np.uint64)
    cdef uint64_t[::1] mask = mask_arr, own = own_arr
    for i in range(<Py_ssize_t> out_mask.size()):
        mask[i], own[i] = out_mask[i], out_own[i]
    return warehouse_arr, mask_arr, own_arr, km_arr


# -- the cover search (the twin is _kernels_py.Cover; see sourcing.py for the problem) ---------

cdef extern from *:
    int __builtin_popcountll(unsigned long long value) nogil


cdef struct Search:
    # One order's cover search: its m kept warehouses (nearest first) with masks of n words,
    # the demands each can fill, and the best cover found so far of the size searched.
    int64_t n, m, nodes, size, widest
    const uint64_t* mask
    const uint64_t* own
    const double* km
    const int32_t* warehouse
    const int64_t* weight  # order lines a demand stands for
    const uint64_t* target  # the demands some warehouse can fill
    const int64_t* option_indptr  # the warehouses (kept positions) that can fill demand i
    const int32_t* option
    const int64_t* branch_order
    uint64_t* covered  # (size + 1) * n words: the demands covered at each depth
    int32_t* chosen  # kept positions, in the order chosen
    int32_t* codes  # scratch: the chosen warehouse codes, sorted
    bint found
    int64_t best_substitutes
    double best_km
    int32_t* best  # the best cover's warehouse codes, sorted


cdef inline int64_t _count_open(const uint64_t* target, const uint64_t* covered,
                                int64_t n) noexcept nogil:
    cdef int64_t k, total = 0
    for k in range(n):
        total += __builtin_popcountll(target[k] & ~covered[k])
    return total


cdef bint _cover_search(Search* s, int64_t depth, double km, int64_t at) noexcept nogil:
    """Depth-first search for covers of ``s.size``; False when the node budget runs out.

    The demands before ``branch_order[at]`` are all covered by the ``depth`` chosen."""
    cdef const uint64_t* covered = s.covered + depth * s.n
    cdef uint64_t* below = s.covered + (depth + 1) * s.n
    cdef int64_t line, c, k
    cdef int32_t j
    cdef double total
    s.nodes -= 1
    if s.nodes < 0:
        return False
    cdef int64_t open_lines = _count_open(s.target, covered, s.n)
    if open_lines == 0:
        _cover_record(s, depth, km)
        return True
    if open_lines > (s.size - depth) * s.widest:
        return True
    while covered[s.branch_order[at] // 64] >> (s.branch_order[at] % 64) & 1:
        at += 1
    line = s.branch_order[at]
    for c in range(s.option_indptr[line], s.option_indptr[line + 1]):
        j = s.option[c]
        total = km + s.km[j]
        if s.found and s.best_substitutes == 0 and total > s.best_km:
            break  # no substitutes to save, and the options only get farther
        for k in range(s.n):
            below[k] = covered[k] | s.mask[j * s.n + k]
        s.chosen[depth] = j
        if not _cover_search(s, depth + 1, total, at + 1):
            return False
    return True


cdef void _cover_record(Search* s, int64_t depth, double km) noexcept nogil:
    """Keep the cover of the ``depth`` chosen if it beats the best: fewer substitute lines,
    then less distance, then the smaller warehouse codes."""
    cdef int64_t k, i, substitutes = 0, order
    cdef uint64_t own, word
    for k in range(s.n):
        own = 0
        for i in range(depth):
            own |= s.own[s.chosen[i] * s.n + k]
        word = s.target[k] & ~own
        while word:
            substitutes += s.weight[64 * k + __builtin_popcountll((word & -word) - 1)]
            word &= word - 1
    for i in range(depth):
        s.codes[i] = s.warehouse[s.chosen[i]]
    cpp_sort(s.codes, s.codes + depth)
    if s.found:
        if substitutes != s.best_substitutes:
            if substitutes > s.best_substitutes:
                return
        elif km != s.best_km:
            if km > s.best_km:
                return
        else:
            order = 0
            for i in range(depth):
                if s.codes[i] != s.best[i]:
                    order = -1 if s.codes[i] < s.best[i] else 1
                    break
            if order >= 0:
                return
    s.found, s.best_substitutes, s.best_km = True, substitutes, km
    for i in range(depth):
        s.best[i] = s.codes[i]


cdef int64_t _cover_greedy(Search* s, int64_t cap) noexcept nogil:
    """Into ``s.best``: repeatedly the warehouse filling the most open demands, nearest first
    (then the lower code), until all are covered or ``cap`` are chosen; returns how many."""
    cdef uint64_t* covered = s.covered
    cdef int64_t count = 0, j, k, gain, best_gain
    cdef int64_t pick
    while count < cap and _count_open(s.target, covered, s.n):
        pick, best_gain = -1, -1
        for j in range(s.m):
            gain = 0
            for k in range(s.n):
                gain += __builtin_popcountll(s.mask[j * s.n + k] & ~covered[k])
            if gain > best_gain or (gain == best_gain and (
                    s.km[j] < s.km[pick] or
                    (s.km[j] == s.km[pick] and s.warehouse[j] < s.warehouse[pick]))):
                pick, best_gain = j, gain
        for k in range(s.n):
            covered[k] |= s.mask[pick * s.n + k]
        s.best[count] = s.warehouse[pick]
        count += 1
    cpp_sort(s.best, s.best + count)
    return count


def cover_orders(const int64_t[::1] indptr, const int64_t[::1] word_indptr,
                 const int32_t[::1] warehouse, const uint64_t[::1] mask,
                 const uint64_t[::1] own, const double[::1] km,
                 const int64_t[::1] order_indptr, const int64_t[::1] weight,
                 int64_t cap, int64_t max_nodes):
    """For each order, the warehouses of its best cover of at most ``cap`` (see sourcing.py).

    The first six arguments are ``order_warehouses``' result; ``order_indptr`` is the CSR of
    the orders' demands and ``weight`` the order lines each demand stands for. Covers of 1, 2,
    3... warehouses are searched by branch and bound, in the node order of the twin
    (``_kernels_py.Cover``): branch on the open demand with the fewest warehouses (the first of
    them on a tie), nearest first; prune a branch that cannot cover the rest with the shipments
    left, or that travels farther than a best cover without substitutes. After ``max_nodes``
    branches of an order, over all sizes, the greedy cover takes over.

    Returns
    -------
    indptr : int64 array of n_orders + 1
        CSR over orders of the warehouses chosen.
    warehouse : int32 array
        Their codes, ascending within an order.
    optimal : uint8 array of n_orders
        1 when the search proved the cover best, 0 for the greedy cover.
    """
    cdef Py_ssize_t n_orders = order_indptr.shape[0] - 1, o
    cdef int64_t a, m, n, j, k, count
    cdef vector[uint64_t] target, covered
    cdef vector[int64_t] option_indptr, branch_order
    cdef vector[int32_t] option, chosen, codes, best, out
    cdef Search s
    out_indptr_arr = np.zeros(n_orders + 1, np.int64)
    optimal_arr = np.zeros(n_orders, np.uint8)
    cdef int64_t[::1] out_indptr = out_indptr_arr
    cdef uint8_t[::1] optimal = optimal_arr
    # Base pointers, taken once: an array may be empty (no order has a warehouse).
    cdef const uint64_t* mask_at = &mask[0] if mask.shape[0] else NULL
    cdef const uint64_t* own_at = &own[0] if own.shape[0] else NULL
    cdef const double* km_at = &km[0] if km.shape[0] else NULL
    cdef const int32_t* warehouse_at = &warehouse[0] if warehouse.shape[0] else NULL
    cdef const int64_t* weight_at = &weight[0] if weight.shape[0] else NULL
    with nogil:
        for o in range(n_orders):
            a, m = indptr[o], indptr[o + 1] - indptr[o]
            n = (order_indptr[o + 1] - order_indptr[o] + 63) // 64
            target.assign(n, 0)
            covered.assign((m + 1) * n, 0)
            chosen.resize(m + 1)
            codes.resize(m + 1)
            best.resize(m + 1)
            s.n, s.m, s.nodes, s.widest = n, m, max_nodes, 0
            s.mask, s.own = mask_at + word_indptr[o], own_at + word_indptr[o]
            s.km, s.warehouse = km_at + a, warehouse_at + a
            s.weight = weight_at + order_indptr[o]
            for j in range(m):
                count = 0
                for k in range(n):
                    target[k] |= s.mask[j * n + k]
                    count += __builtin_popcountll(s.mask[j * n + k])
                s.widest = max(s.widest, count)
            _cover_options(s, 64 * n, option_indptr, option, branch_order, target)
            s.target, s.covered = target.data(), covered.data()
            s.option_indptr, s.option = option_indptr.data(), option.data()
            s.branch_order = branch_order.data()
            s.chosen, s.codes, s.best = chosen.data(), codes.data(), best.data()
            count, optimal[o] = _cover_best(&s, cap)
            for j in range(count):
                out.push_back(s.best[j])
            out_indptr[o + 1] = out.size()
    out_arr = np.empty(out.size(), np.int32)
    cdef int32_t[::1] out_view = out_arr
    for j in range(<int64_t> out.size()):
        out_view[j] = out[j]
    return out_indptr_arr, out_arr, optimal_arr


cdef void _cover_options(Search& s, int64_t n_lines, vector[int64_t]& option_indptr,
                         vector[int32_t]& option, vector[int64_t]& branch_order,
                         vector[uint64_t]& target) noexcept nogil:
    """The warehouses that can fill each demand (nearest first), and the order to branch on
    the demands: fewest options first, then the lower position (the options never change, so
    one order serves the whole search)."""
    cdef int64_t line, j
    option_indptr.assign(n_lines + 1, 0)
    option.clear()
    branch_order.clear()
    for line in range(n_lines):
        for j in range(s.m):
            if s.mask[j * s.n + line // 64] >> (line % 64) & 1:
                option.push_back(<int32_t> j)
        option_indptr[line + 1] = option.size()
        if target[line // 64] >> (line % 64) & 1:
            # key: options, then position (both < 2**31)
            branch_order.push_back((option_indptr[line + 1] - option_indptr[line]) << 32 | line)
    cpp_sort(branch_order.begin(), branch_order.end())
    for j in range(<int64_t> branch_order.size()):
        branch_order[j] &= ((<int64_t> 1) << 32) - 1


cdef (int64_t, uint8_t) _cover_best(Search* s, int64_t cap) noexcept nogil:
    """Into ``s.best``: the best cover of at most ``cap`` warehouses, how many they are, and
    whether it is proven best (else the greedy cover)."""
    cdef int64_t size, most = _count_open(s.target, s.covered, s.n)
    if most == 0:
        return 0, 1
    for size in range(1, min(cap, most) + 1):
        s.size, s.found = size, False
        if not _cover_search(s, 0, 0.0, 0):
            break
        if s.found:
            return size, 1
    return _cover_greedy(s, cap), 0


# -- assigning lines to the chosen warehouses (the twin is _kernels_py.assign_orders) ---------

cdef struct Assign:
    # One order's assignment: the candidate CSR of its demands, the stock left, and the
    # warehouses shipping (stamped with the order's number).
    const int64_t* line_indptr
    const int64_t* own_end  # a demand's own part's candidates end here, its substitutes follow
    const int64_t* row
    const int32_t* warehouse
    const int32_t* part
    const uint8_t* substitute
    const double* km
    const int64_t* qty
    const int64_t* available
    int64_t* stamp  # stamp[w] == order: warehouse w ships
    int64_t order


cdef int64_t _taken(vector[int64_t]& taken, int64_t row) noexcept nogil:
    """Units the plan takes from ``row`` (``taken`` holds row, units pairs: an order is short)."""
    cdef Py_ssize_t i
    for i in range(0, <Py_ssize_t> taken.size(), 2):
        if taken[i] == row:
            return taken[i + 1]
    return 0


cdef void _take(vector[int64_t]& taken, int64_t row, int64_t units) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(0, <Py_ssize_t> taken.size(), 2):
        if taken[i] == row:
            taken[i + 1] += units
            return
    taken.push_back(row)
    taken.push_back(units)


cdef inline bint _before(Assign* a, int64_t c, bint new, int64_t b, bint b_new) noexcept nogil:
    """Whether candidate ``c`` comes before ``b``: (new shipment, substitute, km, warehouse,
    part), in that order."""
    if new != b_new:
        return b_new
    if a.substitute[c] != a.substitute[b]:
        return a.substitute[c] < a.substitute[b]
    if a.km[c] != a.km[b]:
        return a.km[c] < a.km[b]
    if a.warehouse[c] != a.warehouse[b]:
        return a.warehouse[c] < a.warehouse[b]
    return a.part[c] < a.part[b]


cdef int64_t _pick(Assign* a, int64_t d, int64_t start, int64_t stop, bint add,
                   vector[int64_t]& taken) noexcept nogil:
    """The best candidate of demand ``d`` among ``start..stop`` with the stock left, -1 if
    none: in a shipping warehouse (or, with ``add``, any), by (new shipment, substitute, km,
    warehouse, part); its units are taken."""
    cdef int64_t c, best = -1
    cdef bint new, best_new = False
    for c in range(start, stop):
        new = a.stamp[a.warehouse[c]] != a.order
        if (new and not add) or a.available[a.row[c]] - _taken(taken, a.row[c]) < a.qty[d]:
            continue
        if best < 0 or _before(a, c, new, best, best_new):
            best, best_new = c, new
    if best >= 0:
        _take(taken, a.row[best], a.qty[d])
    return best


cdef inline bint _ships_any(Assign* a, int64_t start, int64_t stop) noexcept nogil:
    """Whether a candidate of ``start..stop`` is in a shipping warehouse."""
    cdef int64_t c
    for c in range(start, stop):
        if a.stamp[a.warehouse[c]] == a.order:
            return True
    return False


def assign_orders(const int64_t[::1] line_indptr, const int64_t[::1] own_end,
                  const int64_t[::1] row, const int32_t[::1] warehouse,
                  const int32_t[::1] part, const uint8_t[::1] substitute,
                  const double[::1] km, const int64_t[::1] qty,
                  const int64_t[::1] available, const int64_t[::1] order_indptr,
                  const int64_t[::1] chosen_indptr, const int32_t[::1] chosen,
                  const uint8_t[::1] optimal, int64_t cap, int32_t n_warehouses):
    """Give each demand a candidate in its order's chosen warehouses, within each row's stock.

    The candidates are ``StockIndex.candidates``' CSR over the demands (a demand's own part's
    rows first, ending at ``own_end``), the chosen warehouses ``cover_orders``' result. Demands
    asking for the part itself go first, then those needing a substitute; each takes the best
    candidate by (substitute, km, warehouse, part) with stock left. Two demands can compete for
    one stock row (a part asked for in one line is another line's substitute); a demand left
    without stock then takes the best other candidate, adding a shipment if ``cap`` allows,
    and the order's plan is no longer optimal.

    Returns
    -------
    choice : int64 array of demands
        The candidate chosen, -1 for a demand left unfilled.
    optimal : uint8 array of n_orders
        ``optimal``, cleared for an order whose lines competed for stock.
    """
    cdef Py_ssize_t n_orders = order_indptr.shape[0] - 1, o
    cdef int64_t d, c, i, n_chosen
    cdef bint planned
    cdef vector[int64_t] taken
    cdef Assign a
    choice_arr = np.full(qty.shape[0], -1, np.int64)
    out_optimal_arr = np.zeros(n_orders, np.uint8)
    stamp_arr = np.full(max(n_warehouses, 1), -1, np.int64)
    cdef int64_t[::1] choice = choice_arr, stamp = stamp_arr
    cdef uint8_t[::1] out_optimal = out_optimal_arr
    a.line_indptr, a.own_end = &line_indptr[0], &own_end[0] if own_end.shape[0] else NULL
    a.row = &row[0] if row.shape[0] else NULL
    a.warehouse = &warehouse[0] if warehouse.shape[0] else NULL
    a.part = &part[0] if part.shape[0] else NULL
    a.substitute = &substitute[0] if substitute.shape[0] else NULL
    a.km = &km[0] if km.shape[0] else NULL
    a.qty = &qty[0] if qty.shape[0] else NULL
    a.available = &available[0] if available.shape[0] else NULL
    a.stamp = &stamp[0]
    with nogil:
        for o in range(n_orders):
            a.order, n_chosen = o, chosen_indptr[o + 1] - chosen_indptr[o]
            for i in range(chosen_indptr[o], chosen_indptr[o + 1]):
                stamp[chosen[i]] = o
            taken.clear()
            for d in range(order_indptr[o], order_indptr[o + 1]):  # the part itself
                choice[d] = _pick(&a, d, line_indptr[d], own_end[d], False, taken)
            for d in range(order_indptr[o], order_indptr[o + 1]):  # then a substitute
                if choice[d] < 0:
                    choice[d] = _pick(&a, d, own_end[d], line_indptr[d + 1], False, taken)
            planned = True
            for d in range(order_indptr[o], order_indptr[o + 1]):
                if choice[d] < 0 and _ships_any(&a, line_indptr[d], line_indptr[d + 1]):
                    planned = False
                    c = _pick(&a, d, line_indptr[d], line_indptr[d + 1], n_chosen < cap, taken)
                    choice[d] = c
                    if c >= 0 and stamp[warehouse[c]] != o:
                        stamp[warehouse[c]] = o
                        n_chosen += 1
            out_optimal[o] = optimal[o] and planned
    return choice_arr, out_optimal_arr
