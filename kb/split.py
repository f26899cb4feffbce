"""Split: one clean text -> the documents it holds.

A compilation (a 快讯 newsletter, a 汇编) has a masthead, a table of contents grouped by
section ([政策文件] …), then each document followed by its source link (相关链接).  The table of
contents tells which titles to look for; the link blocks mark where documents end when there
is no table of contents.  Anything else is one document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb import rules
from kb.model import Part

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'，。；）)]+")
_LEADERS = ("...", "……", "···")      # a dot leader (.{3,} | …{2,} | ·{3,}) of a table-of-contents line
_SPACES = re.compile(r"[\s\u3000]+")
_NOT_PUBLISHER = re.compile(r"快\s*讯|简\s*报|汇\s*编|目\s*录")


@dataclass
class Toc:
    start: int                     # line index of the first TOC line
    end: int                       # line index after the last TOC line
    entries: list[tuple[str | None, str]] = field(default_factory=list)  # (section, title)


def split(text: str) -> list[Part]:
    lines = text.split("\n")
    toc = find_toc(lines)
    link_ends = _link_block_ends(lines)
    if toc is None and len(link_ends) < 2:
        body, links = strip_links(text)
        return [Part(text=body, links=links)]
    newsletter = masthead(lines[: toc.start] if toc else lines[:8])
    starts = _starts_from_toc(lines, toc) if toc else []
    if not starts:
        starts = _starts_from_links(lines, link_ends)
    return _cut(lines, starts, newsletter)


def _norm(s: str) -> str:
    return _SPACES.sub("", s)


def find_toc(lines: list[str]) -> Toc | None:
    """The table of contents: a run of lines ending in page numbers after dot leaders."""
    toc_rx = rules.rx("compilation", "toc_line")
    toc_end = rules.end_class(toc_rx)
    section_rx = rules.rx("compilation", "section")
    start = end = None
    entries: list[tuple[str | None, str]] = []
    section = None
    for i, line in enumerate(lines[:400]):
        s = line.strip()
        # the leader test first: it is cheap, and most lines have none
        m = toc_rx.match(s) if any(d in s for d in _LEADERS) and rules.ends_right(toc_end, s) else None
        if m:
            start = i if start is None else start
            end = i + 1
            title = m.group("title").strip()
            sec = section_rx.match(title)
            if sec:
                section = sec.group("name").strip()
            else:
                entries.append((section, title))
        elif start is not None and s:
            break
    if start is None or len(entries) < 2:
        return None
    return Toc(start, end, entries)


def masthead(lines: list[str]) -> dict | None:
    """Publisher and issue of a compilation, from the lines before its table of contents."""
    issue_rx = rules.rx("compilation", "issue")
    publisher = issue = issue_raw = None
    for line in lines:
        s = line.strip()
        if not s or s in ("目录",):
            continue
        m = issue_rx.search(s)
        if m and issue is None:
            issue_raw = s
            year, num = m.group("year"), m.group("num") or m.group("num2")
            issue = f"({year}) {num} 期" if year else f"第 {num} 期"
        elif publisher is None and len(s) <= 40 and not _NOT_PUBLISHER.search(s):
            publisher = s
    if publisher is None and issue is None:
        return None
    return {"publisher": publisher, "issue": issue, "issue_raw": issue_raw}


def _starts_from_toc(lines: list[str], toc: Toc) -> list[tuple[int, str | None]]:
    """Line indexes where each TOC title begins in the body, in order."""
    starts: list[tuple[int, str | None]] = []
    i = toc.end
    norms = [None] * len(lines)          # _norm of each line, computed once when first needed

    def norm(k: int) -> str:
        v = norms[k]
        if v is None:
            v = norms[k] = _norm(lines[k])
        return v
    for section, title in toc.entries:
        want = _norm(title)
        for j in range(i, len(lines)):
            got = norm(j)
            # a title may be cut over two lines (issuer line, then 关于…)
            both = got + norm(j + 1) if j + 1 < len(lines) else got
            if got == want or (got and both.startswith(want) and want.startswith(got)):
                starts.append((j, section))
                i = j + 1
                break
    return starts if len(starts) == len(toc.entries) else []


def _link_block_ends(lines: list[str]) -> list[int]:
    """Line index just after each 相关链接 block (label line and its URL line)."""
    label = rules.rx("compilation", "link_label")
    inline = rules.rx("compilation", "link_inline")
    ends = []
    for i, line in enumerate(lines):
        s = line.strip()
        if inline.match(s):
            ends.append(i + 1)
        elif label.match(s):
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and _URL.match(lines[j].strip()):
                ends.append(j + 1)
    return ends


def _starts_from_links(lines: list[str], ends: list[int]) -> list[tuple[int, str | None]]:
    """Without a TOC: a document starts at the first content line after each link block."""
    section_rx = rules.rx("compilation", "section")
    starts = []
    for e in [0] + ends[:-1]:
        j = e
        while j < len(lines) and (not lines[j].strip() or section_rx.match(lines[j].strip())):
            j += 1
        if j < len(lines):
            starts.append((j, None))
    return starts


def _cut(lines: list[str], starts: list[tuple[int, str | None]], newsletter: dict | None) -> list[Part]:
    section_rx = rules.rx("compilation", "section")
    bounds = [s for s, _ in starts] + [len(lines)]
    parts = []
    current = None
    # sections seen in the body before a document set its category
    for n, (start, toc_section) in enumerate(starts):
        for line in lines[bounds[n - 1] if n else 0:start]:
            m = section_rx.match(line.strip())
            if m:
                current = m.group("name").strip()
        chunk = lines[start:bounds[n + 1]]
        chunk = [l for l in chunk if not section_rx.match(l.strip())]
        body, links = strip_links("\n".join(chunk))
        parts.append(Part(text=body, index=n + 1, category=toc_section or current,
                          newsletter=newsletter, links=links))
    return parts


def strip_links(text: str) -> tuple[str, list[str]]:
    """Remove the trailing 相关链接 block(s) and anything after the last one; return the links."""
    lines = text.split("\n")
    label = rules.rx("compilation", "link_label")
    inline = rules.rx("compilation", "link_inline")
    links: list[str] = []
    cut = None
    for i, line in enumerate(lines):
        s = line.strip()
        m = inline.match(s)
        if m and _URL.match(m.group("url")):
            links.append(_url(m.group("url")))
            cut = i if cut is None else cut
        elif label.match(s):
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            while j < len(lines) and _URL.match(lines[j].strip()):
                links.append(_url(lines[j].strip()))
                cut = i if cut is None else cut
                j += 1
    if cut is not None:
        lines = lines[:cut]
    return "\n".join(lines).strip() + "\n", links


def _url(s: str) -> str:
    m = _URL.match(s)
    u = m.group(0) if m else s
    return u if u.startswith(("http://", "https://", "ftp://")) else "http://" + u
