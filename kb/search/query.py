"""Searching the knowledge base: words, phrases, filters, facets, and 发文字号 lookups.

``search()`` is what `kb search` calls.  A query that is a document number (any variant, also as
typed: 国函2025 57号) lists the document bearing it as its own number, then documents whose text
bears it, then those citing it (``citing``); a partial number lists the matching numbers;
anything else is a full-text query ranked by kb.search.rank: disjunctive BM25F over title and
body with a coordination factor, body and term aliases expanded (工信部 also finds 工业和信息化部).
"""
from __future__ import annotations

import heapq
import re
from bisect import bisect_left
import shlex
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from whoosh import query as Q, sorting
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup

from kb import aliases, regions, store
from kb import rules
from kb.extract import titles
from kb.extract.numbers import find_numbers, normalize, partial_key
from kb.search import engine, facets as sfacets, index as sindex, intent, rank
from kb.search import analyzer
from kb.search.analyzer import ChineseAnalyzer
from kb.search.phrase import FastPhrase, fast_phrases
from kb.structure import section_at

# inline filters: key:value in the query string
FILTER_KEYS = {"issuer": "issuer", "发文机关": "issuer", "year": "year", "年份": "year", "region": "region",
               "地区": "region", "category": "category", "分类": "category", "type": "doc_type",
               "种类": "doc_type", "status": "status", "状态": "status", "open": "open_only"}
FACETS = {"issuer": "issuers", "year": "year", "category": "category", "region": "province"}
SNIPPET_CHARS = 120
MARK = ("«", "»")


# Opening a searcher maps every segment's files (~0.2 s on 10,000 documents).  A generation
# never changes once written, so each thread keeps one searcher for the current generation and
# opens a new one only when a build has moved search.current.
_local = threading.local()


def _searcher(index_dir):
    gen = sindex.current(index_dir)
    if gen is None:
        from kb.errors import NoIndex
        raise NoIndex(f"no search index in {index_dir}: run `kb build` first")
    cache = getattr(_local, "searchers", None)
    if cache is None:
        cache = _local.searchers = {}
    key = str(Path(index_dir).resolve())
    held = cache.get(key)
    if held and held[0] == gen:
        return held[1]
    if held:
        held[1].close()
    from whoosh import index as windex
    searcher = windex.open_dir(gen).searcher()
    analyzer.use_word_table()               # cut queries without loading the whole dictionary
    cache[key] = (gen, searcher)
    return searcher


def _may_be_number(s, prefix: str) -> bool:
    """Whether a document number in the index starts with ``prefix`` (ASCII case aside, as
    SQLite's LIKE): most words are not the start of any, and asking SQLite costs ~3 ms."""
    if not re.search("[A-Za-z]", prefix):    # no case to fold: one seek in the terms index
        return next(iter(s.reader().expand_prefix("doc_number", prefix)), None) is not None
    kept = engine.cache(s)
    numbers = kept.get("numbers")
    if numbers is None:
        numbers = kept["numbers"] = sorted(t.decode("utf-8").lower() for t in s.lexicon("doc_number"))
    prefix = prefix.lower()
    i = bisect_left(numbers, prefix)
    return i < len(numbers) and numbers[i].startswith(prefix)


def split_filters(q: str) -> tuple[str, dict]:
    """Pull key:value filters out of a query string."""
    found: dict = {}
    rest = []
    try:
        tokens = shlex.split(q, posix=False)
    except ValueError:
        tokens = q.split()
    for tok in tokens:
        m = re.match(r"^([\w\u4e00-\u9fff]+)[:：](.+)$", tok)
        if m and m.group(1) in FILTER_KEYS:
            found[FILTER_KEYS[m.group(1)]] = m.group(2).strip('"')
        else:
            rest.append(tok)
    return " ".join(rest), found


def _expand_aliases(q: str) -> str:
    """Unquoted words with known aliases become (a OR b OR …)."""
    out = []
    for tok in re.findall(r'"[^"]*"|\S+', q):
        if tok.startswith('"') or tok.upper() in ("AND", "OR", "NOT"):
            out.append(tok)
            continue
        forms = [f for f in aliases.expand(tok) if f]
        out.append("(" + " OR ".join(forms) + ")" if len(forms) > 1 else tok)
    return " ".join(out)


