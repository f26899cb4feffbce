"""A term's postings in one segment, read straight from a Whoosh 3 postings file.

Whoosh unpickles a whole block (docnums, weights and every posting's positions) as soon as
a matcher looks at it.  The positions are most of a block, and only phrases need them, so
only the start of a block is decompressed and its docnums and weights unpickled; positions
are read when a phrase asks.  Blocks of the build's writer are pickled with protocol 4
(plain bytes values): those are then unpickled whole.  Blocks of Whoosh's own writer
(merges of old segments) use protocol 2, which writes each value as
``_codecs.encode(<latin-1 text>, "latin1")``, slow to unpickle: the positions of the few
documents a phrase needs are cut out of the pickle.  Anything not laid out as expected is
unpickled the ordinary way.
"""
from __future__ import annotations

import re
import zlib
from bisect import bisect_left
from itertools import accumulate
from pickle import dumps, loads

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.system import _INT_SIZE, unpack_int

from kb.search import speedups
from kb.search.phrase import block_deltas

HEAD_BYTES = 1600       # decompressed at first from a block: its docnums and weights (~1.4 KB)
BULK_SHARE = (3, 4)     # positions wanted for more than 3/4 of a block's documents: unpickle all


class Postings:
    """A term's postings in one segment: docnums, weights (read on first use), BM25 scores
    (``score``: idf, K1 + 1 and the segment's length norms, or None to score the weight),
    and the position gaps of documents on demand."""

    def __init__(self, m: W3LeafMatcher, deleted, score):
        self.m, self.deleted, self.score = m, deleted, score
        self.ids = None             # docnums, weights, last docnum and blocks: read on first use
        self.full = None            # {docnum: score} of every posting, once computed
        self._weights = self._docs = None

    def read(self):
        self.ids, self.weights, self.lasts, self.blocks = [], [], [], []
        m = self.m
        split = m._fixedsize is None and not m._byteids
        for n, raw, compressed in _walk(m):
            z = zlib.decompressobj() if compressed else None
            if z is not None:
                raw = z.decompress(raw, HEAD_BYTES)
            # the docnums and weights only; the values (most of the block) when a phrase asks
            ids = None
            if split:
                ids, weights, raw = _HEADS.get(raw[1:2], _no_head)(raw, n, z)
            if ids is None:
                if z is not None:
                    raw += z.decompress(z.unconsumed_tail) + z.flush()
                ids, weights, values = loads(raw)
                # the values, their gaps computed when a phrase asks
                raw, z = (tuple(values) if split else None), None
            start = len(self.ids)
            self.ids.extend(ids if m._byteids else accumulate(ids))
            if weights is None:
                self.weights.extend((1.0,) * n)
            elif isinstance(weights, float):
                self.weights.extend((weights,) * n)
            else:
                self.weights.extend(weights)
            self.lasts.append(self.ids[-1])
            self.blocks.append([start, n, raw, z, None])

    def scores(self, only) -> dict:
        """A new {docnum: score} for the documents of ``only`` (None: all) that have the term."""
        full = self.full
        if full is not None:
            if only is None:
                return full.copy()
            if len(only) < len(full):
                return {d: full[d] for d in only if d in full}
            return {d: s for d, s in full.items() if d in only}
        if self.ids is None:
            self.read()
        ids, ws = self.ids, self.weights
        if only is None:
            got = self.full = self._score(ids, ws, None)
            for d in self.deleted or ():
                got.pop(d, None)
            return got.copy()
        if len(only) * 16 < len(ids):               # a few documents: look them up
            n, pick = len(ids), []
            for d in only:
                i = bisect_left(ids, d)
                if i < n and ids[i] == d:
                    pick.append(i)
            return self._score([ids[i] for i in pick], [ws[i] for i in pick], None)
        if len(only) * 3 < len(ids) * 2:            # some: through a {docnum: weight}
            if self._weights is None:
                self._weights = dict(zip(ids, ws))
            get = self._weights.get
            if self.score is None:
                return {d: w for d in only if (w := get(d)) is not None}
            idf, k1p1, norm = self.score
            return {d: idf * ((w * k1p1) / (w + norm[d])) for d in only if (w := get(d)) is not None}
        return self._score(ids, ws, only)

    def size(self) -> int:
        """How many postings the term has."""
        if self.ids is None:
            self.read()
        return len(self.ids)

    def docs(self) -> set:
        """The documents that have the term (kept: never change it)."""
        if self._docs is None:
            if self.ids is None:
                self.read()
            self._docs = set(self.ids)
            self._docs -= self.deleted or set()
        return self._docs

    def _score(self, ids, ws, only) -> dict:
        if self.score is None:
            return dict(zip(ids, ws)) if only is None else {d: w for d, w in zip(ids, ws) if d in only}
        idf, k1p1, norm = self.score
        if only is None:
            return speedups.bm25(ids, ws, idf, k1p1, norm)
        return {d: idf * ((w * k1p1) / (w + norm[d])) for d, w in zip(ids, ws) if d in only}

    def gaps(self, docs) -> dict:
        """{docnum: position gaps} for documents that have the term."""
        groups: dict = {}
        lasts = self.lasts
        for d in docs:
            b = bisect_left(lasts, d)
            g = groups.get(b)
            if g is None:
                groups[b] = [d]
            else:
                g.append(d)
        out = {}
        for b, ds in groups.items():
            block = self.blocks[b]
            got = block[4]
            need = ds if got is None else [d for d in ds if d not in got]
            if need:
                try:
                    got = block[4] = _block_gaps(self.ids, block, need)
                except Exception:       # noqa: BLE001 - not the layout expected: unpickle the block
                    start, n = block[:2]
                    values = block[2] if block[2].__class__ is tuple else loads(block[2])[2]
                    got = block[4] = dict(zip(self.ids[start:start + n], block_deltas(values)))
            for d in ds:
                out[d] = got[d]
        return out


