"""Whole-postings evaluation of the queries our parser produces.

Whoosh steps its matchers one document at a time through a dozen Python calls per posting,
and building them already reads postings.  For the shapes our queries take (And / Or of
terms and phrases, ``Every``) it is several times faster to read each term's postings block
by block, find the candidate documents with set operations and score them in one
comprehension.  The plan follows Whoosh's matcher construction (the same weighted trees,
the same ArrayUnionMatcher for small segments), so the float additions happen in the same
nesting and the scores are Whoosh's, bit for bit.  Anything else raises ``Unsupported`` and
the caller lets Whoosh search.

Phrases are checked lazily for a top-k: scores are first computed as if every phrase
matched (an upper bound), then positions are checked for the best candidates, and then for
those whose bound can still reach the k-th score found.
"""
from __future__ import annotations

import heapq
from bisect import insort

from whoosh import query as Q
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3TermsReader, _lenfield
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from kb.search import speedups
from kb.search.phrase import FastPhrase, adjacent, consecutive
from kb.search.postings import Postings

FIRST_BATCH = 2         # times k: the best candidates whose phrases are checked first


class Unsupported(Exception):
    """The query has a part this module does not evaluate."""


def cache(searcher) -> dict:
    """Data derived from the index, kept with the searcher (one per generation and thread)."""
    c = searcher.__dict__.get("_kb_cache")
    if c is None:
        c = searcher._kb_cache = {}
    return c


def _norms(sub, segment: int, field: str, K1: float, B: float, avgfl: float, store: dict) -> list:
    """BM25's length normalisation of every document of a segment (the part of the score that
    does not depend on the term), computed as ``whoosh.scoring.bm25()`` does."""
    key = ("norms", segment, field, K1, B, avgfl)
    norms = store.get(key)
    if norms is None:
        raw = _length_bytes(sub, field)
        if raw is not None:     # one value per length byte, then a look-up per document
            table = [None] + [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) for b in range(1, 256)]
            norms = store[key] = [table[b] for b in raw]
        else:
            lengths = (sub.doc_field_length(d, field, 1) for d in range(sub.doc_count_all()))
            norms = store[key] = [None if fl is None else K1 * ((1 - B) + B * fl / avgfl) for fl in lengths]
    return norms


def _length_bytes(sub, field: str) -> bytes | None:
    """The length byte of every document of a segment, read at once from whoosh3's lengths column
    (what doc_field_length reads document by document: 0.1 s of a cold search on 10,000
    documents); None when the column is not that one (then the caller asks doc_field_length)."""
    try:
        col = sub.reader()._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if col is None or col._typecode != "B" or col._fixedlen != 1 or col._reverse:
            return None
        n = sub.doc_count_all()
        raw = bytes(col._dbfile.get(col._basepos, min(col._count, n)))
        return raw + col._defaultbytes * (n - len(raw))
    except (AttributeError, TypeError):
        return None


def _weighted(kind: str, items: list):
    """whoosh.util.make_weighted_tree over (weight, node): ties keep their order, as they
    do between Whoosh's matchers (which never compare less)."""
    ls = sorted((w, i, n) for i, (w, n) in enumerate(items))
    count = len(ls)
    while len(ls) > 1:
        a, b = ls.pop(0), ls.pop(0)
        insort(ls, (a[0] + b[0], count, (kind, a[2], b[2])))
        count += 1
    return ls[0][2]


def _binary(kind: str, nodes: list):
    """whoosh.util.make_binary_tree."""
    if len(nodes) == 1:
        return nodes[0]
    half = len(nodes) // 2
    return (kind, _binary(kind, nodes[:half]), _binary(kind, nodes[half:]))


def _boosted(node, boost):
    return node if boost == 1.0 else ("boost", node, boost)


NULL = ("null",)


