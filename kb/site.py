"""The static site: every document, its metadata, and a search that runs in the browser.

    model(records, today) -> Model      pages as plain dicts, URLs, counts (no HTML)
    render(model, templates) -> files   (path, bytes) pairs: Jinja2 with autoescape, static assets
    write(files, out)                   into a temporary folder swapped in at the end
    build(index_dir, out, ...) -> dict  all three, plus the browser search index (kb.site_index)

Same knowledge base and date -> byte-identical site: everything is sorted, the date the pages
are computed for defaults to the knowledge base's build date, and no clock time is written.
URLs are relative, so the folder works on any static host or under any path.
"""
from __future__ import annotations

import bisect
import multiprocessing
import os
import re
import shutil
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from hashlib import sha1
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote, unquote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from kb import aliases, consult, site_index, store
from kb.search import analyzer
from kb.errors import KbError
from kb.extract.numbers import find_numbers
from kb.model import Record
from kb.status import repeal_index, status

TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates"
MARKER = ".kb-site"
STATUS_LABELS = {"in_force": "现行有效", "not_yet": "尚未生效", "expired": "已失效", "repealed": "已废止",
                 "unknown": "未注明有效期"}
HOME_ROWS = 20
_UNSAFE = re.compile(r"[^0-9A-Za-z_\u3400-\u9fff-]+")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.I)  # Windows device names


# ------------------------------------------------------------------ URLs


def slug(text: str, limit: int = 60) -> str:
    """A file name stem safe on every file system: letters, digits, Han, '_' and '-' only."""
    s = unicodedata.normalize("NFKC", text).replace("号", "") if text else ""
    s = _UNSAFE.sub("-", s).strip("-")[:limit].strip("-")
    s = re.sub(r"-{2,}", "-", s) or "x"
    return s + "-" if _RESERVED.match(s) else s


def unique_slugs(keys: list[tuple[str, str]]) -> list[str]:
    """(preferred text, stable id) -> distinct slugs, also distinct when case is ignored; the first
    holder of a slug keeps it, later ones get a suffix from their id, so URLs stay stable."""
    seen: set[str] = set()
    out = []
    for text, ident in keys:
        s = slug(text)
        if s.casefold() in seen:
            s = f"{s}-{sha1(ident.encode()).hexdigest()[:8]}"
        seen.add(s.casefold())
        out.append(s)
    return out


def href(folder: str, stem: str) -> str:
    return f"{folder}/{quote(stem)}.html"


# ------------------------------------------------------------------ model


@dataclass
class Model:
    today: date
    docs: list[dict]
    home: dict
    groups: dict[str, list[dict]]            # "issuer" / "year" -> [{name, url, docs}]
    deadlines: list[dict]
    filters: dict[str, list]
    statuses: list[dict] = field(default_factory=list)   # per record, for the search index
    urls: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)  # site order (by id), aligned with docs
    # the whole records (text, sections, targets) in site order, one at a time, when `records`
    # are light ones (store.light_records): read when the pages and the search index need them
    whole: Callable[[], Iterator[Record]] | None = None

    def whole_records(self) -> Iterator[Record]:
        """The whole record of each document in site order."""
        if self.whole is None:
            yield from self.records
            return
        ids = iter(r.id for r in self.records)
        for rec in self.whole():
            if rec.id != next(ids, None):
                raise KbError("the knowledge base changed while the site was made: run `kb site` again")
            yield rec


