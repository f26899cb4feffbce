"""Clean: remove what is not the document and repair what conversion broke.

``clean(text)`` runs small line-level stages in order; each is a plain function on a
string (or a list of lines) so it can be tested alone.  Rules live in kb/data/rules.toml.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from kb import rules, segment

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
    lines = segment.split_cells(lines)
    lines = segment.unflatten(lines)
    lines = drop_page_numbers(lines)
    lines = segment.glue_fragments(lines)
    lines = drop_running_lines(lines)
    kept = lines
    lines = trim_trailing_chrome(lines)
    if not any(l.strip() for l in lines):
        lines = kept        # a page never cleans to nothing: keep what the trim would remove
    lines = reflow(lines)
    lines = [fix_spacing(line.strip()) for line in lines]
    return collapse_blank_lines(lines)


# str.translate looks every character up in the table, which is slow on CJK text; the few
# characters to change are found with one regex and only those runs are translated.
_FULLWIDTH_RUN = re.compile(rules.char_class(_FULLWIDTH) + "+")


def _translate_run(m: re.Match) -> str:
    return m.group().translate(_FULLWIDTH)


def normalize_chars(text: str) -> str:
    """Full-width digits and letters to half-width; odd spaces to plain ones."""
    return _FULLWIDTH_RUN.sub(_translate_run, text)


_MD_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]+)\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_URLISH = re.compile(r"^(?:https?://|www\.)\S+$")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_MD_HEADING = re.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+")
_MD_BULLET = re.compile(r"(?m)^[ \t]{0,3}[-*+][ \t]+(?=\S)")
_MD_QUOTE = re.compile(r"(?m)^[ \t]{0,3}>[ \t]?")


def _link(m: re.Match) -> str:
    label, href = m.group(1).strip(), m.group(2)
    return href if (not label or _URLISH.match(label)) else label


def strip_markup(text: str) -> str:
    """Markdown and inline HTML left by converters -> plain lines (links become their address)."""
    for rx in rules.raw_list("clean", "artefacts", re.I):
        text = rx.sub("", text)
    # each step below first checks the character its pattern cannot do without
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)   # Markdown escapes: \_ -> _
    if "](" in text:
        text = _MD_LINK.sub(_link, text)
    if "<" in text:
        text = _AUTOLINK.sub(r"\1", text)
    if "**" in text or "__" in text:
        text = _MD_BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    if "#" in text:
        text = _MD_HEADING.sub("", text)      # heading markers
    if "-" in text or "*" in text or "+" in text:
        text = _MD_BULLET.sub("", text)       # list bullets
    if ">" in text:
        text = _MD_QUOTE.sub("", text)        # block quotes
    return text


def drop_page_numbers(lines: list[str]) -> list[str]:
    rx = rules.raw("clean", "page_number")
    return [line for line in lines if not rx.match(line)]


def _key(line: str) -> str:
    return "".join(line.split())       # all whitespace removed (str.split and re's \s agree on it)


@lru_cache(maxsize=None)
def _heading_like_rx():
    """The numbering markers of kb/data/rules.toml [structure] levels and the link label, as one
    regex (or a tuple of them when they cannot be joined)."""
    patterns = [p for _, p in rules.get("structure", "levels")] + [rules.get("compilation", "link_label")]
    return rules.alternation(patterns) or tuple(re.compile(p) for p in patterns)


def _is_heading_like(line: str) -> bool:
    s = line.strip()
    rx = _heading_like_rx()
    if isinstance(rx, tuple):
        return any(p.match(s) for p in rx)
    return rx.match(s) is not None


def drop_running_lines(lines: list[str]) -> list[str]:
    """Remove page headers/footers: short lines repeated on every page.

    A repeated line counts as running only when it carries contact details or mostly stands
    next to a page gap (two or more blank lines); repeated headings and labels are content.
    """
    min_count = rules.get("clean", "repeat_min")
    max_len = rules.get("clean", "repeat_max_len")
    contact = rules.raw("clean", "contact", re.I)
    keys = [_key(l) for l in lines]
    counts = Counter(k for k in keys if k)
    candidates = [key for key, n in counts.items()
                  if not (n < min_count or len(key) > max_len or key[-1] in "。；！？")]
    if not candidates:
        return lines[:]
    positions: dict[str, list[int]] = {key: [] for key in candidates}
    for i, k in enumerate(keys):
        at = positions.get(k)
        if at is not None:
            at.append(i)
    running = set()
    for key in candidates:
        sample = lines[positions[key][0]]
        if _is_heading_like(sample):
            continue
        if contact.search(key) or _mostly_at_gaps(lines, keys, key, positions[key]):
            running.add(key)
    if not running:
        return lines[:]
    return [l for l, k in zip(lines, keys) if k not in running]


def _mostly_at_gaps(lines: list[str], keys: list[str], key: str, at: list[int] | None = None) -> bool:
    at_gap = total = 0
    for i in (at if at is not None else [i for i, k in enumerate(keys) if k == key]):
        total += 1
        before = lines[max(0, i - 3):i]
        after = lines[i + 1:i + 4]
        if sum(1 for x in before if not x.strip()) >= 2 or sum(1 for x in after if not x.strip()) >= 2:
            at_gap += 1
    return at_gap * 2 > total


def _is_chrome(line: str) -> bool:
    return len(line) <= rules.get("clean", "chrome_line_max") and \
        bool(rules.any_of("clean", "chrome_strong").search(line))


def trim_trailing_chrome(lines: list[str]) -> list[str]:
    """Cut web-page chrome and advertisements after the document's end.

    Walk back from the end over short, unpunctuated or chrome-marked lines; stop at a line
    that ends a document (a date, an attachment, a link, a finished sentence).  The tail is
    cut only if it holds at least one chrome marker, so a short last line of a real document
    stays.
    """
    ends = rules.raw_list("clean", "doc_end")
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


_BLOCK_START = re.compile(r"^(?:\d{4}\s*年|[（(]|附件|抄送|联系人|联系电话|电话|地址|邮编|https?://|www\.|[\[【]|——|-)")
_NUMBER_AT_END = re.compile(r"[〔\[【［(（]\s*\d{4}\s*[〕\]】］)）]\s*\d+\s*号\s*$")


def _starts_block(line: str) -> bool:
    """A line that begins something new: numbering, a date, a document number, a label."""
    s = line.strip()
    if _is_heading_like(s):
        return True
    return bool(_BLOCK_START.match(s)) \
        or bool(_CONTACT_LINE.match(s)) \
        or bool(_NUMBER_AT_END.search(s))


# A line of phone numbers or an address: contact blocks are never one paragraph.
_CONTACT_LINE = re.compile(r"^(?:\(?\d{3,4}\)?[-－]?\d{7,8}|1\d{10}|(?:https?://|www\.)\S+)(?:[，,、\s]|$)")
_SENTENCE_PUNCT = re.compile(r"[，。；]")


def _is_heading_line(line: str) -> bool:
    s = line.strip()
    return len(s) <= rules.get("structure", "heading_max_len") and _is_heading_like(s) \
        and not _SENTENCE_PUNCT.search(s)


@lru_cache(maxsize=None)
def _ends_type_rx() -> re.Pattern:
    words = sorted(rules.get("doc", "types"), key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, words)) + r")[”’》）)]*$")


def _ends_with_doc_type(s: str) -> bool:
    return bool(_ends_type_rx().search(s))


# What a line cut by a page break ends with (tested on its last character: lines are stripped).
_JOIN_END = re.compile(rf"[{_CJK}0-9、，]")
_COLON_END = re.compile(r"[：:]")
_DIGIT = re.compile(r"\d")
_URL_END = re.compile(r"(?:https?://|www\.)\S+$")


def _kept_line(s: str) -> bool:
    """Page metadata, a browser title, a signer line: never half of a cut paragraph."""
    from kb.extract.bodies import is_body_line
    return any(p.search(s) for p in rules.raw_list("clean", "reflow_keep")) or \
        (len(s) <= 40 and is_body_line(s))


def reflow(lines: list[str]) -> list[str]:
    """Join a paragraph that a page break (and the blank lines around it) cut in two.

    Only long, unfinished lines are joined to the next non-blank line, and never a title,
    a heading, a table cell or a line before something that starts a new block.
    """
    min_len = rules.get("clean", "reflow_min_len")
    toc = rules.rx("compilation", "toc_line")
    toc_end = rules.end_class(toc)       # what a TOC line ends with: a quick test before the regex
    lines = list(lines)
    stripped = [line.strip() for line in lines]
    out: list[str] = []
    i = 0
    total = len(lines)
    while i < total:
        line = lines[i]
        s = stripped[i]
        if not s or line.startswith("\t"):
            out.append(line)
            i += 1
            continue
        j = i + 1
        while j < total and not stripped[j] and j - i <= 5:
            j += 1
        if j >= total:
            out.append(line)
            i += 1
            continue
        nxt = lines[j]
        n = stripped[j]
        # the cheap tests first: most lines end a sentence and are never joined
        last = s[-1]
        long_cut = len(s) >= min_len and _JOIN_END.match(last) is not None
        colon_cut = not long_cut and _COLON_END.match(last) is not None and n and _DIGIT.match(n) is not None
        joinable = (
            (long_cut or colon_cut) and n and not nxt.startswith("\t")
            and not (long_cut and (_kept_line(s) or _kept_line(n)))
            and not _CONTACT_LINE.match(s)
            and (not long_cut or (not _is_heading_line(s) and not _ends_with_doc_type(s)))
            # a lead-in sentence is not the first half of the title under it
            and not (long_cut and len(n) <= 60 and _ends_with_doc_type(n))
            and not _starts_block(n) and not _URL_END.search(s)
            and not (rules.ends_right(toc_end, s) and toc.match(s))       # the costly tests last
            and not (rules.ends_right(toc_end, n) and toc.match(n))
        )
        if joinable:
            lines[j] = stripped[j] = s + n      # (lines is our own copy; in place keeps this linear)
            i = j
            continue
        out.append(line)
        i += 1
    return out


_SP_CJK_DIGIT = re.compile(rf"(?<=[{_CJK}]) +(?=[0-9A-Za-z%])|(?<=[0-9A-Za-z%]) +(?=[{_CJK}])")
_SP_PUNCT = re.compile(rf" +(?=[{_CJK_PUNCT}])|(?<=[{_CJK_PUNCT}]) +")
_TOKENS = re.compile(r"\S+")
_BLANKS = re.compile(r"[ \t]+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_CJK_END = re.compile(rf"[{_CJK}]$")


def fix_spacing(line: str) -> str:
    """Remove spaces that PDF conversion puts inside words and numbers.

    '2018 年 11 月 19 日' -> '2018年11月19日', '264 号' -> '264号', '科技 部' -> '科技部',
    '财 政 部' -> '财政部'; spaces between whole names ('财政部 发展改革委') stay, since joint
    issuers are written so.
    """
    if " " not in line:
        return line
    line = _BLANKS.sub(" ", line)
    line = _SP_CJK_DIGIT.sub("", line)
    line = _SP_PUNCT.sub("", line)
    # letter-spaced names: a lone CJK character joins its CJK neighbours
    parts = line.split(" ")
    if len(parts) > 1:
        merged = [parts[0]]
        for p in parts[1:]:
            prev = merged[-1]
            lone = (len(p) == 1 and _CJK_CHAR.match(p)) or (len(prev) == 1 and _CJK_CHAR.match(prev))
            if lone and _CJK_END.search(prev) and _CJK_CHAR.match(p):
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
