"""Typo search in an embedded search engine: tantivy's fuzzy term queries.

What a user would pick instead of rapidfuzz for typo search over a catalogue's numbers: an
in-memory tantivy index of the distinct match keys (``python_key`` of every stored number), one
document per key in a ``raw``-tokenised field (a key is one term: no splitting, no lower case),
and per query a ``FuzzyTermQuery`` at distance ``MAX_EDITS`` with a transposition costing two
edits, as in plain Levenshtein, which is the distance ours and rapidfuzz count.

A fuzzy term query scores every hit alike, so its order says nothing about distance and its
``limit`` would cut at random among them: the query asks for all hits (``count`` checks none
were cut), and the best ``LIMIT`` by (distance, key) are taken after ``Levenshtein.distance`` of
each hit, inside the timed call, as a user would rank them. Checked twice: the ranked answers
equal ours (ties broken by key alike), and, untimed, the whole candidate set within the bound
equals ours with no limit (``search_many(limit=None)``) for the same queries.
"""

from __future__ import annotations

from collections.abc import Callable

import tantivy
from rapidfuzz.distance import Levenshtein

import yunpei_match

from .checks import ResultMismatch

MAX_HITS = 100_000  # more than any query has within two edits; count checks it


class FuzzyIndex:
    """The distinct keys in a tantivy index, and the fuzzy search over them."""

    def __init__(self, keys: list[str]) -> None:
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("key", stored=True, tokenizer_name="raw")
        self.schema = builder.build()
        index = tantivy.Index(self.schema)
        writer = index.writer()
        for key in keys:
            writer.add_document(tantivy.Document(key=key))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        self.searcher = index.searcher()

    def within(self, query: str, max_edits: int) -> list[str]:
        """Every key within ``max_edits`` edits of ``query``."""
        fuzzy = tantivy.Query.fuzzy_term_query(
            self.schema, "key", query, distance=max_edits, transposition_cost_one=False
        )
        found = self.searcher.search(fuzzy, MAX_HITS, count=True)
        if found.count is not None and found.count > MAX_HITS:
            raise ResultMismatch(f"tantivy: {found.count:,} hits for {query!r}, over {MAX_HITS}")
        return [self.searcher.doc(address)["key"][0] for _, address in found.hits]

    def search(self, queries: list[str], max_edits: int, limit: int) -> set[tuple]:
        """(request, key, distance) of the ``limit`` best keys of each query."""
        found: set[tuple] = set()
        for request, query in enumerate(queries):
            keys = self.within(query, max_edits)
            hits = sorted((Levenshtein.distance(query, key), key) for key in keys)
            found.update((request, key, distance) for distance, key in hits[:limit])
        return found


def check_candidates(
    engine: FuzzyIndex, catalog: yunpei_match.Catalog, queries: list[str], max_edits: int
) -> Callable[[], int]:
    """A check that tantivy and ours find the same keys within the bound, no limit; returns
    the candidates compared."""

    def check() -> int:
        table = catalog.numbers.search_many(queries, max_edits=max_edits, limit=None)
        keys = yunpei_match.normalize_numbers(table.column("number")).to_pylist()
        ours = set(zip(table.column("request_index").to_pylist(), keys, strict=True))
        theirs = {(r, key) for r, q in enumerate(queries) for key in engine.within(q, max_edits)}
        if ours != theirs:
            raise ResultMismatch(
                f"number search, tantivy: {len(theirs - ours):,} candidates not in ours, "
                f"{len(ours - theirs):,} of ours missing, e.g. {sorted(ours ^ theirs)[:3]}"
            )
        return len(ours)

    return check
