"""The index's schema version: an index built with another version is rebuilt, not misread."""

SCHEMA_VERSION = 3
