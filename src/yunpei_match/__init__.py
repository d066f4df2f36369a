"""yunpei_match: fitment, part-number and inventory matching for auto-parts catalogues."""

from .catalog import BuildStats, Catalog
from .errors import (
    ColumnTypeError,
    DataError,
    DuplicateIdError,
    IndexFileError,
    MissingColumnError,
    MissingTableError,
    UnknownIdError,
    YunpeiMatchError,
)
from .fitment import FitmentIndex
from .numbers import NumberIndex, normalize_number, normalize_numbers
from .vin import decode_vin, decode_vins, validate_vin, validate_vins
from .vin_index import VinIndex

__version__ = "0.1.0"

__all__ = [
    "BuildStats",
    "Catalog",
    "ColumnTypeError",
    "DataError",
    "DuplicateIdError",
    "FitmentIndex",
    "IndexFileError",
    "MissingColumnError",
    "MissingTableError",
    "NumberIndex",
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
