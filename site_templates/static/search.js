// Static search for the kb site: the `kb search` query language over the files that
// kb/site_index.py writes under search/.  No framework, no server: fetch, decompress, rank.
// Every string from the index reaches the page through textContent, never as HTML.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch) return;
  var BASE = form.getAttribute("data-index");     // "search/"
  var ROOT = form.getAttribute("data-root") || ""; // prefix from this page to the site root
  var VOCAB_SHARDS = +form.getAttribute("data-vocab-shards") || 256;
  var PAGE = 10, MAX_CHECKS = 60, MAX_CHARS = 100, PHRASE = "\u0002", COORD_POWER = 2;
  var HAN_RUN = /([\u4e00-\u9fd5]+)/;
  var JIEBA_BLOCK = /([\u4e00-\u9fd5a-zA-Z0-9+#&._%\-]+)/;   // jieba re_han_default
  var WORD = /[\p{L}\p{N}]/u;
  var cache = new Map();
  var seq = 0, limit = PAGE, submitted = false;

  // ---------------------------------------------------------------- loading
  function load(path) {
    if (!cache.has(path)) {
      cache.set(path, fetch(BASE + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": HTTP " + r.status);
        return r.arrayBuffer();
      }).then(inflate).then(function (text) { return JSON.parse(text); }));
    }
    return cache.get(path);
  }
  function inflate(buf) {
    var b = new Uint8Array(buf);
    if (b[0] !== 0x1f || b[1] !== 0x8b) return new TextDecoder().decode(b); // host already decoded it
    var s = new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(s).text();
  }
  function fnv(s) {
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  function first(s) { return String.fromCodePoint(s.codePointAt(0)); }
  function shard(kind, key, count) { return kind + "/" + (fnv(key) % count) + ".json.gz"; }
  async function columns(cfg, names) {  // per-document columns (kb/site_index.py _columns)
    var docs = {}, got = await Promise.all(names.map(function (n) {
      return cfg.columns[n] || load("c/" + n + ".json.gz");
    }));
    names.forEach(function (n, i) { docs[n] = got[i]; });
    return docs;
  }
  var NEEDS = { issuer: ["i"], year: ["y"], region: ["r"], category: ["c"], doc_type: ["t"],
                status: ["rp", "ef", "eu"], open_only: ["dl", "rc"] };

  // ---------------------------------------------------------------- text helpers
  function fold(s) {  // full-width ASCII and the ideographic space, one for one (kb analyzer)
    return s.replace(/[\uff01-\uff5e\u3000]/g, function (c) {
      var n = c.charCodeAt(0); return n === 0x3000 ? " " : String.fromCharCode(n - 0xfee0);
    });
  }
  function squash(s) { return fold(s).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ""); }
  function escapeRx(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // ---------------------------------------------------------------- 发文字号 (kb.extract.numbers)
  function numberRx(r) {
    var o = escapeRx(r.open), c = escapeRx(r.close);
    return new RegExp("^([\\u3400-\\u9fff]{1," + r.max + "})(?:[" + o + "]((?:19|20)\\d{2})[" + c +
                      "]|((?:19|20)\\d{2})年)(第?)(\\d{1,5})号$");
  }
  function digits(s) { return s.replace(/\s+/g, "").replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); }); }
  function normalizeNumber(cfg, text) {
    var m = digits(text).match(numberRx(cfg.number_rules));
    if (!m) return null;
    var prefix = m[1], strip = cfg.number_rules.strip;
    if (/[年第]$/.test(prefix) || strip.indexOf(prefix) >= 0 || (m[3] && m[4])) return null;
    for (var i = 0; i < strip.length; i++) {   // a leading 根据/按照 … is not part of the number
      if (prefix.startsWith(strip[i]) && prefix.length > strip[i].length) return null;
    }
    return prefix + "〔" + (m[2] || m[3]) + "〕" + parseInt(m[5], 10) + "号";
  }
  // forms people type that normalizeNumber does not read (kb.search.query.query_number):
  // 国函2025 57号, 环综合2022第42号, 发改能源规（2019）916 without 号
  function queryNumber(cfg, text) {
    var r = cfg.number_rules, o = escapeRx(r.open), c = escapeRx(r.close);
    var m = digits(text).match(new RegExp("^([\\u3400-\\u9fff]{1," + r.max + "}?)[" + o + "]?((?:19|20)\\d\\d)(?:[" + c +
                                           "]|年)?第?(\\d{1,5})号?$"));
    if (!m || /[年第]$/.test(m[1])) return null;
    return m[1] + "〔" + m[2] + "〕" + parseInt(m[3], 10) + "号";
  }
  function partialKey(cfg, text) {
    var r = cfg.number_rules;
    return digits(text).replace(new RegExp("[" + escapeRx(r.open) + "]", "g"), "〔")
      .replace(new RegExp("[" + escapeRx(r.close) + "]", "g"), "〕").replace(/(\d{4})年/g, "〔$1〕");
  }
  async function numbersFrom(cfg, key) {
    return (await load(shard("n", first(key), cfg.shards.n))) || {};
  }

  // ---------------------------------------------------------------- segmentation (jieba, precise mode)
  // The vocabulary is every indexed term with its jieba frequency; the route is jieba's
  // maximum-probability path over it.  Runs jieba would hand to its HMM are cut by the
  // longest corpus words instead.
  async function vocabulary(text) {
    var chars = Array.from(new Set(Array.from(text))).filter(function (c) { return JIEBA_BLOCK.test(c); });
    var parts = await Promise.all(chars.map(function (c) { return load(shard("v", c, VOCAB_SHARDS)); }));
    var v = new Map();
    parts.forEach(function (p) { for (var k in p) v.set(k, p[k]); });
    return v;
  }
  function cut(text, vocab, total) {
    var out = [];
    text.split(JIEBA_BLOCK).forEach(function (blk, i) {
      if (!blk) return;
      if (i % 2) out.push.apply(out, cutDag(blk, vocab, Math.log(total)));
      else Array.from(blk).forEach(function (c) { out.push(c); });
    });
    return out.filter(function (t) { return WORD.test(t); }).map(function (t) { return t.toLowerCase(); });
  }
  function cutDag(s, vocab, logtotal) {
    var n = s.length, route = new Array(n + 1), k, j;
    route[n] = [0, 0];
    for (k = n - 1; k >= 0; k--) {
      var ends = [];   // jieba's DAG: dictionary words starting here, else the character alone
      for (j = k + 1; j <= Math.min(n, k + 16); j++) if (vocab.get(s.slice(k, j)) > 0) ends.push(j);
      if (!ends.length) ends.push(k + 1);
      var best = null;
      ends.forEach(function (e) {
        var cand = [Math.log(vocab.get(s.slice(k, e)) || 1) - logtotal + route[e][0], e - 1];
        if (!best || cand[0] > best[0] || (cand[0] === best[0] && cand[1] > best[1])) best = cand;
      });
      route[k] = best;
    }
    var out = [], buf = "", x = 0;
    function flush() {
      if (buf.length === 1) out.push(buf);
      else if (buf) {
        if (!(vocab.get(buf) > 0)) out.push.apply(out, hmmLike(buf, vocab));
        else out.push.apply(out, Array.from(buf));
      }
      buf = "";
    }
    while (x < n) {
      var y = route[x][1] + 1, word = s.slice(x, y);
      if (y - x === 1) buf += word; else { flush(); out.push(word); }
      x = y;
    }
    flush();
    return out;
  }
  function hmmLike(buf, vocab) {
    var out = [];
    buf.split(HAN_RUN).forEach(function (part, i) {
      if (!part) return;
      if (!(i % 2)) {  // jieba finalseg: runs of letters/digits stay whole, the rest char by char
        part.split(/([a-zA-Z0-9]+(?:\.\d+)?%?)/).forEach(function (p, k) {
          if (k % 2) out.push(p); else Array.from(p).forEach(function (c) { out.push(c); });
        });
        return;
      }
      for (var x = 0; x < part.length;) {
        var y = part.length;
        while (y > x + 1 && !vocab.has(part.slice(x, y))) y--;
        out.push(part.slice(x, y)); x = y;
      }
    });
    return out;
  }

  // ---------------------------------------------------------------- query (kb.search.query)
  function splitFilters(cfg, q) {
    var found = {}, rest = [];
    (q.match(/"[^"]*"|\S+/g) || []).forEach(function (tok) {
      var m = tok.match(/^([\w\u4e00-\u9fff]+)[:：](.+)$/);
      if (m && cfg.filter_keys[m[1]]) found[cfg.filter_keys[m[1]]] = m[2].replace(/^"|"$/g, "");
      else rest.push(tok);
    });
    return [rest.join(" "), found];
  }
  function aliasKey(s) { return s.replace(/\s+/g, "").replace(/\(/g, "（").replace(/\)/g, "）").toLowerCase(); }
  // -> chunks: {forms: [..], split: whether its words are concepts of their own}
  function parse(cfg, text) {
    var out = [], toks = text.match(/"[^"]*"|\S+/g) || [];
    for (var i = 0; i < toks.length; i++) {
      var tok = toks[i];
      if (/^(AND|OR)$/.test(tok)) continue;
      if (tok === "NOT" || (tok[0] === "-" && tok.length > 1)) { if (tok === "NOT") i++; continue; }  // exclusions: kb search only
      if (tok[0] === '"') { out.push({ forms: [tok.slice(1, -1)], split: false }); continue; }
      tok = tok.replace(/"/g, "");
      if (cfg.abbreviations[tok]) out.push({ forms: cfg.abbreviations[tok], split: false });
      else if (cfg.aliases[aliasKey(tok)]) out.push({ forms: cfg.aliases[aliasKey(tok)], split: false });
      else out.push({ forms: [tok], split: true });
    }
    return out;
  }
  // [word, its 公文 forms] for the words of a chunk: a run of up to 4 words that is an everyday
  // key (首+套房) is one word (kb.search.intent._everyday)
  function everyday(cfg, words) {
    var out = [], table = cfg.everyday || {};
    for (var i = 0; i < words.length;) {
      var j = Math.min(words.length, i + 4);
      for (; j > i + 1; j--) if (table.hasOwnProperty(words.slice(i, j).join(""))) break;
      var w = words.slice(i, j).join("");
      out.push([w, table.hasOwnProperty(w) ? table[w] : []]);
      i = j;
    }
    return out;
  }
  // clauses (kb.search.intent concepts): [[form, ...], ...]; form: {terms, phrase, text, known}
  async function analyse(cfg, text) {
    var raw = parse(cfg, text);
    var all = raw.map(function (c) { return c.forms.join(""); }).join("");
    var vocab = await vocabulary(fold(all).slice(0, 400));
    function form(f) {
      var terms = cut(fold(f), vocab, cfg.jieba_total), t = terms.join("");
      // alias phrases were located at build time (kb/site_index.py _phrase_postings)
      return { terms: terms, phrase: terms.length > 1, text: t, known: terms.length > 1 && cfg.phrases.indexOf(t) >= 0 };
    }
    var clauses = [], seen = new Set();
    raw.forEach(function (c) {
      if (!c.split) { clauses.push(c.forms.map(form)); return; }
      // a chunk typed without spaces: each of its words is a concept, question words dropped
      everyday(cfg, cut(fold(c.forms[0]), vocab, cfg.jieba_total)).forEach(function (w) {
        if (cfg.query_drop.indexOf(w[0]) >= 0 || seen.has(w[0])) return;
        seen.add(w[0]);
        var forms = (cfg.aliases[aliasKey(w[0])] || [w[0]]).concat(w[1]);
        clauses.push(Array.from(new Set(forms)).map(form));
      });
    });
    return clauses.map(function (c) { return c.filter(function (f) { return f.terms.length; }); })
                  .filter(function (c) { return c.length; });
  }
  function highlights(clauses) {
    var out = [];
    clauses.forEach(function (c) {
      c.forEach(function (f) {
        out.push(f.text);
        if (f.phrase) f.terms.forEach(function (t) { if (t.length > 1) out.push(t); });
      });
    });
    return Array.from(new Set(out.filter(Boolean)));
  }

  // ---------------------------------------------------------------- postings and BM25F
  function termsOf(clauses) {  // every term to fetch, with the located alias phrases
    return [].concat.apply([], clauses.map(function (c) {
      return [].concat.apply([], c.map(function (x) { return x.known ? x.terms.concat([PHRASE + x.text]) : x.terms; }));
    }));
  }
  async function postings(cfg, terms) {
    var out = new Map();
    await Promise.all(Array.from(new Set(terms)).map(async function (t) {
      var sh = await load(shard("p", t, cfg.shards.p));
      out.set(t, decode(sh[t] || []));
    }));
    return out;
  }
  function decode(flat) {  // [gap*2+has_title, (tf title), tf body, ...] -> {title: Map, body: Map}
    var title = new Map(), body = new Map(), d = 0;
    for (var i = 0; i < flat.length;) {
      var g = flat[i++]; d += g >> 1;
      if (g & 1) title.set(d, flat[i++]);
      var b = flat[i++]; if (b) body.set(d, b);
    }
    return { title: title, body: body };
  }
  function fieldScores(cfg, docs, post, field) {  // doc -> BM25F score of one term in one field
    var m = post[field], out = new Map();
    if (!m.size) return out;
    var idf = Math.log(cfg.documents / (m.size + 1)) + 1, k1 = cfg.k1, b = cfg.b;
    var avg = cfg.avgfl[field], lens = docs[field === "title" ? "tl" : "bl"], boost = cfg.boost[field];
    m.forEach(function (tf, d) {
      var w = tf * boost, fl = cfg.lengths[lens[d]];
      out.set(d, idf * (w * (k1 + 1)) / (w + k1 * ((1 - b) + b * fl / avg)));
    });
    return out;
  }
  function weight(cfg, clause, post) {  // a concept weighs the idf of its first form found
    for (var i = 0; i < clause.length; i++) {
      var w = 0;
      clause[i].terms.forEach(function (t) {
        var m = post.get(t).body;
        if (m.size) w = Math.max(w, Math.log(cfg.documents / (m.size + 1)) + 1);
      });
      if (w) return w;
    }
    return 0;
  }
  // One clause: doc -> {sure, maybe: [[field, phrase text, score]]}
  function clauseMatches(cfg, docs, clause, post, mask) {
    var res = new Map();
    function entry(d) { var e = res.get(d); if (!e) res.set(d, e = { sure: 0, maybe: [] }); return e; }
    clause.forEach(function (form) {
      ["title", "body"].forEach(function (field) {
        var per = form.terms.map(function (t) { return fieldScores(cfg, docs, post.get(t), field); });
        var where = form.known ? post.get(PHRASE + form.text)[field] : null;
        per[0].forEach(function (s0, d) {
          if (!mask[d] || (where && !where.has(d))) return;
          var s = s0;
          for (var i = 1; i < per.length; i++) { if (!per[i].has(d)) return; s += per[i].get(d); }
          if (form.phrase && !form.known) entry(d).maybe.push([field, form.text, s]); else entry(d).sure += s;
        });
      });
    });
    return res;
  }
  // AND (all) or OR of the clauses -> doc -> parts; each part weighs its clause's weight, and the
  // parts of a document know the query's total weight (the coordination factor, kb.search.rank)
  function combine(clauses, matches, all, weights) {
    var out = new Map(), total = 0;
    weights = weights || clauses.map(function () { return 1; });
    matches.forEach(function (m, i) { if (m.size) total += weights[i]; });
    var base = all ? matches[0] : null;
    var docs = all ? Array.from(base.keys()) : Array.from(new Set([].concat.apply([], matches.map(function (m) { return Array.from(m.keys()); }))));
    docs.forEach(function (d) {
      var parts = [];
      for (var i = 0; i < matches.length; i++) {
        var e = matches[i].get(d);
        if (!e) { if (all) return; continue; }
        e.w = weights[i];
        parts.push(e);
      }
      parts.tw = total;
      out.set(d, parts);
    });
    return out;
  }
  function coord(w, total) { return total ? Math.pow(w / total, COORD_POWER) : 1; }
  function upper(parts) {
    var w = parts.reduce(function (a, e) { return a + e.w; }, 0);
    return parts.reduce(function (s, e) { return s + e.sure + e.maybe.reduce(function (a, m) { return a + m[2]; }, 0); }, 0)
      * coord(w, parts.tw);
  }
  function exact(parts, doc, all) {  // phrases checked in the text; null if the document fails
    var title = squash(doc.t), body = squash(doc.x), score = 0, matched = 0, w = 0;
    for (var i = 0; i < parts.length; i++) {
      var e = parts[i], s = e.sure, ok = e.sure > 0;
      e.maybe.forEach(function (m) {
        if ((m[0] === "title" ? title : body).indexOf(m[1]) >= 0) { s += m[2]; ok = true; }
      });
      if (ok) { score += s; matched++; w += e.w; } else if (all) return null;
    }
    return matched ? score * coord(w, parts.tw) : null;
  }

  // ---------------------------------------------------------------- filters and status
  function today() { var t = new Date(); return Math.floor(Date.UTC(t.getFullYear(), t.getMonth(), t.getDate()) / 864e5); }
  function status(docs, d, now) {
    var rp = docs.rp[d], ef = docs.ef[d], eu = docs.eu[d];
    if (rp !== null && (rp < 0 || rp <= now)) return "repealed";
    if (ef !== null && ef > now) return "not_yet";
    if (eu !== null) return eu < now ? "expired" : "in_force";
    return ef !== null ? "in_force" : "unknown";
  }
  function filterMask(cfg, docs, f, now) {
    var n = cfg.documents, mask = new Uint8Array(n).fill(1);
    function keep(test) { for (var d = 0; d < n; d++) if (mask[d] && !test(d)) mask[d] = 0; }
    if (f.issuer) {
      var name = cfg.bodies[aliasKey(f.issuer)] || f.issuer.replace(/\s+/g, ""), i = cfg.issuers.indexOf(name);
      keep(function (d) { return docs.i[d].indexOf(i) >= 0; });
    }
    if (f.year) keep(function (d) { return docs.y[d] === parseInt(f.year, 10); });
    if (f.region) {
      var r = f.region, full = cfg.provinces[r] && !/[市县区]$/.test(r) ? [cfg.provinces[r]] : [r, r + "市"];
      var ids = full.map(function (x) { return cfg.regions.indexOf(x); }).filter(function (x) { return x >= 0; });
      keep(function (d) { return docs.r[d].some(function (x) { return ids.indexOf(x) >= 0; }); });
    }
    if (f.category) { var c = cfg.categories.indexOf(f.category); keep(function (d) { return docs.c[d] === c; }); }
    if (f.doc_type) { var t = cfg.types.indexOf(f.doc_type); keep(function (d) { return docs.t[d] === t; }); }
    if (f.status) keep(function (d) { return status(docs, d, now) === f.status; });
    if (f.open_only && !/^(0|false|no)$/i.test(f.open_only)) {
      keep(function (d) { return (docs.dl[d] !== null && docs.dl[d] >= now) || docs.rc[d] === 1; });
    }
    return mask;
  }

  // ---------------------------------------------------------------- search
  async function search(q, f, sort, want, now) {  // now: day number for status and open deadlines
    var cfg = await load("config.json.gz");
    performance.mark("kb-config");
    var split = splitFilters(cfg, q.slice(0, MAX_CHARS)), text = split[0].trim();
    for (var k in split[1]) if (!f[k]) f[k] = split[1][k];
    var res = { hits: [], total: 0, terms: [], numbers: null, number: null };
    var num = text ? normalizeNumber(cfg, text) : null, loose = num || !text ? null : queryNumber(cfg, text);
    if (loose && Array.isArray((await numbersFrom(cfg, loose))[loose])) num = loose;  // else: its words
    if (num) {
      res.number = num;
      var e = (await numbersFrom(cfg, num))[num];
      // own number first, then other copies (x[2] "copy"); for a number no document has, the
      // document its citers name (kb.search.query's tiers), then the citers
      if (Array.isArray(e)) res.hits = e.map(function (x) { return { url: x[0], title: x[1], number: x[2] ? "" : num, via: x[2] || "own" }; });
      else if (e) {
        res.citedBy = e;
        res.hits = (e.named || []).map(function (x) { return { url: x[0], title: x[1], via: "named" }; });
      }
      res.total = res.hits.length;
      return res;
    }
    if (text && /[〔〕\[\]【】［］()（）]/.test(text) && !/\s/.test(text)) {
      var key = partialKey(cfg, text), bucket = await numbersFrom(cfg, key);
      res.numbers = Object.keys(bucket).filter(function (n) { return n.startsWith(key); }).map(function (n) { return [n, bucket[n]]; });
      res.total = res.numbers.length;
      return res;
    }
    // columns, number prefixes and the query's words load at the same time
    var names = text ? ["tl", "bl"] : [];
    Object.keys(NEEDS).forEach(function (k) { if (f[k]) names = names.concat(NEEDS[k]); });
    if (sort === "date") names.push("dt");
    var prefix = /^[\u4e00-\u9fff]{2,10}$/.test(text) && cfg.number_heads.indexOf(text.slice(0, 2)) >= 0;
    var words = text ? analyse(cfg, text) : Promise.resolve([]);
    var got = await Promise.all([columns(cfg, names), prefix ? numbersFrom(cfg, text) : null, words,
                                 words.then(function (c) { return c.length ? postings(cfg, termsOf(c)) : null; })]);
    var docs = got[0], nb = got[1], clauses = got[2], post = got[3];
    performance.mark("kb-words");
    if (nb) {
      var found = Object.keys(nb).filter(function (n) { return n.startsWith(text) && Array.isArray(nb[n]); });
      if (found.length) res.numbers = found.map(function (n) { return [n, nb[n]]; });
    }
    var mask = filterMask(cfg, docs, f, now === undefined ? today() : now);
    res.terms = highlights(clauses);
    var ranked;
    if (!clauses.length) {
      ranked = [];
      for (var d = 0; d < cfg.documents; d++) if (mask[d]) ranked.push([d, 0, null]);
      if (text) ranked = [];
    } else {
      performance.mark("kb-postings");
      var matches = clauses.map(function (c) { return clauseMatches(cfg, docs, c, post, mask); });
      var dates = sort === "date" ? docs.dt : null;
      // disjunctive, documents with more of the query's concepts first (kb.search.rank)
      var weights = clauses.map(function (c) { return weight(cfg, c, post); });
      ranked = await rank(combine(clauses, matches, false, weights), false, want, dates);
    }
    performance.mark("kb-ranked");
    if (sort === "date") ranked.sort(byDate(docs.dt));
    res.total = ranked.approx ? ranked.approx : ranked.length;
    res.approx = !!ranked.approx;
    res.ranked = ranked;
    return res;
  }
  // Rank by score; phrases are checked in the text, best candidates first (newest first when
  // sorting by date), until `want` are sure.
  function byDate(dates) { return function (a, b) { return (dates[b[0]] || -1e9) - (dates[a[0]] || -1e9) || a[0] - b[0]; }; }
  async function rank(cands, all, want, dates) {
    var list = [];
    cands.forEach(function (parts, d) { list.push([d, upper(parts), parts]); });
    list.sort(dates ? byDate(dates) : function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    if (!list.some(function (x) { return x[2].some(function (e) { return e.maybe.length; }); })) {
      return list.map(function (x) { return [x[0], x[1], null]; });
    }
    var sure = [], i = 0, checked = 0;
    while (i < list.length && checked < MAX_CHECKS) {
      sure.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      if (sure.length >= want && (dates || list[i][1] < sure[want - 1][1])) break;
      var batch = list.slice(i, i + PAGE);
      i += batch.length; checked += batch.length;
      var texts = await Promise.all(batch.map(function (x) { return load("d/" + x[0] + ".json.gz"); }));
      batch.forEach(function (x, k) {
        var s = exact(x[2], texts[k], all);
        if (s !== null) sure.push([x[0], s, texts[k]]);
      });
    }
    sure.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    if (i < list.length) sure.approx = sure.length + (list.length - i);  // not all checked
    return sure;
  }

  // ---------------------------------------------------------------- snippets (kb.search.query.snippet)
  function snippet(doc, words) {
    var text = doc.x, W = 120;
    words = words.filter(function (w) { return w.trim(); });
    if (!words.length) return { pieces: [[text.slice(0, W).replace(/\n/g, " "), false]], section: null };
    var best = "", bestScore = -1, offset = 0, pos = 0;
    text.split("\n").forEach(function (line) {
      var score = 0;
      words.forEach(function (w) { var c = line.split(w).length - 1; score += (c ? 10 : 0) + c; });
      if (score > bestScore && line.trim()) { best = line; bestScore = score; offset = pos; }
      pos += line.length + 1;
    });
    var at = words.map(function (w) { return best.indexOf(w); }).filter(function (i) { return i >= 0; });
    var firstAt = at.length ? Math.min.apply(null, at) : 0, start = Math.max(0, firstAt - Math.floor(W / 3));
    var piece = best.slice(start, start + W);
    var rx = new RegExp(words.slice().sort(function (a, b) { return b.length - a.length; }).map(escapeRx).join("|"), "g");
    var pieces = [], last = 0, m;
    if (start) pieces.push(["…", false]);
    while ((m = rx.exec(piece))) {
      if (m.index > last) pieces.push([piece.slice(last, m.index), false]);
      pieces.push([m[0], true]); last = m.index + m[0].length;
    }
    if (last < piece.length) pieces.push([piece.slice(last), false]);
    if (start + W < best.length) pieces.push(["…", false]);
    var sec = null, o = offset + firstAt;
    doc.s.forEach(function (s) { if (s[0] <= o && o < s[1] && (!sec || s[2] >= sec[2])) sec = s; });
    return { pieces: pieces, section: sec ? sec[3] : null };
  }

  // ---------------------------------------------------------------- page
  var input = document.getElementById("q"), out = document.getElementById("results");
  var summary = document.getElementById("summary"), more = document.getElementById("more");
  var numbers = document.getElementById("numbers");
  var FILTERS = ["issuer", "region", "year", "category", "doc_type", "status", "open_only"];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function link(url, text) { var a = el("a", null, text); a.href = ROOT + url; return a; }
  function state() {
    var f = {};
    FILTERS.forEach(function (k) {
      var e = form.elements[k]; if (!e) return;
      var v = e.type === "checkbox" ? (e.checked ? "1" : "") : e.value;
      if (v) f[k] = v;
    });
    return { q: input.value, f: f, sort: form.elements.sort ? form.elements.sort.value : "relevance" };
  }
  function restore() {
    var p = new URLSearchParams(location.search);
    input.value = p.get("q") || "";
    var box = document.getElementById("filters");
    if (box && FILTERS.concat(["sort"]).some(function (k) { return p.get(k); })) box.open = true;
    FILTERS.concat(["sort"]).forEach(function (k) {
      var e = form.elements[k], v = p.get(k); if (!e || v === null) return;
      if (e.type === "checkbox") { e.checked = !!v; return; }
      if (e.tagName === "SELECT" && !Array.from(e.options).some(function (o) { return o.value === v; })) {
        e.append(el("option", null, v));  // a value linked from elsewhere (工信部, a city …)
      }
      e.value = v;
    });
  }
  function remember(s) {
    var p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    for (var k in s.f) p.set(k, s.f[k]);
    if (s.sort !== "relevance") p.set("sort", s.sort);
    var url = location.pathname + (p.toString() ? "?" + p : "");
    if (url !== location.pathname + location.search) history.replaceState(null, "", url);
  }

  async function run() {
    var s = state(), mine = ++seq;
    remember(s);
    if (!s.q.trim() && !Object.keys(s.f).length) { out.replaceChildren(); summary.textContent = ""; more.hidden = true; return; }
    performance.mark("kb-search-start");
    summary.textContent = "正在搜索…";
    try {
      var res = await search(s.q, Object.assign({}, s.f), s.sort, limit);
      if (mine !== seq) return;
      await show(res, mine);
    } catch (err) {
      if (mine !== seq) return;
      summary.textContent = location.protocol === "file:"
        ? "浏览器不允许本地文件读取索引：请用网站服务器打开本站（如 kb serve），再搜索。"
        : "搜索出错：" + err.message;
    }
  }
  async function show(res, mine) {
    var items = [], head = [], fill = [];
    if (res.number) {
      if (res.hits.length && !res.citedBy) {
        if (submitted) { location.href = ROOT + res.hits[0].url; return; }
        head.push(res.number + "：直达文件");
      } else {
        head.push(res.number + " 未收录于本知识库" + (res.hits.length ? "；引用它的文件称其为下列文件（文中未印发文字号）" : "")
                  + (res.citedBy ? "；引用它的文件 " + res.citedBy.count + " 件：" : ""));
      }
      res.hits.forEach(function (h) {
        var li = hitItem(h, null);
        if (h.via === "copy") li.append(el("p", "meta", "同一文件的另一份（未印发文字号）"));
        if (h.via === "named") li.append(el("p", "meta", "引用文件所称的文件"));
        items.push(li);
      });
      if (res.citedBy) res.citedBy.cited.forEach(function (c) { items.push(hitItem({ url: c[0], title: c[1] }, null)); });
    } else if (res.ranked) {
      if (res.fallback) head.push("没有文件包含全部词语；显示包含任一词语的文件。");
      head.push((res.approx ? "约 " : "") + res.total + " 件文件");
      fill = res.ranked.slice(0, limit);   // each hit is shown as soon as its document arrives
      fill.forEach(function (x) { items.push(el("li", "pending")); });
    }
    if (res.numbers && !res.ranked) head.push(res.numbers.length ? res.numbers.length + " 个匹配的发文字号" : "没有匹配的发文字号");
    numbers.replaceChildren();
    if (res.numbers && res.numbers.length) {
      numbers.append("匹配的发文字号：");
      res.numbers.forEach(function (n, i) {
        if (i) numbers.append("、");
        if (Array.isArray(n[1])) numbers.append(link(n[1][0][0], n[0]));
        else numbers.append(el("span", "missing", n[0] + "（未收录，被引用 " + n[1].count + " 次）"));
      });
    }
    summary.textContent = head.join(" ");
    out.setAttribute("aria-busy", "true");
    out.replaceChildren.apply(out, items);
    more.hidden = !(res.ranked && res.ranked.length > limit);
    await Promise.all(fill.map(async function (x, i) {
      var doc = x[2] || await load("d/" + x[0] + ".json.gz");
      if (mine !== seq) return;
      items[i].replaceWith(hitItem(doc, res.terms, x[0]));
      if (i === 0) performance.mark("kb-first");
    }));
    if (mine !== seq) return;
    out.setAttribute("aria-busy", "false");
    performance.mark("kb-results");
  }
  function hitItem(doc, terms, n) {
    var li = el("li", "hit");
    if (n !== undefined) li.setAttribute("data-doc", String(n));
    var url = doc.u || doc.url, title = doc.t || doc.title || doc.n || url;
    var h = el("h3"); h.append(link(url, title)); li.append(h);
    var meta = [doc.n || doc.number, (doc.i || []).join("、"), doc.d].filter(Boolean).join(" · ");
    if (meta) li.append(el("p", "meta", meta));
    if (terms && doc.x !== undefined) {
      var sn = snippet(doc, terms);
      if (sn.section) li.append(el("p", "section", "§ " + sn.section));
      var p = el("p", "snippet");
      sn.pieces.forEach(function (x) { p.append(x[1] ? el("mark", null, x[0]) : x[0]); });
      li.append(p);
    }
    return li;
  }

  var timer = null;
  function soon() { clearTimeout(timer); submitted = false; limit = PAGE; timer = setTimeout(run, 150); }
  input.addEventListener("input", soon);
  form.addEventListener("change", function (e) { if (e.target !== input) { limit = PAGE; submitted = false; run(); } });
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); submitted = true; limit = PAGE; run(); });
  more.addEventListener("click", function () { limit += PAGE; submitted = false; run(); });
  load("config.json.gz");
  var asked = new URLSearchParams(location.search).get("q");
  if (asked) vocabulary(fold(asked.slice(0, MAX_CHARS)));   // the vocabulary needs no config: start now
  restore();
  // a query from the home page's box jumps to a 发文字号's page; coming back must not jump again
  var nav = performance.getEntriesByType("navigation")[0];
  submitted = !!new URLSearchParams(location.search).get("q") && !(nav && nav.type === "back_forward");
  run();
  window.kbSearch = search;  // for tests and benchmarks
})();
