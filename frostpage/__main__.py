"""`python -m frostpage` is the `frostpage` command."""

from .cli import run

run()
