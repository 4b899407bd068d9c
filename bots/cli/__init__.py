"""The ``kkini`` command: one group, its subcommands registered here."""

from bots.cli.admin import cards, config, db, users
from bots.cli.cart import cart
from bots.cli.chat import chat
from bots.cli.data import data
from bots.cli.demo import demo
from bots.cli.jobs import dev, jobs, worker
from bots.cli.knowledge import faq_eval, knowledge
from bots.cli.nlu import eval_group, nlu
from bots.cli.providers import providers
from bots.cli.recommend_eval import recommend_eval
from bots.cli.root import main
from bots.cli.serve import serve
from bots.cli.shop import shop

eval_group.add_command(faq_eval, name="faq")
eval_group.add_command(recommend_eval, name="recommend")
for command in (serve, chat, config, db, data, cards, users, nlu, eval_group, knowledge, providers):
    main.add_command(command)
for command in (jobs, worker, dev, demo):
    main.add_command(command)
main.add_command(cart)
main.add_command(shop)

__all__ = ["main"]
