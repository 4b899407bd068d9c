"""Channel adapters: Telegram, KakaoTalk, Slack and the web chat, their middleware and the notifiers for pushes."""
