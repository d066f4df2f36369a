"""Public names imported on first use, for the packages whose imports are costly.

``yunpei_match`` and ``yunpei_match.batch`` list their public names eagerly (``__all__``, and
``TYPE_CHECKING`` imports for type checkers) but import the modules defining them only when a
name is first read, so that ``import yunpei_match`` does not load numpy, pyarrow and polars.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, modules: Mapping[str, str], public: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``, which is being imported.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    modules : mapping
        Each lazy name to the module (relative to ``package``) that defines it.
    public : iterable of str
        The package's ``__all__``, listed by ``dir()`` before they are imported.
    """
    namespace = vars(sys.modules[package])
    listed = frozenset(public)

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{module}", package), name)
        namespace[name] = value  # once imported, an ordinary attribute
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *listed})

    return __getattr__, __dir__
