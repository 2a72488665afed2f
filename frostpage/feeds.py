"""Machine-readable files: Atom, RSS and JSON feeds, the sitemap, robots.txt, Netlify's
rules.

Written with ElementTree and json, never by string templates, so titles, tags and content
are always escaped correctly. Every URL in them is absolute, and every date comes from
the content (no build time), so the same sources give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote, urljoin
from xml.sax.saxutils import escape

from .markup import printable
from .model import Site
from .page import Page
from .portable import rewrite_links

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"  # RSS's content:encoded, the full HTML
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"  # RSS's dc:creator, an author without email
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"  # the sitemap's links to other languages' versions
FEED_LENGTH = 20


@dataclass(frozen=True)
class FeedEntry:
    """A post as a feed shows it: absolute URL, full HTML with absolute links."""

    page: Page
    url: str
    content_html: str
    summary: str
    tags: tuple[str, ...]

    @property
    def updated(self) -> dt.datetime:
        return self.page.updated or self.page.post_date


@dataclass(frozen=True)
class Feed:
    title: str
    home_url: str
    feed_url: str  # this feed's own absolute URL
    description: str
    language: str
    author: str
    entries: list[FeedEntry]

    @property
    def updated(self) -> dt.datetime:
        """The newest entry's date: a feed with no change keeps the same bytes."""
        if not self.entries:
            return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        return max(entry.updated for entry in self.entries)


def absolute_links(page_html: str, page_url: str) -> str:
    """Make every href and src absolute: feed readers show content away from the site."""

    def absolute(link: str) -> str:
        if link.startswith("#"):
            return page_url + link
        return link if link.startswith(("mailto:", "data:")) else urljoin(page_url, link)

    return rewrite_links(page_html, absolute)


def feed_entries(
    site: Site, posts: Iterable[Page], absolute_url_of: Callable[[Page], str]
) -> list[FeedEntry]:
    entries = []
    for post in list(posts)[:FEED_LENGTH]:
        url = absolute_url_of(post)
        kept = site.outline(post)  # what stays of the page's rendering, in a build too
        if url not in kept.feed_html:  # a post is in its tags' feeds too: made once
            kept.feed_html[url] = absolute_links(site.render(post).html, url)
        entries.append(
            FeedEntry(
                page=post,
                url=url,
                content_html=kept.feed_html[url],
                summary=site.summary(post),
                tags=tuple(tag.name for tag in site.tags_of(post)),
            )
        )
    return entries


def atom(feed: Feed) -> bytes:
    """An Atom 1.0 document (RFC 4287)."""
    etree.register_namespace("", ATOM)
    root = etree.Element(f"{{{ATOM}}}feed", {"xml:lang": printable(feed.language)})
    _text(root, "title", feed.title)
    if feed.description:
        _text(root, "subtitle", feed.description)
    _text(root, "id", feed.feed_url)
    _text(root, "updated", _iso(feed.updated))
    _link(root, feed.feed_url, "self", "application/atom+xml")
    _link(root, feed.home_url, "alternate", "text/html")
    if feed.author:
        author = etree.SubElement(root, f"{{{ATOM}}}author")
        _text(author, "name", feed.author)
    _text(root, "generator", "frostpage")
    for entry in feed.entries:
        element = etree.SubElement(root, f"{{{ATOM}}}entry")
        _text(element, "title", entry.page.title)
        _text(element, "id", entry.url)
        _link(element, entry.url, "alternate", "text/html")
        _text(element, "published", _iso(entry.page.post_date))
        _text(element, "updated", _iso(entry.updated))
        for tag in entry.tags:
            etree.SubElement(element, f"{{{ATOM}}}category", {"term": printable(tag)})
        if entry.summary:
            _text(element, "summary", entry.summary)
        content = _text(element, "content", entry.content_html)
        content.set("type", "html")
    etree.indent(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def rss(feed: Feed) -> bytes:
    """An RSS 2.0 document, for the readers and podcast tools that want RSS: each item with
    its summary as description and its full HTML as content:encoded."""
    etree.register_namespace("atom", ATOM)
    etree.register_namespace("content", CONTENT)
    etree.register_namespace("dc", DUBLIN_CORE)
    root = etree.Element("rss", {"version": "2.0"})
    channel = etree.SubElement(root, "channel")
    _plain(channel, "title", feed.title)
    _plain(channel, "link", feed.home_url)
    _plain(channel, "description", feed.description or feed.title)
    _plain(channel, "language", feed.language)
    _plain(channel, "lastBuildDate", format_datetime(feed.updated))
    _plain(channel, "generator", "frostpage")
    _link(channel, feed.feed_url, "self", "application/rss+xml")  # as the RSS board advises
    for entry in feed.entries:
        item = etree.SubElement(channel, "item")
        _plain(item, "title", entry.page.title)
        _plain(item, "link", entry.url)
        _plain(item, "guid", entry.url).set("isPermaLink", "true")
        _plain(item, "pubDate", format_datetime(entry.page.post_date))
        if feed.author:
            _plain(item, f"{{{DUBLIN_CORE}}}creator", feed.author)
        for tag in entry.tags:
            _plain(item, "category", tag)
        _plain(item, "description", entry.summary)
        _plain(item, f"{{{CONTENT}}}encoded", entry.content_html)
    etree.indent(root)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _plain(parent: etree.Element, tag: str, text: str) -> etree.Element:
    """An element of no namespace (RSS's own) with text."""
    element = etree.SubElement(parent, tag)
    element.text = printable(text)
    return element


def json_feed(feed: Feed) -> bytes:
    """A JSON Feed 1.1 document."""
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.feed_url,
        "language": feed.language,
        "items": [
            {
                "id": entry.url,
                "url": entry.url,
                "title": entry.page.title,
                "content_html": entry.content_html,
                "summary": entry.summary,
                "date_published": _iso(entry.page.post_date),
                "date_modified": _iso(entry.updated),
                "tags": list(entry.tags),
            }
            for entry in feed.entries
        ],
    }
    if feed.description:
        document["description"] = feed.description
    if feed.author:
        document["authors"] = [{"name": feed.author}]
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def pages_api(site: Site, pages: list[tuple[Page, str]]) -> bytes:
    """/api/pages.json: title, URL, date, tags and summary of every published page."""
    items = [
        {
            "title": page.title,
            "url": url,
            "kind": "post" if page.is_post else "page",
            "date": _iso(page.date) if page.date else None,
            "updated": _iso(page.updated) if page.updated else None,
            "tags": [tag.name for tag in site.tags_of(page)],
            "summary": site.summary(page),
        }
        for page, url in pages
    ]
    return _json_bytes({"pages": items}, indent=2)


