"""The `kb` command line: a thin layer over the library.

Each command parses its arguments, calls one library function, and prints for people or, with
--json, for scripts.  Domain errors become a message on stderr and an exit code.
"""
from __future__ import annotations

import csv
import functools
import gc
import json
import os
import sys
import unicodedata
from datetime import date

import click

from kb import __version__
from kb.errors import KbError

# The library modules are imported inside the commands that use them: `kb show` or `kb search`
# from the shell should not pay for importing the pipeline, the site or the newsletter (~0.6 s).

DEFAULT_INDEX = os.environ.get("KB_INDEX", "index")


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


def index_option(f):
    return click.option("--index", "index_dir", default=DEFAULT_INDEX, show_default=True,
                        type=click.Path(file_okay=False), help="Folder of the knowledge base.")(f)


def today_option(f):
    return click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
                        help="Date that statuses and open deadlines refer to (default: today).")(f)


def handle_errors(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        import sqlite3
        try:
            return f(*args, **kwargs)
        except KbError as e:
            click.echo(f"kb: {_one_line(str(e))}", err=True)
            sys.exit(e.exit_code)
        except sqlite3.DatabaseError as e:      # damaged past the header (kb.store.connect checks that)
            from kb import store
            where = store.db_path(kwargs["index_dir"]) if kwargs.get("index_dir") else "the knowledge base"
            click.echo(f"kb: {_one_line(str(store.damaged(where, e)))}", err=True)
            sys.exit(1)
    return wrapper


def _control(c: str) -> bool:
    """A character that moves the cursor or is invisible (newline, tab, escape, line separator);
    spaces of any width are text."""
    return unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _one_line(text: str) -> str:
    """A message on one line: control characters (a newline in a file name) shown escaped."""
    return "".join(c.encode("unicode_escape").decode("ascii") if _control(c) else c for c in text)


def _today(value) -> date:
    return value.date() if value else date.today()


# Commands of other features live in their own modules (kb/cli_<feature>.py), each exposing
# COMMANDS: a list of click commands built with the helpers above.  A module is imported only when
# one of its commands runs (or --help lists them): `kb show` does not import the site or the newsletter.
FEATURE_COMMANDS = {
    "kb.cli_consult": ("deadlines", "cites", "cited-by", "missing", "match"),
    "kb.cli_newsletter": ("newsletter",),
    "kb.cli_site": ("site", "serve"),
}
FEATURE_MODULES = tuple(FEATURE_COMMANDS)


def _load_feature(group: click.Group, module_name: str) -> None:
    import importlib
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name != module_name:
            raise
        return
    for command in module.COMMANDS:
        if command.name not in group.commands:
            group.add_command(command)


class _LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted({*self.commands, *(n for names in FEATURE_COMMANDS.values() for n in names)})

    def get_command(self, ctx, name):
        if name not in self.commands:
            for module_name, names in FEATURE_COMMANDS.items():
                if name in names:
                    _load_feature(self, module_name)
        return self.commands.get(name)


@click.group(cls=_LazyGroup)
@click.version_option(__version__, prog_name="kb")
def main():
    """Knowledge base of Chinese government policy documents (政策文件)."""
    # A command is one short process that builds many small objects and frees them by reference
    # counting: collecting young objects every 700 allocations cost `kb match` 40 % of its time
    # on 10,000 documents.  Cycles are still collected, less often.
    gc.set_threshold(100_000, 50, 100)


@main.command()
@click.argument("corpus", default="corpus", type=click.Path(file_okay=False))
@index_option
@click.option("--strict", is_flag=True, help="Exit non-zero if any file failed.")
@click.option("--quiet", is_flag=True, help="No progress bar (there is none either when stderr is not a terminal).")
@click.option("--full", is_flag=True, help="Re-read every file, even unchanged ones.")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--allow-empty", is_flag=True, help="Let a corpus without documents empty a knowledge base that has some.")
@click.option("--wait", is_flag=True, help="If another build runs on the same index, wait for it instead of exiting (code 4).")
@handle_errors
def build(corpus, index_dir, strict, quiet, full, as_json, allow_empty, wait):
    """Read, extract and store every document of CORPUS (default: corpus/)."""
    from kb import pipeline, progress, store

    def waiting(pid):
        click.echo(f"kb: another build (pid {pid or 'unknown'}) is running on {index_dir}: waiting for it", err=True)
    bar = progress.Bar(enabled=not quiet)    # draws only on a terminal
    try:
        report = pipeline.build(corpus, index_dir, full=full, phases=bar, allow_empty=allow_empty,
                                wait=wait, waiting=waiting)
    finally:
        bar.close()
    if as_json:
        click.echo(_dump(report.to_dict()))
    else:
        click.echo(f"Built {_shown(store.db_path(index_dir))} from {_shown(report.corpus)}: {report.files} files, "
                   f"{report.documents} documents in {report.seconds:.2f} s ({report.changed} files read, "
                   f"{report.files - report.changed} unchanged, {report.removed} removed)")
        click.echo("Fields found (documents): " + ", ".join(f"{k} {v}" for k, v in report.fields.items()))
        if report.failed:
            click.echo(f"{len(report.failed)} files failed:")
            for f in report.failed:
                click.echo(f"  {_shown(f['source'])}: {_one_line(f['reason'])}")
    if strict and report.failed:
        sys.exit(3)


RECORD_COLUMNS = ("id", "doc_number", "date", "published", "category", "doc_type", "issuers", "title", "source")


@main.command()
@index_option
@click.option("--json", "fmt", flag_value="json", help="A JSON list of full records.")
@click.option("--jsonl", "fmt", flag_value="jsonl", help="One JSON record per line.")
@click.option("--csv", "fmt", flag_value="csv", help="CSV of the main columns.")
@handle_errors
def records(index_dir, fmt):
    """List the records of the knowledge base (streamed: one record in memory at a time)."""
    from kb import store
    recs = store.iter_records(index_dir)
    out = sys.stdout
    if fmt == "json":
        # the same text as _dump of the whole list, written record by record
        first = True
        for r in recs:
            out.write(("[\n" if first else ",\n") + _indent(_dump(r.to_dict())))
            first = False
        out.write("[]\n" if first else "\n]\n")
    elif fmt == "jsonl":
        for r in recs:
            out.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(RECORD_COLUMNS)
        for r in recs:
            d = r.to_dict()
            w.writerow(["；".join(d[c]) if isinstance(d[c], list) else (d[c] or "") for c in RECORD_COLUMNS])
    else:
        for r in recs:
            out.write("\t".join(_tsv(v) for v in (r.id, r.doc_number or "-", r.date or "-", r.title or "(no title)")) + "\n")


def _shown(name) -> str:
    """A file name or id as printed for people: as it is when it is plain, else quoted with its
    control characters escaped (a newline in a file name cannot forge a line of the report)."""
    name = str(name)
    return "'" + _one_line(name).replace("'", "\\'") + "'" if any(map(_control, name)) else name


def _tsv(value: str) -> str:
    """A field of a tab-separated line: tabs, newlines and other control characters escaped."""
    return _one_line(value)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.split("\n"))


