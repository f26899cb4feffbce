"""`kb site` (render the static site) and `kb serve` (preview it on 127.0.0.1)."""
from __future__ import annotations

import functools
import http.server
from pathlib import Path

import click

from kb import site as ksite
from kb.cli import _dump, handle_errors, index_option, today_option
from kb.errors import KbError


@click.command(name="site")
@index_option
@click.option("--out", "out", default="site", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write (replaced as a whole; must be empty or a previous `kb site`).")
@today_option
@click.option("--templates", type=click.Path(file_okay=False, exists=True), default=None,
              help="Template folder (default: site_templates/ of the project).")
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar (there is none either when stderr is not a terminal).")
@handle_errors
def site_cmd(index_dir, out, today, templates, as_json, quiet):
    """Render the knowledge base as a static website with in-browser search."""
    from kb import progress
    bar = progress.Bar(enabled=not quiet)
    try:
        report = ksite.build(index_dir, out, today=today.date() if today else None,
                             templates=Path(templates) if templates else ksite.TEMPLATES, phases=bar)
    finally:
        bar.close()
    if as_json:
        click.echo(_dump(report))
        return
    click.echo(f"Wrote {report['out']}/: {report['documents']} documents, {report['pages']} pages, "
               f"{report['files']} files, {report['bytes'] / 1e6:.1f} MB "
               f"(search index {report['search_files']} files, {report['search_bytes'] / 1e6:.1f} MB) "
               f"in {report['seconds']:.1f} s; dates as of {report['today']}")
    click.echo(f"Preview: kb serve --dir {report['out']}")


@click.command(name="serve")
@click.option("--dir", "folder", default="site", show_default=True, type=click.Path(file_okay=False))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@handle_errors
def serve_cmd(folder, port):
    """Serve the site on http://127.0.0.1:PORT/ for a preview (Ctrl-C stops)."""
    if not (Path(folder) / "index.html").exists():
        raise KbError(f"no site in {folder}: run `kb site --out {folder}` first")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    try:
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as e:
        raise KbError(f"cannot serve on 127.0.0.1:{port}: {e.strerror or e}") from e
    with httpd:
        click.echo(f"Serving {folder}/ at http://127.0.0.1:{httpd.server_address[1]}/ (Ctrl-C to stop)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive: the search fetches a dozen small files per query

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


COMMANDS = [site_cmd, serve_cmd]
