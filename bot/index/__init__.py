"""The index, the third stage: one SQLite shard per parsed report and a catalog of them all,
built so a failed build never replaces a good index."""
