"""Ranking of a parsed query (kb.search.intent): disjunctive BM25F with coordination.

Every document having at least one concept of the query is a candidate (nothing is required
but quoted phrases).  A concept's score is the best BM25F score among its forms (a word and its
aliases are one concept, not several), summed over the concepts over title and body, then
multiplied by the square of the share of the query's concept weight (idf) the document
matches: documents having more of what the query asks rank first.  The best candidates are
then adjusted by what their stored fields say: the query's dates against the record's
dates, drafts below issued versions unless drafts are asked for, the newest first for 最新.
All of it costs the postings of the query's words plus a fixed number of stored-field reads.
"""
from __future__ import annotations

from whoosh import query as Q

from kb.search import engine, speedups
from kb.search.intent import Intent, date_forms, tokens, words
from kb.search.phrase import FastPhrase

FIELDS = ("title", "body")
COORD_POWER = 2         # score * (matched concept weight / query concept weight) ** COORD_POWER
RERANK = 50             # candidates whose stored fields are read (at least, or 3x the page)
DATE_MATCH = 2.0        # the record's date has the query's date (to its precision)
YEAR_MATCH = 1.3        # the record's year only, for a query date with month or day
PLACE = 1.5             # the record's region is a place the query names (each place)
ELSEWHERE = 0.7         # the record is of another province than every place the query names
DRAFT = 0.5             # a draft when the query does not ask for drafts
PROXIMITY = 1.0         # up to this much more when every neighbouring pair of query words is a phrase
NEWEST = 0.5            # up to this much more for the newest candidate, for 最新


def _form_query(form: str):
    toks = tokens(form)
    if not toks:
        return None, 0
    if len(toks) == 1:
        return Q.Or([Q.Term(f, toks[0]) for f in FIELDS]), toks
    return Q.Or([FastPhrase(f, toks) for f in FIELDS]), toks


def _eval(s, q, allow, verify=False, leaves=None) -> dict:
    return engine.Evaluation(s, q, allow, leaves).scores(verify=verify)


def scores(s, it: Intent, allow, limit) -> dict:
    """{docnum: score} of every candidate."""
    concepts = list(it.concepts)
    for d in it.dates:          # the date as text is one more concept
        concepts.append(date_forms(d))
    leaves: dict = {}           # term postings, read once for all the parts of the query
    total = 0.0
    summed: dict = {}
    weight: dict = {}
    found = 0                   # concepts some document has
    for forms in concepts:
        best: dict = {}
        w = 0.0
        for form in forms:
            q, toks = _form_query(form)
            if q is None:
                continue
            got = _eval(s, q, allow, leaves=leaves)
            if not got:
                continue
            if not w:           # the concept weighs what its first form found weighs
                w = max(s.idf("body", t) for t in toks)
            speedups.max_into(best, got)
        if not best:
            continue            # no document has it: it ranks no document above another
        total += w
        found += 1
        speedups.add_into(summed, best)
        speedups.add_into(weight, dict.fromkeys(best, w))
    if found == 1 and total:
        out = summed            # one concept: each candidate has all of the query's weight (x 1.0)
    else:
        out = {d: sc * (weight[d] / total) ** COORD_POWER for d, sc in summed.items()} if total else {}
    for phrase in it.phrases:   # quoted: required
        q, _ = _form_query(phrase)
        got = _eval(s, q, allow, verify=True, leaves=leaves) if q is not None else {}
        out = {d: out.get(d, 0.0) + sc for d, sc in got.items() if not summed or d in out}
    for word in it.exclude:
        q, _ = _form_query(word)
        if q is not None:
            for d in _eval(s, q, allow, verify=True, leaves=leaves):
                out.pop(d, None)
    if out:
        n = max(RERANK, 3 * (limit or 0))
        _proximity(s, it, out, allow, n, leaves)
        _adjust(s, it, out, n)
    return out


def _proximity(s, it: Intent, out: dict, allow, n: int, leaves: dict) -> None:
    """The query's neighbouring words that are neighbours in a document too (a phrase of two,
    in title or body) raise its score by up to PROXIMITY; checked for the ``n`` best only."""
    pairs = [(a, b) for a, b in it.pairs if a and b]
    if not pairs:
        return
    top = {d for d, _ in engine.best(out, n)}
    hits = dict.fromkeys(top, 0)
    for a, b in pairs:
        q = Q.Or([FastPhrase(f, [a, b]) for f in FIELDS])
        ev = engine.Evaluation(s, q, allow, leaves)
        for d in ev.scores(verify=True, only=top):
            hits[d] += 1
    for d, k in hits.items():
        if k:
            out[d] *= 1.0 + PROXIMITY * k / len(pairs)


def _adjust(s, it: Intent, out: dict, n: int) -> None:
    """Date, draft and newest signals for the ``n`` best candidates (changed in place)."""
    top = engine.best(out, n)
    if not top:
        return
    data = words()
    floor = top[-1][1]
    dated = []
    for d, sc in top:
        f = s.stored_fields(d)
        title = f.get("title") or ""
        days = [x for x in (f.get("date"), f.get("published")) if x is not None]
        factor = 1.0
        if it.dates:
            factor *= max((_date_factor(q, days) for q in it.dates), default=1.0)
        if it.places:
            region = set((f.get("region") or "").split(","))
            factor *= PLACE ** sum(1 for p, _ in it.places if p in region)
            province = f.get("province")
            if province and all(province != prov for _, prov in it.places):
                factor *= ELSEWHERE
        if not it.drafts and any(w in title for w in data["draft_title"]):
            factor *= DRAFT
        out[d] = sc * factor
        if days:
            dated.append((d, max(days)))
    if it.newest and len(dated) > 1:
        lo = min(x for _, x in dated)
        span = (max(x for _, x in dated) - lo).total_seconds() or 1.0
        for d, day in dated:
            out[d] *= 1.0 + NEWEST * (day - lo).total_seconds() / span
    # a document below the page can only have gained from nothing; keep the rest below
    del floor


def _date_factor(q: tuple, days: list) -> float:
    y, m, day = q
    best = 1.0
    for x in days:
        if x.year != y:
            continue
        if (m is None or x.month == m) and (day is None or x.day == day):
            return DATE_MATCH
        best = YEAR_MATCH
    return best
