"""Per-document data built once per index generation: facet values, date-sort keys, filter sets.

Whoosh's ``groupedby`` and ``sortedby`` ask a categorizer for every matching document on every
query, and a ``filter=`` query is run again on every search.  An index generation never
changes once written, so these depend only on the searcher (kb.search.engine.cache): the
categorizers are asked once for every document, the filter once per distinct filter.
"""
from __future__ import annotations

from collections import Counter
from itertools import chain

from whoosh import sorting

from kb.search.engine import cache

FILTERS_KEPT = 32       # distinct filters whose documents are kept per generation (a set each)


def _per_doc(searcher, categorizer) -> list:
    """The categorizer's names for every document (global docnum), as tuples."""
    if categorizer.needs_current:
        raise ValueError(f"{categorizer!r} needs a matcher")
    out: list = []
    name = categorizer.key_to_name
    for sub, offset in searcher.leaf_searchers():
        categorizer.set_searcher(sub, offset)
        n = sub.doc_count_all()
        if categorizer.allow_overlap:
            out.extend(tuple(name(k) for k in categorizer.keys_for(None, d)) for d in range(n))
        else:
            out.extend((name(categorizer.key_for(None, d)),) for d in range(n))
    return out


def counts(searcher, docnums, facets: dict) -> dict:
    """{facet name: {value: documents}} over ``docnums``, as ``groupedby`` with ``maptype=Count``
    gives them (facets: name -> whoosh FieldFacet)."""
    store = cache(searcher)
    out = {}
    for name, facet in facets.items():
        key = ("facet", facet.fieldname, facet.allow_overlap)
        values = store.get(key)
        if values is None:
            values = store[key] = _per_doc(searcher, facet.categorizer(searcher))
        out[name] = dict(Counter(chain.from_iterable(map(values.__getitem__, docnums))))
    return out


def sort_keys(searcher, facet) -> list:
    """Whoosh's sort key of every document (global docnum) for a ``sortedby`` facet."""
    store = cache(searcher)
    key = ("sort", repr(facet))
    keys = store.get(key)
    if keys is None:
        categorizer = sorting.MultiFacet.from_sortedby(facet).categorizer(searcher)
        keys = store[key] = [k for (k,) in _per_doc(searcher, _KeyOnly(categorizer))]
    return keys


class _KeyOnly:
    """A categorizer's raw keys (the sort keys), not its group names."""

    def __init__(self, categorizer):
        self.c = categorizer
        self.needs_current = categorizer.needs_current
        self.allow_overlap = False
        self.set_searcher = categorizer.set_searcher
        self.key_for = categorizer.key_for

    @staticmethod
    def key_to_name(key):
        return key


def filter_docs(searcher, key, build) -> dict | None:
    """{segment index: local docnums} of the documents a filter allows: ``build()`` gives its
    query (None: no filter after all), ``key`` stands for it."""
    store = cache(searcher)
    filters = store.setdefault("filters", {})
    if key not in filters:
        if len(filters) >= FILTERS_KEPT:
            del filters[next(iter(filters))]
        flt = build()
        filters[key] = None if flt is None else {
            i: set(flt.docs(sub)) for i, (sub, _) in enumerate(searcher.leaf_searchers())}
    return filters[key]
