# cython: language_level=3
# distutils: language = c++
"""Compiled kernels of yunpei_match: flat arrays in, flat arrays out.

Data layout (fitment)
---------------------
Vehicles, parts and categories are dense int32 codes. Part codes are numbered in category order,
so the parts of category ``c`` are the codes ``category_start[c] <= p < category_start[c + 1]``.

A *link* is one distinct (vehicle, part) pair. Links are stored vehicle-major, part codes
ascending inside a vehicle (``link_part``), so one category's parts inside one vehicle form a
contiguous run. ``run_bounds`` (int64, ``n_vehicles * n_categories + 1``) is a CSR over
(vehicle, category) pairs: the run of vehicle ``v`` and category ``c`` is
``link_part[run_bounds[v*C + c] : run_bounds[v*C + c + 1]]`` and all of ``v``'s links are
``[run_bounds[v*C], run_bounds[(v+1)*C])``. Finding a run is two loads, not two binary searches:
in a prototype that was 3-6 times faster for batch gathers (DESIGN.md section 4). When
vehicles x categories is too large to hold densely (a TecDoc-sized list of ~8,000 part types),
the runs are listed sparsely instead: ``vehicle_runs`` (CSR over vehicles) and ``run_category``
(ascending inside a vehicle) locate a run by one binary search among the vehicle's categories,
and ``run_bounds`` then has one entry per existing run (see ``category_runs``).

Each link has a *detail set* code: codes below ``n_details`` are one application detail row
(position, qty, note); higher codes name an interned set of several detail rows (the same part
at front-left and front-right), stored as a CSR (``set_indptr``, ``set_detail``). Codes are not
stored per link: ``part_detail`` holds each part's usual code and ``exception_link`` /
``exception_detail`` the few links that differ (``split_details``), which keeps the index under
10 bytes per link. The transpose ``part -> vehicles`` (``part_indptr``,
``part_vehicle``) is sorted by vehicle code.

Universal parts fit every vehicle and are not stored as links: ``universal`` holds their codes
(sorted) and ``universal_bounds[c]`` the start of category ``c`` in it.

Contract
--------
Callers (the Python modules) validate every array before it reaches a kernel: codes in range,
offsets monotonic and within the arrays they index. Kernels run with bounds checks off
(setup.py), release the GIL, and allocate their outputs with numpy.
"""

import numpy as np

cimport numpy as cnp
from cython.operator cimport dereference as deref
from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t, uint64_t
from libc.string cimport memcmp, memcpy
from libcpp.algorithm cimport sort as cpp_sort, unique as cpp_unique
from libcpp.map cimport map as cpp_map
from libcpp.utility cimport pair
from libcpp.vector cimport vector

cnp.import_array()


include "_build.pxi"
include "_query.pxi"
include "_strings.pxi"
include "_numbers.pxi"
include "_search.pxi"
include "_checks.pxi"
