"""Public API hygiene: no module reads another's private attributes; the reference lists only
what users call."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "yunpei_match"
API = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def _own_names(tree: ast.Module) -> set[str]:
    """Private names a module gives meaning to: attributes it sets, functions and classes."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
    return names


def _imported_modules(tree: ast.Module) -> set[str]:
    """Names bound by ``import x`` (a library's own private names are its business)."""
    return {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }


def _foreign_private_reads(path: Path) -> list[str]:
    """``x._name`` reads (``x`` not ``self``, ``cls`` or an imported module) of a name the
    module never sets."""
    tree = ast.parse(path.read_text("utf-8"))
    own = _own_names(tree)
    skip = {"self", "cls", *_imported_modules(tree)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)):
            continue
        name = node.attr
        if not name.startswith("_") or name.startswith("__") or name in own:
            continue
        if isinstance(node.value, ast.Name) and node.value.id in skip:
            continue
        found.append(f"{path.relative_to(SRC)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_reads_private_attributes_it_does_not_own() -> None:
    """A private attribute is read only in the module that sets it: another module gets a
    public attribute, a method, or the value as an argument."""
    found = [read for path in sorted(SRC.rglob("*.py")) for read in _foreign_private_reads(path)]
    assert not found, "private attributes read outside their module:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "helper",
    [
        "candidates(self",  # Inventory: the sourcing search's candidate rows
        "tier_rules(self",  # Inventory: tier rules over arrays, for sourcing
        "tier_columns(self",  # Inventory: Arrow columns of rule codes
        "compile(self",  # DeliveryTiers: the kernels' rule arrays
        "filled_codes(self",  # SourcingPlan: codes for Inventory.reserve
        "yunpei_match.catalog.storage.save",  # Catalog.save is the API
        "yunpei_match.catalog.storage.load",  # Catalog.load is the API
        "yunpei_match.vin.index.check_patterns",  # used by catalog.storage only
        "yunpei_match.vin.index.encode_vin_patterns",  # used by Catalog.from_tables only
    ],
)
def test_api_reference_lists_no_internal_helper(helper: str) -> None:
    assert helper not in API.read_text("utf-8")


@pytest.mark.parametrize(
    "entry",
    [
        "#### property `fitment`",  # Catalog: cached properties are the way to the indexes
        "#### property `numbers`",
        "#### property `vins`",
        "#### property `warehouses`",  # Inventory
        "#### method `nearest_stocked_codes(",  # the code-level query offers runs
    ],
)
def test_api_reference_lists_what_users_call(entry: str) -> None:
    assert entry in API.read_text("utf-8")
