"""Sourcing plans against a MILP (HiGHS): the same objective values on small random orders.

The MILP states the problem of ``sourcing.py`` from the network alone, stock competition
included: a binary ``x[d, w, p]`` per demand ``d`` (the order's lines naming one part, their
quantities summed) and stock row (warehouse ``w``, part ``p``) that can fill it, a binary
``y[w]`` per warehouse. A demand takes at most one row, only from a warehouse shipping, and a
row gives at most its quantity. The lexicographic objective is solved as a sequence, each
optimum fixed before the next: most lines filled, then fewest shipments, then fewest lines
shipped as substitutes, then least total distance over the shipments.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import highspy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sourcing import CITIES, TOLERANCE_KM, haversine_km, network_inventory, places_of

import yunpei_match as ym


@st.composite
def networks(draw: st.DrawFn) -> dict[str, Any]:
    """Networks as ``test_sourcing.networks`` draws them, denser: most orders need two or more
    shipments, and substitutes compete with the lines asking for their part."""
    n_parts = draw(st.integers(3, 6))
    parts = [f"P{i}" for i in range(n_parts)]
    numbers = draw(
        st.lists(st.sampled_from(["OE-1", "OE-2", None]), min_size=n_parts, max_size=n_parts)
    )
    n_warehouses = draw(st.integers(2, 7))
    places = draw(st.lists(st.sampled_from(CITIES), min_size=n_warehouses, max_size=n_warehouses))
    # A warehouse holds a part one time in three, sometimes too few for the order.
    qty = draw(
        st.lists(
            st.sampled_from([0, 0, 0, 0, 1, 2, 3]),
            min_size=n_warehouses * n_parts,
            max_size=n_warehouses * n_parts,
        )
    )
    stock = {
        (f"W{w}", parts[p]): qty[w * n_parts + p]
        for w in range(n_warehouses)
        for p in range(n_parts)
        if qty[w * n_parts + p]
    }
    lines = draw(
        st.lists(st.tuples(st.sampled_from(parts), st.integers(1, 2)), min_size=2, max_size=7)
    )
    return {
        "parts": parts,
        "oe": {part: number for part, number in zip(parts, numbers, strict=True) if number},
        "warehouses": {
            "warehouse_id": [f"W{w}" for w in range(n_warehouses)],
            "lat": [lat for lat, _ in places],
            "lon": [lon for _, lon in places],
            "kind": ["front"] * n_warehouses,
        },
        "stock": stock,
        "lines": lines,
        "shop": draw(st.sampled_from(CITIES)),
        "substitutes": draw(st.booleans()),
    }


def milp_objective(
    network: dict[str, Any], groups: dict[str, set[str]], cap: int | None
) -> tuple[int, int, int, float]:
    """(lines filled, shipments, substitute lines, km) of the best plan, by HiGHS."""
    lines_of: dict[str, int] = defaultdict(int)
    need: dict[str, int] = defaultdict(int)
    for part, qty in network["lines"]:
        lines_of[part] += 1
        need[part] += qty
    allowed = groups if network["substitutes"] else {part: {part} for part in groups}
    places = places_of(network)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.0)
    ship = {w: h.addBinary() for w in places}
    take = {
        (d, w, p): h.addBinary()
        for (w, p), qty in network["stock"].items()
        for d in need
        if p in allowed[d] and qty >= need[d]
    }
    for d in need:
        h.addConstr(h.qsum([x for (e, _, _), x in take.items() if e == d]) <= 1)
    for (_, w, _), x in take.items():
        h.addConstr(x <= ship[w])
    for (w, p), qty in network["stock"].items():
        rows = [need[d] * x for (d, v, q), x in take.items() if (v, q) == (w, p)]
        if rows:
            h.addConstr(h.qsum(rows) <= qty)
    if cap is not None:
        h.addConstr(h.qsum(ship.values()) <= cap)
    km = {w: haversine_km(network["shop"], place) for w, place in places.items()}
    filled = h.qsum([lines_of[d] * x for (d, _, _), x in take.items()])
    shipments = h.qsum(ship.values())
    substitutes = h.qsum([lines_of[d] * x for (d, _, p), x in take.items() if p != d])
    distance = h.qsum([km[w] * y for w, y in ship.items()])
    best = [round(solve(h, filled, maximize=True))]
    h.addConstr(filled >= best[0])
    for objective in (shipments, substitutes):
        best.append(round(solve(h, objective)))
        h.addConstr(objective <= best[-1])
    return best[0], best[1], best[2], solve(h, distance)


def solve(h: Any, objective: Any, *, maximize: bool = False) -> float:
    status = (h.maximize if maximize else h.minimize)(objective)
    assert status == highspy.HighsStatus.kOk
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return float(h.getInfo().objective_function_value)


def plan_objective(plan: ym.SourcingPlan) -> tuple[int, int, int, float]:
    lines = plan.lines.to_pylist()
    return (
        sum(line["filled"] for line in lines),
        plan.n_shipments,
        sum(bool(line["substitute"]) for line in lines),
        plan.total_km,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network=networks(), cap=st.sampled_from([None, None, 1, 2]))
def test_plans_said_optimal_have_the_milp_objective(network, cap):
    inventory, groups = network_inventory(network)
    parts, qty = zip(*network["lines"], strict=True)
    plan = inventory.source_order(
        {"part_id": list(parts), "qty": list(qty)},
        *network["shop"],
        substitutes=network["substitutes"],
        max_shipments=cap,
    )
    *ours, our_km = plan_objective(plan)
    *best, best_km = milp_objective(network, groups, cap)
    if plan.optimal:
        assert ours == best
        assert our_km == pytest.approx(best_km, abs=TOLERANCE_KM)
    else:  # a feasible plan is never better than the optimum, lexicographically
        assert (-ours[0], *ours[1:], our_km + TOLERANCE_KM) >= (-best[0], *best[1:], best_km)
