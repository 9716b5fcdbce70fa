"""``python -m generator`` is the ``board`` command."""

from generator.cli import main

main()