def model(records: list[Record], today: date) -> Model:
    records = sorted(records, key=lambda r: r.id)
    repeals = repeal_index(records)
    slugs = unique_slugs([(r.doc_number or r.id, r.id) for r in records])
    urls = [href("doc", s) for s in slugs]
    by_number = {}
    for r, u in zip(records, urls):
        if r.doc_number:
            by_number.setdefault(r.doc_number, (r, u))
    cited_by: dict[str, list] = {}
    for r, u in zip(records, urls):
        for kind, nums in (("cites", r.cites), ("repeals", r.repeals)):
            for n in dict.fromkeys(nums):
                cited_by.setdefault(n, []).append({"kind": kind, "url": u, "title": r.title or r.id,
                                                   "number": r.doc_number})
    docs = []
    for r, u in zip(records, urls):
        st = status(r, today, repeals)
        citers = [c for c in cited_by.get(r.doc_number, []) if c["url"] != u] if r.doc_number else []
        docs.append(_doc(r, u, st, by_number, citers, today, repeals))
    # open ones soonest first, then past ones latest first
    deadlines = sorted((d for doc in docs for d in doc["deadline_rows"]),
                       key=lambda d: (d["past"], _neg(d["due"]) if d["past"] else d["due"], d["doc"]["url"]))
    groups = {"issuer": _groups(docs, lambda d: d["issuers_canonical"], "issuer"),
              "year": _groups(docs, lambda d: [d["year"] or "日期不详"], "year")}
    home = {
        "newest": sorted(docs, key=lambda d: (d["sort_date"], d["id"]), reverse=True)[:HOME_ROWS],
        "open": [d for d in deadlines if not d["past"]][:HOME_ROWS],
        "by_issuer": [(g["name"], len(g["docs"]), g["url"]) for g in groups["issuer"]],
        "by_year": sorted(((g["name"], len(g["docs"]), g["url"]) for g in groups["year"]),
                          key=lambda g: (not g[0].isdigit(), -int(g[0]) if g[0].isdigit() else 0)),
        "by_region": _counts(d["province"] for d in docs),
        "by_category": _counts(d["category"] for d in docs),
        "documents": len(docs),
    }
    filters = {"issuers": [n for n, _, _ in home["by_issuer"]], "regions": [n for n, _ in home["by_region"]],
               "years": sorted({d["year"] for d in docs if d["year"]}, reverse=True),
               "categories": [n for n, _ in home["by_category"]],
               "types": [n for n, _ in _counts(d["doc_type"] for d in docs)],
               "statuses": list(STATUS_LABELS.items())}
    statuses = [{"repealed_from": _repealed_from(r, repeals)} for r in records]
    return Model(today, docs, home, groups, deadlines, filters, statuses, urls, records)


def _neg(iso: str) -> int:
    return -date.fromisoformat(iso).toordinal() if iso else 0


def _counts(values) -> list[tuple[str, int]]:
    return sorted(Counter(v for v in values if v).items(), key=lambda kv: (-kv[1], kv[0]))


def _groups(docs: list[dict], keys, folder: str) -> list[dict]:
    members: dict[str, list] = {}
    for d in docs:
        for k in dict.fromkeys(keys(d)):
            members.setdefault(str(k), []).append(d)
    names = sorted(members, key=lambda k: (-len(members[k]), k))
    stems = unique_slugs([(n, n) for n in names])
    return [{"name": n, "url": href(folder, s),
             "docs": sorted(members[n], key=lambda d: (d["sort_date"], d["id"]), reverse=True)}
            for n, s in zip(names, stems)]


def _repealed_from(rec: Record, repeals: dict) -> int | None:
    """Day from which a record counts as repealed: -1 always, None never (kb.status rules)."""
    starts = [by.get("from") for by in repeals.get(rec.doc_number or "", [])]
    if not starts:
        return None
    return -1 if any(not s for s in starts) else min(site_index.day(s) for s in starts)


def _doc(r: Record, url: str, st: dict, by_number: dict, cited_by: list, today: date,
         repeals: dict | None = None) -> dict:
    region = r.region or {}
    when = r.date or r.published
    cites = []
    for n in dict.fromkeys(r.cites + r.repeals):
        target = by_number.get(n)
        cites.append({"number": n, "url": target[1] if target else None,
                      "title": (target[0].title if target else None), "repealed": n in r.repeals})
    links = {c["number"]: c["url"] for c in cites if c["number"] != r.doc_number}
    return {
        "id": r.id, "url": url, "title": r.title or r.doc_number or r.id, "doc_number": r.doc_number,
        "issuers": r.issuers, "issuers_canonical": list(dict.fromkeys(aliases.canonical_body(n) for n in r.issuers)),
        "date": r.date, "published": r.published, "sort_date": when or "", "year": when[:4] if when else None,
        "doc_type": r.doc_type, "category": r.category, "province": region.get("province"),
        "region": " ".join(v for k, v in region.items() if k in ("province", "city", "county") and v),
        "status": st["status"], "status_label": STATUS_LABELS[st["status"]], "status_reason": _reason(r, st),
        "effective_from": r.effective_from, "effective_until": r.effective_until,
        "links": [{"url": u, "safe": u.strip().lower().startswith(("http://", "https://"))} for u in r.links],
        "recipients": r.recipients, "registration_number": r.registration_number, "source": r.source,
        "deadline_rows": [_deadline(x, r, url, today, repeals or {}) for x in r.deadlines if x.kind != "opens"],
        "targets": r.targets, "toc": r.sections, "cites": cites, "cited_by": cited_by,
        "cite_links": links,
    }


def _reason(r: Record, st: dict) -> str:
    """kb.status's reason in Chinese."""
    if st["status"] == "repealed":
        return st["reason"].replace("declared repealed by ", "已被") + "宣布废止"
    if r.effective_until:
        return f"有效期至{r.effective_until}"
    if r.effective_from:
        return f"自{r.effective_from}起施行" + ("" if st["status"] == "not_yet" else "，未载明有效期")
    return "正文未载明有效期"


