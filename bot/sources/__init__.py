"""Sources, the first stage of the pipeline: a report file as published (plain text, a saved
web page, a PDF with a text layer, a Word .docx) becomes a ``Document``: the same small
structure whatever the form (blocks of text, some marked as headings, and the page's metadata),
which is all the report parser (``bot.parse.structure``) ever sees.

    read_document(path) -> Document      # the form is decided from the content, not the name
"""

from bot.sources.document import Block, Document
from bot.sources.detect import MAX_BYTES, detect_form, read_bytes, read_document

__all__ = ["Block", "Document", "MAX_BYTES", "detect_form", "read_bytes", "read_document"]
