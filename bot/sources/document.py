"""What every reader produces: the text as blocks in reading order, and the page metadata."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    text: str
    heading: int = 0  # 1-6 when the source marks the block as a heading (Word style, <h2>, bold line); 0 otherwise


@dataclass
class Document:
    name: str  # the file name, as a last-resort source of metadata
    form: str  # text | html | pdf | docx
    blocks: list[Block]
    encoding: str = ""  # how the bytes were decoded (text and html), or the form's own ("pdf", "docx")
    sha256: str = ""
    # Metadata the page or file carries besides the report's own text: title (<title>, breadcrumb,
    # Word's core title), publisher (发布机构), published (发布日期/生成日期), index_no (索引号).
    meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)
