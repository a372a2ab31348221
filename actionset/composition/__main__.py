"""Command line: ``python -m actionset.composition solve FILE [--time-limit S] [--seed N] [--out ASSIGNMENT]``, or
``python -m actionset.composition warm`` to fill numba's cache ahead of any run."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
