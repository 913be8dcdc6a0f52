"""Reading reports in the forms they are published in: the form is decided by the content, the
text comes out in reading order without page furniture, and what cannot be read is refused in
one line that says what the file is and what to do."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from bot.errors import KnowledgeError, UnsupportedFileError
from bot.sources import MAX_BYTES, read_bytes, read_document
from bot.sources import pdf as pdf_reader
from bot.sources.text import decode, unwrap_hard_wraps
from tests.fixtures.make_fixtures import typeset_pdf

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
SAMPLE = "2022年南昌市西湖区人民政府工作报告\n各位代表:"


@pytest.mark.parametrize("data, encoding", [
    (SAMPLE.encode("utf-8"), "utf-8-sig"),
    (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
    (SAMPLE.encode("gb18030"), "gb18030"),
    (SAMPLE.encode("gbk"), "gb18030"),
    (SAMPLE.encode("utf-16"), "utf-16"),  # with BOM
    (SAMPLE.encode("utf-16-le"), "utf-16-le"),
])
def test_text_decodes_utf8_utf16_and_gb18030(data, encoding):
    assert decode(data, "r.txt") == (SAMPLE, encoding)


def test_windows_and_old_mac_line_ends_become_newlines():
    assert decode("甲\r\n乙\r丙".encode(), "r.txt")[0] == "甲\n乙\n丙"


@pytest.mark.parametrize("name, form", [
    ("2022-enshi.html", "html"), ("2023-jiujiang.pdf", "pdf"), ("2024-anji.docx", "docx"),
    ("2021-etuokeqianqi.txt", "text"), ("2022-guangxi.txt", "text"),
])
def test_the_form_is_decided_by_the_content_not_the_name(name, form):
    data = (CORPUS / name).read_bytes()
    assert read_bytes(data, "download.bin").form == form


def test_html_keeps_the_article_and_the_page_metadata_and_drops_the_furniture():
    doc = read_document(CORPUS / "2022-enshi.html")
    assert doc.meta["title"] == "2022年恩施州政府工作报告"
    assert doc.meta["publisher"] == "恩施州人民政府办公室" and doc.meta["published"] == "2022-01-20"
    assert doc.meta["index_no"].startswith("01234567-8")
    text = doc.text
    assert "——2022年1月10日在恩施州第八届人民代表大会第一次会议上" in text.split("\n")  # <br> splits the <p>
    for furniture in ("走进恩施", "网站标识码", "ICP备", "分享到", "相关文章", "function", "主办单位"):
        assert furniture not in text
    assert any(b.heading and b.text.startswith("一、2021年") for b in doc.blocks)


PAGE_WITH_INFO_LINE = """<html><head><title>2024年临安区政府工作报告</title></head><body>
<h1>2024年临安区政府工作报告</h1>
<div class="info">
  <span>发布时间：2024-01-19 10:32</span>
  <span>来源：临安区人民政府办公室</span>
  <span>浏览次数：3716</span>
