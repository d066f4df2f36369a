# Forecasting kernels over a CSR of demand series.
#
# Layout: series ``s`` spans ``n_periods[s]`` consecutive periods (0 .. n_periods[s] - 1 from its
# first period); only its non-zero demands are stored, in ``offsets[s] .. offsets[s + 1]`` of
# ``positions`` (the period, ascending) and ``qty``.  Intermittent spare-part demand is mostly
# zeros (76 % in the carparts data), so the sparse layout holds a quarter of the values a dense
# one would, and Croston-type methods only ever look at the demands and the gaps between them.
# Where a method smooths every period (SES, TSB's probability), a gap of zeros is one multiply by
# (1 - alpha) per period, the very operation a dense loop does, so the results are the same to
# the last bit as a dense implementation's.
#
# ``fit`` writes per series the one-step forecast (every method's forecast is flat over the
# horizon), the variance-to-mean ratio of the history, and the method used (``auto`` picks one
# by the Syntetos-Boylan classification).  ``quantiles`` turns means and ratios into integer
# demand quantiles of a negative binomial (Poisson when the ratio is at most 1).  Both run over a
# range of series with the GIL released; the caller splits the series between threads.

from libc.math cimport exp, fabs, log, rint, sqrt, ceil, isfinite
from libc.stdint cimport int8_t, int32_t, int64_t
from libc.stdlib cimport free, malloc

import numpy as np


cdef enum:
    CROSTON = 0
    SBA = 1
    TSB = 2
    SES = 3
    ADIDA = 4
    AUTO = 5

cdef double ADI_CUT = 1.32
cdef double CV2_CUT = 0.49
cdef double SBA_FACTOR = 0.95
cdef double GOLDEN = (sqrt(5.0) + 1.0) / 2.0
# Beyond these the probability scan would take too long or underflow: normal approximation.
cdef double SCAN_MAX = 100000.0
cdef double LOG_P0_MIN = -600.0


cdef double ses_all(const int32_t[::1] positions, const double[::1] qty, int64_t lo, int64_t hi,
                    int32_t n, double alpha, bint indicator) noexcept nogil:
    """SES over every period of a series (zeros included), level started at the first value."""
    cdef double level = 0.0, value
    cdef int64_t j = lo
    cdef int32_t t
    if hi > lo and positions[lo] == 0:
        level = 1.0 if indicator else qty[lo]
    for t in range(n):
        if j < hi and positions[j] == t:
            value = 1.0 if indicator else qty[j]
            level = alpha * value + (1.0 - alpha) * level
            j += 1
        else:
            level = (1.0 - alpha) * level
    return level


cdef double ses_sizes(const double[::1] qty, int64_t lo, int64_t hi, double alpha) noexcept nogil:
    """SES over the demand sizes only, level started at the first size."""
    cdef double level = qty[lo]
    cdef int64_t j
    for j in range(lo, hi):
        level = alpha * qty[j] + (1.0 - alpha) * level
    return level


cdef double ses_intervals(const int32_t[::1] positions, int64_t lo, int64_t hi,
                          double alpha) noexcept nogil:
    """SES over the intervals between demands; the first counts from the series' start."""
    cdef double level = positions[lo] + 1.0
    cdef int32_t previous = -1
    cdef int64_t j
    for j in range(lo, hi):
        level = alpha * (positions[j] - previous) + (1.0 - alpha) * level
        previous = positions[j]
    return level


cdef double croston(const int32_t[::1] positions, const double[::1] qty, int64_t lo, int64_t hi,
                    double alpha) noexcept nogil:
    cdef double size = ses_sizes(qty, lo, hi, alpha)
    cdef double interval = ses_intervals(positions, lo, hi, alpha)
    return size / interval if interval != 0.0 else size


cdef double ses_sse(const double* x, int32_t n, double alpha) noexcept nogil:
    cdef double forecast = x[0], sse = 0.0, err
    cdef int32_t i
    for i in range(1, n):
        forecast = alpha * x[i - 1] + (1.0 - alpha) * forecast
        err = x[i] - forecast
        sse += err * err
    return sse


cdef double golden_alpha(const double* x, int32_t n) noexcept nogil:
    """The alpha in [0.1, 0.3] of least in-sample squared error, by golden-section search."""
    cdef double a = 0.1, b = 0.3
    cdef double c = b - (b - a) / GOLDEN, d = a + (b - a) / GOLDEN
    cdef double fc = ses_sse(x, n, c), fd = ses_sse(x, n, d)
    while fabs(b - a) >= 1e-12:
        if fc < fd:
            b = d
            d = c
            fd = fc
            c = b - (b - a) / GOLDEN
            fc = ses_sse(x, n, c)
        elif fd < fc:
            a = c
            c = d
            fc = fd
            d = a + (b - a) / GOLDEN
            fd = ses_sse(x, n, d)
        else:
            break
    return (b + a) / 2.0


