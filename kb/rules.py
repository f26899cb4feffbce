"""Access to the rule data in kb/data/rules.toml, loaded once and compiled."""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def rules() -> dict:
    with resources.files("kb").joinpath("data/rules.toml").open("rb") as f:
        return tomllib.load(f)


def get(section: str, key: str):
    return rules()[section][key]


@lru_cache(maxsize=None)
def rx(section: str, key: str, flags: int = 0) -> re.Pattern:
    """Compile a rule, filling in the DATE and TIME placeholders of kb.extract.dates."""
    from kb.extract.dates import DATE_RX, TIME_RX
    pattern = get(section, key)
    pattern = pattern.replace("DATE", DATE_RX).replace("TIME", TIME_RX)
    return re.compile(pattern, flags)


@lru_cache(maxsize=None)
def any_of(section: str, key: str) -> re.Pattern:
    """One regex matching any of a list of literal words (longest first)."""
    words = sorted(get(section, key), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


def char_class(chars) -> str:
    r"""A regex class of the given characters (or code points), written as ranges: ``[\x00-\x08\x0b]``.
    (A class of ranges is scanned several times faster than the same characters one by one.)"""
    codes = sorted({c if isinstance(c, int) else ord(c) for c in chars})
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        a, b = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        parts.append(a if i == j else f"{a}-{b}")
        i = j + 1
    return "[" + "".join(parts) + "]"


@lru_cache(maxsize=None)
def raw(section: str, key: str, flags: int = 0) -> re.Pattern:
    """Compile a rule as written (no placeholders filled in), once."""
    return re.compile(get(section, key), flags)


@lru_cache(maxsize=None)
def raw_list(section: str, key: str, flags: int = 0) -> tuple[re.Pattern, ...]:
    """Compile a list of rules as written, once."""
    return tuple(re.compile(p, flags) for p in get(section, key))


def alternation(patterns, flags: int = 0) -> re.Pattern | None:
    """One regex that matches (at a position) exactly where one of ``patterns`` would.

    None when the patterns cannot be joined safely (groups, whose numbers would shift, or
    flags that only stand at the start of a pattern): callers then try them one by one.
    """
    compiled = [re.compile(p, flags) for p in patterns]
    if not compiled or any(c.groups for c in compiled):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), flags)
    except re.error:
        return None


# ---- what a regex needs ---------------------------------------------------------------------
# Read from the regex itself (its parse tree, ``re._parser``), so rules stay the only source: an
# extractor asks what any match must hold and skips, exactly, the texts that cannot match before
# running a costly search.  Whatever the analysis does not understand gives no shortcut, never a
# wrong one (and an unknown Python version's parser gives none at all).


def required_chars(rx: re.Pattern) -> frozenset[str]:
    """Characters every match of ``rx`` contains, read from the regex itself.

    A text lacking one of them cannot match, so ``all(c in text for c in required_chars(rx))``
    is an exact, cheap test before a costly search.  Only plain literals count: anything the
    analysis does not understand (case-insensitive parts, classes, assertions) requires nothing.
    """
    return _required_chars(rx.pattern, rx.flags)


@lru_cache(maxsize=None)
def _required_chars(pattern: str, flags: int) -> frozenset[str]:
    if isinstance(pattern, bytes) or flags & re.IGNORECASE:
        return frozenset()
    try:
        from re import _constants as C, _parser
        tree = _parser.parse(pattern, flags)
        if tree.state.flags & re.IGNORECASE:
            return frozenset()

        def seq(items) -> set:
            out: set = set()
            for op, av in items:
                out |= one(op, av)
            return out

        def one(op, av) -> set:
            if op is C.LITERAL:
                return {chr(av)}
            if op is C.SUBPATTERN:
                _, add_flags, _, sub = av
                return set() if add_flags & re.IGNORECASE else seq(sub)
            if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
                lo, _, sub = av
                return seq(sub) if lo >= 1 else set()
            if op is getattr(C, "ATOMIC_GROUP", None):
                return seq(av)
            if op is C.BRANCH:
                alternatives = [seq(a) for a in av[1]]
                return set.intersection(*alternatives) if alternatives else set()
            if op is C.IN and len(av) == 1 and av[0][0] is C.LITERAL:
                return {chr(av[0][1])}
            return set()       # classes, any char, categories, anchors, assertions, group references
        return frozenset(seq(tree))
    except Exception:          # an unknown parser version: no shortcut, never a wrong one
        return frozenset()