@main.command()
@click.argument("ref")
@index_option
@today_option
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def show(ref, index_dir, today, as_json):
    """Show one document by 发文字号 (any bracket or spacing variant) or record id."""
    from kb import lookup
    result = lookup.show(index_dir, ref, _today(today))
    if as_json:
        click.echo(_dump(result))
        return
    if "matches" in result:
        click.echo(f"{len(result['matches'])} documents match {ref}:" if result["matches"]
                   else f"No document of the knowledge base matches {ref}.")
        for m in result["matches"]:
            click.echo(f"  {m['doc_number']}\t{_tsv(m['id'])}\t{_tsv(m['title'] or '')}")
        if result["cited"]:
            click.echo("Cited but not in the knowledge base: "
                       + "、".join(f"{c['doc_number']} ({c['cited_by']})" for c in result["cited"]))
        return
    click.echo(_format_record(result))
    if result["also"]:
        click.echo(f"{len(result['also'])} more documents bear {result['record']['doc_number']} "
                   "(kb show ID to see one):")
        for o in result["also"]:
            click.echo(f"  {_tsv(o['id'])}\t{_tsv(o['title'] or '')}\t{_tsv(o['source'])}")


def _condition_value(c: dict) -> str:
    if c.get("value"):
        return str(c["value"])
    unit = c.get("unit") or ""

    def fmt(v) -> str:
        if not isinstance(v, (int, float)):       # dates and other bounds are shown as written
            return f"{v}{unit}"
        if unit == "fraction":
            return f"{v * 100:g}%"
        if unit == "元":
            return f"{v / 1e8:g}亿元" if v >= 1e8 else f"{v / 1e4:g}万元" if v >= 1e4 else f"{v:g}元"
        return f"{v:g}{unit}"
    lo, hi = c.get("min"), c.get("max")
    if lo is not None and hi is not None:
        return f"{fmt(lo)}–{fmt(hi)}"
    if lo is not None:
        return f"≥ {fmt(lo)}"
    if hi is not None:
        return f"≤ {fmt(hi)}"
    return c["text"][:60]


