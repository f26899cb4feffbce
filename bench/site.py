#!/usr/bin/env python
"""Static site benchmark: build time and size, bytes and time per query in headless Chromium,
and how often the site's first result is `kb search`'s first result.

    python bench/site.py [--sample-only] [--index DIR] [--pagefind] [--rounds R]

(a) the sample corpus (corpus/, built into a temporary knowledge base) and (b) a generated one
(default bench/out/index-10000, made by bench/build.py): `kb site --json` as a subprocess (wall
time, the site's own timings), files and bytes of the whole site and of search/.  Then the site
is served by http.server on 127.0.0.1 and, for each query of bench/query.py's set:

- cold: a fresh browser context (empty cache) opens search.html?q=…; bytes are what the server
  sent (headers and bodies: HTML, CSS, JS, index files, documents), time is the `kb-results`
  performance mark (ten results on screen) from navigation start, `kb-first` for the first;
- warm: on that page a second query is typed; time from the search starting to results on screen;
- agreement: window.kbSearch's first result against kb.search.query.search's first result
  (today fixed to 2020-01-01 on both sides, so status and open-deadline filters agree).

--pagefind also indexes the site's document pages with pagefind-bin-extended (if installed) and
runs the text queries through its JS API: index size, bytes and time per query, agreement.
Writes bench/out/site.json (and site-<name>.json).
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))   # bench/results.py, when imported from elsewhere
from results import OUT, save  # noqa: E402
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from query import TODAY, query_list  # noqa: E402  the query set of bench/query.py

KB = Path(sys.executable).with_name("kb")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
DAY = (TODAY - date(1970, 1, 1)).days
FILTER_ARGS = ("issuer", "year", "region", "category", "doc_type", "status", "open_only")
INLINE = {"issuer": "issuer", "year": "year", "region": "region", "category": "category", "doc_type": "type",
          "status": "status", "open_only": "open"}


def build_site(index: Path, out: Path) -> dict:
    t = time.perf_counter()
    p = subprocess.run([str(KB), "site", "--index", str(index), "--out", str(out), "--today", TODAY.isoformat(),
                        "--json"], capture_output=True, text=True, check=True)
    report = json.loads(p.stdout)
    report["wall_seconds"] = round(time.perf_counter() - t, 2)
    files = [f for f in out.rglob("*") if f.is_file()]
    search = [f for f in files if f.relative_to(out).parts[0] == "search"]
    report["size"] = {"files": len(files), "mb": round(sum(f.stat().st_size for f in files) / 1e6, 1),
                      "search_files": len(search), "search_mb": round(sum(f.stat().st_size for f in search) / 1e6, 1)}
    return report


class _Counting(http.server.SimpleHTTPRequestHandler):
    """http.server with keep-alive (HTTP/1.1, as `python -m http.server -p HTTP/1.1` and
    `kb serve`), counting the bytes it sends: status lines, headers and bodies."""
    protocol_version = "HTTP/1.1"
    sent = 0

    def log_message(self, *args):
        pass

    def send_header(self, keyword, value):
        type(self).sent += len(keyword) + len(str(value).encode()) + 4
        super().send_header(keyword, value)

    def copyfile(self, source, outputfile):
        data = source.read()
        type(self).sent += len(data) + 17   # + the status line
        outputfile.write(data)


def serve(folder: Path):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Counting, directory=str(folder)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}/"


def page_url(base: str, q: str, kw: dict) -> str:
    params = {"q": q} if q else {}
    for k in FILTER_ARGS:
        if kw.get(k):
            params[k] = "1" if k == "open_only" else str(kw[k])
    if kw.get("sort") == "date":
        params["sort"] = "date"
    return base + "search.html?" + urlencode(params, quote_via=quote)


def expected_top(index: Path, queries, limit: int | None = 10) -> list[str | None]:
    """kb search's first result: as `kb search` prints it (limit 10), or over every match
    (limit None: Whoosh's top-k pruning can put another document first, see the README)."""
    from kb.search.query import search
    out = []
    for _, q, kw in queries:
        kw = {k: v for k, v in kw.items() if k != "facets"}
        res = search(str(index), q, today=TODAY, limit=limit, snippets=False, **kw)
        if res.get("mode") == "partial_number":   # the site lists the numbers, as kb does
            out.append("number:" + res["numbers"][0]["doc_number"] if res.get("numbers") else None)
        elif res.get("hits"):
            out.append(res["hits"][0]["id"])
        elif res.get("numbers"):
            out.append("number:" + res["numbers"][0]["doc_number"])
        else:
            out.append(None)
    return out


SITE_TOP = """async ([q, f, sort, now]) => {
  const r = await window.kbSearch(q, f, sort, 1, now);
  if (r.ranked) return r.ranked.length ? ["doc", r.ranked[0][0]] : null;
  if (r.hits && r.hits.length) return ["url", r.hits[0].url];
  const present = (r.numbers || []).find(n => Array.isArray(n[1]));  // kb lists numbers it holds
  if (present) return ["number", present[0]];
  return null;
}"""


def measure(base: str, site: Path, index: Path, queries, rounds: int) -> dict:
    from playwright.sync_api import sync_playwright
    ids = [r[0] for r in sqlite3.connect(f"file:{index / 'kb.sqlite'}?mode=ro", uri=True)
           .execute("SELECT id FROM documents ORDER BY id")]
    urls = {json.loads(gzip.decompress((site / "search/d" / f"{n}.json.gz").read_bytes()))["u"]: ids[n]
            for n in range(len(ids))} if len(ids) <= 20000 else {}
    expected = expected_top(index, queries)
    exhaustive = expected_top(index, queries, limit=None)
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for (kind, q, kw), want, best in zip(queries, expected, exhaustive):
                f = {k: ("1" if k == "open_only" else str(v)) for k, v in kw.items() if k in FILTER_ARGS and v}
                cold, warm = [], []
                for _ in range(rounds):
                    cold.append(_cold(browser, page_url(base, q, kw)))
                    warm.append(_warm(browser, base, q, kw))
                got = _site_top(browser, base, q, f, kw.get("sort", "relevance"))
                top = ids[got[1]] if got and got[0] == "doc" else urls.get(got[1]) if got and got[0] == "url" \
                    else ("number:" + got[1]) if got else None
                rows.append({"kind": kind, "query": q, "args": kw, "kb_top": want, "kb_top_exhaustive": best,
                             "site_top": top, "agree": top == want, "agree_exhaustive": top == best,
                             "cold_ms": statistics.median(c["ms"] for c in cold),
                             "cold_first_ms": statistics.median(c["first_ms"] for c in cold),
                             "cold_bytes": statistics.median(c["bytes"] for c in cold),
                             "warm_ms": statistics.median(w["ms"] for w in warm),
                             "warm_bytes": statistics.median(w["bytes"] for w in warm)})
                print(f"  {kind:14s} {q or '(filters)':22s} {rows[-1]['cold_ms']:7.0f} ms {rows[-1]['cold_bytes'] / 1e3:7.1f} KB"
                      f"  warm {rows[-1]['warm_ms']:5.0f} ms {rows[-1]['warm_bytes'] / 1e3:6.1f} KB"
                      f"  {'same top' if rows[-1]['agree'] else 'DIFFERENT: ' + str(top) + ' vs ' + str(want)}"
                      f"{'' if top == best else ' (exhaustive: ' + str(best) + ')'}",
                      flush=True)
        finally:
            browser.close()
    return summarise(rows)


class _Bytes:
    """Bytes the server sent since the page's context was opened."""
    def __init__(self):
        self.start = _Counting.sent

    def __getitem__(self, key):
        return _Counting.sent - self.start


def _context(browser):
    ctx = browser.new_context(bypass_csp=True)
    return ctx, ctx.new_page(), _Bytes()


def _wait_results(page):
    page.wait_for_function("performance.getEntriesByName('kb-results').length > 0", timeout=30000)


def _cold(browser, url: str) -> dict:
    """Results on screen, or for a 发文字号 the document's page loaded, from navigation start."""
    ctx, page, got = _context(browser)
    try:
        t = time.perf_counter()
        page.goto(url, wait_until="commit")
        ms = None
        while ms is None and time.perf_counter() - t < 30:
            if "/doc/" in page.url:
                page.wait_for_load_state("load")
                ms = (time.perf_counter() - t) * 1000
                break
            try:
                ms = page.evaluate("(performance.getEntriesByName('kb-results')[0] || {}).startTime || null")
            except Exception:  # the page is navigating to the document
                pass
            if ms is None:
                time.sleep(0.005)
        first = ms
        if "/doc/" not in page.url:   # the top hit on screen, before the other nine arrive
            first = page.evaluate("(performance.getEntriesByName('kb-first')[0] || {}).startTime || null") or ms
        page.wait_for_load_state("networkidle")
        return {"ms": ms if ms is not None else float("nan"), "first_ms": first, "bytes": got["bytes"]}
    finally:
        ctx.close()


SET_QUERY = """([q, f]) => {
  const form = document.getElementById("search-form");
  document.getElementById("q").value = q;
  for (const [k, v] of Object.entries(f)) {
    const e = form.elements[k];
    if (e.type === "checkbox") e.checked = true; else e.value = v;
  }
  performance.clearMarks();
  form.elements.sort.dispatchEvent(new Event("change", {bubbles: true}));
}"""


def _warm(browser, base: str, q: str, kw: dict) -> dict:
    """A first query (专精特新) loads the page and shared files; then time this one."""
    ctx, page, got = _context(browser)
    try:
        page.goto(page_url(base, "专精特新", {}))
        _wait_results(page)
        page.wait_for_load_state("networkidle")
        before = got["bytes"]
        inline = " ".join(f"{INLINE[k]}:{v}" for k, v in kw.items() if k in INLINE and v)
        page.evaluate(SET_QUERY, [f"{q} {inline}".strip(), {"sort": kw["sort"]} if kw.get("sort") else {}])
        _wait_results(page)
        ms = page.evaluate("performance.getEntriesByName('kb-results').at(-1).startTime"
                           " - performance.getEntriesByName('kb-search-start').at(-1).startTime")
        page.wait_for_load_state("networkidle")
        return {"ms": ms, "bytes": got["bytes"] - before}
    finally:
        ctx.close()


def _site_top(browser, base, q, f, sort):
    ctx = browser.new_context(bypass_csp=True)
    try:
        page = ctx.new_page()
        page.goto(base + "search.html")
        page.wait_for_function("!!window.kbSearch")
        return page.evaluate(SITE_TOP, [q, f, sort, DAY])
    finally:
        ctx.close()


def summarise(rows: list[dict]) -> dict:
    def stats(vals):
        v = sorted(vals)
        return {"p50": round(statistics.median(v), 1), "max": round(v[-1], 1), "mean": round(statistics.fmean(v), 1)}
    agree = sum(r["agree"] for r in rows)
    agree_all = sum(r["agree_exhaustive"] for r in rows)
    kinds = {}
    for r in rows:
        k = kinds.setdefault(r["kind"], {"n": 0, "agree": 0})
        k["n"] += 1
        k["agree"] += r["agree"]
    return {"queries": len(rows), "agree": agree, "agreement": round(agree / len(rows), 3) if rows else None,
            "agree_exhaustive": agree_all,
            "by_kind": kinds, "cold_ms": stats([r["cold_ms"] for r in rows]),
            "cold_first_ms": stats([r["cold_first_ms"] for r in rows]),
            "cold_kb": stats([r["cold_bytes"] / 1e3 for r in rows]), "warm_ms": stats([r["warm_ms"] for r in rows]),
            "warm_kb": stats([r["warm_bytes"] / 1e3 for r in rows]),
            "over_300kb": [r["query"] for r in rows if r["cold_bytes"] > 300_000],
            "over_500ms": [r["query"] for r in rows if r["cold_ms"] > 500],
            "disagreements": [{k: r[k] for k in ("kind", "query", "args", "kb_top", "kb_top_exhaustive", "site_top")}
                              for r in rows if not (r["agree"] and r["agree_exhaustive"])],
            "rows": rows}


# ------------------------------------------------------------------ Pagefind, for comparison

PAGEFIND_TOP = """async (q) => {
  const t0 = performance.now();
  const pf = await import("./pagefind/pagefind.js");
  const r = await pf.search(q);
  const first = r.results.length ? await r.results[0].data() : null;
  return {ms: performance.now() - t0, url: first && first.url, total: r.results.length};
}"""


def pagefind(site: Path, base: str, index: Path, queries) -> dict | None:
    try:
        import pagefind_bin_extended  # noqa: F401
    except ImportError:
        return None
    from playwright.sync_api import sync_playwright
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pagefind_bin_extended", "--site", str(site), "--glob", "doc/*.html",
                    "--force-language", "zh"], check=True, capture_output=True)
    seconds = time.perf_counter() - t
    pf_files = [f for f in (site / "pagefind").rglob("*") if f.is_file()]
    texts = [(k, q, kw) for k, q, kw in queries if k in ("word", "two_words", "phrase", "number") and not kw]
    expected = expected_top(index, texts)
    ids = [r[0] for r in sqlite3.connect(f"file:{index / 'kb.sqlite'}?mode=ro", uri=True)
           .execute("SELECT id FROM documents ORDER BY id")]
    by_url = {}
    for n, i in enumerate(ids):
        u = json.loads(gzip.decompress((site / "search/d" / f"{n}.json.gz").read_bytes()))["u"]
        by_url["/" + unquote(u)] = i
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for (kind, q, _), want in zip(texts, expected):
                ctx, page, got = _context(browser)
                try:
                    page.goto(base + "index.html")
                    page.wait_for_load_state("networkidle")
                    before = got["bytes"]
                    r = page.evaluate(PAGEFIND_TOP, q.strip('"'))
                    page.wait_for_load_state("networkidle")
                    top = by_url.get(unquote(r["url"] or ""))
                    rows.append({"kind": kind, "query": q, "ms": r["ms"], "bytes": got["bytes"] - before,
                                 "total": r["total"], "kb_top": want, "site_top": top, "agree": top == want})
                finally:
                    ctx.close()
        finally:
            browser.close()
    agree = sum(r["agree"] for r in rows)
    return {"index_seconds": round(seconds, 1), "files": len(pf_files),
            "mb": round(sum(f.stat().st_size for f in pf_files) / 1e6, 1), "queries": len(rows), "agree": agree,
            "agreement": round(agree / len(rows), 3) if rows else None,
            "ms_p50": round(statistics.median(r["ms"] for r in rows), 1),
            "kb_p50": round(statistics.median(r["bytes"] for r in rows) / 1e3, 1),
            "kb_max": round(max(r["bytes"] for r in rows) / 1e3, 1), "rows": rows}


# ------------------------------------------------------------------ main


def run(name: str, index: Path, a) -> dict:
    site = OUT / f"site-{name}"
    print(f"\n[{name}] kb site --index {index} --out {site}", flush=True)
    report = build_site(index, site)
    print(f"  built in {report['wall_seconds']} s (site's own timer {report['seconds']} s: {report['timings']}); "
          f"{report['size']['files']} files, {report['size']['mb']} MB, search/ {report['size']['search_mb']} MB",
          flush=True)
    queries = query_list(index)
    srv, base = serve(site)
    try:
        result = {"index": str(index), "site": str(site), "build": report,
                  "search": measure(base, site, index, queries, a.rounds)}
        s = result["search"]
        print(f"  same first result as kb search: {s['agree']}/{s['queries']} ({s['agreement']:.0%}), as kb search "
              f"over every match (no top-k pruning): {s['agree_exhaustive']}/{s['queries']}; cold: "
              f"{s['cold_ms']['p50']} ms p50 / {s['cold_ms']['max']} ms max (first hit {s['cold_first_ms']['p50']} / "
              f"{s['cold_first_ms']['max']} ms), {s['cold_kb']['p50']} KB p50 / "
              f"{s['cold_kb']['max']} KB max; warm: {s['warm_ms']['p50']} ms p50, {s['warm_kb']['p50']} KB p50")
        if a.pagefind:
            pf = pagefind(site, base, index, queries)
            result["pagefind"] = pf
            if pf:
                print(f"  pagefind: indexed in {pf['index_seconds']} s, {pf['files']} files, {pf['mb']} MB; same first "
                      f"result {pf['agree']}/{pf['queries']}; {pf['kb_p50']} KB p50 / {pf['kb_max']} KB max per "
                      f"query, {pf['ms_p50']} ms p50")
    finally:
        srv.shutdown()
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, default=OUT / "index-10000", help="generated knowledge base to measure")
    ap.add_argument("--sample-only", action="store_true")
    ap.add_argument("--pagefind", action="store_true", help="also measure Pagefind on the same pages")
    ap.add_argument("--rounds", type=int, default=1, help="cold and warm loads per query (median)")
    a = ap.parse_args(argv)
    out = {"today": TODAY.isoformat(), "date": time.strftime("%Y-%m-%dT%H:%M:%S"), "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([str(KB), "build", str(ROOT / "corpus"), "--index", tmp, "--quiet", "--json"],
                       check=True, capture_output=True)
        out["runs"]["sample"] = run("sample", Path(tmp), a)
        out["runs"]["sample"]["index"] = "corpus/ (temporary knowledge base)"
    if not a.sample_only:
        if not (a.index / "kb.sqlite").exists():
            print(f"no knowledge base at {a.index}: run bench/build.py --docs 10000 first", file=sys.stderr)
        else:
            out["runs"][a.index.name] = run(a.index.name, a.index, a)
    (path,) = save(out, "site")
    for name, r in out["runs"].items():
        save(r, f"site-{name}")
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
