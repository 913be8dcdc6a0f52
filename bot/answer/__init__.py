"""Answering, the fourth stage: which report a question is about, what it asks, the passages,
figures and notes that answer it, and the reply (or an honest "not found")."""
