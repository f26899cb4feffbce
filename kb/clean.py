"""Clean: remove what is not the document and repair what conversion broke.

``clean(text)`` runs small line-level stages in order; each is a plain function on a
string (or a list of lines) so it can be tested alone.  Rules live in kb/data/rules.toml.
"""
from __future__ import annotations

import re
from collections import Counter

from kb import rules

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕…—·「」『』"
_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                            **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
                            **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
                            "\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ",
                            "\u200b": "", "\ufeff": "", "\r": ""})


def clean(text: str) -> str:
    """Raw decoded text -> clean document text (lines kept, single blank lines between blocks)."""
    text = normalize_chars(text)
    text = strip_markup(text)
    lines = [line.rstrip() for line in text.split("\n")]
    lines = drop_page_numbers(lines)
    lines = drop_running_lines(lines)
    lines = trim_trailing_chrome(lines)
    lines = reflow(lines)
    lines = [fix_spacing(line.strip()) for line in lines]
    return collapse_blank_lines(lines)


def normalize_chars(text: str) -> str:
    """Full-width digits and letters to half-width; odd spaces to plain ones."""
    return text.translate(_FULLWIDTH)


_MD_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]+)\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_URLISH = re.compile(r"^(?:https?://|www\.)\S+$")


def strip_markup(text: str) -> str:
    """Markdown and inline HTML left by converters -> plain lines (links become their address)."""
    for pattern in rules.get("clean", "artefacts"):
        text = re.sub(pattern, "", text, flags=re.I)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~])", r"\1", text)   # Markdown escapes: \_ -> _

    def link(m: re.Match) -> str:
        label, href = m.group(1).strip(), m.group(2)
        return href if (not label or _URLISH.match(label)) else label
    text = _MD_LINK.sub(link, text)
    text = _AUTOLINK.sub(r"\1", text)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+", "", text)          # heading markers
    text = re.sub(r"(?m)^[ \t]{0,3}[-*+][ \t]+(?=\S)", "", text)      # list bullets
    text = re.sub(r"(?m)^[ \t]{0,3}>[ \t]?", "", text)                # block quotes
    return text


def drop_page_numbers(lines: list[str]) -> list[str]:
    rx = re.compile(rules.get("clean", "page_number"))
    return [line for line in lines if not rx.match(line)]


def _key(line: str) -> str:
    return re.sub(r"\s+", "", line)


def _is_heading_like(line: str) -> bool:
    s = line.strip()
    return any(re.match(p, s) for _, p in rules.get("structure", "levels")) or bool(
        re.match(rules.get("compilation", "link_label"), s))


def drop_running_lines(lines: list[str]) -> list[str]:
    """Remove page headers/footers: short lines repeated on every page.

    A repeated line counts as running only when it carries contact details or mostly stands
    next to a page gap (two or more blank lines); repeated headings and labels are content.
    """
    min_count = rules.get("clean", "repeat_min")
    max_len = rules.get("clean", "repeat_max_len")
    contact = re.compile(rules.get("clean", "contact"), re.I)
    keys = [_key(l) for l in lines]
    counts = Counter(k for k in keys if k)
    running = set()
    for key, n in counts.items():
        if n < min_count or len(key) > max_len or key[-1] in "。；！？":
            continue
        sample = lines[keys.index(key)]
        if _is_heading_like(sample):
            continue
        if contact.search(key) or _mostly_at_gaps(lines, keys, key):
            running.add(key)
    return [l for l, k in zip(lines, keys) if k not in running]


def _mostly_at_gaps(lines: list[str], keys: list[str], key: str) -> bool:
    at_gap = total = 0
    for i, k in enumerate(keys):
        if k != key:
            continue
        total += 1
        before = lines[max(0, i - 3):i]
        after = lines[i + 1:i + 4]
        if sum(1 for x in before if not x.strip()) >= 2 or sum(1 for x in after if not x.strip()) >= 2:
            at_gap += 1
    return at_gap * 2 > total


def _is_chrome(line: str) -> bool:
    return bool(rules.any_of("clean", "chrome_strong").search(line))


def trim_trailing_chrome(lines: list[str]) -> list[str]:
    """Cut web-page chrome and advertisements after the document's end.

    Walk back from the end over short, unpunctuated or chrome-marked lines; stop at a line
    that ends a document (a date, an attachment, a link, a finished sentence).  The tail is
    cut only if it holds at least one chrome marker, so a short last line of a real document
    stays.
    """
    ends = [re.compile(p) for p in rules.get("clean", "doc_end")]
    i = len(lines)
    seen_chrome = False
    cut = len(lines)
    while i > 0:
        s = lines[i - 1].strip()
        if not s:
            i -= 1
            continue
        chrome = _is_chrome(s)
        if not chrome and any(p.search(s) for p in ends):
            break
        if not chrome and len(s) > 60:
            break
        seen_chrome = seen_chrome or chrome
        i -= 1
        if seen_chrome:
            cut = i
    return lines[:cut] if seen_chrome else lines