</div>
<div class="article">
<p>政府工作报告</p>
<p>——2024年1月9日在临安区<br>第二届人民代表大会第四次会议上</p>
<p>区人民政府区长　章明远</p>
<p>各位代表：</p>
<p>现在，我代表区人民政府，向大会作工作报告，
请予审议。</p>
<h3>一、2023年工作回顾</h3>
<p>全区实现地区生产总值702.5亿元，增长6.3%。建成“未来社区”〔1〕12个，
新增就业1.7万人。""" + "城乡融合发展持续深化，共同富裕示范区建设扎实推进。" * 12 + """</p>
<h3>二、2024年工作安排</h3>
<p>全年新建“未来社区”8个。</p>
<p>名词解释</p>
<p>〔1〕未来社区：以人的需求为中心建设的新型城市社区。</p>
<p>分享到：微信 微博</p>
<p>【打印本页】 【关闭窗口】</p>
<h4>相关链接</h4>
<p>2023年临安区政府工作报告</p>
<p>2022年临安区政府工作报告</p>
</div></body></html>"""


def test_a_web_pages_info_line_source_breaks_and_closing_links_are_not_the_report(tmp_path):
    from bot.parse.structure import parse_document

    path = tmp_path / "linan.html"
    path.write_text(PAGE_WITH_INFO_LINE, encoding="utf-8")
    report = parse_document(read_document(path), "linan")
    # The info line above the report does not end its opening: meeting, date and speaker are read.
    assert report.meta.speaker == "章明远" and report.meta.meeting_date == "2024-01-09"
    texts = [p.text for p in report.paragraphs]
    # A line break in the page's source between Chinese characters is no space.
    assert any("建成“未来社区”12个,新增就业1.7万人" in t.replace("〔1〕", "") for t in texts), texts[:3]
    # The links after the report are not part of its last note.
    assert report.notes[-1].definition == "以人的需求为中心建设的新型城市社区。"


def test_pdf_lines_are_rejoined_into_paragraphs_without_headers_or_page_numbers():
    doc = read_document(CORPUS / "2023-jiujiang.pdf")
    source = [line.strip() for line in (CORPUS.parent / "sources" / "2023-jiujiang.txt").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    paragraphs = [b.text for b in doc.blocks]
    rejoined = sum(1 for p in paragraphs if p in source)
    assert rejoined >= 0.9 * len(source), (rejoined, len(source))
    assert not any(p.startswith("—") and p.endswith("—") for p in paragraphs)
    assert paragraphs.count("政府工作报告") == 1  # the title; the running header is gone


def test_docx_keeps_paragraph_order_and_headings():
    doc = read_document(CORPUS / "2024-anji.docx")
    headings = [(b.heading, b.text) for b in doc.blocks if b.heading]
    assert headings[0] == (1, "政府工作报告")
    assert (2, "一、2023年工作回顾") in headings and (2, "二、2024年目标任务") in headings
    assert [b.text for b in doc.blocks].index("一、2023年工作回顾") < [b.text for b in doc.blocks].index("二、2024年目标任务")


def test_hard_wraps_of_a_pdf_copy_are_rejoined_and_page_numbers_dropped():
    lines = (CORPUS / "2023-nanchang-xihu.txt").read_text(encoding="utf-8").split("\n")
    joined, count = unwrap_hard_wraps([line.strip() for line in lines])
    assert count > 50
    assert any("500万元以上固定资产投资" in line for line in joined)
    assert not any(line.startswith("—") and line.endswith("—") for line in joined)


def test_hard_wraps_of_uneven_width_are_rejoined_by_indent_and_by_a_number_cut_in_two():
    # A copy whose lines hold 28-40 characters (figures and half-width commas are narrow), each
    # paragraph indented, a number cut at a line's end, a page number between paragraphs.
    sentences = [f"第{i}项工作稳步推进,全年完成投资{i}.5亿元,同比增长{i}.2%,带动就业{i}00人。" for i in range(1, 40)]
    paragraphs = ["".join(sentences[i:i + 3]) for i in range(0, 39, 3)]
    lines = []
    for n, paragraph in enumerate(paragraphs):
        width = 30 + n % 9
        cut = [paragraph[i:i + width] for i in range(0, len(paragraph), width)]
        lines += ["\u3000\u3000" + cut[0]] + cut[1:]
        if n == 5:
            lines.append("- 3 -")
    lines += ["\u3000\u3000对外开放迈出新步伐。综合保税区进出口额增长2", "3.5%;新增外贸备案企业186家。"]
    joined, count = unwrap_hard_wraps(lines)
    assert joined[:len(paragraphs)] == paragraphs
    assert joined[-1] == "对外开放迈出新步伐。综合保税区进出口额增长23.5%;新增外贸备案企业186家。"
    assert count == len(lines) - 1 - (len(paragraphs) + 1)  # every line but the page number and the firsts


def test_a_numbered_heading_after_a_full_line_starts_its_own_paragraph():
    # Every line full, the paragraph's last one too (40 characters, ending its sentence).
    body = "新增高新技术企业312家,总数达到1860家,科技型企业入库2100家。" * 10
    wrapped = [body[i:i + 40] for i in range(0, len(body), 40)]
    lines = wrapped * 2 + ["(七)聚焦民生福祉,不断增进人民群众幸福感"] + wrapped * 2
    joined, _ = unwrap_hard_wraps(lines)
    assert "(七)聚焦民生福祉,不断增进人民群众幸福感" in joined


def test_text_without_hard_wraps_is_left_as_it_is():
    lines = (Path(__file__).parent.parent / "knowledge" / "2022-nanchang-xihu-government-work-report.txt").read_text(
        encoding="utf-8").split("\n")
    assert unwrap_hard_wraps(lines) == (lines, 0)


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in names:
            z.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize("data, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "an old binary Word/Excel file (.doc/.xls), which cannot be read: open it in Word or WPS and save it as .docx"),
    (b"{\\rtf1\\ansi hello}", "an RTF file"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "a picture (PNG), not text"),
    (b"\xff\xd8\xff\xe0" + b"\0" * 100, "a picture (JPEG)"),
    (_zip(["xl/workbook.xml"]), "an Excel workbook"),
    (_zip(["a.txt"]), "a ZIP archive: unpack it"),
    (b"%PDF-1.4\n garbage", "a damaged PDF"),
    (bytes(range(0, 32)) * 40, "a binary file"),
    (b"", "the file is empty"),
])
def test_unreadable_files_are_refused_with_what_they_are_and_what_to_do(data, message):
    with pytest.raises(KnowledgeError, match="^x.doc: " + message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        read_bytes(data, "x.doc")


def test_a_pdf_without_a_text_layer_is_refused_as_a_scan(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    for _ in range(3):
        pdf.rect(50, 50, 400, 600, fill=1)
        pdf.showPage()
    pdf.save()
    with pytest.raises(UnsupportedFileError, match="scan.pdf: a PDF without a text layer .*3 pages.*paste the text"):
        read_document(path)


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named():
    with pytest.raises(UnsupportedFileError, match=r"big.txt: 30.0 MB is over the 30 MB limit"):
        read_bytes(b"a" * (MAX_BYTES + 1) + b"b" * (30 * 1024 * 1024 - MAX_BYTES - 1 + 10), "big.txt")


def test_a_pdf_over_the_page_limit_is_refused_with_the_limit_named(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 3)
    path = tmp_path / "long.pdf"
    typeset_pdf("各位代表:\n" + "这是一段很长的正文,用来排出好几页。" * 400, path)
    with pytest.raises(UnsupportedFileError, match=r"long.pdf: \d+ pages is over the 3-page limit"):
        read_document(path)
