"""Flask views: each asks the site model for what to show and renders a template.

Every page URL ends in '/', so the freezer writes ``…/index.html`` and ``/about/`` and
``/about/team/`` can both exist. Views know nothing of files on disk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urljoin

import jinja2
from flask import Flask, Response, abort, current_app, render_template, request, url_for
from markupsafe import Markup, escape

from .app import site_state
from .content import Page, Site, Tag
from .errors import SiteError, SiteErrors, from_template_exception
from .markup import highlight_css

LATEST_POSTS_ON_HOME = 5


def register(app: Flask) -> None:
    """Add frostpage's routes, template helpers and error pages to ``app``."""
    app.add_url_rule("/", "home", home)
    app.add_url_rule("/<path:path>/", "page", page)
    app.add_url_rule("/posts/", "posts", posts)
    app.add_url_rule("/tags/", "tags", tags)
    app.add_url_rule("/tags/<slug>/", "tag", tag)
    app.add_url_rule("/404.html", "not_found_page", not_found_page)
    app.add_url_rule("/highlight.css", "highlight_css", code_highlight_css)
    app.register_error_handler(404, not_found)
    app.register_error_handler(SiteError, site_error)
    app.register_error_handler(SiteErrors, site_error)
    app.register_error_handler(jinja2.TemplateError, template_error)
    app.context_processor(template_context)
    for helper in (page_url, tag_url, site_link, absolute_url, content_of, toc_of, summary_of):
        app.add_template_global(helper)
    app.add_template_global(tags_of)
    app.add_template_global(neighbours)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(iso_date, "isodate")
    if app.config["FROSTPAGE_DEV"]:
        app.before_request(refresh_in_dev)


def current_site() -> Site:
    return site_state(current_app).site


def refresh_in_dev() -> None:
    """In the dev server, every page request sees the files as they are now."""
    if not request.path.startswith("/static/"):
        site_state(current_app).refresh()


def home() -> str:
    site = current_site()
    intro = site.home
    if intro is not None:
        _raise_page_errors(intro)
    return _render(
        intro.template_name if intro else "index.html",
        page=intro,
        posts=site.posts[:LATEST_POSTS_ON_HOME],
    )


def page(path: str) -> str:
    site = current_site()
    found = site.by_url.get(f"/{path}/")
    if found is None or found in (site.home, site.posts_intro):
        abort(404)
    _raise_page_errors(found)
    return _render(found.template_name, page=found, tags=site.tags_of(found))


def posts() -> str:
    site = current_site()
    intro = site.posts_intro
    if intro is not None:
        _raise_page_errors(intro)
    return _render("posts.html", page=intro, posts=site.posts)


def tags() -> str:
    return _render("tags.html", tags=current_site().tags)


def tag(slug: str) -> str:
    found = current_site().tag(slug)
    if found is None:
        abort(404)
    return _render("tag.html", tag=found, posts=found.posts)


def not_found_page() -> str:
    """The 404 page as a file: the freezer writes it to build/404.html for the host."""
    return _render("404.html")


def not_found(error: Exception) -> tuple[str, int]:
    return _render("404.html"), 404


def code_highlight_css() -> Response:
    settings = current_site().settings.markdown
    css = highlight_css(settings.highlight_style, settings.highlight_style_dark)
    return Response(css, mimetype="text/css")


def _raise_page_errors(page: Page) -> None:
    """A page whose front matter is wrong cannot be shown; the dev server shows why.

    A broken Markdown link is an error of the build, but the preview shows the page with
    the link marked, so the author sees where it is.
    """
    errors = page.errors
    if not errors and not current_app.config["FROSTPAGE_DEV"]:
        errors = current_site().render(page).errors
    if errors:
        raise SiteErrors(errors)


def _render(template: str, **context: Any) -> str:
    page = context.get("page")
    try:
        return render_template(template, **context)
    except jinja2.TemplateNotFound as error:
        if page is not None and page.template and error.name == page.template:
            raise SiteError(
                page.file,
                page.meta_line("template"),
                f"unknown template '{page.template}'",
                f"templates are: {', '.join(sorted(current_app.jinja_env.list_templates()))}",
            ) from None
        raise


def site_error(error: SiteError | SiteErrors) -> tuple[str, int]:
    """Show the error in the browser and the terminal; the rest of the site keeps working.

    In a build there is no one to show a page to: the error stops the build.
    """
    if not current_app.config["FROSTPAGE_DEV"]:
        raise error
    current_app.logger.error("%s", error)
    return render_error_page(str(error)), 500


def template_error(error: jinja2.TemplateError) -> tuple[str, int]:
    if not current_app.config["FROSTPAGE_DEV"]:
        raise error
    converted = from_template_exception(error, current_app.root_path) or SiteError(
        "templates/", None, str(error)
    )
    return site_error(converted)


def render_error_page(text: str) -> str:
    """A page built without the site's templates, which may be the broken part."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>frostpage: error</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body style="font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;'
        'padding:0 1rem"><main><h1>This page has an error</h1>'
        f'<pre class="frostpage-error" style="white-space:pre-wrap;background:#fff0f0;'
        f'color:#600;padding:1rem;border-left:4px solid #c00">{escape(text)}</pre>'
        "<p>Fix the file and reload; the rest of the site is still served.</p></main></body></html>"
    )


def template_context() -> dict[str, Any]:
    site = current_site()
    return {"site": site, "config": site.settings, "dev": current_app.config["FROSTPAGE_DEV"]}


def content_of(page: Page) -> Markup:
    """The page's body as HTML."""
    return Markup(current_site().render(page).html)


def toc_of(page: Page) -> Markup:
    """The page's table of contents as a nested list ('' when it has no headings)."""
    return Markup(current_site().render(page).toc_html)


def summary_of(page: Page) -> str:
    return current_site().summary(page)


def tags_of(page: Page) -> list[Tag]:
    return current_site().tags_of(page)


def neighbours(post: Page) -> tuple[Page | None, Page | None]:
    return current_site().neighbours(post)


def page_url(page: Page, _external: bool = False) -> str:
    """The URL of a page or post, through url_for, so the base path is always applied."""
    if page.url == "/":
        url = url_for("home")
    elif page.is_post or page.url != "/posts/":
        url = url_for("page", path=page.url_path)
    else:
        url = url_for("posts")
    return absolute_url(url) if _external else url


def site_link(url: str) -> str:
    """A root-relative link from the config ('/docs/') with the site's base path."""
    return request.script_root + url if url.startswith("/") else url


def tag_url(tag: Tag) -> str:
    return url_for("tag", slug=tag.slug)


def absolute_url(url: str) -> str:
    """``/blog/about/`` → ``https://example.org/blog/about/`` using the configured base URL."""
    settings = current_site().settings
    base = settings.base_url
    path = url[len(settings.base_path) :] if url.startswith(settings.base_path + "/") else url
    return urljoin(base, path.lstrip("/"))


def format_date(value: dt.datetime | None, format: str | None = None) -> str:
    if value is None:
        return ""
    return value.strftime(format or current_site().settings.date_format)


def iso_date(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""