def search_index(site: Site, pages: list[tuple[Page, str]]) -> bytes:
    """/search.json: compact (one line, short keys, the summary rather than the whole
    text) so it stays small on a big site; the search box uses the full-text index."""
    items = [
        {
            "t": page.title,
            "u": url,
            "s": site.summary(page),
            "g": [tag.name for tag in site.tags_of(page)],
        }
        for page, url in pages
    ]
    return _json_bytes(items, indent=None)


def _json_bytes(document: Any, indent: int | None) -> bytes:
    separators = None if indent else (",", ":")
    text = json.dumps(document, ensure_ascii=False, indent=indent, separators=separators)
    return (text + "\n").encode("utf-8")


def sitemap(entries: Iterable[tuple[str, dt.datetime | None, list[tuple[str, str]]]]) -> bytes:
    """A sitemap of (absolute URL, last modified, versions in other languages), sorted by
    URL. Each version is an xhtml:link with its hreflang, the URL's own among them, as
    search engines ask; a URL in one language has none. Written as text, as ElementTree
    would indent it: a tree of a hundred thousand URLs took seconds to make and write."""
    lines = []
    linked = False
    for url, modified, alternates in sorted(entries, key=lambda entry: entry[0]):
        loc = _xml_text(url)
        lines.append(f"  <url>\n    <loc>{loc}</loc>\n" if loc else "  <url>\n    <loc />\n")
        if modified:
            lines.append(f"    <lastmod>{modified.date().isoformat()}</lastmod>\n")
        for code, other in alternates if len(alternates) > 1 else ():
            linked = True
            lines.append(
                f'    <xhtml:link rel="alternate" hreflang="{_xml_attribute(code)}"'
                f' href="{_xml_attribute(other)}" />\n'
            )
        lines.append("  </url>\n")
    namespaces = f' xmlns="{SITEMAP}"' + (f' xmlns:xhtml="{XHTML}"' if linked else "")
    text = "".join(
        [
            "<?xml version='1.0' encoding='utf-8'?>\n",
            f"<urlset{namespaces}>\n",
            *lines,
            "</urlset>\n",
        ]
    )
    return text.encode("utf-8")


def _xml_text(text: str) -> str:
    return escape(printable(text), {">": "&gt;"})


def _xml_attribute(text: str) -> str:
    return escape(
        printable(text), {">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
    )


def robots(sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"


def redirects(rules: Iterable[tuple[str, str]], not_found: Iterable[tuple[str, str]] = ()) -> str:
    """Netlify's _redirects: a forced 301 per alias, since an alias page exists at that path,
    then the ``not_found`` pages of paths ('/fr/*'), as the first rule that matches wins.
    An alias is percent-encoded: a space in it must not split its line into more fields."""
    lines = [f"{quote(old)} {new} 301!" for old, new in sorted(rules)]
    lines += [f"{quote(paths, safe='/*')} {page} 404" for paths, page in not_found]
    return "".join(line + "\n" for line in lines)


def host_headers(immutable: Iterable[str], shared: Iterable[str]) -> str:
    """Netlify's _headers: fingerprinted files never change, so they may be cached forever;
    the ``shared`` URLs (feeds, the static API) may be read by other sites' scripts."""
    rules: dict[str, list[str]] = {}
    for path in immutable:
        rules.setdefault(path, []).append("Cache-Control: public, max-age=31536000, immutable")
    for path in shared:
        rules.setdefault(path, []).append("Access-Control-Allow-Origin: *")
    return "".join(
        path + "\n" + "".join(f"  {header}\n" for header in headers)
        for path, headers in sorted(rules.items())
    )


def _text(parent: etree.Element, tag: str, text: str) -> etree.Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = printable(text)
    return element


def _link(parent: etree.Element, href: str, rel: str, media_type: str) -> None:
    attributes = {"href": printable(href), "rel": rel, "type": media_type}
    etree.SubElement(parent, f"{{{ATOM}}}link", attributes)


def _iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")
