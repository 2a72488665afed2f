"""Sections: each folder of content/ is one, with its pages and sub-sections, for the
documentation layout (sidebar, breadcrumbs, previous/next) and the navigation tree.

A folder's index.md (_index.md, README.md), or the page beside it at its URL ('about.md'
for 'about/'), is its section page; a folder without one still has a section page at its
URL, made by frostpage, unless that URL is taken. The blog (content/posts/, Jekyll's
_posts/) is not a section: posts have lists of their own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .config import NavLink
from .page import JEKYLL_POSTS, POSTS_SECTION, Page, is_index, title_from_folder, url_for_source
from .paths import MARKDOWN_SUFFIXES as SUFFIXES

# A sidebar lists at most this many entries of one section (as Docsy truncates its menu).
SIDEBAR_LIMIT = 100


@dataclass(eq=False)
class Section:
    """One folder of content/: its page, its own pages and its sub-sections, in order."""

    folder: str  # 'docs/guides'; '' for content/ itself
    title: str
    url: str | None  # None when the folder's URL is taken by something else
    index: Page | None  # its index.md, if it has one
    parent: Section | None
    pages: list[Page] = field(default_factory=list)  # by weight, then title
    subsections: list[Section] = field(default_factory=list)  # by weight, then title
    # A section without a page of its own: its neighbours in reading order (see Place).
    previous: Page | Section | None = None
    next: Page | Section | None = None

    @property
    def weight(self) -> int:
        return self.index.weight if self.index else 0

    @property
    def parents(self) -> list[Section]:
        """The sections above this one, from the site's root down."""
        chain = []
        section = self.parent
        while section is not None:
            chain.append(section)
            section = section.parent
        return chain[::-1]

    def reading_order(self) -> Iterator[tuple[Page | Section, Section]]:
        """This section's page, then its pages and its sub-sections' (depth first), each
        with the section it is in, as a reader goes through a documentation: the order
        previous/next follow."""
        yield self.index or self, self
        for item in self.items:
            if isinstance(item, Section):
                yield from item.reading_order()
            else:
                yield item, self

    @property
    def items(self) -> list[Page | Section]:
        """Pages and sub-sections mixed, by weight then title, as the sidebar lists them."""
        mixed: list[Page | Section] = [*self.pages, *self.subsections]
        return sorted(mixed, key=lambda item: (item.weight, item.title.casefold()))


@dataclass(frozen=True)
class Place:
    """Where a page stands among the sections: set on each page by the site model."""

    section: Section  # the section it is in (an index page: the section it introduces)
    previous: Page | Section | None = None
    next: Page | Section | None = None


def in_blog(source: str) -> bool:
    return source.startswith((f"{POSTS_SECTION}/", JEKYLL_POSTS))


def build_sections(pages: list[Page], taken: Callable[[str], bool], prefix: str = "") -> Section:
    """The tree of sections of one language's ``pages`` (not posts), from content/'s own;
    folders are read from the pages' keys (their paths without the language), and URLs are
    under the language's ``prefix`` ('/fr').

    ``taken(url)`` says whether a URL belongs to something else (a page, a file, an alias,
    an engine route): a folder without an index page gets a section page only where not.
    """
    root = Section("", "Home", prefix + "/", None, None)
    folders: dict[str, Section] = {"": root}

    def section_of(folder: str) -> Section:
        found = folders.get(folder)
        if found is None:
            parent_folder = folder.rpartition("/")[0]
            parent = section_of(parent_folder)
            url = prefix + url_for_source(folder + "/index.md")
            found = Section(
                folder, title_from_folder(folder), None if taken(url) else url, None, parent
            )
            parent.subsections.append(found)
            folders[folder] = found
        return found

    for page in pages:
        if page.is_post or in_blog(page.key) or page.url == f"{prefix}/{POSTS_SECTION}/":
            continue  # the blog, and its list's intro (posts.md)
        folder = page.key.rpartition("/")[0]
        if is_index(page.key):
            section = section_of(folder)
            section.index, section.url = page, page.url
            section.title = page.title
        else:
            section_of(folder).pages.append(page)
    for section in list(folders.values()):
        # 'about.md' beside 'about/' (Pelican's and Jekyll's way) is that folder's page.
        beside = section.parent.pages if section.parent and section.index is None else []
        own = prefix + url_for_source(section.folder + "/index.md")
        for page in beside:
            if page.url == own:
                beside.remove(page)
                section.index, section.url, section.title = page, page.url, page.title
                break
    for section in folders.values():
        section.pages.sort(key=lambda page: (page.weight, page.title.casefold(), page.source))
        section.subsections.sort(key=lambda s: (s.weight, s.title.casefold(), s.folder))
    return root


