"""Command line: ``python -m actionset.composition solve FILE [--time-limit S] [--seed N] [--out ASSIGNMENT]``."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
