"""Builders of the hand-checked sample catalogue; ``tools/make_samples.py`` writes it.

The facts are the hand-written tables of ``tools/sample_data/`` (see its README); the modules
here turn them into rows: ``vehicles`` (series, generations, configurations, engines),
``brands`` (OE and aftermarket brands, part-number formats and known numbers), ``catalogue``
(parts and fitment rows being collected), ``categories`` (the parts of each category) and
``tables`` (the output tables and their schemas).
"""

from __future__ import annotations

import pyarrow as pa

from .catalogue import Fleet, build_apps
from .categories import build_catalogue
from .tables import fitments_table, parts_table, requests_table
from .vehicles import build_vehicles, vehicles_table

__all__ = ["build_tables"]


def build_tables() -> dict[str, pa.Table]:
    vehicles = build_vehicles()
    fleet = Fleet(vehicles, build_apps(vehicles, False), build_apps(vehicles, True))
    cat = build_catalogue(fleet)
    return {
        "vehicles": vehicles_table(vehicles),
        "parts": parts_table(cat),
        "fitments": fitments_table(cat),
        "requests": requests_table(fleet, cat),
    }
