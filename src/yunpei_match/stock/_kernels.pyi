"""Type stub of the compiled stock kernels (see the notes at the top of _kernels.pyx)."""

from typing import final

import numpy as np
import numpy.typing as npt

_F64 = npt.NDArray[np.float64]
_I32 = npt.NDArray[np.int32]
_I64 = npt.NDArray[np.int64]
_U8 = npt.NDArray[np.uint8]

EARTH_RADIUS_KM: float

def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float: ...
def sort_stock(
    part: _I32, warehouse: _I32, n_parts: int, n_warehouses: int
) -> tuple[_I64, _I64, int]: ...
def order_warehouses(
    line_indptr: _I64,
    warehouse: _I32,
    substitute: _U8,
    km: _F64,
    order_indptr: _I64,
    n_warehouses: int,
) -> tuple[_I64, _I64, _I32, npt.NDArray[np.uint64], npt.NDArray[np.uint64], _F64]: ...
def cover_orders(
    indptr: _I64,
    word_indptr: _I64,
    warehouse: _I32,
    mask: npt.NDArray[np.uint64],
    own: npt.NDArray[np.uint64],
    km: _F64,
    order_indptr: _I64,
    weight: _I64,
    cap: int,
    max_nodes: int,
) -> tuple[_I64, _I32, _U8]: ...
def assign_orders(
    line_indptr: _I64,
    own_end: _I64,
    row: _I64,
    warehouse: _I32,
    part: _I32,
    substitute: _U8,
    km: _F64,
    qty: _I64,
    available: _I64,
    order_indptr: _I64,
    chosen_indptr: _I64,
    chosen: _I32,
    optimal: _U8,
    cap: int,
    n_warehouses: int,
) -> tuple[_I64, _U8]: ...

@final
class StockIndex:
    def __init__(
        self,
        stock_indptr: _I64,
        stock_warehouse: _I32,
        available: _I64,
        warehouse_lat: _F64,
        warehouse_lon: _F64,
        warehouse_kind: _U8,
        part_group: _I32,
        group_indptr: _I64,
        group_part: _I32,
        warehouse_cluster: _I32,
    ) -> None: ...
    def nearest(
        self,
        line_lat: _F64,
        line_lon: _F64,
        line_part: _I32,
        line_qty: _I64,
        line_rules: npt.NDArray[np.uint32],
        rule_kinds: _U8,
        rule_max_km: _F64,
        rule_rank: _I32,
        max_km: float,
        substitutes: bool,
        fastest: bool,
    ) -> tuple[_I32, _I32, _U8, _F64, npt.NDArray[np.int8]]: ...
    def candidates(
        self,
        line_lat: _F64,
        line_lon: _F64,
        line_part: _I32,
        line_qty: _I64,
        max_km: float,
        substitutes: bool,
    ) -> tuple[_I64, _I64, _I32, _I32, _U8, _F64]: ...
