"""`kb newsletter`: compile a 快讯 issue from the knowledge base.

    kb newsletter init   [selection] [masthead] --out issue.toml   # editable issue file
    kb newsletter render issue.toml --out issue.html|.md|.docx|.pdf [--full]
    kb newsletter build  [selection] [masthead] --out issue.html   # both at once, no file to edit
"""
from __future__ import annotations

from pathlib import Path

import click

from kb import newsletter as nl
from kb import store
from kb.cli import _today, handle_errors, index_option
from kb.errors import KbError

# .txt is written as Markdown: plain text that reads as it is
SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".txt": "md", ".docx": "docx",
            ".pdf": "pdf"}


def _iso(value):
    return value.date().isoformat() if value else None


def selection_options(f):
    opts = [
        click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First date (inclusive)."),
        click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last date (inclusive)."),
        click.option("--on", type=click.Choice(nl.selection.DATE_FIELDS), default="auto", show_default=True,
                     help="Date the range applies to: 发布日期 (published), 成文日期 (date), auto = published else date."),
        click.option("--include", multiple=True, metavar="REF",
                     help="Add a document: record id, 发文字号 or source file (all its documents). Repeatable."),
        click.option("--exclude", multiple=True, metavar="REF", help="Leave a document out. Repeatable."),
        click.option("--sections", "sections_file", type=click.Path(exists=True, dir_okay=False),
                     help="Section names and rules (default: kb/data/sections.toml or $KB_SECTIONS)."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def masthead_options(f):
    opts = [
        click.option("--publisher", envvar="KB_PUBLISHER", show_envvar=True,
                     help="Publisher printed on the masthead (default: none; not taken from the documents' sources)."),
        click.option("--title", default="快 讯", show_default=True, help="Name of the publication."),
        click.option("--issue", "issue_no", help="Issue number, e.g. '(2018) 1104 期'."),
        click.option("--date", "issue_date", type=click.DateTime(["%Y-%m-%d"]), help="Issue date (default: today)."),
        click.option("--contact", default="", help="Contact line printed at the foot."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def output_options(f):
    f = click.option("--full/--no-full", default=None,
                     help="Include each document's full text (default: the issue file's `full`).")(f)
    f = click.option("--out", type=click.Path(dir_okay=False), help="Output file (html/md: stdout if omitted).")(f)
    return click.option("--format", "fmt", type=click.Choice(nl.FORMATS),
                        help="Output format (default: from --out's suffix, else html).")(f)


def _new_issue(index_dir, date_from, date_to, on, include, exclude, sections_file, publisher, title, issue_no,
               issue_date):
    records = store.load_records(index_dir)
    chosen = nl.select(records, date_from=_iso(date_from), date_to=_iso(date_to), on=on,
                       include=include, exclude=exclude)
    if not chosen:
        raise KbError("no document selected: widen --from/--to or --include documents")
    head = nl.Masthead(publisher=publisher or "", title=title, issue=issue_no or "",
                       date=_iso(issue_date) or _today(None).isoformat())
    return nl.new_issue(chosen, nl.load_rules(sections_file), head), records


def _check_out(out) -> None:
    """An output file's folder must exist (it is not created: a typo would scatter folders)."""
    if out and not Path(out).resolve().parent.is_dir():
        raise KbError(f"cannot write {out}: the folder {Path(out).parent} does not exist")


def _write(issue, records, fmt, out, full, sections_file):
    if not fmt:
        suffix = Path(out).suffix.lower() if out else ".html"
        if suffix not in SUFFIXES:
            raise click.UsageError(f"cannot tell the format of {out} from its suffix: name it "
                                   + ", ".join(f"*{x}" for x in SUFFIXES) + " or give --format")
        fmt = SUFFIXES[suffix]
    if fmt in ("docx", "pdf") and not out:
        raise click.UsageError(f"--format {fmt} needs --out FILE")
    _check_out(out)
    try:
        result = nl.render(issue, records, fmt, out, rules=nl.load_rules(sections_file), full=full)
    except OSError as e:
        raise KbError(f"cannot write {e.filename or out}: {e.strerror or e}") from None
    if not out:
        click.echo(result, nl=False)
        return
    sections = issue.sections()
    click.echo(f"Wrote {out} ({fmt}): {sum(len(s.items) for s in sections)} documents in {len(sections)} sections ("
               + ", ".join(f"{s.name} {len(s.items)}" for s in sections) + ")")


@click.group(name="newsletter")
def newsletter():
    """Compile a 快讯 newsletter issue: init an issue file, edit it, render it."""


@newsletter.command()
@index_option
@selection_options
@masthead_options
@click.option("--out", type=click.Path(dir_okay=False), help="Issue file to write (stdout if omitted).")
@click.option("--force", is_flag=True, help="Overwrite an existing issue file.")
@handle_errors
def init(index_dir, date_from, date_to, on, include, exclude, sections_file, publisher, title, issue_no, issue_date,
         contact, out, force):
    """Write an editable issue file (TOML) of the selected documents, in sections and order."""
    issue, records = _new_issue(index_dir, date_from, date_to, on, include, exclude, sections_file,
                                publisher, title, issue_no, issue_date)
    issue.masthead.contact = contact
    text = nl.to_toml(issue, {r.id: r for r in records})
    if not out:
        click.echo(text, nl=False)
        return
    if Path(out).exists() and not force:
        raise KbError(f"{out} exists: it may hold edits; use --force to overwrite it")
    _check_out(out)
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as e:
        raise KbError(f"cannot write {out}: {e.strerror or e}") from None
    click.echo(f"Wrote {out}: {len(issue.items)} documents. Edit it, then: kb newsletter render {out} --out issue.html")


@newsletter.command()
@click.argument("issue_file", type=click.Path(exists=True, dir_okay=False))
@index_option
@output_options
@click.option("--sections", "sections_file", type=click.Path(exists=True, dir_okay=False),
              help="Section rules for items without a section.")
@handle_errors
def render(issue_file, index_dir, fmt, out, full, sections_file):
    """Render ISSUE_FILE as HTML (print-ready A4), Markdown, DOCX or PDF (needs Chromium)."""
    issue = nl.from_toml(Path(issue_file).read_text(encoding="utf-8"), name=issue_file)
    _write(issue, store.load_records(index_dir), fmt, out, full, sections_file)


@newsletter.command()
@index_option
@selection_options
@masthead_options
@output_options
@handle_errors
def build(index_dir, date_from, date_to, on, include, exclude, sections_file, publisher, title, issue_no,
          issue_date, contact, fmt, out, full):
    """Select and render in one step (init + render without the issue file)."""
    issue, records = _new_issue(index_dir, date_from, date_to, on, include, exclude, sections_file,
                                publisher, title, issue_no, issue_date)
    issue.masthead.contact = contact
    _write(issue, records, fmt, out, full, sections_file)


COMMANDS = [newsletter]
