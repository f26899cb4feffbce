"""The build's fast segment writer writes the index Whoosh's own writer would write, and the
parallel build (worker processes, several segments) answers as the in-process one does."""
import dataclasses
import shutil

import pytest
from whoosh import index as windex

from kb import pipeline
from kb.search import index as sindex
from kb.search import query as squery
from kb.search import writer as swriter
from kb.search.writer import FastSegmentWriter

from conftest import CORPUS


def _whoosh_index(path, records):
    ix = windex.create_in(path, sindex.schema())
    w = ix.writer()
    for rec in records:
        w.add_document(**sindex.document(rec))
    w.commit()
    return ix


def _fast_index(path, records):
    ix = windex.create_in(path, sindex.schema())
    w = FastSegmentWriter(ix)
    for rec in records:
        w.add_document(**sindex.document(rec))
    w.commit()
    return ix


def _dump(ix):
    with ix.reader() as r:
        names = [n for n, f in ix.schema.items() if f.indexed]
        return {
            "postings": list(r.iter_postings()),
            "stored": list(r.all_stored_fields()),
            "lengths": {(d, n): r.doc_field_length(d, n) for d in range(r.doc_count_all()) for n in names},
            "totals": {n: r.field_length(n) for n in names},
            "count": r.doc_count(),
        }


def _segment_files(folder):
    """{file name without the random segment id: bytes} of the one segment in folder."""
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import FileStorage
    (seg,) = folder.glob("*.seg")
    cs = CompoundStorage(FileStorage(str(folder)).open_file(seg.name))
    return {n.replace(seg.stem, ""): bytes(cs.open_file(n).read()) for n in cs.list()}


def _posting_lists(postings):
    out = {}
    for field, text, docnum, *_ in postings:
        out.setdefault((field, text), []).append(docnum)
    return out


class _NoCache(dict):
    def __setitem__(self, key, value):
        pass


def _copies(records):
    # 11 copies: terms of every document get over 128 postings, so several blocks per list
    return [dataclasses.replace(r, id=f"{r.id}~{k}", source=f"{r.source}~{k}")
            for k in range(11) for r in sorted(records, key=lambda r: r.id)]


@pytest.fixture(scope="module")
def whoosh_made(tmp_path_factory, records):
    """The index Whoosh's own writer makes of the records: (dump, segment files)."""
    path = tmp_path_factory.mktemp("whoosh")
    return _dump(_whoosh_index(path, _copies(records))), _segment_files(path)


@pytest.mark.parametrize("loops", ["C", "Python"])
@pytest.mark.parametrize("build_way", [False, True])
def test_fast_writer_writes_what_whoosh_writes(tmp_path, records, monkeypatch, build_way, whoosh_made, loops):
    """Byte for byte, when each posting value is its own bytes object and blocks are pickled
    with protocol 2, as in Whoosh; the build's way (shared one-position values, which pickle
    refers back to, and protocol 4, which writes bytes as bytes) makes smaller blocks that
    decode to the same. With the analysis and posting loops in C (kb/search/_speedups.c) or
    in Python."""
    from kb.search import speedups
    if loops == "Python":
        monkeypatch.setattr(speedups, "C", None)
    elif speedups.C is None:
        pytest.skip("kb/search/_speedups.c not compiled")
    if not build_way:
        monkeypatch.setattr(swriter, "_ONE", _NoCache())
        monkeypatch.setattr(swriter, "BLOCK_PROTOCOL", 2)
    a, a_files = whoosh_made
    b = _dump(_fast_index(tmp_path, _copies(records)))
    assert a["count"] == b["count"] == 11 * len(records)
    assert len(a["postings"]) > 100_000
    assert max(len(v) for v in _posting_lists(a["postings"]).values()) > 128
    for key in ("postings", "stored", "lengths", "totals"):
        assert a[key] == b[key], key
    # block boundaries and block statistics (max weight, min/max length) too: every file of
    # the segment has the same bytes (the compound file lists them in directory order)
    a_files, b_files = dict(a_files), _segment_files(tmp_path)
    assert set(a_files) >= {".trm", ".pst", "._stored.col", "._body_len.col"}
    if build_way:
        assert len(b_files.pop(".pst")) < len(a_files.pop(".pst")) * 0.75
        del a_files[".trm"], b_files[".trm"]     # it holds offsets into .pst
    assert a_files == b_files


QUERIES = ["专精特新 小巨人", '"碳排放权交易"', "国科发资〔2018〕264号", "节能", "绿色 制造", "申报 截止"]


def _answers(index_dir):
    out = {}
    for q in QUERIES:
        res = squery.search(index_dir, q, limit=None, facets=True, snippets=False)
        out[q] = ([(h["id"], h["score"]) for h in res["hits"]], res["facets"])
    return out


@pytest.fixture(scope="module")
def reference(built):
    return _answers(built[0])


def test_parallel_build_with_many_segments_answers_alike(tmp_path, monkeypatch, reference, built):
    """Two worker processes, a new segment after every file: same hits, same scores."""
    monkeypatch.setattr(swriter, "POSTINGS_PER_SEGMENT", 500)
    monkeypatch.setattr(pipeline, "CHUNK", 1)
    report = pipeline.build(CORPUS, tmp_path / "idx", workers=2)
    assert not report.failed and report.documents == built[1].documents
    assert len(windex.open_dir(sindex.current(tmp_path / "idx"))._segments()) > 2
    assert _answers(tmp_path / "idx") == reference


def test_incremental_build_after_a_parallel_one(tmp_path, reference):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    pipeline.build(corpus, tmp_path / "idx", workers=2)
    victim = sorted(corpus.iterdir())[0]
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text + "\n", encoding="utf-8")
    report = pipeline.build(corpus, tmp_path / "idx")
    assert report.changed == 1
    # the same documents and facets; scores move a little, since Whoosh keeps the deleted
    # old version's statistics (document count, lengths) until segments are merged
    got = _answers(tmp_path / "idx")
    for q, (hits, facets) in reference.items():
        assert sorted(i for i, _ in got[q][0]) == sorted(i for i, _ in hits), q
        assert got[q][1] == facets, q


def test_a_failing_worker_stops_the_build_and_keeps_the_old_index(tmp_path, monkeypatch):
    pipeline.build(CORPUS, tmp_path / "idx")
    before = sindex.current(tmp_path / "idx")

    def boom(path, corpus):
        raise RuntimeError("extractor bug")
    monkeypatch.setattr(pipeline, "process_file", boom)
    with pytest.raises(Exception, match="extractor bug"):
        pipeline.build(CORPUS, tmp_path / "idx", full=True, workers=2)
    assert sindex.current(tmp_path / "idx") == before
    assert squery.search(tmp_path / "idx", "专精特新")["hits"]
