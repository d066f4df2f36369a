"""Fail unless a built wheel holds every kernel extension, every stub and ``py.typed``.

Package-data globs that are not recursive drop the stubs of subpackages without a word; this
check compares the wheel with the source tree: one compiled extension per ``_kernels.pyx``, and
every ``.pyi`` under ``src/yunpei_match``.

Usage: ``python tools/check_wheel.py dist/yunpei_match-*.whl``
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def missing(wheel: Path) -> list[str]:
    """What the wheel lacks, one line each (empty when it is complete)."""
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = [
        path.relative_to(SRC).as_posix()
        for path in sorted(SRC.glob("yunpei_match/**/*.pyi"))
        if path.name != "__init__.pyi"
    ] + ["yunpei_match/py.typed"]
    lacking = [f"{name}: not in the wheel" for name in wanted if name not in names]
    for source in sorted(SRC.glob("yunpei_match/**/_kernels.pyx")):
        stem = source.with_suffix("").relative_to(SRC).as_posix()
        if not any(n.startswith(f"{stem}.") and n.endswith((".so", ".pyd")) for n in names):
            lacking.append(f"{stem}: no compiled extension in the wheel")
    return lacking


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path)
    lacking = missing(parser.parse_args(argv).wheel)
    for line in lacking:
        print(line, file=sys.stderr)
    return 1 if lacking else 0


if __name__ == "__main__":
    sys.exit(main())
