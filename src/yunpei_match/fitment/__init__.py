"""Fitment queries: which parts fit a vehicle, which vehicles a part fits.

Every query has a batch form returning a fixed-shape Arrow table whose id columns are
dictionary-encoded over the catalogue's id arrays (zero-copy to polars), and a scalar form for
one id. The raw fast path :meth:`FitmentIndex.part_codes` answers from codes with a zero-copy
view of the link array.

Examples
--------
>>> import yunpei_match as ym
>>> catalog = ym.Catalog.from_tables(
...     vehicles={"vehicle_id": ["V1", "V2"], "make": ["丰田", "丰田"],
...               "model": ["凯美瑞", "凯美瑞"], "year": [2019, 2020]},
...     parts={"part_id": ["P1", "P2"], "brand": ["Toyota", "Bosch"],
...            "part_number": ["04152-YZZA1", "F 026 407 209"], "category": ["oil filter"] * 2},
...     fitments={"part_id": ["P1", "P2"], "vehicle_id": [None, "V2"],
...               "make": ["丰田", None], "model": ["凯美瑞", None],
...               "year_from": [2018, None], "year_to": [2021, None]},
... )
>>> catalog.fitment.parts_for_vehicle("V2").column("part_number").to_pylist()
['04152-YZZA1', 'F 026 407 209']
>>> catalog.fitment.fits("P2", "V1")
False
"""

from .index import FitmentIndex

# The package's interface to the layers above, beside its user API (__all__).
from .links import (
    Layout as Layout,
)
from .links import (
    LinkArrays as LinkArrays,
)
from .links import (
    build_links as build_links,
)
from .links import (
    check_links as check_links,
)

__all__ = ["FitmentIndex"]
