"""Consultant commands: `kb deadlines`, `kb cites`, `kb cited-by`, `kb missing`, `kb match`.

Each parses its arguments, calls one function of kb.consult and prints (or, with --json, dumps).
"""
from __future__ import annotations

from pathlib import Path

import click

from kb import consult
from kb.cli import _dump, _today, handle_errors, index_option, today_option
from kb.errors import KbError

DATE = click.DateTime(["%Y-%m-%d"])


def _day(value):
    return value.date() if value else None


@click.command()
@index_option
@today_option
@click.option("--from", "date_from", type=DATE, help="First deadline date (inclusive).")
@click.option("--to", "date_to", type=DATE, help="Last deadline date (inclusive).")
@click.option("--open", "open_only", is_flag=True, help="Only deadlines not passed yet (open or opening later).")
@click.option("--occurrences", type=click.IntRange(1, 24), default=consult.OCCURRENCES, show_default=True,
              help="How many next dates of a monthly or quarterly deadline to list.")
@click.option("--ics", "ics_file", type=click.Path(dir_okay=False), help="Also write an iCalendar file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def deadlines(index_dir, today, date_from, date_to, open_only, occurrences, ics_file, as_json):
    """Application and submission deadlines, soonest first, with days left."""
    items = consult.deadlines(index_dir, _today(today), _day(date_from), _day(date_to), open_only, occurrences)
    if ics_file:
        try:
            Path(ics_file).write_text(consult.to_ics(items), encoding="utf-8", newline="")
        except OSError as e:
            raise KbError(f"cannot write {ics_file}: {e.strerror}") from e
    if as_json:
        click.echo(_dump(items))
        return
    out = []        # printed at once: thousands of lines
    for x in items:
        when = x["date"] + (f" {x['time']}" if x["time"] else "")
        state = f"closed {-x['days_left']} days ago" if x["state"] == "closed" else f"{x['days_left']} days left"
        if x["opens"]:
            state = f"window {'opens' if x['state'] == 'opens_later' else 'opened'} {x['opens'].replace('T', ' ')}, {state}"
        rule = f" [{x['rule']}]" if x["rule"] else ""
        out.append(f"{when}  {state}{rule}  {x['doc_number'] or x['id']}  {x['title'] or ''}")
        out.append(f"    {x['text']}")
    out.append(f"{len(items)} deadlines" + (f"; calendar written to {ics_file}" if ics_file else ""))
    click.echo("\n".join(out))


@click.command()
@click.argument("ref")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def cites(ref, index_dir, as_json):
    """The numbers a document cites (and repeals), and whether the knowledge base has them."""
    res = consult.cites(index_dir, ref)
    if as_json:
        click.echo(_dump(res))
        return
    click.echo(f"{res['doc_number'] or res['id']} {res['title'] or ''} cites {len(res['cites'])} numbers:")
    for c in res["cites"]:
        where = f"{c['id']}  {c['title'] or ''}" if c["in_kb"] else "(not in the knowledge base)"
        click.echo(f"  {c['number']}{' [repeals]' if c['kind'] == 'repeals' else ''}  {where}")


@click.command(name="cited-by")
@click.argument("ref")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def cited_by(ref, index_dir, as_json):
    """The documents that cite (or repeal) a number, whether or not the knowledge base has it."""
    res = consult.cited_by(index_dir, ref)
    if as_json:
        click.echo(_dump(res))
        return
    have = f"{res['id']} {res['title'] or ''}" if res["in_kb"] else "not in the knowledge base"
    click.echo(f"{res['number']} ({have}) is cited by {len(res['cited_by'])} documents:")
    for c in res["cited_by"]:
        click.echo(f"  {c['id']}  {c['doc_number'] or '-'}  {c['title'] or ''}{' [repeals]' if c['kind'] == 'repeals' else ''}")


@click.command()
@index_option
@click.option("--limit", type=int, default=None, help="Only the N most cited.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def missing(index_dir, limit, as_json):
    """Numbers cited but missing from the knowledge base, most cited first (documents to collect)."""
    rows = consult.missing(index_dir, limit)
    if as_json:
        click.echo(_dump(rows))
        return
    for r in rows:
        click.echo(f"{r['count']:4d}  {r['number']}  cited by {', '.join(r['cited_by'])}")


@click.command()
@index_option
@today_option
@click.option("--profile", "profile_file", type=click.Path(exists=True, dir_okay=False),
              help="Client profile as TOML (region, city, industry, size, revenue, qualifications, years, …).")
@click.option("--region", help="Province (山西) or city of the client.")
@click.option("--city", help="City of the client (长治).")
@click.option("--industry", help="Industry (制造业 …).")
@click.option("--size", help="Company size: 中小企业, 小型企业, 微型企业, 中型企业, 大型企业 …")
@click.option("--revenue", help="Yearly revenue: 2亿, 5000万, 500万元 …")
@click.option("--qualification", "qualifications", multiple=True, help="A qualification held (高新技术企业 …). Repeatable.")
@click.option("--years", type=float, help="Years in business.")
@click.option("--open", "open_only", is_flag=True, help="Only policies with a deadline still open.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def match(index_dir, today, profile_file, region, city, industry, size, revenue, qualifications, years, open_only,
          as_json):
    """Policies that apply to a client, best first, with why and what to check."""
    profile = consult.load_profile(profile_file, region=region, city=city, industry=industry, size=size,
                                   revenue=revenue, qualifications=list(qualifications), years=years)
    res = consult.match(index_dir, profile, _today(today), open_only)
    if as_json:
        click.echo(_dump(res))
        return
    out = [f"{len(res['matches'])} policies apply on {res['today']}:"]     # printed at once: thousands of lines
    for i, m in enumerate(res["matches"], 1):
        out.append(f"{i}. {m['title'] or m['id']}  [{m['doc_number'] or m['id']} · {m['region']} · {m['status']['status']}]")
        out.extend(f"   + {w}" for w in m["why"])
        out.extend(f"   ? {c if len(c) <= 100 else c[:99] + '…'}" for c in m["check"])
    by_condition = [x for x in res["excluded"] if x.get("conditions")]
    if by_condition:
        out.append("Not matched because a condition fails:")
        out.extend(f"  - {x['title'] or x['id']}: {x['reason']}" for x in by_condition)
    others = len(res["excluded"]) - len(by_condition)
    if others:
        out.append(f"{others} other documents excluded (region, validity or date; --json lists them with reasons)")
    click.echo("\n".join(out))


COMMANDS = [deadlines, cites, cited_by, missing, match]
