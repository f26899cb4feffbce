"""The browser search index of the static site: `kb search`'s analysis and scoring as static files.

Terms come from the Whoosh schema's own fields (jieba precise words plus index-time sub-words,
kb.search.analyzer), and each posting keeps the raw BM25F inputs (term frequency per field, the
field lengths as Whoosh stores them), so static/search.js ranks as `kb search` does.  Files under
``search/`` (JSON, gzip-compressed with a fixed header, so the output is byte-identical):

    config.json.gz   counts, BM25F parameters and field lengths, shard counts, filter values,
                     aliases, number rules
    c/<name>.json.gz one column per property, one row per document: filters, dates
    v/<k>.json.gz    vocabulary by first character: term -> jieba frequency (query segmentation)
    p/<k>.json.gz    postings by term hash: term -> [gap*2+has_title, (tf title), tf body, ...]
    d/<n>.json.gz    one document: title, number, url, issuers, date, text, sections (snippets)
    n/<k>.json.gz    发文字号 by first character: number -> [url, title] or cited-but-missing
"""
from __future__ import annotations

import functools
import gzip
import json
import multiprocessing
import os
import re
from array import array
from datetime import date
from importlib import resources
from pathlib import Path

from whoosh.query import Phrase
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length, length_to_byte

from kb import aliases, rules, store
from kb.model import Record
from kb.search import analyzer, index as sindex, intent
from kb.search.analyzer import ENV_USERDICT, ChineseAnalyzer, segmenter
from kb.extract import titles
from kb.search.query import FILTER_KEYS, cited_titles

FIELDS = ("title", "body")
EPOCH = date(1970, 1, 1)
CITED_BY_MAX = 50      # a cited-but-missing number lists at most this many citing documents
PHRASE = "\u0002"      # key prefix of precomputed phrase postings
# Fixed, so a page can fetch the vocabulary of a query before config.json arrives; small
# files for a small corpus, about 5 KB each for a vocabulary of 150,000 words.
VOCAB_SHARDS = 256
_HAN = re.compile(r"[\u3400-\u9fff]")
IN_CONFIG = ("tl", "bl")   # field lengths: every word query needs them, so they come with the config


