"""The shared base of yunpei_match, and the contract between the layers of the package.

Layers
------
Each layer is a package (or a module) that owns one part of the problem. Imports go one way
only, from a layer to the layers before it in this list, never back::

    errors  <-  _base  <-  vin  <-  fitment, numbers  <-  catalog  <-  stock  <-  offers
            <-  planning  <-  batch  <-  cli

``errors``
    ``YunpeiMatchError`` and its subclasses; imports nothing of the package.
``_base``
    What every domain needs and none owns: input coercion and column checks (``tables``), id
    dictionaries (``ids``), category labels (``labels``), read-only array groups and the layout
    checks of saved arrays (``arrays``), the kernel choice (``kernel_choice``), the atomic swap
    of a directory written aside (``directories``), and the compiled kernels they use
    (``_kernels``: the id hash table and the load checks), with the C helpers other extensions
    cimport (``prefetch.pxd``, ``counting.pxd``).
``vin``
    VIN normalisation, validation and decoding, the WMI data, and the VIN pattern index.
``fitment``, ``numbers``
    Independent of each other. ``fitment`` encodes application rows into link arrays and owns
    ``FitmentIndex``; ``numbers`` normalises part numbers, builds the number arrays and owns
    ``NumberIndex`` and the typo search.
``catalog``
    ``Catalog`` composes the domains: it encodes the input tables once and hands each index the
    arrays and kernels it needs. No index imports ``catalog``, not even for typing. ``catalog``
    also saves and loads the whole index (``storage``).
``stock``
    ``Inventory`` over a catalogue, delivery tiers, the reservation ledger and its journal,
    order sourcing and the cover search.
``offers``
    The one query that spans catalogue and stock (ranked offers, fill rate).
``planning``
    Stocking intelligence over catalogue and stock: today the demand forecasts (intermittent
    methods over a CSR of series, their quantiles, a prior blend), which need only
    ``errors`` and the kernel choice of ``_base``.
``batch``
    Streaming jobs over parquet, and ``batch.dask`` for a Dask cluster.
``cli``
    The command line.

``synth``, the synthetic data generator, imports nothing of the package: it makes tables any
other tool could make.

Rules
-----
- Across a package boundary only the names a package's ``__init__`` exports are used; its
  other modules are its own. ``_base`` is the one exception: its modules are the shared
  toolbox and are imported by module.
- Every domain keeps its compiled kernel as its own extension (``_kernels.pyx`` with a
  hand-written ``_kernels.pyi``) and a pure-Python twin with the same names
  (``_kernels_py.py``). Kernels are called only by their own package, after the Python code
  there has validated every array; a C helper two extensions need under ``nogil`` is declared
  once in a ``.pxd`` here and cimported, never included twice.
- Which of the two runs is one choice, ``kernels="compiled"`` or ``"reference"``, made where the
  work starts (``Catalog.from_tables`` / ``load``, ``Inventory.from_tables``, a function that
  needs no catalogue) and handed on as that string, never as a module. Each package turns it
  into its own kernel module with ``kernel_choice.kernels_of`` (``_base``'s with
  ``base_kernels``) and calls no other; no module keeps a kernel module in a global for callers
  to swap.

The layers and the independence of ``fitment`` and ``numbers`` are checked by import-linter
(``[tool.importlinter]`` in ``pyproject.toml``, run by ``.ci/run``), including imports made only
for type checking. The exceptions still recorded there are debts, each with its reason.
"""
