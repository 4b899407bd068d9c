"""The ``kkini`` command: one group, its subcommands registered here."""

from bots.cli.admin import cards, config, db, users
from bots.cli.data import data
from bots.cli.root import main
from bots.cli.serve import serve

for command in (serve, config, db, data, cards, users):
    main.add_command(command)

__all__ = ["main"]
