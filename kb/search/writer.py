"""A Whoosh segment writer for the build: postings in memory, analysis without Token objects.

Whoosh's SegmentWriter sends every posting through an external merge sort (each posting is
pickled to a run file, read back and heap-merged), every word through three generator
layers of Token objects, and every posting through a per-posting block writer; on this
corpus that was 3/4 of the build's CPU. Here:

* text fields analysed by our ChineseAnalyzer use ``analyzer.index_positions`` (the same
  terms and positions, tested against the chain) and are encoded as the Positions format
  encodes them;
* postings stay in memory, by field and term: documents arrive in docnum order, so only the
  terms need sorting when the segment is written; field lengths are kept as they go instead
  of being read back from the length column for every posting;
* each term's posting list is cut into blocks and handed to Whoosh's block writer a block
  at a time (its buffers filled in bulk, then its own ``_write_block``/``finish_postings``).

The files are those Whoosh's own writer writes: tests/test_index_writer.py compares the two
indexes term by term, posting by posting. The block-writer internals used are those of the
pinned whoosh3 version. A writer starts a new segment when its postings pass
``POSTINGS_PER_SEGMENT``, which bounds its memory.
"""
from __future__ import annotations

import functools
import zlib
from array import array
from operator import sub
from pickle import dumps

from whoosh import fields as wfields
from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE as W3_COMPRESSION_MIN_SIZE
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC as W3_MAGIC
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from kb.search import speedups
from kb.search.analyzer import ChineseTokenizer, index_positions

# Whoosh pickles blocks with protocol 2, which writes each bytes value (a posting's
# positions) as a call of _codecs.encode on a latin-1 str; protocol 4 writes the bytes: on
# the benchmark corpus 5x faster to pickle, 4x faster to unpickle, 40% smaller compressed.
# Any reader unpickles either (kb.search.postings reads both).
BLOCK_PROTOCOL = 4

# about 45 bytes each in memory (MemoryPool): 5 million postings is some 230 MB per writer
# process; on the 100 MB benchmark corpus each of the two workers writes one segment
POSTINGS_PER_SEGMENT = 5_000_000


class MemoryPool:
    """Postings as field -> term -> (docnums, weights, values), in docnum order.

    Arrays rather than a tuple per posting: about 30 bytes a posting instead of 130 (most
    values are the shared one-position ones), so a segment holds 4 times more postings in the
    same memory, and a build writes fewer segments (fewer segments, faster searches). Terms
    of the fast text fields are kept as str (encoded once per segment, not per posting): str
    order is UTF-8 byte order, so the terms still come out in Whoosh's order."""

    def __init__(self, text_fields=()):
        self.text = frozenset(text_fields)      # fields whose terms are str
        self.fields: dict[str, dict] = {name: {} for name in self.text}
        self.count = 0

    @property
    def fieldnames(self) -> set[str]:
        return {name for name, terms in self.fields.items() if terms}

    def add(self, item) -> None:     # Whoosh's pool interface: merges of old segments use it
        fieldname, btext, docnum, weight, vbytes = item
        terms = self.fields.setdefault(fieldname, {})
        key = btext.decode("utf-8") if fieldname in self.text else btext
        entry = terms.get(key)
        if entry is None:
            entry = terms[key] = (array("I"), [], [])
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(vbytes)
        self.count += 1

    def sorted_terms(self, fieldname: str):
        """(term bytes, entry) of a field in Whoosh's order."""
        terms = self.fields[fieldname]
        if fieldname in self.text:
            return ((t.encode("utf-8"), terms[t]) for t in sorted(terms))
        return ((t, terms[t]) for t in sorted(terms))

    def iter_postings(self):
        for fieldname in sorted(self.fieldnames):
            for btext, (docs, weights, values) in self.sorted_terms(fieldname):
                for docnum, weight, vbytes in sorted(zip(docs, weights, values)):
                    yield fieldname, btext, docnum, weight, vbytes

    def cleanup(self) -> None:
        self.fields = {name: {} for name in self.text}


def _fast_text(field) -> bool:
    """A positional text field analysed by our chain: index_positions gives its tokens."""
    items = getattr(getattr(field, "analyzer", None), "items", None)
    return (isinstance(field, wfields.TEXT) and type(field.format).__name__ == "Positions"
            and bool(items) and isinstance(items[0], ChineseTokenizer) and not field.vector
            and not field.separate_spelling())


def _positions_value(p: list[int]) -> bytes:
    """formats.Positions.encode, inlined: the count, then the pickled position gaps. Most
    postings have one position, and the same few thousand ones: those are looked up."""
    if len(p) == 1:
        v = _ONE.get(p[0])
        if v is None:
            v = _ONE[p[0]] = pack_uint(1) + dumps(p, 2)
        return v
    return pack_uint(len(p)) + dumps([p[0], *map(sub, p[1:], p)], 2)


_ONE: dict[int, bytes] = {}


def _new_entry() -> tuple:
    return array("I"), array("d"), []


def _add_postings(terms: dict, positions: dict, docnum: int, boost: float, one: dict,
                  encode, new_entry) -> int:
    """Each term's posting of one document's field: docnum, count * boost and the positions'
    value appended to the term's entry. Returns the field's length. (The same loop is in C,
    kb/search/_speedups.c, which the build uses where it was compiled.)"""
    length = 0
    get, one = terms.get, one.get
    for w, p in positions.items():
        entry = get(w)
        if entry is None:
            entry = terms[w] = new_entry()
        n = len(p)
        entry[0].append(docnum)
        entry[1].append(n * boost)
        # most postings have one position, already encoded once
        entry[2].append((n == 1 and one(p[0])) or encode(p))
        length += n
    return length


