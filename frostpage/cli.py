"""The ``frostpage`` command: serve, build, check, new and init.

Authors see their mistakes as ``path:line: message`` lines and a non-zero exit, never a
Python traceback (unless ``--debug`` asks for one). Messages go through the ``frostpage``
logger: to the terminal, and with ``--log-file`` to a rotated file as well.
"""

from __future__ import annotations

import atexit
import datetime as dt
import ipaddress
import json
import logging
import logging.handlers
import os
import sys
from pathlib import Path
from typing import Any

import click

from .errors import SiteError, SiteErrors, format_errors
from .links import check_links
from .page import slugify
from .paths import url_problem
from .starter import create_site
from .version import VERSION

log = logging.getLogger("frostpage")


def _fail(error: SiteError | SiteErrors) -> None:
    errors = error.errors if isinstance(error, SiteErrors) else [error]
    log.error("%s", format_errors(errors))
    sys.exit(1)


class _TerminalHandler(logging.Handler):
    """Errors and warnings to stderr, the rest to stdout, as plain lines."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=record.levelno >= logging.WARNING)


def _set_up_logging(quiet: bool, verbose: bool, log_file: Path | None) -> None:
    for handler in log.handlers:
        handler.close()  # a log file of an earlier run in this process
    log.handlers.clear()
    log.propagate = False
    terminal = _TerminalHandler()
    terminal.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)
    log.addHandler(terminal)
    if log_file is not None:
        to_file = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(to_file)
    # What no handler shows is not even made: a line per URL of a big site took a tenth of
    # a second.
    log.setLevel(min(handler.level or logging.DEBUG for handler in log.handlers))


@click.group()
@click.version_option(VERSION, prog_name="frostpage")
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=".",
    help="The site's folder (holding content/, templates/, site/).",
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@click.option("--quiet", "-q", is_flag=True, help="Only errors and warnings.")
@click.option("--verbose", "-v", is_flag=True, help="Also every URL as it is written.")
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the log to this file (rotated at 1 MB, 3 kept).",
)
@click.pass_context
def main(
    context: click.Context,
    root: Path,
    debug: bool,
    quiet: bool,
    verbose: bool,
    log_file: Path | None,
) -> None:
    """frostpage: a static site generator built on Flask."""
    _set_up_logging(quiet, verbose, log_file)
    context.obj = {"root": root.resolve(), "debug": debug, "quiet": quiet, "verbose": verbose}


def run(arguments: list[str] | None = None) -> None:
    """The ``frostpage`` program: ``main`` with ``arguments`` (else the command line's),
    then an exit without Python's own shutdown, which frees every object of a big site one
    by one (a fifth of a second after a build of 10,000 pages). The exit handlers
    registered after this one still run first (worker pools, temporary folders), and the
    log is flushed."""
    code: list[int] = []

    def leave() -> None:
        if code:
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code[0])

    atexit.register(leave)
    try:
        main(arguments)
    except SystemExit as exit:
        if exit.code is None or isinstance(exit.code, int):
            code.append(exit.code or 0)
        raise


def _run(context: click.Context, action):
    """Run ``action``, turning author errors into messages (tracebacks only with --debug)."""
    try:
        return action()
    except (SiteError, SiteErrors) as error:
        if context.obj["debug"]:
            raise
        _fail(error)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.pass_context
def serve(context: click.Context, host: str, port: int) -> None:
    """Preview the site, drafts included; open tabs reload by themselves on every save."""
    from werkzeug.serving import run_simple

    from .live import LivePreview

    preview = LivePreview(context.obj["root"], host=host)
    preview.start_watching()
    loopback = _is_loopback(host)
    log.info("Serving %s at http://%s:%s/ (Ctrl+C to stop)", context.obj["root"].name, host, port)
    run_simple(
        host,
        port,
        preview,
        use_reloader=False,
        use_debugger=context.obj["debug"] and loopback,
        threaded=True,
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The built folder to serve (build/ by default).",
)
@click.pass_context
def preview(context: click.Context, host: str, port: int, output: Path | None) -> None:
    """Serve the built site as Netlify serves it: its redirects, headers and 404 page."""
    from werkzeug.serving import run_simple

    from .build import output_folder
    from .hosting import load_host

    root = context.obj["root"]
    folder = output_folder(root, output)

    def load() -> Any:
        if not (folder / "index.html").is_file():
            raise SiteError(f"{folder.name}/", None, "holds no built site", "run `make build`")
        return load_host(folder, root)

    site = _run(context, load)
    for rule in site.not_previewed:
        log.warning("%s: not previewed (conditions, query or another site)", rule)
    log.info(
        "Serving %s/ as Netlify would at http://%s:%s/ (Ctrl+C to stop)", folder.name, host, port
    )
    run_simple(host, port, site, use_reloader=False, threaded=True)


class _ProgressBar:
    """One click progress bar per step of the build, showing the item being worked on."""

    def __init__(self) -> None:
        self.step: str | None = None
        self.bar: Any = None

    def __call__(self, step: str, done: int, total: int, item: str) -> None:
        if step != self.step:
            self.close()
            self.step = step
            self.bar = click.progressbar(
                length=total, label=f"{step:<9}", item_show_func=lambda shown: shown
            )
            self.bar.__enter__()
        self.bar.length = total
        self.bar.update(done - self.bar.pos, item)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _progress_log(step: str, done: int, total: int, item: str) -> None:
    if step == "Writing":
        log.debug("wrote %s", item)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@main.command()
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--future", is_flag=True, help="Include posts dated in the future.")
@click.option("--force", is_flag=True, help="Build into a folder that looks unsafe to replace.")
@click.option(
    "--full", is_flag=True, help="Write every URL again, keeping nothing of the last build."
)
@click.option(
    "--relative", is_flag=True, help="Links relative to each page: build/ works from any folder."
)
@click.pass_context
def build(
    context: click.Context,
    output: Path | None,
    future: bool,
    force: bool,
    full: bool,
    relative: bool,
) -> None:
    """Freeze the whole site into build/ (or --output), all or nothing."""
    from .build import build as build_site

    show_bar = sys.stdout.isatty() and not context.obj["quiet"] and not context.obj["verbose"]
    reporter = _ProgressBar() if show_bar else _progress_log
    try:
        result = _run(
            context,
            lambda: build_site(
                context.obj["root"],
                output,
                include_future=True if future else None,
                force=force,
                full=full,
                relative=relative,
                progress=reporter,
                waiting=lambda: log.warning("Another build of this site is running: waiting."),
            ),
        )
    finally:
        if isinstance(reporter, _ProgressBar):
            reporter.close()
    for warning in result.warnings:
        log.warning("warning: %s", warning)
    log.info("%s", result.summary())


@main.command()
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.pass_context
def check(context: click.Context, output: Path | None) -> None:
    """Check every internal link of an existing build."""
    from .config import load_settings

    root = context.obj["root"]
    folder = output or root / "build"
    if not folder.is_dir():
        _fail(SiteError(str(folder), None, "there is no build to check", "run 'make build' first"))
    settings, _ = _run(context, lambda: load_settings(root))
    broken, _ = check_links(folder, settings.base_url)
    for link in broken:
        hint = f" (did you mean {link.suggestion}?)" if link.suggestion else ""
        log.error(
            "%s/%s: broken link '%s': %s%s", folder.name, link.file, link.target, link.reason, hint
        )
    if broken:
        log.error("\n%d broken link(s)", len(broken))
        sys.exit(1)
    log.info("All links in %s/ resolve.", folder.name)


@main.command()
@click.argument("title")
@click.option("--section", default="posts", show_default=True, help="Folder under content/.")
@click.option("--slug", help="The file's name (default: from the title).")
@click.option(
    "--language",
    help="One of the site's languages: the file is named <slug>.<language>.md, the "
    "translation of <slug>.md.",
)
@click.pass_context
def new(
    context: click.Context, title: str, section: str, slug: str | None, language: str | None
) -> None:
    """Start a new post (a draft) in content/posts/<slug>.md (<slug>.fr.md in French)."""
    root = context.obj["root"]
    if not title.strip():
        _fail(SiteError("new", None, "a title is needed", 'make new title="My post"'))
    marker = _language_marker(context, language) if language is not None else ""
    section = section.rstrip("/")
    if problem := url_problem(f"/{section}/"):
        _fail(SiteError("--section", None, f"{section!r} {problem}", "name a folder of content/"))
    name = slugify(slug or title)
    if not name:
        _fail(
            SiteError(
                "new",
                None,
                f"{slug or title!r} has no letter or digit to name the file after",
                'give the file a name: frostpage new "???" --slug questions'
                " (make new title=... slug=...)",
            )
        )
    file = f"{section}/{name}{marker}.md"
    if problem := url_problem(f"/{file}"):
        _fail(SiteError("new", None, f"content/{file} {problem}", "give a --slug"))
    path = root / "content" / file
    if path.exists():
        _fail(SiteError(str(path.relative_to(root)), None, "already exists"))
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = json.dumps(title, ensure_ascii=False)  # a YAML double-quoted string
    today = dt.date.today().isoformat()
    path.write_text(
        f"---\ntitle: {quoted}\ndate: {today}\ntags: []\ndraft: true\n---\n\nWrite here.\n",
        encoding="utf-8",
    )
    log.info("Created %s", path.relative_to(root))


def _language_marker(context: click.Context, language: str) -> str:
    """What a new file's name has before '.md' to be in ``language``: '.fr' for French,
    nothing for the site's default language (as Hugo and Zola name translations)."""
    from .config import load_settings
    from .languages import codes

    settings, _ = _run(context, lambda: load_settings(context.obj["root"]))
    known = codes(settings)
    if language not in known:
        _fail(
            SiteError(
                "--language",
                None,
                f"{language!r} is not a language of the site ({', '.join(known)})",
                f"declare it in site/config.toml as [languages.{language}], or name one of those",
            )
        )
    return "" if language == known[0] else f".{language}"


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--with-templates",
    is_flag=True,
    help="Copy the default theme's templates/ and static/ into the site, to edit them.",
)
def init(folder: Path, with_templates: bool) -> None:
    """Start a new site in FOLDER: settings, pages, Makefile, netlify.toml."""
    if folder.exists() and any(folder.iterdir()):
        _fail(SiteError(str(folder), None, "is not empty", "choose a new folder"))
    create_site(folder, with_templates)
    log.info("Created a new site in %s. Next: cd %s && make serve", folder, folder)