def _deadline(x, r: Record, url: str, today: date, repeals: dict) -> dict:
    # a recurring deadline falls no later than its document's validity, repeal or plan period
    # (kb.consult, as `kb deadlines` says); site.js checks data-until too
    until = consult.recurring_until(r, repeals) if x.recurring else None
    due = x.date or _next(x, today)
    if until and due and due > until:
        due = None
    doc = {"url": url, "title": r.title or r.id, "doc_number": r.doc_number}
    left = (date.fromisoformat(due) - today).days if due else None
    return {"due": due or "", "time": x.time, "opens": x.opens, "recurring": _recurrence(x), "text": x.text,
            "recur_key": "|".join(str(v) for v in (x.recurring, x.month or 0, x.day or 0)) if x.recurring else "",
            "days_left": left, "past": left is None or left < 0, "doc": doc, "until": until or ""}


def _recurrence(x) -> str | None:
    if x.recurring == "monthly":
        return f"每月{x.day}日"
    if x.recurring == "quarterly":
        return f"每季度结束后{x.day}日内"
    if x.recurring == "yearly":
        return f"每年{x.month}月{x.day}日"
    return None


def _next(x, today: date) -> str | None:
    """Next occurrence (on or after today) of a recurring deadline, as site.js computes it too."""
    def clamp(y, m, d):
        last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
        return date(y, m, min(d, last))
    if not x.recurring or not x.day:
        return None
    y, m = today.year, today.month
    if x.recurring == "monthly":
        cands = [clamp(y, m, x.day), clamp(y + (m == 12), m % 12 + 1, x.day)]
    elif x.recurring == "yearly" and x.month:
        cands = [clamp(y, x.month, x.day), clamp(y + 1, x.month, x.day)]
    elif x.recurring == "quarterly":
        ends = [clamp(yy, mm, 31) for yy in (y - 1, y) for mm in (3, 6, 9, 12)]
        cands = [e + timedelta(days=x.day) for e in ends]
    else:
        return None
    return min(c for c in cands if c >= today).isoformat() if any(c >= today for c in cands) else None


def _blocks(r: Record, links: dict[str, str | None]) -> list[dict]:
    """The clean text as paragraphs and headings, with section anchors and citation links."""
    starts: dict[int, list] = {}
    offsets, pos = [], 0
    lines = r.text.split("\n")
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    for s in r.sections:
        starts.setdefault(max(0, bisect.bisect_right(offsets, s.start) - 1), []).append(s)
    out = []
    for i, line in enumerate(lines):
        text = line.strip()
        secs = starts.get(i, [])
        if not text and not secs:
            continue
        head = secs[0] if secs else None
        is_heading = bool(head and len(text) <= 40 and not re.search(r"[。；]", text.rstrip("。；")))
        out.append({"ids": [s.id for s in secs], "heading": is_heading,
                    "level": min(6, 2 + head.level) if head else None, "parts": _cite_parts(text, links)})
    return out


def _cite_parts(text: str, cites: dict[str, str | None]) -> list[tuple[str, str | None, bool]]:
    """(text, url, is_citation) pieces: numbers the document cites link to their page, or are
    marked as missing from the knowledge base; other numbers stay plain text."""
    parts, last = [], 0
    for n in find_numbers(text):
        if n.canonical not in cites:
            continue
        parts.append((text[last:n.start], None, False))
        parts.append((text[n.start:n.end], cites[n.canonical], True))
        last = n.end
    parts.append((text[last:], None, False))
    return [p for p in parts if p[0]]


# ------------------------------------------------------------------ render


