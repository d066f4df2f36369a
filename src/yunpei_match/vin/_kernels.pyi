"""Type stub of the compiled VIN kernels (see the notes at the top of _kernels.pyx)."""

import numpy as np
import numpy.typing as npt

_I64 = npt.NDArray[np.int64]
_U8 = npt.NDArray[np.uint8]
_U16 = npt.NDArray[np.uint16]

FLAG_MISSING: int
FLAG_EMPTY: int
FLAG_LENGTH: int
FLAG_CHARACTER: int
FLAG_LETTER_IOQ: int
FLAG_YEAR_CODE: int
FLAG_CHECK_DIGIT: int
FLAG_VIS_DIGITS: int
FLAG_VIS_DIGIT_13: int
FLAG_CHECKED: int
FLAG_DECODABLE: int

def normalize_vins(offsets: _I64, data: _U8) -> tuple[_I64, _U8]: ...
def check_vins(offsets: _I64, data: _U8) -> tuple[_U16, _U8]: ...
def wmi_codes(flags: _U16, chars: _U8) -> npt.NDArray[np.int32]: ...
def model_years(
    flags: _U16, chars: _U8, position7_rule: bool
) -> tuple[npt.NDArray[np.int16], _U8]: ...
