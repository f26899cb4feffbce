"""Hostile input and events (issue 14): deep pages, digit runs, killed and concurrent builds,
bad queries and values, empty corpora, control characters in names, number variants.

Every bad input is built here from literals; the kill and the concurrent builds run in
subprocesses, each bounded by a timeout."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from kb import buildlock, pipeline, store
from kb.cli import main
from kb.errors import Busy, KbError
from kb.read.html import read_page

from conftest import ROOT, corpus, doc



GOOD = doc("关于甲的通知", "国发〔2019〕1号")




def kb(*args, timeout=60, **kw) -> subprocess.CompletedProcess:
    """`kb ARGS` in a subprocess of this Python."""
    return subprocess.run([sys.executable, "-m", "kb.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, **kw)


def count(index) -> int:
    return sqlite3.connect(store.db_path(index)).execute("SELECT count(*) FROM documents").fetchone()[0]


# ---- 1. pages nested thousands deep ------------------------------------------------------------

def deep_pages() -> dict:
    n = 1000
    return {
        "divs.html": "<html><body>" + "<div>" * n + "<p>关于乙的通知</p><p>现将有关事项通知如下。</p>" + "</div>" * n + "</body></html>",
        "tables.html": "<html><body>" + "<table><tr><td>" * n + "<p>关于丙的通知</p><p>现将有关事项通知如下。</p>"
                       + "</td></tr></table>" * n + "</body></html>",
        "unclosed.html": "<html><body>" + "<div><span><b>" * n + "<p>关于丁的通知</p><p>正文。</p></body></html>",
        "good.txt": GOOD,
    }


def test_nested_tables_render_without_recursion():
    text, _ = read_page(deep_pages()["tables.html"])
    assert text.split("\n")[:2] == ["关于丙的通知", "现将有关事项通知如下。"]


def test_nested_table_cells_render_as_before():
    # a data row inside a layout table: cells joined (label: value), the layout kept by lines
    html = ("<html><body><table><tr><td><table><tr><td>发文字号</td><td>国发〔2019〕1号</td></tr>"
            "<tr><td>甲</td><td>乙</td><td>丙</td></tr></table></td></tr></table></body></html>")
    assert read_page(html)[0] == "发文字号：国发〔2019〕1号\n甲\t乙\t丙"


@pytest.mark.parametrize("workers", [1, 2])
def test_deep_pages_build(tmp_path, workers):
    c = corpus(tmp_path, deep_pages())
    report = pipeline.build(c, tmp_path / "idx", workers=workers)
    assert report.failed == []
    titles = {r.source: r.title for r in store.load_records(tmp_path / "idx")}
    assert titles == {"divs.html": "关于乙的通知", "tables.html": "关于丙的通知", "unclosed.html": "关于丁的通知",
                      "good.txt": "关于甲的通知"}


def test_recursion_in_a_file_is_that_files_error(tmp_path, monkeypatch):
    c = corpus(tmp_path, {"deep.txt": "深", "good.txt": GOOD})
    real = pipeline.process_text

    def deep(text, source, meta=None):
        if source == "deep.txt":
            def down(k):
                return down(k + 1)
            down(0)
        return real(text, source, meta)
    monkeypatch.setattr(pipeline, "process_text", deep)
    report = pipeline.build(c, tmp_path / "idx", workers=1)
    assert report.failed == [{"source": "deep.txt", "reason": "nested too deeply to read (recursion limit reached)"}]
    assert report.documents == 1


# ---- 2. digit runs, linear extractors, the time budget -----------------------------------------

def test_a_file_over_its_time_budget_is_reported_and_the_build_goes_on(tmp_path, monkeypatch):
    c = corpus(tmp_path, {"good.txt": GOOD, "slow.txt": doc("关于慢的通知", "国发〔2019〕3号")})
    real = pipeline.process_text

    def slow(text, source, meta=None):
        if source == "slow.txt":
            time.sleep(30)          # the alarm interrupts the sleep
        return real(text, source, meta)
    monkeypatch.setattr(pipeline, "process_text", slow)
    monkeypatch.setattr(pipeline, "limits", lambda: {"file_seconds": 0.3})
    t0 = time.monotonic()
    report = pipeline.build(c, tmp_path / "idx", workers=1)
    assert time.monotonic() - t0 < 20
    assert report.failed == [{"source": "slow.txt", "reason": "took longer than 0.3 s to read and extract "
                                                               "(the limit of kb/data/build.toml): skipped"}]
    assert [r.source for r in store.load_records(tmp_path / "idx")] == ["good.txt"]


def test_the_budget_is_data():
    assert pipeline.limits()["file_seconds"] > 0


# ---- 3. a build killed: workers die with it, its temporary files are cleaned ---------------------

HOLD = textwrap.dedent("""
    import os, sys, time
    from kb import pipeline
    corpus, index, flag, go = sys.argv[1:5]
    deadline = time.monotonic() + 60        # never held longer, whatever the test does
    real = pipeline.process_file
    def held(*args):                        # in the build's process, or in its workers (forked)
        open(flag, "a").write(str(os.getpid()) + " ")
        while not os.path.exists(go):
            if time.monotonic() > deadline:
                os._exit(9)
            time.sleep(0.05)
        return real(*args)
    pipeline.process_file = held
    pipeline.build(corpus, index, workers=int(sys.argv[5]), full=True)
    print("built")
