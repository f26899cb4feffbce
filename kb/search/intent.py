"""What a full-text query asks for: its concepts, dates, exclusions and version wishes.

``parse(text)`` turns the words of a query (typed with or without spaces, or as a question) into

* concepts: each a list of alternative forms (a word, its aliases, the region an abbreviation
  stands for, the sub-words of a long word); a document matching more concepts ranks higher,
  but none is required;
* quoted phrases, which are required;
* exclusions (``-word``, ``NOT word``);
* dates (``2023年``, ``2025年4月30日``, ``二〇一〇年``) compared with the record's dates;
* whether the query asks for the newest version (最新) or for drafts (征求意见稿).

Question words and particles (kb/data/query_words.toml) are dropped.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from kb import aliases, regions
from kb.search.analyzer import ChineseAnalyzer, _subword_spans, segmenter_for

CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4",
             "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN = "〇○零Ｏ一二三四五六七八九"
_DATE = re.compile(rf"((?:19|20)\d\d|[一二][{_CN}]{{3}})\s*年(?:\s*(\d{{1,2}})\s*月(?:\s*(\d{{1,2}})\s*[日号])?)?")


@lru_cache(maxsize=1)
def words() -> dict:
    raw = resources.files("kb").joinpath("data/query_words.toml").read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    data["drop_set"] = frozenset(data["drop"])
    return data


@lru_cache(maxsize=1)
def _abbreviations() -> dict:
    """Province abbreviation (粤) -> its names (广东, 广东省), from kb/data/regions.json."""
    out = {}
    for p in regions.load()["provinces"]:
        if p.get("abbr"):
            out[p["abbr"]] = [*p["short"], p["name"]]
    return out


@dataclass
class Intent:
    concepts: list = field(default_factory=list)      # [[form, …], …]
    phrases: list = field(default_factory=list)       # required quoted phrases
    exclude: list = field(default_factory=list)       # words no hit may contain
    dates: list = field(default_factory=list)         # (year, month | None, day | None)
    pairs: list = field(default_factory=list)         # neighbouring query words (proximity)
    places: list = field(default_factory=list)        # (full name, province) of each region the query names
    newest: bool = False
    drafts: bool = False

    def highlight(self) -> list[str]:
        return list(dict.fromkeys([*self.phrases, *(f for c in self.concepts for f in c if len(f) > 1)]))


_ANALYZER = None


def tokens(text: str) -> list[str]:
    """The query-mode words of a text (precise jieba words, lowercased, no punctuation)."""
    global _ANALYZER
    if _ANALYZER is None:
        _ANALYZER = ChineseAnalyzer("query")
    return [t.text for t in _ANALYZER(text)]


def _year(s: str) -> int:
    return int("".join(CN_DIGITS.get(c, c) for c in s))


def parse(text: str) -> Intent:
    it = Intent()
    data = words()
    drop = data["drop_set"]
    # quoted phrases are required
    for m in re.finditer(r'"([^"]+)"', text):
        it.phrases.append(m.group(1))
    text = re.sub(r'"[^"]*"', " ", text)
    chunks = text.split()
    kept = []
    i = 0
    while i < len(chunks):
        c = chunks[i]
        if c.upper() == "NOT" and i + 1 < len(chunks):
            it.exclude.append(chunks[i + 1])
            i += 2
            continue
        if c.startswith("-") and len(c) > 1:
            it.exclude.append(c[1:])
        elif c.upper() not in ("AND", "OR"):
            kept.append(c)
        i += 1
    text = " ".join(kept)
    it.drafts = any(w in text for w in data["draft_query"])
    for w in data["newest"]:
        if w in text:
            it.newest = True
            text = text.replace(w, " ")
    for m in _DATE.finditer(text):
        it.dates.append((_year(m.group(1)), int(m.group(2)) if m.group(2) else None,
                         int(m.group(3)) if m.group(3) else None))
    text = _DATE.sub(" ", text)
    abbr = _abbreviations()
    freq = segmenter_for(text).FREQ         # the entries of the query's substrings suffice
    seen = set()
    for chunk in text.split():
        if chunk in abbr:                       # 粤 alone: 广东 / 广东省
            it.concepts.append(list(abbr[chunk]))
            it.places.append((abbr[chunk][-1], abbr[chunk][-1]))
            continue
        prev = None
        for w, extra in _everyday(tokens(chunk), data["everyday"]):
            if w in drop:
                prev = None
                continue
            if prev is not None:
                it.pairs.append((prev, w))
            prev = w
            if w in seen:
                continue
            seen.add(w)
            place = _place(w)
            if place:
                it.places.append(place)
            forms = [f for f in aliases.expand(w) if f] + extra
            # the dictionary words inside a long word: 买新房 also finds 新房
            if len(w) >= 3 and re.search(r"[\u3400-\u9fff]", w):
                forms += [w[a:b] for a, b in _subword_spans(w, freq) if w[a:b] not in drop]
            it.concepts.append(list(dict.fromkeys(f.lower() for f in forms)))
    return it


def _everyday(toks: list[str], table: dict, longest: int = 4):
    """(word, its 公文 forms) for the words of a query chunk: a run of words that is an
    everyday key (首+套房 = 首套房) is one word; word boundaries are kept, so 房租 is not
    found inside 住房/租赁."""
    i = 0
    while i < len(toks):
        for j in range(min(len(toks), i + longest), i, -1):
            w = "".join(toks[i:j])
            if w in table:
                yield w, list(table[w])
                i = j
                break
        else:
            yield toks[i], []
            i += 1


def date_forms(d: tuple) -> list[str]:
    """Texts a date of the query may be written as in a document."""
    y, m, day = d
    s = f"{y}年" + (f"{m}月" if m else "") + (f"{day}日" if day else "")
    return [s]


def _place(word: str) -> tuple | None:
    """The full name of the region a query word names (武汉 -> 武汉市, 西山区), or None."""
    full, short = regions._index()[:2]
    regs = full.get(word) or ([short[word]] if word in short and word not in regions.AMBIGUOUS_SHORT else [])
    if len(regs) != 1 or len(word) < 2:
        return None
    return next(x for x in reversed(regs[0]) if x), regs[0][0]
