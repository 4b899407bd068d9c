"""Slack for store staff: slack-bolt's AsyncApp, dispatched from our aiohttp route.

Every request's signature is checked first (401 otherwise). An Events API delivery (``event_callback``, nearly all of
the traffic) needs nothing but an HTTP 200 within Slack's 3 seconds, so the route writes it to the durable inbox
(`bots.inbox`) as soon as the signature holds, answers, and a worker hands it to Bolt (Bolt's
``process_before_response=False``, with the acknowledgement taken out of its middleware chain: a cold authorisation
or a busy listener never delays it). A process that dies mid-turn loses nothing: another worker takes the event
after its lease. An event whose event_id was seen before (Slack retries up to three times when an answer is late,
with ``X-Slack-Retry-Num``) is acknowledged without work, by set membership; a store that does not answer makes
the route answer 503, so Slack delivers again. Everything else (slash commands, buttons, url_verification) is
dispatched by Bolt while Slack waits, since its answer may matter. Bolt authorises with one shared ``auth.test``
result, fetched once however many requests arrive together, and every Web API call goes through one connection
pool. With ``socket_mode`` (``kkini serve --slack-socket``, for development without a public URL) the same app also
receives everything over Socket Mode (`socket_mode`), with the same de-duplication: an event is answered once
whichever way, and however often, it arrives.

The package, one module a job:

- `channel`: `SlackChannel`, the route, signatures, the inbox, Bolt's authorisation and the listeners' wiring;
- `events`: mentions and direct messages, answered by the ``seller`` assistant in a thread, streamed (`stream`:
  chat.startStream / appendStream / stopStream, or posted and updated with chat.update where streaming is refused);
- `commands`: ``/kkini soldout 메뉴``, ``/kkini restock 메뉴``, ``/kkini open|close|break|auto``, ``/kkini menu``
  in the shop's channel, made by `dialogue.ordering.admin.ShopAdmin`;
- `actions` and `modals`: the order's Accept / Ready buttons (one click) and Reject (a modal asks why; the customer
  is told the reason), moved by the ordering desk under its rules (`dialogue.ordering.admin.STAFF_MOVES`);
- `rendering`: `SlackStaffBoard`, each order as one message in its shop's channel, updated in place;
- `text`: escaping for mrkdwn and Block Kit's limits.

No module here writes the database.
"""

from bots.channels.slack.channel import SlackChannel
from bots.channels.slack.modals import REJECT_REASONS
from bots.channels.slack.rendering import SlackStaffBoard
from bots.channels.slack.socket_mode import socket_app_token

__all__ = ["REJECT_REASONS", "SlackChannel", "SlackStaffBoard", "socket_app_token"]
