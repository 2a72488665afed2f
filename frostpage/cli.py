"""The ``frostpage`` command: serve, build, check and new.

Authors see their mistakes as ``path:line: message`` lines and a non-zero exit, never a
Python traceback (unless ``--debug`` asks for one).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import sys
from pathlib import Path

import click

from .content import slugify
from .errors import SiteError, SiteErrors, format_errors
from .links import check_links


def _fail(error: SiteError | SiteErrors) -> None:
    errors = error.errors if isinstance(error, SiteErrors) else [error]
    click.echo(format_errors(errors), err=True)
    sys.exit(1)


@click.group()
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="The site's folder (holding content/, templates/, site/).",
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@click.pass_context
def main(context: click.Context, root: Path, debug: bool) -> None:
    """frostpage: a static site generator built on Flask."""
    context.obj = {"root": root.resolve(), "debug": debug}


def _run(context: click.Context, action):  # noqa: ANN001, ANN202
    """Run ``action``, turning author errors into messages (tracebacks only with --debug)."""
    try:
        return action()
    except (SiteError, SiteErrors) as error:
        if context.obj["debug"]:
            raise
        _fail(error)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def serve(context: click.Context, host: str, port: int) -> None:
    """Preview the site, drafts included; open tabs reload by themselves on every save."""
    from werkzeug.serving import run_simple

    from .live import LivePreview

    preview = LivePreview(context.obj["root"])
    preview.start_watching()
    loopback = _is_loopback(host)
    click.echo(f"Serving {context.obj['root'].name} at http://{host}:{port}/ (Ctrl+C to stop)")
    run_simple(
        host,
        port,
        preview,
        use_reloader=False,
        use_debugger=context.obj["debug"] and loopback,
        threaded=True,
    )


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
@click.pass_context
def build(context: click.Context, output: Path | None, future: bool, force: bool) -> None:
    """Freeze the whole site into build/ (or --output), all or nothing."""
    from .build import build as build_site

    result = _run(
        context,
        lambda: build_site(
            context.obj["root"], output, include_future=True if future else None, force=force
        ),
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(result.summary())


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
    broken = check_links(folder, settings.base_url)
    for link in broken:
        hint = f" (did you mean {link.suggestion}?)" if link.suggestion else ""
        click.echo(f"{folder.name}/{link.file}: broken link '{link.target}': {link.reason}{hint}")
    if broken:
        click.echo(f"\n{len(broken)} broken link(s)", err=True)
        sys.exit(1)
    click.echo(f"All links in {folder.name}/ resolve.")


@main.command()
@click.argument("title")
@click.option("--section", default="posts", show_default=True, help="Folder under content/.")
@click.pass_context
def new(context: click.Context, title: str, section: str) -> None:
    """Start a new post (a draft) in content/posts/<slug>.md."""
    if not title.strip():
        _fail(SiteError("new", None, "a title is needed", 'make new title="My post"'))
    slug = slugify(title)
    path = context.obj["root"] / "content" / section / f"{slug}.md"
    if path.exists():
        _fail(SiteError(str(path.relative_to(context.obj["root"])), None, "already exists"))
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    today = dt.date.today().isoformat()
    path.write_text(
        f'---\ntitle: "{quoted}"\ndate: {today}\ntags: []\ndraft: true\n---\n\nWrite here.\n',
        encoding="utf-8",
    )
    click.echo(f"Created {path.relative_to(context.obj['root'])}")
