"""The VIN kernels agree with their pure-Python twins on random input (hypothesis).

Strings come from several sources: any Unicode text (including empty strings), text built from
the characters normalisation touches (full-width ASCII, U+3000, separators, lower case), 17
characters of the VIN alphabet, and 17 ASCII letters or digits (I, O, Q included). The check
digit is also compared with a direct implementation of ISO 3779 written here.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from yunpei_match import vin
from yunpei_match._base.ids import string_buffers
from yunpei_match.vin import _kernels, _kernels_py

SETTINGS = settings(max_examples=150, deadline=None)

VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TOUCHED = (
    ALNUM
    + "abcxyz -.\u3000\t\n_~!"
    + "".join(chr(c) for c in range(0xFF01, 0xFF5F))
    + "\uff00\uff5f\u30001\u00e9\u6c7d🚗"
)
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VALUES = {c: "0123456789".index(c) for c in "0123456789"}
VALUES |= {c: 1 + "ABCDEFGH".index(c) for c in "ABCDEFGH"}
VALUES |= {c: 1 + "JKLMN".index(c) for c in "JKLMN"} | {"P": 7, "R": 9}
VALUES |= {c: 2 + "STUVWXYZ".index(c) for c in "STUVWXYZ"}


def direct_check_digit(text: str) -> str:
    """ISO 3779: sum of value times weight, modulo 11, 10 written X."""
    remainder = sum(VALUES[c] * w for c, w in zip(text, WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


vins = st.text(st.sampled_from(VIN_ALPHABET), min_size=17, max_size=17)
strings = st.one_of(
    st.text(max_size=25),
    st.text(st.sampled_from(TOUCHED), max_size=30),
    vins,
    st.text(st.sampled_from(ALNUM), min_size=17, max_size=17),
    vins.map(lambda v: f" {v[:3]}-{v[3:9]}.{v[9:].lower()}\u3000"),
    vins.map(lambda v: "".join(chr(ord(c) + 0xFEE0) for c in v)),
)
batches = st.lists(strings, max_size=12)


def _buffers(texts: list[str]):
    return string_buffers(pa.array(texts, pa.string()))


def _same(left, right):
    assert len(left) == len(right)
    for a, b in zip(left, right, strict=True):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype


def test_flags_are_the_same_numbers():
    names = [name for name in dir(_kernels_py) if name.startswith("FLAG_")]
    assert len(names) == 11
    assert all(getattr(_kernels, name) == getattr(_kernels_py, name) for name in names)


@SETTINGS
@given(batches)
def test_normalize_matches_twin(texts):
    _same(_kernels.normalize_vins(*_buffers(texts)), _kernels_py.normalize_vins(*_buffers(texts)))


@SETTINGS
@given(st.lists(st.binary(max_size=20), max_size=8))
def test_normalize_matches_twin_on_any_bytes(rows):
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    data = np.frombuffer(b"".join(rows), np.uint8).copy()
    _same(_kernels.normalize_vins(offsets, data), _kernels_py.normalize_vins(offsets, data))
    flags, chars = _kernels.check_vins(*_kernels.normalize_vins(offsets, data))
    assert flags.shape == (len(rows),) and chars.shape == (len(rows), 17)


@SETTINGS
@given(batches)
def test_normalisation_is_idempotent(texts):
    once = _kernels.normalize_vins(*_buffers(texts))
    _same(_kernels.normalize_vins(*once), once)


@SETTINGS
@given(batches, st.booleans())
def test_check_and_decode_match_twin(texts, position7_rule):
    normalised = _kernels.normalize_vins(*_buffers(texts))
    core = _kernels.check_vins(*normalised)
    _same(core, _kernels_py.check_vins(*normalised))
    _same(_kernels.wmi_codes(*core), _kernels_py.wmi_codes(*core))
    _same(
        _kernels.model_years(*core, position7_rule),
        _kernels_py.model_years(*core, position7_rule),
    )


@SETTINGS
@given(st.lists(vins, min_size=1, max_size=12))
def test_check_digit_matches_a_direct_implementation(texts):
    flags, _ = _kernels.check_vins(*_buffers(texts))
    for text, flag in zip(texts, flags.tolist(), strict=True):
        assert flag & _kernels.FLAG_CHECKED
        assert bool(flag & _kernels.FLAG_CHECK_DIGIT) == (text[8] != direct_check_digit(text))
        assert _kernels_py.check_digit(text) == direct_check_digit(text)


@SETTINGS
@given(vins, st.sampled_from(["cn", "na"]))
def test_a_vin_with_its_check_digit_is_valid_unless_year_or_serial_are_not(text, region):
    fixed = text[:8] + direct_check_digit(text) + text[9:]
    verdict = vin.validate_vin(fixed, region=region)
    bad_year, bad_serial = fixed[9] in "UZ0", not fixed[13:].isdigit()
    assert verdict.valid is not (bad_year or bad_serial)
    assert verdict.reasons == ("year_code",) * bad_year + ("vis_digits",) * bad_serial
    light = () if fixed[12].isdigit() or region != "na" else ("vis_digit_13",)
    assert verdict.warnings == light


@settings(max_examples=40, deadline=None)
@given(st.lists(st.none() | strings, max_size=10), st.sampled_from(["cn", "na", "eu", "any"]))
def test_public_api_is_the_same_over_both_kernels(texts, region):
    core = vin.decode_vins(texts, region=region)
    twin = vin.decode_vins(texts, region=region, kernels="reference")
    assert core.equals(twin)


@settings(max_examples=80, deadline=None)
@given(st.none() | strings, st.sampled_from(["cn", "na", "eu", "any"]))
def test_every_finding_is_explained_and_nothing_else(text, region):
    verdict = vin.validate_vin(text, region=region)
    sentences = vin.explain_vin(text, region=region)
    assert all(isinstance(line, str) and line for line in sentences)
    assert bool(sentences) == bool(verdict.reasons or verdict.warnings)
