"""``python -m generator`` is the ``board`` command."""

from .cli import main

main()
