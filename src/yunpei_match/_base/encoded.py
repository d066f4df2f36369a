"""The encoded tables every index of a catalogue reads, handed to each index by the catalogue.

The catalogue composes the domains and no index imports it: it builds one :class:`Encoded`
and passes it, with each index's own arrays, to the index's constructor.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from .ids import IdDictionary
from .kernel_choice import Kernels

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
    kernels : {"compiled", "reference"}
        The catalogue's kernel choice; each index resolves it to its own package's kernels
        (:mod:`~yunpei_match._base.kernel_choice`).
    """

    vehicles: pa.Table
    parts: pa.Table
    details: pa.Table
    vehicle_ids: IdDictionary
    part_ids: IdDictionary
    kernels: Kernels
