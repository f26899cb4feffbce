"""The info table government pages print before the text (索引号, 发文机关, 发文字号, 成文日期 …).

Pages and scrapes print it in many shapes: ``label：value`` rows, several pairs on one line
with or without separators (``发文机关:省住房公积金管理局成文日期:2026-07-02``), and a label on
its own line with the value on the next.  The labels (kb/data/rules.toml [infotable]) are the
landmarks: a value runs to the next known label or the end of the line.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kb import rules

_SPACE = re.compile(r"\s")


@lru_cache(maxsize=None)
def _labels() -> tuple[dict, re.Pattern, re.Pattern]:
    fields = rules.get("infotable", "fields")
    words = sorted(set(fields) | set(rules.get("infotable", "others")), key=len, reverse=True)
    spaced = "|".join(r"[ \u3000]*".join(map(re.escape, w)) for w in words)
    pair = re.compile(rf"(?:^|(?<=[\s\]】）)\d:：]))(?P<label>{spaced})[ \u3000]*[：:]|(?<=[\u4e00-\u9fff])(?P<glued>{spaced})[ \u3000]*[：:]")
    alone = re.compile(rf"^\s*[\[【]?(?P<label>{spaced})[\]】]?\s*[：:]?\s*$")
    return fields, pair, alone


def _key(label: str) -> str:
    return _SPACE.sub("", label)


def pairs(line: str) -> list[tuple[str, str]]:
    """The (label, value) pairs of one line, labels with spaces removed; [] if it holds none."""
    fields, pair, _ = _labels()
    if "：" not in line and ":" not in line:       # every pair has its colon
        return []
    found = list(pair.finditer(line))
    if not found:
        return []
    first = found[0]
    lead = line[:first.start()].strip()
    # a label inside a sentence is not a table ("…的来源：" in the body)
    if lead and (len(line) > rules.get("infotable", "loose_line_max") or re.search(r"[。，；]", lead)):
        return []
    out = []
    for m, nxt in zip(found, found[1:] + [None]):
        label = _key(m.group("label") or m.group("glued"))
        value = line[m.end():nxt.start() if nxt else len(line)].strip(" \t\u3000|｜")
        out.append((label, value))
    return out


def parse(lines: list[str], max_lines: int | None = None) -> tuple[dict, set[int]]:
    """(fields, indexes of the table's lines) from the top of a document.  Values keep the
    label they were printed with in ``info["_labels"]`` (field -> label) for the evidence."""
    fields, _, alone = _labels()
    max_lines = max_lines or rules.get("infotable", "max_lines")
    info: dict = {}
    used: set[int] = set()
    labels: dict = {}
    top = lines[:max_lines]
    i = 0
    while i < len(top):
        s = top[i].strip()
        m = alone.match(s) if s else None
        if m and i + 1 < len(top) and top[i + 1].strip() and not alone.match(top[i + 1].strip()) \
                and not pairs(top[i + 1]):
            # label on its own line, value on the next (one field per line)
            found = [(_key(m.group("label")), top[i + 1].strip())]
            at = [i, i + 1]
            i += 2
        else:
            found, at = pairs(s), [i]
            i += 1
        hit = False
        for label, value in found:
            key = fields.get(label)
            hit = True
            if key and value:
                info.setdefault(key, value)
                labels.setdefault(key, label)
        if hit:
            used.update(at)
    if len(info) < 2 and not any(k in info for k in ("published", "doc_number")):
        return {}, set()          # one "标题：" line is not a table
    info["_labels"] = labels
    return info, used
