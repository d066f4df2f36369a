"""The Python examples in README.md and docs/guide.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", ROOT / "docs" / "guide.md"]


def _python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text("utf-8"), flags=re.DOTALL)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_python_examples_run(document: Path, tmp_path: Path, monkeypatch) -> None:
    blocks = _python_blocks(document)
    assert blocks, f"{document.name} has no python examples"
    (tmp_path / "data").symlink_to(ROOT / "data")
    monkeypatch.chdir(tmp_path)  # examples write to out/: keep that out of the repository
    namespace: dict[str, object] = {}
    for block in blocks:  # one namespace: later blocks build on earlier ones, as a reader does
        exec(compile(block, str(document), "exec"), namespace)


def test_api_reference_is_up_to_date() -> None:
    """docs/api.md is what tools/make_api_docs.py writes from the current docstrings."""
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from make_api_docs import render
    finally:
        sys.path.remove(str(ROOT / "tools"))
    written = (ROOT / "docs" / "api.md").read_text("utf-8")
    assert written == render(), "docs/api.md is stale: run python tools/make_api_docs.py"
