"""The shared kernels (load checks, the id hash table) agree with their twins (hypothesis)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from yunpei_match._base import _kernels, _kernels_py
from yunpei_match._base.ids import string_buffers

SETTINGS = settings(max_examples=60, deadline=None)


@SETTINGS
@given(st.lists(st.integers(-5, 5), max_size=20), st.integers(-3, 3), st.integers(-3, 6))
def test_range_checks_agree(values, low, high):
    as32 = np.array(values, np.int32)
    as64 = np.array(values, np.int64)
    assert _kernels.first_out_of_range(as32, low, high) == _kernels_py.first_out_of_range(
        as32, low, high
    )
    assert _kernels.first_decrease(as64) == _kernels_py.first_decrease(as64)


# Pieces of strings: ASCII runs past the 32-byte fast path, characters of every length, and
# the malformed sequences a strict decoder refuses (lone continuation, overlong, surrogate,
# past U+10FFFF, a lead byte without its tail).
UTF8_PIECES = st.sampled_from(
    [
        *(b"a", b"A0" * 20, "é".encode(), "中".encode(), "😀".encode()),
        *(b"\x80", b"\xc0\xaf", b"\xe0\x80\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"),
        *(b"\xff", b"\xe4", b"\xb8\xad"),
    ]
)


@SETTINGS
@given(
    st.lists(st.lists(UTF8_PIECES, max_size=4).map(b"".join), max_size=8),
    st.none() | st.tuples(st.integers(0, 8), st.integers(-3, 200)),
    st.sampled_from([np.int32, np.int64]),
)
def test_string_checks_agree(strings, altered, width):
    data = np.frombuffer(b"".join(strings), np.uint8)
    offsets = np.cumsum([0, *map(len, strings)]).astype(width)
    if altered is not None:
        offsets[min(altered[0], len(strings))] = altered[1]
    expected = _kernels_py.first_bad_string(offsets, data)
    assert _kernels.first_bad_string(offsets, data) == expected
    if altered is None:
        decodes = [_decodes(s) for s in strings]
        assert expected == (decodes.index(False) if False in decodes else -1)


def _decodes(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


ID_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@SETTINGS
@given(st.lists(ID_TEXT, max_size=30), st.lists(ID_TEXT, max_size=30), st.booleans())
def test_string_tables_agree(ids, queries, sliced):
    table_ids = pa.array(["pad", *ids])[1:] if sliced else pa.array(ids, pa.string())
    buffers = string_buffers(table_ids)
    core, reference = _kernels.StringTable(*buffers), _kernels_py.StringTable(*buffers)
    query_array = pa.array(queries + ids[:3], pa.string())
    got = core.find_many(*string_buffers(query_array))
    np.testing.assert_array_equal(got, reference.find_many(*string_buffers(query_array)))
    for key, code in zip(queries + ids[:3], got.tolist(), strict=True):
        assert core.find(key.encode()) == code == (ids.index(key) if key in ids else -1)
