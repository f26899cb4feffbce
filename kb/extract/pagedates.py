"""发布日期: when the page says the document was published.

A page prints it near the heading, in forms GB/T 9704 does not know: ``2024-12-24 16:04来源：…``,
``发布时间：2023-03-01 10:24:51``, ``发布日期:2023-02-0714:01 浏览量:…``, ``2023/05/09``,
``[发布日期]`` with the value on the next line (an info-table label, see infotable.py), or a
``<meta name="PubDate">`` tag.  A widget's ``2025年3月5日 星期三`` is today's date, not the
document's.  Patterns are in kb/data/rules.toml [published].
"""
from __future__ import annotations

import re
from datetime import date

from kb import rules

_ISO = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})")
_CN = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")


def _rx(key: str) -> re.Pattern:
    return rules.raw("published", key)        # compiled once there


def to_iso(s: str) -> str | None:
    """The first date in ``s`` (2023-02-07, 2023/2/7, 2023年2月7日) as YYYY-MM-DD, if valid."""
    m = _ISO.search(s) or _CN.search(s)
    if not m:
        return None
    try:
        return date(int(m.group("y")), int(m.group("m")), int(m.group("d"))).isoformat()
    except ValueError:
        return None


def from_lines(lines: list[str], end: int) -> tuple[str, str] | None:
    """(date, line) from the page's lead lines (``lines[:end]``): a labelled publication date,
    else a bare timestamp line."""
    max_len = rules.get("published", "line_max_chars")
    widget = _rx("widget")
    bare = None
    for line in lines[:end]:
        s = line.strip()
        if not s or len(s) > max_len or widget.search(s):
            continue
        m = _rx("labelled").search(s)
        if m:
            d = to_iso(m.group("date"))
            if d:
                return d, s
        if bare is None:
            m = _rx("timestamp").match(s)
            if m:
                d = to_iso(m.group("date"))
                if d:
                    bare = (d, s)
    return bare


def from_meta(meta: list[dict]) -> tuple[str, str] | None:
    for item in meta:
        if item.get("field") == "published":
            d = to_iso(item.get("value") or "")
            if d:
                return d, f"{item.get('from')}: {item.get('value')}"
    return None