def _filters(index_dir, f: dict, today: date) -> Q.Query | None:
    parts: list[Q.Query] = []
    if f.get("issuer"):
        parts.append(Q.Term("issuers", aliases.canonical_body(f["issuer"])))
    if f.get("year"):
        parts.append(Q.NumericRange("year", int(f["year"]), int(f["year"])))
    if f.get("region"):
        name = f["region"]
        full = regions.province_of(name) if regions.province_of(name) and not name.endswith(("市", "县", "区")) else None
        parts.append(Q.Term("region", full or name) if full else
                     Q.Or([Q.Term("region", name), Q.Term("region", name + "市")]))
    if f.get("category"):
        parts.append(Q.Term("category", f["category"]))
    if f.get("doc_type"):
        parts.append(Q.Term("doc_type", f["doc_type"]))
    if f.get("open_only") and str(f["open_only"]).lower() not in ("0", "false", "no"):
        parts.append(Q.Or([Q.TermRange("deadlines", today.isoformat(), "9999"), Q.Term("deadlines", "recurring")]))
    if f.get("status"):
        parts.append(_status_query(index_dir, f["status"], today))
    return Q.And(parts) if parts else None


class _Filter:
    """Filters, keyed by what decides the documents they allow (kb.search.facets.filter_docs
    keeps those per index generation): the values, ``today`` for dates, and for statuses the
    SQLite file the repealed numbers come from."""

    def __init__(self, index_dir, f: dict, today: date):
        self.index_dir, self.f, self.today = index_dir, f, today
        key = tuple(sorted((k, str(v)) for k, v in f.items()))
        if "status" in f or "open_only" in f:
            key += (today.isoformat(),)
        if "status" in f:
            st = store.db_path(index_dir).stat()
            key += (st.st_ino, st.st_mtime_ns, st.st_size)
        self.key = key

    def query(self) -> Q.Query | None:
        return _filters(self.index_dir, self.f, self.today)


def _status_query(index_dir, status: str, today: date) -> Q.Query:
    day = datetime.combine(today, datetime.min.time())
    expired = Q.DateRange("effective_until", None, day - timedelta(days=1))
    not_yet = Q.DateRange("effective_from", day + timedelta(days=1), None)
    repealed_numbers = sorted({n for n in store.repealed_numbers(index_dir)})
    repealed = Q.Or([Q.Term("doc_number", n) for n in repealed_numbers]) if repealed_numbers else Q.NullQuery
    dated = Q.Term("dated", "yes")
    if status == "repealed":
        return repealed
    if status == "expired":
        return Q.AndNot(expired, repealed)
    if status == "not_yet":
        return Q.AndNot(not_yet, repealed)
    if status == "in_force":
        return Q.AndNot(Q.AndNot(Q.AndNot(dated, expired), not_yet), repealed)
    if status == "unknown":
        return Q.AndNot(Q.Not(dated), repealed)
    from kb.errors import KbError
    raise KbError(f"unknown status {status!r}: use in_force, not_yet, expired, repealed or unknown")


STATUSES = ("in_force", "not_yet", "expired", "repealed", "unknown")


def _check(f: dict, limit) -> None:
    """Filter values and the limit the search can use; BadValue (exit code 2) names the others."""
    from kb.errors import BadValue
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise BadValue(f"the limit must be a whole number of at least 1, not {limit!r}")
    if "year" in f:
        y = str(f["year"]).strip()
        if not (y.isascii() and y.isdigit() and 1 <= len(y) <= 4 and int(y) > 0):
            raise BadValue(f"year must be a year such as 2018, not {str(f['year'])!r}")
        f["year"] = int(y)
    if "status" in f and f["status"] not in STATUSES:
        raise BadValue(f"unknown status {f['status']!r}: use {', '.join(STATUSES)}")


