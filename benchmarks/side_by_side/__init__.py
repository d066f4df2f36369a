"""Side by side: yunpei_match against the tools a user would otherwise pick, on the same data.

One run generates one seeded synthetic catalogue (``yunpei_match.synth``), builds every store
from it, runs each workload through every tool, checks that every tool returns the same set of
pairs as yunpei_match (a mismatch raises ``ResultMismatch`` and the script exits non-zero), and
prints a table of medians. Run it with ``python benchmarks/compare.py`` (usage there) or, from
the repo root, ``python -m benchmarks.side_by_side``.

Workloads
---------
build
    Fitment index from (vehicle, part) code arrays: ``_links.build_links`` (also interns the
    application details) against a hand-written numpy CSR (sort of packed int64 vehicle/part
    keys, repeats dropped, bincount/cumsum offsets; the same for the transpose) and the same in
    polars (lazy sort + unique). Each builds both directions.
catalogue
    ``Catalog.from_tables`` end to end from the string tables (yunpei_match alone).
load
    ``Catalog.load`` of a saved index, without and with CRC checks, against ``np.load`` with
    ``mmap_mode="r"`` of the same arrays as ``.npy`` files: a floor, not a competitor.
lookup
    One vehicle + one category, codes in, part codes out: the fast path
    ``catalog.fitment.part_codes`` against a numpy CSR (vehicle indptr, then ``np.searchsorted``
    of the category's part-code bounds in the vehicle's sorted parts), SQLite (covering index,
    parameterised query), DuckDB (table sorted by the key, parameterised query; and an ART
    index on the packed key with a prepared statement, ``indexed``) and a polars filter on a
    sorted frame. The median is per call, over many random requests.
batch parts
    Many (vehicle, category) requests to all (request, part) rows. ``_core.gather_parts`` on
    codes is the reference; ``parts_for_vehicles`` is the full API from id strings (plain and
    dictionary-encoded). Against: numpy CSR gather (searchsorted bounds, repeat/arange
    expansion), a DuckDB join and a polars join.
batch vehicles
    Many parts to all (request, vehicle) rows: ``_core.gather_vehicles`` and
    ``vehicles_for_parts`` against the same three.

number lookup
    Typed part numbers (lower case, separators dropped or added, full width; a tenth unknown)
    to (request, part) pairs, over the synthetic parts plus a generated ``oe_numbers`` table:
    ``catalog.numbers.lookup_many`` against polars string expressions + a join and a Python
    dict with a normalising loop. Rate: queries/s.
number lookup (single)
    The same typed numbers one call each: ``catalog.numbers.lookup`` against the Python key
    and one indexed query, SQLite (B-tree, parameterised) or DuckDB (ART index, prepared
    statement). Time: per call.
number search
    Typo queries (one edit of a stored key) to the best 5 keys within 2 edits:
    ``catalog.numbers.search_many`` against rapidfuzz ``process.cdist`` over the keys of
    nearby lengths (all cores), ``process.extract`` over all keys and tantivy fuzzy term
    queries (``search_engine``). Time: per query.
vin validate
    Typed VINs (~5 % corrupted) to validity flags under the Chinese rules: ``decode_vins`` and
    ``validate_vins`` against a polars expression and a Python loop. Rate: VINs/s.
vin vehicles
    VINs to the vehicles of their most specific ``vin_patterns``:
    ``catalog.vins.vehicles_for_vins`` against polars and DuckDB joins on per-mask keys.
    Rate: VINs/s.

nearest stocked
    Order lines (shop, part, quantity) to the nearest warehouse holding the quantity, and its
    distance: ``StockIndex.nearest`` on codes and ``nearest_stocked_many`` against numpy (CSR
    gather), DuckDB and polars (join, haversine, arg-min per line), scipy ``cKDTree`` and
    scikit-learn ``BallTree``. Substitutes off. Rate: lines/s.
nearest stocked (substitutes)
    The same with ``substitutes=True`` (the default): ours alone.
sourcing
    Multi-line orders to plans: ``source_orders`` (fewest shipments) against the nearest
    warehouse per line (no consolidation) in DuckDB, polars and ours; checked on the lines
    filled, with the shipments per order in each tool's name. Rate: orders/s.
offers
    One VIN + category + shop to the 10 best offers: ``catalog.offers`` against one DuckDB or
    SQLite query over VIN patterns, links, interchange groups, stock and warehouses. Time: per
    call.

Every workload whose work is moving bytes (build, the batch gathers, number lookup, the VIN
workloads, nearest stocked) also gets a *limit row* (``limit``): the time the bytes it must at
least read and write take at the copy bandwidth measured in the same run, named ``limit: ...
(floor)``; its theirs/ours is the fraction of that limit ours reaches.

``--shape NAME`` (repeatable; ``all``) runs instead the lookup, batch and nearest-stocked
workloads on catalogues, stock and demand of the shapes of ``yunpei_match.synth.SHAPES``, each
workload named ``workload [shape]``.

The number and VIN workloads are described in full in ``part_numbers`` and ``vins``; their
data comes from ``number_data`` and ``vin_data``; the stock workloads in ``stock``, with data
from ``stock_data``. A slow tool (the Python loops, rapidfuzz, the scipy and scikit-learn
trees) may answer only the first requests: its time is extrapolated to all of them, its name
says so, and its answers are checked against yunpei_match's for the same requests
(``sampled``). ``--skip numbers``, ``--skip vins``, ``--skip stock`` (nearest stocked),
``--skip sourcing`` or ``--skip offers`` leaves a whole family out; ``--skip python``,
``--skip rapidfuzz``, ``--skip tantivy``, ``--skip scipy`` or ``--skip sklearn`` one tool,
like the other tool names (scipy and scikit-learn are skipped, and the facts say so, when not
installed).

The other tools get a plain links table (vehicle, category, part codes) in which universal
parts are spelled out for every vehicle; yunpei_match keeps them aside. Every tool works on
int32 codes except the API rows, which start from id strings.

Columns
-------
workload
    What is timed (above).
tool
    ``ours ...`` rows are yunpei_match; the row marked ``*`` is the workload's reference.
median
    Median wall time of the timed runs after one untimed warm-up run (``time.perf_counter``):
    at least ``--repeats`` runs, more for fast ones (up to 0.5 s or 100 runs); for ``lookup``
    and ``offers``, the median time of one call; for ``sourcing``, one run after a warm-up.
rows/s
    Result rows per second (batch workloads; requests, lines or orders where the facts say
    so), in millions (M) or, below 0.1 M, thousands (k).
theirs/ours
    This row's median divided by the reference row's: above 1, yunpei_match is faster.

DuckDB and polars use every core they are given; the yunpei_match kernels run on one.

Modules
-------
``data``
    The catalogue, the plain links table and the stores the other tools query.
``timing``, ``checks``, ``rows``
    Medians of runs; equality of results; one workload's rows, every tool against the first.
``build_load``, ``lookup``, ``batch``
    The workloads, one family each, every one a ``run_*`` function returning rows.
``limit``, ``indexed``
    The copy bandwidth and the limit rows; DuckDB point lookups through an ART index.
``number_data``, ``vin_data``
    Seeded OE numbers, typed numbers and typos; typed VINs, ``vin_patterns`` and their VINs
    (shared with ``test_bench_numbers.py`` and ``test_bench_vin.py``).
``part_numbers``, ``number_single``, ``search_engine``, ``vins``, ``sampled``
    The number and VIN workloads (``run_numbers``, ``run_vins``: rows and facts), single
    number lookups, tantivy's fuzzy search, and races in which slow tools run on a prefix of
    the requests.
``stock_data``, ``nearest``, ``stock_offers``, ``stock``
    Seeded warehouses, stock, order lines, orders and offer requests (shared with
    ``test_bench_stock.py``); nearest stocked by hand in each tool; offers in SQL; the stock
    workloads (``run_stock``: rows and facts).
``report``
    The facts above the table, the table as text or markdown, and ``--report DIR``: the
    markdown and a plot of the best other tool's time over ours per workload.
``__main__``
    Arguments and the run loop.

None of these modules holds tests or doctests: ``python -m pytest benchmarks`` imports them
(``--doctest-modules``) and finds nothing to run.
"""
