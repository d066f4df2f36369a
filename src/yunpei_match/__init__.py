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
    "YunpeiMatchError",
    "__version__",
    "normalize_number",
    "normalize_numbers",
]
