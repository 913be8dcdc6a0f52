"""Web pages saved from a browser: the article body of a government CMS page, without its
navigation, breadcrumb, share bar and footer, as paragraphs; the page's own metadata (title,
发布机构, 发布日期/生成日期, 索引号) kept beside it."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser, LexborNode as Node

from bot.sources.document import Block, Document
from bot.sources.text import decode

# Where government CMS pages (TRS WCM, 政府网站集约化平台, news sites) put the article.
_BODY_SELECTORS = (
    ".TRS_Editor", ".TRS_UEDITOR", "#zoom", ".zoom", "#UCAP-CONTENT", ".pages_content", ".article-content",
    ".article_content", "#articleContent", ".art_con", "#content", ".content", "article", ".article", ".main-txt",
    ".detail", ".view", "#Zoom", ".wzy_content", ".news_content",
)
# Furniture that may sit inside the chosen container as well.
_DROP = "script, style, noscript, iframe, form, nav, header, footer, button, select, .share, .bdsharebuttonbox, .print"
_BLOCK_TAGS = {"p", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "ul", "ol",
               "blockquote", "pre", "dd", "dt", "center", "br", "hr"}
_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_HAN = re.compile(r"[\u4e00-\u9fff]")
_META_LABELS = {
    "publisher": r"发布机构|发文机关|来源单位",
    "published": r"发布日期|生成日期|成文日期|公开日期|发文日期|发布时间",
    "index_no": r"索引号",
    "title": r"文件名称|标\s*题|名\s*称",
}


def read_html(data: bytes, name: str) -> Document:
    text, encoding = _decode_page(data, name)
    tree = HTMLParser(text)
    meta = _page_meta(tree)
    for node in tree.css(_DROP):
        node.decompose()
    body = _article(tree)
    lines = _block_lines(body) if body is not None else []
    doc = Document(name, "html", [Block(t, h) for t, h in lines], encoding=encoding, meta=meta)
    if body is None or not lines:
        doc.warnings.append("no article body found in the page")
    return doc


def _decode_page(data: bytes, name: str) -> tuple[str, str]:
    """A page declares its charset (often gb2312 on older government sites); trust a declaration
    that decodes, else the text rules."""
    m = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", data[:4096])
    if m:
        declared = m.group(1).decode("ascii").lower()
        if declared in ("gb2312", "gbk", "gb18030"):
            declared = "gb18030"
        try:
            return data.decode(declared).replace("\r\n", "\n"), declared
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, name)


def _page_meta(tree: HTMLParser) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = tree.css_first("title")
    if title is not None and title.text(strip=True):
        meta["title"] = _report_title(title.text(strip=True))
    for node in tree.css("meta[name]"):
        key, value = (node.attributes.get("name") or "").lower(), (node.attributes.get("content") or "").strip()
        if not value:
            continue
        if key == "articletitle" and "报告" in value:
            meta["title"] = value
        elif key in ("pubdate", "firstpublishedtime") and "published" not in meta:
            meta["published"] = _iso_date(value) or meta.get("published", "")
        elif key in ("contentsource", "author") and "publisher" not in meta:
            meta["publisher"] = value
    # Metadata tables and lines ('发布机构 | 某某区政府办公室', '发布日期：2022-01-20').
    page_text = "\n".join(_block_text(n) for n in tree.css("table, p, div, span, li") if len(_block_text(n)) < 120)
    for key, label in _META_LABELS.items():
        m = re.search(rf"(?:{label})\s*[:：|]?\s*([^\s|:：]{{2,60}})", page_text)
        if m and (key not in meta or key == "publisher"):
            value = m.group(1).strip()
            if key == "published":
                value = _iso_date(value) or ""
            if key == "title" and "报告" not in value:
                continue
            if value:
                meta[key] = value
    crumb = _breadcrumb_title(tree)
    if crumb and "报告" not in meta.get("title", ""):
        meta["title"] = crumb
    return meta


def _report_title(title: str) -> str:
    """'2022年恩施州政府工作报告_政府工作报告_恩施州人民政府' -> the part naming the report."""
    parts = [p.strip() for p in re.split(r"[_|｜]|\s-\s|——", title) if p.strip()]
    for part in parts:
        if "工作报告" in part:
            return part
    return parts[0] if parts else title


def _breadcrumb_title(tree: HTMLParser) -> str:
    for node in tree.css("div, p, span, ul, ol"):
        text = _block_text(node)
        if len(text) < 200 and re.search(r"(当前位置|所在位置|首页)\s*[>＞»/]", text):
            last = re.split(r"[>＞»]", text)[-1].strip()
            if "报告" in last:
                return last
    return ""


def _iso_date(text: str) -> str:
    m = re.search(r"(\d{4})[-年./](\d{1,2})[-月./](\d{1,2})", text)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""


def _block_text(node: Node) -> str:
    return re.sub(r"\s+", " ", node.text(separator=" ", strip=True))


def _article(tree: HTMLParser) -> Node | None:
    """The known CMS containers first (the one with the most Chinese text); else the element
    whose own <p> children hold the most Chinese text, as readability does."""
    best, best_han = None, 0
    for selector in _BODY_SELECTORS:
        for node in tree.css(selector):
            han = len(_HAN.findall(node.text()))
            if han > best_han:
                best, best_han = node, han
    if best is not None and best_han >= 200:
        return best
    scores: dict[int, tuple[int, Node]] = {}
    for p in tree.css("p, br"):
        parent = p.parent
        if parent is None:
            continue
        han = len(_HAN.findall(p.text())) if p.tag == "p" else 0
        key = parent.mem_id
        score = scores.get(key, (0, parent))[0] + han
        scores[key] = (score, parent)
    if scores:
        score, node = max(scores.values(), key=lambda x: x[0])
        if score >= 200:
            return node
    return tree.body


_SOURCE_BREAK = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])[ \t]*[\r\n]+[ \t]*(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


def _block_lines(root: Node) -> list[tuple[str, int]]:
    """The text of a subtree, one line per block element or <br>, with heading levels:
    <h1>-<h6>, or a paragraph whose whole text is bold (how CMS editors mark part titles)."""
    lines: list[tuple[str, int]] = []
    buffer: list[str] = []
    level = 0

    def flush() -> None:
        nonlocal level
        # A line break in the page's source is a space, and none at all between Chinese
        # characters (the source wrapped a sentence).
        text = _SOURCE_BREAK.sub("", "".join(buffer))
        text = re.sub(r"[ \t\n\r\u3000\xa0]+", " ", text).strip()
        if text:
            lines.append((text, level))
        buffer.clear()
        level = 0

    def walk(node: Node) -> None:
        nonlocal level
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                buffer.append(child.text(deep=False) or "")
            elif tag == "br":
                flush()
            elif tag in _BLOCK_TAGS:
                flush()
                heading = _HEADING_TAGS.get(tag, 0) or (3 if tag == "p" and _all_bold(child) else 0)
                walk(child)
                level = heading
                flush()
            else:
                walk(child)

    walk(root)
    flush()
    return lines


def _all_bold(node: Node) -> bool:
    text = node.text(strip=True)
    if not text or len(text) > 60:
        return False
    bold = "".join(b.text(strip=True) for b in node.css("strong, b"))
    return len(bold) >= 0.9 * len(text)
