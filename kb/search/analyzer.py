"""Chinese analysis for Whoosh: jieba segmentation as a ``Tokenizer | Filter`` chain.

Public API
    ChineseAnalyzer(mode="auto", hmm=True) -> whoosh CompositeAnalyzer
        ChineseTokenizer(hmm) | SubwordFilter(...) | LowercaseFilter()
        mode="auto"  (use this in the schema): follows the ``mode`` Whoosh passes
                     itself: "index" when indexing and highlighting -> precise
                     words plus sub-words; "query" when parsing -> precise words.
        mode="index" always adds sub-words; mode="query" never does.
    ChineseTokenizer(hmm=True)   jieba precise segmentation (``jieba.tokenize``)
    SubwordFilter(always=False)  dictionary words inside longer words
    segmenter() -> jieba.Tokenizer   the shared tokenizer, initialised on first use
    index_positions(text) -> {term: [positions]}   what the chain gives at index time,
                     without Token objects (the build's fast path; a test pins the equality)
    load_user_dict(path) -> int      add a user dictionary (entries added)
    write_word_table() / use_word_table()   the whole dictionary as an SQLite table (written by
                     kb build), so that a search cuts short texts without loading it
    segmenter_for(text), prepare(texts)     a tokenizer cutting those texts as segmenter() does
    dictionary_total(), frequencies(words)  the dictionary's total and entries, either way

Tokens
    * startchar/endchar are jieba's offsets into the original text, so
      highlights land on the right characters.
    * Whitespace and pure punctuation are dropped *without* using a position;
      everything else is kept: single characters, digits (国发〔2024〕5号 ->
      国发 2024 5 号), Latin words (lowercased, never stemmed). Full-width ASCII
      is folded one-for-one (２０２４ -> 2024), so offsets still hold.
    * Precise words get positions 0, 1, 2, ... so quoted phrases match.
    * Index-time sub-words (every dictionary word of 2+ characters strictly
      inside a word of 3+ characters with a Han character: 碳排放权 and 交易 in
      碳排放权交易) share the position of the word containing them, like
      synonyms. A phrase over precise words matches exactly; a term that is a
      sub-word matches inside the longer word. Known looseness: a phrase built
      from a sub-word and the next word (碳排放权 市场) also matches
      碳排放权交易 市场, and a quoted phrase that cuts an indexed word
      differently from the document (排放权交易) does not match as a phrase.

User dictionaries
    kb/data/userdict.txt is always loaded; then the files listed in the
    environment variable KB_USERDICT (os.pathsep-separated); then whatever
    load_user_dict() is given. Multiprocess writers re-create the analyzer by
    import path in each worker, so use KB_USERDICT for extra dictionaries there.
    The jieba tokenizer is a private ``jieba.Tokenizer``, not jieba's global
    one, so these words do not leak into other code using jieba.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import sqlite3
import sys
import threading
from importlib import resources
from pathlib import Path

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

from kb.search import speedups

__all__ = [
    "ChineseAnalyzer",
    "ChineseTokenizer",
    "SubwordFilter",
    "index_positions",
    "load_user_dict",
    "segmenter",
]

ENV_USERDICT = "KB_USERDICT"

# jieba-next gives jieba's tokens exactly (checked on the corpus with our user dictionary,
# tests/test_analyzer.py) at 2-4x the speed; jieba itself is the fallback and the reference.
# KB_SEGMENTER=jieba forces the reference.
# jieba itself is imported only when it is used: its import pulls in pkg_resources (0.1 s of
# every cold search).
if os.environ.get("KB_SEGMENTER") == "jieba":
    import jieba as _impl
else:
    try:
        import jieba_next as _impl
    except ImportError:                      # no wheel for this platform
        import jieba as _impl
SEGMENTER = _impl.__name__

# Creating the Tokenizer is cheap; the dictionary is loaded by segmenter().
_JIEBA = _impl.Tokenizer()
_lock = threading.RLock()
_ready = False
_loaded: set[str] = set()  # user dictionaries already added
_PACKAGE = "<kb/data/userdict.txt>"

_WORD = re.compile(r"[^\W_]")  # a letter, digit or Han character
_HAN = re.compile(r"[\u3400-\u9fff]")
# Full-width ASCII and the ideographic space: one character for one, offsets hold.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# The folds that can change jieba's words: full-width letters and digits and the symbols
# jieba keeps inside words (+#&._%). Other full-width punctuation (，：（）) and the
# ideographic space are single non-word tokens folded or not, so index_positions, which
# needs no offsets, translates only texts that have one of these.
_FOLD_MATTERS = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0b\uff03\uff06\uff0e\uff3f\uff05]")
_USERDICT_LINE = re.compile(r"^(.+?)(?:\s+(\d+))?(?:\s+([a-z]+))?$")


def segmenter() -> "jieba.Tokenizer":
    """Return the shared jieba tokenizer, loading dictionaries on first use."""
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                # no "Building prefix dict" chatter
                if "jieba" in sys.modules:      # imported (by us or the caller): silence it too
                    sys.modules["jieba"].setLogLevel(logging.WARNING)
                logging.getLogger(_impl.__name__).setLevel(logging.WARNING)
                getattr(_impl, "set_log_level", lambda level: None)(logging.WARNING)
                _JIEBA.initialize()
                # Each file is loaded once, so a retry after a bad KB_USERDICT
                # does not add the package words twice.
                if _PACKAGE not in _loaded:
                    pkg = resources.files("kb").joinpath("data/userdict.txt")
                    with pkg.open("r", encoding="utf-8") as f:
                        _add_words(f)
                    _loaded.add(_PACKAGE)
                for path in os.environ.get(ENV_USERDICT, "").split(os.pathsep):
                    if path:
                        _load_path(path)
                _ready = True
    return _JIEBA


def load_user_dict(path: str | os.PathLike) -> int:
    """Add a jieba user dictionary (``word [freq] [tag]`` lines, # comments).

    Without a frequency jieba picks one that keeps the word whole. Returns the
    number of entries added; a file already loaded adds 0.
    """
    segmenter()
    with _lock:
        return _load_path(path)


def _load_path(path) -> int:
    key = os.path.realpath(path)
    if key in _loaded:
        return 0  # re-adding would inflate jieba's frequency total
    # jieba's own load_userdict leaves the file open; read it ourselves.
    with open(path, encoding="utf-8-sig") as f:
        n = _add_words(f)
    _loaded.add(key)
    return n


def _add_words(lines) -> int:
    _TERMS.clear()   # new words change the sub-words of cached words
    _UNKNOWN.clear()  # and which runs are unknown, and how the HMM may split them
    n = 0
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, freq, tag = _USERDICT_LINE.match(line).groups()
        if freq is not None and int(freq) == 0:
            # jieba.add_word(w, 0) also edits the HMM's global force-split set.
            _JIEBA.FREQ[word] = 0
        else:
            _JIEBA.add_word(word, freq, tag)
        n += 1
    return n


class ChineseTokenizer(Tokenizer):
    """jieba precise segmentation with original offsets and 0, 1, 2... positions."""

    def __init__(self, hmm: bool = True):
        self.hmm = hmm

    def __eq__(self, other):
        return type(self) is type(other) and self.hmm == other.hmm

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ):
        assert isinstance(value, str), f"{value!r} is not str"
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:  # Whoosh asks for the raw text (e.g. wildcard queries)
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        pos = start_pos
        folded = value.translate(_FOLD)
        for word, start, end in segmenter_for(folded).tokenize(folded, HMM=self.hmm):
            if not _WORD.search(word):
                continue  # whitespace or punctuation: no token, no position
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = value[start:end]
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            pos += 1
            yield t


class SubwordFilter(Filter):
    """After each word, emit the dictionary words inside it at the same position.

    Like jieba's search mode, but any length (jieba only tries 2- and
    3-character pieces, so 碳排放权 would be missing from 碳排放权交易). Acts
    only on tokens of mode "index" unless ``always`` is set.
    """

    def __init__(self, always: bool = False, maxlen: int = 16):
        self.always = always
        self.maxlen = maxlen  # longer tokens are not expanded (quadratic scan)

    def __call__(self, tokens):
        freq = None              # the whole dictionary, loaded only if a token is expanded
        for t in tokens:
            # Read before yielding: later filters change t in place.
            text, chars = t.text, t.chars
            base = t.startchar if chars else 0
            yield t
            n = len(text)
            if n < 3 or n > self.maxlen or not (self.always or t.mode == "index"):
                continue
            if not _HAN.search(text):
                continue
            if freq is None:
                freq = segmenter().FREQ
            for i, j in _subword_spans(text, freq):
                t.text = text[i:j]
                if chars:
                    t.startchar, t.endchar = base + i, base + j
                yield t
            t.text = text
            if chars:
                t.startchar, t.endchar = base, base + n


def index_positions(value: str, hmm: bool = True) -> dict[str, list[int]]:
    """The index-mode token stream of ChineseTokenizer | SubwordFilter | LowercaseFilter,
    grouped as Whoosh's Positions format groups it: term -> positions in order.

    The chain builds, yields and mutates a Token per word through three generators, and
    scans every long word for sub-words each time it occurs. At index time only texts and
    positions are kept, so this does the same walk in one loop, with the terms of each
    distinct word (lowercased word + sub-words, or none for punctuation) computed once.
    It must stay token-for-token equal to the chain: tests/test_analyzer.py compares them.
    """
    jb = segmenter()
    cache = _bounded(_TERMS)
    out: dict[str, list[int]] = {}
    get = out.get
    pos = 0
    if _FOLD_MATTERS.search(value):
        value = value.translate(_FOLD)
    words = _cut(jb, value) if hmm else list(jb.cut(value, HMM=False))
    if speedups.C is not None:               # the loop below, in C
        return speedups.C.group(words, cache, functools.partial(_cache_terms, cache, jb.FREQ))
    for word in words:
        terms = cache.get(word)
        if terms is None:
            terms = cache[word] = _word_terms(word, jb.FREQ)
        if terms.__class__ is str:          # the common case: one term, no sub-words
            if not terms:
                continue                    # punctuation: no token, no position
            got = get(terms)
            if got is None:
                out[terms] = [pos]
            else:
                got.append(pos)
        else:
            for term in terms:
                got = get(term)
                if got is None:
                    out[term] = [pos]
                else:
                    got.append(pos)
        pos += 1
    return out


def _cache_terms(cache: dict, freq, word: str):
    terms = cache[word] = _word_terms(word, freq)
    return terms


def _cut(jb, text: str) -> list[str]:
    """jieba-next's ``cut(text, HMM=True)`` as one loop that returns a list: the same blocks,
    the same Rust route, the same HMM for unknown runs, without its three generator layers
    (a fifth of the build's segmentation time). tests/test_analyzer.py pins the equality;
    with jieba itself (or a jieba-next without its Rust dictionary) this is jieba's cut."""
    route_of = getattr(jb, "_rust_prefix", False)   # jieba itself has none
    if route_of is None:
        jb._ensure_rust_prefix()             # dropped by add_word: rebuilt as cut() would
        route_of = jb._rust_prefix
    if not route_of:
        return list(jb.cut(text, HMM=True))
    from jieba_next import finalseg
    from jieba_next._patterns import re_han_default as re_han, re_skip_default as re_skip
    route_of, freq = route_of.get_dag_and_calc, jb.FREQ
    unknown = _bounded(_UNKNOWN)
    out: list[str] = []
    add, extend = out.append, out.extend
    walk = speedups.C.walk if speedups.C is not None else None

    def hmm(buf: str) -> tuple[str, ...]:
        words = unknown[buf] = tuple(finalseg.cut(buf))
        return words

    def single_characters(buf: str) -> None:
        """A run of one-character words: an unknown word for the HMM, or characters."""
        if len(buf) == 1:
            add(buf)
        elif not freq.get(buf):              # the HMM's words, computed once per run
            words = unknown.get(buf)
            extend(hmm(buf) if words is None else words)
        else:
            extend(buf)

    for blk in re_han.split(text):
        if not blk:
            continue
        if not re_han.match(blk):
            for x in re_skip.split(blk):
                if re_skip.match(x):
                    add(x)
                else:
                    extend(x)                # one character at a time, as jieba does
            continue
        route = route_of(blk)
        if walk is not None:                 # the loop below, in C
            walk(blk, route, freq, unknown, hmm, out)
            continue
        x, n, buf = 0, len(blk), ""
        while x < n:
            y = route[x] + 1
            if y - x == 1:
                buf += blk[x]
            else:
                if buf:
                    single_characters(buf)
                    buf = ""
                add(blk[x:y])
            x = y
        if buf:
            single_characters(buf)
    return out


def _bounded(cache: dict) -> dict:
    """A cache below TERMS_CACHE_MAX entries, emptied when it reaches it."""
    if len(cache) >= TERMS_CACHE_MAX:
        cache.clear()
    return cache


# run of unknown characters -> the HMM's words for it (short runs, which recur)
_UNKNOWN: dict[str, tuple[str, ...]] = {}

# word -> its index terms; words follow Zipf's law, so a few thousand entries serve most
# occurrences. Cleared when a user dictionary changes the sub-words, and when it gets big.
_TERMS: dict[str, str | tuple[str, ...]] = {}
TERMS_CACHE_MAX = 500_000


def _word_terms(word: str, freq, maxlen: int = 16) -> str | tuple[str, ...]:
    """SubwordFilter's output for one token, lowercased: the term alone when it has no
    sub-words, "" for a token the tokenizer drops, else a tuple."""
    if not _WORD.search(word):
        return ""
    terms = [word.lower()]
    if 3 <= len(word) <= maxlen and _HAN.search(word):
        terms += [word[i:j].lower() for i, j in _subword_spans(word, freq)]
    return tuple(terms) if len(terms) > 1 else terms[0]


def _subword_spans(text: str, freq) -> list[tuple[int, int]]:
    """(start, end) of each distinct dictionary word of 2+ characters strictly inside text."""
    n = len(text)
    seen: set[str] = set()
    spans = []
    for i in range(n - 1):
        # FREQ holds every prefix of every word (0 if not a word itself),
        # so stop extending once the piece is not a prefix any more.
        for j in range(i + 1, n + 1 if i else n):
            piece = text[i:j]
            if piece not in freq:
                break
            if j - i > 1 and freq[piece] and piece not in seen:
                seen.add(piece)
                spans.append((i, j))
    return spans


def ChineseAnalyzer(mode: str = "auto", hmm: bool = True):
    """Analyzer for Chinese text fields; see the module docstring for modes."""
    if mode == "query":
        return ChineseTokenizer(hmm) | LowercaseFilter()
    if mode in ("auto", "index"):
        return ChineseTokenizer(hmm) | SubwordFilter(always=mode == "index") | LowercaseFilter()
    raise ValueError(f"mode must be 'auto', 'index' or 'query', not {mode!r}")


# A cold search spent most of its time loading jieba's whole dictionary (500,000 entries,
# 1-1.5 s) to cut a query of a few words. Cutting a text only looks up its own substrings
# (every prefix of every word is in FREQ, so the DAG walk stops at the first piece that is
# not one), so a tokenizer whose FREQ holds just the entries of a text's substrings, with the
# whole dictionary's total, cuts that text exactly as the whole one does. `kb build` writes
# the whole FREQ (base dictionary + user dictionaries) once to an SQLite table in the user's
# cache folder, named by a hash of what it was made from (one table per dictionary, not one per
# index: writing it takes ~1 s); a search opens it (use_word_table) and each short text to cut
# adds its substrings' entries to one small tokenizer (segmenter_for).
WORD_TABLE = "segdict-{}.sqlite"
ENV_CACHE = "KB_CACHE_DIR"
COVER_MAX = 2000            # longer texts: the whole dictionary is cheaper than the lookups
_table: dict = {}           # "path", "db": sqlite3 connection, "maxlen", "total"
_small = None               # the small tokenizer
_looked: set[str] = set()   # substrings already looked up


def cache_dir() -> Path:
    """$KB_CACHE_DIR, else $XDG_CACHE_HOME/kb, else ~/.cache/kb."""
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kb"


@functools.lru_cache(maxsize=1)
def dictionary_key() -> str:
    """A hash of what the whole FREQ is made from: the segmenter and its version, the
    package user dictionary and the KB_USERDICT files (their contents)."""
    h = hashlib.sha256(f"{SEGMENTER} {getattr(_impl, '__version__', '')} 1".encode())
    h.update(resources.files("kb").joinpath("data/userdict.txt").read_bytes())
    for path in os.environ.get(ENV_USERDICT, "").split(os.pathsep):
        if path:
            h.update(os.path.realpath(path).encode() + b"\0")
            try:
                h.update(Path(path).read_bytes())
            except OSError:
                h.update(b"unreadable")
    return h.hexdigest()[:16]


def write_word_table(folder: str | os.PathLike | None = None) -> Path | None:
    """Write the whole dictionary's FREQ to ``folder/segdict-<key>.sqlite`` (default folder:
    cache_dir()) unless it is there. Loads the whole dictionary if it is not loaded yet.
    Best effort: None if the folder cannot be written."""
    folder = Path(folder) if folder is not None else cache_dir()
    path = folder / WORD_TABLE.format(dictionary_key())
    if path.exists():
        return path
    jb = segmenter()
    known = {_PACKAGE} | {os.path.realpath(p) for p in os.environ.get(ENV_USERDICT, "").split(os.pathsep) if p}
    if _loaded - known:
        return None         # load_user_dict() added words the key does not know: no table
    tmp = folder / f".{path.name}.tmp-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        db = sqlite3.connect(tmp)
        with db:
            db.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, f INTEGER NOT NULL) WITHOUT ROWID")
            db.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v)")
            db.executemany("INSERT INTO freq VALUES (?, ?)", jb.FREQ.items())
            db.executemany("INSERT INTO meta VALUES (?, ?)",
                           [("total", jb.total), ("maxlen", max(map(len, jb.FREQ), default=1))])
        db.close()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error):
        tmp.unlink(missing_ok=True)
        return None
    return path