def search(index_dir, query: str, *, issuer=None, year=None, region=None, category=None, doc_type=None,
           status=None, open_only=False, today: date | None = None, sort: str = "relevance",
           limit: int | None = 10, facets: bool = False, snippets: bool = True) -> dict:
    today = today or date.today()
    # a lone surrogate (an undecodable byte of the shell's argument) is no character: '?'
    query = query.encode("utf-8", "replace").decode("utf-8")
    text, inline = split_filters(query)
    f = {"issuer": issuer, "year": year, "region": region, "category": category, "doc_type": doc_type,
         "status": status, "open_only": open_only}
    f = {k: v for k, v in f.items() if v}
    f.update({k: v for k, v in inline.items() if k not in f})
    _check(f, limit)
    s = _searcher(index_dir)
    flt = _Filter(index_dir, f, today) if f else None
    result: dict = {"query": query, "filters": f, "mode": "words", "total": 0, "total_exact": True, "hits": []}

    number = query_number(text) if text else None
    citers: set = set()
    if number:
        result["mode"] = "number"
        result["number"] = number
        allow = sfacets.filter_docs(s, flt.key, flt.query) if flt is not None else None
        citers = {i for i, _, _ in store.citing(index_dir, number)}
        found = _from_scores(s, _number_scores(index_dir, s, number, allow, citers), sort, limit, facets)
        q = False
        terms: list[str] = [number]
    elif text and re.search(r"[〔〕\[\]【】［］()（）]", text) and not re.search(r"\s", text.strip()):
        key = partial_key(text)
        result["mode"] = "partial_number"
        result["numbers"] = [{"doc_number": n, "id": i, "title": t} for n, i, t in store.numbers_like(index_dir, key)]
        result["cited_numbers"] = [{"doc_number": n, "cited_by": c} for n, c in store.cited_numbers_like(index_dir, key)]
        q = Q.Or([Q.Term("doc_number", m["doc_number"]) for m in result["numbers"]]) or Q.NullQuery
        terms = []
    else:
        if text and re.fullmatch(r"[\u4e00-\u9fff]{2,10}", text.strip()):
            key = partial_key(text)
            numbers = store.numbers_like(index_dir, key) if _may_be_number(s, key) else []
            if numbers:
                result["numbers"] = [{"doc_number": n, "id": i, "title": t} for n, i, t in numbers]
        q = None
        it = intent.parse(text) if text.strip() else None
        if it is not None and (it.concepts or it.phrases or it.dates):
            allow = sfacets.filter_docs(s, flt.key, flt.query) if flt is not None else None
            try:
                scores = rank.scores(s, it, allow, limit)
            except engine.Unsupported:
                scores = None
            if scores is not None:
                found = _from_scores(s, scores, sort, limit, facets)
                terms = it.highlight()
                q = False
        elif it is not None:
            # nothing to search for (only punctuation, wildcards, question words): no hit,
            # rather than Whoosh's query syntax (a bare * would expand to every word)
            q, terms = Q.NullQuery, []
        if q is None:
            q, terms = _text_query(s.schema, text, OrGroup)
    if q is not False:
        found = _find(s, q, flt, sort, limit, facets)
    if found is None:
        return result
    result["total"] = found.total
    result["total_exact"] = found.exact
    if facets:
        result["facets"] = {name: _facet(groups) for name, groups in found.facets.items()}
    hits = [(s.stored_fields(d)["id"], score) for d, score in found.hits]
    records = store.get_many(index_dir, [i for i, _ in hits])
    for rid, score in hits:
        rec = records.get(rid)
        if rec is None:
            continue
        hit = {"id": rid, "title": rec.title, "doc_number": rec.doc_number, "issuers": rec.issuers,
               "date": rec.date, "published": rec.published, "category": rec.category,
               "score": round(float(score), 4) if score is not None else None, "snippet": "", "section": None}
        hit["citing"] = bool(number) and rid in citers and rec.doc_number != number
        hit["via"] = _via(score) if number else None
        if snippets:
            hit["snippet"], hit["section"] = snippet(rec, _number_marks(rec.text, number) if number else terms)
        result["hits"].append(hit)
    if result["mode"] == "number" and all(h["citing"] for h in result["hits"]):
        result["missing"] = number
        result["cited_by"] = [{"id": i, "title": t, "kind": k} for i, t, k in store.citing(index_dir, number)]
    return result


def query_number(text: str) -> str | None:
    """The 发文字号 a query is, in any variant: what kb.extract.numbers.normalize reads, and the
    forms people type that it does not (国函2025 57号, 环综合2022第42号, 发改能源规（2019）916 without
    号, a space for the brackets)."""
    # 宁波 甬建发〔2022〕56号: a place or a body typed beside a whole number
    parts = text.split()
    if len(parts) > 1:
        numbered = [n for p in parts if (n := normalize(p))]
        if len(numbered) == 1:
            return numbered[0]
    got = normalize(text)
    if got:
        return got
    # 甬建发〔2022〕56号文(件): the word after the number
    stripped = re.sub(r"(?<=号)\s*文件?\s*$", "", text)
    if stripped != text:
        return query_number(stripped)
    o, c = rules.get("numbers", "open_brackets"), rules.get("numbers", "close_brackets")
    m = re.fullmatch(rf"\s*([\u3400-\u9fff]{{1,{rules.get('numbers', 'prefix_max')}}}?)\s*[{o}]?\s*((?:19|20)\d\d)"
                     rf"\s*(?:[{c}]|年)?\s*第?\s*(\d{{1,5}})\s*号?\s*", text.translate(_FULL_DIGITS))
    if not m or m.group(1).endswith(("年", "第")):
        return None
    return f"{m.group(1)}〔{m.group(2)}〕{int(m.group(3))}号"


_FULL_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# number queries, in tiers: own number, another copy of that document (same 事由, no other
# number), text bears it, the document its citers name (《title》(number)) printed unquoted, cites it
OWN, COPY, BEARS, NAMED, CITES = 3.0, 2.5, 2.0, 1.5, 1.0
SHARE = 0.4          # the BM25 share within a tier: below the gap to the next tier


def _number_scores(index_dir, s, number: str, allow, citers: set) -> dict:
    """{docnum: score} for a number query: documents whose own number it is first, then other
    copies of them, then those whose text bears it (its number missed by extraction, or printed
    in a link), then -- when no document has it as its own -- the document the citers name
    beside it, then those that cite it.  Scores are the tier plus a BM25 share (SHARE) within it."""
    out = {}
    ev = engine.Evaluation(s, Q.Term("doc_number", number), allow)
    for d in ev.scores():
        out[d] = OWN
    if out:
        subjects = {titles.subject(s.stored_fields(d).get("title")) for d in out}
        # (a copy has the same title: its title field is enough, and cheap)
        _by_subject(s, subjects, allow, out, COPY, lambda d, f: titles.subject(f.get("title")) in subjects
                    and not f.get("doc_number"), fields=("title",))
    else:
        named = _cited_subjects(index_dir, number, citers)
        ids = _first_unnumbered_with_subject(s, named, allow, citers, NAMED_CHECK)
        recs = store.get_many(index_dir, list(ids)) if ids else {}
        found = []
        for i, rec in recs.items():
            # without a title of its own, the document says what it is in its opening (为…优化…标准，现就…)
            text = rec.text if rec.title else rec.text[:NAMED_OPENING]
            if any(_unquoted(text, x) for x in named):      # (unnumbered: the candidates are)
                found.append(ids[i])
        # the document named is one; many texts restating its subject (local copies of a national
        # policy) single none of them out
        if len(found) <= NAMED_MOST:
            out.update(dict.fromkeys(found, NAMED))
    m = re.fullmatch(r"(.+)〔(\d{4})〕(\d+)号", number)
    if m:
        toks = intent.tokens(f"{m.group(1)} {m.group(2)} {m.group(3)}号")
        q = Q.Or([FastPhrase(f, toks) for f in ("title", "body")])
        got = engine.Evaluation(s, q, allow).scores(verify=True)
        top = max(got.values(), default=1.0) or 1.0
        for d, sc in got.items():
            if d in out:
                continue
            rid = s.stored_fields(d)["id"]
            out[d] = (CITES if rid in citers else BEARS) + SHARE * sc / top
    return out


def _via(score) -> str:
    """How a hit of a number query has the number: own, copy, text, named (by its citers), cites."""
    tiers = ((OWN, "own"), (COPY, "copy"), (BEARS, "text"), (NAMED, "named"))
    return next((name for tier, name in tiers if (score or 0) >= tier), "cites")


NAMED_CHECK = 20      # candidates whose text is read to see the cited title printed unquoted
NAMED_OPENING = 400   # characters of an untitled text in which it names itself
NAMED_MOST = 3        # more candidates than this: none is taken for the document named


