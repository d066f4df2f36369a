"""The compiled stock kernels agree with their pure-Python twins (hypothesis).

The twin measures every candidate by haversine and compares in km: it is the brute-force answer.
The kernel compares squared chords, so two candidates within 1e-6 km of each other may be
chosen either way; the checks allow exactly that and nothing more.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yunpei_match.stock import _kernels, _kernels_py

SETTINGS = settings(max_examples=150, deadline=None)
TOLERANCE_KM = 1e-6

# Real city centres (degrees): repeated positions and far-apart ones, like a real network.
CITIES = [
    (22.5431, 114.0579),  # Shenzhen
    (23.1291, 113.2644),  # Guangzhou
    (23.0205, 113.7518),  # Dongguan
    (31.2304, 121.4737),  # Shanghai
    (39.9042, 116.4074),  # Beijing
    (30.5728, 104.0668),  # Chengdu
    (43.8171, 125.3235),  # Changchun
    (-33.8688, 151.2093),  # Sydney: across the equator and far from the rest
]

positions = st.one_of(
    st.sampled_from(CITIES),
    st.tuples(
        st.floats(-90, 90, allow_nan=False),
        st.floats(-180, 180, allow_nan=False),
    ),
)


@st.composite
def networks(draw):
    """Validated arrays: stock CSR, warehouses, interchange groups, lines and tier rules."""
    n_parts = draw(st.integers(1, 6))
    n_warehouses = draw(st.integers(0, 5))
    places = draw(st.lists(positions, min_size=n_warehouses, max_size=n_warehouses))
    pairs = sorted(
        draw(
            st.sets(
                st.tuples(st.integers(0, n_parts - 1), st.integers(0, max(n_warehouses - 1, 0))),
                max_size=n_parts * n_warehouses,
            )
        )
        if n_warehouses
        else set()
    )
    indptr = np.zeros(n_parts + 1, np.int64)
    for p, _ in pairs:
        indptr[p + 1] += 1
    group_of = draw(st.lists(st.integers(0, 2), min_size=n_parts, max_size=n_parts))
    groups = sorted(set(group_of))
    part_group = np.array([groups.index(g) for g in group_of], np.int32)
    group_part = np.argsort(part_group, kind="stable").astype(np.int32)
    group_indptr = np.searchsorted(part_group[group_part], np.arange(len(groups) + 1))
    n_rules = draw(st.integers(0, 3))
    n_lines = draw(st.integers(0, 8))
    lines = draw(st.lists(positions, min_size=n_lines, max_size=n_lines))
    return {
        "index": (
            np.cumsum(indptr),
            np.array([w for _, w in pairs], np.int32),
            np.array(
                draw(st.lists(st.integers(0, 5), min_size=len(pairs), max_size=len(pairs))),
                np.int64,
            ),
            np.array([lat for lat, _ in places], np.float64),
            np.array([lon for _, lon in places], np.float64),
            np.array(
                draw(st.lists(st.integers(0, 1), min_size=n_warehouses, max_size=n_warehouses)),
                np.uint8,
            ),
            part_group if draw(st.booleans()) else np.empty(0, np.int32),
            group_indptr.astype(np.int64),
            group_part,
            np.sort(
                np.array(
                    draw(st.lists(st.integers(0, 2), min_size=n_warehouses, max_size=n_warehouses)),
                    np.int32,
                )
            ),
        ),
        "lines": (
            np.array([lat for lat, _ in lines], np.float64),
            np.array([lon for _, lon in lines], np.float64),
            np.array(
                draw(st.lists(st.integers(-1, n_parts - 1), min_size=n_lines, max_size=n_lines)),
                np.int32,
            ),
            np.array(
                draw(st.lists(st.integers(1, 4), min_size=n_lines, max_size=n_lines)), np.int64
            ),
        ),
        "line_rules": np.array(
            draw(st.lists(st.integers(0, 2**n_rules - 1), min_size=n_lines, max_size=n_lines)),
            np.uint32,
        ),
        "rules": (
            np.array(
                draw(st.lists(st.integers(0, 3), min_size=n_rules, max_size=n_rules)), np.uint8
            ),
            np.array(
                draw(
                    st.lists(
                        st.sampled_from([math.inf, 50.0, 800.0, 3000.0]),
                        min_size=n_rules,
                        max_size=n_rules,
                    )
                ),
                np.float64,
            ),
            np.array(
                draw(st.lists(st.integers(0, 2), min_size=n_rules, max_size=n_rules)), np.int32
            ),
        ),
        "max_km": draw(st.sampled_from([math.inf, 100.0, 1500.0])),
    }


@st.composite
def popular_parts(draw):
    """Networks where parts sit in dozens of warehouses: the kernel skips rows by cluster.

    Warehouses come around a few city centres; the clusters are any partition (contiguous or
    not, tight or absurd), since they may change how fast the kernel is, never what it finds.
    """
    n_warehouses = draw(st.integers(30, 80))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    centre = np.array(CITIES[:6])[rng.integers(0, 6, n_warehouses)]
    lat = centre[:, 0] + rng.normal(0, draw(st.sampled_from([0.01, 0.2, 3.0])), n_warehouses)
    lon = centre[:, 1] + rng.normal(0, 0.2, n_warehouses)
    n_parts = 4
    held = rng.random((n_parts, n_warehouses)) < draw(st.sampled_from([0.3, 0.7, 1.0]))
    part, warehouse = np.nonzero(held)
    indptr = np.r_[0, np.cumsum(held.sum(1))].astype(np.int64)
    clusters = draw(st.sampled_from(["tight", "random", "one"]))
    cluster = {
        "tight": np.sort(rng.integers(0, max(n_warehouses // 8, 1), n_warehouses)),
        "random": rng.integers(0, 9, n_warehouses),
        "one": np.zeros(n_warehouses),
    }[clusters].astype(np.int32)
    n_lines = 40
    lines = np.array(CITIES)[rng.integers(0, len(CITIES), n_lines)] + rng.normal(
        0, 0.3, (n_lines, 2)
    )
    return {
        "index": (
            indptr,
            warehouse.astype(np.int32),
            rng.integers(0, 4, len(part)).astype(np.int64),
            np.clip(lat, -90, 90),
            lon,
            rng.integers(0, 2, n_warehouses).astype(np.uint8),
            np.empty(0, np.int32),
            np.zeros(1, np.int64),
            np.empty(0, np.int32),
            cluster,
        ),
        "lines": (
            np.ascontiguousarray(np.clip(lines[:, 0], -90, 90)),
            np.ascontiguousarray(lines[:, 1]),
            rng.integers(-1, n_parts, n_lines).astype(np.int32),
            rng.integers(1, 4, n_lines).astype(np.int64),
        ),
        "line_rules": np.full(n_lines, 3, np.uint32),
        "rules": (
            np.array([1, 3], np.uint8),
            np.array([50.0, math.inf]),
            np.array([0, 1], np.int32),
        ),
        "max_km": draw(st.sampled_from([math.inf, 300.0])),
    }


@settings(max_examples=60, deadline=None)
@given(arrays=popular_parts(), fastest=st.booleans())
def test_nearest_skips_rows_without_changing_answers(arrays, fastest) -> None:
    test_nearest_matches_brute_force.hypothesis.inner_test(arrays, False, fastest)


def _both(arrays):
    return (
        _kernels.StockIndex(*arrays["index"]),
        _kernels_py.StockIndex(*arrays["index"]),
    )


@SETTINGS
@given(arrays=networks(), substitutes=st.booleans(), fastest=st.booleans())
def test_nearest_matches_brute_force(arrays, substitutes, fastest) -> None:
    core, reference = _both(arrays)
    args = (
        *arrays["lines"],
        arrays["line_rules"],
        *arrays["rules"],
        arrays["max_km"],
        substitutes,
        fastest,
    )
    got, want = core.nearest(*args), reference.nearest(*args)
    np.testing.assert_array_equal(got[0] >= 0, want[0] >= 0)  # found where brute force finds
    np.testing.assert_array_equal(got[2], want[2])  # substitute or not
    np.testing.assert_allclose(got[3], want[3], atol=TOLERANCE_KM, equal_nan=True)
    same = (got[0] == want[0]) & (got[1] == want[1])
    np.testing.assert_array_equal(got[4][same], want[4][same])
    for i in np.flatnonzero(~same):
        # A different choice only on an exact-enough tie, which brute force confirms.
        assert got[0][i] >= 0 and abs(got[3][i] - want[3][i]) <= TOLERANCE_KM


@SETTINGS
@given(arrays=networks(), substitutes=st.booleans())
def test_candidates_match_brute_force(arrays, substitutes) -> None:
    core, reference = _both(arrays)
    args = (*arrays["lines"], arrays["max_km"], substitutes)
    got, want = core.candidates(*args), reference.candidates(*args)
    for g, w in zip(got[:5], want[:5], strict=True):
        np.testing.assert_array_equal(g, w)
    np.testing.assert_allclose(got[5], want[5], atol=TOLERANCE_KM)


@SETTINGS
@given(
    rows=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3)), max_size=30),
)
def test_sort_stock_matches_reference(rows) -> None:
    part = np.array([p for p, _ in rows], np.int32)
    warehouse = np.array([w for _, w in rows], np.int32)
    got = _kernels.sort_stock(part, warehouse, 5, 4)
    want = _kernels_py.sort_stock(part, warehouse, 5, 4)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    assert got[2] == want[2]


@SETTINGS
@given(a=positions, b=positions)
def test_haversine_matches_reference(a, b) -> None:
    assert _kernels.haversine_km(*a, *b) == pytest.approx(
        _kernels_py.haversine_km(*a, *b), abs=TOLERANCE_KM
    )


# Great-circle distances between city centres as published (rounded to the km); the
# coordinates above are city-hall positions, so a 1 % tolerance covers the difference.
KNOWN_KM = [
    (CITIES[4], CITIES[3], 1067),  # Beijing - Shanghai
    (CITIES[1], CITIES[0], 104),  # Guangzhou - Shenzhen
    (CITIES[4], CITIES[1], 1888),  # Beijing - Guangzhou
    (CITIES[3], CITIES[5], 1660),  # Shanghai - Chengdu
]


@pytest.mark.parametrize(("a", "b", "km"), KNOWN_KM)
@pytest.mark.parametrize("impl", [_kernels, _kernels_py], ids=["core", "reference"])
def test_distances_between_cities(impl, a, b, km) -> None:
    assert impl.haversine_km(*a, *b) == pytest.approx(km, rel=0.01)


@st.composite
def order_candidates(draw):
    """Orders of lines, each line with candidate (warehouse, substitute) rows; an order's
    warehouse is equally far for all its lines, as it is from one shop."""
    n_warehouses = draw(st.integers(1, 6))
    lines_per_order = draw(st.lists(st.integers(0, 4), max_size=5))
    if draw(st.booleans()):  # masks of more than one 64-bit word
        lines_per_order.append(draw(st.sampled_from([64, 65, 128, 129, 200])))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    order_indptr = np.r_[0, np.cumsum(lines_per_order)].astype(np.int64)
    n_lines = int(order_indptr[-1])
    sizes = rng.integers(0, 4, n_lines)
    warehouse = rng.integers(0, n_warehouses, int(sizes.sum())).astype(np.int32)
    distance = rng.choice([1.0, 5.0, 5.0, 30.0], (max(len(lines_per_order), 1), n_warehouses))
    order_of_line = np.repeat(np.arange(len(lines_per_order)), lines_per_order)
    order = np.repeat(order_of_line, sizes)
    return (
        np.r_[0, np.cumsum(sizes)].astype(np.int64),
        warehouse,
        rng.integers(0, 2, len(warehouse)).astype(np.uint8),
        distance[order, warehouse] if len(warehouse) else np.empty(0),
        order_indptr,
        n_warehouses,
    )


@SETTINGS
@given(args=order_candidates())
def test_order_warehouses_matches_reference(args) -> None:
    got = _kernels.order_warehouses(*args)
    want = _kernels_py.order_warehouses(*args)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


@SETTINGS
@given(
    args=order_candidates(),
    seed=st.integers(0, 2**32 - 1),
    cap=st.sampled_from([1, 2, 3, 1 << 30]),
    max_nodes=st.sampled_from([1, 2, 5, 30, 2_000]),
)
def test_cover_orders_matches_reference(args, seed, cap, max_nodes) -> None:
    """The compiled cover search walks the twin's nodes: same covers, same ``optimal`` flags,
    with every budget (small ones end in the greedy cover) and every cap."""
    summary = _kernels.order_warehouses(*args)
    order_indptr = args[4]
    weight = np.random.default_rng(seed).integers(1, 4, int(order_indptr[-1]))
    cover = (*summary, order_indptr, weight, cap, max_nodes)
    got = _kernels.cover_orders(*cover)
    want = _kernels_py.cover_orders(*cover)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
        assert g.dtype == w.dtype


@SETTINGS
@given(
    args=order_candidates(),
    seed=st.integers(0, 2**32 - 1),
    cap=st.sampled_from([1, 2, 1 << 30]),
)
def test_assign_orders_matches_reference(args, seed, cap) -> None:
    """Lines given to the chosen warehouses as the twin gives them, stock competition included:
    a few stock rows shared by the demands, often too few units for all of them."""
    line_indptr, warehouse, substitute, km, order_indptr, n_warehouses = args
    rng = np.random.default_rng(seed)
    n_demands, n_candidates = len(line_indptr) - 1, len(warehouse)
    order = np.lexsort((substitute, np.repeat(np.arange(n_demands), np.diff(line_indptr))))
    warehouse, substitute, km = warehouse[order], substitute[order], km[order]
    own = np.r_[0, np.cumsum(substitute == 0)]
    own_end = (line_indptr[:-1] + own[line_indptr[1:]] - own[line_indptr[:-1]]).astype(np.int64)
    summary = _kernels.order_warehouses(
        line_indptr, warehouse, substitute, km, order_indptr, n_warehouses
    )
    weight = np.ones(n_demands, np.int64)
    chosen = _kernels.cover_orders(*summary, order_indptr, weight, cap, 2_000)
    arrays = (
        line_indptr,
        own_end,
        rng.integers(0, 6, n_candidates).astype(np.int64),  # stock rows, shared
        warehouse,
        rng.integers(0, 4, n_candidates).astype(np.int32),  # parts
        substitute,
        km,
        rng.integers(1, 3, n_demands).astype(np.int64),  # quantities
        rng.integers(0, 4, 6).astype(np.int64),  # units available in each row
        order_indptr,
        *chosen,
        cap,
        n_warehouses,
    )
    got = _kernels.assign_orders(*arrays)
    want = _kernels_py.assign_orders(*arrays)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)
        assert g.dtype == w.dtype
