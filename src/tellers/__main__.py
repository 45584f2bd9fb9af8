"""``python -m tellers``: the same command line as ``tellers``."""

from .cli import main

main()