def fnv(s: str) -> int:
    """FNV-1a over UTF-16 code units: the same number in JavaScript (static/search.js)."""
    h = 0x811C9DC5
    data = s.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h = ((h ^ (data[i] | data[i + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
    return h


def pack(obj) -> bytes:
    """Compact JSON, gzip-compressed with mtime 0 (deterministic)."""
    raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return gzip.compress(raw, compresslevel=6, mtime=0)


def _pow2(n: float, floor: int) -> int:
    p = floor
    while p < n:
        p *= 2
    return p


def day(iso: str | None) -> int | None:
    return (date.fromisoformat(iso[:10]) - EPOCH).days if iso else None


@functools.lru_cache(maxsize=1)
def _schema():
    return sindex.schema()


def analyze(pair: tuple[str, str], phrases: dict[str, list[str]] = {}) -> list[tuple[dict[str, int], int, set]]:
    """(title, body) -> per field ({term: tf}, length, phrases present), as the Whoosh writer
    counts terms and as a Whoosh Phrase query matches (words at consecutive positions)."""
    out = []
    for name, value in zip(FIELDS, pair):
        tf: dict[str, int] = {}
        at: dict[str, set[int]] = {}
        if value:
            for t in _schema()[name].analyzer(value, positions=True, mode="index"):
                tf[t.text] = tf.get(t.text, 0) + 1
                at.setdefault(t.text, set()).add(t.pos)
        found = {key for key, words in phrases.items() if all(w in at for w in words) and any(
            all(p + i in at[w] for i, w in enumerate(words[1:], 1)) for p in at[words[0]])}
        out.append((tf, sum(tf.values()), found))
    return out


def _encode(postings: dict[str, array], last: dict[str, int], term: str, n: int, t: int, b: int) -> None:
    a = postings.get(term)
    if a is None:
        a = postings[term] = array("I")
    gap = n - last.get(term, 0)
    last[term] = n
    a.append(gap * 2 + (1 if t else 0))
    if t:
        a.append(t)
    a.append(b)


def _from_analysis(records, phrases: dict[str, list[str]], procs: int, n: int):
    """Postings, field lengths and phrase hits by analysing every record again (no search index);
    ``records``: an iterable of the ``n`` whole records."""
    pairs = ((r.title or "", r.text or "") for r in records)
    segmenter()  # load jieba before forking: workers share it
    work = functools.partial(analyze, phrases=phrases)
    if procs > 1 and n >= 500:
        pool = multiprocessing.get_context("fork").Pool(procs)
        results = pool.imap(work, pairs, chunksize=32)
    else:
        pool, results = None, map(work, pairs)
    postings: dict[str, array] = {}
    last: dict[str, int] = {}
    lengths = {f: [] for f in FIELDS}
    hits: dict[str, dict[int, list]] = {}
    try:
        for n, ((ttf, tlen, tph), (btf, blen, bph)) in enumerate(results):
            lengths["title"].append(tlen)
            lengths["body"].append(blen)
            for term in sorted(ttf.keys() | btf.keys()):
                _encode(postings, last, term, n, ttf.get(term, 0), btf.get(term, 0))
            for key in tph | bph:
                hits.setdefault(key, {})[n] = [int(key in tph), int(key in bph)]
    finally:
        if pool:
            pool.close()
            pool.join()
    return postings, lengths, hits


def _from_whoosh(index_dir, records: list[Record], phrases: dict[str, list[str]]):
    """The same postings and lengths read from the Whoosh index `kb build` wrote (ten times faster
    than analysing again); None when it is missing or does not hold exactly these records.
    Deleted documents are skipped, so the result does not depend on the build history."""
    from whoosh import index as windex
    gen = sindex.current(index_dir) if index_dir else None
    if gen is None:
        return None
    site = {r.id: n for n, r in enumerate(records)}
    with windex.open_dir(str(gen)).reader() as reader:
        live = {docnum: site.get(stored.get("id")) for docnum, stored in reader.iter_docs()}
        if len(live) != len(site) or set(live.values()) != set(site.values()):
            return None
        pos = [-1] * reader.doc_count_all()      # Whoosh docnum -> site order; -1: deleted
        for docnum, n in live.items():
            pos[docnum] = n
        leaves = list(reader.leaf_readers())
        lengths = {f: [0] * len(records) for f in FIELDS}

        def read(field, term) -> list[tuple[int, int]]:
            """(document, tf) in site order, live documents only."""
            boost, pairs = reader.schema[field].format.field_boost, []
            for leaf, offset in leaves:
                if (field, term) in leaf:
                    for ids, weights in _blocks(leaf.postings(field, term)):
                        pairs.extend(zip([pos[d + offset] for d in ids], [int(w / boost + 0.5) for w in weights]))
            pairs = sorted(p for p in pairs if p[0] >= 0)
            lens = lengths[field]
            for n, tf in pairs:
                lens[n] += tf
            return pairs

        titles = {t: dict(read("title", t)) for t in reader.lexicon("title")}
        bodies = set(reader.lexicon("body"))
        postings: dict[str, array] = {}
        for term in sorted(bodies | titles.keys()):
            body = read("body", term) if term in bodies else []
            title = titles.get(term)
            flat, prev = [], 0
            if title:
                tfs = dict(body)
                for n in sorted(title.keys() | tfs.keys()):
                    t = title.get(n, 0)
                    flat += [(n - prev) * 2 + 1, t, tfs.get(n, 0)] if t else [(n - prev) * 2, tfs[n]]
                    prev = n
            else:
                for n, tf in body:
                    flat += ((n - prev) * 2, tf)
                    prev = n
            if flat:
                postings[term.decode()] = array("I", flat)
        hits: dict[str, dict[int, list]] = {}
        with windex.open_dir(str(gen)).searcher() as searcher:
            for key, words in phrases.items():
                for i, field in enumerate(FIELDS):
                    for docnum in searcher.docs_for_query(Phrase(field, words)):
                        if pos[docnum] >= 0:
                            hits.setdefault(key, {}).setdefault(pos[docnum], [0, 0])[i] = 1
    return postings, lengths, hits


def _blocks(m):
    """(ids, weights) of a posting list, a block at a time when the matcher is whoosh3 3.54's
    on-disk leaf matcher (faster than posting by posting); deleted documents are
    included (the caller drops them)."""
    m = getattr(m, "child", m)    # under the FilterMatcher that hides deleted documents
    if type(m).__name__ == "W3LeafMatcher" and all(hasattr(m, a) for a in ("_read_ids", "_read_weights", "_ids")):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            yield m._ids, m._weights
            m._next_block()
        return
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    yield ids, weights


def build(records: list[Record], urls: list[str], statuses: list[dict], index_dir=None,
          procs: int | None = None, whole=None):
    """Every file of ``search/`` as (path, bytes) pairs, for records in site order.

    ``statuses``: per record {"repealed_from": day or -1 (always) or None} from the repeal index.
    ``index_dir``: the knowledge base, whose Whoosh index gives the postings when it matches.
    ``whole``: a function giving the whole records (text, sections) in site order, one at a
    time, when ``records`` are light ones (kb.store.light_records); else ``records`` are whole.
    """
    light = whole is not None and index_dir is not None     # records without their texts
    whole = whole or (lambda: iter(records))
    phrases = _phrases()
    found = (_from_whoosh(index_dir, records, phrases)
             or _from_analysis(whole(), phrases, procs or min(2, os.cpu_count() or 1), len(records)))
    postings, raw_lengths, phrase_hits = found
    totals = {f: sum(raw_lengths[f]) for f in FIELDS}
    lengths = {f: [length_to_byte(x) for x in raw_lengths[f]] for f in FIELDS}
    vocabulary = _vocabulary(postings)
    for key, docs in phrase_hits.items():   # PHRASE + words: documents holding the phrase
        last: dict[str, int] = {}
        for n in sorted(docs):
            _encode(postings, last, PHRASE + key, n, *docs[n])
    total = sum(len(a) for a in postings.values())
    n_post = _pow2(total / 9000, 16)     # ≈ 0.8 byte per posting once compressed: a few KB per shard
    n_vocab = VOCAB_SHARDS
    yield from _shards("p", n_post, ((t, a.tolist()) for t, a in postings.items()), lambda t: fnv(t[0]))
    yield from _shards("v", n_vocab, vocabulary, lambda t: fnv(t[0][0]))
    del postings
    numbers = _numbers(records, urls, (lambda recs: store.texts(index_dir, [r.id for r in recs])) if light else None)
    n_num = _pow2(len(numbers) / 200, 4)
    yield from _shards("n", n_num, numbers.items(), lambda t: fnv(t[0][0]))
    cols = _columns(records, statuses, lengths)
    for name, column in cols["docs"].items():   # one file per column: a query loads what it uses
        if name not in IN_CONFIG:
            yield f"search/c/{name}.json.gz", pack(column)
    for n, (rec, url) in enumerate(zip(whole(), urls)):
        yield f"search/d/{n}.json.gz", pack(_doc(rec, url))
    bm = BM25F()
    config = {
        "version": 1, "documents": len(records), "k1": bm.K1, "b": bm.B,
        "boost": {f: _schema()[f].format.field_boost for f in FIELDS},
        "avgfl": {f: totals[f] / (len(records) or 1) for f in FIELDS},
        "lengths": [byte_to_length(i) for i in range(256)],
        "shards": {"p": n_post, "v": n_vocab, "n": n_num},
        "jieba_total": analyzer.dictionary_total(),
        "filter_keys": FILTER_KEYS,
        "aliases": _alias_table(),
        # kb.search.intent: question words dropped, province abbreviations standing alone,
        # everyday words and their 公文 forms
        "query_drop": sorted(intent.words()["drop_set"]),
        "abbreviations": dict(sorted(intent._abbreviations().items())),
        "everyday": dict(sorted(intent.words()["everyday"].items())),
        "phrases": sorted(phrases),
        "number_heads": sorted({r.doc_number[:2] for r in records if r.doc_number}),
        "bodies": dict(sorted(aliases._data()["body_index"].items())),
        "number_rules": {"open": rules.get("numbers", "open_brackets"),
                         "close": rules.get("numbers", "close_brackets"),
                         "max": rules.get("numbers", "prefix_max"), "strip": rules.get("numbers", "prefix_strip")},
        **cols["values"],
        "columns": {name: cols["docs"][name] for name in IN_CONFIG},
    }
    yield "search/config.json.gz", pack(config)


def _phrases() -> dict[str, list[str]]:
    """Alias forms a query turns into phrases (several jieba words), by their joined words.
    Where each occurs is worked out here, as Whoosh matches phrases, so the browser need not
    fetch documents to check them."""
    ana = ChineseAnalyzer(mode="query")
    table = _alias_table()
    out = {}
    everyday = intent.words()["everyday"]
    forms = sorted(set(table) | {f for v in table.values() for f in v} | set(everyday) | {f for v in everyday.values() for f in v})
    analyzer.prepare([f.translate(analyzer._FOLD) for f in forms])   # their words at once
    for form in forms:
        words = [t.text for t in ana(form)]
        if len(words) > 1:
            out["".join(words)] = words
    return out


def _shards(kind: str, count: int, items, key):
    buckets: list[dict] = [{} for _ in range(count)]
    for item in items:
        buckets[key(item) % count][item[0]] = item[1]
    for i, b in enumerate(buckets):
        yield f"search/{kind}/{i}.json.gz", pack(b)


def _vocabulary(postings: dict) -> list[tuple[str, int]]:
    """Every term, every character of a term and every user-dictionary word (so a policy term
    missing from the corpus is still one word, as in `kb search`), with its jieba frequency
    (0: not a dictionary word)."""
    words = set(postings) | _user_words()
    words |= {c for t in words for c in t}
    freq = analyzer.frequencies(words)
    out = [(w, int(freq.get(w) or 0)) for w in sorted(words)]
    # numbers and Latin words that are not dictionary words play no part in segmenting
    return [(w, f) for w, f in out if f or _HAN.search(w)]


def _user_words() -> set[str]:
    paths = [resources.files("kb").joinpath("data/userdict.txt")]
    paths += [Path(p) for p in os.environ.get(ENV_USERDICT, "").split(os.pathsep) if p]
    words = set()
    for p in paths:
        for line in p.read_text(encoding="utf-8-sig").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(line.split()[0])
    return words


def _numbers(records: list[Record], urls: list[str], texts=None) -> dict[str, list]:
    """number -> [[url, title], ...] of documents with it, then [url, title, "copy"] of other
    copies (same 事由, no number); or {"cited": [[url, title]...], "count": n, "named": [[url,
    title]]} for a number no document has, ``named`` being the unnumbered documents whose 事由 is
    the one the citers print before it (kb.search.query's tiers; titles only, not the text).
    ``texts``: a function giving the texts of a list of records, in order (for light records,
    which have none); by default their own."""
    out: dict[str, list | dict] = {}
    unnumbered: dict[str, list] = {}
    for rec, url in zip(records, urls):
        if rec.doc_number:
            out.setdefault(rec.doc_number, []).append([url, rec.title or rec.doc_number])
        elif rec.title and len(titles.subject(rec.title)) >= 6:
            unnumbered.setdefault(titles.subject(rec.title), []).append([url, rec.title])
    for rec in records:
        if rec.doc_number and rec.title and titles.subject(rec.title) in unnumbered:
            have = out[rec.doc_number]
            have += [[u, t, "copy"] for u, t in unnumbered[titles.subject(rec.title)] if [u, t] not in have]
    cited: dict[str, list] = {}
    named: dict[str, list] = {}
    need = []            # (record, url, numbers it cites that no document has): their texts are read
    for rec, url in zip(records, urls):
        missing = [num for num in dict.fromkeys(rec.cites + rec.repeals) if num not in out]
        for num in missing:
            cited.setdefault(num, []).append([url, rec.title or rec.id])
        if missing and unnumbered:
            need.append((rec, url, missing))
    texts = texts or (lambda recs: (r.text for r in recs))
    for (rec, url, missing), text in zip(need, texts([r for r, _, _ in need])):
        subjects = cited_titles(text)
        for num in missing:
            for subj in subjects.get(num, ()):
                named.setdefault(num, []).extend(x for x in unnumbered.get(subj, []) if x[0] != url)
    for num, by in cited.items():
        out[num] = {"cited": by[:CITED_BY_MAX], "count": len(by)}
        if named.get(num):
            out[num]["named"] = [list(x) for x in dict.fromkeys(map(tuple, named[num]))]
    return dict(sorted(out.items()))


def _columns(records: list[Record], statuses: list[dict], lengths: dict) -> dict:
    """Per-document columns (for BM25F lengths and filters) and the value lists they index."""
    values: dict[str, dict] = {"issuers": {}, "categories": {}, "types": {}, "regions": {}}

    def idx(kind, v):
        return values[kind].setdefault(v, len(values[kind])) if v else -1

    docs: dict[str, list] = {k: [] for k in ("tl", "bl", "y", "dt", "c", "t", "r", "i", "ef", "eu", "rp", "dl", "rc")}
    for rec, st, tl, bl in zip(records, statuses, lengths["title"], lengths["body"]):
        when = rec.date or rec.published
        region = rec.region or {}
        dates = [d.date for d in rec.deadlines if d.date and d.kind != "opens"]
        row = {"tl": tl, "bl": bl, "y": int(when[:4]) if when else 0, "dt": day(rec.date),
               "c": idx("categories", rec.category), "t": idx("types", rec.doc_type),
               "r": [idx("regions", region.get(k)) for k in ("province", "city", "county") if region.get(k)],
               "i": [idx("issuers", aliases.canonical_body(n)) for n in rec.issuers],
               "ef": day(rec.effective_from), "eu": day(rec.effective_until), "rp": st.get("repealed_from"),
               "dl": day(max(dates)) if dates else None, "rc": 1 if any(d.recurring for d in rec.deadlines) else 0}
        for k, v in row.items():
            docs[k].append(v)
    return {"docs": docs, "values": {k: list(v) for k, v in values.items()} | {"provinces": _province_names()}}


def _province_names() -> dict[str, str]:
    """Short and full province names -> full name, for region:山西 in a query."""
    from kb import regions
    out = {}
    for p in regions.load()["provinces"]:
        for name in [p["name"], *p.get("short", [])]:
            out[name] = p["name"]
    return dict(sorted(out.items()))


def _alias_table() -> dict[str, list[str]]:
    """word -> forms a query expands it to (kb.search.query._expand_aliases), for listed names."""
    data = aliases._data()
    out = {}
    for key in sorted(set(data["body_index"]) | set(data["term_index"])):
        forms = [f for f in aliases.expand(key) if f]
        if len(forms) > 1:
            out[key] = forms
    return out


def _doc(rec: Record, url: str) -> dict:
    return {"t": rec.title or "", "n": rec.doc_number or "", "u": url, "i": rec.issuers,
            "d": rec.date or rec.published or "", "c": rec.category or "", "x": rec.text,
            "s": [[s.start, s.end, s.level, " › ".join(s.path)] for s in rec.sections]}