""")


def hold_build(tmp_path, c, idx, workers=1) -> tuple[subprocess.Popen, Path]:
    """A build in a subprocess whose files wait until tmp_path/go exists."""
    flag, go = tmp_path / "holding", tmp_path / "go"
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(c), str(idx), str(flag), str(go), str(workers)],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not flag.exists():
        assert p.poll() is None, p.communicate()
        assert time.monotonic() < deadline, "the held build did not start"
        time.sleep(0.05)
    return p, go


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")      # a zombie no one reaps has ended too


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker pids from /proc (Linux)")
def test_killed_build_takes_its_workers_and_leaves_nothing_behind(tmp_path):
    c = corpus(tmp_path, {f"{k:02d}.txt": doc(f"关于第{k}项的通知", f"国发〔2019〕{k}号") for k in range(1, 41)})
    idx = tmp_path / "idx"
    pipeline.build(c, idx, workers=1)
    p, go = hold_build(tmp_path, c, idx, workers=2)
    try:
        killed_build(p, idx)
    finally:
        go.write_text("")
        if p.poll() is None:
            p.kill()
    # the next build takes the lock over and removes the dead build's files
    report = pipeline.build(c, idx, full=True, workers=1)
    assert report.documents == 40
    assert not list(idx.glob("*.tmp-*"))
    assert len(list(idx.glob("search-*"))) <= 2


def killed_build(p, idx):
    children = Path(f"/proc/{p.pid}/task/{p.pid}/children")
    deadline = time.monotonic() + 10
    while len(workers := [int(x) for x in children.read_text().split()]) < 2:
        assert time.monotonic() < deadline, "the build did not start its two workers"
        time.sleep(0.05)
    assert not any(_gone(w) for w in workers)
    assert (idx / f"kb.sqlite.tmp-{p.pid}").exists()
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=10)      # not communicate(): orphaned workers would keep its pipes open
    p.stdout.close()
    p.stderr.close()
    deadline = time.monotonic() + 10
    while not all(_gone(w) for w in workers):
        if time.monotonic() > deadline:
            for w in workers:
                os.kill(w, signal.SIGKILL)
            pytest.fail("workers outlived their parent")
        time.sleep(0.05)


WATCHED = textwrap.dedent("""
    import ctypes, os, time
    from kb import pipeline
    def no_libc(*args, **kwargs):
        raise OSError("no libc here")
    ctypes.CDLL = no_libc                   # as where there is no prctl: the watchdog thread
    pipeline.WATCH_SECONDS = 0.05
    parent = os.getpid()
    child = os.fork()
    if child == 0:
        pipeline.die_with_parent(parent)
        time.sleep(30)
        os._exit(0)
    print(child, flush=True)
    time.sleep(0.3)
