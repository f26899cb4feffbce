"""Issuing bodies (发文机关), recipients (主送机关) and responsible units (牵头/责任单位)."""
from __future__ import annotations

import re
from functools import lru_cache

from kb import rules
from kb.structure import marker

_CJK = r"\u3400-\u9fff"


@lru_cache(maxsize=None)
def _suffix_rx() -> re.Pattern:
    words = sorted(rules.get("doc", "body_suffixes"), key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, words)) + ")$")


_BODY_CHARS = re.compile(rf"[{_CJK}（）()]+")
_LIST_MARKS = re.compile(r"[，、,；;]")
_NOT_NAMES = re.compile(r"[了的]|\d{4}\s*年")     # a list of names holds no such words, nor a date


def is_body_name(s: str) -> bool:
    """A name like 工业和信息化部 / 长治市人民政府办公室: CJK only, ending with a body suffix."""
    s = s.strip()
    if not (2 <= len(s) <= 30) or not _BODY_CHARS.fullmatch(s):
        return False
    if any(s.startswith(w) for w in rules.get("doc", "not_body_starts")):
        return False
    return bool(_suffix_rx().search(s))


def is_body_line(line: str) -> bool:
    """A signature line: one or more body names separated by spaces."""
    names = line.split()
    return bool(names) and all(is_body_name(n) for n in names)


def names_line(line: str, most: int = 6) -> list[str] | None:
    """The body names a line consists of (国家发展改革委、国家能源局 / 中国人民银行 国家金融监督管理总局),
    or None when anything else is on it."""
    names = [n for n in re.split(r"[、，,\s]+", line.strip()) if n]
    return names if 0 < len(names) <= most and all(is_body_name(n) for n in names) else None


_BLANK_DATE = re.compile(r"(?:\d{4}|[〇○零一二三四五六七八九]{4})?\s*年\s*月\s*日")


def undated_signature(lines: list[str], most: int = 6) -> tuple[list[str], str | None]:
    """Body names on the last lines of a text, one body per line, after its last sentence, with
    no date under them or a date left blank (年 月 日): a 落款 without its 成文日期."""
    tail = [l.strip() for l in lines if l.strip()][-(most + 1):]
    if tail and _BLANK_DATE.fullmatch(tail[-1]):
        tail = tail[:-1]
    names: list[str] = []
    for s in reversed(tail):
        if not is_body_name(s):
            break
        names.insert(0, s)
    # the line above the names ends a sentence: they are not a list inside the body
    if names and len(names) < len(tail) and tail[-len(names) - 1].endswith(("。", "！")):
        return names, "\n".join(names)
    return [], None


def signature(lines: list[str], date_index: int) -> tuple[list[str], str | None]:
    """Body names on the lines just above the signing date (joint issuers on several lines, run
    together, or glued to the end of the line above: …企业清单生态环境部办公厅)."""
    from kb.extract import signers
    names: list[str] = []
    used: list[str] = []
    i = date_index - 1
    while i >= 0:
        s = lines[i].strip()
        if not s:
            i -= 1
            continue
        got = signers.line_names(s)
        if got is None:
            tail = signers.trailing_name(s) if not names else None
            if tail:
                names, used = tail, [s]
            break
        names = got + names
        used.insert(0, s)
        i -= 1
    return names, ("\n".join(used) if used else None)


def from_title(title: str | None) -> list[str]:
    """Fallback: the issuer named before 关于 in the title (鄂尔多斯市人民政府关于印发…)."""
    if not title or "关于" not in title:
        return []
    head = title.split("关于", 1)[0].strip()
    names = head.split()
    return names if names and all(is_body_name(n) for n in names) else []


_RECIP_STARTS = ("各", "有关", "国务院", "省", "市", "县", "区")


def recipients(lines: list[str], max_lines: int = 8) -> tuple[str | None, str | None]:
    """主送机关: a line near the top ending with a colon that names bodies (各省、自治区…：)."""
    for line in [l.strip() for l in lines if l.strip()][:max_lines]:
        if not line.endswith(("：", ":")) or len(line) > 300:
            continue
        body = line.rstrip("：:").strip()
        if marker(body):                     # 一、工作重点： is a heading
            continue
        # a sentence that opens a list (…现解释如下：, …作如下修改：) addresses no one
        if body.startswith(("附件", "根据", "为", "现", "有关事项")) or "如下" in body or "。" in body:
            continue
        if body.startswith(_RECIP_STARTS) or is_body_name(body) or \
                (_LIST_MARKS.search(body) and not _NOT_NAMES.search(body) and _names_a_body(body)):
            return body, line
    return None, None


def _names_a_body(body: str) -> bool:
    """Some item of a list is a body's name or a group of them (各有关单位)."""
    return any(is_body_name(p) or p.startswith(("各", "有关")) or p.endswith(("有关单位", "各单位"))
               for p in _LIST_MARKS.split(body))


@lru_cache(maxsize=None)
def _roles_rx() -> re.Pattern:
    role_rx = "|".join(map(re.escape, rules.get("responsible", "roles")))
    return re.compile(rf"(?P<role>{role_rx})\s*[：:]\s*(?P<names>[^；;）)\n。]+)")


_NAME_SEP = re.compile(r"[、，,]")
_NAME_TAIL = re.compile(r"(?:等有关部门|等有关单位|等部门|等单位|等|按职责分工负责|分别负责|负责|落实)$")
_NAME_TAIL_AFTER = re.compile(r"(?:等有关部门|等有关单位|等部门|等)$")


def responsible_units(text: str) -> list[dict]:
    """牵头单位/责任单位/配合单位 lists, as named, with the sentence they came from."""
    out: list[dict] = []
    seen = set()
    for m in _roles_rx().finditer(text):
        role = m.group("role")
        for raw in _NAME_SEP.split(m.group("names")):
            name = _NAME_TAIL.sub("", raw.strip())
            r = role
            if name.endswith("牵头"):
                name, r = name[:-2], "牵头单位"
            name = _NAME_TAIL_AFTER.sub("", name).strip()
            if not (2 <= len(name) <= 30) or (r, name) in seen:
                continue
            seen.add((r, name))
            out.append({"role": r, "name": name, "text": m.group(0).strip()})
    return out