def substring_safe(rx: re.Pattern) -> bool:
    """Whether a match of ``rx`` inside a piece of a text is also a match in the whole text:
    true when the regex looks at nothing but the characters it consumes (no anchors, word
    boundaries, lookarounds or conditionals).  Then a text without a match has no piece with one."""
    return _substring_safe(rx.pattern, rx.flags)


@lru_cache(maxsize=None)
def _substring_safe(pattern: str, flags: int) -> bool:
    try:
        from re import _constants as C, _parser
        unsafe = {C.AT, C.ASSERT, C.ASSERT_NOT, C.GROUPREF, C.GROUPREF_EXISTS,
                  getattr(C, "GROUPREF_IGNORE", C.GROUPREF), getattr(C, "GROUPREF_LOC_IGNORE", C.GROUPREF),
                  getattr(C, "GROUPREF_UNI_IGNORE", C.GROUPREF)}

        def ok(items) -> bool:
            for op, av in items:
                if op in unsafe:
                    return False
                if op is C.SUBPATTERN and not ok(av[3]):
                    return False
                if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)) and not ok(av[2]):
                    return False
                if op is getattr(C, "ATOMIC_GROUP", None) and not ok(av):
                    return False
                if op is C.BRANCH and not all(ok(a) for a in av[1]):
                    return False
            return True
        return ok(_parser.parse(pattern, flags))
    except Exception:
        return False


def requirements(rx: re.Pattern, most: int = 4) -> tuple[tuple[str, ...], ...]:
    """Words a text must hold for ``rx`` to match in it, read from the regex itself.

    Each entry is a tuple of alternatives, one of which every match contains:
    ``(?:具备|符合)(?:以下|下列)条件`` -> ``(("具备", "符合"), ("以下", "下列"), ("条件",))``.
    ``may_match`` tests them with plain substring searches, an exact and cheap test before a
    costly regex search.  Only the ``most`` most selective entries are kept.
    """
    return _requirements(rx.pattern, rx.flags, most)


def may_match(needs: tuple[tuple[str, ...], ...], text: str) -> bool:
    """False when ``text`` lacks one of the ``requirements`` (then the regex cannot match)."""
    for words in needs:
        for w in words:
            if w in text:
                break
        else:
            return False
    return True


@lru_cache(maxsize=None)
def _requirements(pattern: str, flags: int, most: int) -> tuple[tuple[str, ...], ...]:
    if isinstance(pattern, bytes) or flags & re.IGNORECASE:
        return ()
    try:
        from re import _constants as C, _parser
        tree = _parser.parse(pattern, flags)
        if tree.state.flags & re.IGNORECASE:
            return ()
        repeats = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None))

        def literal(op, av) -> str | None:
            if op is C.LITERAL:
                return chr(av)
            if op is C.IN and len(av) == 1 and av[0][0] is C.LITERAL:
                return chr(av[0][1])
            return None

        def seq(items) -> list[tuple[str, ...]]:
            """Requirements of a sequence: its runs of literal characters and its parts' needs."""
            out: list[tuple[str, ...]] = []
            run = ""
            for op, av in items:
                ch = literal(op, av)
                if ch is not None:
                    run += ch
                    continue
                if run:
                    out.append((run,))
                    run = ""
                out.extend(one(op, av))
            if run:
                out.append((run,))
            return out

        def one(op, av) -> list[tuple[str, ...]]:
            if op is C.SUBPATTERN:
                _, add_flags, _, sub = av
                return [] if add_flags & re.IGNORECASE else seq(sub)
            if op in repeats:
                lo, _, sub = av
                return seq(sub) if lo >= 1 else []
            if op is getattr(C, "ATOMIC_GROUP", None):
                return seq(av)
            if op is C.BRANCH:
                # every match holds one alternative, so one of the alternatives' best needs
                words: list[str] = []
                for alt in av[1]:
                    needs = seq(alt)
                    if not needs:
                        return []
                    words.extend(_best(needs))
                return [tuple(dict.fromkeys(words))]
            return []       # classes, any char, categories, anchors, assertions, group references

        return tuple(sorted(seq(tree), key=_selectivity, reverse=True)[:most])
    except Exception:       # an unknown parser version: no shortcut, never a wrong one
        return ()


def _selectivity(words: tuple[str, ...]) -> tuple[int, int]:
    """Longer and fewer alternatives reject more texts."""
    return min(map(len, words)), -len(words)


def _best(needs: list[tuple[str, ...]]) -> tuple[str, ...]:
    return max(needs, key=_selectivity)


