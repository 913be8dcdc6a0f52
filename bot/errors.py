"""Errors meant for a person: each names what is wrong. Anything else is a bug."""


class ReportBotError(Exception):
    """Base class of the errors the CLI and the bot turn into plain messages."""


class KnowledgeError(ReportBotError):
    """The knowledge folder or one of its files cannot be used."""


class DecodeError(KnowledgeError):
    """A text file is neither UTF-8, UTF-16 nor GB18030."""


class UnsupportedFileError(KnowledgeError):
    """A file of a form no reader handles (old .doc, scanned PDF, picture, archive) or over a limit."""


class NotAReportError(KnowledgeError):
    """A file decodes but does not look like a government work report."""


class IndexMissing(ReportBotError):
    """No index file where one was expected."""


class IndexInvalid(ReportBotError):
    """The index file exists but cannot be read as a report index."""


class ConfigError(ReportBotError):
    """An environment variable has a value the bot cannot use."""
