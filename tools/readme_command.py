"""Print the command of the README's first bash block after a phrase (CI runs what users read).

Usage: ``python tools/readme_command.py "The main job"``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def command_after(phrase: str, text: str) -> str:
    """The body of the first ```bash block after ``phrase`` in ``text``."""
    found = re.search(re.escape(phrase) + r".*?```bash\n(.*?)\n```", text, re.DOTALL)
    if found is None:
        raise SystemExit(f"README.md has no bash block after {phrase!r}")
    return found.group(1)


if __name__ == "__main__":
    print(command_after(sys.argv[1], README.read_text("utf-8")))