def solid_width(rx: re.Pattern) -> int | None:
    """The most characters other than whitespace one match of ``rx`` can hold (whitespace runs
    like ``\\s*`` are free), or None when it is unbounded or cannot be told."""
    return _solid_width(rx.pattern, rx.flags)


@lru_cache(maxsize=None)
def _solid_width(pattern: str, flags: int) -> int | None:
    try:
        from re import _constants as C, _parser
        repeats = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None))

        def space_only(items) -> bool:
            return all((op is C.CATEGORY and av is C.CATEGORY_SPACE) or (op is C.LITERAL and chr(av).isspace())
                       for op, av in items)

        def seq(items) -> int | None:
            total = 0
            for op, av in items:
                w = one(op, av)
                if w is None:
                    return None
                total += w
            return total

        def one(op, av) -> int | None:
            if op is C.LITERAL:
                return 0 if chr(av).isspace() else 1
            if op in (C.NOT_LITERAL, C.ANY):
                return 1
            if op is C.IN:
                return 0 if space_only(av) else 1
            if op is C.SUBPATTERN:
                return seq(av[3])
            if op is getattr(C, "ATOMIC_GROUP", None):
                return seq(av)
            if op in repeats:
                lo, hi, sub = av
                w = seq(sub)
                if w is None or (w and hi is C.MAXREPEAT):
                    return None
                return w * hi
            if op is C.BRANCH:
                widths = [seq(a) for a in av[1]]
                return None if None in widths else max(widths)
            if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
                return 0
            return None
        return seq(_parser.parse(pattern, flags))
    except Exception:
        return None


def end_class(rx: re.Pattern) -> re.Pattern | None:
    """For a regex that ends at the end of the text (``…\\d{1,4}\\s*$``): a one-character regex the
    last character of the text other than whitespace must match, else None.  ``ends_right`` tests
    it, an exact and cheap test before a regex that would scan the whole line to fail."""
    return _end_class(rx.pattern, rx.flags)


def ends_right(cls: re.Pattern | None, text: str) -> bool:
    """False when ``text`` cannot match the regex ``cls`` was taken from (see ``end_class``)."""
    if cls is None:
        return True
    t = text.rstrip()
    return bool(t) and cls.fullmatch(t[-1]) is not None


@lru_cache(maxsize=None)
def _end_class(pattern: str, flags: int) -> re.Pattern | None:
    if isinstance(pattern, bytes) or flags & (re.IGNORECASE | re.MULTILINE):
        return None
    try:
        from re import _constants as C, _parser
        tree = _parser.parse(pattern, flags)
        if tree.state.flags & (re.IGNORECASE | re.MULTILINE):
            return None
        repeats = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None))
        categories = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s",
                      C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W"}

        def space_only(items) -> bool:
            return all((op is C.IN and all(o is C.CATEGORY and a is C.CATEGORY_SPACE for o, a in av))
                       or (op is C.LITERAL and chr(av).isspace()) for op, av in items)

        def last_solid(items):
            """The class of the last character other than whitespace any match of ``items`` ends with."""
            for op, av in reversed(items):
                if op in repeats and av[0] == 0 and space_only(av[2]):
                    continue                    # \s* at the end: whitespace only
                if op is C.LITERAL:
                    return None if chr(av).isspace() else re.escape(chr(av))
                if op is C.IN:
                    parts = []
                    for o, a in av:
                        if o is C.NEGATE:
                            parts.append("^")
                        elif o is C.LITERAL:
                            parts.append(re.escape(chr(a)))
                        elif o is C.RANGE:
                            parts.append(f"{re.escape(chr(a[0]))}-{re.escape(chr(a[1]))}")
                        elif o is C.CATEGORY and a in categories:
                            parts.append(categories[a])
                        else:
                            return None
                    return "[" + "".join(parts) + "]"
                if op in repeats and av[0] >= 1:
                    return last_solid(av[2])
                if op is C.SUBPATTERN and not (av[1] & (re.IGNORECASE | re.MULTILINE)):
                    return last_solid(av[3])
                return None
            return None

        items = list(tree)
        if not items or items[-1] != (C.AT, C.AT_END) and items[-1] != (C.AT, C.AT_END_STRING):
            return None
        cls = last_solid(items[:-1])
        if cls is None:
            return None
        compiled = re.compile(cls, flags & re.ASCII)
        # the class must not hold whitespace: it stands for the last character that is not
        spaces = (chr(i) for i in range(0x10000) if chr(i).isspace())    # (none lie above)
        return None if any(compiled.fullmatch(c) for c in spaces) else compiled
    except Exception:
        return None
