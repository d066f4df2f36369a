"""Shared fixtures: the ``impl`` fixture runs a test over the Cython core and the reference twin."""

from __future__ import annotations

from pathlib import Path

import pytest

from yunpei_match.catalog.kernels import COMPILED, REFERENCE

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(params=[COMPILED, REFERENCE], ids=["core", "reference"])
def impl(request: pytest.FixtureRequest):
    """The kernel set under test: pass it as ``Catalog.from_tables(..., kernels=impl)``."""
    return request.param


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES
