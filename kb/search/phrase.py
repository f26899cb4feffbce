"""Quoted phrases (and words jieba cuts in several) without Whoosh's span machinery.

Whoosh's ``Phrase`` checks positions with ``SpanNear2``: Span objects per position, a bisect
per span, and a matcher that looks for its first match when it is built — over thousands of
candidates for a phrase of common words.  ``FastPhrase`` matches the same documents (the
words at consecutive positions) and scores them the same way (the intersection of the word
matchers), with positions decoded once into ints and compared as sets.
"""
from __future__ import annotations

from itertools import accumulate
from pickle import loads

from whoosh import matching
from whoosh.query import Phrase, Query
from whoosh.query.terms import Term
from whoosh.system import _INT_SIZE
from whoosh.util import make_binary_tree

from kb.search import speedups


def deltas(value: bytes) -> list:
    """The position gaps of a Positions-format posting value (``decode_positions`` sums them)."""
    if not value.endswith(b"."):
        value += b"."
    return loads(value[_INT_SIZE:])


def block_deltas(values) -> list:
    """``[deltas(v) for v in values]`` with a single unpickling: each value is a 4-byte count
    and a protocol 2 pickle of a list, so their bodies in a MARK … TUPLE are a tuple of lists."""
    try:
        got = loads(b"\x80\x02(" + b"".join([v[_INT_SIZE + 2:-1] for v in values]) + b"t.")
    except Exception:       # noqa: BLE001 - not the layout expected: one at a time
        got = ()
    if len(got) == len(values) and all(type(g) is list for g in got):
        return list(got)
    return [deltas(v) for v in values]


def adjacent(a: list, b: list) -> bool:
    """Whether a position of the second word follows one of the first (gaps of each)."""
    return consecutive([a, b])


def consecutive(gaps: list) -> bool:
    """Whether the words whose position gaps are given occur at positions p, p+1, p+2, …"""
    if speedups.C is not None:          # a merge of the position lists, in C
        got = speedups.C.consecutive(gaps)
        if got is not None:
            return got
    starts = set(accumulate(gaps[0]))
    for i in range(1, len(gaps)):
        if i == len(gaps) - 1:
            return not starts.isdisjoint(map((-i).__add__, accumulate(gaps[i])))
        starts.intersection_update(map((-i).__add__, accumulate(gaps[i])))
        if not starts:
            return False
    return bool(starts)


class FastPhrase(Phrase):
    """``Phrase`` with the default slop of 1, matched by ``PhraseMatcher``."""

    def matcher(self, searcher, context=None):
        field = searcher.schema[self.fieldname] if self.fieldname in searcher.schema else None
        if self.slop != 1 or field is None or not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)
        reader = searcher.reader()
        ms = []
        for word in self.words:
            try:
                btext = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (self.fieldname, btext) not in reader:
                return matching.NullMatcher()
            ms.append(Term(self.fieldname, btext).matcher(searcher, context))
        m = PhraseMatcher(make_binary_tree(matching.IntersectionMatcher, ms), ms)
        return matching.WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


def fast_phrases(q: Query) -> Query:
    """The query with every plain ``Phrase`` replaced by a ``FastPhrase``."""
    if type(q) is Phrase:
        return FastPhrase(q.fieldname, q.words, slop=q.slop, boost=q.boost, char_ranges=q.char_ranges)
    return q.apply(fast_phrases) if not q.is_leaf() else q


class PhraseMatcher(matching.WrappingMatcher):
    """The documents of the intersection ``child`` where the word matchers ``ms`` (its leaves,
    in phrase order) are at consecutive positions.  It settles lazily, so building one costs
    nothing; kb.search.engine reads ``child`` and ``ms`` directly instead of stepping it."""

    def __init__(self, child, ms, boost=1.0):
        super().__init__(child, boost)
        self.ms = ms
        self._settled = False

    def copy(self):
        return PhraseMatcher(self.child.copy(), self.ms, self.boost)

    def _replacement(self, newchild):
        return PhraseMatcher(newchild, self.ms, self.boost)

    def _settle(self):
        child = self.child
        while child.is_active() and not consecutive([deltas(m.value()) for m in self.ms]):
            child.next()
        self._settled = True

    def is_active(self):
        if not self._settled:
            self._settle()
        return self.child.is_active()

    def id(self):
        if not self._settled:
            self._settle()
        return self.child.id()

    def next(self):
        if not self._settled:
            self._settle()
        self.child.next()
        self._settled = False

    def skip_to(self, id):
        self.child.skip_to(id)
        self._settled = False

    def skip_to_quality(self, minquality):
        skipped = self.child.skip_to_quality(minquality / self.boost)
        self._settled = False
        return skipped

    def replace(self, minquality=0):
        return self if self.is_active() else matching.NullMatcher()

    def all_ids(self):
        while self.is_active():
            yield self.id()
            self.next()

    def score(self):
        if not self._settled:
            self._settle()
        return self.child.score() * self.boost

    def spans(self):
        raise NotImplementedError("PhraseMatcher does not give spans")
