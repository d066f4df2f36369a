"""Exceptions raised by yunpei_match.

Every error derives from :class:`YunpeiMatchError` and also from the builtin a caller would
naturally catch: ``ValueError`` for bad values, ``LookupError`` for unknown ids, ``TypeError`` for
wrong types. Messages name the table, column, row and value involved, e.g.
``fitments.qty must be >= 0, got -3 at row 17``; :func:`show` is how a message shows a value.

Examples
--------
>>> from yunpei_match.errors import DataError, YunpeiMatchError
>>> err = DataError("fitments.qty must be >= 0, got -3 at row 17")
>>> isinstance(err, ValueError) and isinstance(err, YunpeiMatchError)
True
"""

from __future__ import annotations

__all__ = [
    "ColumnTypeError",
    "DataError",
    "DuplicateIdError",
    "IndexFileError",
    "JournalError",
    "MissingColumnError",
    "MissingTableError",
    "ReservationError",
    "UnknownIdError",
    "YunpeiMatchError",
]


class YunpeiMatchError(Exception):
    """Base class of every error raised by yunpei_match."""


class DataError(YunpeiMatchError, ValueError):
    """A value in an input table is invalid (null id, negative qty, reversed year range...)."""


class MissingColumnError(DataError):
    """An input table lacks a required column."""


class DuplicateIdError(DataError):
    """An id that must be unique in its table appears more than once."""


class ColumnTypeError(YunpeiMatchError, TypeError):
    """An input column or argument has the wrong type (e.g. integers where ids are strings)."""


class UnknownIdError(YunpeiMatchError, LookupError):
    """An id is not in the catalogue (a fitment naming an unknown part, a query for one...)."""


class IndexFileError(YunpeiMatchError, ValueError):
    """A saved index directory is missing, truncated, altered or of another format version."""


class JournalError(IndexFileError):
    """A reservation journal is damaged (and was moved aside), foreign, or for other stock."""


class ReservationError(YunpeiMatchError, ValueError):
    """A reservation cannot be made or changed (short stock, a spent or reused order id)."""


class MissingTableError(YunpeiMatchError, FileNotFoundError):
    """A required input table (e.g. ``vehicles.parquet``) is not where it was expected."""


# -- how messages show values ---------------------------------------------------------------


def show(value: object, limit: int = 60) -> str:
    """``repr`` of a value for a message, cut to ``limit`` characters (ids can be 10 kB).

    A string is quoted as ``repr`` quotes it, but with the full-width space (U+3000) that
    Chinese input methods type left as typed: ``repr`` would print ``'刹车\\u3000片'``. Control
    and invisible characters stay escaped, so the quotes still show every blank there is.
    """
    text = _quoted(value) if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else f"{text[: limit - 5]}...{text[-2:]}"


def _quoted(text: str) -> str:
    quote = '"' if "'" in text and '"' not in text else "'"  # repr's choice
    return quote + "".join(_character(c, quote) for c in text) + quote


def _character(c: str, quote: str) -> str:
    if c in (quote, "\\"):
        return "\\" + c
    return c if c.isprintable() or c == "\u3000" else repr(c)[1:-1]
