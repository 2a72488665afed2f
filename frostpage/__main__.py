"""`python -m frostpage` is the `frostpage` command."""

from .cli import main

main()
