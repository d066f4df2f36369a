"""Which kernels run: the compiled extensions or their pure-Python twins, one choice for all.

Every domain package with kernels (``_base``, ``vin``, ``fitment``, ``numbers``, ``stock``) holds
two modules of the same kernels under the same names: the compiled extension ``_kernels`` and
its twin ``_kernels_py``. Which of the two runs is one choice, :data:`Kernels`: ``"compiled"``
(the default everywhere) or ``"reference"``, made where the work starts and handed on as that
string, never as a module:

- ``Catalog.from_tables`` and ``Catalog.load`` take ``kernels=``; the catalogue keeps it as
  ``catalog.kernels`` and hands it to its id dictionaries, its indexes (through ``Encoded``),
  the build and the load checks;
- ``Inventory.from_tables`` follows its catalogue's choice unless given its own;
- the functions that need no catalogue (``normalize_numbers``, ``validate_vins``,
  ``decode_vins``, ``explain_vin``...) take ``kernels=`` as well, and a catalogue's indexes pass
  them its choice; the batch jobs follow the catalogue or inventory they are given.

Each package turns the choice into its own kernel module with :func:`kernels_of` (``_base``'s
shared kernels with :func:`base_kernels`) when its object is built or its function is called,
and calls nothing else: so kernels are called only by their own package, and a catalogue built
with ``kernels="reference"`` never runs a compiled kernel. The twins are imported only when
chosen: they cost nothing to a program that never asks for them.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType
from typing import Any, Literal

from ..errors import DataError, show

__all__ = ["Kernels", "base_kernels", "check_kernels", "kernels_of"]

#: The kernel choice: the compiled extensions, or their pure-Python twins.
Kernels = Literal["compiled", "reference"]

_MODULES = {"compiled": "_kernels", "reference": "_kernels_py"}


def check_kernels(kernels: Any) -> Kernels:
    """``kernels`` if it is ``"compiled"`` or ``"reference"``; DataError otherwise."""
    if kernels == "compiled" or kernels == "reference":
        return "compiled" if kernels == "compiled" else "reference"
    raise DataError(f"kernels must be 'compiled' or 'reference', got {show(kernels)}")


def kernels_of(module: str, kernels: Kernels) -> ModuleType:
    """The kernel module of the package of ``module`` (the caller's ``__name__``) under
    ``kernels``: the package's ``_kernels`` for ``"compiled"``, ``_kernels_py`` for
    ``"reference"``.

    Raises
    ------
    DataError
        If ``kernels`` is neither ``"compiled"`` nor ``"reference"``.
    """
    return _module(module.rpartition(".")[0], _MODULES[check_kernels(kernels)])


def base_kernels(kernels: Kernels) -> ModuleType:
    """The shared kernels of ``_base`` (the id hash table, the load checks) under ``kernels``."""
    return kernels_of(__name__, kernels)


@cache
def _module(package: str, name: str) -> ModuleType:
    # Cached: an object resolves its kernels when it is built, a function on every call.
    return importlib.import_module(f"{package}.{name}")
