"""The chat interfaces, the last stage: what the bot says (``conversation``, ``admin_chat``),
rendered for Telegram (``telegram_app``, a thin python-telegram-bot layer) and the terminal
(``terminal``)."""
