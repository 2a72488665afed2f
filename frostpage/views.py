"""Flask views: each asks the site model for what to show and renders a template.

Views know nothing of files on disk, and nothing of which URLs exist: the route table
(``urls``) says which view answers which rule, and with which content type.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    url_for,
)

from . import diagrams, feeds, history, i18n, images
from .error_pages import render_error_page
from .errors import SiteError, SiteErrors
from .model import Site, Tag, paginate
from .page import Page, url_for_source
from .paths import MARKDOWN_SUFFIXES
from .state import current_site, site_state
from .templating import absolute_url, absolute_urls, page_url
from .urls import code_stylesheets, content_type, site_urls, url_builder, versions

LATEST_POSTS_ON_HOME = 5
# The templates frostpage's own views render: a site may not use all of them.
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
    "doc.html",
    "section.html",
    "terms.html",
    "term.html",
    "alias.html",
    "404.html",
    "manifest.webmanifest",
}


def _respond(body: str | bytes) -> Response:
    """A response with the content type the route table gives this endpoint: what a static
    host sends for the file the build writes."""
    return Response(body, mimetype=content_type(request.endpoint or ""))


def home() -> str:
    site = current_site()
    if request.path == "/" and site.language.prefix:
        # The default language has its own prefix (/en/): the site's root leads there.
        target = {"title": site.settings.title}
        return _render("alias.html", target=target, target_url=absolute_url(url_for("home")))
    intro = site.home
    if intro is not None:
        _raise_page_errors(intro)
    return _render(
        site.template_for(intro) if intro else "index.html",
        page=intro,
        posts=site.posts[:LATEST_POSTS_ON_HOME],
        section=site.sections,  # for a home page that chooses a section's template
        sidebar=None,
    )


def page(path: str) -> Any:
    site = current_site()
    url = f"/{path}/"
    if not request.path.endswith("/"):
        # A file of content/, an alias with a file name (/old/post.html), or a page URL
        # without its slash.
        source = site.shared.sources.get(path, path)
        root = site_state(current_app).root
        if source in site.files and site.published_name(source) == path:
            return send_from_directory(root / "content", source)
        copy = site.shared.copies.get(path)  # a resized copy of an image, made when asked
        if copy is not None:
            made = images.make(copy, root / "content", images.cache_folder(root))
            return send_file(made, mimetype=images.MEDIA_TYPES[copy.format])
        if f"/{path}" in site.aliases:
            return _render_alias(site.aliases[f"/{path}"])
        if url in site.by_url or url in site.aliases:
            return redirect(url_for("page", path=path), 308)
        abort(404)
    found = site.by_url.get(url)
    if found is None and url in site.aliases:
        return _render_alias(site.aliases[url])
    if found is None and url in site.made_sections:
        section = site.made_sections[url]
        return _render(
            "section.html", page=None, section=section, sidebar=site.sidebar_for(section)
        )
    if found is None or found in (site.home, site.posts_intro):
        abort(404)
    _raise_page_errors(found)
    return _render(
        site.template_for(found),
        page=found,
        section=found.section,
        sidebar=site.sidebar_for(found),
        tags=site.tags_of(found),
    )


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
    found = current_site().tag(slug)
    return _posts_of(found, number, "tag.html", "tag", {"slug": slug}, tag=found)


def _posts_of(
    found: Tag | None,
    number: int,
    template: str,
    endpoint: str,
    values: dict[str, Any],
    **context: Any,
) -> str:
    """Page ``number`` of the posts of a tag or term (404 when there is no such page)."""
    per_page = current_site().settings.posts_per_page
    pagination = paginate(found.posts, per_page, number) if found else None
    if pagination is None:
        abort(404)
    return _render(
        template,
        posts=pagination.items,
        pagination=pagination,
        endpoint=endpoint,
        endpoint_values=values,
        **context,
    )


def not_found_page() -> str:
    """The 404 page as a file: the freezer writes it to build/404.html for the host."""
    return _render("404.html")


def not_found(error: Exception) -> tuple[str, int]:
    """The site's 404 page; in the preview, a URL whose file was refused (a link out of the
    project, a file that cannot be read) says which and why."""
    if current_app.config["FROSTPAGE_DEV"]:
        refused = [e for e in current_site().errors if _is_source_of(e.path, request.path)]
        if refused:
            return render_error_page(refused, Path(current_app.root_path)), 404
    return _render("404.html"), 404


def _is_source_of(source: str, path: str) -> bool:
    """Whether the file ``source`` ('content/a.md', 'static/etc') would answer ``path``."""
    page = source.startswith("content/") and source.endswith(MARKDOWN_SUFFIXES)
    url = (
        url_for_source(source[len("content/") :]) if page else "/" + source.removeprefix("content/")
    )
    return path.rstrip("/") == url.rstrip("/") or path.startswith(url.rstrip("/") + "/")


def _feed(posts: list[Page], title: str, home_endpoint: str, **values: Any) -> feeds.Feed:
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
    return _respond(feeds.atom(feed))


def json_feed() -> Response:
    site = current_site()
    feed = _feed(site.posts, site.settings.title, "home")
    return _respond(feeds.json_feed(feed))


def rss_feed() -> Response:
    site = current_site()
    return _respond(feeds.rss(_feed(site.posts, site.settings.title, "home")))


def _tag_feed(slug: str) -> feeds.Feed:
    return _feed_of(current_site().tag(slug), "tag", slug=slug)


def terms(taxonomy: str) -> str:
    """The list of one taxonomy's terms (/categories/), with their posts."""
    site = current_site()
    return _render("terms.html", taxonomy=taxonomy, terms=site.taxonomies.get(taxonomy, []))


def term(taxonomy: str, slug: str, number: int) -> str:
    """The posts of one term (/categories/news/), a page of them at a time."""
    found = current_site().term(taxonomy, slug)
    values = {"taxonomy": taxonomy, "slug": slug}
    return _posts_of(found, number, "term.html", "term", values, taxonomy=taxonomy, term=found)


def _feed_of(found: Tag | None, endpoint: str, **values: Any) -> feeds.Feed:
    """The feed of a tag or term's posts (404 when there is none)."""
    if found is None:
        abort(404)
    title = f"{current_site().settings.title}: {found.name}"
    return _feed(found.posts, title, endpoint, **values)


def _term_feed(taxonomy: str, slug: str) -> feeds.Feed:
    found = current_site().term(taxonomy, slug)
    return _feed_of(found, "term", taxonomy=taxonomy, slug=slug)


def term_atom_feed(taxonomy: str, slug: str) -> Response:
    return _respond(feeds.atom(_term_feed(taxonomy, slug)))


def term_json_feed(taxonomy: str, slug: str) -> Response:
    return _respond(feeds.json_feed(_term_feed(taxonomy, slug)))


def term_rss_feed(taxonomy: str, slug: str) -> Response:
    return _respond(feeds.rss(_term_feed(taxonomy, slug)))


def tag_rss_feed(slug: str) -> Response:
    return _respond(feeds.rss(_tag_feed(slug)))


def tag_atom_feed(slug: str) -> Response:
    return _respond(feeds.atom(_tag_feed(slug)))


def tag_json_feed(slug: str) -> Response:
    return _respond(feeds.json_feed(_tag_feed(slug)))


def sitemap() -> Response:
    """Every URL of every language, with the date it last changed and its versions in the
    others (hreflang). A page without a date has its file's (history.last_changed); a made
    section page, the newest of its pages'. Only those files' dates are looked up, once
    per build (``file_dates``)."""
    site = current_site()
    state = site_state(current_app)
    rows = _sitemap_rows(site)
    changed = state.file_dates if state.file_dates is not None else _dates(rows, state.root)
    url_of, absolute = url_builder(), absolute_urls(site.settings)
    translated = len(site.languages) > 1
    entries = []
    for endpoint, values, modified, sources in rows:
        if modified is None:
            dates = [changed[source] for source in sources if source in changed]
            modified = max(dates, default=None)
        found = versions(site, endpoint, values) if translated else {}
        alternates = [
            (code, absolute(url_of(other, other_values)))
            for code, (other, other_values) in found.items()
        ]
        entries.append((absolute(url_of(endpoint, values)), modified, alternates))
    return _respond(feeds.sitemap(entries))


def file_dates(site: Site, root: Path) -> dict[str, dt.datetime]:
    """When each file that dates a URL of the sitemap last changed: taken once by a build,
    which keeps the last build's sitemap while they are the same."""
    return _dates(_sitemap_rows(site), root)


# A URL of the sitemap: endpoint, values, its date, or None and the files that date it.
SitemapRow = tuple[str, dict[str, Any], dt.datetime | None, list[str]]


def _sitemap_rows(site: Site) -> list[SitemapRow]:
    """The sitemap's URLs, each with its date, or with none and the files that date it."""
    return [
        (
            endpoint,
            values,
            modified,
            _sources_of(site, endpoint, values) if modified is None else [],
        )
        for endpoint, values, modified, listed in site_urls(site)
        if listed
    ]


def _dates(rows: list[SitemapRow], root: Path) -> dict[str, dt.datetime]:
    needed = sorted({source for *_, sources in rows for source in sources})
    return history.last_changed(root, needed) if needed else {}


def pages_api() -> Response:
    """Every published page and post: a small static API for other tools."""
    site = current_site()
    return _respond(feeds.pages_api(site, _api_entries(site)))


def search_index() -> Response:
    """A compact list for other tools' search: title, URL, summary and tags of each page."""
    site = current_site()
    return _respond(feeds.search_index(site, _api_entries(site)))


def _api_entries(site: Site) -> list[tuple[Page, str]]:
    listed = [page for page in site.pages if page is not site.posts_intro]
    return [(page, page_url(page, _external=True)) for page in listed]


def _sources_of(site: Site, endpoint: str, values: dict[str, Any]) -> list[str]:
    """The files that date a URL without a date of its own: a page's file, or the files
    of a made section's pages."""
    url = (
        f"/{values['path']}/"
        if endpoint == "page"
        else site.in_language(values.get("lang") or site.language.code).home_url
    )
    page = site.by_url.get(url)
    if page is not None:
        return [page.source]
    section = next((s.made_sections[url] for s in site.languages if url in s.made_sections), None)
    return [page.source for page in section.pages] if section else []


def robots() -> Response:
    return _respond(feeds.robots(absolute_url(url_for("sitemap"))))


def netlify_redirects() -> Response:
    """A forced 301 from each alias to its page, and each language's 404 page for its
    URLs (Netlify reads build/_redirects)."""
    site = current_site()
    base = site.settings.base_path
    rules = [(base + alias, page_url(target)) for alias, target in site.aliases.items()]
    # Each language's own not-found page for the URLs under its prefix.
    missing = [
        (f"{base}{other.language.prefix}/*", url_for("not_found_page", lang=other.language.code))
        for other in site.languages
        if other.language.prefix
    ]
    return _respond(feeds.redirects(rules, missing))


def netlify_headers() -> Response:
    """Long cache lifetimes for the fingerprinted files (those of static/ the pages used,
    the images beside pages, the code stylesheets), and the URLs other sites' scripts may
    read (the route table's cross-origin rows)."""
    site = current_site()
    used = site_state(current_app).fingerprinted_used
    immutable = [url_for("static", filename=name) for name in used]
    immutable += [
        url_for("file", path=name)
        for source, name in sorted(site.shared.published.items())
        if name != source
    ]
    immutable += [url_for("file", path=name) for name in site.shared.copies]
    stylesheets = code_stylesheets(site)
    immutable += [
        url_for(endpoint, version=stylesheets[scheme][1])
        for endpoint, scheme in (("highlight_css", "light"), ("highlight_dark_css", "dark"))
    ]
    shared = [
        url_for(endpoint, **values)
        for endpoint, values, _, _ in site_urls(site, only=lambda route: route.cross_origin)
    ]
    return _respond(feeds.host_headers(immutable, shared))


def code_highlight_css(version: str | None = None) -> Response:
    return _stylesheet("light", version)


def code_highlight_dark_css(version: str | None = None) -> Response:
    return _stylesheet("dark", version)


def _stylesheet(scheme: str, version: str | None) -> Response:
    """A code stylesheet, by its plain name or by the one with its current digest."""
    css, digest = code_stylesheets(current_site())[scheme]
    if version is not None and version != digest:
        abort(404)
    return _respond(css)


def diagram_file(name: str) -> Response:
    """diagrams.js or a file of the vendored Mermaid; cached for good, as its name changes
    with each release (its chunks') or its content is the same for a version (the loader)."""
    path = diagrams.files().get(name)
    if path is None:
        abort(404)
    response = send_from_directory(path.parent, path.name, mimetype="text/javascript")
    return response


def search_file(name: str) -> Response:
    """A file of the preview's search index (the build writes them into _search/)."""
    site = current_site()
    blog = i18n.lookup("Blog")
    data = site_state(current_app).search[site.language.code].file(site, name, blog)
    if data is None:
        abort(404)
    return _respond(data)


def web_manifest() -> Response:
    """The web app manifest, from the theme's template: name, icons and colours of the site."""
    text = render_template("manifest.webmanifest", config=current_site().settings)
    return _respond(text)


def static_file(filename: str) -> Response:
    """A file of static/, by its plain or its fingerprinted name; nothing outside static/."""
    assets = site_state(current_app).assets
    original = filename if assets.path(filename) else assets.original(filename)
    path = assets.path(original) if original else None
    if original is None or path is None:
        abort(404)
    response = send_from_directory(path.parent, path.name)
    if original != filename:
        response.cache_control.max_age = 31536000
        response.cache_control.public = True
        response.cache_control.immutable = True
    return response


def _raise_page_errors(page: Page) -> None:
    """A page whose front matter is wrong cannot be shown; the dev server shows why.

    A broken Markdown link is an error of the build, but the preview shows the page with
    the link marked, so the author sees where it is.
    """
    errors = page.errors
    if not errors and not current_app.config["FROSTPAGE_DEV"]:
        errors = current_site().outline(page).errors
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
