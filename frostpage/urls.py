"""The engine's own URLs, declared once: a table that route registration, URL enumeration,
the reserved-URL check, the freezer and the headers all read.

Each row is one Werkzeug rule. ``urls`` enumerates the values of every URL the rule has on
a site (with the date it last changed, for the sitemap); the freezer writes exactly those,
so nothing depends on being linked. A new kind of page is one row here and its view.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from urllib.parse import quote

from flask import url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, Map, MapAdapter, Rule

from . import diagrams
from .config import Settings
from .highlighting import stylesheets
from .languages import codes, url_prefix

if TYPE_CHECKING:
    from .model import Site
    from .page import Page

HTML = "text/html"
XML = "application/xml"  # what a static host sends for .xml
JSON = "application/json"
OCTETS = "application/octet-stream"  # _redirects and _headers have no extension
TEXT = "text/plain"
CSS = "text/css"
MANIFEST = "application/manifest+json"
JAVASCRIPT = "text/javascript"

# (values, last modified) of each URL of a rule.
Values = tuple[dict[str, Any], dt.datetime | None]
Enumerator = Callable[["Site"], Iterator[Values]]


@dataclass(frozen=True)
class Route:
    """One URL rule of the engine."""

    rule: str
    endpoint: str
    what: str  # what it shows, for messages: "its URL is reserved for <what>"
    view: str  # the function of views.py that answers (a build-only rule's: the page view)
    urls: Enumerator | None = None  # None: enumerated by another row of the same endpoint
    defaults: dict[str, Any] = field(default_factory=dict)
    content_type: str = HTML
    sitemap: bool = False  # listed in /sitemap.xml
    cross_origin: bool = False  # other sites' scripts may read it (Access-Control-Allow-Origin)
    reusable: bool = True  # a rebuild may keep its file when the pages it read are unchanged
    # It shows when files last changed (history.last_changed): kept only while those dates
    # are as the last build found them.
    file_dates: bool = False
    whole_site: bool = False  # reads many pages: requested first, so no worker ends last
    reserves: bool = True  # no page, file or alias may take one of its URLs...
    intro: bool = False  # ...but a page at its URL may introduce it (index.md, posts/index.md)
    build_only: bool = False  # names URLs for url_for and the freezer; never matched
    # "language": each language has its own, under its prefix (/fr/posts/): the rule is
    # registered a second time as /<lang:lang>/…; "pages": the values hold the language's
    # prefix already (page URLs); "site": one for the whole site.
    scope: Literal["language", "pages", "site"] = "language"


class UrlSpace(NamedTuple):
    """What the engine's URLs depend on besides the table: the site's taxonomies (besides
    tags) and the codes of its languages that have a prefix."""

    taxonomies: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


PLAIN = UrlSpace()  # a site of one language, with tags only


def url_space(settings: Settings) -> UrlSpace:
    prefixed = tuple(code for code in codes(settings) if url_prefix(code, settings))
    return UrlSpace(tuple(settings.taxonomies), prefixed)


def rules(route: Route) -> list[str]:
    """The rule of a route, and its rule under a language's prefix."""
    return [route.rule, "/<lang:lang>" + route.rule] if route.scope == "language" else [route.rule]


def _newest(site: Site) -> dt.datetime | None:
    return _modified(site.posts[0]) if site.posts else None


def _modified(page: Page) -> dt.datetime | None:
    return page.updated or page.date


