"""Progress bars (kb/progress.py): every phase of `kb build` and `kb site` with total, rate and
ETA on a terminal; nothing when not a terminal or with --quiet."""
import io
import shutil

from click.testing import CliRunner

from kb import pipeline, site
from kb.cli import main
from kb.progress import Bar

from conftest import CORPUS


class Tty(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 0.5
        return self.now


def test_bar_shows_total_rate_and_eta_then_the_time_taken():
    out = Tty()
    bar = Bar(out, clock=Clock())
    for k in range(1, 5):
        bar("hashing", k, 4)
    bar.close()
    lines = [x.replace("\x1b[K", "") for x in out.getvalue().split("\r") if x]
    assert lines[0].startswith("hashing") and "[#####---------------]  1/4   25%" in lines[0]
    assert "[##########----------]  2/4   50%  4/s  ETA 0:01" in lines[1]
    assert lines[-1].rstrip().endswith("in 0:02") and "4/4  100%" in lines[-1] and lines[-1].endswith("\n")


def test_bar_is_silent_off_a_terminal_or_when_disabled():
    for stream, enabled in ((io.StringIO(), True), (Tty(), False)):
        bar = Bar(stream, enabled=enabled)
        bar("extracting", 1, 10)
        bar.close()
        assert stream.getvalue() == ""


def test_build_reports_every_phase_with_its_total(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    seen = []
    phases = lambda phase, done, total=None, final=False: seen.append((phase, done, total, final))
    pipeline.build(corpus, tmp_path / "idx", phases=phases)
    names = list(dict.fromkeys(p for p, *_ in seen))
    assert names == ["listing", "extracting", "indexing", "writing"]
    assert ("listing", 5, None, True) in seen and ("extracting", 5, 5, False) in seen
    assert ("writing", 13, None, True) in seen
    (corpus / "001_d5620ddd8ce5e838.txt").write_text("关于测试的通知\n\n测试。", encoding="utf-8")
    seen.clear()
    pipeline.build(corpus, tmp_path / "idx", phases=phases)
    assert [s for s in seen if s[0] == "hashing"][-1] == ("hashing", 5, 5, False)
    assert ("extracting", 1, 1, False) in seen


def test_site_reports_its_phases(built, tmp_path):
    seen = []
    site.build(built[0], tmp_path / "site", phases=lambda p, d, t=None, final=False: seen.append((p, d, t, final)))
    assert list(dict.fromkeys(p for p, *_ in seen)) == ["reading", "model", "pages", "search index"]
    pages = [s for s in seen if s[0] == "pages"]
    assert pages[-1][1] == pages[-1][2] and pages[-1][3]


def test_cli_draws_nothing_when_not_a_terminal(tmp_path):
    r = CliRunner().invoke(main, ["build", str(CORPUS), "--index", str(tmp_path / "i")])
    assert r.exit_code == 0 and r.stderr == ""
    r = CliRunner().invoke(main, ["site", "--index", str(tmp_path / "i"), "--out",
                                                  str(tmp_path / "s"), "--quiet"])
    assert r.exit_code == 0 and r.stderr == ""