def _by_subject(s, subjects: set, allow, out: dict, tier: float, keep, fields=("title", "body")) -> dict:
    """Documents having one of the 事由 as a phrase in ``fields`` that ``keep(docnum, stored
    fields)`` accepts, added to ``out`` at ``tier`` (unless already there)."""
    for subj in subjects:
        toks = intent.tokens(subj) if len(subj) >= 6 else []
        if not toks:
            continue
        q = Q.Or([FastPhrase(f, toks) for f in fields])
        got = engine.Evaluation(s, q, allow).scores(verify=True)
        top = max(got.values(), default=1.0) or 1.0
        for d, sc in sorted(got.items(), key=lambda x: -x[1]):
            if d not in out and keep(d, s.stored_fields(d)):
                out[d] = tier + SHARE * sc / top
    return out


def _first_unnumbered_with_subject(s, subjects: set, allow, skip: set, n: int) -> dict:
    """{id: docnum} of the ``n`` best documents (by BM25) that have one of the 事由 as a phrase
    and no number of their own, leaving out the ids of ``skip``.  Only the candidates (the
    documents having all its words) that pass those tests have their positions read: a title
    cited across the corpus has thousands of candidates, most of them numbered or citers."""
    out: dict = {}
    numbered = None
    for subj in sorted(subjects):
        toks = intent.tokens(subj) if len(subj) >= 6 else []
        if not toks:
            continue
        ev = engine.Evaluation(s, Q.Or([FastPhrase(f, toks) for f in ("title", "body")]), allow)
        upper = ev.scores(verify=False)
        if upper and numbered is None:
            numbered = engine.Evaluation(s, Q.Term("numbered", "yes"), allow).scores()
        todo = []
        for d in upper:
            if d in numbered:
                continue
            f = s.stored_fields(d)
            # the document named has that title; one that prints another title is not it
            # (a text with no title of its own may be: 建房〔2023〕52号 as published without its head)
            if f["id"] not in skip and f["id"] not in out and (not f.get("title") or subj in f["title"]):
                todo.append(d)
        got = ev.scores(verify=True, only=todo) if todo else {}
        for d in sorted(got, key=lambda d: (-got[d], d))[:n - len(out)]:
            out[s.stored_fields(d)["id"]] = d
        if len(out) >= n:
            break
    return out


def _cited_subjects(index_dir, number: str, citers: set) -> set:
    """The 事由 of the titles the citers print right before the number: 《T》（建房〔2023〕52号）."""
    out = set()
    for rec in store.get_many(index_dir, sorted(citers)[:NAMED_CHECK]).values():
        out |= cited_titles(rec.text).get(number, set())
    return out


def cited_titles(text: str) -> dict[str, set]:
    """number -> the 事由 of the titles a text prints right before it: 《T》（number）."""
    out: dict[str, set] = {}
    for d in find_numbers(text):
        before = text[max(0, d.start - 160):d.start].rstrip(" \u3000（(〔[")
        if before.endswith("》") and "《" in before:
            t = before[before.rfind("《") + 1:-1]
            if titles.ends_with_type(t):
                out.setdefault(d.canonical, set()).add(titles.subject(t))
    return out


def _unquoted(text: str, subject: str) -> bool:
    """The 事由 printed in the text outside 《》: the document itself, not a citation of it."""
    k = text.find(subject)
    while k >= 0:
        if text.rfind("《", 0, k) <= text.rfind("》", 0, k):
            return True
        k = text.find(subject, k + 1)
    return False


def _number_marks(text: str, number: str) -> list[str]:
    """The ways the number is written in a text, to mark in its snippet."""
    found = [d.raw for d in find_numbers(text) if d.canonical == number] if "号" in text else []
    return list(dict.fromkeys(found)) or [number]


def _facet(groups: dict) -> dict:
    """Counts without the placeholders Whoosh uses for documents missing the field."""
    clean = {k: v for k, v in groups.items() if k not in (None, "") and not (isinstance(k, int) and k > 9999)}
    return dict(sorted(clean.items(), key=lambda kv: (-kv[1], str(kv[0]))))


def _text_query(schema, text: str, group) -> tuple[Q.Query, list[str]]:
    if not text.strip():
        return Q.Every(), []
    parser = MultifieldParser(["title", "body"], schema, group=group)
    q = fast_phrases(parser.parse(_expand_aliases(text)))
    return q, highlight_terms(q)


def highlight_terms(q: Q.Query) -> list[str]:
    """Words to mark in snippets: whole phrases, and words of two or more characters."""
    out: list[str] = []
    for leaf in q.leaves():
        if isinstance(leaf, Q.Phrase):
            out.append("".join(leaf.words))
            out.extend(w for w in leaf.words if len(w) > 1)
        elif isinstance(leaf, Q.Term) and leaf.fieldname in ("title", "body"):
            t = leaf.text.decode() if isinstance(leaf.text, bytes) else str(leaf.text)
            out.append(t)
    return list(dict.fromkeys(t for t in out if t))


class Found(NamedTuple):
    hits: list            # (docnum, score); for a date sort the score is Whoosh's sort key
    total: int
    exact: bool           # False: total is an estimate (an upper bound) of the matches
    facets: dict | None   # name -> {value: count}, before _facet


DATE_SORT = sorting.FieldFacet("date", reverse=True)


def _facet_defs() -> dict:
    return {name: sorting.FieldFacet(field, allow_overlap=(field == "issuers")) for name, field in FACETS.items()}


def _find(s, q, flt, sort, limit, facets) -> Found | None:
    if q is Q.NullQuery:
        return None
    allow = sfacets.filter_docs(s, flt.key, flt.query) if flt is not None else None
    try:
        ev = engine.Evaluation(s, q, allow)
    except engine.Unsupported:
        return _whoosh(s, q, flt, sort, limit, facets)
    if not (facets or sort == "date" or limit is None):
        # relevance alone: phrases are only checked for the best candidates
        return Found(*ev.top(limit), None)
    return _from_scores(s, ev.scores(), sort, limit, facets)


def _from_scores(s, scores: dict, sort, limit, facets) -> Found:
    """The page, total and facets of {docnum: score}."""
    if sort == "date":
        keys = sfacets.sort_keys(s, DATE_SORT)
        docs = heapq.nsmallest(len(scores) if limit is None else limit, sorted(scores), key=keys.__getitem__)
        hits = [(d, keys[d]) for d in docs]
    else:
        hits = engine.best(scores, limit)
    counts = sfacets.counts(s, scores, _facet_defs()) if facets else None
    return Found(hits, len(scores), True, counts)


def _whoosh(s, q, flt, sort, limit, facets) -> Found:
    """Whoosh's own collectors, for queries kb.search.engine does not evaluate."""
    kwargs = {"limit": limit, "filter": flt.query() if flt is not None else None}
    if sort == "date":
        kwargs["sortedby"] = DATE_SORT
    if facets:
        kwargs["groupedby"] = _facet_defs()
        kwargs["maptype"] = sorting.Count
    results = s.search(q, **kwargs)
    # counting every match re-runs the query; facets have collected them all anyway
    exact = facets or limit is None or results.scored_length() < (limit or 0)
    total = len(results) if exact else results.estimated_length()
    # with groupedby, Whoosh hands back every match; the page is the first ``limit``
    hits = [(h.docnum, h.score) for h in (results[:limit] if limit else results)]
    return Found(hits, total, exact, {name: results.groups(name) for name in FACETS} if facets else None)


def snippet(rec, terms: list[str]) -> tuple[str, list[str] | None]:
    """The passage with the most query words, highlighted, and its heading path."""
    text = rec.text
    words = [t for t in terms if t.strip()]
    if not words:
        return text[:SNIPPET_CHARS].replace("\n", " "), None
    rx = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    best, offset = _best_line(text, words, rx)
    first = min((best.find(w) for w in words if w in best), default=0)
    start = max(0, first - SNIPPET_CHARS // 3)
    piece = best[start:start + SNIPPET_CHARS]
    piece = rx.sub(lambda m: MARK[0] + m.group(0) + MARK[1], piece)
    sec = section_at(rec.sections, offset + first)
    return ("…" if start else "") + piece + ("…" if start + SNIPPET_CHARS < len(best) else ""), \
        (sec.path if sec else None)


def _best_line(text: str, words: list[str], rx) -> tuple[str, int]:
    """The first line with the highest score (10 per word present, plus 1 per occurrence)
    and its offset; without any word, the first line that is not blank.  Only the lines
    the regex finds a word in are scored, not every line of a long document."""
    best, best_score, offset = None, 0, 0
    m = rx.search(text)
    while m:
        begin = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        line = text[begin:end]
        score = sum(1 for w in words if w in line) * 10 + sum(line.count(w) for w in words)
        if score > best_score:
            best, best_score, offset = line, score, begin
        m = rx.search(text, end + 1)
    if best is not None:
        return best, offset
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            return line, pos
        pos += len(line) + 1
    return "", 0
