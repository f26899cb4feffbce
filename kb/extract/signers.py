"""Issuing bodies as a signature, a 版头 or a run of text prints them.

Joint signatures are often run together by a converter or a scraper
(``发展改革委工业和信息化部``, ``无锡市住房和城乡建设局中国人民银行无锡市分行``) or glued to the
line above (``附件：…企业清单生态环境部办公厅``).  A run is cut into names a reader would see:
names the gazetteer knows (kb/data/aliases.json, with its place patterns and sub-units) or
names that open with a place; a branch (``无锡监管分局``, ``上海总部``) stays with the body before it.
Segmentation is a dynamic programme over the run: linear in its length times the longest name.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kb import aliases, rules
from kb.extract import bodies

_MAX_NAME = 30
_SPACES = re.compile(r"[ \u3000]+")


@lru_cache(maxsize=None)
def _places() -> tuple[frozenset[str], int]:
    from kb import regions
    full, short, _, _ = regions._index()
    names = {n for n in (*full, *short) if len(n) >= 2} - regions.AMBIGUOUS_SHORT
    return frozenset(names), max(map(len, names), default=0)


def _place_prefix(name: str) -> bool:
    """Opens with a place name: 无锡市…, 湖南省…, 深圳…."""
    places, longest = _places()
    return any(name[:k] in places for k in range(2, min(longest, len(name) - 1) + 1))


@lru_cache(maxsize=8192)
def score(name: str) -> int:
    """How surely ``name`` is one body: 4 a national body's local office (国家税务总局北京市税务局),
    3 known to the gazetteer, 2 a place's body, 1 a branch of the body before it, 0 shaped like
    a body only, -1 not a body."""
    if not bodies.is_body_name(name) or len(name) < 2:
        return -1
    if aliases._body(name):
        return 3
    for k in range(2, len(name) - 2):
        if aliases._body(name[:k]) and not _place_prefix(name[:k]) and _place_prefix(name[k:]) \
                and bodies.is_body_name(name[k:]):
            return 4
    if name.endswith(tuple(rules.get("signers", "branch_suffixes"))):
        return 1
    if _place_prefix(name):
        return 2
    return 0


# what a piece adds to a cut: a national body's local office counts as much as the two names it
# is made of, so it stays whole; every piece costs a little, so no cut is made without a reason
_WEIGHT = {4: 2.0, 3: 1.0, 2: 1.0}
_PIECE_COST = 0.1


def _cuts(run: str) -> list[str] | None:
    """The best cut of ``run`` into names; None if it cannot be cut into names."""
    n = len(run)
    # best[i] = (value, cut list) for run[:i]; a branch joins the piece before it
    best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for i in range(1, n + 1):
        for j in range(max(0, i - _MAX_NAME), i):
            if best[j] is None:
                continue
            piece = run[j:i]
            s = score(piece)
            value, cuts = best[j]
            if s >= 2:
                cand = (value + _WEIGHT[s] - _PIECE_COST, cuts + [piece])
            elif s == 1 and cuts:
                cand = (value, cuts[:-1] + [cuts[-1] + piece])
            else:
                continue
            if best[i] is None or cand[0] > best[i][0] + 1e-9:
                best[i] = cand
    return best[n][1] if best[n] else None


def segment(run: str) -> list[str]:
    """A run of names without separators -> the names; ``[run]`` when no better cut exists."""
    run = run.strip()
    if not run:
        return []
    cuts = _cuts(run) if len(run) > 3 else None
    return cuts if cuts and len(cuts) > 1 else [run]


def line_names(line: str) -> list[str] | None:
    """The names a signature line holds (space-separated, each possibly a run); None if the line
    is not one.  A name set with spaces between its characters (国 家 能 源 局) is one name."""
    s = line.strip()
    tokens = s.split()
    if tokens and all(len(t) == 1 for t in tokens):
        tokens = ["".join(tokens)]
    if not tokens or not all(bodies.is_body_name(t) for t in tokens):
        return None
    out: list[str] = []
    for t in tokens:
        out.extend(segment(t))
    return out


def trailing_name(line: str) -> list[str] | None:
    """Names glued to the end of a line that is not a signature (…企业清单生态环境部办公厅)."""
    s = line.strip()
    if not s or s[-1] in "。；，、：:！？）)》”":
        return None
    for k in range(min(len(s) - 1, 4 * _MAX_NAME), 1, -1):
        cuts = _cuts(s[-k:])
        if cuts:
            return cuts
    return None


def masthead(line: str) -> list[str] | None:
    """The 版头 of a 公文 (发文机关标志): ``生态环境部国家发展和改革委员会…文件`` -> the names."""
    s = _SPACES.sub("", line.strip())
    if not s.endswith("文件") or len(s) < 5:
        return None
    return _cuts(s[:-2])