def use_word_table(folder: str | os.PathLike | None = None) -> bool:
    """Cut short texts with the entries of the word table in ``folder`` (default cache_dir())
    instead of loading the whole dictionary, if there is one for the current dictionary."""
    path = (Path(folder) if folder is not None else cache_dir()) / WORD_TABLE.format(dictionary_key())
    with _lock:
        if _table.get("path") == path:
            return True
        if not path.exists():
            return False
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            meta = dict(db.execute("SELECT k, v FROM meta"))
        except sqlite3.Error:
            return False
        _reset_small()
        _table.update(path=path, db=db, total=meta["total"], maxlen=int(meta["maxlen"]))
        return True


def dictionary_total() -> int:
    """The whole dictionary's frequency total (from the word table when one is in use)."""
    if not _ready and "db" in _table:
        return _table["total"]
    return segmenter().total


def frequencies(words) -> dict[str, int]:
    """The dictionary's entry of each of ``words`` that has one (from the word table when one is
    in use: one pass over it, without holding the whole dictionary)."""
    if not _ready and "db" in _table:
        words = words if isinstance(words, (set, frozenset)) else set(words)
        with _lock:
            return {w: f for w, f in _table["db"].execute("SELECT w, f FROM freq") if w in words}
    freq = segmenter().FREQ
    return {w: freq[w] for w in words if w in freq}


