"""reportbot: answers questions about Chinese government work reports, from the report itself.

The core (parse, index, search, answer, render) imports nothing from ``telegram``;
the CLI, the tests and the Telegram layer all use it the same way.
"""

__version__ = "0.1.0"