def _format_record(result: dict) -> str:
    r, st = result["record"], result["status"]
    rows = [("标题", r["title"]), ("发文字号", r["doc_number"]), ("发文机关", "、".join(r["issuers"])),
            ("成文日期", r["date"]), ("发布日期", r["published"]), ("主送机关", r["recipients"]),
            ("公文种类", r["doc_type"]), ("分类", r["category"]),
            ("地区", " ".join(v for v in (r["region"] or {}).values() if v and v != (r["region"] or {}).get("matched"))),
            ("施行日期", r["effective_from"]), ("有效期至", r["effective_until"]),
            ("状态", f"{st['status']} ({st['reason']})"), ("来源链接", " ".join(r["links"])),
            ("记录", f"{_shown(r['id'])} ({_shown(r['source'])})")]
    lines = [f"{k}：{v}" for k, v in rows if v]
    if r["deadlines"]:
        lines.append("截止时间：")
        windows = {(x["opens"] or "")[:10] for x in r["deadlines"]}
        for d in r["deadlines"]:
            if d.get("kind") == "opens":    # shown on its window's line, or on its own when alone
                if d["date"] not in windows:
                    lines.append(f"  {d['date']} {d['time'] or ''} 开始 — {d['text']}")
                continue
            when = d["date"] or f"{d['recurring']} {d['month'] or ''}{'月' if d['month'] else ''}{d['day']}日"
            lines.append(f"  {when} {d['time'] or ''} {('开始 ' + d['opens']) if d['opens'] else ''}— {d['text']}")
    if r["targets"]:
        lines.append(f"目标（{len(r['targets'])}）：")
        lines.extend(f"  {t['year']}: {t['text']}" for t in r["targets"][:10])
    if r.get("support"):
        lines.append("支持措施：")
        lines.extend(f"  {x['kind']}: {x['text'][:80]}" for x in r["support"][:10])
    if r.get("conditions"):
        lines.append("申报条件：")
        lines.extend(f"  {x['kind']}: {_condition_value(x)}" for x in r["conditions"][:12])
    if r["cites"]:
        lines.append("引用：" + "、".join(r["cites"]))
    if r["repeals"]:
        lines.append("废止：" + "、".join(r["repeals"]))
    if result["cited_by"]:
        lines.append("被引用：" + "、".join(c["id"] for c in result["cited_by"]))
    return "\n".join(lines)


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def stats(index_dir, as_json):
    """Counts of the knowledge base: documents, fields, issuers, years, categories."""
    from kb import lookup
    s = lookup.stats(index_dir)
    if as_json:
        click.echo(_dump(s))
        return
    click.echo(f"{s['documents']} documents from {s['files']} files (built {s['built']})")
    click.echo(f"with 发文字号: {s['with_doc_number']}, deadlines: {s['deadlines']}, targets: {s['targets']}, "
               f"citations: {s['citations']}")
    for key, label in (("by_issuer", "issuers"), ("by_year", "years"), ("by_category", "categories"),
                       ("by_type", "types"), ("by_province", "provinces")):
        click.echo(f"{label}: " + ", ".join(f"{k} {v}" for k, v in s[key].items()))
    for f in s["failed_files"]:
        click.echo(f"failed: {_shown(f['source'])}: {_one_line(f['reason'])}")