""")


@pytest.mark.skipif(not hasattr(os, "fork") or not Path("/proc/self").exists(), reason="forks, reads /proc")
def test_without_prctl_a_worker_watches_its_parent():
    out = subprocess.run([sys.executable, "-c", WATCHED], cwd=ROOT, capture_output=True, text=True, timeout=30)
    child = int(out.stdout)
    deadline = time.monotonic() + 10
    while not _gone(child):
        if time.monotonic() > deadline:
            os.kill(child, signal.SIGKILL)
            pytest.fail("the child outlived its parent")
        time.sleep(0.05)


# ---- 4. two builds at once ----------------------------------------------------------------------

def test_a_second_build_is_refused_or_waits(tmp_path):
    c = corpus(tmp_path, {"a.txt": GOOD, "b.txt": doc("关于乙的通知", "国发〔2019〕2号")})
    idx = tmp_path / "idx"
    p, go = hold_build(tmp_path, c, idx)
    try:
        r = kb("build", c, "--index", idx, "--quiet", timeout=60)
        assert r.returncode == 4, r.stderr
        assert r.stderr.strip().splitlines()[-1] == \
            f"kb: another build (pid {p.pid}) is running on {idx}: wait for it to finish, or run kb build --wait"
        log = tmp_path / "waiter.err"
        with open(log, "w") as err:
            waiter = subprocess.Popen([sys.executable, "-m", "kb.cli", "build", str(c), "--index", str(idx), "--wait"],
                                      cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True)
        deadline = time.monotonic() + 30
        while "waiting for it" not in log.read_text():
            assert waiter.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        assert log.read_text() == f"kb: another build (pid {p.pid}) is running on {idx}: waiting for it\n"
        go.write_text("")
        out, _ = waiter.communicate(timeout=60)
        assert waiter.returncode == 0, log.read_text()
        assert "2 documents" in out
    finally:
        go.write_text("")
        assert "built" in p.communicate(timeout=60)[0]
    assert count(idx) == 2


def test_busy_is_its_own_exit_code(tmp_path):
    with buildlock.build_lock(tmp_path / "idx"):
        r = CliRunner().invoke(main, ["build", str(corpus(tmp_path, {"a.txt": GOOD})), "--index", str(tmp_path / "idx")])
    assert r.exit_code == 4
    assert f"another build (pid {os.getpid()}) is running on {tmp_path / 'idx'}" in r.output


def test_stale_pid_lock_is_taken_over_without_flock(tmp_path, monkeypatch):
    monkeypatch.setattr(buildlock, "fcntl", None)
    idx = tmp_path / "idx"
    idx.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    (idx / buildlock.LOCK_NAME).write_text(str(dead.pid))
    with buildlock.build_lock(idx):
        assert buildlock.holder(idx) == os.getpid()
    (idx / buildlock.LOCK_NAME).write_text(str(os.getppid()))      # a live process
    with pytest.raises(Busy):
        with buildlock.build_lock(idx):
            pass


# ---- 5. bad queries and values; fuzzing ---------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["year:abc"], "year must be a year such as 2018, not 'abc'"),
    (["year:2018)"], "year must be a year such as 2018, not '2018)'"),
    (["year:99999999999999999999"], "year must be a year such as 2018, not '99999999999999999999'"),
    (["通知", "--limit", "0"], "the limit must be a whole number of at least 1, not 0"),
    (["通知", "--limit", "-1"], "the limit must be a whole number of at least 1, not -1"),
    (["status:maybe"], "unknown status 'maybe'"),
])
def test_bad_search_values(built, args, message):
    r = CliRunner().invoke(main, ["search", *args, "--index", str(built[0])])
    assert r.exit_code == 2
    assert r.output.startswith(f"kb: {message}") and "Traceback" not in r.output


QUERY_PIECES = st.sampled_from(["year:", "status:", "issuer:", "region:", "type:", "open:", "category:", '"', "-",
                                "NOT", "OR", "AND", "(", ")", "国发〔", "〕", "2016", "74号", "第", "号", "〔二〇一六〕",
                                "通知", "专精特新", "：", ":", " ", "*", "?", "\\", "'", "99999999999999999999"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(QUERY_PIECES | st.text(max_size=6), max_size=8).map("".join))
def test_query_parser_fuzz(built, q):
    from kb.search.query import search
    try:
        res = search(built[0], q, limit=3)
    except KbError:
        return
    assert isinstance(res["hits"], list)


# ---- 6. bad values and files for the other commands --------------------------------------------

def test_serve_port_out_of_range(tmp_path):
    r = CliRunner().invoke(main, ["serve", "--dir", str(tmp_path), "--port", "80000"])
    assert r.exit_code == 2 and "80000 is not in the range 0<=x<=65535" in r.output


@pytest.mark.parametrize("lines, message", [
    (['{"source": "a.txt"}', "{bad json"], "line 2: not JSON (Expecting property name enclosed in double quotes, column 2)"),
    (['{"file": "a.html", "issuer": ["国务院"]}', "[1, 2"], "line 2: not JSON"),
    (["[1, 2]"], "line 1: a JSON object is expected, not list"),
    (['{"file": "a.html"}', '{"title": "x"}'], "line 2: no 'file' string"),
    (['{"file": "a.html", "title": 5}'], "a row holds a value of the wrong shape"),
])
def test_eval_on_malformed_jsonl(built, tmp_path, lines, message):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["eval", str(gold), "--index", str(built[0])])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.output.startswith(f"kb: {gold}") and message in r.output


@pytest.mark.parametrize("out", ["x.html", "x.docx", "x.md"])
def test_newsletter_out_in_a_missing_folder(built, tmp_path, out):
    missing = tmp_path / "missing" / "dir" / out
    r = CliRunner().invoke(main, ["newsletter", "build", "--index", str(built[0]), "--from", "2000-01-01",
                                  "--out", str(missing)])
    assert r.exit_code == 1
    assert r.output == f"kb: cannot write {missing}: the folder {missing.parent} does not exist\n"


def test_corrupt_database(tmp_path):
    c = corpus(tmp_path, {"a.txt": GOOD})
    idx = tmp_path / "idx"
    pipeline.build(c, idx)
    store.db_path(idx).write_bytes(b"not a database at all" * 100)
    for args in (["records"], ["stats"], ["show", "国发〔2019〕1号"], ["search", "通知"], ["deadlines"]):
        r = CliRunner().invoke(main, [*args, "--index", str(idx)])
        assert r.exit_code == 1, (args, r.output)
        assert r.output == (f"kb: {store.db_path(idx)}: not a readable knowledge base (file is not a database); "
                            "rebuild it with kb build --full\n"), args
    assert pipeline.build(c, idx).documents == 1       # a build replaces it
    assert count(idx) == 1


# ---- 7. an empty corpus, an unreadable folder ---------------------------------------------------

def test_empty_corpus_does_not_replace_a_knowledge_base(tmp_path):
    idx = tmp_path / "idx"
    pipeline.build(corpus(tmp_path, {"a.txt": GOOD}), idx)
    empty = tmp_path / "empty"
    empty.mkdir()
    r = CliRunner().invoke(main, ["build", str(empty), "--index", str(idx)])
    assert r.exit_code == 1
    assert r.output == (f"kb: {empty} gives no document (0 files): the knowledge base in {idx} (1 documents) is "
                        "left as it was; kb build --allow-empty replaces it with an empty one\n")
    assert count(idx) == 1 and not list(idx.glob("*.tmp-*"))
    r = CliRunner().invoke(main, ["build", str(tmp_path / "wrong" / "path"), "--index", str(idx)])
    assert r.exit_code == 1 and "corpus folder not found" in r.output and count(idx) == 1
    r = CliRunner().invoke(main, ["build", str(empty), "--index", str(idx), "--allow-empty"])
    assert r.exit_code == 0 and count(idx) == 0


def test_corpus_of_only_failing_files_does_not_replace_either(tmp_path):
    idx = tmp_path / "idx"
    pipeline.build(corpus(tmp_path, {"a.txt": GOOD}), idx)
    with pytest.raises(KbError, match=r"gives no document \(1 files, 1 failed\)"):
        pipeline.build(corpus(tmp_path, {"empty.txt": ""}, name="bad"), idx)
    assert count(idx) == 1


def _unreadable_report(tmp_path) -> dict:
    c = corpus(tmp_path, {"a.txt": GOOD})
    (c / "sub").mkdir()
    (c / "sub" / "b.txt").write_text(doc("关于乙的通知", "国发〔2019〕2号"), encoding="utf-8")
    return c


def test_unreadable_folder_is_a_per_path_error(tmp_path, monkeypatch):
    c = _unreadable_report(tmp_path)
    real = os.scandir

    def scandir(path="."):
        if os.path.basename(os.fspath(path)) == "sub":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    idx = tmp_path / "idx"
    r = CliRunner().invoke(main, ["build", str(c), "--index", str(idx)])
    assert r.exit_code == 0
    assert "1 files failed:\n  sub/: cannot read folder: Permission denied\n" in r.output
    assert CliRunner().invoke(main, ["build", str(c), "--index", str(idx), "--strict"]).exit_code == 3
    monkeypatch.setattr(os, "scandir", real)        # readable again: its files come in
    report = pipeline.build(c, idx)
    assert report.failed == [] and report.documents == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 folder anyway (the test above simulates it)")
def test_chmod_000_folder_is_a_per_path_error(tmp_path):
    c = _unreadable_report(tmp_path)
    (c / "sub").chmod(0)
    try:
        report = pipeline.build(c, tmp_path / "idx")
    finally:
        (c / "sub").chmod(0o755)
    assert report.failed == [{"source": "sub/", "reason": "cannot read folder: Permission denied"}]


# ---- 8. control characters in file names --------------------------------------------------------

def test_names_with_newlines_are_escaped_where_printed(tmp_path):
    forged = "bad\n  forged.txt: fake reason\n.txt"
    c = corpus(tmp_path, {forged: "", "tab\there\nnew.txt": GOOD})
    idx = tmp_path / "idx"
    r = CliRunner().invoke(main, ["build", str(c), "--index", str(idx)])
    assert r.exit_code == 0
    assert r.output.splitlines()[-2:] == ["1 files failed:", f"  {forged!r}: empty file"]
    r = CliRunner().invoke(main, ["records", "--index", str(idx)])
    assert r.output.splitlines() == ["tab\\there\\nnew\t国发〔2019〕1号\t2019-01-02\t关于甲的通知"]
    r = CliRunner().invoke(main, ["stats", "--index", str(idx)])
    assert f"failed: {forged!r}: empty file" in r.output.splitlines()
    r = CliRunner().invoke(main, ["show", "tab\there\nnew", "--index", str(idx)])
    assert "记录：'tab\\there\\nnew' ('tab\\there\\nnew.txt')" in r.output.splitlines()
    r = CliRunner().invoke(main, ["show", "no\nsuch", "--index", str(idx)])
    assert r.exit_code == 1 and r.output.count("\n") == 1 and "no\\nsuch" in r.output
    recs = json.loads(CliRunner().invoke(main, ["records", "--json", "--index", str(idx)]).output)
    assert recs[0]["source"] == "tab\there\nnew.txt"          # JSON keeps the name as it is


def test_spaces_of_any_width_are_not_escaped():
    from kb.cli import _one_line, _shown
    assert _shown("政策\u3000文件 (1).txt") == "政策\u3000文件 (1).txt"
    assert _shown("it's\x1b[2J.txt") == "'it\\'s\\x1b[2J.txt'"
    assert _one_line("关于\u3000通知\u2028第二行") == "关于\u3000通知\\u2028第二行"
