"""Public names imported on first use (``_base.lazy``), as the package root and batch use them."""

import importlib

import pytest

import yunpei_match
import yunpei_match.batch


@pytest.mark.parametrize("package", [yunpei_match, yunpei_match.batch])
def test_every_public_name_resolves_once_and_is_listed(package):
    for name in package.__all__:
        assert name in dir(package)
        value = getattr(package, name)
        assert vars(package)[name] is value  # an ordinary attribute from now on


@pytest.mark.parametrize("package", [yunpei_match, yunpei_match.batch])
def test_an_unknown_name_is_an_attribute_error_naming_the_package(package):
    with pytest.raises(AttributeError, match=rf"module '{package.__name__}' has no attribute 'x'"):
        package.x  # noqa: B018
    with pytest.raises(ImportError):
        importlib.import_module(f"{package.__name__}.x")
