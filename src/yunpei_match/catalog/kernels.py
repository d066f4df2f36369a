"""The two kernel sets a catalogue is built over: the compiled extensions or their twins.

A catalogue calls the kernels of three packages (``_base``: the id hash table and the load
checks; ``fitment``; ``numbers``) through one object, so that one argument,
``Catalog.from_tables(..., kernels=...)``, runs the whole catalogue over the compiled
extensions (:data:`COMPILED`, the default) or over their pure-Python twins (:data:`REFERENCE`).
Each set is a module object holding the public names of its three members, so it reads like the
single extension it replaces.
"""

from __future__ import annotations

from types import ModuleType

from .._base import _kernels as _base_compiled
from .._base import _kernels_py as _base_reference
from ..fitment import _kernels as _fitment_compiled
from ..fitment import _kernels_py as _fitment_reference
from ..numbers import _kernels as _numbers_compiled
from ..numbers import _kernels_py as _numbers_reference

__all__ = ["COMPILED", "REFERENCE"]


def _merged(name: str, members: tuple[ModuleType, ...]) -> ModuleType:
    """One module holding the public kernels defined in ``members`` (not the names they import),
    which must not share a name."""
    merged = ModuleType(f"{__name__}.{name}", f"The {name} kernels of the catalogue's domains.")
    for member in members:
        for key, value in vars(member).items():
            defined_here = getattr(value, "__module__", member.__name__) == member.__name__
            if key.startswith("_") or isinstance(value, ModuleType) or not defined_here:
                continue
            if key in vars(merged):
                raise ImportError(f"kernel {key!r} is defined twice in the {name} set")
            setattr(merged, key, value)
    return merged


def _twins(compiled: ModuleType, members: tuple[ModuleType, ...]) -> ModuleType:
    """The twin of every kernel in ``compiled``, by name (helpers of the twins stay out)."""
    everything = _merged("REFERENCE", members)
    twins = ModuleType(everything.__name__, everything.__doc__)
    for key in vars(compiled):
        if not key.startswith("_"):
            setattr(twins, key, getattr(everything, key))  # AttributeError: a twin is missing
    return twins


COMPILED = _merged("COMPILED", (_base_compiled, _fitment_compiled, _numbers_compiled))
REFERENCE = _twins(COMPILED, (_base_reference, _fitment_reference, _numbers_reference))
