"""Errors in the preview: the page shows what is wrong, with the lines of the file around it.

In a build there is no one to show a page to: each handler raises, and the build reports
the error with its file and line. The error page is built without the site's templates,
which may be the broken part.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from string import Template
from typing import Any

import jinja2
from flask import current_app, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from .errors import SiteError, SiteErrors, from_template_exception
from .hooks import from_hook_exception
from .state import site_state

ERROR_PAGE = Template(
    importlib.resources.files("frostpage").joinpath("error.html").read_text("utf-8")
)


def site_error(error: SiteError | SiteErrors) -> tuple[str, int]:
    """Show the error in the browser and the terminal; the rest of the site keeps working.

    In a build there is no one to show a page to: the error stops the build.
    """
    if not current_app.config["FROSTPAGE_DEV"]:
        raise error
    current_app.logger.error("%s", error)
    errors = error.errors if isinstance(error, SiteErrors) else [error]
    return render_error_page(errors, Path(current_app.root_path)), 500


def show_site_errors() -> tuple[str, int] | None:
    """What stops a build of the whole site is shown on every page of the preview until it
    is fixed: a malformed data file, and what the consistency checks find (two pages with
    one URL, a URL of the engine's, an alias or image that cannot be). The checks run at
    the first request after the model is made again (a front matter or a file changed)."""
    state = site_state(current_app)
    if request.path.startswith("/static/"):
        return None
    errors = state.data_errors + state.site.shared.conflicts
    if not errors:
        return None
    current_app.logger.error("%s", SiteErrors(errors))
    return render_error_page(errors, Path(current_app.root_path), whole_site=True), 500


def unexpected_error(error: Exception) -> Any:
    """Any other exception. The preview shows it, never a bare 500: at its line when it
    comes from site/hooks.py, else whole (and its traceback in the terminal). A build
    raises it, and the build names its source."""
    if isinstance(error, HTTPException):
        return error
    if not current_app.config["FROSTPAGE_DEV"]:
        raise error
    converted = from_hook_exception(error, Path(current_app.root_path))
    if converted is None:
        current_app.logger.exception("frostpage could not answer %s", request.path)
        converted = SiteError(
            request.path,
            None,
            f"frostpage failed: {type(error).__name__}: {error}",
            "this is frostpage's fault, not yours: please report it with the traceback"
            " shown in the terminal",
        )
    return site_error(converted)


def template_error(error: jinja2.TemplateError) -> tuple[str, int]:
    if not current_app.config["FROSTPAGE_DEV"]:
        raise error
    themes = site_state(current_app).themes
    converted = from_template_exception(error, current_app.root_path, themes) or SiteError(
        "templates/", None, str(error)
    )
    return site_error(converted)


def render_error_page(errors: list[SiteError], root: Path, whole_site: bool = False) -> str:
    """A page built without the site's templates, which may be the broken part.

    Each error comes with a few lines of its file around the line it names. An error of
    the ``whole_site`` (its settings, data, two pages with one URL) shows on every page.
    """
    text = "\n\n".join(str(error) + source_excerpt(error, root) for error in errors)
    if whole_site:
        heading, rest = "The site has an error", "Until then every page shows it."
    else:
        heading, rest = "This page has an error", "The rest of the site is still served."
    return ERROR_PAGE.substitute(errors=escape(text), heading=heading, rest=rest)


def source_excerpt(error: SiteError, root: Path, context: int = 2) -> str:
    """Lines around ``error.line`` of its file, the line itself marked with '>'."""
    if not error.line:
        return ""
    try:
        lines = (root / error.path).read_text("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    first = max(1, error.line - context)
    last = min(len(lines), error.line + context)
    width = len(str(last))
    shown = [
        f"{'>' if number == error.line else ' '} {number:>{width}} | {lines[number - 1]}"
        for number in range(first, last + 1)
    ]
    return "\n\n" + "\n".join(shown) if shown else ""
