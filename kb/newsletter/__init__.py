"""The 快讯 compiler: knowledge base -> a finished newsletter issue.

select() documents -> new_issue() (sections by kb/data/sections.toml) -> to_toml() issue file the
team edits -> from_toml() -> build_view() (resolve, section, digest) -> render_html / render_markdown /
render_docx / render_pdf.  ``render()`` does the last two steps for a format name.
"""
from __future__ import annotations

import os
from pathlib import Path

from kb.model import Record
from kb.newsletter.digest import Digest, digest
from kb.newsletter.docx_out import render_docx
from kb.newsletter.issuefile import from_toml, to_toml
from kb.newsletter.model import Issue, Item, Masthead, Section
from kb.newsletter.render import find_chromium, render_html, render_markdown, render_pdf
from kb.newsletter.sections import Rules, assign_sections, load_rules, section_of
from kb.newsletter.selection import find, new_issue, select
from kb.newsletter.view import IssueView, build_view, resolve

FORMATS = ("html", "md", "docx", "pdf")

__all__ = ["Digest", "FORMATS", "Issue", "IssueView", "Item", "Masthead", "Rules", "Section", "assign_sections",
           "build_view", "digest", "find", "find_chromium", "from_toml", "load_rules", "new_issue", "render",
           "render_docx", "render_html", "render_markdown", "render_pdf", "resolve", "section_of", "select",
           "to_toml"]


def render(issue: Issue, records: list[Record], fmt: str, out: str | os.PathLike | None = None,
           rules: Rules | None = None, full: bool | None = None) -> str | Path:
    """Render an issue: the text for html/md (also written to ``out`` if given), the file for docx/pdf."""
    view = build_view(issue, records, rules or load_rules(), full)
    if fmt in ("html", "md"):
        text = render_html(view) if fmt == "html" else render_markdown(view)
        if out:
            Path(out).write_text(text, encoding="utf-8")
        return text
    if not out:
        raise ValueError(f"{fmt} needs an output file")
    return render_docx(view, out) if fmt == "docx" else render_pdf(view, out)