class Evaluation:
    """One query over every segment of a searcher, restricted to ``allow`` ({segment index:
    local docnums}, kb.search.facets.filter_docs)."""

    def __init__(self, searcher, q, allow: dict | None = None, leaves: dict | None = None):
        """``leaves``: a dict shared by the evaluations of one search, so that a term's
        postings are read (and scored) once however many of its parts use it."""
        self.top_searcher = searcher
        self.store = cache(searcher)
        w = searcher.weighting
        if type(w) is not BM25F:
            raise Unsupported(type(w).__name__)
        self.segments = []          # (index, subsearcher, offset, plan, allowed docnums or None)
        self._leaves: dict = {} if leaves is None else leaves
        for i, (sub, offset) in enumerate(searcher.leaf_searchers()):
            if not sub.doc_count():
                continue            # every document deleted
            local = None if allow is None else allow.get(i)
            if allow is not None and not local:
                continue
            self.segments.append((i, sub, offset, self._plan(q, i, sub)[0], local))
        self.phrases = any(_has(seg[3], "phrase") for seg in self.segments)
        self._matched: dict = {}    # id(node) -> _docs(node)

    # the plan: Whoosh's matcher tree, as tuples, with Whoosh's estimate of its size

    def _plan(self, q, segment, sub) -> tuple:
        t = type(q)
        reader = sub.reader()
        if t is Q.Term:
            if q.minquality:
                raise Unsupported("minquality")
            leaf, df = self._term(q.fieldname, q.text, segment, sub)
            return _boosted(leaf, q.boost), df
        if t is FastPhrase:
            field = sub.schema[q.fieldname] if q.fieldname in sub.schema else None
            if q.slop != 1 or field is None or not field.format or not field.format.supports("positions"):
                raise Unsupported("phrase")
            terms = [self._term(q.fieldname, word, segment, sub) for word in q.words]
            if any(leaf is NULL for leaf, _ in terms):
                return NULL, 0
            leaves = [leaf for leaf, _ in terms]
            node = ("phrase", _binary("and", leaves), [leaf[1] for leaf in leaves])
            return _boosted(node, q.boost), min(df for _, df in terms)
        if t in (Q.And, Q.Or):
            subs = q.subqueries
            if not subs:
                return NULL, 0
            planned = [self._plan(s, segment, sub) for s in subs]
            sizes = [size for _, size in planned]
            size = min(sizes) if t is Q.And else min(sum(sizes), reader.doc_count())
            if len(subs) == 1:
                return planned[0][0], size
            if t is Q.And:
                return _boosted(_weighted("and", [(0 - e, n) for n, e in planned]), q.boost), size
            if q.matcher_type != Q.Or.AUTO_MATCHER or q.scale:
                raise Unsupported("Or")
            if len(subs) < Q.Or.TOO_MANY_CLAUSES and (len(subs) == 2 or sub.doc_count_all() > 5000):  # DefaultOr
                return _boosted(_weighted("or", [(e, n) for n, e in planned]), q.boost), size
            return ("sum", [n for n, _ in planned], q.boost), size              # PreloadedOr
        if t is Q.Every and q.fieldname in (None, "", "*"):
            return ("list", list(reader.all_doc_ids()), q.boost), reader.doc_count()
        if q is Q.NullQuery:
            return NULL, 0
        raise Unsupported(t.__name__)

    def _term(self, fieldname, text, segment, sub) -> tuple:
        """The leaf of a term and its document frequency (Term.estimate_size)."""
        schema = sub.schema
        if fieldname not in schema:
            return NULL, 0
        field = schema[fieldname]
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return NULL, 0
        key = (segment, fieldname, btext)
        got = self._leaves.get(key)
        if got is None:
            terms = sub.reader()._terms
            if type(terms) is not W3TermsReader:
                raise Unsupported(type(terms).__name__)
            try:
                info = terms.term_info(fieldname, btext)
            except TermNotFound:
                return NULL, 0
            m = terms._codec.postings_reader(terms._postfile, info, field.format, term=(fieldname, btext))
            if type(m) is not W3LeafMatcher:
                raise Unsupported(type(m).__name__)
            score = None                # WeightScorer: the weight
            if field.scorable:          # BM25FScorer
                w, top = self.top_searcher.weighting, self.top_searcher
                K1, B = w.K1, w._field_B.get(fieldname, w.B)
                avgfl = self.store.get(("avgfl", fieldname))
                if avgfl is None:
                    avgfl = self.store[("avgfl", fieldname)] = top.avg_field_length(fieldname) or 1
                norms = _norms(sub, segment, fieldname, K1, B, avgfl, self.store)
                score = (top.idf(fieldname, btext), K1 + 1, norms)
            leaf = Postings(m, sub.reader().deleted_docs_set, score)
            got = self._leaves[key] = (("leaf", leaf), info.doc_frequency())
        return got

    # evaluation

    def _docs(self, node) -> set:
        """The documents a node matches, phrases taken as matching (kept: never change it)."""
        got = self._matched.get(id(node))
        if got is None:
            kind = node[0]
            if kind == "leaf":
                got = node[1].docs()
            elif kind == "and":
                got = self._docs(node[1]) & self._docs(node[2])
            elif kind == "or":
                got = self._docs(node[1]) | self._docs(node[2])
            elif kind in ("phrase", "boost"):
                got = self._docs(node[1])
            elif kind == "sum":
                got = set().union(*(self._docs(n) for n in node[1]))
            else:
                got = set(node[1]) if kind == "list" else set()
            self._matched[id(node)] = got
        return got

    def _eval(self, node, only: set | None, verify: bool) -> dict:
        """A new {docnum: score} for the documents of ``only`` (None: all) the node matches."""
        kind = node[0]
        if kind == "leaf":
            return node[1].scores(only)
        if kind == "or":
            a = self._eval(node[1], only, verify)
            b = self._eval(node[2], only, verify)
            big, small = (a, b) if len(a) >= len(b) else (b, a)
            speedups.add_into(big, small)     # a + b == b + a in IEEE arithmetic
            return big
        if kind == "and":          # the documents both sides have (sets), then their scores
            both = self._docs(node) if only is None else self._docs(node) & only
            if not both:
                return {}
            a = self._eval(node[1], both, verify)
            b = self._eval(node[2], both, verify)
            big, small = (a, b) if len(a) >= len(b) else (b, a)
            return {d: s + big[d] for d, s in small.items() if d in big}
        if kind == "boost":
            boost = node[2]
            return {d: s * boost for d, s in self._eval(node[1], only, verify).items()}
        if kind == "phrase":
            d = self._eval(node[1], only, verify)
            if verify and d:
                leaves = node[2]
                # every pair of neighbouring words of a phrase is adjacent: the pair of the rarest
                # words is checked first, and the other words' positions are read for the
                # documents left only (those of common words are most of the reading)
                i = min(range(len(leaves) - 1), key=lambda i: leaves[i].size() + leaves[i + 1].size())
                a, b = leaves[i].gaps(d), leaves[i + 1].gaps(d)
                d = {k: s for k, s in d.items() if adjacent(a[k], b[k])}
                if len(leaves) > 2 and d:
                    vals = [leaf.gaps(d) for leaf in leaves]
                    d = {k: s for k, s in d.items() if consecutive([v[k] for v in vals])}
            return d
        if kind == "sum":          # ArrayUnionMatcher: 0 + s1*boost + s2*boost …, kept when > 0
            acc: dict = {}
            boost = node[2]
            for n in node[1]:
                for d, s in self._eval(n, only, verify).items():
                    acc[d] = acc[d] + s * boost if d in acc else 0.0 + s * boost
            return {d: s for d, s in acc.items() if s > 0}
        if kind == "list":
            return dict.fromkeys(node[1] if only is None else [d for d in node[1] if d in only], node[2] or 1.0)
        return {}

    def scores(self, verify: bool = True, only=None) -> dict:
        """{global docnum: score} of the matches (of ``only`` when given, global docnums)."""
        out: dict = {}
        for i, sub, offset, plan, local in self.segments:
            restrict = local
            if only is not None:
                end = offset + sub.doc_count_all()
                mine = [d - offset for d in only if offset <= d < end]
                restrict = set(mine) if local is None else local.intersection(mine)
                if not restrict:
                    continue
            got = self._eval(plan, restrict, verify)
            out.update({d + offset: s for d, s in got.items()} if offset else got)
        return out

    def top(self, k: int) -> tuple[list, int, bool]:
        """The best ``k`` (docnum, score); the number of matches, and whether it is exact: when
        some phrases were left unchecked, it counts the documents that have all their words."""
        if not self.phrases:
            found = self.scores()
            return best(found, k), len(found), True
        upper = self.scores(verify=False)
        found: dict = {}
        checked: set = set()
        batch = FIRST_BATCH * k
        while len(checked) < len(upper):
            if len(found) < k:          # not k matches yet: the next best candidates
                todo = heapq.nlargest(batch, (d for d in upper if d not in checked), key=upper.__getitem__)
                batch *= 2
            else:                       # those that could still beat the k-th score
                kth = best(found, k)[-1][1]
                todo = [d for d, u in upper.items() if u >= kth and d not in checked]
                if not todo:
                    break
            found.update(self.scores(verify=True, only=todo))
            checked.update(todo)
        if len(checked) == len(upper):
            return best(found, k), len(found), True
        return best(found, k), len(upper), False


def _has(node, kind) -> bool:
    if node[0] == kind:
        return True
    children = node[1] if node[0] == "sum" else [n for n in node[1:3] if isinstance(n, tuple)]
    return any(_has(n, kind) for n in children)


def best(scores: dict, k: int | None) -> list:
    """The ``k`` highest (docnum, score), ties by docnum, as Whoosh's collectors order them."""
    if k is not None and len(scores) > k:
        kth = heapq.nlargest(k, scores.values())[-1]
        items = [(d, s) for d, s in scores.items() if s >= kth]
    else:
        items = list(scores.items())
    items.sort(key=lambda ds: (-ds[1], ds[0]))
    return items if k is None else items[:k]
