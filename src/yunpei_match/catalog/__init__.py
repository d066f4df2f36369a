"""The catalogue: the encoded tables and the indexes of every domain, built, saved and loaded.

:class:`Catalog` composes the domains: it encodes the input tables once and hands each index
(``fitment``, ``numbers``, ``vin``) the arrays it needs. ``storage`` saves a catalogue to a
directory and loads it back memory-mapped.
"""

from .catalog import BuildStats, Catalog

# The package's interface to the layers above, beside its user API (__all__).
from .catalog import read_table as read_table

__all__ = ["BuildStats", "Catalog"]