def _page_count(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def _one(site: Site) -> Iterator[Values]:
    yield {}, None


def _one_dated(site: Site) -> Iterator[Values]:
    yield {}, _newest(site)


def _home(site: Site) -> Iterator[Values]:
    yield {}, _modified(site.home) if site.home else _newest(site)
    if site.language.default and site.language.prefix:
        yield {"lang": ""}, None  # / itself, which leads to the default language's home


def _pages(site: Site) -> Iterator[Values]:
    intros = (site.home_url, f"{site.home_url}posts/")  # answered by the home and posts rows
    for page in site.pages:
        if page.url not in intros:
            yield {"path": page.url_path}, _modified(page)
    for url in site.made_sections:
        yield {"path": url.strip("/")}, None


def _aliases(site: Site) -> Iterator[Values]:  # the whole site's
    for alias in site.aliases:
        yield {"path": alias[1:]}, None


def _files(site: Site) -> Iterator[Values]:
    for name in sorted(site.files):
        yield {"path": site.published_name(name)}, None
    for name in site.shared.copies:  # resized copies of images and social cards
        yield {"path": name}, None


def _post_lists(site: Site) -> Iterator[Values]:
    for number in range(1, _page_count(len(site.posts), site.settings.posts_per_page) + 1):
        yield {"number": number}, _newest(site)


def _years(site: Site) -> Iterator[Values]:
    for year, posts in site.years:
        yield {"year": year}, _modified(posts[0])


def _tag_lists(site: Site) -> Iterator[Values]:
    for tag in site.tags:
        for number in range(1, _page_count(len(tag.posts), site.settings.posts_per_page) + 1):
            yield {"slug": tag.slug, "number": number}, _modified(tag.posts[0])


def _tag_feeds(site: Site) -> Iterator[Values]:
    for tag in site.tags:
        yield {"slug": tag.slug}, None


def _taxonomies(site: Site) -> Iterator[Values]:
    for name, terms in site.taxonomies.items():
        if terms:
            yield {"taxonomy": name}, _newest(site)


def _term_lists(site: Site) -> Iterator[Values]:
    per_page = site.settings.posts_per_page
    for name, terms in site.taxonomies.items():
        for term in terms:
            for number in range(1, _page_count(len(term.posts), per_page) + 1):
                values = {"taxonomy": name, "slug": term.slug, "number": number}
                yield values, _modified(term.posts[0])


def _term_feeds(site: Site) -> Iterator[Values]:
    for name, terms in site.taxonomies.items():
        for term in terms:
            yield {"taxonomy": name, "slug": term.slug}, None


def _highlight(scheme: str) -> Enumerator:
    """The fingerprinted name of a code stylesheet ('light' or 'dark')."""

    def urls(site: Site) -> Iterator[Values]:
        yield {"version": code_stylesheets(site)[scheme][1]}, None

    return urls


def code_stylesheets(site: Site) -> dict[str, tuple[str, str]]:
    """The site's two code stylesheets with their digests (highlighting.stylesheets)."""
    markdown = site.settings.markdown
    return stylesheets(markdown.highlight_style, markdown.highlight_style_dark)


def _diagram_files(site: Site) -> Iterator[Values]:
    if site.shared.has_diagrams:
        for name in diagrams.files():
            yield {"name": name}, None


# fmt: off
ROUTES = (
    Route("/", "home", "the home page", "home", _home, sitemap=True, intro=True),
    # Pages, aliases and the files of content/: the rest of the URL space, reserved by none.
    # The page view answers all of them (and a page URL without its slash, with a redirect).
    Route("/<path:path>/", "page", "pages", "page", _pages, sitemap=True, reserves=False,
          scope="pages"),
    Route("/<path:path>", "file", "files of content/", "page", _files, reusable=False,
          reserves=False, build_only=True, scope="site"),
    Route("/<path:path>", "alias", "old URLs of pages", "page", _aliases, reserves=False,
          build_only=True, scope="site"),
    Route("/posts/", "posts", "the list of posts", "posts", _post_lists, sitemap=True,
          defaults={"number": 1}, intro=True),
    Route("/posts/page/<int:number>/", "posts", "pages of the list of posts", "posts"),
    Route("/posts/<int(fixed_digits=4):year>/", "year", "the posts of that year",
          "year_archive", _years, sitemap=True, whole_site=True),
    Route("/archive/", "archive", "the archive of posts", "archive", _one_dated, sitemap=True),
    Route("/tags/", "tags", "the list of tags", "tags", _one_dated, sitemap=True),
    Route("/tags/<slug>/", "tag", "tag pages", "tag", _tag_lists, sitemap=True,
          defaults={"number": 1}),
    Route("/tags/<slug>/page/<int:number>/", "tag", "tag pages", "tag"),
    Route("/feed.xml", "atom_feed", "the Atom feed", "atom_feed", _one, content_type=XML,
          cross_origin=True, whole_site=True),
    Route("/feed.json", "json_feed", "the JSON Feed", "json_feed", _one, content_type=JSON,
          cross_origin=True, whole_site=True),
    Route("/rss.xml", "rss_feed", "the RSS feed", "rss_feed", _one, content_type=XML,
          cross_origin=True, whole_site=True),
    Route("/tags/<slug>/feed.xml", "tag_atom_feed", "the feeds of tags", "tag_atom_feed",
          _tag_feeds, content_type=XML, cross_origin=True),
    Route("/tags/<slug>/feed.json", "tag_json_feed", "the feeds of tags", "tag_json_feed",
          _tag_feeds, content_type=JSON, cross_origin=True),
    Route("/tags/<slug>/rss.xml", "tag_rss_feed", "the feeds of tags", "tag_rss_feed",
          _tag_feeds, content_type=XML, cross_origin=True),
    # The site's other taxonomies (settings.taxonomies: categories, series…), as tags are.
    Route("/<taxonomy:taxonomy>/", "terms", "the lists of terms", "terms", _taxonomies,
          sitemap=True),
    Route("/<taxonomy:taxonomy>/<slug>/", "term", "the pages of terms", "term", _term_lists,
          sitemap=True, defaults={"number": 1}),
    Route("/<taxonomy:taxonomy>/<slug>/page/<int:number>/", "term", "the pages of terms",
          "term"),
    Route("/<taxonomy:taxonomy>/<slug>/feed.xml", "term_atom_feed", "the feeds of terms",
          "term_atom_feed", _term_feeds, content_type=XML, cross_origin=True),
    Route("/<taxonomy:taxonomy>/<slug>/feed.json", "term_json_feed", "the feeds of terms",
          "term_json_feed", _term_feeds, content_type=JSON, cross_origin=True),
    Route("/<taxonomy:taxonomy>/<slug>/rss.xml", "term_rss_feed", "the feeds of terms",
          "term_rss_feed", _term_feeds, content_type=XML, cross_origin=True),
    Route("/api/pages.json", "pages_api", "the list of pages", "pages_api", _one,
          content_type=JSON, cross_origin=True, whole_site=True),
    Route("/search.json", "search_index", "the search index", "search_index", _one,
          content_type=JSON, cross_origin=True, whole_site=True),
    # Its dates of pages without one come from their files.
    Route("/sitemap.xml", "sitemap", "the sitemap", "sitemap", _one, content_type=XML,
          whole_site=True, scope="site", file_dates=True),
    Route("/robots.txt", "robots", "the robots file", "robots", _one, content_type=TEXT,
          scope="site"),
    Route("/_redirects", "netlify_redirects", "the redirects of the host",
          "netlify_redirects", _one, content_type=OCTETS, scope="site"),
    # Enumerated by the freezer after every page: only then is every asset a page used known.
    Route("/_headers", "netlify_headers", "the headers of the host", "netlify_headers",
          content_type=OCTETS, scope="site"),
    Route("/404.html", "not_found_page", "the not-found page", "not_found_page", _one),
    # The preview's plain names; a build writes them fingerprinted (highlight.<digest>.css).
    Route("/highlight.css", "highlight_css", "the code highlighting styles",
          "code_highlight_css", content_type=CSS, scope="site"),
    Route("/highlight.<version>.css", "highlight_css", "the code highlighting styles",
          "code_highlight_css", _highlight("light"), content_type=CSS, scope="site"),
    Route("/highlight-dark.css", "highlight_dark_css", "the code highlighting styles",
          "code_highlight_dark_css", content_type=CSS, scope="site"),
    Route("/highlight-dark.<version>.css", "highlight_dark_css", "the code highlighting styles",
          "code_highlight_dark_css", _highlight("dark"), content_type=CSS, scope="site"),
    Route("/_diagrams/<path:name>", "diagrams", "the diagram drawer (Mermaid)", "diagram_file",
          _diagram_files, content_type=JAVASCRIPT, whole_site=True, scope="site"),
    # Written by the build's search step after the freeze; answered by the preview.
    Route("/_search/<path:name>", "search_files", "the search index", "search_file",
          content_type=JSON),
    Route("/manifest.webmanifest", "web_manifest", "the web app manifest", "web_manifest",
          _one, content_type=MANIFEST, scope="site"),
    # Flask's own static rule (the view is frostpage's); Frozen-Flask lists its files.
    Route("/static/<path:filename>", "static", "static files", "static_file", scope="site"),
)
# fmt: on
BY_ENDPOINT = {route.endpoint: route for route in reversed(ROUTES)}  # each endpoint's first row
BY_RULE = {rule: route for route in ROUTES if route.reserves for rule in rules(route)}
# The endpoints whose URL is a path put in a rule: '/<path:path>/' → ('/', '/').
PATH_RULES = {
    route.endpoint: (before, after)
    for route in ROUTES
    if route.scope != "language" and route.rule.count("<path:path>") == 1
    for before, after in [route.rule.split("<path:path>")]
}
# What Werkzeug's path converter leaves unquoted (a contract test compares with url_for).
PATH_SAFE = "!$&'()*+,/:;=@"
UNQUOTED = re.compile(r"[\w.~!$&'()*+,/:;=@-]*", re.ASCII)  # most paths: nothing to quote
ENDPOINTS = frozenset(BY_ENDPOINT)


def one_of(names: tuple[str, ...]) -> type[BaseConverter]:
    """A URL converter that matches one of ``names`` and nothing else: the site's own
    taxonomies (/categories/ is a list of terms, /about/ stays a page), or its languages'
    prefixes (/fr/)."""
    pattern = "|".join(re.escape(name) for name in names) or "(?!)"

    class OneOf(BaseConverter):
        regex = f"(?:{pattern})"

    return OneOf


def converters(space: UrlSpace) -> dict[str, type[BaseConverter]]:
    return {"taxonomy": one_of(space.taxonomies), "lang": one_of(space.languages)}


@functools.lru_cache(maxsize=8)
def _reserving(space: UrlSpace) -> Map:
    return Map(
        [
            Rule(rule, endpoint=route.endpoint, defaults=route.defaults or None)
            for route in ROUTES
            if route.reserves
            for rule in rules(route)
        ],
        converters=converters(space),
        strict_slashes=False,
        redirect_defaults=False,
    )


def url_builder() -> Callable[[str, dict[str, Any]], str]:
    """url_for, in the request it is made for, but for pages, files and aliases: each has
    its path quoted and put in its rule, after the script root url_for gives them. url_for
    for each of a hundred thousand pages took seconds."""
    roots = {
        endpoint: url_for(endpoint, path="x")[: -len("x" + after)]
        for endpoint, (_, after) in PATH_RULES.items()
    }

    def build(endpoint: str, values: dict[str, Any]) -> str:
        if endpoint in PATH_RULES and values.keys() == {"path"}:
            path = values["path"]
            if not UNQUOTED.fullmatch(path):
                path = quote(path, safe=PATH_SAFE)
            return roots[endpoint] + path + PATH_RULES[endpoint][1]
        return url_for(endpoint, **values)

    return build


def site_urls(
    site: Site, only: Callable[[Route], bool] | None = None
) -> Iterator[tuple[str, dict[str, Any], dt.datetime | None, bool]]:
    """(endpoint, values, last modified, in the sitemap) for every URL the site has, in
    every language (listed once per model); of the routes ``only`` picks, if given (not
    every page's, to find a few)."""
    if only is not None:
        return _listed(site, only)
    if site.all_urls is None:
        site.all_urls = list(_listed(site, lambda route: True))
    return iter(site.all_urls)


def _listed(
    site: Site, only: Callable[[Route], bool]
) -> Iterator[tuple[str, dict[str, Any], dt.datetime | None, bool]]:
    for route in ROUTES:
        if route.urls is None or not only(route):
            continue
        for language in [site.main] if route.scope == "site" else site.languages:
            code = language.language.code
            prefixed = route.scope == "language" and language.language.prefix
            for values, modified in route.urls(language):
                if prefixed and "lang" not in values:
                    values = {**values, "lang": code}
                yield route.endpoint, values, modified, route.sitemap and values.get("lang") != ""


def reserved(url: str, space: UrlSpace = PLAIN) -> Route | None:
    """The engine's route that answers the site path ``url``, if any, in a site of the
    taxonomies and languages of ``space``. Only a URL that ``_may_be_reserved`` is looked
    up in the URL map: a hundred thousand posts' URLs took seconds there."""
    if "//" not in url and not _may_be_reserved(space).fullmatch(url.rstrip("/")):
        return None
    try:
        rule, _ = _reserving_adapter(space).match(url, return_rule=True)
    except HTTPException:
        return None
    return BY_RULE[rule.rule]


@functools.lru_cache(maxsize=8)
def _reserving_adapter(space: UrlSpace) -> MapAdapter:
    return _reserving(space).bind("site")


@functools.lru_cache(maxsize=8)
def _may_be_reserved(space: UrlSpace) -> re.Pattern[str]:
    """What every URL a reserving rule matches also matches, its trailing slash cut off
    (the rules match with or without it): each rule with each variable as its converter's
    pattern (the site's taxonomies, its languages, digits), a path as any text. A rule's
    arguments to a converter (fixed_digits) only narrow it. Most pages' URLs do not match."""
    url_map = _reserving(space)

    def variable(text: str) -> str:  # <name>, <converter:name>, <converter(arguments):name>
        kind = text[1:-1].partition(":")[0].partition("(")[0] if ":" in text else "default"
        return ".*" if kind == "path" else f"(?:{url_map.converters[kind](url_map).regex})"

    return re.compile(
        "|".join(
            "".join(
                variable(piece) if piece.startswith("<") else re.escape(piece)
                for piece in re.split(r"(<[^>]*>)", rule.rstrip("/"))
            )
            for route in ROUTES
            if route.reserves
            for rule in rules(route)
        ),
        re.DOTALL,  # a path's any text: a newline too
    )


def exists(site: Site, endpoint: str, values: dict[str, Any]) -> bool:
    """Whether the site (in its language) has the URL of ``endpoint`` with ``values``; the
    URLs of each endpoint are listed once per model."""
    known = site.known_urls.get(endpoint)
    if known is None:
        listed = (
            values
            for route in ROUTES
            if route.endpoint == endpoint and route.urls is not None
            for values, _ in route.urls(site)
        )
        known = site.known_urls[endpoint] = {_frozen(values) for values in listed}
    return _frozen(values) in known


def _frozen(values: dict[str, Any]) -> frozenset[tuple[str, Any]]:
    return frozenset((key, value) for key, value in values.items() if key != "lang")


def versions(site: Site, endpoint: str, values: dict[str, Any]) -> dict[str, tuple[str, dict]]:
    """The URL of ``endpoint`` with ``values`` in each language that has it, as (endpoint,
    values): a page's translations, a made section's folder in each language, the same
    list (/posts/, a tag) where that language has it. The site's own URLs have none."""
    found: dict[str, tuple[str, dict]] = {}
    if endpoint == "page":
        url = f"/{values.get('path', '')}/"
        page = site.by_url.get(url)
        made = next((s for s in site.languages if url in s.made_sections), None)
        folder = made.made_sections[url].folder if made else None
        for language in site.languages:
            code = language.language.code
            if page is not None:
                other = site.translations(page).get(code)
                at = other.url if other is not None else None
            else:  # the same folder, where that language has no page for it either
                same = (s.url for s in language.made_sections.values() if s.folder == folder)
                at = next(same, None) if folder is not None else None
            if at is not None:
                found[code] = (
                    ("page", {"path": at.strip("/")}) if at != "/" else ("home", {"lang": ""})
                )
        return found
    route = BY_ENDPOINT.get(endpoint)
    if route is None or route.scope != "language":
        return found
    for language in site.languages:
        if exists(language, endpoint, values):
            found[language.language.code] = (endpoint, {**values, "lang": language.language.code})
    return found


def cross_origin(endpoint: str | None) -> bool:
    route = BY_ENDPOINT.get(endpoint or "")
    return route is not None and route.cross_origin


def content_type(endpoint: str) -> str:
    return BY_ENDPOINT[endpoint].content_type
