"""Which dataframe library an input comes from (``_base.tables.dataframe_library``)."""

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from yunpei_match._base.tables import dataframe_library


@pytest.mark.parametrize(
    ("value", "library"),
    [
        (pl.DataFrame({"a": [1]}), "polars"),
        (pl.Series(["a"]), "polars"),
        (pd.DataFrame({"a": [1]}), "pandas"),
        (pd.Series(["a"]), "pandas"),
        (pa.table({"a": [1]}), None),
        ({"a": [1]}, None),
        (np.array(["a"]), None),
        (["a"], None),
    ],
)
def test_dataframe_library(value, library):
    assert dataframe_library(value) == library
