"""`python -m chansync`: the same as the `chansync` command."""

from .cli import main

main()
