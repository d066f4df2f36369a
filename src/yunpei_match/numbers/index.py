"""NumberIndex and number normalisation (see the package docstring)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import rapidfuzz
from rapidfuzz.distance import Levenshtein

from .._base.encoded import Encoded
from .._base.ids import IdDictionary, as_string_array, check_text, string_buffers
from .._base.kernel_choice import Kernels, kernels_of
from .._base.labels import Labels
from ..errors import ColumnTypeError, DataError, UnknownIdError, show
from .arrays import OE, NumberArrays, NumberTables, number_keys

__all__ = ["NumberIndex", "normalize_number", "normalize_numbers"]


def normalize_number(number: str, *, kernels: Kernels = "compiled") -> str:
    """The key a part number is matched by.

    Full-width ASCII (U+FF01..U+FF5E) and the ideographic space U+3000 become ASCII, letters
    become upper case, and every character other than ``A-Z`` and ``0-9`` is dropped (spaces,
    dashes, dots, slashes, other scripts, emoji).

    Parameters
    ----------
    number : str
        As typed.
    kernels : {"compiled", "reference"}
        The compiled kernel (default) or its pure-Python twin, as for ``Catalog.from_tables``.

    Raises
    ------
    ColumnTypeError
        If ``number`` is not a string.
    DataError
        If ``number`` holds a lone surrogate (it is not valid Unicode text), or ``kernels`` is
        neither choice.

    Examples
    --------
    >>> normalize_number("0 986 452 041")
    '0986452041'
    >>> normalize_number("ｗ　７１２／９５")
    'W71295'
    """
    text = check_text(number, "a part number")
    return str(number_keys(pa.array([text], pa.string()), kernels)[0].as_py())


def normalize_numbers(numbers: Any, *, kernels: Kernels = "compiled") -> pa.Array:
    """Keys of many part numbers, one Cython pass over the Arrow buffers (nulls stay null).

    ``kernels`` is as for :func:`normalize_number`.

    Examples
    --------
    >>> normalize_numbers(["04465-33450", None, "Ａ 000 180 26 09"]).to_pylist()
    ['0446533450', None, 'A0001802609']
    """
    array = as_string_array(numbers, "numbers").cast(pa.string())
    return number_keys(array.combine_chunks() if array.num_chunks != 1 else array.chunk(0), kernels)


GRAM_SIZE = 4  # digit-heavy numbers make trigram lists long; with 4 the lemma bites from m = 6
MAX_EDITS = 4


DELETION_EDITS = 2  # up to here candidates come from deletion neighbourhoods, then q-grams
DELETION_QUERY = 40  # longer queries use q-grams: the deletion index holds keys up to 42


class _SearchIndex:
    """Candidate indexes over the number keys, each built on first use, and the keys as str.

    Up to two edits, candidates are the keys sharing a deletion variant with the query
    (``_kernels.build_deletions``): precise even for numbers of one brand family that share long
    prefixes, at the cost of ~60 variants a key. Beyond that, the q-gram lemma
    (``_kernels.gram_candidates``) keeps the index small.
    """

    def __init__(self, keys: pa.Array, kernels: Kernels) -> None:
        self._kernels = kernels_of(__name__, kernels)
        self.offsets, self.data = string_buffers(keys)
        # An object array: gathering a query's candidates is one C-level take, not a loop.
        self.keys = np.array(keys.to_pylist(), dtype=object)
        self._deletions: tuple[np.ndarray, ...] | None = None
        self._grams: tuple[np.ndarray, ...] | None = None

    def candidates(self, queries: pa.Array, max_edits: int) -> tuple[np.ndarray, np.ndarray]:
        """Candidate keys per query (CSR), a superset of the keys within ``max_edits``."""
        buffers = string_buffers(queries)
        long = np.diff(buffers[0]) > DELETION_QUERY
        if max_edits > DELETION_EDITS or long.all():
            return self._gram_candidates(buffers, max_edits)
        longest = DELETION_QUERY + DELETION_EDITS
        if self._deletions is None:  # two threads racing build equal indexes
            self._deletions = self._kernels.build_deletions(self.offsets, self.data, longest)
        found = self._kernels.deletion_candidates(
            *self._deletions, self.offsets, *buffers, max_edits, longest
        )
        if not long.any():
            return found
        return _replace_rows(found, long, self._gram_candidates(buffers, max_edits))

    def _gram_candidates(
        self, buffers: tuple[np.ndarray, np.ndarray], max_edits: int
    ) -> tuple[np.ndarray, np.ndarray]:
        if self._grams is None:
            self._grams = self._gram_arrays()
        return self._kernels.gram_candidates(*self._grams, *buffers, GRAM_SIZE, max_edits)

    def _gram_arrays(self) -> tuple[np.ndarray, ...]:
        gram_indptr, gram_key = self._kernels.build_grams(self.offsets, self.data, GRAM_SIZE)
        lengths = np.diff(self.offsets)
        length_order = np.argsort(lengths, kind="stable").astype(np.int32)
        length_indptr = np.zeros(int(lengths.max(initial=0)) + 2, np.int64)
        np.cumsum(np.bincount(lengths, minlength=len(length_indptr) - 1), out=length_indptr[1:])
        return (gram_indptr, gram_key, self.offsets, self.data, length_order, length_indptr)


def _replace_rows(
    base: tuple[np.ndarray, np.ndarray], rows: np.ndarray, other: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate CSR ``base`` with the rows where ``rows`` is true taken from ``other``."""
    pieces = []
    for r, take in enumerate(rows.tolist()):
        indptr, values = other if take else base
        pieces.append(values[indptr[r] : indptr[r + 1]])
    merged = np.zeros(len(pieces) + 1, np.int64)
    np.cumsum([len(p) for p in pieces], out=merged[1:])
    return merged, np.concatenate(pieces) if pieces else np.empty(0, np.int32)