cdef double adida(const int32_t[::1] positions, const double[::1] qty, int64_t lo, int64_t hi,
                  int32_t n, double* sums) noexcept nogil:
    """Sum non-overlapping buckets of the mean interval (from the end), SES them, share out."""
    cdef int32_t k = <int32_t>rint((positions[hi - 1] + 1.0) / (hi - lo))
    cdef int32_t lost = n % k, n_chunks = n / k, i
    cdef int64_t j
    cdef double alpha, level
    for i in range(n_chunks):
        sums[i] = 0.0
    for j in range(lo, hi):
        if positions[j] >= lost:
            sums[(positions[j] - lost) / k] += qty[j]
    if n_chunks <= 1:
        return sums[0] / k
    alpha = golden_alpha(sums, n_chunks)
    level = sums[0]
    for i in range(n_chunks):
        level = alpha * sums[i] + (1.0 - alpha) * level
    return level / k


cdef int8_t classify(const int32_t[::1] positions, const double[::1] qty, int64_t lo,
                     int64_t hi) noexcept nogil:
    """Syntetos-Boylan: smooth (ADI < 1.32 and CV² < 0.49) gets SES, the rest SBA."""
    cdef int64_t j, m = hi - lo
    cdef double mean = 0.0, ss = 0.0, adi
    if m == 0:
        return SBA
    adi = (positions[hi - 1] + 1.0) / m
    for j in range(lo, hi):
        mean += qty[j]
    mean /= m
    for j in range(lo, hi):
        ss += (qty[j] - mean) * (qty[j] - mean)
    return SES if adi < ADI_CUT and ss / m < CV2_CUT * mean * mean else SBA


cdef double dispersion(const double[::1] qty, int64_t lo, int64_t hi, int32_t n) noexcept nogil:
    """Variance over mean of the demand per period (zeros included); 1 when there is none."""
    cdef double total = 0.0, mean, ss
    cdef int64_t j
    for j in range(lo, hi):
        total += qty[j]
    mean = total / n if n > 0 else 0.0
    if not mean > 0.0:  # no demand, or so little that its mean underflows
        return 1.0
    ss = (n - (hi - lo)) * mean * mean
    for j in range(lo, hi):
        ss += (qty[j] - mean) * (qty[j] - mean)
    return (ss / n) / mean


cdef double fit_one(int8_t method, const int32_t[::1] positions, const double[::1] qty,
                    int64_t lo, int64_t hi, int32_t n, double alpha, double alpha_d,
                    double alpha_p, double* scratch) noexcept nogil:
    if method == SES:
        return ses_all(positions, qty, lo, hi, n, alpha, False) if n > 0 else 0.0
    if hi == lo:
        return 0.0
    if method == CROSTON:
        return croston(positions, qty, lo, hi, alpha)
    if method == SBA:
        return SBA_FACTOR * croston(positions, qty, lo, hi, alpha)
    if method == TSB:
        return ses_all(positions, qty, lo, hi, n, alpha_p, True) * ses_sizes(qty, lo, hi, alpha_d)
    return adida(positions, qty, lo, hi, n, scratch)


def fit(const int64_t[::1] offsets, const int32_t[::1] positions, const double[::1] qty,
        const int32_t[::1] n_periods, int8_t method, double alpha, double alpha_d,
        double alpha_p, int64_t start, int64_t stop, double[::1] mean, double[::1] ratio,
        int8_t[::1] chosen):
    """Fit series ``start .. stop - 1``, writing ``mean``, ``ratio`` and ``chosen`` in place."""
    cdef int64_t s, lo, hi
    cdef int32_t longest = 1
    cdef int8_t m
    cdef double* scratch
    for s in range(start, stop):
        longest = max(longest, n_periods[s])
    scratch = <double*>malloc(longest * sizeof(double))
    if scratch == NULL:
        raise MemoryError()
    with nogil:
        for s in range(start, stop):
            lo = offsets[s]
            hi = offsets[s + 1]
            m = classify(positions, qty, lo, hi) if method == AUTO else method
            chosen[s] = m
            mean[s] = fit_one(m, positions, qty, lo, hi, n_periods[s], alpha, alpha_d,
                              alpha_p, scratch)
            ratio[s] = dispersion(qty, lo, hi, n_periods[s])
    free(scratch)


cdef int64_t normal_quantile(double mu, double sd, double z) noexcept nogil:
    cdef double q = ceil(mu + z * sd)
    if q < 0.0:
        return 0
    return <int64_t>q if q < 4.0e18 else <int64_t>4.0e18