class FastSegmentWriter(SegmentWriter):
    """SegmentWriter with an in-memory posting pool, the fast analysis path and bulk blocks."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self.pool = MemoryPool(name for name, f in self.schema.items() if _fast_text(f))
        self._fast = self.pool.text
        self._lengths: dict[str, dict[int, int]] = {}   # field -> docnum -> length (as stored)
        self._merged = False

    def add_document(self, **fields):
        self._check_state()
        if any(n.startswith("_") for n in fields):
            raise ValueError("boosts and _stored_ values are not supported by the fast writer")
        schema, pdw, pool = self.schema, self.perdocwriter, self.pool
        docnum = self.docnum
        names = sorted(fields)
        self._check_fields(schema, names)
        pdw.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    terms = pool.fields.setdefault(name, {})
                    get = terms.get
                    if name in self._fast:
                        if not isinstance(value, str):
                            raise ValueError(f"{value!r} is not unicode")
                        positions = index_positions(value)
                        add = speedups.C.add_postings if speedups.C is not None else _add_postings
                        length = add(terms, positions, docnum, field.format.field_boost, _ONE,
                                     _positions_value, _new_entry)
                        pool.count += len(positions)
                        if not field.scorable:
                            length = 0
                    else:
                        for btext, freq, weight, vbytes in field.index(value):
                            entry = get(btext)
                            if entry is None:     # weights as given (ints stay ints in blocks)
                                entry = terms[btext] = (array("I"), [], [])
                            entry[0].append(docnum)
                            entry[1].append(weight)
                            entry[2].append(vbytes)
                            if field.scorable:
                                length += freq
                            pool.count += 1
                pdw.add_field(name, field, value if field.stored else None, length)
                if length:
                    lb = length_to_byte(length)
                    self._lengths.setdefault(name, {})[docnum] = byte_to_length(lb) if lb else 0
                column = field.column_type
                if column:
                    pdw.add_column_value(name, column, field.to_column_value(value))
        except ValueError:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader):            # a merge of old segments (incremental builds)
        self._merged = True
        super().add_reader(reader)

    def full(self) -> bool:
        return self.pool.count >= POSTINGS_PER_SEGMENT

    def _flush_segment(self):
        if self._merged:                     # lengths of merged documents are in the columns
            return super()._flush_segment()
        self.perdocwriter.close()
        fw, schema = self.fieldwriter, self.schema
        for fieldname in sorted(self.pool.fieldnames):
            fw.start_field(fieldname, schema[fieldname])
            pw = fw._postwriter              # finish_postings writes the last block with it too
            pw._write_block = functools.partial(_write_block, pw)
            lengths = self._lengths.get(fieldname, {})
            for btext, entry in self.pool.sorted_terms(fieldname):
                fw.start_term(btext)
                _write_postings(pw, entry, lengths)
                fw.finish_term()
            fw.finish_field()
        fw.close()
        self.pool.cleanup()

    def finish_segment(self):
        """Write this writer's segment and return it, without touching the index's TOC
        (the build's main writer lists all segments in one commit)."""
        segment = self._finalize_segment()
        # not self._finish(): it would delete the temporary folder the other writers of this
        # index share; the main writer's commit does that
        self.is_closed = True
        return segment


def _write_block(pw, last: bool = False) -> None:
    """W3PostingsWriter._write_block with the same bytes and less Python per block (it runs
    once per term per segment: tens of thousands of times per segment): the delta-coded ids,
    the weights, the values, pickled, compressed above the codec's minimum size, then the
    block's statistics."""
    if not pw._blockcount:
        pw._postfile.write(W3_MAGIC)
    pw._terminfo.add_block(pw)
    ids, weights, n = pw._ids, pw._weights, len(pw._ids)
    mini_ids = (ids[0], *map(sub, ids[1:], ids))
    if weights.count(1.0) == n:
        mini_weights = None
    elif weights.count(weights[0]) == n:
        mini_weights = weights[0]
    else:
        mini_weights = tuple(weights)
    fixed = pw._format.fixed_value_size()
    if fixed is None or fixed < 0:
        mini_values = tuple(pw._values)
    elif fixed == 0:
        mini_values = None
    else:
        mini_values = b"".join(pw._values)
    data = dumps((mini_ids, mini_weights, mini_values), BLOCK_PROTOCOL)
    comp = pw._compression if len(data) >= W3_COMPRESSION_MIN_SIZE else 0
    if comp:
        data = zlib.compress(data, comp)
    info = dumps((n, ids[-1], pw._maxweight, comp, length_to_byte(pw._minlength),
                  length_to_byte(pw._maxlength)), 2)
    size = len(info) + len(data)
    postfile = pw._postfile
    postfile.write_int(-size if last else size)
    postfile.write(info)
    postfile.write(data)
    pw._blockcount += 1
    pw._new_block()


def _write_postings(pw, entry: tuple, lengths: dict) -> None:
    """What W3PostingsWriter.add_posting does posting by posting, a block at a time: fill the
    buffers, write every full block that has a successor; finish_postings takes the rest."""
    docs, weights, values = entry
    limit, total = pw._blocklimit, len(docs)
    for start in range(0, total, limit):
        end = start + limit
        ids = docs[start:end]
        wts = weights[start:end]
        pw._ids = ids
        pw._weights = array("f", wts)
        vals = values[start:end]
        pw._values = vals if all(vals) else [v for v in vals if v]     # add_posting skips b""
        pw._maxweight = max(0, max(wts))
        lens = list(map(lengths.get, ids))              # filtered only when some have no length
        if None in lens or 0 in lens:
            lens = [n for n in lens if n]
        pw._minlength = min(lens) if lens else None
        pw._maxlength = max(lens) if lens else 0
        if end < total:
            pw._write_block()
