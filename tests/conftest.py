"""Shared fixtures: the ``impl`` fixture runs a test over the compiled kernels and their twins."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

#: The kernel choices (``yunpei_match._base.kernel_choice``), with the test ids they run under.
KERNELS = ("compiled", "reference")


@pytest.fixture(scope="session", params=KERNELS, ids=["core", "reference"])
def impl(request: pytest.FixtureRequest) -> str:
    """The kernel choice under test: pass it as ``kernels=impl`` (``Catalog.from_tables``,
    ``Catalog.load``, ``Inventory.from_tables``, ``normalize_numbers``, ``validate_vins``...)."""
    return request.param


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES
