"""Flask views: each asks the site model for what to show and renders a template.

Every page URL ends in '/', so the freezer writes ``…/index.html`` and ``/about/`` and
``/about/team/`` can both exist. ``site_urls`` enumerates every URL of the site from the
model; the freezer and the sitemap both use it, so nothing depends on being linked.
Views know nothing of files on disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

import jinja2
from flask import (
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from . import feeds
from .app import site_state
from .content import Page, Site, Tag, paginate
from .errors import SiteError, SiteErrors, from_template_exception
from .hooks import from_hook_exception
from .markup import highlight_css

LATEST_POSTS_ON_HOME = 5
# The templates frostpage's own routes render: a site may not use all of them.
ENGINE_TEMPLATES = {
    "base.html",
    "index.html",
    "page.html",
    "post.html",
    "posts.html",
    "archive.html",
    "year.html",
    "tags.html",
    "tag.html",
    "alias.html",
    "404.html",
    "manifest.webmanifest",
}
# The types a static host gives these files by their names: the preview answers the same.
XML = "application/xml"
JSON = "application/json"
# One URL of the site: endpoint, values, last modified, and whether the sitemap lists it.
SiteUrl = tuple[str, dict[str, Any], dt.datetime | None, bool]


def register(app: Flask) -> None:
    """Add frostpage's routes, template helpers and error pages to ``app``."""
    # The page rule also answers without the slash (a file of content/, an alias such as
    # /old.html, or a redirect); "file" only names such URLs for url_for and the freezer.
    app.add_url_rule("/<path:path>/", "page", page, strict_slashes=False)
    app.add_url_rule("/<path:path>", "file", page, build_only=True)
    rules = [
        ("/", "home", home, {}),
        ("/posts/", "posts", posts, {"number": 1}),
        ("/posts/page/<int:number>/", "posts", posts, {}),
        ("/posts/<int:year>/", "year", year_archive, {}),
        ("/archive/", "archive", archive, {}),
        ("/tags/", "tags", tags, {}),
        ("/tags/<slug>/", "tag", tag, {"number": 1}),
        ("/tags/<slug>/page/<int:number>/", "tag", tag, {}),
        ("/feed.xml", "atom_feed", atom_feed, {}),
        ("/feed.json", "json_feed", json_feed, {}),
        ("/tags/<slug>/feed.xml", "tag_atom_feed", tag_atom_feed, {}),
        ("/tags/<slug>/feed.json", "tag_json_feed", tag_json_feed, {}),
        ("/api/pages.json", "pages_api", pages_api, {}),
        ("/search.json", "search_index", search_index, {}),
        ("/sitemap.xml", "sitemap", sitemap, {}),
        ("/robots.txt", "robots", robots, {}),
        ("/_redirects", "netlify_redirects", netlify_redirects, {}),
        ("/_headers", "netlify_headers", netlify_headers, {}),
        ("/404.html", "not_found_page", not_found_page, {}),
        ("/highlight.css", "highlight_css", code_highlight_css, {}),
        ("/highlight-dark.css", "highlight_dark_css", code_highlight_dark_css, {}),
        ("/manifest.webmanifest", "web_manifest", web_manifest, {}),
    ]
    for rule, endpoint, view, defaults in rules:
        app.add_url_rule(rule, endpoint, view, defaults=defaults or None)
    app.view_functions["static"] = static_file
    app.register_error_handler(404, not_found)
    app.register_error_handler(SiteError, site_error)
    app.register_error_handler(SiteErrors, site_error)
    app.register_error_handler(jinja2.TemplateError, template_error)
    app.register_error_handler(Exception, unexpected_error)
    app.after_request(allow_cross_origin)
    app.context_processor(template_context)
    for helper in (
        page_url,
        social_image,
        tag_url,
        site_link,
        absolute_url,
        asset_url,
        content_of,
        toc_of,
        summary_of,
        tags_of,
        neighbours,
        reading_minutes,
        is_scheduled,
    ):
        app.add_template_global(helper)
    app.jinja_env.globals["url_for"] = remembered_url_for
    app.add_template_filter(format_date, "date")
    app.add_template_filter(iso_date, "isodate")
    if app.config["FROSTPAGE_DEV"]:
        app.before_request(refresh_in_dev)
        app.before_request(show_data_errors)


def current_site() -> Site:
    return site_state(current_app).site


def refresh_in_dev() -> None:
    """In the dev server, every page request sees the files as they are now.

    When the live preview watches the files it refreshes on each change instead.
    """
    if not request.path.startswith("/static/") and not current_app.config.get("FROSTPAGE_WATCHED"):
        site_state(current_app).refresh()


# Every URL of the site ------------------------------------------------------------------


def site_urls(site: Site) -> Iterator[SiteUrl]:
    """(endpoint, values, last modified, in sitemap) for every URL the site has."""
    newest = site.posts[0].updated or site.posts[0].date if site.posts else None
    per_page = site.settings.posts_per_page
    home = site.home
    yield "home", {}, _modified(home) if home else newest, True
    for page in site.pages:
        if page.url not in ("/", "/posts/"):
            yield "page", {"path": page.url_path}, _modified(page), True
    for number in range(1, _page_count(len(site.posts), per_page) + 1):
        yield "posts", {"number": number}, newest, True
    yield "archive", {}, newest, True
    for year, year_posts in site.years:
        yield "year", {"year": year}, _modified(year_posts[0]), True
    yield "tags", {}, newest, True
    for tag in site.tags:
        for number in range(1, _page_count(len(tag.posts), per_page) + 1):
            yield "tag", {"slug": tag.slug, "number": number}, _modified(tag.posts[0]), True
        yield "tag_atom_feed", {"slug": tag.slug}, None, False
        yield "tag_json_feed", {"slug": tag.slug}, None, False
    for alias in site.aliases:
        path = alias.strip("/")
        yield ("page" if alias.endswith("/") else "file"), {"path": path}, None, False
    for name in sorted(site.files):
        yield "file", {"path": name}, None, False
    for endpoint in ("atom_feed", "json_feed", "pages_api", "search_index", "sitemap", "robots"):
        yield endpoint, {}, None, False
    yield "highlight_css", {}, None, False
    yield "highlight_dark_css", {}, None, False
    yield "web_manifest", {}, None, False
    yield "netlify_redirects", {}, None, False
    yield "not_found_page", {}, None, False


def _modified(page: Page) -> dt.datetime | None:
    return page.updated or page.date


def _page_count(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


# Pages ----------------------------------------------------------------------------------


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


def page(path: str) -> Any:
    site = current_site()
    url = f"/{path}/"
    if not request.path.endswith("/"):
        # A file of content/, an alias with a file name (/old/post.html), or a page URL
        # without its slash.
        if path in site.files:
            return send_from_directory(site_state(current_app).root / "content", path)
        if f"/{path}" in site.aliases:
            return _render_alias(site.aliases[f"/{path}"])
        if url in site.by_url or url in site.aliases:
            return redirect(url_for("page", path=path), 308)
        abort(404)
    found = site.by_url.get(url)
    if found is None and url in site.aliases:
        return _render_alias(site.aliases[url])
    if found is None or found in (site.home, site.posts_intro):
        abort(404)
    _raise_page_errors(found)
    return _render(found.template_name, page=found, tags=site.tags_of(found))


def _render_alias(target: Page) -> str:
    return _render("alias.html", target=target, target_url=page_url(target, _external=True))


def posts(number: int) -> str:
    site = current_site()
    pagination = paginate(site.posts, site.settings.posts_per_page, number)
    if pagination is None:
        abort(404)
    intro = site.posts_intro if number == 1 else None
    if intro is not None:
        _raise_page_errors(intro)
    return _render(
        "posts.html",
        page=intro,
        posts=pagination.items,
        pagination=pagination,
        endpoint="posts",
        endpoint_values={},
    )


def year_archive(year: int) -> str:
    year_posts = current_site().posts_of_year(year)
    if not year_posts:
        abort(404)
    return _render("year.html", year=year, posts=year_posts)


def archive() -> str:
    return _render("archive.html", years=current_site().years)


def tags() -> str:
    return _render("tags.html", tags=current_site().tags)


def tag(slug: str, number: int) -> str:
    site = current_site()
    found = site.tag(slug)
    pagination = paginate(found.posts, site.settings.posts_per_page, number) if found else None
    if pagination is None:
        abort(404)
    return _render(
        "tag.html",
        tag=found,
        posts=pagination.items,
        pagination=pagination,
        endpoint="tag",
        endpoint_values={"slug": slug},
    )


def not_found_page() -> str:
    """The 404 page as a file: the freezer writes it to build/404.html for the host."""
    return _render("404.html")


def not_found(error: Exception) -> tuple[str, int]:
    return _render("404.html"), 404


# Feeds and files for machines -------------------------------------------------------------


def _feed(posts: list[Page], title: str, home_endpoint: str, **values: str) -> feeds.Feed:
    site = current_site()
    settings = site.settings
    return feeds.Feed(
        title=title,
        home_url=absolute_url(url_for(home_endpoint, **values)),
        feed_url=absolute_url(request.script_root + request.path),
        description=settings.description,
        language=settings.language,
        author=settings.author,
        entries=feeds.feed_entries(site, posts, lambda post: page_url(post, _external=True)),
    )


def atom_feed() -> Response:
    site = current_site()
    feed = _feed(site.posts, site.settings.title, "home")
    return Response(feeds.atom(feed), mimetype=XML)


def json_feed() -> Response:
    site = current_site()
    feed = _feed(site.posts, site.settings.title, "home")
    return Response(feeds.json_feed(feed), mimetype=JSON)


def _tag_feed(slug: str) -> feeds.Feed:
    site = current_site()
    found = site.tag(slug)
    if found is None:
        abort(404)
    title = f"{site.settings.title}: {found.name}"
    return _feed(found.posts, title, "tag", slug=slug)


def tag_atom_feed(slug: str) -> Response:
    return Response(feeds.atom(_tag_feed(slug)), mimetype=XML)


def tag_json_feed(slug: str) -> Response:
    return Response(feeds.json_feed(_tag_feed(slug)), mimetype=JSON)


def sitemap() -> Response:
    entries = [
        (absolute_url(url_for(endpoint, **values)), modified)
        for endpoint, values, modified, listed in site_urls(current_site())
        if listed
    ]
    return Response(feeds.sitemap(entries), mimetype=XML)


def pages_api() -> Response:
    """Every published page and post: a small static API for other tools."""
    site = current_site()
    return Response(feeds.pages_api(site, _api_entries(site)), mimetype=JSON)


def search_index() -> Response:
    """A compact index for client-side search: title, URL, tags and the words of each page."""
    site = current_site()
    return Response(feeds.search_index(site, _api_entries(site)), mimetype=JSON)


def _api_entries(site: Site) -> list[tuple[Page, str]]:
    listed = [page for page in site.pages if page is not site.posts_intro]
    return [(page, page_url(page, _external=True)) for page in listed]


# Paths other sites may read from a browser; netlify.toml sends the same header on them.
CROSS_ORIGIN_PATHS = ("/api/", "/search.json", "/feed.xml", "/feed.json")


def allow_cross_origin(response: Response) -> Response:
    path = request.path
    if path.startswith(CROSS_ORIGIN_PATHS) or (
        path.startswith("/tags/") and path.endswith(("/feed.xml", "/feed.json"))
    ):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def robots() -> Response:
    return Response(feeds.robots(absolute_url(url_for("sitemap"))), mimetype="text/plain")


def netlify_redirects() -> Response:
    """A forced 301 from each alias to its page (Netlify reads build/_redirects)."""
    site = current_site()
    base = site.settings.base_path
    rules = [(base + alias, page_url(target)) for alias, target in site.aliases.items()]
    return Response(feeds.redirects(rules), mimetype="application/octet-stream")


def netlify_headers() -> Response:
    """Long cache lifetimes for the fingerprinted files the pages used."""
    used = site_state(current_app).fingerprinted_used
    paths = [url_for("static", filename=name) for name in used]
    return Response(feeds.immutable_headers(paths), mimetype="application/octet-stream")


def code_highlight_css() -> Response:
    css = highlight_css(current_site().settings.markdown.highlight_style)
    return Response(css, mimetype="text/css")


def code_highlight_dark_css() -> Response:
    settings = current_site().settings.markdown
    css = highlight_css(settings.highlight_style_dark, over=settings.highlight_style)
    return Response(css, mimetype="text/css")


def web_manifest() -> Response:
    """The web app manifest, from the theme's template: name, icons and colours of the site."""
    text = render_template("manifest.webmanifest", config=current_site().settings)
    return Response(text, mimetype="application/manifest+json")


def static_file(filename: str) -> Response:
    """A file of static/, by its plain or its fingerprinted name; nothing outside static/."""
    assets = site_state(current_app).assets
    if any(part.startswith(".") for part in filename.split("/")):
        abort(404)
    original = filename if assets.path(filename) else assets.original(filename)
    if original is None:
        abort(404)
    response = send_from_directory(assets.folder, original)
    if original != filename:
        response.cache_control.max_age = 31536000
        response.cache_control.public = True
        response.cache_control.immutable = True
    return response


# Errors ---------------------------------------------------------------------------------


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
    errors = error.errors if isinstance(error, SiteErrors) else [error]
    return render_error_page(errors, Path(current_app.root_path)), 500


def show_data_errors() -> None:
    """A malformed data file is shown on every page of the preview until it is fixed."""
    errors = site_state(current_app).data_errors
    if errors and not request.path.startswith("/static/"):
        raise SiteErrors(errors)


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
    converted = from_template_exception(error, current_app.root_path) or SiteError(
        "templates/", None, str(error)
    )
    return site_error(converted)


def render_error_page(errors: list[SiteError], root: Path) -> str:
    """A page built without the site's templates, which may be the broken part.

    Each error comes with a few lines of its file around the line it names.
    """
    text = "\n\n".join(str(error) + source_excerpt(error, root) for error in errors)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>frostpage: error</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body style="font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;'
        'padding:0 1rem"><main><h1>This page has an error</h1>'
        f'<pre class="frostpage-error" style="white-space:pre-wrap;background:#fff0f0;'
        f'color:#600;padding:1rem;border-left:4px solid #c00">{escape(text)}</pre>'
        "<p>Fix the file and save: this page reloads by itself. The rest of the site is "
        "still served.</p></main></body></html>"
    )


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