@main.command(name="search")
@click.argument("query", nargs=-1, required=True)
@index_option
@today_option
@click.option("--issuer", help="发文机关 (aliases work: 工信部, 发改委 …).")
@click.option("--year", type=int)
@click.option("--region", help="Province or city (山西, 长治市 …).")
@click.option("--category", help="Section of a compilation (项目申报 …).")
@click.option("--type", "doc_type", help="公文种类 (通知, 意见, 方案 …).")
@click.option("--status", type=click.Choice(["in_force", "not_yet", "expired", "repealed", "unknown"]))
@click.option("--open", "open_only", is_flag=True, help="Only documents with a deadline still open.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@click.option("--limit", type=int, default=10, show_default=True)
@click.option("--facets", is_flag=True, help="Counts by issuer, year, category and region.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def search_cmd(query, index_dir, today, issuer, year, region, category, doc_type, status, open_only, sort, limit,
               facets, as_json):
    """Full-text search; a 发文字号 in any variant goes straight to its document."""
    from kb.search import query as search
    res = search.search(index_dir, " ".join(query), issuer=issuer, year=year, region=region, category=category,
                        doc_type=doc_type, status=status, open_only=open_only, today=_today(today), sort=sort,
                        limit=limit, facets=facets)
    if as_json:
        click.echo(_dump(res))      # one shape, whatever the query (README: Search)
        if res.get("missing"):
            sys.exit(1)
        return
    click.echo(_format_search(res))
    if res.get("missing"):
        sys.exit(1)


def _format_search(res: dict) -> str:
    out = []
    if res.get("missing"):
        cited = res.get("cited_by") or []
        out.append(f"{res['missing']} is not in the knowledge base"
                   + ("; cited by: " + ", ".join(f"{c['id']} ({c['title'] or 'untitled'})" for c in cited) if cited else ""))
    if res.get("numbers"):
        out.append("Matching numbers: " + "、".join(m["doc_number"] for m in res["numbers"]))
    if res.get("cited_numbers"):
        out.append("Cited but not in the knowledge base: " + "、".join(
            f"{m['doc_number']} ({m['cited_by']})" for m in res["cited_numbers"]))
    if res.get("fallback"):
        out.append("(no document has all the words; showing documents with any of them)")
    if not res.get("missing"):
        out.append(f"{'' if res.get('total_exact', True) else 'about '}{res['total']} documents")
    for i, h in enumerate(res["hits"], 1):
        head = " · ".join(x for x in (h["doc_number"], "、".join(h["issuers"]), h["date"]) if x)
        out.append(f"{i}. {h['title'] or _shown(h['id'])}" + (f"  [{head}]" if head else "")
                   + ("  (cites it)" if h.get("citing") else "")
                   + ("  (the document its citers name; the number is not printed in it)" if h.get("via") == "named" else "")
                   + ("  (another copy, without the number)" if h.get("via") == "copy" else ""))
        if h["section"]:
            out.append("   § " + " › ".join(h["section"]))
        if h["snippet"]:
            out.append("   " + h["snippet"].replace("«", "\x1b[1m").replace("»", "\x1b[0m")
                       if sys.stdout.isatty() else "   " + h["snippet"])
    for name, counts in (res.get("facets") or {}).items():
        out.append(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return "\n".join(out)


@main.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@index_option
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def eval_(gold, index_dir, as_json):
    """Per-field accuracy of the knowledge base against a gold set (JSON lines): gold records, or
    page labels (the devset's format, scored as its score_records.py scores them)."""
    from kb import evaluate, evaluate_labels, store
    from kb.errors import Damaged
    rows = evaluate.load_gold(gold)
    records = store.load_records(index_dir)
    try:
        if evaluate_labels.is_page_labels(rows):
            summary = evaluate_labels.score(rows, [r.to_dict() for r in records])
            click.echo(_dump(summary) if as_json else "\n".join(evaluate_labels.table(summary)))
            return
        summary = evaluate.evaluate(rows, records).summary()
    except (TypeError, KeyError, AttributeError, ValueError) as e:    # a value of the wrong shape
        raise Damaged(f"{gold}: a row holds a value of the wrong shape ({type(e).__name__}: {e})") from None
    if as_json:
        click.echo(_dump(summary))
        return
    click.echo(f"{summary['fields_correct']}/{summary['fields_checked']} fields correct "
               f"({summary['accuracy']:.1%}), {summary['unmatched_gold_rows']} gold rows unmatched")
    for name, f in summary["per_field"].items():
        click.echo(f"  {name:28s} {f['correct']:3d}/{f['checked']:<3d} {f['accuracy']:.1%}")
    for f in summary["failures"]:
        click.echo(f"  FAIL {f['source']} {f['field']}: expected {f['expected']!r}, got {f['got']!r} {f['detail']}")


if __name__ == "__main__":
    main()
