"""The README's promises: its first two commands, and every `kb` command it documents exists."""
import re

from click.testing import CliRunner

from kb.cli import main

from conftest import GOLD, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1).splitlines()
    assert block[0].startswith("make run") and block[1].startswith("make test")
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_documented_commands_exist():
    documented = set(re.findall(r"^kb (\w+)", README, re.M))
    assert documented >= {"build", "records", "show", "stats", "eval"}
    assert documented <= set(main.list_commands(None))   # feature commands load lazily


def test_eval_command(built):
    r = CliRunner().invoke(main, ["eval", str(GOLD), "--index", str(built[0])])
    assert r.exit_code == 0, r.output
    assert "119/119 fields correct (100.0%)" in r.output
