"""Categories, brands and positions as people type them: one matching rule, one error.

A label a user gives (a category, a brand, a position) is compared with the catalogue's by its
*match key* (:func:`label_key`): Unicode NFKC (full-width letters and digits from Chinese input
methods, the ideographic space and other compatibility forms folded), case-folded, every run
of whitespace as one space, trimmed. So ``"Brake Pads"``, ``" brake  pads "`` and
``"ＢＲＡＫＥ　ＰＡＤＳ"`` name one category. The stored values are kept as given; only the
comparison uses keys. Nothing else is forgiven: ``"brake pad"`` is not ``"brake pads"``, but
the error for it says so.

A :class:`Labels` holds the distinct keys of one column, numbered densely (*label codes*). A
label nobody stores raises :class:`~yunpei_match.errors.UnknownIdError` listing the known
values when they are few and, whenever one is close (rapidfuzz), the closest.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import rapidfuzz
from rapidfuzz import fuzz

from ..errors import DataError, DuplicateIdError, UnknownIdError
from .ids import OnUnknown, as_string_array, check_text
from .tables import show

__all__ = ["Labels", "category_names", "label_key"]

LISTED = 12  # up to this many known values, an error lists them all
CLOSEST = 3  # the most "did you mean" suggestions
SIMILAR = 70.0  # rapidfuzz WRatio (0-100) from which a known value counts as close...
RUNNER_UP = 10.0  # ...and how far behind the closest one a second suggestion may be


def label_key(value: str) -> str:
    """The key a category, brand or position is matched by (see the module docstring)."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


class Labels:
    """The values of one column, matched by key; ``code`` and ``codes`` give label codes.

    Parameters
    ----------
    values : pyarrow.Array
        The stored values (strings; repeats and nulls allowed, nulls are no label).
    what, plural : str
        Names for messages (``"position"``, ``"positions"``).
    unique : str, optional
        ``"table.column"`` when two stored values must not share a key: a category is one
        run of part codes, so ``"Brake Pads"`` beside ``"brake pads"`` is refused. Label
        codes then equal the values' positions.

    Raises
    ------
    DuplicateIdError
        With ``unique``, if two stored values share a key.
    """

    def __init__(self, values: pa.Array, what: str, plural: str, unique: str | None = None):
        self.what, self.plural = what, plural
        stored = values.drop_null() if unique else pc.unique(values.drop_null())
        self._by_key: dict[str, int] = {}
        self._by_value: dict[str, int] = {}  # the stored spellings, found without a key
        self._names: list[str] = []  # each code's first stored spelling, for messages
        for value in stored.to_pylist():
            code = self._by_key.setdefault(label_key(value), len(self._names))
            if code == len(self._names):
                self._names.append(value)
            elif unique:
                raise DuplicateIdError(
                    f"{unique} has {show(self._names[code])} and {show(value)}: one {what} "
                    "once case, width and spacing are ignored, as queries match it; "
                    "spell it one way"
                )
            self._by_value[value] = code

    def __len__(self) -> int:
        return len(self._names)

    def code(self, value: str) -> int:
        """Label code of one value; raise UnknownIdError (with suggestions) if none matches."""
        code = self._find(check_text(value, self.what))
        if code < 0:
            raise UnknownIdError(self._message(value))
        return code

    def codes(self, values: Any, *, on_unknown: OnUnknown = "raise") -> npt.NDArray[np.int32]:
        """Label codes of a batch, -1 for null; unknown values raise, or become -1 with "skip".

        Each distinct value is matched once (a column arriving dictionary-encoded is matched
        through its dictionary), then the codes are gathered through the row indices.
        """
        if on_unknown not in ("raise", "skip"):
            raise DataError(f"on_unknown must be 'raise' or 'skip', got {on_unknown!r}")
        array = as_string_array(values, self.plural)
        chunks = [self._chunk_codes(chunk) for chunk in array.chunks]
        found = np.concatenate(chunks) if chunks else np.empty(0, np.int32)
        if on_unknown == "raise":
            unknown = (found < 0) & ~array.is_null().to_numpy(zero_copy_only=False)
            if unknown.any():
                row = int(np.argmax(unknown))
                raise UnknownIdError(self._message(array[row].as_py(), row=row))
        return found

    def _message(self, value: str, *, row: int | None = None) -> str:
        """The message for a value no stored label matches: the known ones, the closest."""
        at = "" if row is None else f" at row {row}"
        close = self._closest(value)
        names = sorted(self._names)
        known = f"{len(self):,} {self.plural}"
        if 0 < len(names) <= LISTED:
            known += ": " + ", ".join(show(name) for name in names)
        elif names and not close:  # a sample shows how the values are spelled
            known += ", such as " + ", ".join(show(name) for name in names[:CLOSEST]) + "..."
        message = f"{self.what} {show(value)}{at} is not in the catalogue ({known})"
        if close:
            shown = [show(name) for name in close]
            guess = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"
            message += f"; did you mean {guess}?"
        return message

    def _closest(self, value: str) -> list[str]:
        """The stored spellings close to ``value``: WRatio scores a prefix ("Mann") highly."""
        found = rapidfuzz.process.extract(
            label_key(value),
            [label_key(name) for name in self._names],
            scorer=fuzz.WRatio,
            score_cutoff=SIMILAR,
            limit=CLOSEST,
        )
        best = found[0][1] if found else 0.0
        return [self._names[i] for _, score, i in found if score >= best - RUNNER_UP]

    def _find(self, value: str | None) -> int:
        if value is None:
            return -1
        code = self._by_value.get(value)
        return code if code is not None else self._by_key.get(label_key(value), -1)

    def _chunk_codes(self, chunk: pa.Array) -> npt.NDArray[np.int32]:
        """Codes of one chunk: its distinct values matched once, gathered by row."""
        encoded = chunk if pa.types.is_dictionary(chunk.type) else chunk.dictionary_encode()
        mapped = np.array(
            [self._find(value) for value in encoded.dictionary.to_pylist()] + [-1], np.int32
        )
        indices = encoded.indices
        if indices.null_count:
            indices = indices.cast(pa.int64()).fill_null(-1)
        return mapped[indices.to_numpy(zero_copy_only=False)]


def category_names(categories: pa.Array) -> Labels:
    """The labels of a catalogue's sorted, distinct categories: label code = category code."""
    return Labels(categories, "category", "categories", unique="parts.category")
