import numpy as np
import numpy.typing as npt

def fit(
    offsets: npt.NDArray[np.int64],
    positions: npt.NDArray[np.int32],
    qty: npt.NDArray[np.float64],
    n_periods: npt.NDArray[np.int32],
    method: int,
    alpha: float,
    alpha_d: float,
    alpha_p: float,
    start: int,
    stop: int,
    mean: npt.NDArray[np.float64],
    ratio: npt.NDArray[np.float64],
    chosen: npt.NDArray[np.int8],
) -> None: ...
def quantiles(
    mean: npt.NDArray[np.float64],
    ratio: npt.NDArray[np.float64],
    periods: float,
    levels: npt.NDArray[np.float64],
    z_scores: npt.NDArray[np.float64],
    start: int,
    stop: int,
    out: npt.NDArray[np.int64],
) -> None: ...
def group_rows(
    keys: npt.NDArray[np.int64], periods: npt.NDArray[np.int64], qty: npt.NDArray[np.float64]
) -> (
    tuple[
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
        npt.NDArray[np.int64],
        npt.NDArray[np.int32],
        npt.NDArray[np.float64],
    ]
    | None
): ...
