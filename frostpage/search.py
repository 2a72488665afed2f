"""Full-text search: a Pagefind index of every page, in chunks a browser fetches as needed.

The index is made from each page's rendered Markdown (its title, text and headings, with
its section as metadata), not from the written files, so the build and the preview index
exactly the same thing: the build writes it into ``_pagefind/`` after the freeze (and keeps
the previous one when no page changed); the preview keeps it in memory, made again when
the site changes. Pagefind's binary comes with the ``pagefind[bin]`` package: nothing is
downloaded when it runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from pagefind.index import IndexConfig, PagefindIndex

from .errors import SiteError
from .model import Site
from .page import Page

FOLDER = "_pagefind"
# Pagefind's own search interfaces: the theme has a search box of its own.
# What a page shows that is not its text: heading links, line numbers, diagrams' source.
NOT_TEXT = (".headerlink", ".linenos", "[data-linenos]", ".mermaid", "script", "style")
INTERFACES = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")


@dataclass(frozen=True)
class Record:
    url: str  # with the site's base path, as a link to the page is written
    html: str


def searchable(site: Site) -> list[Page]:
    """The pages a reader may find: every page and post, but the posts list's intro."""
    return [page for page in site.pages if page is not site.posts_intro and not page.errors]


def section_label(site: Site, page: Page) -> str:
    """Where a page is, shown under its title in the results: 'Docs › Guides', 'Blog'."""
    if page.is_post:
        return site.posts_intro.title if site.posts_intro else "Blog"
    return " › ".join(section.title for section in page.parents[1:])


def records(site: Site) -> list[Record]:
    """One HTML document per searchable page: its title, section and rendered body."""
    language = escape(site.settings.language)
    base = site.settings.base_path
    found = []
    for page in searchable(site):
        section = section_label(site, page)
        meta = f'<p data-pagefind-meta="section">{escape(section)}</p>' if section else ""
        html = (
            f'<html lang="{language}"><head><title>{escape(page.title)}</title></head><body>'
            f"<main data-pagefind-body><h1>{escape(page.title)}</h1>"
            f"{site.render(page).html}</main>{meta}</body></html>"
        )
        found.append(Record(base + page.url, html))
    return found


def key_of(documents: Iterable[Record]) -> str:
    """What an index is made of: the same key, the same index."""
    digest = hashlib.sha256()
    for record in documents:
        digest.update(f"{record.url}\0{record.html}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def index_files(documents: list[Record]) -> dict[str, bytes]:
    """Pagefind's files for ``documents`` (names under ``_pagefind/``), made in memory."""

    async def run() -> dict[str, bytes]:
        config = IndexConfig(keep_index_url=True, exclude_selectors=list(NOT_TEXT))
        async with PagefindIndex(config) as index:
            for record in documents:
                await index.add_html_file(content=record.html, url=record.url)
            files = await index.get_files()
        return {
            file["path"]: file["content"]
            for file in files
            if not file["path"].startswith(INTERFACES)
        }

    try:
        return asyncio.run(run())
    except Exception as error:  # the binary missing, or refusing a document
        raise SiteError(
            f"{FOLDER}/",
            None,
            f"the search index could not be made ({type(error).__name__}: {error})",
            "reinstall frostpage, which brings Pagefind's program (pagefind[bin])",
        ) from None


@dataclass
class PreviewIndex:
    """The preview's index, in memory: made on the first search, and again when a page
    changed since (the key of its documents differs)."""

    key: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def file(self, site: Site, name: str) -> bytes | None:
        with self._lock:
            documents = records(site)
            key = key_of(documents)
            if key != self.key:
                self.files, self.key = index_files(documents), key
            return self.files.get(name)
