"""The forms a user hands tables in, shared by the tests that run every input through each."""

from __future__ import annotations

from typing import Any

import polars as pl
import pyarrow as pa

Columns = dict[str, list[Any]]


def as_polars(table: Columns) -> pl.DataFrame:
    return pl.DataFrame(table)


def as_arrow_dictionary_ids(table: Columns) -> pa.Table:
    """A pyarrow Table whose id columns are dictionary-encoded, as parquet readers give them."""
    return pa.table(
        {
            name: pa.array(values).dictionary_encode() if name.endswith("_id") else values
            for name, values in table.items()
        }
    )
