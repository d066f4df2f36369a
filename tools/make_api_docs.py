"""Write ``docs/api.md``, the API reference, from the docstrings of the public modules.

Every name in the ``__all__`` of a public module gets its signature and its docstring (numpydoc
sections rendered as headings and lists would add nothing: they are kept as written, in a code
block, so the examples stay copyable). Classes list their public methods and properties the same
way. ``tests/test_docs.py`` fails when the committed file differs from what this script writes,
so the reference never drifts from the code.

Usage: ``python tools/make_api_docs.py [OUT]`` (default: ``docs/api.md`` of this repository).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
from functools import cached_property
from pathlib import Path

MODULES = (
    "yunpei_match",
    "yunpei_match.fitment",
    "yunpei_match.numbers",
    "yunpei_match.vin",
    "yunpei_match.vin.index",
    "yunpei_match.stock.inventory",
    "yunpei_match.stock.tiers",
    "yunpei_match.stock.sourcing",
    "yunpei_match.offers",
    "yunpei_match.stock.ledger",
    "yunpei_match.batch",
    "yunpei_match.batch.dask",
    "yunpei_match.catalog.storage",
    "yunpei_match.synth",
    "yunpei_match.planning",
    "yunpei_match.errors",
)
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def render() -> str:
    """The whole reference as markdown."""
    parts = [
        "# API reference\n",
        "Generated from the docstrings by `python tools/make_api_docs.py`; do not edit by hand.\n",
    ]
    seen: set[int] = set()
    for name in MODULES:
        module = importlib.import_module(name)
        parts.append(f"## `{name}`\n")
        parts.append(_docstring(module))
        for public in getattr(module, "__all__", ()):
            value = getattr(module, public)
            if public.startswith("__") or (
                name != "yunpei_match" and id(value) in seen and inspect.isclass(value)
            ):
                continue
            seen.add(id(value))
            parts.append(_entry(f"{name}.{public}", value))
    return "\n".join(parts)


def _entry(qualified: str, value: object) -> str:
    if inspect.isclass(value):
        lines = [f"### class `{qualified}{_signature(value)}`\n", _docstring(value)]
        for member, attribute in sorted(vars(value).items()):
            if member.startswith("_"):
                continue
            if isinstance(attribute, property | cached_property):  # catalog.fitment, ...
                lines.append(f"#### property `{member}`\n")
                lines.append(_docstring(attribute))
            elif isinstance(attribute, classmethod | staticmethod) or callable(attribute):
                target = getattr(value, member)
                lines.append(f"#### method `{member}{_signature(target)}`\n")
                lines.append(_docstring(target))
        return "\n".join(lines)
    if callable(value):
        return f"### `{qualified}{_signature(value)}`\n\n{_docstring(value)}"
    return f"### `{qualified}`\n\n`{value!r}`\n"


class _Shown:
    """A default shown by name: a module's repr holds a path, which differs per machine."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _signature(value: object) -> str:
    try:
        signature = inspect.signature(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    parameters = []
    for parameter in signature.parameters.values():
        if inspect.ismodule(parameter.default):
            parameter = parameter.replace(default=_Shown(parameter.default.__name__))
        if isinstance(parameter.annotation, str):  # postponed annotations: show them bare
            parameter = parameter.replace(annotation=_Shown(parameter.annotation))
        parameters.append(parameter)
    returns = signature.return_annotation
    if isinstance(returns, str):
        returns = _Shown(returns)
    return str(signature.replace(parameters=parameters, return_annotation=returns))


def _docstring(value: object) -> str:
    text = inspect.getdoc(value)
    if not text:
        return ""
    return f"```text\n{text}\n```\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    out = parser.parse_args(argv).out
    out.write_text(render(), "utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
