"""yunpei_match: fitment, part-number and inventory matching for auto-parts catalogues.

The public names below are imported when first used (module ``__getattr__``), so that
``import yunpei_match`` costs milliseconds, not the half-second of numpy, pyarrow and polars: a
command line answering ``--help``, or a service importing only the errors, does not pay for
what it does not use. ``yunpei_match.Catalog``, ``from yunpei_match import Catalog``,
``dir()`` and ``__all__`` work as with eager imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base.lazy import lazy_names
from ._version import __version__
from .errors import (
    ColumnTypeError,
    DataError,
    DuplicateIdError,
    IndexFileError,
    JournalError,
    MissingColumnError,
    MissingTableError,
    ReservationError,
    UnknownIdError,
    YunpeiMatchError,
)

if TYPE_CHECKING:
    from .catalog import BuildStats, Catalog
    from .fitment import FitmentIndex
    from .numbers import NumberIndex, normalize_number, normalize_numbers
    from .offers import FillRate
    from .stock import DeliveryTiers, Inventory, Offer, Reservation, SourcingPlan, TierRule
    from .vin import VinIndex, decode_vin, decode_vins, validate_vin, validate_vins


#: The package of each name imported on first use.
_LAZY = {
    "BuildStats": "catalog",
    "Catalog": "catalog",
    "FitmentIndex": "fitment",
    "Inventory": "stock",
    "Offer": "stock",
    "Reservation": "stock",
    "NumberIndex": "numbers",
    "normalize_number": "numbers",
    "normalize_numbers": "numbers",
    "FillRate": "offers",
    "SourcingPlan": "stock",
    "DeliveryTiers": "stock",
    "TierRule": "stock",
    "decode_vin": "vin",
    "decode_vins": "vin",
    "validate_vin": "vin",
    "validate_vins": "vin",
    "VinIndex": "vin",
}

__all__ = [
    "BuildStats",
    "Catalog",
    "ColumnTypeError",
    "DataError",
    "DeliveryTiers",
    "DuplicateIdError",
    "FillRate",
    "FitmentIndex",
    "IndexFileError",
    "Inventory",
    "JournalError",
    "MissingColumnError",
    "MissingTableError",
    "NumberIndex",
    "Offer",
    "Reservation",
    "ReservationError",
    "SourcingPlan",
    "TierRule",
    "UnknownIdError",
    "VinIndex",
    "YunpeiMatchError",
    "__version__",
    "decode_vin",
    "decode_vins",
    "normalize_number",
    "normalize_numbers",
    "validate_vin",
    "validate_vins",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)