def _walk(m: W3LeafMatcher):
    """(postings, data, compressed) of each block of a term's postings.  Whoosh's own walk
    (W3LeafMatcher._goto) reads each block header through a file object; with the postings
    file in memory the headers are unpickled from it directly."""
    pf = m._postfile
    buf = getattr(pf, "_buf", None)
    m.reset()
    pos = m._baseoffset
    if buf is not None:
        info = loads(buf[pos + _INT_SIZE:pos + _INT_SIZE + 64])
        if pos + _INT_SIZE + len(dumps(info, 2)) != m._dataoffset:
            buf = None                  # not the layout expected: let Whoosh walk
    if buf is None:
        while not m._atend:
            yield m._blocklength, pf.get(m._dataoffset, m._nextoffset - m._dataoffset), m._compression
            m._next_block()
        return
    while True:
        length = unpack_int(buf[pos:pos + _INT_SIZE])[0]
        size = -length if length < 0 else length
        info = loads(buf[pos + _INT_SIZE:pos + _INT_SIZE + 64])
        yield info[0], bytes(buf[pos + _INT_SIZE + len(dumps(info, 2)):pos + _INT_SIZE + size]), info[3]
        if length < 0:                  # the last block
            return
        pos += _INT_SIZE + size


_VALUES = b"(c_codecs\nencode\n"    # how protocol 2 starts a tuple of bytes: the values


def _ids_weights(raw: bytes, n: int, z):
    """(delta-coded docnums, weights, the pickle read so far) of a protocol 2 block without
    unpickling (or, compressed, even decompressing) its values; docnums None when the pickle
    does not have the expected layout (then the caller unpickles it all).  ``raw``: the
    block's start, ``z``: its decompressor."""
    i, raw = _find(raw, z, lambda b: b.find(_VALUES))
    if i < 0:
        return None, None, raw
    try:
        ids, weights = loads(raw[:i] + b"\x86.")
    except Exception:       # noqa: BLE001 - any surprise: unpickle the whole block
        return None, None, raw
    return (ids, weights, raw) if _head_ok(ids, weights, n) else (None, None, raw)


def _ids_weights4(raw: bytes, n: int, z, tries: int = 8):
    """_ids_weights for a protocol 4 block (the build's writer), whose values tuple starts
    with MARK and a first bytes value: the first such place where the pickle before it holds
    n docnums and their weights (earlier ones fall inside a number, and fail to unpickle or
    give a wrong count).  Blocks of 3 postings or fewer are unpickled whole."""
    if n <= 3:
        return None, None, raw
    start = 11                          # after PROTO and the FRAME header
    for _ in range(tries):
        i, raw = _find(raw, z, lambda b: _values_at(b, start))
        if i < 0:
            break
        try:                            # without the frame, whose length is the block's
            ids, weights = loads(b"\x80\x04" + raw[11:i] + b"\x86.")
        except Exception:               # noqa: BLE001 - not the place: try the next one
            ids = weights = None
        if _head_ok(ids, weights, n):
            return ids, weights, raw
        start = i + 1
    return None, None, raw


def _find(raw: bytes, z, find) -> tuple[int, bytes]:
    """(find(raw), raw), decompressing more of the block until found or at its end."""
    i = find(raw)
    while i < 0 and z is not None and z.unconsumed_tail:
        raw += z.decompress(z.unconsumed_tail, HEAD_BYTES)
        i = find(raw)
    return i, raw


def _head_ok(ids, weights, n: int) -> bool:
    """n docnums, and no weights (all 1), one weight for all or n of them."""
    return (isinstance(ids, tuple) and len(ids) == n and
            (weights is None or isinstance(weights, float) or (isinstance(weights, tuple) and len(weights) == n)))


