"""Word .docx reports: paragraphs (and table cells) in document order; a paragraph in a
heading style ('Heading 2', '标题 2', 'Title') keeps its level."""

from __future__ import annotations

import re
from io import BytesIO

from bot.errors import UnsupportedFileError
from bot.sources.document import Block, Document


def read_docx(data: bytes, name: str) -> Document:
    import docx  # python-docx; imported here so answering never pays for it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as err:
        raise UnsupportedFileError(f"{name}: a damaged Word file ({err}): open it in Word or WPS and save it again") from err
    blocks = []
    for element in word.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = docx.text.paragraph.Paragraph(element, word)
            text = paragraph.text.strip()
            if text:
                blocks.append(Block(text, _heading_level(paragraph)))
        elif tag == "tbl":
            table = docx.table.Table(element, word)
            for row in table.rows:
                cells = [c.text.strip() for c in row.cells if c.text.strip()]
                if cells:
                    blocks.append(Block(" | ".join(dict.fromkeys(cells))))
    meta = {}
    core = word.core_properties
    if core.title and "报告" in core.title:
        meta["title"] = core.title.strip()
    return Document(name, "docx", blocks, encoding="docx", meta=meta)


def _heading_level(paragraph) -> int:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style in ("Title", "标题"):
        return 1
    m = re.match(r"(?:Heading|标题)\s*(\d)", style)
    return int(m.group(1)) if m else 0
