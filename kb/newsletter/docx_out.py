"""The issue as a Word document (python-docx): headings Word's navigation pane shows, a table of
contents whose entries jump to bookmarks on the items, marked dates and sums highlighted, and
the contact line in the page footer as in the printed issue."""
from __future__ import annotations

import os
from pathlib import Path

from docx import Document
from docx.enum.dml import MSO_THEME_COLOR_INDEX
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from kb.newsletter.view import IssueView, ItemView

FONT = "宋体"
RED = RGBColor(0xC0, 0x00, 0x00)


def _east_asian(style_or_run, name: str = FONT) -> None:
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def _bookmark(paragraph, name: str, n: int, text: str) -> None:
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(n))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(n))
    paragraph._p.append(start)
    paragraph.add_run(text)
    paragraph._p.append(end)


def _link(paragraph, text: str, *, anchor: str | None = None, url: str | None = None) -> None:
    """A hyperlink run: to a bookmark of this document, or to an external address."""
    h = OxmlElement("w:hyperlink")
    if anchor:
        h.set(qn("w:anchor"), anchor)
    else:
        h.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    run = paragraph.add_run(text)
    if url:
        run.font.color.theme_color = MSO_THEME_COLOR_INDEX.HYPERLINK
        run.font.underline = True
    h.append(run._r)
    paragraph._p.append(h)


def _spans(paragraph, spans) -> None:
    for text, marked in spans:
        run = paragraph.add_run(text)
        if marked:
            run.bold = True
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _label(doc, label: str, text: str | None = None):
    p = doc.add_paragraph()
    r = p.add_run(label + ("　" if text else ""))
    r.bold, r.font.color.rgb = True, RED
    if text:
        p.add_run(text)
    return p


def _masthead(doc, m: dict) -> None:
    for text, size, color in ((m["publisher"], 14, None), (m["title"], 36, RED),
                              ((m["issue"] + ("　" + m["date"] if m["date"] else "")).strip(), 12, None)):
        if text:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            r = p.add_run(text)
            r.font.size, r.bold = Pt(size), size > 20
            if color:
                r.font.color.rgb = color


def _toc(doc, view: IssueView) -> None:
    h = doc.add_heading("目 录", level=1)
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for s in view.sections:
        doc.add_paragraph().add_run(f"[{s.name}]").bold = True
        for it in s.items:
            _link(doc.add_paragraph(style="List Number"), it.title, anchor=it.anchor.replace("-", "_"))


def _item(doc, it: ItemView) -> None:
    h = doc.add_heading("", level=2)
    _bookmark(h, it.anchor.replace("-", "_"), it.number, it.title)
    if it.doc_number:
        doc.add_paragraph(it.doc_number).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for label, value in (("发文机关", "、".join(it.issuers)), ("成文日期", it.date),
                         ("发布日期", it.published), ("登记号", it.registration)):
        if value:
            _label(doc, label, value)
    if it.note:
        _label(doc, "编者按", it.note).runs[-1].italic = True
    d = it.digest
    if d.purpose:
        _label(doc, "要旨", d.purpose)
    blocks = (("主要措施", [[(x, False)] for x in d.measures]), ("截止时间", d.deadlines),
              ("支持金额", d.amounts), ("目标", [[(x, False)] for x in d.targets]))
    for label, rows in blocks:
        if rows:
            _label(doc, label)
            for spans in rows:
                _spans(doc.add_paragraph(style="List Bullet"), spans)
            if label == "主要措施" and d.measures_total > len(d.measures):
                doc.add_paragraph(f"等 {d.measures_total} 项")
    for kind, text in it.blocks:
        if kind == "h":
            doc.add_paragraph().add_run(text).bold = True
        elif kind == "s":
            doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == "r":
            doc.add_paragraph(text)
        else:
            doc.add_paragraph(text).paragraph_format.first_line_indent = Pt(22)
    if it.links:
        p = _label(doc, "相关链接：")
        for url in it.links:
            if url.startswith(("http://", "https://")):
                _link(p, url, url=url)
            else:
                p.add_run(url)


def render_docx(view: IssueView, out: str | os.PathLike) -> Path:
    doc = Document()
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        _east_asian(doc.styles[name])
    doc.styles["Normal"].font.size = Pt(11)
    doc.core_properties.title = " ".join(x for x in (view.masthead["publisher"], view.masthead["title"],
                                                     view.masthead["issue"]) if x)
    _masthead(doc, view.masthead)
    _toc(doc, view)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for s in view.sections:
        doc.add_heading(f"[{s.name}]", level=1)
        for it in s.items:
            _item(doc, it)
    if view.masthead["contact"]:
        p = doc.add_paragraph(view.masthead["contact"])
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        foot = doc.sections[0].footer.paragraphs[0]
        foot.text, foot.alignment = view.masthead["contact"], WD_ALIGN_PARAGRAPH.CENTER
    out = Path(out)
    doc.save(out)
    return out
