"""A corpus with bad files: each is reported by name and reason, the rest is built."""
import json
import os
import sqlite3
import zipfile

import pytest
from click.testing import CliRunner

from kb import pipeline, store
from kb.cli import main

from conftest import CORPUS

GOOD = "关于甲的通知\n国发〔2019〕1号\n各省、自治区、直辖市人民政府：\n现将有关事项通知如下。\n国务院\n2019年1月2日\n"


@pytest.fixture
def bad_corpus(tmp_path):
    c = tmp_path / "corpus"
    c.mkdir()
    (c / "empty.txt").write_bytes(b"")
    (c / "report.txt").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 20)
    buf = zipfile.ZipFile(c / "archive.txt", "w")
    buf.writestr("a.txt", "x" * 100)
    buf.close()
    (c / "gbk.txt").write_bytes(GOOD.replace("甲", "乙").encode("gbk"))
    (c / "cut.html").write_text("<html><head><title>t</title></head><body><div class='content'><p>关于丙的通知</p>"
                                "<p>国发〔2019〕3号</p><p>各省人民政府：</p><p>正文内容在这里，页面被截断", encoding="utf-8")
    with open(c / "big.txt", "wb") as f:
        line = ("这是一行很长的测试文本，用来制造一个三十兆字节的文件。" * 4 + "\n").encode("utf-8")
        f.write(line * (30 * 1024 * 1024 // len(line) + 1))
    (c / "政策 文件 (1).txt").write_text(GOOD, encoding="utf-8")
    return c


def test_bad_files_reported_and_rest_built(bad_corpus, tmp_path):
    report = pipeline.build(bad_corpus, tmp_path / "idx")
    failed = {f["source"]: f["reason"] for f in report.failed}
    assert set(failed) == {"empty.txt", "report.txt", "archive.txt", "big.txt"}
    assert "empty" in failed["empty.txt"]
    assert "PDF" in failed["report.txt"]
    assert "ZIP" in failed["archive.txt"]
    assert "MB" in failed["big.txt"]
    titles = {r.source: r.title for r in store.load_records(tmp_path / "idx")}
    assert titles == {"gbk.txt": "关于乙的通知", "cut.html": "关于丙的通知", "政策 文件 (1).txt": "关于甲的通知"}


def test_cli_reports_and_strict_exit(bad_corpus, tmp_path):
    idx = tmp_path / "idx"
    r = CliRunner().invoke(main, ["build", str(bad_corpus), "--index", str(idx)])
    assert r.exit_code == 0
    assert "4 files failed" in r.output and "empty.txt" in r.output
    r = CliRunner().invoke(main, ["build", str(bad_corpus), "--index", str(idx), "--strict"])
    assert r.exit_code == 3
    r = CliRunner().invoke(main, ["stats", "--index", str(idx), "--json"])
    assert len(json.loads(r.output)["failed_files"]) == 4


def test_interrupted_build_keeps_the_previous_knowledge_base(tmp_path, monkeypatch):
    idx = tmp_path / "idx"
    pipeline.build(CORPUS, idx)
    before = sqlite3.connect(store.db_path(idx)).execute("SELECT count(*) FROM documents").fetchone()[0]

    def boom(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(store.StoreWriter, "add_rows", boom)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(CORPUS, idx, full=True)
    after = sqlite3.connect(store.db_path(idx)).execute("SELECT count(*) FROM documents").fetchone()[0]
    assert before == after == 13
    assert not list(idx.glob("*.tmp-*"))
    assert (idx / "kb.sqlite").exists()


def test_sqlite_is_queryable(tmp_path):
    idx = tmp_path / "idx"
    pipeline.build(CORPUS, idx)
    db = sqlite3.connect(store.db_path(idx))
    assert db.execute("SELECT count(*) FROM deadlines WHERE date = '2019-01-16'").fetchone()[0] == 2
    assert db.execute("SELECT doc_id FROM citations WHERE kind='repeals'").fetchall() == [("002_7a7fb16a73060f53-03",)]
    assert db.execute("SELECT count(DISTINCT doc_id) FROM citations WHERE number='国发〔2016〕61号'").fetchone()[0] == 3
    assert db.execute("SELECT year FROM targets WHERE text LIKE '%绿色信贷余额%'").fetchone()[0] == 2024
