"""HTML and Markdown through the Jinja2 templates of site_templates/newsletter/; PDF through
headless Chromium's print of the HTML.  The same IssueView feeds every format."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import jinja2

from kb.errors import KbError
from kb.newsletter.view import IssueView

TEMPLATES = Path(__file__).resolve().parents[2] / "site_templates" / "newsletter"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def templates_dir() -> Path:
    return Path(os.environ.get("KB_NEWSLETTER_TEMPLATES") or TEMPLATES)


def _md(s) -> str:
    """Escape Markdown's inline syntax characters in document text."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", str(s or ""))


@lru_cache(maxsize=4)
def _env(folder: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = _md
    env.filters["autolink"] = lambda url: f"<{url}>" if re.match(r"https?://[^\s<>]+$", url) else _md(url)
    return env


def _render(template: str, view: IssueView) -> str:
    folder = templates_dir()
    if not (folder / template).is_file():
        raise KbError(f"newsletter template not found: {folder / template} (set KB_NEWSLETTER_TEMPLATES)")
    return _env(str(folder)).get_template(template).render(issue=view, m=view.masthead)


def render_html(view: IssueView) -> str:
    return _render("issue.html.j2", view)


def render_markdown(view: IssueView) -> str:
    return re.sub(r"\n{3,}", "\n\n", _render("issue.md.j2", view))  # template blocks leave blank runs


def find_chromium() -> str | None:
    """$KB_CHROMIUM, else the first Chromium or Chrome on PATH."""
    if os.environ.get("KB_CHROMIUM"):
        return os.environ["KB_CHROMIUM"]
    return next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)


def render_pdf(view: IssueView, out: str | os.PathLike, chromium: str | None = None, timeout: int = 180) -> Path:
    """Print the HTML issue to an A4 PDF with headless Chromium (its @page rules set the layout)."""
    exe = chromium or find_chromium()
    if not exe:
        raise KbError("PDF needs Chromium: install `chromium` or set KB_CHROMIUM; "
                      "or render --format html and print it from a browser")
    out = Path(out).resolve()
    out.unlink(missing_ok=True)  # so a stale file is not taken for success
    with tempfile.TemporaryDirectory(prefix="kb-newsletter-") as tmp:
        page = Path(tmp) / "issue.html"
        page.write_text(render_html(view), encoding="utf-8")
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--no-first-run", "--no-default-browser-check", f"--user-data-dir={Path(tmp) / 'profile'}",
               "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise KbError(f"Chromium could not print the PDF: {e}") from e
    if not out.is_file() or out.stat().st_size == 0:
        raise KbError(f"Chromium did not write {out}: {done.stderr.strip()[-500:]}")
    return out