def environment(templates: Path) -> Environment:
    # autoescape on for every template, whatever its name: document text is data, never markup
    return Environment(loader=FileSystemLoader(str(templates)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render(m: Model, templates: Path = TEMPLATES):
    """(relative path, bytes) of every page and static asset."""
    env = environment(templates)
    common = {"today": m.today.isoformat(), "filters": m.filters, "labels": STATUS_LABELS,
              "documents": len(m.docs), "vocab_shards": site_index.VOCAB_SHARDS}

    def page(name, path, **ctx):
        root = "../" * path.count("/")
        html = env.get_template(name).render(root=root, path=path, **common, **ctx)
        return path, html.encode()

    yield page("index.html.j2", "index.html", home=m.home, title="政策文件知识库")
    yield page("search.html.j2", "search.html", title="搜索")
    yield page("deadlines.html.j2", "deadlines.html", deadlines=m.deadlines, title="截止日期")
    for kind, label in (("issuer", "发文机关"), ("year", "年份")):
        yield page("groups.html.j2", f"{kind}s.html", groups=m.groups[kind], title=label)
        for g in m.groups[kind]:
            yield page("list.html.j2", _unquote(g["url"]), group=g, label=label, title=g["name"])
    for d, rec in zip(m.docs, m.whole_records()):
        # the page-only parts from the whole record, made when the page is rendered
        doc = {**d, "targets": rec.targets, "toc": rec.sections}
        yield page("document.html.j2", _unquote(d["url"]), doc=doc, blocks=_blocks(rec, d["cite_links"]),
                   title=d["title"])
    static = templates / "static"
    for f in sorted(static.rglob("*")):
        if f.is_file():
            yield f"static/{f.relative_to(static).as_posix()}", f.read_bytes()


def _unquote(url: str) -> str:
    return unquote(url)


# ------------------------------------------------------------------ write


def write(files, out: Path, beside=None, phases=None, total: int | None = None, after=None) -> dict:
    """Write into a temporary folder beside ``out``, then swap it in; returns counts.

    ``beside``: a function returning more (path, bytes) pairs, written at the same time by a
    forked process (the search index is built while the pages are rendered); ``after``: one
    written after ``files`` in this process.  ``phases``: told the progress (pages: ``total``
    files; search index)."""
    phases = phases or _no_phases
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise KbError(f"{out} exists and is not a site made by `kb site` (no {MARKER}): not replacing it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    child = None
    try:
        tmp.mkdir()
        (tmp / MARKER).write_text("made by kb site; `kb site` replaces this folder\n")
        if beside is not None:
            child = multiprocessing.get_context("fork").Process(target=_write_all, args=(beside, tmp))
            child.start()
        n = _write_all(lambda: files, tmp, lambda k: phases("pages", k, total))
        phases("pages", n, total, final=True)
        if after is not None:
            _write_all(after, tmp, lambda k: phases("search index", k))
            phases("search index", 0, final=True)
        if child is not None:
            while child.is_alive():        # the search index, still being built beside
                phases("search index", 0)
                child.join(0.2)
            child.join()
            phases("search index", 0, final=True)
            if child.exitcode:
                raise KbError(f"building the search index failed (exit code {child.exitcode})")
        written = [f for f in tmp.rglob("*") if f.is_file() and f.name != MARKER]
        counts = {"files": len(written), "bytes": sum(f.stat().st_size for f in written),
                  "search_files": sum(1 for f in written if f.relative_to(tmp).parts[0] == "search")}
        counts["search_bytes"] = sum(f.stat().st_size for f in written if f.relative_to(tmp).parts[0] == "search")
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
    finally:
        if child is not None and child.is_alive():
            child.kill()
            child.join()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return counts


def _no_phases(phase, done, total=None, final=False) -> None:
    pass


def _write_all(produce, folder: Path, tick=None) -> int:
    made: set[Path] = set()
    k = 0
    for k, (rel, data) in enumerate(produce(), 1):
        if tick is not None:
            tick(k)
        target = folder / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(data)
    return k


def build(index_dir, out, today: date | None = None, templates: Path = TEMPLATES, procs: int | None = None,
          phases=None) -> dict:
    """Model, render and write the site of a knowledge base, with its search index.  ``phases``:
    told the progress of reading, pages and search index (kb.progress)."""
    t0 = time.perf_counter()
    phases = phases or _no_phases
    phases("reading", 0)
    # light records: the text, sections and targets of each document are read from the store
    # when its page is rendered and when the search index needs them (the whole records of
    # 10,000 documents took ~0.5 GB, in this process and in the forked one beside it)
    records = store.light_records(index_dir)
    analyzer.use_word_table()      # the alias phrases are cut without jieba's whole dictionary
    phases("reading", len(records), final=True)
    if today is None:
        built = store.meta(index_dir).get("built")
        today = date.fromisoformat(built[:10]) if built else date.today()
    phases("model", 0)
    m = model(records, today)
    m.whole = lambda: store.iter_records(index_dir)
    phases("model", len(m.docs), final=True)
    t1 = time.perf_counter()
    procs = procs or min(2, os.cpu_count() or 1)

    def search():
        return site_index.build(m.records, m.urls, m.statuses, index_dir=index_dir, procs=procs,
                                whole=m.whole_records)

    pages = len(m.docs) + len(m.groups["issuer"]) + len(m.groups["year"]) + 5
    static = sum(1 for f in (Path(templates) / "static").rglob("*") if f.is_file())
    if procs > 1 and len(records) >= 500:   # pages here, the search index in a forked process
        counts = write(render(m, templates), Path(out), beside=search, phases=phases, total=pages + static)
    else:
        counts = write(render(m, templates), Path(out), after=search, phases=phases, total=pages + static)
    t2 = time.perf_counter()
    return {"out": str(out), "documents": len(records), "today": today.isoformat(),
            "pages": pages, **counts,
            "seconds": round(t2 - t0, 2),
            "timings": {"model": round(t1 - t0, 2), "render_index_write": round(t2 - t1, 2)}}
