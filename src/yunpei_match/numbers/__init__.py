"""Part numbers: what is this number, its interchange group, the newest of its chain.

A number is matched by its *key* (:func:`normalize_number`): full-width characters from
Chinese input methods folded to ASCII, upper case, and only ``A-Z0-9`` kept, so
``"0 986 452 041"``, ``"0986452041"`` and ``"０９８６-４５２-０４１"`` are one number.

Examples
--------
>>> import yunpei_match as ym
>>> catalog = ym.Catalog.from_tables(
...     vehicles={"vehicle_id": ["V1"], "make": ["丰田"], "model": ["卡罗拉"], "year": [2019]},
...     parts={"part_id": ["P1", "P2"], "brand": ["Toyota", "Denso"],
...            "part_number": ["90915-YZZD2", "DXE-1008"], "category": ["oil filter"] * 2},
...     oe_numbers={"part_id": ["P2"], "oe_number": ["90915 YZZD2"], "oe_brand": ["Toyota"]},
...     supersessions={"old_number": ["90915-YZZE1"], "new_number": ["90915-YZZD2"]},
... )
>>> catalog.numbers.lookup("90915yzze1").column("part_number").to_pylist()
['90915-YZZD2', 'DXE-1008']
>>> catalog.numbers.latest("９０９１５－ＹＺＺＥ１")
'90915-YZZD2'
"""

# The package's interface to the layers above, beside its user API (__all__).
from .arrays import (
    NumberArrays as NumberArrays,
)
from .arrays import (
    NumberTables as NumberTables,
)
from .arrays import (
    build_numbers as build_numbers,
)
from .arrays import (
    check_numbers as check_numbers,
)
from .index import NumberIndex, normalize_number, normalize_numbers
from .index import check_search_options as check_search_options

__all__ = ["NumberIndex", "normalize_number", "normalize_numbers"]
