"""Full-text search: a Pagefind index of every page, in chunks a browser fetches as needed.

The index is made from each page's rendered Markdown (its title, text and headings, with
its section as metadata), not from the written files, so the build and the preview index
exactly the same thing: the build writes it into ``_pagefind/`` after the freeze (and keeps
the previous one when no page changed); the preview keeps it in memory, made again when
the site changes. Pagefind's binary comes with the ``pagefind[bin]`` package: nothing is
downloaded when it runs. (Its program is run on a folder, not through Pagefind's Python
API, which reads one answer per tenth of a second: minutes for a big site.)
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import quote

from pagefind_bin import get_executable

from .errors import SiteError
from .model import Site
from .page import Page

FOLDER = "_pagefind"
# Pagefind's own search interfaces: the theme has a search box of its own.
# What a page shows that is not its text: heading links, line numbers, diagrams' source.
NOT_TEXT = [".headerlink", ".linenos", "[data-linenos]", ".mermaid", "script", "style"]
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
    """One HTML document per searchable page: its title, section and rendered body, and its
    URL as Pagefind's ``url`` metadata (the documents are indexed under other names)."""
    language = escape(site.settings.language)
    base = site.settings.base_path
    found = []
    for page in searchable(site):
        section = section_label(site, page)
        meta = f'<p data-pagefind-meta="section">{escape(section)}</p>' if section else ""
        url = base + page.url
        html = (
            f'<html lang="{language}"><head><title>{escape(page.title)}</title></head><body>'
            f"<main data-pagefind-body><h1>{escape(page.title)}</h1>"
            f"{site.render(page).html}</main>{meta}"
            f'<a data-pagefind-meta="url[href]" href="{escape(quote(url))}"></a></body></html>'
        )
        found.append(Record(url, html))
    return found


def key_of(documents: Iterable[Record]) -> str:
    """What an index is made of: the same key, the same index."""
    digest = hashlib.sha256()
    for record in documents:
        digest.update(f"{record.url}\0{record.html}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def index_files(documents: list[Record]) -> dict[str, bytes]:
    """Pagefind's files for ``documents`` (names under ``_pagefind/``): each document is
    written into a scratch folder (by number: a URL may hold any character), which Pagefind's
    program indexes. No document, no index."""
    if not documents:
        return {}
    with tempfile.TemporaryDirectory(prefix="frostpage-search-") as scratch:
        folder = Path(scratch)
        (folder / "site").mkdir()
        for number, record in enumerate(documents):
            path = folder / "site" / f"{number}.html"
            path.write_text(record.html, "utf-8", errors="surrogatepass")
        settings = {"site": "site", "output_path": "index", "exclude_selectors": NOT_TEXT}
        (folder / "pagefind.json").write_text(json.dumps(settings), "utf-8")
        try:
            done = subprocess.run(
                [str(get_executable()), "--silent"],
                cwd=folder,
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError as error:
            done = subprocess.CompletedProcess([], 1, "", str(error))
        if done.returncode != 0:
            raise SiteError(
                f"{FOLDER}/",
                None,
                f"the search index could not be made: {(done.stderr or done.stdout).strip()}",
                "reinstall frostpage, which brings Pagefind's program (pagefind[bin])",
            )
        index = folder / "index"
        return {
            path.relative_to(index).as_posix(): path.read_bytes()
            for path in sorted(index.rglob("*"))
            if path.is_file() and not path.name.startswith(INTERFACES)
        }


@dataclass
class PreviewIndex:
    """The preview's index, in memory: made on the first search, and again when a page
    changed since (the key of its documents differs)."""

    key: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    seen: tuple[int, ...] = ()  # the site and the renderings the index was checked against
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def file(self, site: Site, name: str) -> bytes | None:
        with self._lock:
            if _renderings(site) != self.seen:  # a save changed a page, or the site
                documents = records(site)
                key = key_of(documents)
                if key != self.key:
                    self.files, self.key = index_files(documents), key
                self.seen = _renderings(site)
            return self.files.get(name)


def _renderings(site: Site) -> tuple[int, ...]:
    """Which site and which renderings of its pages are in memory: cheap to compare."""
    return (id(site), *(id(page.__dict__.get("_rendered")) for page in site.pages))
