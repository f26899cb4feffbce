"""The section tree of a document (第一章 / 第一条, 一、 / （一） / 1. / （1） / ①).

Levels are relative: the first numbering style met is level 1, a new style under it is
level 2, and a style already on the stack closes the deeper sections, as readers do.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kb import rules
from kb.model import Section


@lru_cache(maxsize=None)
def _styles() -> list[tuple[str, re.Pattern]]:
    return [(name, re.compile(p)) for name, p in rules.get("structure", "levels")]


@lru_cache(maxsize=None)
def _any_style() -> tuple[re.Pattern | None, dict[str, str]]:
    """All styles as one regex, each in a group of its own (``_s0``, ``_s1`` … -> style), tried in
    order as the loop over _styles() tries them; None when they cannot be joined."""
    styles = rules.get("structure", "levels")
    if any(re.compile(p).groups for _, p in styles):
        return None, {}
    try:
        rx = re.compile("|".join(f"(?P<_s{i}>{p})" for i, (_, p) in enumerate(styles)))
    except re.error:
        return None, {}
    return rx, {f"_s{i}": name for i, (name, _) in enumerate(styles)}


def marker(line: str) -> tuple[str, str] | None:
    """(style, marker text) if the line starts with a numbering marker."""
    s = line.strip()
    rx, names = _any_style()
    if rx is not None:
        m = rx.match(s)
        return (names[m.lastgroup], m.group(0)) if m else None
    for name, rx in _styles():
        m = rx.match(s)
        if m:
            return name, m.group(0)
    return None


_ARTICLE = re.compile(r"^第.+[条]$")
_STOPS = re.compile(r"[。；]")


@lru_cache(maxsize=None)
def _first_clause(max_len: int) -> re.Pattern:
    return re.compile(r"(.{1,%d}?)[。；：:]" % max_len)


def heading_of(line: str, mark: str) -> str:
    """The heading words after the marker: the whole line when short, else its first clause."""
    rest = line.strip()[len(mark):].strip()
    if _ARTICLE.match(mark):          # articles are cited by their number
        return mark
    max_len = rules.get("structure", "heading_max_len")
    if len(rest) <= max_len and not _STOPS.search(rest.rstrip("。；")):
        return rest.rstrip("。；：:")
    m = _first_clause(max_len).match(rest)
    return m.group(1) if m else rest[:20] + "…"


def parse_sections(text: str) -> list[Section]:
    sections: list[Section] = []
    stack: list[tuple[str, Section, list[int]]] = []   # (style, section, ordinal path)
    counters: dict[tuple, int] = {}
    pos = 0
    rx, names = _any_style()
    for line in text.split("\n"):
        if rx is not None:      # marker(line), inlined: this runs for every line
            m = rx.match(line.strip())
            found = (names[m.lastgroup], m.group(0)) if m else None
        else:
            found = marker(line)
        if found:
            style, mark = found
            if any(s == style for s, _, _ in stack):
                while stack and stack[-1][0] != style:
                    stack.pop()
                stack.pop()
            parent_path = stack[-1][2] if stack else []
            key = tuple(parent_path)
            counters[key] = counters.get(key, 0) + 1
            path = parent_path + [counters[key]]
            # a new parent restarts its children's numbering
            counters.pop(tuple(path), None)
            head = heading_of(line, mark)
            sec = Section(id="s" + "-".join(map(str, path)), level=len(path), number=mark,
                          heading=head, path=[s.heading for _, s, _ in stack] + [head],
                          start=pos + (len(line) - len(line.lstrip())), end=len(text))
            sections.append(sec)
            stack.append((style, sec, path))
        pos += len(line) + 1
    _close(sections, len(text))
    return sections


def _close(sections: list[Section], total: int) -> None:
    """A section ends where the next section of the same or a higher level starts."""
    open_: list[Section] = []       # sections not closed yet, levels rising (one pass, not n²)
    for t in sections:
        while open_ and open_[-1].level >= t.level:
            open_.pop().end = t.start
        open_.append(t)
    for s in open_:
        s.end = total


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The deepest section holding a character offset (for snippets with a heading path)."""
    best = None
    for s in sections:
        if s.start <= offset < s.end and (best is None or s.level >= best.level):
            best = s
    return best
