"""The encoded tables every index of a catalogue reads, handed to each index by the catalogue.

The catalogue composes the domains and no index imports it: it builds one :class:`Encoded`
and passes it, with each index's own arrays, to the index's constructor.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import pyarrow as pa

from .ids import IdDictionary

__all__ = ["Encoded"]


@dataclass(frozen=True)
class Encoded:
    """A catalogue's encoded tables, id dictionaries and kernel set.

    Attributes
    ----------
    vehicles, parts, details : pyarrow.Table
        The catalogue's tables; row ``i`` of ``vehicles`` (``parts``) is vehicle (part) code ``i``.
    vehicle_ids, part_ids : IdDictionary
        Id <-> code lookups.
    kernels : module
        The kernel set the indexes call (``yunpei_match.catalog.kernels``).
    """

    vehicles: pa.Table
    parts: pa.Table
    details: pa.Table
    vehicle_ids: IdDictionary
    part_ids: IdDictionary
    kernels: ModuleType
