"""The ``kkini`` command: one group, its subcommands registered here."""

from bots.cli.admin import cards, config, db, users
from bots.cli.chat import chat
from bots.cli.data import data
from bots.cli.nlu import eval_group, nlu
from bots.cli.root import main
from bots.cli.serve import serve

for command in (serve, chat, config, db, data, cards, users, nlu, eval_group):
    main.add_command(command)

__all__ = ["main"]
