"""The fitment kernels agree with their pure-Python twins on random inputs (hypothesis).

Kernel-level properties feed both modules the same validated arrays; API-level properties build
random catalogues (empty ones, vehicles with no parts, a part fitting every vehicle, one
category, unicode ids) through both and also check the answers against a brute-force model.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import yunpei_match as ym
from yunpei_match.fitment import _kernels, _kernels_py
from yunpei_match.fitment.links import build_links, part_categories

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def applications(draw):
    """Validated kernel input: application codes plus the catalogue sizes."""
    n_vehicles = draw(st.integers(0, 6))
    n_categories = draw(st.integers(0, 4))
    sizes = draw(st.lists(st.integers(0, 4), min_size=n_categories, max_size=n_categories))
    category_start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int32)
    n_parts = int(category_start[-1])
    n_details = draw(st.integers(1, 4))
    n_rows = draw(st.integers(0, 40)) if n_vehicles and n_parts else 0
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, max(n_vehicles - 1, 0)),
                st.integers(0, max(n_parts - 1, 0)),
                st.integers(0, n_details - 1),
            ),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
    columns = np.array(rows, np.int32).reshape(-1, 3)
    universal = np.array(draw(st.lists(st.booleans(), min_size=n_parts, max_size=n_parts)), bool)
    return {
        "vehicle": np.ascontiguousarray(columns[:, 0]),
        "part": np.ascontiguousarray(columns[:, 1]),
        "detail": np.ascontiguousarray(columns[:, 2]),
        "n_vehicles": n_vehicles,
        "category_start": category_start,
        "n_details": n_details,
        "universal_mask": universal,
    }


def _compile_args(app):
    n_parts = int(app["category_start"][-1])
    return (
        app["vehicle"],
        app["part"],
        app["detail"],
        app["n_vehicles"],
        n_parts,
        app["n_details"],
    )


def _assert_same(left, right):
    assert len(left) == len(right)
    for a, b in zip(left, right, strict=True):
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
            assert a.dtype == b.dtype
        else:
            assert a == b


@SETTINGS
@given(applications())
def test_compile_and_index_links_agree(app):
    n_parts = int(app["category_start"][-1])
    n_categories = len(app["category_start"]) - 1
    args = _compile_args(app)
    compiled = _kernels.compile_links(*args)
    _assert_same(compiled, _kernels_py.compile_links(*args))
    part_category = part_categories(app["category_start"])
    transpose_args = (compiled[0], compiled[1], n_parts)
    _assert_same(
        _kernels.transpose_links(*transpose_args), _kernels_py.transpose_links(*transpose_args)
    )
    for sparse in (False, True):
        run_args = (compiled[0], compiled[1], part_category, n_categories, sparse)
        _assert_same(_kernels.category_runs(*run_args), _kernels_py.category_runs(*run_args))


@SETTINGS
@given(applications())
def test_split_details_agrees_and_round_trips(app):
    n_parts = int(app["category_start"][-1])
    args = _compile_args(app)
    _, link_part, link_detail, *_ = _kernels.compile_links(*args)
    split = _kernels.split_details(link_part, link_detail, n_parts)
    _assert_same(split, _kernels_py.split_details(link_part, link_detail, n_parts))
    usual, exception_link, exception_detail = split
    rebuilt = usual[link_part]
    rebuilt[exception_link] = exception_detail
    np.testing.assert_array_equal(rebuilt, link_detail)


@SETTINGS
@given(applications(), st.data(), st.sampled_from(["dense", "sparse"]))
def test_gathers_and_find_links_agree(app, data, layout):
    links, _ = build_links(**app, layout=layout)
    n_vehicles, n_parts = app["n_vehicles"], int(app["category_start"][-1])
    n_categories = len(app["category_start"]) - 1
    m = data.draw(st.integers(0, 12))
    vehicle = np.array(
        data.draw(st.lists(st.integers(-1, max(n_vehicles - 1, -1)), min_size=m, max_size=m)),
        np.int32,
    )
    category = np.array(
        data.draw(st.lists(st.integers(-1, n_categories - 1), min_size=m, max_size=m)), np.int32
    )
    gather_args = (
        links.run_bounds,
        links.vehicle_runs,
        links.run_category,
        links.link_part,
        links.universal,
        links.universal_bounds,
        n_categories,
        vehicle,
        category,
    )
    _assert_same(_kernels.gather_parts(*gather_args), _kernels_py.gather_parts(*gather_args))
    part = np.array(
        data.draw(st.lists(st.integers(-1, n_parts - 1), min_size=m, max_size=m)), np.int32
    )
    universal = app["universal_mask"].astype(np.uint8)
    reverse_args = (links.part_indptr, links.part_vehicle, universal, n_vehicles, part)
    _assert_same(
        _kernels.gather_vehicles(*reverse_args), _kernels_py.gather_vehicles(*reverse_args)
    )
    if n_vehicles and n_parts:
        pairs = data.draw(
            st.lists(
                st.tuples(st.integers(0, n_vehicles - 1), st.integers(0, n_parts - 1)), max_size=12
            )
        )
        pv = np.array([v for v, _ in pairs], np.int32)
        pp = np.array([p for _, p in pairs], np.int32)
        find_args = (
            links.run_bounds,
            links.vehicle_runs,
            links.run_category,
            links.link_part,
            links.part_category,
            n_categories,
            pv,
            pp,
        )
        _assert_same((_kernels.find_links(*find_args),), (_kernels_py.find_links(*find_args),))


@SETTINGS
@given(applications(), st.sampled_from(["dense", "sparse"]))
def test_link_arrays_span_agrees_with_the_kernel(app, layout):
    """``LinkArrays.span`` (Python) finds the runs the compiled ``RunIndex`` reads."""
    links, _ = build_links(**app, layout=layout)
    n_vehicles, n_categories = app["n_vehicles"], len(app["category_start"]) - 1
    np.testing.assert_array_equal(links.part_category, part_categories(app["category_start"]))
    runs = _kernels.RunIndex(
        links.run_bounds,
        links.vehicle_runs,
        links.run_category,
        links.link_part,
        links.universal,
        links.universal_bounds,
        n_vehicles,
        n_categories,
    )
    for vehicle in range(n_vehicles):
        for category in [None, *range(n_categories)]:
            first, last = links.span(vehicle, category)
            low, high = (0, n_categories) if category is None else (category, category + 1)
            universal = links.universal[links.universal_bounds[low] : links.universal_bounds[high]]
            found = np.sort(np.concatenate([links.link_part[first:last], universal]))
            np.testing.assert_array_equal(found, runs.part_codes(vehicle, category))
            if category is not None:
                assert (links.part_category[links.link_part[first:last]] == category).all()


# -- API level: random catalogues through both kernels and a brute-force model -----------------

IDS = st.sampled_from(["V1", "v2", "车-3", "🚗", "Ｖ５", "a" * 30, " V7", "V8\t"])
PART_IDS = st.sampled_from(["P1", "p2", "刹车片", "😀", "P-5", "x"])
CATEGORIES = st.sampled_from(["oil filter", "brake pads", "机油滤清器"])
POSITIONS = st.sampled_from([None, "front", "rear"])


@st.composite
def catalogues(draw):
    vehicle_ids = draw(st.lists(IDS, unique=True, max_size=6))
    part_ids = draw(st.lists(PART_IDS, unique=True, max_size=6))
    one_category = draw(st.booleans())
    vehicles = {
        "vehicle_id": vehicle_ids,
        "make": ["大众"] * len(vehicle_ids),
        "model": [draw(st.sampled_from(["帕萨特", "朗逸"])) for _ in vehicle_ids],
        "year": [draw(st.integers(2015, 2018)) for _ in vehicle_ids],
    }
    parts = {
        "part_id": part_ids,
        "brand": ["Bosch"] * len(part_ids),
        "part_number": [f"N{i}" for i in range(len(part_ids))],
        "category": ["oil filter" if one_category else draw(CATEGORIES) for _ in part_ids],
        "universal": [draw(st.booleans()) and draw(st.booleans()) for _ in part_ids],
    }
    rows = []
    if vehicle_ids and part_ids:
        rows = draw(
            st.lists(
                st.tuples(st.sampled_from(vehicle_ids), st.sampled_from(part_ids), POSITIONS),
                max_size=25,
            )
        )
        if draw(st.booleans()):  # a part fitting every vehicle through explicit rows
            rows += [(v, part_ids[0], None) for v in vehicle_ids]
    fitments = {
        "part_id": [p for _, p, _ in rows],
        "vehicle_id": [v for v, _, _ in rows],
        "position": [pos for _, _, pos in rows],
    }
    return vehicles, parts, fitments


def _answers(catalog: ym.Catalog, vehicles, parts):
    fitment = catalog.fitment
    return {
        "forward": [fitment.parts_for_vehicle(v).to_pylist() for v in vehicles["vehicle_id"]],
        "reverse": [fitment.vehicles_for_part(p).to_pylist() for p in parts["part_id"]],
        "batch": fitment.parts_for_vehicles(vehicles["vehicle_id"]).to_pylist(),
        "batch_reverse": fitment.vehicles_for_parts(parts["part_id"]).to_pylist(),
        "fits": [fitment.fits(p, v) for p in parts["part_id"] for v in vehicles["vehicle_id"]],
        "part_codes": [
            fitment.part_codes(v, c).tolist()
            for v in range(len(vehicles["vehicle_id"]))
            for c in [None, *range(len(catalog.category_ids))]
        ],
        "stats": {k: v for k, v in catalog.stats.as_dict().items() if k != "build_seconds"}
        | {"index_bytes": None},
    }


@SETTINGS
@given(catalogues())
def test_api_core_equals_reference_and_brute_force(catalogue):
    vehicles, parts, fitments = catalogue
    tables = {"vehicles": vehicles, "parts": parts, "fitments": fitments}
    core = ym.Catalog.from_tables(**tables)
    reference = ym.Catalog.from_tables(**tables, kernels="reference")
    sparse = ym.Catalog.from_tables(**tables, layout="sparse")
    answers = _answers(core, vehicles, parts)
    assert answers == _answers(reference, vehicles, parts)
    answers_sparse = _answers(sparse, vehicles, parts)
    assert answers_sparse | {"stats": None} == answers | {"stats": None}
    universal = {p for p, u in zip(parts["part_id"], parts["universal"], strict=True) if u}
    linked = set(zip(fitments["part_id"], fitments["vehicle_id"], strict=True))
    expected = [
        p in universal or (p, v) in linked for p in parts["part_id"] for v in vehicles["vehicle_id"]
    ]
    assert answers["fits"] == expected
    for vehicle, rows in zip(vehicles["vehicle_id"], answers["forward"], strict=True):
        want = {p for p in parts["part_id"] if p in universal or (p, vehicle) in linked}
        assert {row["part_id"] for row in rows} == want
    batch_pairs = {(row["request_index"], row["part_id"]) for row in answers["batch"]}
    assert len(batch_pairs) == len(answers["batch"])  # each (request, part) once


def test_empty_catalogue(impl):
    empty = {"vehicle_id": [], "make": [], "model": [], "year": []}
    no_parts = {"part_id": [], "brand": [], "part_number": [], "category": []}
    catalog = ym.Catalog.from_tables(vehicles=empty, parts=no_parts, kernels=impl)
    assert catalog.stats.links == 0
    assert catalog.fitment.parts_for_vehicles([]).num_rows == 0
    assert catalog.fitment.vehicles_for_parts([]).num_rows == 0