# Template helpers -------------------------------------------------------------------------


def template_context() -> dict[str, Any]:
    state = site_state(current_app)
    site = state.site
    return {
        "site": site,
        "config": site.settings,
        "data": state.data,
        "dev": current_app.config["FROSTPAGE_DEV"],
    }


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


def reading_minutes(page: Page) -> int:
    return current_site().reading_minutes(page)


def is_scheduled(page: Page) -> bool:
    return current_site().is_scheduled(page)


def remembered_url_for(endpoint: str, **values: Any) -> str:
    """url_for, remembered: every page asks for the same links (nav, feeds, lists, tags),
    and the URL map and base path do not change while the app runs."""
    if any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)  # _external and the like depend on the request
    key = (request.script_root, endpoint, *sorted(values.items()))
    urls = site_state(current_app).urls
    try:
        return urls[key]
    except KeyError:
        urls[key] = url = url_for(endpoint, **values)
        return url
    except TypeError:  # a list of values cannot be a key: asked each time
        return url_for(endpoint, **values)


def page_url(page: Page, _external: bool = False) -> str:
    """The URL of a page or post, through url_for, so the base path is always applied."""
    if page.url == "/":
        url = remembered_url_for("home")
    elif page.url == "/posts/":
        url = remembered_url_for("posts")
    else:
        url = remembered_url_for("page", path=page.url_path)
    return absolute_url(url) if _external else url


def social_image(page: Page | None) -> str | None:
    """The absolute URL of a page's ``image:`` for link previews (Open Graph), if it has one."""
    url = current_site().image_url(page) if page else None
    if url is None or "://" in url:
        return url
    return absolute_url(site_link(quote(url)))


def tag_url(tag: Tag) -> str:
    return remembered_url_for("tag", slug=tag.slug)


def site_link(url: str) -> str:
    """A root-relative link from the config ('/docs/') with the site's base path."""
    return request.script_root + url if url.startswith("/") else url


def asset_url(filename: str) -> str:
    """A static file's URL: fingerprinted in the build (cacheable forever), plain in preview."""
    state = site_state(current_app)
    if not state.dev:
        fingerprinted = state.assets.fingerprinted(filename)
        if fingerprinted is not None:
            state.fingerprinted_used.add(fingerprinted)
            return remembered_url_for("static", filename=fingerprinted)
    return remembered_url_for("static", filename=filename)


def absolute_url(url: str) -> str:
    """``/blog/about/`` → ``https://example.org/blog/about/`` using the configured base URL."""
    settings = current_site().settings
    path = url[len(settings.base_path) :] if url.startswith(settings.base_path + "/") else url
    return urljoin(settings.base_url, path.lstrip("/"))


def format_date(value: dt.datetime | None, format: str | None = None) -> str:
    if value is None:
        return ""
    return value.strftime(format or current_site().settings.date_format)


def iso_date(value: dt.datetime | None) -> str:
    return value.isoformat() if value else ""
