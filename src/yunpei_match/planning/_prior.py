"""The Gamma–Poisson blend of a prior demand rate with each series' history.

A prior of mean rate ``m0`` per period worth ``w`` periods is a Gamma(shape ``w m0``, rate
``w``) belief about the rate. With no history its predictive demand per period is negative
binomial with mean ``m0`` and variance ``m0 (1 + 1 / w)``. After ``n`` periods of history whose
method forecasts ``mu`` (standing in for the sample mean of the conjugate update), the mean is
``(w m0 + n mu) / (w + n)`` and the variance the same weighting of the prior's and the
history's variances, so a long history dominates and a new series gets the prior.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ColumnTypeError, DuplicateIdError, show
from ._series import Series
from ._tables import as_table, column, numbers

_ID_KINDS = (pa.types.is_integer, lambda t: pa.types.is_string(t) or pa.types.is_large_string(t))


def blend(
    prior: Any,
    series: Series,
    mean: npt.NDArray[np.float64],
    ratio: npt.NDArray[np.float64],
    chosen: npt.NDArray[np.int8],
    prior_code: int,
) -> tuple[pa.Array, npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.int8]]:
    """Names, means, variance ratios and methods of the history's series and the prior's new
    ones, after the update."""
    table = as_table(prior, "prior")
    names = _ids(column(table, "prior", "series"), series.names)
    history_names = series.names if len(series.names) else pa.array([], names.type)
    prior_mean = numbers(column(table, "prior", "prior_mean"), "prior.prior_mean", low=0.0)
    weight = numbers(column(table, "prior", "prior_weight"), "prior.prior_weight", low=2.0**-52)
    where = pc.index_in(names, value_set=history_names).to_numpy(zero_copy_only=False)
    known = ~np.isnan(where.astype(np.float64))
    n_old, n_new = len(series.names), int((~known).sum())
    index = np.empty(len(names), np.int64)
    index[known] = where[known]
    index[~known] = np.arange(n_old, n_old + n_new)
    all_names = pa.concat_arrays([history_names, names.filter(pa.array(~known))])
    n = np.zeros(n_old + n_new)
    n[:n_old] = series.n_periods
    mu = np.concatenate([mean, np.zeros(n_new)])
    variance = mu * np.concatenate([ratio, np.ones(n_new)])
    w, m0 = np.zeros(n_old + n_new), np.zeros(n_old + n_new)
    w[index], m0[index] = weight, prior_mean
    blended = (w * m0 + n * mu) / (w + n)
    blended_variance = (w * m0 * (1.0 + 1.0 / np.where(w > 0, w, 1.0)) + n * variance) / (w + n)
    new_ratio = np.divide(blended_variance, blended, out=np.ones_like(blended), where=blended > 0)
    methods = np.concatenate([chosen, np.full(n_new, prior_code, np.int8)])
    return all_names, blended, new_ratio, methods


def _ids(values: pa.Array, names: pa.Array) -> pa.Array:
    """Prior ids in the history's id type (another width of integers or strings will do),
    each at most once."""
    if len(names) and values.type != names.type:
        if not any(kind(values.type) and kind(names.type) for kind in _ID_KINDS):
            raise ColumnTypeError(
                f"prior.series must hold ids of the history's type {names.type}, got {values.type}"
            )
        try:
            values = values.cast(names.type)
        except pa.ArrowInvalid as exc:
            raise ColumnTypeError(
                f"prior.series holds ids out of the range of the history's type {names.type}"
            ) from exc
    counts = pc.value_counts(values)
    repeated = counts.filter(pc.greater(counts.field("counts"), 1))
    if len(repeated):
        value = repeated.field("values")[0].as_py()
        row = int(pc.index(values, value).as_py())
        raise DuplicateIdError(f"prior.series lists {show(value)} twice, again after row {row}")
    return values
