"""Hot loops in C (kb/search/_speedups.c), when setup.py could compile it at install.

``C`` is the compiled module, or None: then the Python versions of the same loops run (they
are the reference: the tests compare the two). KB_SPEEDUPS=0 in the environment turns C off.
Used by kb.search.analyzer (the build's per-word loops), kb.search.writer (its per-posting
loop), kb.search.phrase (phrase checks) and the ranking's dict arithmetic (bm25, add_into, max_into).
"""
from __future__ import annotations

import os

try:
    from kb.search import _speedups as C
except ImportError:         # no C compiler at install time
    C = None
if os.environ.get("KB_SPEEDUPS") == "0":
    C = None


def bm25(ids: list, weights: list, idf: float, k1p1: float, norms: list) -> dict:
    """{docnum: BM25 score} of a term's postings (norms: K1 * length normalisation, by docnum)."""
    if C is not None:
        try:
            return C.bm25(ids, weights, idf, k1p1, norms)
        except (TypeError, ValueError, IndexError, OverflowError):
            pass                # not plain lists of ints and floats: the reference
    return {d: idf * ((w * k1p1) / (w + norms[d])) for d, w in zip(ids, weights)}


def add_into(dst: dict, src: dict) -> None:
    """dst[d] += s for each score of src (s when d is new)."""
    if C is not None:
        C.merge(dst, src, 0)
        return
    get = dst.get
    for d, s in src.items():
        x = get(d)
        dst[d] = s if x is None else x + s


def max_into(dst: dict, src: dict) -> None:
    """dst[d] = s for each score of src larger than dst.get(d, 0.0)."""
    if C is not None:
        C.merge(dst, src, 1)
        return
    get = dst.get
    for d, s in src.items():
        if s > get(d, 0.0):
            dst[d] = s