def _values_at(raw: bytes, start: int) -> int:
    """Where MARK then SHORT_BINBYTES or BINBYTES next occurs, or -1."""
    i, j = raw.find(b"(C", start), raw.find(b"(B", start)
    return j if i < 0 or 0 <= j < i else i


def _no_head(raw: bytes, n: int, z):
    return None, None, raw


_HEADS = {b"\x02": _ids_weights, b"\x04": _ids_weights4}


def _block_gaps(all_ids: list, block: list, docs: list) -> dict:
    """The block's {docnum: position gaps} so far, with those of ``docs`` added.

    A block is [index of its first posting, postings, pickle (read so far) or the values
    (unpickled with the block), decompressor or None, gaps or None, parts].  Protocol 4
    blocks are unpickled whole.  Unpickling the values of a protocol 2 block, bytes written as
    ``_codecs.encode(<latin-1 text>, "latin1")``, is most of the cost of a block; a value is
    a 4-byte count and a pickled list.  Unless most of them are wanted, the texts are cut out
    of the pickle (_parts), and the lists of the documents wanted unpickled together, as one
    tuple.  Raises ValueError when the pickle is not laid out as expected."""
    start, n, raw, z, got = block[:5]
    if z is not None:               # the rest of the block, still compressed
        raw = block[2] = raw + z.decompress(z.unconsumed_tail) + z.flush()
        block[3] = None
    if raw.__class__ is not tuple and raw[1:2] != b"\x02":
        raw = block[2] = tuple(loads(raw)[2])   # protocol 4: bytes are quick to unpickle
    if raw.__class__ is tuple:      # the values, unpickled
        got = {} if got is None else got
        got.update(zip(docs, block_deltas([raw[bisect_left(all_ids, d, start, start + n) - start] for d in docs])))
        return got
    if got is None and len(docs) * BULK_SHARE[1] > n * BULK_SHARE[0]:
        return dict(zip(all_ids[start:start + n], block_deltas(loads(raw)[2])))
    if got is None:
        got = {}
    if len(block) == 5:
        block.append(_parts(raw, n))
    parts = block[5]
    bodies = []
    for d in docs:
        part = parts[bisect_left(all_ids, d, start, start + n) - start]
        end = 4 + int.from_bytes(part[:4], "little")
        begin = part.find(b"\xc2\x80\x02]", 4, 16)     # PROTO 2, as UTF-8, then the list
        if begin < 0 or part[end - 1:end] != b".":
            raise ValueError("unexpected posting value")
        bodies.append(part[begin + 3:end - 1])
    lists = loads(b"\x80\x02(" + b"".join(bodies).decode("utf-8").encode("latin-1") + b"t.")
    if len(lists) != len(docs):
        raise ValueError("unexpected posting values")
    got.update(zip(docs, lists))
    return got


def _parts(raw: bytes, n: int) -> list:
    """The block's values as the UTF-8 texts cut out of its pickle, each after its 4-byte
    length: after the first value, each starts with BINGET(encode) BINUNICODE.  A value
    written twice (the same object) is a BINGET of the earlier REDUCE result instead."""
    i = raw.find(_VALUES)
    j = i + len(_VALUES)
    if i < 0 or raw[j:j + 1] != b"q" or raw[j + 2:j + 3] != b"X":
        raise ValueError("unexpected block")
    g = raw[j + 1]                                  # memo of encode; REDUCE of value e: g + 4 + 3e
    sep = b"h" + raw[j + 1:j + 2] + b"X"
    section = raw[j + 3:]
    parts = section.split(sep)
    if len(parts) == n:
        return parts
    entries = list(range(len(parts)))
    for m in _again(g).finditer(section):
        at = section.count(sep, 0, m.start()) + 1 + len(entries) - len(parts)
        refs = m.group(1)
        while refs:
            if refs[:1] == b"h":
                memo, refs = refs[1], refs[2:]
            else:
                memo, refs = int.from_bytes(refs[1:5], "little"), refs[5:]
            e, r = divmod(memo - g - 4, 3)
            if r or not 0 <= e < len(parts):
                raise ValueError("unexpected memo")
            entries.insert(at, e)
            at += 1
    if len(entries) != n:
        raise ValueError("unexpected block")
    return [parts[e] for e in entries]


_AGAIN: dict = {}


def _again(g: int):
    """BINGETs (of values already written) after a value's REDUCE and its BINPUT."""
    got = _AGAIN.get(g)
    if got is None:
        got = _AGAIN[g] = re.compile(rb"R(?:q.|r.{4})((?:h.|j.{4})+?)(?=h" + re.escape(bytes([g])) + rb"X|t)", re.S)
    return got
