"""Freeze the site into build/: what `make build` runs.

    python freeze.py [--output DIR] [--future] [--force]

The same as `frostpage build`; kept as a script so the build needs nothing but Python.
"""

import sys

from frostpage.cli import run

if __name__ == "__main__":
    run(["build", *sys.argv[1:]])