def _reset_small() -> None:
    global _small
    old = _table.pop("db", None)
    if old is not None:
        old.close()
    _table.clear()
    _small = None
    _looked.clear()


def segmenter_for(text: str):
    """A tokenizer that cuts ``text`` as segmenter() does: the small one when a word table
    is in use and the whole dictionary is not loaded, else segmenter()."""
    if _ready or "db" not in _table or len(text) > COVER_MAX:
        return segmenter()
    return prepare([text])


def prepare(texts):
    """Add the entries of the substrings of ``texts`` to the small tokenizer at once (one rebuild
    of jieba-next's trie for many texts, e.g. every alias form) and return it; segmenter() when
    no word table is in use."""
    global _small
    if _ready or "db" not in _table:
        return segmenter()
    with _lock:
        if _small is None:
            _small = _impl.Tokenizer()
            _small.FREQ, _small.total, _small.initialized = {}, _table["total"], True
        maxlen = _table["maxlen"]
        pieces = {t[i:j] for t in texts for i in range(len(t)) for j in range(i + 1, min(len(t), i + maxlen) + 1)}
        pieces -= _looked
        if pieces:
            _looked.update(pieces)
            pieces = list(pieces)
            db, got = _table["db"], []
            for k in range(0, len(pieces), 900):
                part = pieces[k:k + 900]
                got += db.execute(f"SELECT w, f FROM freq WHERE w IN ({','.join('?' * len(part))})", part)
            if got:
                _small.FREQ.update(got)
                if hasattr(_small, "_ensure_rust_prefix"):    # jieba-next's trie, rebuilt now
                    _small._rust_prefix = None
                    _small._ensure_rust_prefix()
        return _small
