"""Putting a directory written aside into place, so that readers never see a half-written one.

A saved index (``catalog.storage``) and a Dask job's directory of parts (``batch.dask``) are
written in full beside their path, then moved into place here.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["replace_directory"]


def replace_directory(staging: Path, directory: Path) -> None:
    """Move the finished directory ``staging`` to ``directory``, swapping out what is there.

    A directory cannot be renamed over one that is not empty, so an existing one is first moved
    to ``.<name>.retired-<pid>`` beside it, then removed. A crash between the two renames leaves
    the old directory there and none at ``directory``: never a half-written one. The caller
    decides beforehand whether what stands at ``directory`` may be replaced.
    """
    if not directory.exists():
        os.replace(staging, directory)
        return
    retired = directory.with_name(f".{directory.name}.retired-{os.getpid()}")
    os.replace(directory, retired)
    os.replace(staging, directory)
    shutil.rmtree(retired, ignore_errors=True)
