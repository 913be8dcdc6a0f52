"""The knowledge folder a person curates: its reports and curated files (aliases, user
dictionary, reports.toml), and what admins do to it from the chat or the terminal."""
