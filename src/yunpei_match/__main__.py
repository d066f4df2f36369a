"""``python -m yunpei_match``: the command line."""

import sys

from .cli import main

sys.exit(main())