def _starts_block(line: str) -> bool:
    """A line that begins something new: numbering, a date, a document number, a label."""
    s = line.strip()
    if _is_heading_like(s):
        return True
    return bool(re.match(r"^(?:\d{4}\s*年|[（(]|附件|抄送|联系人|联系电话|电话|地址|邮编|https?://|www\.|[\[【]|——|-)", s)) \
        or bool(_CONTACT_LINE.match(s)) \
        or bool(re.search(r"[〔\[【［(（]\s*\d{4}\s*[〕\]】］)）]\s*\d+\s*号\s*$", s))


# A line of phone numbers or an address: contact blocks are never one paragraph.
_CONTACT_LINE = re.compile(r"^(?:\(?\d{3,4}\)?[-－]?\d{7,8}|1\d{10}|(?:https?://|www\.)\S+)(?:[，,、\s]|$)")


def _is_heading_line(line: str) -> bool:
    s = line.strip()
    return _is_heading_like(s) and len(s) <= rules.get("structure", "heading_max_len") \
        and not re.search(r"[，。；]", s)


_ENDS_TYPE = None


def _ends_with_doc_type(s: str) -> bool:
    global _ENDS_TYPE
    if _ENDS_TYPE is None:
        words = sorted(rules.get("doc", "types"), key=len, reverse=True)
        _ENDS_TYPE = re.compile("(?:" + "|".join(map(re.escape, words)) + r")[”’》）)]*$")
    return bool(_ENDS_TYPE.search(s))


def reflow(lines: list[str]) -> list[str]:
    """Join a paragraph that a page break (and the blank lines around it) cut in two.

    Only long, unfinished lines are joined to the next non-blank line, and never a title,
    a heading, a table cell or a line before something that starts a new block.
    """
    min_len = rules.get("clean", "reflow_min_len")
    toc = rules.rx("compilation", "toc_line")
    lines = list(lines)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        j = i + 1
        while j < len(lines) and not lines[j].strip() and j - i <= 5:
            j += 1
        nxt = lines[j] if j < len(lines) else ""
        n = nxt.strip()
        joinable = (
            s and n and not line.startswith("\t") and not nxt.startswith("\t")
            and not toc.match(s) and not toc.match(n)
            and not _CONTACT_LINE.match(s) and not re.search(r"(?:https?://|www\.)\S+$", s)
            and (
                (len(s) >= min_len and re.search(rf"[{_CJK}0-9、，]$", s)
                 and not _is_heading_line(s) and not _ends_with_doc_type(s)
                 and not _starts_block(n))
                or (re.search(r"[：:]$", s) and re.match(r"^\d", n) and not _starts_block(n))
            )
        )
        if joinable:
            lines[j] = s + n          # (lines is our own copy; in place keeps this linear)
            i = j
            continue
        out.append(line)
        i += 1
    return out


_SP_CJK_DIGIT = re.compile(rf"(?<=[{_CJK}]) +(?=[0-9A-Za-z%])|(?<=[0-9A-Za-z%]) +(?=[{_CJK}])")
_SP_PUNCT = re.compile(rf" +(?=[{_CJK_PUNCT}])|(?<=[{_CJK_PUNCT}]) +")
_TOKENS = re.compile(r"\S+")


def fix_spacing(line: str) -> str:
    """Remove spaces that PDF conversion puts inside words and numbers.

    '2018 年 11 月 19 日' -> '2018年11月19日', '264 号' -> '264号', '科技 部' -> '科技部',
    '财 政 部' -> '财政部'; spaces between whole names ('财政部 发展改革委') stay, since joint
    issuers are written so.
    """
    if " " not in line:
        return line
    line = re.sub(r"[ \t]+", " ", line)
    line = _SP_CJK_DIGIT.sub("", line)
    line = _SP_PUNCT.sub("", line)
    # letter-spaced names: a lone CJK character joins its CJK neighbours
    parts = line.split(" ")
    if len(parts) > 1:
        merged = [parts[0]]
        for p in parts[1:]:
            prev = merged[-1]
            lone = (len(p) == 1 and re.match(rf"[{_CJK}]", p)) or (len(prev) == 1 and re.match(rf"[{_CJK}]", prev))
            if lone and re.search(rf"[{_CJK}]$", prev) and re.match(rf"[{_CJK}]", p):
                merged[-1] = prev + p
            else:
                merged.append(p)
        line = " ".join(merged)
    return line.strip()


def collapse_blank_lines(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if not line:
            if out and out[-1]:
                out.append("")
        else:
            out.append(line)
    return "\n".join(out).strip() + "\n"