cdef void quantiles_one(double mu, double ratio, const double[::1] levels,
                        const double[::1] z_scores, int64_t* out) noexcept nogil:
    """Smallest k with P(demand <= k) >= level, for each level (ascending)."""
    cdef double d = ratio if ratio > 1.0 else 1.0
    cdef double r, p0_log, pk, cdf, k = 0.0
    cdef Py_ssize_t i = 0, m = levels.shape[0]
    if not mu > 0.0:
        for i in range(m):
            out[i] = 0
        return
    r = mu / (d - 1.0) if d > 1.0 else 0.0
    p0_log = -mu if d == 1.0 else -r * log(d)
    if p0_log < LOG_P0_MIN or mu + 8.0 * sqrt(mu * d) > SCAN_MAX or not isfinite(mu * d):
        for i in range(m):
            out[i] = normal_quantile(mu, sqrt(mu * d), z_scores[i])
        return
    pk = exp(p0_log)
    cdf = pk
    while i < m:
        if cdf >= levels[i]:
            out[i] = <int64_t>k
            i += 1
        elif k >= SCAN_MAX:
            out[i] = <int64_t>k
            i += 1
        else:
            pk *= (mu / (k + 1.0)) if d == 1.0 else (k + r) / (k + 1.0) * (1.0 - 1.0 / d)
            k += 1.0
            cdf += pk


def quantiles(const double[::1] mean, const double[::1] ratio, double periods,
              const double[::1] levels, const double[::1] z_scores, int64_t start, int64_t stop,
              int64_t[:, ::1] out):
    """Quantiles of the demand over ``periods`` periods for series ``start .. stop - 1``.

    ``levels`` ascend in (0, 1); ``z_scores`` are the standard normal quantiles of the same
    levels, used where the demand is too large to scan its probabilities.

    The demand of one period is negative binomial with mean ``mean`` and variance
    ``mean * ratio``; a sum of ``periods`` independent ones keeps the ratio and scales the mean.
    """
    cdef int64_t s
    with nogil:
        for s in range(start, stop):
            quantiles_one(mean[s] * periods, ratio[s], levels, z_scores, &out[s, 0])


cdef int64_t fill_groups(const int64_t[::1] keys, const int64_t[::1] periods,
                         const double[::1] qty, int64_t[::1] run_keys, int64_t[::1] first,
                         int64_t[::1] offsets, int32_t[::1] positions,
                         double[::1] sums) noexcept nogil:
    """One pass over rows sorted by key then period: the series and their non-zero demands.

    Returns the number of series, or -1 as soon as a row is out of order.
    """
    cdef int64_t i, run = -1, j = -1, n = keys.shape[0]
    cdef int32_t position
    for i in range(n):
        if i == 0 or keys[i] != keys[i - 1]:
            if i > 0 and keys[i] < keys[i - 1]:
                return -1
            run += 1
            run_keys[run] = keys[i]
            first[run] = periods[i]
            offsets[run] = j + 1
        elif periods[i] < periods[i - 1]:
            return -1
        if qty[i] > 0.0:
            position = <int32_t>(periods[i] - first[run])
            if offsets[run] > j or positions[j] != position:
                j += 1
                positions[j] = position
                sums[j] = 0.0
            sums[j] += qty[i]
    offsets[run + 1] = j + 1
    return run + 1


def group_rows(const int64_t[::1] keys, const int64_t[::1] periods, const double[::1] qty):
    """CSR of demand rows sorted by series key then period, or None when they are not sorted.

    Returns the key and first period of every series, the offsets of its non-zero demands,
    their positions (periods after the series' first) and quantities (rows of one period
    summed). The outputs are allocated for the worst case (every row its own series and
    demand) and returned as views of the part written: pages never written are never touched.
    """
    cdef int64_t n = keys.shape[0], n_runs
    run_keys, first = np.empty(n, np.int64), np.empty(n, np.int64)
    offsets, positions = np.empty(n + 1, np.int64), np.empty(n, np.int32)
    sums = np.empty(n, np.float64)
    cdef int64_t[::1] k_out = run_keys, f_out = first, o_out = offsets
    cdef int32_t[::1] p_out = positions
    cdef double[::1] q_out = sums
    with nogil:
        n_runs = fill_groups(keys, periods, qty, k_out, f_out, o_out, p_out, q_out)
    if n_runs < 0:
        return None
    n_demands = offsets[n_runs]
    return (run_keys[:n_runs], first[:n_runs], offsets[: n_runs + 1], positions[:n_demands],
            sums[:n_demands])
