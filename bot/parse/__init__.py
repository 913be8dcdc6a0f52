"""Parsing, the second stage: a ``Document`` (``bot.sources``) becomes a ``Report``: its place,
years, meeting and speaker, parts, chapters, paragraphs, sentences, notes and figures."""
