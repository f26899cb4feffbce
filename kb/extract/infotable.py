"""The info table government pages put before the text (名称, 发文机关, 发文字号, 成文日期 …)."""
from __future__ import annotations

import re

# label (spaces removed) -> field; labels vary by site
LABELS = {
    "名称": "title", "标题": "title", "文件名称": "title", "文件标题": "title",
    "索引号": "index_no",
    "发布机构": "issuers", "发文机关": "issuers", "发文单位": "issuers", "制发机关": "issuers", "发布单位": "issuers",
    "发文字号": "doc_number", "文号": "doc_number", "发文号": "doc_number",
    "主题分类": "topic", "分类": "topic", "主题词": "keywords",
    "成文日期": "date", "发文日期": "date", "印发日期": "date",
    "发布日期": "published", "公布日期": "published", "发布时间": "published",
    "实施日期": "effective_from", "生效日期": "effective_from", "施行日期": "effective_from",
    "废止日期": "effective_until", "失效日期": "effective_until",
    "有效性": "validity", "时效性": "validity", "效力状态": "validity", "有效状态": "validity",
}
_PAIR = re.compile(r"(?P<label>(?:[\u4e00-\u9fff]\s*){2,6}?)\s*[：:]\s*(?P<value>[^\t：:]*?)(?=\t|\s{2,}|$|(?:\s(?:[\u4e00-\u9fff]\s*){2,6}[：:]))")

_SPACE = re.compile(r"\s")
_LABEL_MAX = 6        # CJK characters of a label, as in _PAIR


def _first_start(s: str) -> int:
    """Where the first pair of ``s`` can begin at the earliest: a label is 2-6 CJK characters
    (spaces between them) right before a colon, so nothing before the first colon's label can
    start a match and the scan for pairs begins there."""
    colons = [i for i in (s.find("："), s.find(":")) if i >= 0]
    if not colons:
        return len(s)
    k = start = min(colons)
    cjk = 0
    while k > 0 and cjk < _LABEL_MAX:
        ch = s[k - 1]
        if "\u4e00" <= ch <= "\u9fff":
            cjk += 1
            start = k - 1
        elif not ch.isspace():
            break
        k -= 1
    return start


def parse(lines: list[str], max_lines: int = 30) -> tuple[dict, set[int]]:
    """(fields, indexes of the table's lines) from the top of a document."""
    info: dict = {}
    used: set[int] = set()
    for i, line in enumerate(lines[:max_lines]):
        if "：" not in line and ":" not in line:     # every pair has its colon
            continue
        found = False
        s = line.strip()
        for m in _PAIR.finditer(s, _first_start(s)):
            label = _SPACE.sub("", m.group("label"))
            key = LABELS.get(label)
            if key and m.group("value").strip():
                info.setdefault(key, m.group("value").strip())
                found = True
        if found:
            used.add(i)
    if len(info) < 2:            # one "标题：" line is not a table
        return {}, set()
    return info, used
