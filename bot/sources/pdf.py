"""PDF reports with a text layer (pdfminer.six): the lines of each page in reading order,
running headers, footers and page numbers removed, lines re-joined into paragraphs across line
and page breaks by their geometry (a paragraph's first line is indented; its last line stops
short of the right margin)."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from io import BytesIO

from bot.errors import UnsupportedFileError
from bot.sources.document import Block, Document
from bot.sources.text import PAGE_NUMBER

MAX_PAGES = 300  # the longest national report runs to about 60 pages
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SPACE_BETWEEN_HAN = re.compile(r"(?<=[\u4e00-\u9fff，。；：、“”（）])\s+(?=[\u4e00-\u9fff，。；：、“”（）])")
_ADVICE = "use a PDF with a text layer, a .docx, or paste the text into a .txt file"


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float  # distance from the page's top edge
    height: float
    page: int


def read_pdf(data: bytes, name: str) -> Document:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLine
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.pdftypes import resolve1

    try:
        document = PDFDocument(PDFParser(BytesIO(data)))
        pages = int(resolve1(resolve1(document.catalog["Pages"])["Count"]))
    except (PDFPasswordIncorrect, PDFEncryptionError) as err:
        raise UnsupportedFileError(f"{name}: a password-protected PDF: remove the password, or {_ADVICE}") from err
    except (PDFSyntaxError, KeyError, TypeError, ValueError) as err:
        raise UnsupportedFileError(f"{name}: a damaged PDF ({type(err).__name__}): {_ADVICE}") from err
    if pages > MAX_PAGES:
        raise UnsupportedFileError(f"{name}: {pages} pages is over the {MAX_PAGES}-page limit for one report")

    lines: list[_Line] = []
    page_heights: list[float] = []
    try:
        for number, page in enumerate(extract_pages(BytesIO(data), laparams=LAParams(line_margin=0.2))):
            page_heights.append(page.height)
            for element in page:
                if not isinstance(element, LTTextContainer):
                    continue
                for line in element:
                    if isinstance(line, LTTextLine):
                        raw = line.get_text().rstrip()
                        text = _SPACE_BETWEEN_HAN.sub("", raw.strip())
                        if text:
                            # An indent typed as spaces ('\u3000\u3000各位代表') counts as one set by the margin.
                            x0 = line.x0 + line.height * (len(raw) - len(raw.lstrip()))
                            lines.append(_Line(text, x0, line.x1, page.height - line.y1, line.height, number))
    except Exception as err:  # pdfminer raises many kinds on broken files
        raise UnsupportedFileError(f"{name}: the PDF cannot be read ({type(err).__name__}): {_ADVICE}") from err
    han = sum(len(_HAN.findall(line.text)) for line in lines)
    if han < 200:
        raise UnsupportedFileError(f"{name}: a PDF without a text layer (a scan or pictures of pages, {pages} pages): {_ADVICE}")
    lines.sort(key=lambda l: (l.page, round(l.top), l.x0))
    body = _drop_running_lines(lines, page_heights)
    doc = Document(name, "pdf", [Block(t) for t in _paragraphs(body)], encoding="pdf")
    return doc


def _drop_running_lines(lines: list[_Line], heights: list[float]) -> list[_Line]:
    """Running headers and footers: lines in the top or bottom band of a page that are page
    numbers, or whose text (digits aside) comes back on many pages."""
    def band(line: _Line) -> bool:
        height = heights[line.page]
        return line.top < 0.09 * height or line.top + line.height > 0.91 * height

    def shape(text: str) -> str:
        return re.sub(r"\d+", "#", text)

    repeated = Counter(shape(l.text) for l in lines if band(l))
    threshold = max(2, len(heights) // 3)
    return [l for l in lines
            if not (band(l) and (PAGE_NUMBER.match(l.text) or repeated[shape(l.text)] >= threshold))]


_ENDS_PARAGRAPH = tuple("。!?;:!?;:”」』)")


def _paragraphs(lines: list[_Line]) -> list[str]:
    if not lines:
        return []
    char = statistics.median(l.height for l in lines) or 10.0
    left = Counter(round(l.x0) for l in lines).most_common(1)[0][0]
    right = statistics.quantiles([l.x1 for l in lines], n=10)[-1] if len(lines) >= 10 else max(l.x1 for l in lines)
    out: list[str] = []
    previous: _Line | None = None
    for line in lines:
        indented = line.x0 > left + 1.2 * char
        previous_full = previous is not None and (
            previous.x1 >= right - 1.5 * char
            # A line a few characters short of the margin that stops mid-sentence (a glyph the
            # font lacked, a wide character) still runs on; a heading is shorter than this.
            or previous.x1 >= right - 4.5 * char and not previous.text.rstrip().endswith(_ENDS_PARAGRAPH))
        if previous is None or indented or not previous_full:
            out.append(line.text)
        else:
            out[-1] += line.text
        previous = line
    return out
