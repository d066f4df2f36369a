"""yunpei_match: fitment, part-number and inventory matching for auto-parts catalogues."""

from .catalog import BuildStats, Catalog
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
from .fitment import FitmentIndex
from .inventory import Inventory, Offer
from .ledger import Reservation
from .numbers import NumberIndex, normalize_number, normalize_numbers
from .offers import FillRate
from .sourcing import SourcingPlan
from .tiers import DeliveryTiers, TierRule
from .vin import decode_vin, decode_vins, validate_vin, validate_vins
from .vin_index import VinIndex

__version__ = "0.1.0"

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
