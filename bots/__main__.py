"""``python -m bots`` runs the ``kkini`` command."""

from bots.cli import main

main()