def check_search_options(max_edits: Any, limit: Any) -> None:
    if not isinstance(max_edits, int) or isinstance(max_edits, bool):
        raise ColumnTypeError(f"max_edits must be an integer, got {type(max_edits).__name__}")
    if not 0 <= max_edits <= MAX_EDITS:
        raise DataError(f"max_edits must be between 0 and {MAX_EDITS}, got {max_edits}")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool)):
        raise ColumnTypeError(f"limit must be an integer or None, got {type(limit).__name__}")
    if limit is not None and limit < 1:
        raise DataError(f"limit must be at least 1, got {limit}")


def _score(
    keys: pa.Array,
    indptr: np.ndarray,
    candidates: np.ndarray,
    key_strings: np.ndarray,
    max_edits: int,
    limit: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Levenshtein distances of each query's candidates (rapidfuzz); keep, order and cut."""
    requests: list[int] = []
    codes: list[int] = []
    distances: list[int] = []
    for r, query in enumerate(keys.to_pylist()):
        found = candidates[indptr[r] : indptr[r + 1]]
        if query is None or len(found) == 0:
            continue
        scores = rapidfuzz.process.cdist(
            [query],
            key_strings[found],
            scorer=Levenshtein.distance,
            score_cutoff=max_edits,
            dtype=np.int32,
        )[0]
        near = np.flatnonzero(scores <= max_edits)  # usually a handful of the candidates
        hits = sorted((int(scores[i]), key_strings[found[i]], int(found[i])) for i in near)[:limit]
        requests += [r] * len(hits)
        codes += [c for _, _, c in hits]
        distances += [d for d, _, _ in hits]
    return (np.array(requests, np.int32), np.array(codes, np.int64), np.array(distances, np.int32))


class NumberIndex:
    """Number queries over a catalogue; get it as ``catalog.numbers``.

    Immutable and safe to share between threads.
    """

    def __init__(self, encoded: Encoded, arrays: NumberArrays, tables: NumberTables) -> None:
        self._encoded = encoded
        self._kernels = kernels_of(__name__, encoded.kernels)
        self._arrays = arrays
        self._keys = IdDictionary(
            tables.numbers.column("key").combine_chunks(),
            "numbers",
            "number",
            "numbers",
            encoded.kernels,
        )
        self._display = tables.numbers.column("number").combine_chunks()
        self._brands = tables.brands.column("brand").combine_chunks()
        self._brand_labels: Labels | None = None
        self._search: _SearchIndex | None = None

    @property
    def interchange_groups(
        self,
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.int32]]:
        """The interchange groups as code arrays: ``(part_group, group_indptr, group_part)``.

        ``part_group[p]`` is the group of part code ``p`` (the ``group_id`` of :meth:`lookup`);
        the part codes of group ``g`` are ``group_part[group_indptr[g]:group_indptr[g + 1]]``,
        ascending. Read-only views of the index.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> part_group, group_indptr, group_part = catalog.numbers.interchange_groups
        >>> part = catalog.part_ids.code("P0100001")
        >>> g = part_group[part]
        >>> part in group_part[group_indptr[g] : group_indptr[g + 1]]
        True
        """
        arrays = self._arrays
        return arrays.part_group, arrays.group_indptr, arrays.group_part

    def number_codes(self, keys: Any) -> npt.NDArray[np.int32]:
        """Number code of each number key (:func:`normalize_numbers`), -1 when unknown or null.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> catalog = ym.Catalog.from_parquet("data/samples")
        >>> keys = ym.normalize_numbers([catalog.parts.column("part_number")[0].as_py(), "XYZ0"])
        >>> (catalog.numbers.number_codes(keys) >= 0).tolist()
        [True, False]
        """
        return self._keys.codes(keys, on_unknown="skip")

    def _code(self, number: str) -> int:
        """Number code of a typed number, or -1 when the catalogue does not know it."""
        key = normalize_number(number, kernels=self._encoded.kernels)
        return int(self._keys.lookup_table().find(key.encode())) if key else -1

    def lookup(self, number: str, *, brand: str | None = None) -> pa.Table:
        """Every part whose own or OE number is ``number``, and the parts of its newest number.

        Parameters
        ----------
        number : str
            As typed: spaces, dashes, dots, case and full-width characters do not matter.
        brand : str, optional
            Only numbers of this brand (a part's own brand, or the OE brand of an OE number),
            matched ignoring case, width and spacing (``"bosch"`` is ``"Bosch"``).

        Returns
        -------
        pyarrow.Table
            ``part_id``, ``brand``, ``part_number``, ``category``, ``group_id`` (interchange
            group), ``number`` (the number matched, as first printed) and ``via_supersession``
            (true when matched through the number's supersession chain). The part whose own
            number it is comes first, then the parts listing it as an OE number; then the same
            for the newest number of its chain. Empty when nothing matches.

        Raises
        ------
        ColumnTypeError
            If ``number`` or ``brand`` is not a string.
        DataError
            If ``number`` or ``brand`` holds a lone surrogate (it is not valid Unicode text).
        UnknownIdError
            If no part or OE number of the catalogue has ``brand`` (the message lists the
            known brands, or the closest ones).

        Examples
        --------
        >>> import yunpei_match as ym
        >>> numbers = ym.Catalog.from_parquet("data/samples").numbers
        >>> numbers.lookup("w71295").column("brand").to_pylist()[:1]
        ['Mann-Filter']
        """
        code = self._code(number)
        brand_code = None if brand is None else self._brands_known().code(brand)
        return self._rows(*self._links_of(code, brand_code))

    def _brands_known(self) -> Labels:
        """Every brand of a part or an OE number, matched by label key."""
        if self._brand_labels is None:  # on first use; racing threads build equal ones
            own = self._encoded.parts.column("brand").combine_chunks()
            self._brand_labels = Labels(pa.concat_arrays([own, self._brands]), "brand", "brands")
        return self._brand_labels

    def _links_of(self, code: int, brand: int | None) -> tuple[np.ndarray, np.ndarray]:
        """Link positions answering number ``code`` (its own, then its newest's) and via flags."""
        if code < 0:
            return np.empty(0, np.int64), np.empty(0, bool)
        arrays = self._arrays
        newest = int(arrays.latest[code])
        own = np.arange(arrays.number_indptr[code], arrays.number_indptr[code + 1])
        later = (
            np.arange(arrays.number_indptr[newest], arrays.number_indptr[newest + 1])
            if newest != code
            else np.empty(0, np.int64)
        )
        links = np.concatenate([own, later])
        via = np.concatenate([np.zeros(len(own), bool), np.ones(len(later), bool)])
        if brand is not None:
            brands = self._brands_known().codes(self._link_brands(links), on_unknown="skip")
            keep = brands == brand
            links, via = links[keep], via[keep]
        return links, via

    def _link_brands(self, links: np.ndarray) -> np.ndarray:
        """Brand of each link: the part's own brand, or the OE brand of an OE number."""
        parts = self._arrays.number_part[links]
        own = np.asarray(self._encoded.parts.column("brand").take(parts).to_pylist(), object)
        oe_codes = self._arrays.link_brand[links]
        oe = np.asarray(
            self._brands.take(pa.array(oe_codes, mask=oe_codes < 0)).to_pylist(), object
        )
        return np.where(self._arrays.link_kind[links] == OE, oe, own)

    def _rows(self, links: np.ndarray, via: np.ndarray) -> pa.Table:
        arrays = self._arrays
        parts = arrays.number_part[links]
        number = np.searchsorted(arrays.number_indptr, links, side="right") - 1
        table = self._encoded.parts.select(["brand", "part_number", "category"]).take(parts)
        return (
            table.add_column(0, "part_id", self._encoded.part_ids.decode(parts))
            .append_column("group_id", pa.array(arrays.part_group[parts], pa.int32()))
            .append_column("number", self._display.take(pa.array(number)))
            .append_column("via_supersession", pa.array(via, pa.bool_()))
        )

    def lookup_many(self, numbers: Any) -> pa.Table:
        """:meth:`lookup` for many numbers at once; numbers nobody knows give no rows.

        Returns
        -------
        pyarrow.Table
            ``request_index`` (int32), ``part_id`` (dictionary), ``group_id`` (int32),
            ``number`` (dictionary: the number matched) and ``via_supersession``.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> numbers = ym.Catalog.from_parquet("data/samples").numbers
        >>> numbers.lookup_many(["W 712/95", "no such number"]).column_names
        ['request_index', 'part_id', 'group_id', 'number', 'via_supersession']
        """
        keys = normalize_numbers(numbers, kernels=self._encoded.kernels)
        codes = self._keys.lookup_table().find_many(*string_buffers(keys))
        if keys.null_count:
            codes[keys.is_null().to_numpy(zero_copy_only=False)] = -1
        arrays = self._arrays
        index, part, via = self._kernels.gather_numbers(
            arrays.number_indptr, arrays.number_part, arrays.latest, codes
        )
        requested = codes[index]
        matched = np.where(via == 1, arrays.latest[requested], requested).astype(np.int32)
        return pa.table(
            {
                "request_index": index,
                "part_id": self._encoded.part_ids.decode(part),
                "group_id": pa.array(arrays.part_group[part], pa.int32()),
                "number": pa.DictionaryArray.from_arrays(
                    pa.array(matched), self._display, safe=False
                ),
                "via_supersession": pa.array(via.astype(bool)),
            }
        )

    def interchange(self, part_id: str) -> pa.Table:
        """All parts and numbers of a part's interchange group, one row per (part, number).

        Returns
        -------
        pyarrow.Table
            ``part_id``, ``brand``, ``part_number``, ``category``, ``group_id``, ``number``
            (as first printed), ``number_brand`` and ``kind`` (``"own"`` for a part's own
            number, ``"oe"`` for an OE number it replaces).

        Raises
        ------
        UnknownIdError
            If the part is not in the catalogue.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> numbers = ym.Catalog.from_parquet("data/samples").numbers
        >>> group = numbers.interchange("P0100001")
        >>> sorted(set(group.column("brand").to_pylist()))[:2]
        ['Bosch', 'Mahle']
        """
        arrays = self._arrays
        part = self._encoded.part_ids.code(part_id)
        group = int(arrays.part_group[part])
        members = arrays.group_part[arrays.group_indptr[group] : arrays.group_indptr[group + 1]]
        starts, stops = arrays.part_link_indptr[members], arrays.part_link_indptr[members + 1]
        links = np.concatenate([arrays.part_link[a:b] for a, b in zip(starts, stops, strict=True)])
        table = self._rows(links, np.zeros(len(links), bool)).drop_columns(["via_supersession"])
        kinds = np.where(arrays.link_kind[links] == OE, "oe", "own")
        return table.append_column(
            "number_brand", pa.array(self._link_brands(links).tolist(), pa.string())
        ).append_column("kind", pa.array(kinds.tolist(), pa.string()))

    def search(self, number: str, *, max_edits: int = 2, limit: int | None = 5) -> pa.Table:
        """Numbers within ``max_edits`` Levenshtein edits of a typed number, with their parts.

        The query is normalised first (:func:`normalize_number`) and compared with number
        keys. Candidates come from an index built on the first search and kept (deletion
        neighbourhoods up to two edits, 4-grams beyond) and are scored with rapidfuzz; the
        result is exactly the set a full rapidfuzz scan would give, without scanning.

        Parameters
        ----------
        number : str
        max_edits : int
            Largest Levenshtein distance accepted, 0 to 4.
        limit : int or None
            At most this many numbers (not rows), best first; ``None`` for all.

        Returns
        -------
        pyarrow.Table
            One row per (number, part): ``number`` (the number found, as first printed),
            ``distance``, then ``part_id``, ``brand``, ``part_number``, ``category``,
            ``group_id`` and ``via_supersession`` as in :meth:`lookup`: the number's parts, and
            those of its newest number when it was superseded (flagged).
            Numbers are ordered by distance, then by key, so the order never depends on how
            the catalogue was built.

        Raises
        ------
        ColumnTypeError
            If ``number`` is not a string.
        DataError
            If ``number`` holds a lone surrogate (it is not valid Unicode text).

        Examples
        --------
        >>> import yunpei_match as ym
        >>> numbers = ym.Catalog.from_parquet("data/samples").numbers
        >>> hits = numbers.search("W 712/59", max_edits=2, limit=1)  # two digits swapped
        >>> hits.column("number")[0].as_py(), hits.column("distance")[0].as_py()
        ('W 712/95', 2)
        """
        rows = self.search_many(
            [check_text(number, "a part number")], max_edits=max_edits, limit=limit
        )
        return rows.drop_columns(["request_index"])

    def search_many(self, numbers: Any, *, max_edits: int = 2, limit: int | None = 5) -> pa.Table:
        """:meth:`search` for many typed numbers; adds ``request_index`` (int32) first.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> numbers = ym.Catalog.from_parquet("data/samples").numbers
        >>> hits = numbers.search_many(["OC 593/4", "0C 593/4"], max_edits=1)
        >>> hits.column("distance").to_pylist()[:2]
        [0, 1]
        """
        check_search_options(max_edits, limit)
        keys = normalize_numbers(numbers, kernels=self._encoded.kernels)
        index = self._search_index()
        indptr, candidates = index.candidates(keys, max_edits)
        requests, codes, distances = _score(keys, indptr, candidates, index.keys, max_edits, limit)
        return self._search_rows(requests, codes, distances)

    def _search_index(self) -> _SearchIndex:
        # Built on the first search and kept; two threads racing build equal indexes.
        if self._search is None:
            self._search = _SearchIndex(self._keys.ids, self._encoded.kernels)
        return self._search

    def _search_rows(
        self, requests: np.ndarray, codes: np.ndarray, distances: np.ndarray
    ) -> pa.Table:
        answers = [self._links_of(int(code), None) for code in codes]
        counts = np.array([len(links) for links, _ in answers], np.int64)
        links = np.concatenate([links for links, _ in answers] or [np.empty(0, np.int64)])
        via = np.concatenate([v for _, v in answers] or [np.empty(0, bool)])
        rows = self._rows(links.astype(np.int64), via).drop_columns(["number"])
        return (
            rows.add_column(0, "number", self._display.take(pa.array(np.repeat(codes, counts))))
            .add_column(1, "distance", pa.array(np.repeat(distances, counts), pa.int32()))
            .add_column(0, "request_index", pa.array(np.repeat(requests, counts), pa.int32()))
        )

    def latest(self, number: str) -> str:
        """The newest number of ``number``'s supersession chain (itself when not superseded).

        Raises
        ------
        UnknownIdError
            If the catalogue does not know the number at all.
        ColumnTypeError, DataError
            If ``number`` is not a string, or holds a lone surrogate.

        Examples
        --------
        >>> import yunpei_match as ym
        >>> ym.Catalog.from_parquet("data/samples").numbers.latest("W 712/95")
        'W 712/95'
        """
        code = self._code(number)
        if code < 0:
            raise UnknownIdError(f"number {show(number)} is not in the catalogue")
        return str(self._display[int(self._arrays.latest[code])].as_py())
