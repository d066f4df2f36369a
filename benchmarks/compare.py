"""Side by side: yunpei_match against the tools a user would otherwise pick, on the same data.

A thin entry point. The code is the package ``benchmarks/side_by_side/``, whose docstring says
what each workload times and what each column of the table means.

Usage
-----
::

    python benchmarks/compare.py --scale S
    python benchmarks/compare.py --scale L --requests 1000000 --report docs/
    python benchmarks/compare.py --scale S --markdown /tmp/compare-S.md --report bench-results/
    python benchmarks/compare.py --scale M --skip sqlite --repeats 3
    python -m benchmarks.side_by_side --scale S    # the same, from the repo root

Imports
-------
Run as a script, Python puts this file's folder (``benchmarks/``) first on ``sys.path``, not the
repo root, so the script puts the repo root there before it imports anything of its own. The
package then always goes by ``benchmarks.side_by_side``, the name pytest also gives it when
``--doctest-modules`` imports this file as ``benchmarks.compare``, and the script works from any
working directory. Imported as part of ``benchmarks`` (``__package__`` set), it leaves
``sys.path`` alone.
"""

import sys
from pathlib import Path

if not __package__:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.side_by_side.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
