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


def marker(line: str) -> tuple[str, str] | None:
    """(style, marker text) if the line starts with a numbering marker."""
    s = line.strip()
    for name, rx in _styles():
        m = rx.match(s)
        if m:
            return name, m.group(0)
    return None


def heading_of(line: str, mark: str) -> str:
    """The heading words after the marker: the whole line when short, else its first clause."""
    rest = line.strip()[len(mark):].strip()
    if re.match(r"^第.+[条]$", mark):          # articles are cited by their number
        return mark
    max_len = rules.get("structure", "heading_max_len")
    if len(rest) <= max_len and not re.search(r"[。；]", rest.rstrip("。；")):
        return rest.rstrip("。；：:")
    m = re.match(r"(.{1,%d}?)[。；：:]" % max_len, rest)
    return m.group(1) if m else rest[:20] + "…"


def parse_sections(text: str) -> list[Section]:
    sections: list[Section] = []
    stack: list[tuple[str, Section, list[int]]] = []   # (style, section, ordinal path)
    counters: dict[tuple, int] = {}
    pos = 0
    for line in text.split("\n"):
        found = marker(line)
        if found:
            style, mark = found
            styles_on_stack = [s for s, _, _ in stack]
            if style in styles_on_stack:
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
    for i, s in enumerate(sections):
        s.end = total
        for t in sections[i + 1:]:
            if t.level <= s.level:
                s.end = t.start
                break


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The deepest section holding a character offset (for snippets with a heading path)."""
    best = None
    for s in sections:
        if s.start <= offset < s.end and (best is None or s.level >= best.level):
            best = s
    return best