def places(root: Section) -> dict[Page, Place]:
    """Each page's place: its section, and its neighbours in reading order within its
    top-level section (the root's own pages have none)."""
    found: dict[Page, Place] = {}
    if root.index is not None:
        found[root.index] = Place(root)
    for page in root.pages:
        found[page] = Place(root)
    for top in root.subsections:
        order = list(top.reading_order())
        for number, (item, section) in enumerate(order):
            previous = _linked(order[number - 1][0]) if number > 0 else None
            following = _linked(order[number + 1][0]) if number + 1 < len(order) else None
            if isinstance(item, Section):
                item.previous, item.next = previous, following
            else:
                found[item] = Place(section, previous, following)
    return found


def _linked(item: Page | Section | None) -> Page | Section | None:
    """A neighbour a link can lead to: a section without a page of its own is skipped."""
    return item if not isinstance(item, Section) or item.url else None


def walk(section: Section) -> Iterator[Section]:
    """``section`` and every section under it, depth first."""
    yield section
    for sub in section.subsections:
        yield from walk(sub)


@dataclass(eq=False)
class NavItem:
    """An entry of the navigation tree: the header shows the first level, the sidebar the
    entry a page is under."""

    title: str
    url: str | None  # a site path ('/docs/'), another site's URL, or None (a group's title)
    children: list[NavItem] = field(default_factory=list)

    @property
    def external(self) -> bool:
        return self.url is not None and "://" in self.url

    @functools.cached_property
    def urls(self) -> frozenset[str]:
        """This entry's URL and every URL under it."""
        own = {self.url} if self.url else set()
        return frozenset(own.union(*(child.urls for child in self.children)))

    def contains(self, url: str) -> bool:
        return url in self.urls

    def shown_children(self, current: str) -> list[NavItem]:
        """The entries under this one that a sidebar lists: at most SIDEBAR_LIMIT (a section
        of thousands of pages would make every page of it that long), and the current one."""
        if len(self.children) <= SIDEBAR_LIMIT:
            return self.children
        return self.children[:SIDEBAR_LIMIT] + self._beyond_limit.get(current, [])

    @functools.cached_property
    def _beyond_limit(self) -> dict[str, list[NavItem]]:
        """Each URL under the entries past SIDEBAR_LIMIT → those entries, in order: each page
        of a section of thousands asks which holds it."""
        holders: dict[str, list[NavItem]] = {}
        for child in self.children[SIDEBAR_LIMIT:]:
            for url in child.urls:
                holders.setdefault(url, []).append(child)
        return holders

    @property
    def hidden(self) -> int:
        """How many entries ``shown_children`` leaves out (about; the current one shows)."""
        return max(0, len(self.children) - SIDEBAR_LIMIT)


def section_nav(section: Section) -> list[NavItem]:
    """The entries of a section's pages and sub-sections, in the sidebar's order."""
    return [
        NavItem(item.title, item.url, section_nav(item))
        if isinstance(item, Section)
        else NavItem(item.title, item.url)
        for item in section.items
    ]


def site_nav(
    links: list[NavLink],
    root: Section,
    resolve: Callable[[str], str | None],
    blog: NavItem | None,
    missing: list[NavLink],
) -> list[NavItem]:
    """The navigation tree: [[nav]] as written, where an entry that leads to a section and
    lists nothing under it gets that section's pages; without [[nav]], the site's sections
    and top pages, then the blog. Entries naming a content file that is not a page are
    added to ``missing``."""
    by_url = {section.url: section for section in walk(root) if section.url}

    def item(link: NavLink) -> NavItem:
        url = link.url or None
        if url and not url.startswith("/") and "://" not in url and url.endswith(SUFFIXES):
            url = resolve(url)  # a content file, as MkDocs' nav names pages
            if url is None:
                missing.append(link)
        if link.children:
            return NavItem(link.title, url, [item(child) for child in link.children])
        section = by_url.get(url) if url and url != root.url else None
        return NavItem(link.title, url, section_nav(section) if section else [])

    if links:
        return [item(link) for link in links]
    return [*section_nav(root), *([blog] if blog else [])]
